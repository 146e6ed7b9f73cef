#include "topology/failover.h"

#include <fmt/format.h>

#include <memory>
#include <thread>

#include "binlog/gtid_event.h"
#include "common/strings.h"
#include "mysql/errors.h"
#include "mysql/replication.h"
#include "topology/replica.h"

namespace safeddl::topology {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kVerifyLimit = std::chrono::seconds(30);
constexpr auto kPoll = std::chrono::milliseconds(100);

struct Member {
  Address address;
  std::unique_ptr<mysql::Connection> owned;  // null for the replica the caller connected to
  mysql::Connection* conn = nullptr;
  mysql::ReplicationStatus status;
  std::string slave_pos;
  bool binlogs = false;  // log_bin and log_slave_updates
};

// A GTID position as the report shows it.
std::string Shown(const std::string& pos) { return pos.empty() ? "(no GTID yet)" : pos; }

// Why `m` cannot take part, or "".
std::string MemberProblem(const Member& m, const Member& first) {
  const mysql::ReplicationStatus& s = m.status;
  if (s.using_gtid.empty() || s.using_gtid == "No") {
    return "it does not replicate with GTIDs (CHANGE MASTER TO MASTER_USE_GTID = slave_pos)";
  }
  if (s.source_host != first.status.source_host || s.source_port != first.status.source_port) {
    return fmt::format("it replicates from {}:{}, not from {}:{} as {} does", s.source_host,
                       s.source_port, first.status.source_host, first.status.source_port,
                       first.address.Text());
  }
  if (s.io_running) {
    return fmt::format(
        "it is connected to its primary {}:{}: the primary is up; a planned `safeddl "
        "switchover --to` loses nothing",
        s.source_host, s.source_port);
  }
  if (!s.sql_error.empty()) return "its SQL thread stopped on an error: " + s.sql_error;
  if (!s.sql_running) {
    return "its SQL thread is stopped (start it, or leave this replica out of --replicas)";
  }
  if (s.sql_delay > 0) {
    return fmt::format(
        "it is delayed by {} s (MASTER_DELAY): a delayed replica is kept behind on purpose; leave "
        "it out of --replicas",
        s.sql_delay);
  }
  return "";
}

class Run {
 public:
  Run(mysql::Connection& replica, const mysql::ConnectOptions& options,
      const FailoverRequest& request)
      : first_conn_(replica), options_(options), request_(request) {}

  Result<FailoverReport> Go() {
    const auto start = Clock::now();
    SAFEDDL_RETURN_IF_ERROR(Step("gate", [this](std::string& d) { return Gate(d); }));
    if (request_.dry_run) {
      report_.dry_run = true;
      ReadPositions().IgnoreError();
      SAFEDDL_RETURN_IF_ERROR(Step("choose", [this](std::string& d) { return Choose(d); }));
      return report_;
    }
    Status drained = Step("drain the relay logs", [this](std::string& d) { return Drain(d); });
    if (drained.ok()) drained = Step("choose", [this](std::string& d) { return Choose(d); });
    if (!drained.ok()) {
      Status restarted = StartIoThreads();
      return drained.WithContext(
          restarted.ok() ? "the failover stopped before promoting anyone; replication threads "
                           "are started again"
                         : fmt::format("the failover stopped before promoting anyone, but "
                                       "starting the IO threads again failed ({}): START SLAVE "
                                       "on each replica",
                                       restarted.message()));
    }
    SAFEDDL_RETURN_IF_ERROR(Step("promote " + report_.new_primary, [this](std::string& d) {
                              SAFEDDL_RETURN_IF_ERROR(PromoteToPrimary(*chosen_->conn));
                              d = report_.new_primary + " replicates from nobody and takes writes";
                              return Status::OK();
                            }).WithContext("promoting " + report_.new_primary + " failed"));
    report_.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    const std::string now_primary = report_.new_primary + " is the primary now, but";
    SAFEDDL_RETURN_IF_ERROR(Step("repoint the replicas", [this](std::string& d) {
                              return Repoint(d);
                            }).WithContext(now_primary));
    SAFEDDL_RETURN_IF_ERROR(
        Step("verify", [this](std::string& d) { return Verify(d); }).WithContext(now_primary));
    return report_;
  }

 private:
  Status Step(const std::string& name, const std::function<Status(std::string&)>& body) {
    return RunStep(name, request_.progress, report_.steps, body);
  }

