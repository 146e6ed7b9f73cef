#include "galera/rsu.h"

#include <fmt/format.h>

#include <algorithm>
#include <thread>

#include "common/clock.h"
#include "common/strings.h"
#include "galera/table_locks.h"
#include "mysql/connection.h"
#include "mysql/quote.h"
#include "schema/alter_parser.h"
#include "schema/introspect.h"
#include "schema/replication_compat.h"

namespace safeddl::galera {
namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kPoll = std::chrono::milliseconds(100);
constexpr auto kRetryPause = std::chrono::milliseconds(50);
constexpr auto kRateSample = std::chrono::seconds(1);
// What the first node's DDL is assumed to read and write per second before one was measured
// (an index build or a rebuild of an InnoDB table here runs well above it).
constexpr double kAssumedDdlBytesPerSecond = 20.0 * 1024 * 1024;

std::string Megabytes(double bytes) { return fmt::format("{:.1f} MB", bytes / 1e6); }

// The cluster's replication traffic as one node sees it: what it sent plus what it received.
Result<long long> TrafficBytes(mysql::Connection& conn) {
  SAFEDDL_ASSIGN_OR_RETURN(
      mysql::ResultSet rs,
      conn.Query("SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_replicated_bytes', "
                 "'wsrep_received_bytes')"));
  long long total = 0;
  for (const mysql::Row& row : rs.rows()) total += ParseInt64(row[1].value_or("0")).value_or(0);
  return total;
}

Result<double> WriteRate(mysql::Connection& conn) {
  SAFEDDL_ASSIGN_OR_RETURN(long long before, TrafficBytes(conn));
  const auto start = Clock::now();
  std::this_thread::sleep_for(kRateSample);
  SAFEDDL_ASSIGN_OR_RETURN(long long after, TrafficBytes(conn));
  return static_cast<double>(after - before) / SecondsSince(start);
}

Result<long long> TableBytes(mysql::Connection& conn, const RsuOptions& o) {
  SAFEDDL_ASSIGN_OR_RETURN(
      std::optional<std::string> bytes,
      conn.QueryValue(fmt::format("SELECT DATA_LENGTH + INDEX_LENGTH FROM information_schema."
                                  "TABLES WHERE TABLE_SCHEMA = {} AND TABLE_NAME = {}",
                                  mysql::QuoteString(o.database), mysql::QuoteString(o.table))));
  if (!bytes)
    return NotFoundError(fmt::format("table `{}`.`{}` does not exist", o.database, o.table));
  return ParseInt64(*bytes).value_or(0);
}

// Where each node stands, for the error that stops a rollout.
std::string WhereNodesStand(Cluster& cluster, const std::string& quoted, const std::string& before,
                            const std::string& after) {
  std::vector<std::string> changed, unchanged, unknown;
  for (Node& node : cluster.nodes) {
    Result<std::string> def = schema::TableDefinition(*node.conn, quoted);
    if (!def.ok()) {
      unknown.push_back(node.Name());
    } else if (*def == before) {
      unchanged.push_back(node.Name());
    } else {
      changed.push_back(node.Name() + (!after.empty() && *def != after ? " (differently)" : ""));
    }
  }
  std::string out;
  if (!changed.empty()) out += fmt::format("changed: {}. ", JoinStrings(changed, ", "));
  if (!unchanged.empty()) out += fmt::format("not changed: {}. ", JoinStrings(unchanged, ", "));
  if (!unknown.empty()) out += fmt::format("cannot be asked: {}. ", JoinStrings(unknown, ", "));
  for (Node& node : cluster.nodes) {
    Result<std::optional<mysql::GaleraStatus>> s = mysql::ReadGaleraStatus(*node.conn);
    if (s.ok() && *s) {
      out += fmt::format("{} sees a {} component of {} node(s) and is {}. ", node.Name(),
                         (*s)->cluster_status, (*s)->cluster_size, (*s)->local_state);
    }
  }
  return out;
}

// Refresh, and every node still sees a component as big as at the start. Whatever is wrong
// stops the rollout (a failed precondition, whatever the cause: a lost connection too).
Status ClusterIntact(Cluster& cluster) {
  if (Status refreshed = Refresh(cluster); !refreshed.ok()) {
    return FailedPreconditionError(refreshed.message());
  }
  for (const Node& node : cluster.nodes) {
    if (node.status.cluster_size < cluster.expected_size) {
      return FailedPreconditionError(fmt::format("{} sees only {} of {} nodes", node.Name(),
                                                 node.status.cluster_size, cluster.expected_size));
    }
  }
  return Status::OK();
}

Status Gate(Cluster& cluster, const Node& next) {
  SAFEDDL_RETURN_IF_ERROR(ClusterIntact(cluster));
  for (const Node& node : cluster.nodes) {
    const std::string why = NodeNotReady(node.status, cluster.expected_size);
    if (!why.empty()) {
      return FailedPreconditionError(
          fmt::format("before {}: {} is {}", next.Name(), node.Name(), why));
    }
  }
  return Status::OK();
}

// After the DDL: until the node is Synced, no longer desynced, with nothing left to apply.
Status WaitResynced(Cluster& cluster, Node& node, std::chrono::seconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    SAFEDDL_RETURN_IF_ERROR(ClusterIntact(cluster));
    const mysql::GaleraStatus& s = node.status;
    if (s.Synced() && !s.desync && s.desync_count == 0 && s.recv_queue == 0) return Status::OK();
    if (Clock::now() > deadline) {
      return TimeoutError(fmt::format("{} was not Synced again within {} s ({}, receive queue {})",
                                      node.Name(), timeout.count(), s.local_state, s.recv_queue));
    }
    std::this_thread::sleep_for(kPoll);
  }
}

