#include "osc/progress.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/clock.h"

namespace safeddl::osc {

double ProgressSnapshot::CopyPercent() const {
  if (rows_estimated <= 0) return phase == "copy" ? 0 : 100;
  return std::min(100.0,
                  100.0 * static_cast<double>(rows_copied) / static_cast<double>(rows_estimated));
}

std::string ProgressSnapshot::ToLine() const {
  std::string line = fmt::format("{} {:.1f}% {}/{} rows, applied {} (backlog {}), {}", phase,
                                 CopyPercent(), rows_copied, rows_estimated, changes_applied,
                                 backlog, HumanDuration(elapsed_seconds));
  if (eta_seconds) line += ", ETA " + HumanDuration(*eta_seconds);
  if (throttled) line += " [throttled: " + throttle_reason + "]";
  return line;
}

std::optional<double> EstimateRemainingSeconds(int64_t done, int64_t total, double elapsed) {
  if (done <= 0 || elapsed <= 0) return std::nullopt;
  const double rate = static_cast<double>(done) / elapsed;
  return std::max(0.0, static_cast<double>(total - done) / rate);
}

}  // namespace safeddl::osc
