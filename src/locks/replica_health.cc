#include "locks/replica_health.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/strings.h"

namespace safeddl::locks {
namespace {

constexpr auto kReplicaConnectTimeout = std::chrono::seconds(3);

// A DDL on `table` the replica runs now (its SQL thread applying the primary's, or anyone's).
Result<std::string> FindSameDdl(mysql::Connection& replica, const TableName& table) {
  SAFEDDL_ASSIGN_OR_RETURN(
      mysql::ResultSet rs,
      replica.Query("SELECT ID, COALESCE(DB, ''), TIME, INFO FROM information_schema.PROCESSLIST "
                    "WHERE INFO IS NOT NULL AND ID <> CONNECTION_ID()"));
  for (const mysql::Row& row : rs.rows()) {
    const std::string info = row[3].value_or("");
    const StatementInfo st = ParseStatement(info, row[1].value_or(""));
    if (st.kind != StatementKind::kDdl) continue;
    if (std::find(st.tables.begin(), st.tables.end(), table) == st.tables.end()) continue;
    return fmt::format("{} (session {}, for {}s)", st.verb, row[0].value_or("?"),
                       row[2].value_or("?"));
  }
  return std::string();
}

ReplicaHealth CheckOne(const mysql::ConnectOptions& primary_options, const std::string& address,
                       const TableName& table) {
  ReplicaHealth h;
  h.address = address;
  Result<mysql::ConnectOptions> options = mysql::ReplicaConnectOptions(primary_options, address);
  if (!options.ok()) {
    h.error = options.status().message();
    return h;
  }
  options->connect_timeout = kReplicaConnectTimeout;
  Result<std::unique_ptr<mysql::Connection>> conn = mysql::Connection::Open(*options);
  if (!conn.ok()) {
    h.error = conn.status().message();
    return h;
  }
  Result<std::optional<mysql::ReplicationStatus>> status = mysql::ReadReplicationStatus(**conn);
  if (!status.ok()) {
    h.error = status.status().message();
    return h;
  }
  h.status = *status;
  Result<std::string> ddl = FindSameDdl(**conn, table);
  if (!ddl.ok()) {
    h.error = ddl.status().message();
    return h;
  }
  h.same_ddl = *ddl;
  return h;
}

}  // namespace

bool ReplicaHealth::IsCandidate() const {
  return error.empty() && status && status->io_running && status->sql_running &&
         status->seconds_behind && *status->seconds_behind <= kCandidateMaxLagSeconds &&
         same_ddl.empty();
}

std::vector<ReplicaHealth> CheckReplicaHealth(const mysql::ConnectOptions& primary_options,
                                              mysql::Connection& primary, const TableName& table) {
  Result<std::vector<std::string>> addresses = mysql::ListReplicaAddresses(primary);
  if (!addresses.ok()) {
    ReplicaHealth h;
    h.address = "(replicas)";
    h.error = "cannot list them: " + addresses.status().message();
    return {h};
  }
  std::vector<ReplicaHealth> out;
  for (const std::string& address : *addresses)
    out.push_back(CheckOne(primary_options, address, table));
  return out;
}

std::string DescribeReplicaHealth(const ReplicaHealth& r, const TableName& table) {
  const std::string head = "replica " + r.address + ": ";
  if (!r.error.empty()) return head + "unknown (" + r.error + "): not a failover candidate";
  if (!r.status) return head + "not a replica (no replication status): not a failover candidate";
  const mysql::ReplicationStatus& s = *r.status;
  std::vector<std::string> facts;
  if (s.io_running && s.sql_running) {
    facts.push_back("replicating");
  } else {
    facts.push_back(fmt::format(
        "NOT replicating (IO thread {}, SQL thread {}{})", s.io_running ? "running" : "stopped",
        s.sql_running ? "running" : "stopped", s.last_error.empty() ? "" : "; " + s.last_error));
  }
  facts.push_back(s.seconds_behind ? fmt::format("{}s behind", *s.seconds_behind)
                                   : std::string("lag unknown"));
  facts.push_back(r.same_ddl.empty() ? "no DDL on " + table.ToString()
                                     : "running the same kind of change: " + r.same_ddl);
  std::string verdict = fmt::format(
      ": a failover candidate (`safeddl switchover --to {}`, or `safeddl failover` "
      "if the primary is gone)",
      r.address);
  if (!r.IsCandidate()) {
    verdict = ": not a failover candidate";
    if (r.status && s.io_running && s.sql_running && s.seconds_behind &&
        *s.seconds_behind > kCandidateMaxLagSeconds) {
      verdict += fmt::format(" (more than {}s behind)", kCandidateMaxLagSeconds);
    } else if (!r.same_ddl.empty()) {
      verdict += " (failing over moves the pileup there)";
    }
  }
  return head + JoinStrings(facts, ", ") + verdict;
}

}  // namespace safeddl::locks
