#include "topology/switchover.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <memory>

#include "common/strings.h"
#include "mysql/quote.h"
#include "mysql/replication.h"
#include "topology/fence.h"
#include "topology/fence_store.h"
#include "topology/promotion.h"
#include "topology/replica.h"

namespace safeddl::topology {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kVerifyLimit = std::chrono::seconds(30);

struct Server {
  Address address;
  std::unique_ptr<mysql::Connection> conn;
  mysql::ReplicationStatus status;
};

Result<std::string> Value(mysql::Connection& conn, std::string_view sql) {
  SAFEDDL_ASSIGN_OR_RETURN(std::optional<std::string> v, conn.QueryValue(sql));
  return v.value_or("");
}

// Why `r` cannot take part, or "".
std::string ReplicaProblem(const Server& r, const std::string& primary_id,
                           std::chrono::seconds max_lag) {
  const mysql::ReplicationStatus& s = r.status;
  if (!s.io_running || !s.sql_running) {
    return fmt::format("its replication is stopped (IO {}, SQL {}){}",
                       s.io_running ? "running" : "stopped", s.sql_running ? "running" : "stopped",
                       s.last_error.empty() ? "" : ": " + s.last_error);
  }
  if (!s.last_error.empty()) return "its replication reports an error: " + s.last_error;
  if (s.using_gtid.empty() || s.using_gtid == "No") {
    return "it does not replicate with GTIDs (CHANGE MASTER TO MASTER_USE_GTID = slave_pos)";
  }
  if (s.source_server_id != primary_id) {
    return fmt::format("it replicates from server {}, not from this primary ({})",
                       s.source_server_id, primary_id);
  }
  if (!s.seconds_behind || *s.seconds_behind > max_lag.count()) {
    return fmt::format("it lags {} (at most {} s allowed)",
                       s.seconds_behind ? fmt::format("{} s", *s.seconds_behind) : "unknown",
                       max_lag.count());
  }
  return "";
}

// MASTER_GTID_WAIT on `r` for `gtid`: true when applied within `limit`.
Result<bool> WaitApplied(mysql::Connection& r, const std::string& gtid,
                         std::chrono::seconds limit) {
  SAFEDDL_ASSIGN_OR_RETURN(std::optional<std::string> waited,
                           r.QueryValue(fmt::format("SELECT MASTER_GTID_WAIT({}, {})",
                                                    mysql::QuoteString(gtid), limit.count())));
  return waited.has_value() && *waited == "0";
}

class Run {
 public:
  Run(mysql::Connection& primary, const mysql::ConnectOptions& options,
      const SwitchoverRequest& request)
      : primary_(primary), options_(options), request_(request) {}

  Result<SwitchoverReport> Go() {
    SAFEDDL_RETURN_IF_ERROR(Step("gate", [this] { return Gate(); }));
    if (request_.dry_run) {
      report_.dry_run = true;
      return report_;
    }
    const auto outage_start = Clock::now();
    SAFEDDL_RETURN_IF_ERROR(Step("fence the primary", [this] { return Fence(); }));
    Status caught_up = Step("wait for the replicas", [this] { return CatchUp(); });
    if (!caught_up.ok()) {
      Result<FenceOffReport> lifted = FenceOff(primary_);
      return caught_up.WithContext(
          lifted.ok() ? "the switchover stopped before changing anything; the primary's fence "
                        "is lifted"
                      : fmt::format("the switchover stopped before changing anything, but lifting "
                                    "the primary's fence failed ({}): run `safeddl fence off`",
                                    lifted.status().message()));
    }
    SAFEDDL_RETURN_IF_ERROR(Step("promote " + candidate_->address.Text(), [this] {
                              return Promote();
                            }).WithContext(Where("promoting the candidate failed")));
    report_.write_outage_seconds =
        std::chrono::duration<double>(Clock::now() - outage_start).count();
    SAFEDDL_RETURN_IF_ERROR(Step("repoint the replicas", [this] {
                              return Repoint();
                            }).WithContext(Where("the candidate is the primary now, but")));
    SAFEDDL_RETURN_IF_ERROR(Step("verify", [this] {
                              return Verify();
                            }).WithContext(Where("the candidate is the primary now, but")));
    return report_;
  }

