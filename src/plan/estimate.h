// Time estimates for a change, from the rates measured on this server (rate_sample.h), the
// table's size and its current write rate: the native ALTER's duration (during which a native
// rebuild also lags every replica by about as much) and safeddl alter's, each with a range.
//
// The model, kept simple so the report can say it:
//   native = fixed + per_row * rows   (INSTANT: the metadata change alone)
//   online = (rows / copy rate * kLockingReadFactor + rows / checksum rate)
//            / (1 - writes per second / apply rate)
//            + kOnlineFixedSeconds    (start, cut-over, clean-up)
// The range widens with the spread of the sampled chunks and with how far the sample is
// extrapolated (rows / sample rows). Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>

#include "plan/rate_sample.h"

namespace safeddl::plan {

inline constexpr double kOnlineFixedSeconds = 0.5;
// safeddl alter's copy reads with LOCK IN SHARE MODE, the sample without (plan takes no locks):
// measured here, a locking read of the same chunks takes about 12% longer (docs/benchmarks.md).
inline constexpr double kLockingReadFactor = 1.12;
// The apply can take at most this share of the copy's time before the estimate calls the write
// rate too high for the migration to finish (the copy would never catch up).
inline constexpr double kMaxApplyShare = 0.9;

struct Estimate {
  double seconds = 0;
  double low = 0;
  double high = 0;
  // Set when the online copy cannot keep up with the writes: the estimate is a lower bound.
  bool writes_outpace_apply = false;
};

// nullopt when the server accepts no algorithm (the rates hold none).
std::optional<Estimate> EstimateNative(const SampleRates& rates, int64_t table_rows);
// nullopt when there is no online copy (no copy rate).
std::optional<Estimate> EstimateOnline(const SampleRates& rates, int64_t table_rows,
                                       double writes_per_second);
// The relative half-width of the range: 0.25 as the model's own error, plus the chunks' spread,
// plus 0.1 per tenfold extrapolation; at most 0.9.
double Uncertainty(const SampleRates& rates, int64_t table_rows);

}  // namespace safeddl::plan
