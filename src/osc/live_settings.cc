#include "osc/live_settings.h"

#include <algorithm>

namespace safeddl::osc {

LiveSettings::LiveSettings(const MigrationOptions& options)
    : chunk_size_(options.chunk_size),
      max_lag_millis_(options.max_lag_millis),
      nice_ratio_(options.nice_ratio),
      max_load_(options.max_load),
      critical_load_(options.critical_load),
      throttle_query_(options.throttle_query),
      throttle_http_(options.throttle_http),
      replicas_(options.throttle_control_replicas) {}

void LiveSettings::RequestChunkSize(int64_t rows) {
  rows = std::clamp(rows, kMinLiveChunkSize, kMaxLiveChunkSize);
  chunk_size_request_.store(rows);
  chunk_size_.store(rows);
}

std::optional<int64_t> LiveSettings::TakeChunkSizeRequest() {
  const int64_t rows = chunk_size_request_.exchange(0);
  if (rows == 0) return std::nullopt;
  return rows;
}

void LiveSettings::set_max_lag_millis(int64_t millis) {
  max_lag_millis_.store(std::max(millis, kMinLiveMaxLagMillis));
}

void LiveSettings::set_nice_ratio(double ratio) {
  nice_ratio_.store(std::clamp(ratio, 0.0, kMaxLiveNiceRatio));
}

void LiveSettings::set_max_load(LoadThresholds t) {
  std::lock_guard<std::mutex> lock(mu_);
  max_load_ = std::move(t);
}

LoadThresholds LiveSettings::max_load() const {
  std::lock_guard<std::mutex> lock(mu_);
  return max_load_;
}

void LiveSettings::set_critical_load(LoadThresholds t) {
  std::lock_guard<std::mutex> lock(mu_);
  critical_load_ = std::move(t);
}

LoadThresholds LiveSettings::critical_load() const {
  std::lock_guard<std::mutex> lock(mu_);
  return critical_load_;
}

void LiveSettings::set_throttle_query(std::string query) {
  std::lock_guard<std::mutex> lock(mu_);
  throttle_query_ = std::move(query);
}

std::string LiveSettings::throttle_query() const {
  std::lock_guard<std::mutex> lock(mu_);
  return throttle_query_;
}

void LiveSettings::set_throttle_http(std::string url) {
  std::lock_guard<std::mutex> lock(mu_);
  throttle_http_ = std::move(url);
}

std::string LiveSettings::throttle_http() const {
  std::lock_guard<std::mutex> lock(mu_);
  return throttle_http_;
}

void LiveSettings::set_throttle_control_replicas(std::vector<std::string> replicas) {
  std::lock_guard<std::mutex> lock(mu_);
  replicas_ = std::move(replicas);
  replicas_generation_.fetch_add(1);
}

void LiveSettings::NoteDiscoveredReplicas(std::vector<std::string> replicas) {
  std::lock_guard<std::mutex> lock(mu_);
  replicas_ = std::move(replicas);
}

std::vector<std::string> LiveSettings::throttle_control_replicas() const {
  std::lock_guard<std::mutex> lock(mu_);
  return replicas_;
}

void LiveSettings::ApplyTo(MigrationOptions& options) const {
  options.chunk_size = chunk_size_.load();
  options.max_lag_millis = max_lag_millis_.load();
  options.nice_ratio = nice_ratio_.load();
  std::lock_guard<std::mutex> lock(mu_);
  options.max_load = max_load_;
  options.critical_load = critical_load_;
  options.throttle_query = throttle_query_;
  options.throttle_http = throttle_http_;
}

}  // namespace safeddl::osc
