#include "topology/rolling_change.h"

#include <fmt/format.h>

#include <optional>

#include "common/strings.h"
#include "mysql/quote.h"
#include "mysql/replication.h"
#include "schema/introspect.h"
#include "topology/promotion.h"
#include "topology/replica.h"
#include "topology/rollout_store.h"

namespace safeddl::topology {
namespace {

using Clock = std::chrono::steady_clock;
constexpr char kCheckTable[] = "_safeddl_rollout_check";

struct Member {
  std::string address;
  std::unique_ptr<mysql::Connection> conn;
};

class Rollout {
 public:
  Rollout(mysql::Connection& primary, const mysql::ConnectOptions& options,
          const RollingChangeRequest& request)
      : here_(primary), options_(options), request_(request) {}

  Result<RollingChangeReport> Go() {
    SAFEDDL_ASSIGN_OR_RETURN(q_table_, mysql::QuoteQualified(request_.database, request_.table));
    SwitchoverRequest gate = request_.switchover;
    gate.dry_run = true;
    SAFEDDL_ASSIGN_OR_RETURN(SwitchoverReport checked, Switchover(here_, options_, gate));
    here_address_ = checked.old_primary;
    SAFEDDL_RETURN_IF_ERROR(ConnectServers());
    SAFEDDL_RETURN_IF_ERROR(StartOrResume());
    if (request_.switchover.dry_run) {
      report_.dry_run = true;
      report_.switchover = checked;
      return report_;
    }
    for (Member& r : servers_) {
      SAFEDDL_ASSIGN_OR_RETURN(bool already, Changed(r.address, *r.conn));
      if (already) continue;
      SAFEDDL_RETURN_IF_ERROR(Change(r.address, *r.conn).WithContext(Stopped(r.address)));
      SAFEDDL_ASSIGN_OR_RETURN(std::string pos, WriterPosition());
      SAFEDDL_RETURN_IF_ERROR(Replicating(r.address, *r.conn, pos).WithContext(Stopped(r.address)));
    }
    const auto start = Clock::now();
    SAFEDDL_ASSIGN_OR_RETURN(report_.switchover, Switchover(here_, options_, request_.switchover));
    Record(here_address_, "switchover to " + report_.switchover.new_primary, start);
    SAFEDDL_ASSIGN_OR_RETURN(bool done, Changed(here_address_, here_));
    if (!done) {
      SAFEDDL_RETURN_IF_ERROR(Change(here_address_, here_).WithContext(Stopped(here_address_)));
      SAFEDDL_ASSIGN_OR_RETURN(std::string pos, WriterPosition());
      SAFEDDL_RETURN_IF_ERROR(
          Replicating(here_address_, here_, pos).WithContext(Stopped(here_address_)));
    }
    SAFEDDL_ASSIGN_OR_RETURN(report_.definition, schema::TableDefinition(here_, q_table_));
    SAFEDDL_RETURN_IF_ERROR(DefinedAlikeEverywhere("after the rollout "));
    SAFEDDL_RETURN_IF_ERROR(FinishRollout(here_, record_.id));
    return report_;
  }

 private:
  std::string Stopped(const std::string& server) const {
    return fmt::format(
        "the rollout stopped at {}; the new definition is on: {}. Run the same command again to "
        "go on from here",
        server,
        report_.changed.empty() ? std::string("no server") : JoinStrings(report_.changed, ", "));
  }

  void Record(const std::string& server, const std::string& what, Clock::time_point start) {
    report_.steps.push_back(
        {server, what, std::chrono::duration<double>(Clock::now() - start).count()});
    if (request_.switchover.progress) request_.switchover.progress(server + ": " + what);
  }

  // Every server but this one: the replicas this server lists, the candidate, and the replicas
  // the candidate lists (a rollout stopped after its switchover has moved them there).
  Status ConnectServers() {
    SAFEDDL_ASSIGN_OR_RETURN(std::vector<std::string> addresses,
                             mysql::ListReplicaAddresses(here_));
    addresses.push_back(request_.switchover.to);
    const size_t candidate = addresses.size() - 1;
    for (size_t i = 0; i < addresses.size(); ++i) {
      SAFEDDL_ASSIGN_OR_RETURN(Address a, ParseAddress(addresses[i]));
      if (a.Text() == here_address_) continue;
      bool known = false;
      for (const Member& m : servers_) known = known || m.address == a.Text();
      if (known) continue;
      SAFEDDL_ASSIGN_OR_RETURN(std::unique_ptr<mysql::Connection> conn, ConnectTo(options_, a));
      if (i == candidate) {
        SAFEDDL_ASSIGN_OR_RETURN(std::vector<std::string> more, mysql::ListReplicaAddresses(*conn));
        addresses.insert(addresses.end(), more.begin(), more.end());
      }
      servers_.push_back({a.Text(), std::move(conn)});
    }
    return Status::OK();
  }

