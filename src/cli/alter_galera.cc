#include "cli/alter_galera.h"

#include <fmt/format.h>

#include "common/clock.h"
#include "common/log.h"
#include "common/strings.h"
#include "galera/cluster.h"
#include "galera/online_copy.h"
#include "galera/rsu.h"
#include "galera/toi.h"
#include "mysql/connection.h"
#include "mysql/galera_status.h"

namespace safeddl::cli {

Result<std::optional<mysql::GaleraStatus>> GaleraNodeStatus(const mysql::ConnectOptions& connect) {
  SAFEDDL_ASSIGN_OR_RETURN(auto conn, mysql::Connection::Open(connect));
  return mysql::ReadGaleraStatus(*conn);
}

namespace {

Status PrintToiReport(const galera::ToiReport& report, bool json) {
  if (json) {
    fmt::print("{}\n", report.ToJson().dump(2));
  } else if (!report.executed) {
    fmt::print(
        "dry run: nothing on any of the {} nodes is in the way of a TOI change now (checked in "
        "{:.2f} s); with --execute safeddl runs:\n  {}\n",
        report.nodes.size(), report.gate_seconds, report.statement);
  } else {
    fmt::print(
        "done: {} (TOI) on {} nodes: checked in {:.2f} s ({} round(s)), the DDL took {:.2f} s, "
        "every node showed the new definition after {:.2f} s\n",
        report.statement, report.nodes.size(), report.gate_seconds, report.rounds,
        report.ddl_seconds, report.spread_seconds);
  }
  return Status::OK();
}

Status PrintRsuReport(const galera::RsuReport& report, bool json) {
  if (json) {
    fmt::print("{}\n", report.ToJson().dump(2));
    return Status::OK();
  }
  if (!report.executed) {
    fmt::print(
        "dry run: the change keeps rows' columns, every node is Synced, and the first node's "
        "catch-up fits its gcache (writes now: {:.1f} kB/s); with --execute safeddl runs, node "
        "by node ({}):\n  SET SESSION wsrep_OSU_method = 'RSU'; {}\n",
        report.write_bytes_per_second / 1e3, JoinStrings(report.nodes, ", "), report.statement);
    return Status::OK();
  }
  fmt::print("done: {} (RSU, node by node):\n", report.statement);
  for (const galera::RsuNodeStep& s : report.steps) {
    fmt::print("  {:<28} DDL {:.2f} s{}, Synced again after {:.2f} s\n", s.node, s.ddl_seconds,
               s.attempts > 1 ? fmt::format(" ({} tries)", s.attempts) : "", s.resync_seconds);
  }
  return Status::OK();
}

Status PrintOnlineReport(const galera::OnlineReport& r, bool json) {
  if (json) {
    fmt::print("{}\n", r.ToJson().dump(2));
    return Status::OK();
  }
  for (const std::string& note : r.notes) fmt::print("note: {}\n", note);
  if (!r.executed) {
    fmt::print(
        "dry run: every node is Synced and the server accepts the change (tried on an empty "
        "copy). With --execute safeddl runs {} on a copy, filled in chunks of at most {} rows "
        "(wsrep_max_ws_rows {}, wsrep_max_ws_size {}), pausing while any node nears flow "
        "control (gcs.fc_limit {}), with these triggers carrying the application's writes:\n",
        r.statement, r.chunk_size_cap, r.max_ws_rows, r.max_ws_size, r.fc_limit);
    for (const std::string& t : r.triggers) fmt::print("  {}\n", t);
    fmt::print("then swaps it in with one RENAME TABLE in total order.\n");
    return Status::OK();
  }
  fmt::print(
      "done: {} (online copy on {} nodes) in {:.1f} s: {} rows in {} chunks ({} retried after a "
      "conflicting write on another node; {} transaction(s) failed certification across the "
      "nodes meanwhile), {:.1f} s waiting for every node to commit each chunk (longest "
      "{:.0f} ms), paused {} time(s), {:.1f} s in all, for the cluster (flow control paused it "
      "{} ms), checksum equal over {} rows, swapped with one RENAME in {:.3f} s after {:.2f} s "
      "of checks\n",
      r.statement, r.nodes.size(), r.total_seconds, r.rows_copied, r.chunks, r.chunk_retries,
      r.cert_failures, r.apply_wait_seconds, r.apply_wait_max_ms, r.pauses, r.throttled_seconds,
      r.flow_control_paused_ms, r.checksum_rows, r.rename_seconds, r.swap_gate_seconds);
  if (!r.old_table.empty()) {
    fmt::print("the original is kept as {}: drop it once you no longer need it\n", r.old_table);
  }
  return Status::OK();
}

}  // namespace

Status RefuseWithoutGaleraMethod(const mysql::GaleraStatus& g) {
  return FailedPreconditionError(fmt::format(
      "this server ({}) is a Galera node of cluster '{}' ({} nodes): the binlog copy's "
      "cut-over locks are not replicated there. Choose --galera-method online (a copy in "
      "chunks within the write-set limits, triggers carrying the writes, one RENAME in total "
      "order: for big tables), toi (the DDL in total order on every node, issued only when "
      "none has a lock or long transaction in its way within --max-wait: for INSTANT changes "
      "and small tables), or rsu (node by node, for index changes and rebuilds). Nothing was "
      "changed",
      g.node_name, g.cluster_name, g.cluster_size));
}

Status RunAlterOnGalera(const AlterOptions& o, const mysql::ConnectOptions& connect,
                        const std::atomic<bool>* cancel) {
  const osc::MigrationOptions& m = o.migration;
  SAFEDDL_ASSIGN_OR_RETURN(std::chrono::seconds max_wait,
                           ParseDurationFlag("--max-wait", o.max_wait));
  std::vector<std::string> nodes;
  for (const std::string& n : SplitString(o.galera_nodes, ',')) {
    if (!TrimWhitespace(n).empty()) nodes.emplace_back(TrimWhitespace(n));
  }
  SAFEDDL_ASSIGN_OR_RETURN(galera::Cluster cluster, galera::ReachCluster(connect, nodes));
  LogInfo("Galera cluster of {} nodes: {}", cluster.nodes.size(), [&] {
    std::vector<std::string> names;
    for (const galera::Node& n : cluster.nodes) names.push_back(n.Name());
    return JoinStrings(names, ", ");
  }());
  auto progress = [](const std::string& line) { LogInfo("{}", line); };
  if (o.galera_method == "online") {
    galera::OnlineOptions on;
    on.migration = m;
    on.max_wait = max_wait;
    on.progress = progress;
    on.cancel = cancel;
    SAFEDDL_ASSIGN_OR_RETURN(galera::OnlineReport report,
                             galera::RunOnlineCopy(connect, cluster, on));
    return PrintOnlineReport(report, m.json);
  }
  if (o.galera_method == "rsu") {
    galera::RsuOptions r;
    r.database = m.database;
    r.table = m.table;
    r.alter = m.alter;
    r.execute = m.execute;
    r.max_wait = max_wait;
    r.progress = progress;
    SAFEDDL_ASSIGN_OR_RETURN(galera::RsuReport report, galera::RunRollingRsu(connect, cluster, r));
    return PrintRsuReport(report, m.json);
  }
  galera::ToiOptions t;
  t.database = m.database;
  t.table = m.table;
  t.alter = m.alter;
  t.max_wait = max_wait;
  t.execute = m.execute;
  t.progress = progress;
  SAFEDDL_ASSIGN_OR_RETURN(galera::ToiReport report, galera::RunToiChange(connect, cluster, t));
  return PrintToiReport(report, m.json);
}

}  // namespace safeddl::cli