// The node's change: RSU for this session only (the global method stays as it is). While the
// DDL runs the node's commits are paused, so a transaction caught between its write and its
// commit would hold the table against the DDL until it ends: the DDL takes a shared lock on the
// table up front (LOCK=SHARED: the node's own writes to it wait, they could not commit anyway),
// waits for it at most one second, and is tried again, after the table-lock probe finds the
// table free, until --max-wait has passed.
Status ChangeNode(const mysql::ConnectOptions& account, Node& node, const TableNames& table,
                  const std::string& statement, const RsuOptions& o, RsuNodeStep& step) {
  const auto deadline = Clock::now() + o.max_wait;
  SAFEDDL_ASSIGN_OR_RETURN(auto ddl, topology::ConnectTo(account, node.address));
  SAFEDDL_RETURN_IF_ERROR(ddl->Execute("SET SESSION wsrep_OSU_method = 'RSU'"));
  SAFEDDL_RETURN_IF_ERROR(ddl->Execute("SET SESSION lock_wait_timeout = 1"));
  for (;;) {
    SAFEDDL_ASSIGN_OR_RETURN(std::string blocker,
                             TableLockBlocker(node, table, std::chrono::seconds(0)));
    if (blocker.empty()) {
      ++step.attempts;
      const auto start = Clock::now();
      Status ran = ddl->Execute(statement);
      step.ddl_seconds = SecondsSince(start);
      if (ran.ok()) return Status::OK();
      if (ran.server_errno() != kLockWaitTimeoutErrno) return ran;
      blocker = fmt::format("{}: the table's lock was held for over 1 s", node.Name());
    }
    if (Clock::now() > deadline) {
      return FailedPreconditionError(fmt::format(
          "no moment within --max-wait ({:.0f} s) when the table was free on that node: {}",
          std::chrono::duration<double>(o.max_wait).count(), blocker));
    }
    std::this_thread::sleep_for(kRetryPause);
  }
}

}  // namespace

nlohmann::json RsuReport::ToJson() const {
  nlohmann::json steps_json = nlohmann::json::array();
  for (const RsuNodeStep& s : steps) {
    steps_json.push_back({{"node", s.node},
                          {"ddl_seconds", s.ddl_seconds},
                          {"resync_seconds", s.resync_seconds},
                          {"attempts", s.attempts},
                          {"expected_catchup_bytes", s.expected_catchup_bytes}});
  }
  return {{"method", "rsu"},
          {"statement", statement},
          {"nodes", nodes},
          {"executed", executed},
          {"write_bytes_per_second", write_bytes_per_second},
          {"gcache_bytes", gcache_bytes ? nlohmann::json(*gcache_bytes) : nlohmann::json()},
          {"steps", steps_json}};
}

std::optional<std::string> CatchUpDoesNotFit(double rate, double seconds,
                                             std::optional<long long> gcache, double share) {
  const double expected = rate * seconds;
  if (!gcache) {
    return fmt::format(
        "the gcache size is unknown (wsrep_provider_options has no gcache.size), "
        "so a catch-up of about {} cannot be judged",
        Megabytes(expected));
  }
  if (expected > share * static_cast<double>(*gcache)) {
    return fmt::format(
        "about {} of writes are expected while a node is out ({:.0f} s at {}/s), more than {:.0f}% "
        "of its gcache ({}): it could not catch up by IST and would need a full state transfer. "
        "Choose a quieter time, a bigger gcache.size, or --galera-method online",
        Megabytes(expected), seconds, Megabytes(rate), share * 100,
        Megabytes(static_cast<double>(*gcache)));
  }
  return std::nullopt;
}

