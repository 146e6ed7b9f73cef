#include "topology/rolling_change.h"

#include <fmt/format.h>

#include "common/strings.h"
#include "mysql/quote.h"
#include "mysql/replication.h"
#include "schema/introspect.h"
#include "topology/replica.h"

namespace safeddl::topology {
namespace {

using Clock = std::chrono::steady_clock;

struct Member {
  std::string address;
  std::unique_ptr<mysql::Connection> conn;
};

class Rollout {
 public:
  Rollout(mysql::Connection& primary, const mysql::ConnectOptions& options,
          const RollingChangeRequest& request)
      : primary_(primary), options_(options), request_(request) {}

  Result<RollingChangeReport> Go() {
    SAFEDDL_ASSIGN_OR_RETURN(q_table_, mysql::QuoteQualified(request_.database, request_.table));
    SwitchoverRequest gate = request_.switchover;
    gate.dry_run = true;
    SAFEDDL_ASSIGN_OR_RETURN(SwitchoverReport checked, Switchover(primary_, options_, gate));
    SAFEDDL_RETURN_IF_ERROR(SameDefinitionEverywhere(checked.old_primary));
    if (request_.switchover.dry_run) {
      report_.dry_run = true;
      report_.switchover = checked;
      return report_;
    }
    for (Member& r : replicas_) {
      SAFEDDL_RETURN_IF_ERROR(Change(r.address, *r.conn).WithContext(Stopped(r.address)));
      SAFEDDL_ASSIGN_OR_RETURN(std::string pos, Value(primary_, "SELECT @@gtid_binlog_pos"));
      SAFEDDL_RETURN_IF_ERROR(Replicating(r.address, *r.conn, pos).WithContext(Stopped(r.address)));
    }
    const auto start = Clock::now();
    SAFEDDL_ASSIGN_OR_RETURN(report_.switchover,
                             Switchover(primary_, options_, request_.switchover));
    Record(report_.switchover.old_primary, "switchover to " + report_.switchover.new_primary,
           start);
    const std::string old = report_.switchover.old_primary;
    SAFEDDL_RETURN_IF_ERROR(Change(old, primary_).WithContext(Stopped(old)));
    Member* fresh = nullptr;
    for (Member& r : replicas_) {
      if (r.address == report_.switchover.new_primary) fresh = &r;
    }
    if (fresh == nullptr) return InternalError("the new primary is not among the replicas");
    SAFEDDL_ASSIGN_OR_RETURN(std::string pos, Value(*fresh->conn, "SELECT @@gtid_binlog_pos"));
    SAFEDDL_RETURN_IF_ERROR(Replicating(old, primary_, pos).WithContext(Stopped(old)));
    SAFEDDL_RETURN_IF_ERROR(SameDefinitionEverywhere(old));
    return report_;
  }

 private:
  static Result<std::string> Value(mysql::Connection& conn, std::string_view sql) {
    SAFEDDL_ASSIGN_OR_RETURN(std::optional<std::string> v, conn.QueryValue(sql));
    return v.value_or("");
  }

  std::string Stopped(const std::string& server) const {
    return fmt::format(
        "the rollout stopped at {}; the new definition is on: {}", server,
        report_.changed.empty() ? std::string("no server") : JoinStrings(report_.changed, ", "));
  }

  void Record(const std::string& server, const std::string& what, Clock::time_point start) {
    report_.steps.push_back(
        {server, what, std::chrono::duration<double>(Clock::now() - start).count()});
    if (request_.switchover.progress) request_.switchover.progress(server + ": " + what);
  }

  // Connects to the replicas and checks that the table is defined alike on every server.
  Status SameDefinitionEverywhere(const std::string& primary_address) {
    if (replicas_.empty()) {
      SAFEDDL_ASSIGN_OR_RETURN(std::vector<std::string> listed,
                               mysql::ListReplicaAddresses(primary_));
      for (const std::string& a : listed) {
        SAFEDDL_ASSIGN_OR_RETURN(mysql::ConnectOptions o,
                                 mysql::ReplicaConnectOptions(options_, a));
        SAFEDDL_ASSIGN_OR_RETURN(std::unique_ptr<mysql::Connection> conn,
                                 mysql::Connection::Open(o));
        replicas_.push_back({fmt::format("{}:{}", o.host, o.port), std::move(conn)});
      }
    }
    SAFEDDL_ASSIGN_OR_RETURN(report_.definition, schema::TableDefinition(primary_, q_table_));
    for (Member& r : replicas_) {
      Result<std::string> theirs = schema::TableDefinition(*r.conn, q_table_);
      if (!theirs.ok() || *theirs != report_.definition) {
        return FailedPreconditionError(fmt::format(
            "{} is defined differently on {} than on {}{}", q_table_, r.address, primary_address,
            theirs.ok() ? fmt::format(":\n{}\n{}", report_.definition, *theirs)
                        : ": " + theirs.status().message()));
      }
    }
    return Status::OK();
  }

  Status Change(const std::string& server, mysql::Connection& conn) {
    const auto start = Clock::now();
    SAFEDDL_RETURN_IF_ERROR(conn.Execute("SET SESSION sql_log_bin = 0"));
    SAFEDDL_RETURN_IF_ERROR(conn.Execute(
        fmt::format("SET SESSION lock_wait_timeout = {}", request_.lock_wait.count())));
    SAFEDDL_RETURN_IF_ERROR(
        conn.Execute(fmt::format("ALTER TABLE {} {}", q_table_, request_.alter)));
    report_.changed.push_back(server);
    Record(server, "ALTER TABLE (not binlogged)", start);
    return Status::OK();
  }

  // Its replication runs without error and has reached `pos` in time.
  Status Replicating(const std::string& server, mysql::Connection& conn, const std::string& pos) {
    const auto start = Clock::now();
    SAFEDDL_RETURN_IF_ERROR(WaitUntilReplicated(conn, server, pos, request_.catch_up)
                                .WithContext("after the change there"));
    Record(server, "replication runs and caught up", start);
    return Status::OK();
  }

  mysql::Connection& primary_;
  const mysql::ConnectOptions& options_;
  const RollingChangeRequest& request_;
  RollingChangeReport report_;
  std::string q_table_;
  std::vector<Member> replicas_;
};

}  // namespace

Result<RollingChangeReport> RollingChange(mysql::Connection& primary,
                                          const mysql::ConnectOptions& options,
                                          const RollingChangeRequest& request) {
  return Rollout(primary, options, request).Go();
}

}  // namespace safeddl::topology
