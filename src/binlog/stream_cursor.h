// StreamCursor: follows a stream of parsed events (a file or a server dump) and says where it
// is — the current file, the GTID of the open event group, the position after the last event,
// and the resume point: where a reader must restart to see only whole event groups again (the
// start of the open group, or the end of the last event outside one).
//
// Groups are recognised as TransactionGrouper does (GTID or BEGIN ... XID or COMMIT/ROLLBACK; a
// standalone GTID with its one statement) but no events are kept, so memory does not grow with a
// transaction's size. Artificial events (offset 0: the rotate a dump starts with, the format
// description it repeats) and heartbeats never move the position.
// Not thread-safe: one cursor per stream.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "binlog/binlog_position.h"
#include "binlog/event_parser.h"

namespace safeddl::binlog {

class StreamCursor {
 public:
  // `start`: where reading starts (its file names the events until a ROTATE says otherwise).
  explicit StreamCursor(BinlogPosition start);

  // Takes the next event into account; call before acting on it, so gtid() and in_group()
  // describe the group the event belongs to (a closing XID/COMMIT already counts as outside).
  void Observe(const Event& event);

  const std::string& file() const { return position_.file; }
  const std::optional<Gtid>& gtid() const { return gtid_; }
  bool in_group() const { return in_group_; }
  // Counts the groups opened so far: changes when a new group starts.
  uint64_t groups_opened() const { return groups_opened_; }
  // Just after the last event that had a real position.
  const BinlogPosition& position() const { return position_; }
  // Where to restart to see only whole groups.
  const BinlogPosition& resume_point() const { return in_group_ ? group_start_ : position_; }

 private:
  void CloseGroup();

  BinlogPosition position_;
  BinlogPosition group_start_;
  std::optional<Gtid> gtid_;
  bool in_group_ = false;
  bool standalone_ = false;
  uint64_t groups_opened_ = 0;
};

}  // namespace safeddl::binlog
