// FileEventStream: the parsed events of one binlog file, read, checksummed and parsed on a
// background thread, so that this work overlaps with what the caller does with the events (for
// `safeddl binlog`: rendering them).
//
// Events arrive in file order through a bounded queue (at most kMaxQueuedBatches batches of about
// kBatchBytes of events each), so memory stays flat however long the file is. Reading stops at the
// end of the file, at the first error (delivered after every event before it), or when the stream
// is destroyed, which may happen at any time. Parse errors name the file, as
// "FILE: EVENT_TYPE at offset N: ...".
//
// The stream owns its thread, reader and parser. Next() is for one consumer thread.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "binlog/binlog_file_reader.h"
#include "binlog/event_parser.h"
#include "common/result.h"

namespace safeddl::binlog {

class FileEventStream {
 public:
  static constexpr size_t kBatchBytes = size_t{64} << 10;
  static constexpr size_t kMaxQueuedBatches = 4;

  struct Options {
    EventParserOptions parser = {};
    // Past the first event (> 4): the FORMAT_DESCRIPTION at offset 4 is parsed, not returned, and
    // reading goes on at `start`, which must be an event boundary.
    uint64_t start = 0;
  };

  // Opens `path` (errors as BinlogFileReader::Open) and starts reading.
  static Result<std::unique_ptr<FileEventStream>> Open(const std::string& path, Options options);

  ~FileEventStream();
  FileEventStream(const FileEventStream&) = delete;
  FileEventStream& operator=(const FileEventStream&) = delete;

  // The next event, nullopt at the end of the file, or the error reading stopped at (then again on
  // every later call).
  Result<std::optional<Event>> Next();

 private:
  struct Batch {
    std::vector<Event> events;
    bool last = false;  // reading stopped after these events, with `end`
    Status end;
  };

  FileEventStream(std::unique_ptr<BinlogFileReader> reader, std::string name, Options options);
  // The background thread: fills the queue.
  void Read();
  // Hands `batch` to the consumer, waiting for room; false when the stream is being destroyed.
  bool Push(Batch& batch);

  std::unique_ptr<BinlogFileReader> reader_;  // used by the background thread only
  const std::string name_;                    // the file's base name, for errors
  const Options options_;

  std::mutex mu_;
  std::condition_variable changed_;
  std::deque<Batch> queue_;  // guarded by mu_
  bool stopping_ = false;    // guarded by mu_

  Batch current_;  // consumer side: the batch being handed out
  size_t next_ = 0;
  std::thread thread_;  // last: starts once the rest is built
};

}  // namespace safeddl::binlog
