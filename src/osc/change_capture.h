// ChangeCapture: the changes made to the migrated table, read from the server's binlog from a
// start position, in commit order.
//
// A reader thread streams events (binlog/server_event_source.h), parses them, groups them into
// transactions and keeps the rows events of the original table from committed transactions; the
// apply loop takes them with Drain(). Positions only ever move to transaction boundaries (or past
// events outside transactions), so a position handed out is a safe resume point.
// Thread-safe: Drain/position/Stop may be called from any one thread while the reader runs.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "binlog/column_naming.h"
#include "binlog/gtid_event.h"
#include "binlog/rows_event.h"
#include "binlog/server_event_source.h"
#include "common/result.h"
#include "osc/binlog_position.h"

namespace safeddl::osc {

struct CaptureOptions {
  binlog::ServerSourceOptions source;  // source.file/position: where capture starts
  std::string database;
  std::string table;
  // The table's definition, to complete its table maps with what the binlog does not carry
  // (binlog::FillFromSchema); a table map it does not fit stops the capture.
  std::optional<std::vector<binlog::SchemaColumn>> columns;
  // Transactions left out as if rolled back (restore --skip-gtid: everything but a bad one).
  std::vector<binlog::Gtid> skip;
};

struct Drained {
  std::vector<binlog::RowsEvent> events;  // rows events of the table, in binlog order
  BinlogPosition position;                // everything before it has been handed out
  size_t transactions = 0;
};

class ChangeCapture {
 public:
  // Connects, starts streaming and starts the reader thread.
  static Result<std::unique_ptr<ChangeCapture>> Start(const CaptureOptions& options);
  ~ChangeCapture();

  // Waits up to `wait` for captured changes, then hands out whole transactions until about
  // `max_row_changes` row changes, none ending after `limit` when one is given (the cut-over
  // holds the applier at the position it locked at). Fails with the reader's error once it has
  // stopped on one.
  Result<Drained> Drain(std::chrono::milliseconds wait, size_t max_row_changes,
                        const std::optional<BinlogPosition>& limit = std::nullopt);

  // Hands out every transaction up to `until` to `each`, in Drain's batches of about
  // `max_row_changes`, and returns once the reader has passed `until` and nothing before it is
  // left. kTimeout when the reader has not reached `until` within `limit`; `each`'s error stops it.
  Status DrainThrough(const BinlogPosition& until, std::chrono::milliseconds limit,
                      size_t max_row_changes, const std::function<Status(const Drained&)>& each);

  // The position up to which the reader has processed the binlog (maybe not yet drained).
  BinlogPosition read_position() const;
  // Row changes waiting to be drained.
  size_t backlog() const;
  // The CaptureOptions::skip transactions met so far (each once).
  std::vector<binlog::Gtid> skipped() const;

  void Stop();

 private:
  struct Pending {
    std::vector<binlog::RowsEvent> events;
    size_t row_changes = 0;
    BinlogPosition end;
  };
  explicit ChangeCapture(CaptureOptions options) : options_(std::move(options)) {}
  void ReadLoop();
  Status ReadLoopOnce();

  CaptureOptions options_;
  std::unique_ptr<binlog::ServerEventSource> source_;
  std::thread reader_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Pending> queue_;
  size_t backlog_ = 0;
  std::vector<binlog::Gtid> skipped_;
  BinlogPosition read_position_;  // reader's safe position
  BinlogPosition drained_position_;
  Status reader_status_;
  bool stopping_ = false;
};

}  // namespace safeddl::osc
