// SessionLog: every statement safeddl sends, with its time, connection id, duration, rows
// affected, warnings and outcome, as JSON lines — the record a careful DBA keeps with `tee` and
// SHOW PROFILES. Statements are passed through RedactSecrets() before they are stored, so no
// password reaches the file. It also sums statement time per phase ("validate", "copy",
// "cut-over", ...) for the summary printed at the end of a run.
//
// One SessionLog is shared by all connections of a run; all methods are thread-safe.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/result.h"

namespace safeddl::mysql {

struct PhaseTiming {
  std::string phase;
  int64_t statements = 0;
  int64_t errors = 0;
  double statement_ms = 0;  // time spent inside statements
  double wall_ms = 0;       // wall time from entering the phase to leaving it
};

class SessionLog {
 public:
  // Statements go to `path` as JSON lines when it is non-empty (the file is created with mode
  // 0600 and truncated); with an empty path only the per-phase timing is kept.
  static Result<std::unique_ptr<SessionLog>> Open(const std::string& path);
  ~SessionLog();

  SessionLog(const SessionLog&) = delete;
  SessionLog& operator=(const SessionLog&) = delete;

  // Starts a phase; statements recorded afterwards count towards it.
  void SetPhase(std::string_view phase);

  void Record(uint64_t connection_id, std::string_view sql, double duration_ms,
              int64_t rows_affected, unsigned warnings, const Status& outcome);

  // Phases in the order they were first entered, wall time closed at the moment of the call.
  std::vector<PhaseTiming> Phases() const;
  // A few human lines: "  copy          1204 statements   8.1s in statements   9.0s wall".
  std::string Summary() const;

 private:
  explicit SessionLog(std::FILE* file) : file_(file) {}
  PhaseTiming& CurrentPhaseLocked();

  mutable std::mutex mu_;
  std::FILE* file_ = nullptr;  // owned; null when not writing statements
  std::vector<PhaseTiming> phases_;
  size_t current_ = 0;
  TimePoint phase_started_ = SystemClock::Get().Now();
};

}  // namespace safeddl::mysql
