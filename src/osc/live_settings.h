// LiveSettings: the settings of a running migration that the control socket may change while it
// runs (chunk size, max lag, loads, nice ratio, throttle query and URL, replicas to watch) and the
// requests it passes on (throttle, unpostpone, panic). The copy loop and the throttler read them
// on every step; MigrationOptions stays an immutable value.
//
// Thread-safe: every member may be called from any thread. Scalars are atomics; the rest is
// guarded by one mutex and handed out as copies.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "osc/migration_options.h"

namespace safeddl::osc {

// Bounds gh-ost clamps runtime changes to.
inline constexpr int64_t kMinLiveChunkSize = 10;
inline constexpr int64_t kMaxLiveChunkSize = 100000;
inline constexpr int64_t kMinLiveMaxLagMillis = 100;
inline constexpr double kMaxLiveNiceRatio = 100;

class LiveSettings {
 public:
  explicit LiveSettings(const MigrationOptions& options);

  // Chunk size: a request from the socket (clamped), taken once by the copy loop; the copier's
  // current (adaptive) size is noted back for display.
  void RequestChunkSize(int64_t rows);
  std::optional<int64_t> TakeChunkSizeRequest();
  void NoteChunkSize(int64_t rows) { chunk_size_.store(rows); }
  int64_t chunk_size() const { return chunk_size_.load(); }

  void set_max_lag_millis(int64_t millis);  // clamped to >= kMinLiveMaxLagMillis
  int64_t max_lag_millis() const { return max_lag_millis_.load(); }
  void set_nice_ratio(double ratio);  // clamped to [0, kMaxLiveNiceRatio]
  double nice_ratio() const { return nice_ratio_.load(); }

  void set_max_load(LoadThresholds t);
  LoadThresholds max_load() const;
  void set_critical_load(LoadThresholds t);
  LoadThresholds critical_load() const;
  void set_throttle_query(std::string query);
  std::string throttle_query() const;
  void set_throttle_http(std::string url);  // empty: no HTTP check
  std::string throttle_http() const;
  // Replacing the list bumps the generation; the throttler reconnects when it changes.
  void set_throttle_control_replicas(std::vector<std::string> replicas);
  std::vector<std::string> throttle_control_replicas() const;
  // Shows the replicas the throttler found (SHOW REPLICA HOSTS) without asking it to reconnect.
  void NoteDiscoveredReplicas(std::vector<std::string> replicas);
  uint64_t replicas_generation() const { return replicas_generation_.load(); }

  // Copies the live values into `options` (the throttler's own copy).
  void ApplyTo(MigrationOptions& options) const;

  void set_throttle_requested(bool on) { throttle_requested_.store(on); }
  bool throttle_requested() const { return throttle_requested_.load(); }

  // Postponement: the migrator says when it is holding the cut-over; unpostpone only counts
  // then (gh-ost: "You may only invoke this when gh-ost is actively postponing").
  void set_postponing(bool on) { postponing_.store(on); }
  bool postponing() const { return postponing_.load(); }
  void RequestUnpostpone() { unpostpone_.store(true); }
  bool unpostpone_requested() const { return unpostpone_.load(); }

  void RequestPanic() { panic_.store(true); }
  bool panic_requested() const { return panic_.load(); }

 private:
  std::atomic<int64_t> chunk_size_;
  std::atomic<int64_t> chunk_size_request_{0};  // 0: none pending
  std::atomic<int64_t> max_lag_millis_;
  std::atomic<double> nice_ratio_;
  std::atomic<bool> throttle_requested_{false};
  std::atomic<bool> postponing_{false};
  std::atomic<bool> unpostpone_{false};
  std::atomic<bool> panic_{false};
  std::atomic<uint64_t> replicas_generation_{0};

  mutable std::mutex mu_;
  LoadThresholds max_load_;
  LoadThresholds critical_load_;
  std::string throttle_query_;
  std::string throttle_http_;
  std::vector<std::string> replicas_;
};

}  // namespace safeddl::osc