  // A new rollout records the definitions before and after (checked alike everywhere first); a
  // stopped one of the same change is taken up again, every server holding one of its two.
  Status StartOrResume() {
    const RolloutKey key{request_.database, request_.table, request_.alter, request_.switchover.to};
    SAFEDDL_ASSIGN_OR_RETURN(std::optional<RolloutRecord> open, OpenRollout(here_, key));
    SAFEDDL_ASSIGN_OR_RETURN(report_.definition, schema::TableDefinition(here_, q_table_));
    if (open) {
      record_ = *open;
      for (Member& r : servers_) SAFEDDL_RETURN_IF_ERROR(BeforeOrAfter(r.address, *r.conn));
      SAFEDDL_RETURN_IF_ERROR(BeforeOrAfter(here_address_, here_));
      Record(here_address_, "resuming the rollout started at " + record_.started_at + " UTC",
             Clock::now());
      return Status::OK();
    }
    SAFEDDL_ASSIGN_OR_RETURN(std::optional<mysql::ReplicationStatus> own,
                             mysql::ReadReplicationStatus(here_));
    if (own) {
      return FailedPreconditionError(fmt::format(
          "this server replicates from {}:{} and has no stopped rollout of this change: run "
          "alter --via-replicas against the primary",
          own->source_host, own->source_port));
    }
    SAFEDDL_RETURN_IF_ERROR(DefinedAlikeEverywhere(""));
    if (request_.switchover.dry_run) return Status::OK();
    SAFEDDL_ASSIGN_OR_RETURN(std::string after, AlteredDefinition());
    SAFEDDL_ASSIGN_OR_RETURN(record_, StartRollout(here_, key, report_.definition, after));
    return Status::OK();
  }

  // The definition the ALTER gives, from a temporary copy of the table here (never binlogged);
  // "" when a temporary table cannot take it (then the first server changed tells).
  Result<std::string> AlteredDefinition() {
    SAFEDDL_ASSIGN_OR_RETURN(std::string q_check,
                             mysql::QuoteQualified(request_.database, kCheckTable));
    SAFEDDL_RETURN_IF_ERROR(here_.Execute("SET SESSION sql_log_bin = 0"));
    SAFEDDL_RETURN_IF_ERROR(
        here_.Execute(fmt::format("CREATE TEMPORARY TABLE {} LIKE {}", q_check, q_table_)));
    Status altered = here_.Execute(fmt::format("ALTER TABLE {} {}", q_check, request_.alter));
    Result<std::string> definition =
        altered.ok() ? schema::TableDefinition(here_, q_check) : Result<std::string>(altered);
    SAFEDDL_RETURN_IF_ERROR(here_.Execute("DROP TEMPORARY TABLE " + q_check));
    if (!definition.ok()) return std::string();
    const std::string temporary = "CREATE TEMPORARY TABLE " + *mysql::QuoteIdentifier(kCheckTable);
    if (definition->rfind(temporary, 0) != 0) return std::string();
    return "CREATE TABLE " + *mysql::QuoteIdentifier(request_.table) +
           definition->substr(temporary.size());
  }

  Status BeforeOrAfter(const std::string& server, mysql::Connection& conn) {
    SAFEDDL_ASSIGN_OR_RETURN(std::string theirs, schema::TableDefinition(conn, q_table_));
    if (theirs == record_.definition_before || theirs == record_.definition_after) {
      return Status::OK();
    }
    return FailedPreconditionError(fmt::format(
        "{} on {} is defined neither as before the stopped rollout (started {} UTC) nor as "
        "after it: it was changed otherwise. Nothing was changed now:\n{}",
        q_table_, server, record_.started_at, theirs));
  }

  // Whether `server` has the new definition already (recorded as changed).
  Result<bool> Changed(const std::string& server, mysql::Connection& conn) {
    if (record_.definition_after.empty()) return false;
    SAFEDDL_ASSIGN_OR_RETURN(std::string theirs, schema::TableDefinition(conn, q_table_));
    if (theirs != record_.definition_after) return false;
    report_.changed.push_back(server);
    Record(server, "has the new definition already", Clock::now());
    return true;
  }

  // The binlog position of the server taking writes: the candidate once promoted, else here.
  Result<std::string> WriterPosition() {
    for (Member& m : servers_) {
      if (m.address != request_.switchover.to) continue;
      SAFEDDL_ASSIGN_OR_RETURN(std::optional<mysql::ReplicationStatus> st,
                               mysql::ReadReplicationStatus(*m.conn));
      if (!st) return m.conn->QueryText("SELECT @@gtid_binlog_pos");
    }
    return here_.QueryText("SELECT @@gtid_binlog_pos");
  }

  // Every other server defines the table as this one does (report_.definition); `when` prefixes
  // the error.
  Status DefinedAlikeEverywhere(std::string_view when) {
    for (Member& r : servers_) {
      Result<std::string> theirs = schema::TableDefinition(*r.conn, q_table_);
      if (!theirs.ok() || *theirs != report_.definition) {
        return FailedPreconditionError(
            fmt::format("{}{} is defined differently on {} than on {}{}", when, q_table_, r.address,
                        here_address_,
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
    if (record_.definition_after.empty()) {
      SAFEDDL_ASSIGN_OR_RETURN(record_.definition_after, schema::TableDefinition(conn, q_table_));
      SAFEDDL_RETURN_IF_ERROR(SetRolloutAfter(here_, record_.id, record_.definition_after));
    }
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

  mysql::Connection& here_;  // the primary at the start
  const mysql::ConnectOptions& options_;
  const RollingChangeRequest& request_;
  RollingChangeReport report_;
  std::string q_table_;
  std::string here_address_;
  std::vector<Member> servers_;  // every other server
  RolloutRecord record_;
};

}  // namespace

Result<RollingChangeReport> RollingChange(mysql::Connection& primary,
                                          const mysql::ConnectOptions& options,
                                          const RollingChangeRequest& request) {
  return Rollout(primary, options, request).Go();
}

}  // namespace safeddl::topology