  Status Gate(std::string& detail) {
    Member first;
    first.conn = &first_conn_;
    SAFEDDL_ASSIGN_OR_RETURN(first.address, ServerAddress(first_conn_, options_));
    members_.push_back(std::move(first));
    for (const std::string& text : request_.others) {
      SAFEDDL_ASSIGN_OR_RETURN(Address a, ParseAddress(text));
      bool known = false;
      for (const Member& m : members_) known = known || m.address == a;
      if (known) continue;
      Result<std::unique_ptr<mysql::Connection>> conn = ConnectTo(options_, a);
      if (!conn.ok()) {
        return conn.status().WithContext(
            "nothing was changed (leave that replica out of --replicas to fail over without it)");
      }
      Member m;
      m.address = a;
      m.owned = std::move(*conn);
      m.conn = m.owned.get();
      members_.push_back(std::move(m));
    }
    for (Member& m : members_) {
      SAFEDDL_ASSIGN_OR_RETURN(std::optional<mysql::ReplicationStatus> st,
                               mysql::ReadReplicationStatus(*m.conn));
      if (!st) {
        return FailedPreconditionError(fmt::format(
            "{} is not a replica: failover runs on the replicas of a primary that is gone",
            m.address.Text()));
      }
      m.status = *st;
      SAFEDDL_ASSIGN_OR_RETURN(std::string log_bin, m.conn->QueryText("SELECT @@log_bin"));
      SAFEDDL_ASSIGN_OR_RETURN(std::string updates,
                               m.conn->QueryText("SELECT @@log_slave_updates"));
      m.binlogs = log_bin == "1" && updates == "1";
    }
    for (const Member& m : members_) {
      if (std::string problem = MemberProblem(m, members_[0]); !problem.empty()) {
        return FailedPreconditionError(
            fmt::format("replica {}: {}; nothing was changed", m.address.Text(), problem));
      }
    }
    report_.old_primary =
        fmt::format("{}:{}", members_[0].status.source_host, members_[0].status.source_port);
    SAFEDDL_RETURN_IF_ERROR(ProbeOldPrimary());
    if (!request_.to.empty()) {
      SAFEDDL_ASSIGN_OR_RETURN(Address to, ParseAddress(request_.to));
      for (Member& m : members_) {
        if (m.address == to) chosen_ = &m;
      }
      if (chosen_ == nullptr) {
        return InvalidArgumentError(fmt::format(
            "--to {}: not one of the replicas given (the one connected to and --replicas)",
            request_.to));
      }
    }
    detail = fmt::format("{} replica(s) of {}, which does not answer ({})", members_.size(),
                         report_.old_primary, report_.unreachable);
    return Status::OK();
  }

  // The old primary must be gone: a connection attempt that reaches a server refuses.
  Status ProbeOldPrimary() {
    SAFEDDL_ASSIGN_OR_RETURN(mysql::ConnectOptions o,
                             mysql::ReplicaConnectOptions(options_, report_.old_primary));
    o.connect_timeout = request_.probe_timeout;
    Result<std::unique_ptr<mysql::Connection>> conn = mysql::Connection::Open(o);
    if (conn.ok()) {
      return FailedPreconditionError(fmt::format(
          "the primary {} answers: switch over with `safeddl switchover --to`, which loses "
          "nothing; nothing was changed",
          report_.old_primary));
    }
    if (!mysql::IsServerUnreachable(conn.status())) {
      return FailedPreconditionError(fmt::format(
          "the primary {} answers but refuses this account ({}): a server that answers is not "
          "gone; nothing was changed",
          report_.old_primary, conn.status().message()));
    }
    report_.unreachable = conn.status().message();
    return Status::OK();
  }

  Status ReadPositions() {
    report_.replicas.clear();
    for (Member& m : members_) {
      SAFEDDL_ASSIGN_OR_RETURN(m.slave_pos, m.conn->QueryText("SELECT @@gtid_slave_pos"));
      report_.replicas.push_back({m.address.Text(), m.slave_pos});
    }
    return Status::OK();
  }

  Status Drain(std::string& detail) {
    for (Member& m : members_) SAFEDDL_RETURN_IF_ERROR(m.conn->Execute("STOP SLAVE IO_THREAD"));
    const auto deadline = Clock::now() + request_.catch_up;
    for (Member& m : members_) {
      for (;;) {
        SAFEDDL_ASSIGN_OR_RETURN(std::optional<mysql::ReplicationStatus> st,
                                 mysql::ReadReplicationStatus(*m.conn));
        SAFEDDL_ASSIGN_OR_RETURN(std::string applied, m.conn->QueryText("SELECT @@gtid_slave_pos"));
        if (!st) return FailedPreconditionError(m.address.Text() + " stopped being a replica");
        if (!st->sql_error.empty()) {
          return FailedPreconditionError(fmt::format(
              "replica {}: its SQL thread stopped on an error while applying its relay log: {}",
              m.address.Text(), st->sql_error));
        }
        if (binlog::GtidPositionCovers(applied, st->gtid_io_pos)) break;
        if (Clock::now() >= deadline) {
          return TimeoutError(
              fmt::format("replica {} did not apply its relay log within {} s (applied {}, "
                          "received {})",
                          m.address.Text(), request_.catch_up.count(), applied, st->gtid_io_pos));
        }
        std::this_thread::sleep_for(kPoll);
      }
    }
    SAFEDDL_RETURN_IF_ERROR(ReadPositions());
    detail = "every replica applied what it had received";
    return Status::OK();
  }

