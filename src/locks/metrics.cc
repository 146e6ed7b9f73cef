#include "locks/metrics.h"

#include <fmt/format.h>

namespace safeddl::locks {
namespace {

// A label value with backslash, quote and newline escaped as the format requires.
std::string LabelValue(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

void Header(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

}  // namespace

void WatchMetrics::Update(const WaitGraph& graph) {
  waiters.clear();
  oldest_wait_seconds.clear();
  ddls_running = graph.ddl_ids.size();
  for (const Pileup& p : graph.pileups) {
    waiters[p.table.ToString()] = p.WaiterCount();
    oldest_wait_seconds[p.table.ToString()] = p.oldest_wait_seconds;
  }
}

std::string RenderPrometheus(const WatchMetrics& m) {
  std::string out;
  Header(out, "safeddl_mdl_waiters", "gauge", "Sessions waiting for a table metadata lock");
  for (const auto& [table, n] : m.waiters) {
    out += fmt::format("safeddl_mdl_waiters{{table=\"{}\"}} {}\n", LabelValue(table), n);
  }
  Header(out, "safeddl_mdl_oldest_wait_seconds", "gauge",
         "Longest current wait for a table metadata lock");
  for (const auto& [table, s] : m.oldest_wait_seconds) {
    out += fmt::format("safeddl_mdl_oldest_wait_seconds{{table=\"{}\"}} {:.3f}\n",
                       LabelValue(table), s);
  }
  Header(out, "safeddl_ddl_running", "gauge", "DDL statements in flight");
  out += fmt::format("safeddl_ddl_running {}\n", m.ddls_running);
  Header(out, "safeddl_actions_total", "counter", "Kills carried out by watch --auto");
  for (const auto& [action, n] : m.actions_total) {
    out += fmt::format("safeddl_actions_total{{action=\"{}\"}} {}\n", LabelValue(action), n);
  }
  Header(out, "safeddl_watch_polls_total", "counter", "Snapshots taken");
  out += fmt::format("safeddl_watch_polls_total {}\n", m.polls);
  Header(out, "safeddl_watch_poll_errors_total", "counter", "Snapshots that failed");
  out += fmt::format("safeddl_watch_poll_errors_total {}\n", m.poll_errors);
  return out;
}

}  // namespace safeddl::locks
