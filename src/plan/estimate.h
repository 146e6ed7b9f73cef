// Time estimates for a change, from the rates measured on this server (rate_sample.h), the
// table's size and its current write rate: the native ALTER's duration (during which a native
// rebuild also lags every replica by about as much) and safeddl alter's, each with a range.
//
// The model, kept simple so the report can say it:
//   native = fixed + per_row * rows * kNativeSampleFactor   (INSTANT: the metadata change alone)
//   online = (rows / copy rate + rows / checksum rate) * kOnlineSampleFactor
//            / (1 - writes per second / apply rate)
//            + kOnlineFixedSeconds    (start, cut-over, clean-up)
// The range widens with the spread of the sampled chunks and with how far the sample is
// extrapolated (rows / sample rows). Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "plan/rate_sample.h"

namespace safeddl::plan {

inline constexpr double kOnlineFixedSeconds = 0.5;
// The sample is faster than the real thing, for reasons it cannot include: safeddl alter's copy
// reads with LOCK IN SHARE MODE and is binlogged (its own capture streams every copied row back),
// the sample reads plainly and is not; the sample is the warm start of the table. Calibrated with
// bench/plan_bench.sh (1M-row sysbench table, 300 tx/s, 2 cores): the real copy and checksum ran
// 1.2-2.4x (median 1.9x) slower than their samples, a native rebuild 1.25-2.1x (median 1.6x).
inline constexpr double kOnlineSampleFactor = 1.9;
inline constexpr double kNativeSampleFactor = 1.6;
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
// The relative half-width of the range: 0.35 as the model's own error, plus the chunks' spread,
// plus 0.1 per tenfold extrapolation; at most 0.9.
double Uncertainty(const SampleRates& rates, int64_t table_rows);

// "12.3 s (8.0-16.6 s)", with ", at least: the writes outpace the apply" when they do; "unknown"
// for nullopt.
std::string DescribeEstimate(const std::optional<Estimate>& e);

}  // namespace safeddl::plan
