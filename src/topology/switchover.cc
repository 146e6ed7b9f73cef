#include "topology/switchover.h"

#include <fmt/format.h>

#include <deque>
#include <memory>
#include <optional>

#include "binlog/gtid_event.h"
#include "common/strings.h"
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
  bool replica = false;  // it has a replication status
};

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

// What a switchover stopped part way (killed, or failed after the promotion) left, found from
// the servers themselves when it is run again with the same --to.
enum class Phase {
  kFresh,    // nothing done, or only the fence (and perhaps the candidate's STOP SLAVE)
  kRepoint,  // the primary is fenced and the candidate promoted: repoint what is left
  kFinish,   // the old primary replicates from the candidate already: lift its fence, verify
};

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
    const std::string promoted = "the candidate is the primary now, but";
    if (phase_ == Phase::kFinish) {
      SAFEDDL_RETURN_IF_ERROR(Step("lift the old primary's fence", [this] {
                                return LiftOldPrimaryFence();
                              }).WithContext(Where(promoted)));
      SAFEDDL_RETURN_IF_ERROR(
          Step("verify", [this] { return Verify(); }).WithContext(Where(promoted)));
      return report_;
    }
    if (phase_ == Phase::kRepoint) {
      SAFEDDL_RETURN_IF_ERROR(
          Step("wait for the replicas", [this] { return CatchUp(); }).WithContext(Where(promoted)));
      SAFEDDL_RETURN_IF_ERROR(
          Step("repoint the replicas", [this] { return Repoint(); }).WithContext(Where(promoted)));
      SAFEDDL_RETURN_IF_ERROR(
          Step("verify", [this] { return Verify(); }).WithContext(Where(promoted)));
      return report_;
    }
    // A fence on in the fresh phase: a switchover stopped before its promotion.
    if (open_fence_) {
      SAFEDDL_RETURN_IF_ERROR(
          Step("undo the stopped switchover", [this] { return UndoStoppedStart(); }));
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
    SAFEDDL_RETURN_IF_ERROR(
        Step("repoint the replicas", [this] { return Repoint(); }).WithContext(Where(promoted)));
    SAFEDDL_RETURN_IF_ERROR(
        Step("verify", [this] { return Verify(); }).WithContext(Where(promoted)));
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
    return fmt::format(
        "{} (new primary {}, old primary {}: fenced, read_only); run the same switchover again "
        "to go on from here",
        what, report_.new_primary, report_.old_primary);
  }

  // Connects to `a` (the `role` it plays, for the error) and reads its replication status.
  Result<Server> Reach(const Address& a, const std::string& role) {
    Result<std::unique_ptr<mysql::Connection>> conn = ConnectTo(options_, a);
    if (!conn.ok()) return conn.status().WithContext(role);
    Server r{a, std::move(*conn), {}, false};
    SAFEDDL_ASSIGN_OR_RETURN(std::optional<mysql::ReplicationStatus> st,
                             mysql::ReadReplicationStatus(*r.conn));
    r.replica = st.has_value();
    if (st) r.status = *st;
    return r;
  }

  Status Gate() {
    SAFEDDL_ASSIGN_OR_RETURN(primary_id_, primary_.QueryText("SELECT @@server_id"));
    SAFEDDL_ASSIGN_OR_RETURN(Address here, ServerAddress(primary_, options_));
    report_.old_primary = here.Text();
    SAFEDDL_ASSIGN_OR_RETURN(Address to, ParseAddress(request_.to));
    SAFEDDL_ASSIGN_OR_RETURN(std::optional<mysql::ReplicationStatus> own,
                             mysql::ReadReplicationStatus(primary_));
    SAFEDDL_ASSIGN_OR_RETURN(open_fence_, OpenFence(primary_));
    if (own) {
      if (own->source_host == to.host && own->source_port == std::to_string(to.port)) {
        return GateFinish(to);
      }
      return FailedPreconditionError(
          fmt::format("this server replicates from {}:{}: run switchover against the primary",
                      own->source_host, own->source_port));
    }
    if (open_fence_) {
      SAFEDDL_ASSIGN_OR_RETURN(Server c, Reach(to, "the candidate"));
      if (!c.replica) return GateRepoint(std::move(c));
      if (c.status.source_server_id == primary_id_) paused_ = std::move(c);
    }
    return GateFresh(to);
  }

  // A stopped switchover's promotion leaves the candidate with both threads stopped, no error,
  // and this primary's last position applied.
  Result<bool> PausedByPromotion(Server& r) {
    const mysql::ReplicationStatus& s = r.status;
    if (s.io_running || s.sql_running || !s.last_error.empty()) return false;
    SAFEDDL_ASSIGN_OR_RETURN(std::string applied, r.conn->QueryText("SELECT @@gtid_slave_pos"));
    SAFEDDL_ASSIGN_OR_RETURN(std::string last, primary_.QueryText("SELECT @@gtid_binlog_pos"));
    return binlog::GtidPositionCovers(applied, last);
  }

  Status GateFresh(const Address& to) {
    SAFEDDL_ASSIGN_OR_RETURN(std::vector<std::string> listed,
                             mysql::ListReplicaAddresses(primary_));
    for (const std::string& text : listed) {
      SAFEDDL_ASSIGN_OR_RETURN(Address a, ParseAddress(text));
      if (paused_ && paused_->address == a) continue;
      SAFEDDL_ASSIGN_OR_RETURN(Server r, Reach(a, "replica (listed by the primary)"));
      if (!r.replica) return FailedPreconditionError(fmt::format("{} is not a replica", a.Text()));
      replicas_.push_back(std::move(r));
    }
    // A candidate whose replication a stopped switchover stopped is not listed: it is taken as
    // it is, and started again before the fence.
    if (paused_) replicas_.push_back(std::move(*paused_));
    paused_.reset();
    for (Server& r : replicas_) {
      if (r.address == to) candidate_ = &r;
    }
    for (Server& r : replicas_) {
      std::string problem = ReplicaProblem(r, primary_id_, request_.max_lag);
      if (!problem.empty() && open_fence_ && &r == candidate_) {
        SAFEDDL_ASSIGN_OR_RETURN(restart_candidate_, PausedByPromotion(r));
        if (restart_candidate_) problem.clear();
      }
      if (!problem.empty()) {
        return FailedPreconditionError(
            fmt::format("replica {}: {}; nothing was changed", r.address.Text(), problem));
      }
    }
    if (candidate_ == nullptr) {
      return FailedPreconditionError(
          fmt::format("--to {}: not a replica of this primary (it lists {})", request_.to,
                      listed.empty() ? std::string("none") : JoinStrings(listed, ", ")));
    }
    report_.new_primary = candidate_->address.Text();
    SAFEDDL_ASSIGN_OR_RETURN(std::string log_bin, candidate_->conn->QueryText("SELECT @@log_bin"));
    SAFEDDL_ASSIGN_OR_RETURN(std::string updates,
                             candidate_->conn->QueryText("SELECT @@log_slave_updates"));
    if (log_bin != "1" || updates != "1") {
      return FailedPreconditionError(fmt::format(
          "the candidate {} must binlog what it applies (log_bin={}, log_slave_updates={}): the "
          "other replicas and the old primary continue from its binlog. Set both ON in its "
          "my.cnf and restart it; nothing was changed",
          report_.new_primary, log_bin == "1" ? "ON" : "OFF", updates == "1" ? "ON" : "OFF"));
    }
    SAFEDDL_RETURN_IF_ERROR(ChooseReplicationUser(candidate_->status.source_user));
    detail_ = fmt::format("{} replica(s) healthy, candidate {} binlogs what it applies",
                          replicas_.size(), report_.new_primary);
    if (open_fence_) {
      detail_ += fmt::format(
          "; the primary is fenced (fence {}){}: lifted and put on again first", open_fence_->id,
          restart_candidate_ ? " and the candidate's replication stopped, by a switchover that "
                               "stopped before its promotion"
                             : "");
    }
    return Status::OK();
  }

  // The account the old primary replicates with: --replication-user, else `known` (a replica's).
  Status ChooseReplicationUser(const std::string& known) {
    replication_user_ = request_.replication_user.empty() ? known : request_.replication_user;
    if (replication_user_.empty()) {
      return InvalidArgumentError(
          "no replica names the replication account any more: give --replication-user");
    }
    if (request_.replication_password.empty()) {
      return InvalidArgumentError(
          fmt::format("the old primary will replicate from the new one as {}: give its password "
                      "(--replication-password-file)",
                      replication_user_));
    }
    return Status::OK();
  }

  // The primary is fenced and the candidate replicates from nobody: a switchover promoted it and
  // stopped. It must hold this primary's last position; the replicas still here are repointed.
  Status GateRepoint(Server c) {
    SAFEDDL_ASSIGN_OR_RETURN(report_.final_gtid, primary_.QueryText("SELECT @@gtid_binlog_pos"));
    SAFEDDL_ASSIGN_OR_RETURN(std::string has, c.conn->QueryText("SELECT @@gtid_current_pos"));
    if (!binlog::GtidPositionCovers(has, report_.final_gtid)) {
      return FailedPreconditionError(fmt::format(
          "this primary is fenced (fence {}) and {} replicates from nobody, but it has not applied "
          "this primary's last position {} (it is at {}): it was not promoted by a switchover "
          "from here. Lift the fence (`safeddl fence off`) and look at both; nothing was changed",
          open_fence_->id, c.address.Text(), report_.final_gtid, has));
    }
    promoted_ = std::move(c);
    candidate_ = &*promoted_;
    report_.new_primary = candidate_->address.Text();
    SAFEDDL_ASSIGN_OR_RETURN(std::vector<std::string> listed,
                             mysql::ListReplicaAddresses(primary_));
    SAFEDDL_ASSIGN_OR_RETURN(std::string candidate_id,
                             candidate_->conn->QueryText("SELECT @@server_id"));
    std::string known_user;
    for (const std::string& text : listed) {
      SAFEDDL_ASSIGN_OR_RETURN(Address a, ParseAddress(text));
      if (a == candidate_->address) continue;
      SAFEDDL_ASSIGN_OR_RETURN(Server r, Reach(a, "replica (listed by the primary)"));
      // Repointed already (a primary lists a replica for a while after it left).
      if (!r.replica || r.status.source_server_id == candidate_id) continue;
      if (std::string problem = ReplicaProblem(r, primary_id_, request_.max_lag);
          !problem.empty()) {
        return FailedPreconditionError(
            fmt::format("resuming the switchover: replica {}: {}", a.Text(), problem));
      }
      known_user = r.status.source_user;
      replicas_.push_back(std::move(r));
    }
    if (known_user.empty()) {
      SAFEDDL_ASSIGN_OR_RETURN(known_user, ReplicationUserOfReplicasOf(*candidate_));
    }
    SAFEDDL_RETURN_IF_ERROR(ChooseReplicationUser(known_user));
    phase_ = Phase::kRepoint;
    detail_ = fmt::format(
        "resuming: this primary is fenced (fence {}) and {} was promoted with its last position "
        "{}; {} replica(s) still to repoint, then this server",
        open_fence_->id, report_.new_primary, report_.final_gtid, replicas_.size());
    return Status::OK();
  }

  // The replication account a replica of `primary` uses, or "" when none says.
  Result<std::string> ReplicationUserOfReplicasOf(Server& primary) {
    SAFEDDL_ASSIGN_OR_RETURN(std::vector<std::string> listed,
                             mysql::ListReplicaAddresses(*primary.conn));
    for (const std::string& text : listed) {
      SAFEDDL_ASSIGN_OR_RETURN(Address a, ParseAddress(text));
      Result<Server> r = Reach(a, "replica");
      if (r.ok() && r->replica && !r->status.source_user.empty()) return r->status.source_user;
    }
    return std::string();
  }

  // This server replicates from the candidate already: a switchover repointed it and stopped
  // before lifting its fence, or before verifying.
  Status GateFinish(const Address& to) {
    SAFEDDL_ASSIGN_OR_RETURN(Server c, Reach(to, "the new primary"));
    if (c.replica) {
      return FailedPreconditionError(fmt::format(
          "this server replicates from {}, which replicates from {}:{}: run switchover against "
          "the primary",
          to.Text(), c.status.source_host, c.status.source_port));
    }
    promoted_ = std::move(c);
    candidate_ = &*promoted_;
    report_.new_primary = candidate_->address.Text();
    phase_ = Phase::kFinish;
    detail_ =
        fmt::format("resuming: this server replicates from {} already{}", report_.new_primary,
                    open_fence_ ? fmt::format("; its fence {} is lifted next", open_fence_->id)
                                : std::string("; only the verification is left"));
    return Status::OK();
  }

  // The stopped switchover's fence is lifted (and the candidate's replication started again),
  // so that this one starts from a primary as it was: its own fence and final position follow.
  Status UndoStoppedStart() {
    if (restart_candidate_) SAFEDDL_RETURN_IF_ERROR(candidate_->conn->Execute("START SLAVE"));
    SAFEDDL_ASSIGN_OR_RETURN(FenceOffReport off, FenceOff(primary_));
    detail_ = fmt::format("fence {} lifted{}", off.fence ? off.fence->id : 0,
                          restart_candidate_ ? ", the candidate's replication started" : "");
    return Status::OK();
  }

  Status LiftOldPrimaryFence() {
    if (open_fence_) {
      SAFEDDL_RETURN_IF_ERROR(FenceOff(primary_, /*keep_read_only=*/true).status());
      detail_ = fmt::format("fence {} lifted, read_only kept", open_fence_->id);
    } else {
      detail_ = "no fence left";
    }
    return Status::OK();
  }

  Status Fence() {
    FenceRequest fence;
    fence.read_only = true;
    fence.lock_accounts = true;
    fence.grace = request_.grace;
    SAFEDDL_ASSIGN_OR_RETURN(FenceOnReport on, FenceOn(primary_, fence));
    SAFEDDL_ASSIGN_OR_RETURN(report_.final_gtid, primary_.QueryText("SELECT @@gtid_binlog_pos"));
    detail_ = fmt::format(
        "fence {}: {} account(s) locked, {} session(s) ended, read_only; last "
        "GTID position {}",
        on.fence.id, on.locked.size(), on.ended.size(), report_.final_gtid);
    return Status::OK();
  }

  // gtid_current_pos, not MASTER_GTID_WAIT: that one waits on gtid_slave_pos, which never holds
  // what a replica wrote itself when it was the primary (the last position may be its own).
  Status CatchUp() {
    for (Server& r : replicas_) {
      SAFEDDL_RETURN_IF_ERROR(
          WaitUntilReplicated(*r.conn, r.address.Text(), report_.final_gtid, request_.catch_up));
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
    SAFEDDL_RETURN_IF_ERROR(FenceOff(primary_, /*keep_read_only=*/true).status());
    detail_ = fmt::format("{} and the old primary {} replicate from {}",
                          report_.repointed.empty() ? std::string("no other replica")
                                                    : JoinStrings(report_.repointed, ", "),
                          report_.old_primary, report_.new_primary);
    return Status::OK();
  }

  // The old primary and every replica of the new one (those it lists, and those this run
  // repointed) run their threads and have applied the new primary's position.
  Status Verify() {
    SAFEDDL_ASSIGN_OR_RETURN(std::string pos,
                             candidate_->conn->QueryText("SELECT @@gtid_binlog_pos"));
    std::vector<std::pair<std::string, mysql::Connection*>> all = {
        {report_.old_primary, &primary_}};
    for (Server& r : replicas_) {
      if (&r != candidate_) all.push_back({r.address.Text(), r.conn.get()});
    }
    SAFEDDL_ASSIGN_OR_RETURN(std::vector<std::string> listed,
                             mysql::ListReplicaAddresses(*candidate_->conn));
    for (const std::string& text : listed) {
      SAFEDDL_ASSIGN_OR_RETURN(Address a, ParseAddress(text));
      bool known = false;
      for (const auto& [name, conn] : all) known = known || name == a.Text();
      if (known) continue;
      SAFEDDL_ASSIGN_OR_RETURN(Server r, Reach(a, "replica (listed by the new primary)"));
      verified_.push_back(std::move(r));
      all.push_back({a.Text(), verified_.back().conn.get()});
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
  Phase phase_ = Phase::kFresh;
  std::optional<FenceRecord> open_fence_;
  bool restart_candidate_ = false;  // its replication stopped by a stopped promotion
  std::optional<Server> paused_;    // the candidate, reached directly (not listed when stopped)
  std::optional<Server> promoted_;  // the candidate, promoted already (kRepoint, kFinish)
  std::deque<Server> verified_;     // replicas only Verify() reached
};

}  // namespace

Result<SwitchoverReport> Switchover(mysql::Connection& primary,
                                    const mysql::ConnectOptions& options,
                                    const SwitchoverRequest& request) {
  return Run(primary, options, request).Go();
}

}  // namespace safeddl::topology