 private:
  Status Step(const std::string& name, const std::function<Status()>& body) {
    return RunStep(name, request_.progress, report_.steps, [&](std::string& detail) {
      detail_.clear();
      Status s = body();
      detail = detail_;
      return s;
    });
  }

  std::string Where(const std::string& what) const {
    return fmt::format("{} (new primary {}, old primary {}: fenced, read_only)", what,
                       report_.new_primary, report_.old_primary);
  }

  Status Gate() {
    SAFEDDL_ASSIGN_OR_RETURN(primary_id_, Value(primary_, "SELECT @@server_id"));
    SAFEDDL_ASSIGN_OR_RETURN(std::string port, Value(primary_, "SELECT @@port"));
    report_.old_primary =
        fmt::format("{}:{}",
                    options_.host.empty() || options_.host == "localhost" ? std::string("127.0.0.1")
                                                                          : options_.host,
                    port);
    SAFEDDL_ASSIGN_OR_RETURN(std::optional<mysql::ReplicationStatus> own,
                             mysql::ReadReplicationStatus(primary_));
    if (own) {
      return FailedPreconditionError(
          fmt::format("this server replicates from {}:{}: run switchover against the primary",
                      own->source_host, own->source_port));
    }
    SAFEDDL_ASSIGN_OR_RETURN(Address to, ParseAddress(request_.to));
    SAFEDDL_ASSIGN_OR_RETURN(std::vector<std::string> listed,
                             mysql::ListReplicaAddresses(primary_));
    for (const std::string& text : listed) {
      SAFEDDL_ASSIGN_OR_RETURN(Address a, ParseAddress(text));
      SAFEDDL_ASSIGN_OR_RETURN(mysql::ConnectOptions o,
                               mysql::ReplicaConnectOptions(options_, a.Text()));
      Result<std::unique_ptr<mysql::Connection>> conn = mysql::Connection::Open(o);
      if (!conn.ok()) {
        return conn.status().WithContext(fmt::format(
            "replica {} (listed by the primary) cannot be reached with this account", a.Text()));
      }
      Server r{a, std::move(*conn), {}};
      SAFEDDL_ASSIGN_OR_RETURN(std::optional<mysql::ReplicationStatus> st,
                               mysql::ReadReplicationStatus(*r.conn));
      if (!st) return FailedPreconditionError(fmt::format("{} is not a replica", a.Text()));
      r.status = *st;
      if (std::string problem = ReplicaProblem(r, primary_id_, request_.max_lag);
          !problem.empty()) {
        return FailedPreconditionError(
            fmt::format("replica {}: {}; nothing was changed", a.Text(), problem));
      }
      replicas_.push_back(std::move(r));
    }
    for (Server& r : replicas_) {
      if (r.address.host == to.host && r.address.port == to.port) candidate_ = &r;
    }
    if (candidate_ == nullptr) {
      return FailedPreconditionError(
          fmt::format("--to {}: not a replica of this primary (it lists {})", request_.to,
                      listed.empty() ? std::string("none") : JoinStrings(listed, ", ")));
    }
    report_.new_primary = candidate_->address.Text();
    SAFEDDL_ASSIGN_OR_RETURN(std::string log_bin, Value(*candidate_->conn, "SELECT @@log_bin"));
    SAFEDDL_ASSIGN_OR_RETURN(std::string updates,
                             Value(*candidate_->conn, "SELECT @@log_slave_updates"));
    if (log_bin != "1" || updates != "1") {
      return FailedPreconditionError(fmt::format(
          "the candidate {} must binlog what it applies (log_bin={}, log_slave_updates={}): the "
          "other replicas and the old primary continue from its binlog. Set both ON in its "
          "my.cnf and restart it; nothing was changed",
          report_.new_primary, log_bin == "1" ? "ON" : "OFF", updates == "1" ? "ON" : "OFF"));
    }
    replication_user_ = request_.replication_user.empty() ? candidate_->status.source_user
                                                          : request_.replication_user;
    if (request_.replication_password.empty()) {
      return InvalidArgumentError(
          fmt::format("the old primary will replicate from the new one as {}: give its password "
                      "(--replication-password-file)",
                      replication_user_));
    }
    detail_ = fmt::format("{} replica(s) healthy, candidate {} binlogs what it applies",
                          replicas_.size(), report_.new_primary);
    return Status::OK();
  }

