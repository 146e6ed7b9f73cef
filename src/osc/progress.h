// ProgressSnapshot: what a running migration reports about itself, about once a second, to the
// caller's callback (the CLI draws a bar or prints a line; nothing here knows about terminals).
// Plain value type.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace safeddl::osc {

struct ProgressSnapshot {
  std::string phase;  // "copy", "checksum", "postponed", "cut-over", ...
  int64_t rows_copied = 0;
  int64_t rows_estimated = 0;  // the optimizer's estimate, or COUNT(*) with --exact-rowcount
  int64_t changes_applied = 0;
  int64_t backlog = 0;  // captured changes not applied yet
  double elapsed_seconds = 0;
  std::optional<double> eta_seconds;
  bool throttled = false;
  std::string throttle_reason;
  std::string binlog_position;   // applied up to
  double throttled_seconds = 0;  // in all so far

  // 0..100 of the copy.
  double CopyPercent() const;
  // "copy 45.1% 450000/998000 rows, applied 1234 (backlog 0), 12.3s, ETA 15s [throttled: ...]"
  std::string ToLine() const;
};

// The ETA of the copy from its rate so far; nullopt until there is a rate.
std::optional<double> EstimateRemainingSeconds(int64_t done, int64_t total, double elapsed);

}  // namespace safeddl::osc
