#include "plan/estimate.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace safeddl::plan {
namespace {

constexpr double kModelError = 0.35;
constexpr double kPerTenfold = 0.1;
constexpr double kMaxUncertainty = 0.9;

Estimate WithRange(double seconds, double u) {
  Estimate e;
  e.seconds = seconds;
  e.low = seconds * (1 - u);
  e.high = seconds * (1 + u);
  return e;
}

}  // namespace

double Uncertainty(const SampleRates& rates, int64_t table_rows) {
  double u = kModelError + rates.copy_spread;
  if (rates.rows > 0 && table_rows > rates.rows) {
    u +=
        kPerTenfold * std::log10(static_cast<double>(table_rows) / static_cast<double>(rates.rows));
  }
  return std::min(u, kMaxUncertainty);
}

std::optional<Estimate> EstimateNative(const SampleRates& rates, int64_t table_rows) {
  if (!rates.native_fixed_seconds) return std::nullopt;
  const double rows = static_cast<double>(std::max<int64_t>(0, table_rows));
  const double seconds =
      *rates.native_fixed_seconds + rates.native_per_row_seconds * rows * kNativeSampleFactor;
  // A metadata-only change does not grow with the table: only the model's own error applies.
  const double u = rates.native_measured_on_rows ? Uncertainty(rates, table_rows) : kModelError;
  return WithRange(seconds, u);
}

std::optional<Estimate> EstimateOnline(const SampleRates& rates, int64_t table_rows,
                                       double writes_per_second) {
  if (!rates.copy_rows_per_second || *rates.copy_rows_per_second <= 0) return std::nullopt;
  const double rows = static_cast<double>(std::max<int64_t>(0, table_rows));
  double work = rows / *rates.copy_rows_per_second;
  if (rates.checksum_rows_per_second && *rates.checksum_rows_per_second > 0) {
    work += rows / *rates.checksum_rows_per_second;
  }
  work *= kOnlineSampleFactor;
  double share = 0;
  if (writes_per_second > 0 && rates.apply_rows_per_second && *rates.apply_rows_per_second > 0) {
    share = writes_per_second / *rates.apply_rows_per_second;
  }
  const bool outpaced = share >= kMaxApplyShare;
  share = std::min(share, kMaxApplyShare);
  Estimate e = WithRange(work / (1 - share) + kOnlineFixedSeconds, Uncertainty(rates, table_rows));
  e.writes_outpace_apply = outpaced;
  return e;
}

std::string DescribeEstimate(const std::optional<Estimate>& e) {
  if (!e) return "unknown";
  std::string s = fmt::format("{:.1f} s ({:.1f}-{:.1f} s)", e->seconds, e->low, e->high);
  if (e->writes_outpace_apply) s += ", at least: the writes outpace the apply";
  return s;
}

}  // namespace safeddl::plan
