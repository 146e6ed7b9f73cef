// Metrics: what `watch` exposes to Prometheus — per-table waiters and oldest wait, DDLs in flight,
// actions taken — rendered in the text exposition format (version 0.0.4). Pure rendering; the
// HTTP listener lives in metrics_server.h.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "locks/wait_graph.h"

namespace safeddl::locks {

struct WatchMetrics {
  uint64_t polls = 0;
  uint64_t poll_errors = 0;
  size_t ddls_running = 0;
  std::map<std::string, size_t> waiters;              // "db.t" -> sessions waiting
  std::map<std::string, double> oldest_wait_seconds;  // "db.t" -> seconds
  std::map<std::string, uint64_t> actions_total;      // "kill_blocker" -> count

  // Replaces the per-table gauges with the graph's pileups (tables gone drop out).
  void Update(const WaitGraph& graph);
};

std::string RenderPrometheus(const WatchMetrics& metrics);

}  // namespace safeddl::locks