  Status Fence() {
    FenceRequest fence;
    fence.read_only = true;
    fence.lock_accounts = true;
    fence.grace = request_.grace;
    SAFEDDL_ASSIGN_OR_RETURN(FenceOnReport on, FenceOn(primary_, fence));
    fence_id_ = on.fence.id;
    SAFEDDL_ASSIGN_OR_RETURN(report_.final_gtid, Value(primary_, "SELECT @@gtid_binlog_pos"));
    detail_ = fmt::format(
        "fence {}: {} account(s) locked, {} session(s) ended, read_only; last "
        "GTID position {}",
        on.fence.id, on.locked.size(), on.ended.size(), report_.final_gtid);
    return Status::OK();
  }

  Status CatchUp() {
    for (Server& r : replicas_) {
      SAFEDDL_ASSIGN_OR_RETURN(bool applied,
                               WaitApplied(*r.conn, report_.final_gtid, request_.catch_up));
      if (!applied) {
        return TimeoutError(fmt::format("replica {} did not apply {} within {} s", r.address.Text(),
                                        report_.final_gtid, request_.catch_up.count()));
      }
    }
    detail_ = "every replica applied " + report_.final_gtid;
    return Status::OK();
  }

  Status Promote() {
    SAFEDDL_RETURN_IF_ERROR(PromoteToPrimary(*candidate_->conn));
    detail_ = report_.new_primary + " replicates from nobody and takes writes";
    return Status::OK();
  }

  Status Repoint() {
    for (Server& r : replicas_) {
      if (&r == candidate_) continue;
      SAFEDDL_RETURN_IF_ERROR(ReplicateFrom(*r.conn, candidate_->address, ContinueFrom::kSlavePos));
      report_.repointed.push_back(r.address.Text());
    }
    // The old primary replicates from its own last position (current_pos), and stays read_only
    // when its fence is lifted: a replica takes no application writes.
    SAFEDDL_RETURN_IF_ERROR(ReplicateFrom(primary_, candidate_->address, ContinueFrom::kCurrentPos,
                                          replication_user_, request_.replication_password));
    SAFEDDL_RETURN_IF_ERROR(SetReadOnlyBefore(primary_, fence_id_, "ON"));
    SAFEDDL_RETURN_IF_ERROR(FenceOff(primary_).status());
    detail_ = fmt::format("{} and the old primary {} replicate from {}",
                          report_.repointed.empty() ? std::string("no other replica")
                                                    : JoinStrings(report_.repointed, ", "),
                          report_.old_primary, report_.new_primary);
    return Status::OK();
  }

  // Every replica's threads run and have applied the new primary's position.
  Status Verify() {
    SAFEDDL_ASSIGN_OR_RETURN(std::string pos, Value(*candidate_->conn, "SELECT @@gtid_binlog_pos"));
    std::vector<std::pair<std::string, mysql::Connection*>> all = {
        {report_.old_primary, &primary_}};
    for (Server& r : replicas_) {
      if (&r != candidate_) all.push_back({r.address.Text(), r.conn.get()});
    }
    for (auto& [name, conn] : all) {
      SAFEDDL_RETURN_IF_ERROR(WaitUntilReplicated(*conn, name, pos, kVerifyLimit)
                                  .WithContext("verifying replication from the new primary"));
    }
    detail_ = fmt::format("{} server(s) replicate from {} and have applied {}", all.size(),
                          report_.new_primary, pos);
    return Status::OK();
  }

  mysql::Connection& primary_;
  const mysql::ConnectOptions& options_;
  const SwitchoverRequest& request_;
  SwitchoverReport report_;
  std::string detail_;
  std::string primary_id_;
  std::string replication_user_;
  std::vector<Server> replicas_;
  Server* candidate_ = nullptr;
  uint64_t fence_id_ = 0;
};

}  // namespace

Result<SwitchoverReport> Switchover(mysql::Connection& primary,
                                    const mysql::ConnectOptions& options,
                                    const SwitchoverRequest& request) {
  return Run(primary, options, request).Go();
}

}  // namespace safeddl::topology
