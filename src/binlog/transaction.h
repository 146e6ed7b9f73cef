// TransactionGrouper: groups parsed events into transactions (event groups).
//
// A group opens with a MariaDB GTID event (or, on servers without GTIDs, a QUERY "BEGIN") and
// closes with an XID event or a QUERY "COMMIT"/"ROLLBACK"; a GTID flagged standalone (DDL)
// closes with its single statement. Events outside groups (FORMAT_DESCRIPTION, ROTATE,
// GTID_LIST, checkpoints, skipped events) are not collected. A group still open when the next
// one starts (a stream that began mid-transaction) is dropped and counted.
// Not thread-safe: one grouper per stream.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "binlog/event_parser.h"

namespace safeddl::binlog {

struct Transaction {
  std::optional<Gtid> gtid;   // absent for BEGIN-started groups on servers without GTIDs
  std::string file;           // binlog file, when the caller says which (SetFile)
  uint64_t start_offset = 0;  // position of the GTID / BEGIN event
  uint64_t end_offset = 0;    // position just after the terminating event (resume point)
  uint32_t timestamp = 0;     // from the opening event
  uint32_t server_id = 0;
  bool ddl = false;           // standalone group (DDL or other non-transactional statement)
  bool rolled_back = false;   // closed by ROLLBACK
  std::vector<Event> events;  // the events between the opening and closing events
};

class TransactionGrouper {
 public:
  // Records the file that following events come from (after a ROTATE, or when opening a file).
  void SetFile(std::string file) { file_ = std::move(file); }

  // Feeds the next event; returns the transaction this event completes, if any.
  std::optional<Transaction> Add(Event event);

  bool in_transaction() const { return open_.has_value(); }
  uint64_t dropped_incomplete() const { return dropped_; }

 private:
  void Open(const Event& event, std::optional<Gtid> gtid, bool standalone);
  std::optional<Transaction> Close(const Event& event);

  std::string file_;
  std::optional<Transaction> open_;
  bool standalone_ = false;
  uint64_t dropped_ = 0;
};

}  // namespace safeddl::binlog