  std::string Positions() const {
    std::vector<std::string> out;
    for (const Member& m : members_) {
      out.push_back(fmt::format("{} at {}", m.address.Text(), Shown(m.slave_pos)));
    }
    return JoinStrings(out, "; ");
  }

  bool CoversAll(const Member& m) const {
    for (const Member& o : members_) {
      if (!binlog::GtidPositionCovers(m.slave_pos, o.slave_pos)) return false;
    }
    return true;
  }

  Status Choose(std::string& detail) {
    const bool others = members_.size() > 1;
    if (chosen_ != nullptr) {
      if (!CoversAll(*chosen_)) {
        return FailedPreconditionError(fmt::format(
            "--to {}: another replica has transactions it lacks, which promoting it would lose "
            "({})",
            chosen_->address.Text(), Positions()));
      }
    } else {
      for (Member& m : members_) {
        if (chosen_ == nullptr && CoversAll(m) && (m.binlogs || !others)) chosen_ = &m;
      }
      if (chosen_ == nullptr) {
        bool any_covers = false;
        for (const Member& m : members_) any_covers = any_covers || CoversAll(m);
        return FailedPreconditionError(
            any_covers ? fmt::format("the most advanced replica does not binlog what it applies "
                                     "(log_bin, log_slave_updates), so the others cannot continue "
                                     "from it ({})",
                                     Positions())
                       : fmt::format("the replicas diverge: none holds every transaction the "
                                     "others hold ({})",
                                     Positions()));
      }
    }
    if (others && !chosen_->binlogs) {
      return FailedPreconditionError(fmt::format(
          "{} must binlog what it applies (log_bin, log_slave_updates ON) for the other "
          "replicas to continue from it",
          chosen_->address.Text()));
    }
    report_.new_primary = chosen_->address.Text();
    report_.why = others ? fmt::format("its position {} covers every other replica's",
                                       Shown(chosen_->slave_pos))
                         : "the only replica";
    detail = fmt::format("{}: {}", report_.new_primary, report_.why);
    return Status::OK();
  }

  Status StartIoThreads() {
    Status first_error;
    for (Member& m : members_) {
      Status s = m.conn->Execute("START SLAVE IO_THREAD");
      if (!s.ok() && first_error.ok()) first_error = s;
    }
    return first_error;
  }

  Status Repoint(std::string& detail) {
    for (Member& m : members_) {
      if (&m == chosen_) continue;
      SAFEDDL_RETURN_IF_ERROR(ReplicateFrom(*m.conn, chosen_->address, ContinueFrom::kSlavePos));
      report_.repointed.push_back(m.address.Text());
    }
    detail = report_.repointed.empty()
                 ? std::string("no other replica")
                 : fmt::format("{} replicate(s) from {}", JoinStrings(report_.repointed, ", "),
                               report_.new_primary);
    return Status::OK();
  }

  Status Verify(std::string& detail) {
    SAFEDDL_ASSIGN_OR_RETURN(report_.new_primary_pos,
                             chosen_->conn->QueryText("SELECT @@gtid_binlog_pos"));
    for (Member& m : members_) {
      if (&m == chosen_) continue;
      SAFEDDL_RETURN_IF_ERROR(
          WaitUntilReplicated(*m.conn, m.address.Text(), report_.new_primary_pos, kVerifyLimit)
              .WithContext("verifying replication from the new primary"));
    }
    detail = fmt::format("{} replica(s) applied {}", report_.repointed.size(),
                         Shown(report_.new_primary_pos));
    return Status::OK();
  }

  mysql::Connection& first_conn_;
  const mysql::ConnectOptions& options_;
  const FailoverRequest& request_;
  FailoverReport report_;
  std::vector<Member> members_;
  Member* chosen_ = nullptr;
};

}  // namespace

Result<FailoverReport> Failover(mysql::Connection& replica, const mysql::ConnectOptions& options,
                                const FailoverRequest& request) {
  return Run(replica, options, request).Go();
}

}  // namespace safeddl::topology