Result<RsuReport> RunRollingRsu(const mysql::ConnectOptions& account, Cluster& cluster,
                                const RsuOptions& o) {
  SAFEDDL_ASSIGN_OR_RETURN(schema::ReplicationCompat compat, schema::RowImagesUnchanged(o.alter));
  if (!compat.carried) {
    return UnsupportedError(fmt::format(
        "--galera-method rsu cannot make `{}`: {}. Only index changes, a rebuild and table "
        "options roll node by node; use --galera-method toi. Nothing was changed",
        compat.clause, compat.reason));
  }
  RsuReport report;
  for (const Node& n : cluster.nodes) report.nodes.push_back(n.Name());
  Node& first = cluster.nodes.front();
  SAFEDDL_ASSIGN_OR_RETURN(schema::AlterAnalysis analysis, schema::AnalyzeAlter(o.alter));
  SAFEDDL_ASSIGN_OR_RETURN(const TableNames table, ResolveTable(*first.conn, o.database, o.table));
  const std::string& quoted = table.quoted;
  report.statement = fmt::format("ALTER TABLE {} {}, LOCK=SHARED", quoted, analysis.ghost_alter);
  std::string before;
  for (Node& node : cluster.nodes) {
    SAFEDDL_ASSIGN_OR_RETURN(std::string def, schema::TableDefinition(*node.conn, quoted));
    if (before.empty()) before = def;
    if (def != before) {
      return FailedPreconditionError(fmt::format(
          "{} is defined differently on {} than on {} (an earlier change stopped halfway?): make "
          "the nodes alike first. Nothing was changed",
          quoted, node.Name(), first.Name()));
    }
  }
  SAFEDDL_ASSIGN_OR_RETURN(long long table_bytes, TableBytes(*first.conn, o));
  SAFEDDL_ASSIGN_OR_RETURN(report.write_bytes_per_second, WriteRate(*first.conn));
  report.gcache_bytes = first.status.gcache_size;

  std::string after;
  for (size_t i = 0; i < cluster.nodes.size(); ++i) {
    Node& node = cluster.nodes[i];
    auto stop = [&](const Status& why) {
      return Status(
          why.code(),
          fmt::format("the rolling change stopped at {}: {}. Where the nodes stand: {}",
                      node.Name(), why.message(), WhereNodesStand(cluster, quoted, before, after)));
    };
    const double estimate =
        i == 0 ? std::max(1.0, static_cast<double>(table_bytes) / kAssumedDdlBytesPerSecond)
               : report.steps.back().ddl_seconds * 1.5 + 1;
    RsuNodeStep step;
    step.node = node.Name();
    step.expected_catchup_bytes = static_cast<long long>(report.write_bytes_per_second * estimate);
    Status gate = Gate(cluster, node);
    if (gate.ok()) {
      if (auto why = CatchUpDoesNotFit(report.write_bytes_per_second, estimate,
                                       node.status.gcache_size, o.gcache_share)) {
        gate = FailedPreconditionError(*why);
      }
    }
    if (!gate.ok()) return i == 0 ? gate.WithContext("nothing was changed") : stop(gate);
    if (!o.execute) return report;

    if (o.progress) o.progress(fmt::format("{}: RSU {}", node.Name(), report.statement));
    if (Status ran = ChangeNode(account, node, table, report.statement, o, step); !ran.ok()) {
      return stop(ran);
    }
    const auto resync_start = Clock::now();
    if (Status synced = WaitResynced(cluster, node, o.sync_timeout); !synced.ok()) {
      return stop(synced);
    }
    step.resync_seconds = SecondsSince(resync_start);
    Result<std::string> def = schema::TableDefinition(*node.conn, quoted);
    if (!def.ok()) return stop(def.status());
    if (after.empty()) after = *def;
    if (*def != after || *def == before) {
      return stop(FailedPreconditionError(
          *def == before ? "its definition did not change"
                         : "its definition differs from the first node's after the change"));
    }
    if (o.progress) {
      o.progress(fmt::format("{}: changed in {:.2f} s, Synced again {:.2f} s later", node.Name(),
                             step.ddl_seconds, step.resync_seconds));
    }
    report.steps.push_back(std::move(step));
  }
  report.executed = true;
  return report;
}

}  // namespace safeddl::galera
