#include "locks/progress.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/clock.h"

namespace safeddl::locks {
namespace {

constexpr double kFullPercent = 100.0;
// Below this the linear extrapolation is noise (a few ms of work predicting hours).
constexpr double kMinPercentForEta = 1.0;
constexpr double kBytesPerMiB = 1024.0 * 1024.0;

}  // namespace

ProgressEstimate EstimateProgress(const SessionInfo& ddl, const std::optional<TableSize>& size) {
  ProgressEstimate e;
  e.elapsed_seconds = ddl.time_seconds;
  if (ddl.IsWaitingForMdl()) {
    e.basis = "not started: waiting for its metadata lock";
    return e;
  }
  double floor = 0;
  if (ddl.max_stage > 0 && ddl.stage > 1) {
    floor = kFullPercent * static_cast<double>(ddl.stage - 1) / static_cast<double>(ddl.max_stage);
  }
  e.reported = ddl.max_stage > 0 || ddl.progress > 0;
  e.percent = std::clamp(std::max(ddl.progress, floor), 0.0, kFullPercent);
  if (e.reported) {
    e.basis = fmt::format("server-reported {:.1f}% (stage {} of {}, {}) after {}", e.percent,
                          ddl.stage, ddl.max_stage, ddl.state.empty() ? "-" : ddl.state,
                          HumanDuration(e.elapsed_seconds));
    if (e.percent >= kMinPercentForEta) {
      e.eta_seconds = e.elapsed_seconds * (kFullPercent - e.percent) / e.percent;
    }
    return e;
  }
  e.basis = fmt::format("no progress reported ({}) after {}", ddl.state.empty() ? "-" : ddl.state,
                        HumanDuration(e.elapsed_seconds));
  if (size) {
    e.basis += fmt::format("; table has ~{} rows, {:.1f} MiB", size->rows,
                           static_cast<double>(size->bytes) / kBytesPerMiB);
  }
  return e;
}

}  // namespace safeddl::locks
