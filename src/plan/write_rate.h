// WriteRate: how fast the application writes the table now, read from the binlog (the row changes
// logged for it while plan runs), for the online estimate: safeddl alter applies those changes
// to the new table as it copies. Uses osc's change capture as it is.
//
// The sampler streams from the binlog's end at Start; Finish waits until the window is at least
// `at_least` long and the stream has reached the binlog's end as of then, and counts. A server
// that cannot be read (binlog off, no REPLICATION SLAVE privilege) gives a rate marked unknown,
// with the reason, not an error: plan still reports everything else.
// Not thread-safe: one caller (the capture runs its own reader thread).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "binlog/server_event_source.h"
#include "common/clock.h"
#include "mysql/connection.h"
#include "osc/change_capture.h"

namespace safeddl::plan {

struct WriteRate {
  int64_t rows = 0;     // row changes logged for the table in the window
  double seconds = 0;   // the window's length
  std::string unknown;  // why no rate could be read; empty when measured

  bool known() const { return unknown.empty(); }
  double PerSecond() const { return seconds > 0 ? static_cast<double>(rows) / seconds : 0; }
};

class WriteRateSampler {
 public:
  // `conn` reads the binlog's end (now and at Finish); `source` carries the connection options
  // and the server_id to stream as.
  WriteRateSampler(mysql::Connection& conn, binlog::ServerSourceOptions source, std::string db,
                   std::string table);
  ~WriteRateSampler();
  WriteRateSampler(const WriteRateSampler&) = delete;
  WriteRateSampler& operator=(const WriteRateSampler&) = delete;

  WriteRate Finish(std::chrono::milliseconds at_least);

 private:
  mysql::Connection& conn_;
  std::unique_ptr<osc::ChangeCapture> capture_;
  std::string unknown_;
  TimePoint start_;
};

}  // namespace safeddl::plan
