#include "topology/fence.h"

#include <fmt/format.h>
#include <mysqld_error.h>

#include <algorithm>
#include <thread>

#include "common/strings.h"
#include "mysql/quote.h"
#include "topology/fence_expiry.h"

namespace safeddl::topology {
namespace {

// A fence's statements stay on this server, and a read_only switch waits a bounded time for
// explicit table locks.
Status PrepareFenceSession(mysql::Connection& conn) {
  Status s = conn.Execute("SET SESSION sql_log_bin = 0");
  if (!s.ok()) {
    return s.WithContext(
        "a fence keeps its changes out of the binlog (they are this server's only) and needs "
        "BINLOG ADMIN or SUPER for that");
  }
  return conn.Execute("SET SESSION lock_wait_timeout = 10");
}

Result<std::string> GlobalVariable(mysql::Connection& conn, std::string_view name) {
  SAFEDDL_ASSIGN_OR_RETURN(std::optional<std::string> v,
                           conn.QueryValue(fmt::format("SELECT @@GLOBAL.{}", name)));
  return v.value_or("");
}

bool IsOn(const std::string& v) { return v == "1" || v == "ON"; }

// CURRENT_USER() as an account: "user@host", split at the last '@'.
Result<Account> OwnAccount(mysql::Connection& conn) {
  SAFEDDL_ASSIGN_OR_RETURN(std::optional<std::string> me, conn.QueryValue("SELECT CURRENT_USER()"));
  const std::string text = me.value_or("");
  const size_t at = text.rfind('@');
  Account a;
  a.user = text.substr(0, at);
  if (at != std::string::npos) a.host = text.substr(at + 1);
  return a;
}

bool Contains(const std::vector<Account>& list, const Account& a) {
  return std::find(list.begin(), list.end(), a) != list.end();
}

struct Split {
  std::vector<Account> to_lock;
  std::vector<KeptOpen> kept_open;
};

Result<Split> SplitAccounts(const std::vector<Account>& accounts, const Account& own,
                            const FenceRequest& request) {
  for (const AccountPattern& p : request.allow) {
    if (std::none_of(accounts.begin(), accounts.end(),
                     [&](const Account& a) { return !a.is_role && Matches(p, a); })) {
      return InvalidArgumentError(fmt::format(
          "--allow {}: no such account on this server (see SELECT User, Host FROM mysql.user)",
          PatternText(p)));
    }
  }
  Split split;
  for (const Account& a : accounts) {
    if (a.is_role) continue;
    std::string reason;
    if (a == own) {
      reason = "safeddl's own";
    } else if (std::any_of(request.allow.begin(), request.allow.end(),
                           [&](const AccountPattern& p) { return Matches(p, a); })) {
      reason = "allowed";
    } else if (std::string admin = AdministrativePrivilege(a); !admin.empty()) {
      reason = admin;
    } else if (a.locked) {
      reason = "already locked";
    }
    if (!reason.empty()) {
      split.kept_open.push_back({a, reason});
    } else if (request.lock_accounts) {
      split.to_lock.push_back(a);
    }
  }
  return split;
}

std::string EventRef(const FenceRecord& f) {
  return *mysql::QuoteIdentifier(kFenceSchema) + "." + *mysql::QuoteIdentifier(f.event);
}

// Sessions whose account (SessionAccount) is one of `fenced`.
Result<std::vector<EndedSession>> SessionsOf(mysql::Connection& conn,
                                             const std::vector<Account>& all,
                                             const std::vector<Account>& fenced) {
  SAFEDDL_ASSIGN_OR_RETURN(
      mysql::ResultSet rows,
      conn.Query("SELECT ID, USER, HOST, COMMAND FROM "
                 "information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID()"));
  std::vector<EndedSession> sessions;
  for (const mysql::Row& r : rows.rows()) {
    EndedSession s;
    s.id = ParseUint64(r[0].value_or("0")).value_or(0);
    s.user = r[1].value_or("");
    s.host = r[2].value_or("");
    s.command = r[3].value_or("");
    const Account* account = SessionAccount(all, s.user, s.host);
    if (account && Contains(fenced, *account)) sessions.push_back(std::move(s));
  }
  return sessions;
}

// Puts back what fence `f` changed; what the expiry event already did is not done again.
Result<FenceOffReport> Lift(mysql::Connection& conn, const FenceRecord& f, const std::string& by) {
  FenceOffReport report;
  report.fence = f;
  report.lifted_by_expiry = !f.lifted_at.empty();
  if (!f.event.empty()) {
    SAFEDDL_RETURN_IF_ERROR(conn.Execute("DROP EVENT IF EXISTS " + EventRef(f)));
  }
  if (!report.lifted_by_expiry) {
    for (const Account& a : f.accounts) {
      SAFEDDL_RETURN_IF_ERROR(conn.Execute(
          fmt::format("ALTER USER IF EXISTS {} ACCOUNT UNLOCK", AccountSql(a.user, a.host))));
      report.unlocked.push_back(a);
    }
    if (f.read_only_before) {
      SAFEDDL_RETURN_IF_ERROR(conn.Execute(
          fmt::format("SET GLOBAL read_only = {}", IsOn(*f.read_only_before) ? 1 : 0)));
      report.read_only_restored = true;
    }
  }
  if (f.event_scheduler_before) {
    SAFEDDL_RETURN_IF_ERROR(conn.Execute(fmt::format(
        "SET GLOBAL event_scheduler = {}", IsOn(*f.event_scheduler_before) ? "ON" : "OFF")));
    report.event_scheduler_restored = true;
  }
  SAFEDDL_RETURN_IF_ERROR(MarkFenceRestored(conn, f.id, by));
  return report;
}

void DefaultWait(std::chrono::seconds d) { std::this_thread::sleep_for(d); }

// Steps 2..n of FenceOn, after the fence's row exists: on failure the caller lifts it.
Status Apply(mysql::Connection& conn, FenceRecord& fence, const FenceRequest& request,
             const std::string& scheduler_before, bool set_read_only) {
  for (const Account& a : fence.accounts) {
    SAFEDDL_RETURN_IF_ERROR(InsertFencedAccount(conn, fence.id, a));
  }
  if (set_read_only) SAFEDDL_RETURN_IF_ERROR(SetReadOnlyBefore(conn, fence.id, "OFF"));
  if (request.expire) {
    if (!scheduler_before.empty()) {
      SAFEDDL_RETURN_IF_ERROR(conn.Execute("SET GLOBAL event_scheduler = ON"));
    }
    fence.event = ExpiryEventName(fence.id);
    SAFEDDL_RETURN_IF_ERROR(conn.Execute(ExpiryEventStatement(fence, *request.expire)));
    SAFEDDL_RETURN_IF_ERROR(SetFenceEvent(conn, fence.id, fence.event));
  }
  for (const Account& a : fence.accounts) {
    SAFEDDL_RETURN_IF_ERROR(
        conn.Execute(fmt::format("ALTER USER {} ACCOUNT LOCK", AccountSql(a.user, a.host)))
            .WithContext(fmt::format("locking {}", AccountText(a))));
  }
  if (set_read_only) {
    SAFEDDL_RETURN_IF_ERROR(conn.Execute("SET GLOBAL read_only = 1")
                                .WithContext("setting read_only (waits for LOCK TABLES)"));
  }
  return Status::OK();
}

}  // namespace

Result<FenceOnReport> FenceOn(mysql::Connection& conn, const FenceRequest& request) {
  SAFEDDL_RETURN_IF_ERROR(PrepareFenceSession(conn));
  SAFEDDL_ASSIGN_OR_RETURN(std::optional<FenceRecord> open, OpenFence(conn));
  if (open) {
    return AlreadyExistsError(fmt::format(
        "a fence is already on this server (fence {}, since {} UTC{}): `safeddl fence status` "
        "shows it, `safeddl fence off` lifts it",
        open->id, open->created_at,
        open->lifted_at.empty() ? "" : ", lifted by its expiry but not yet put back"));
  }
  SAFEDDL_ASSIGN_OR_RETURN(std::vector<Account> accounts, ListAccounts(conn));
  SAFEDDL_ASSIGN_OR_RETURN(Account own, OwnAccount(conn));
  SAFEDDL_ASSIGN_OR_RETURN(Split split, SplitAccounts(accounts, own, request));
  SAFEDDL_ASSIGN_OR_RETURN(std::string read_only, GlobalVariable(conn, "read_only"));
  const bool set_read_only = request.read_only && !IsOn(read_only);
  std::string scheduler_before;
  if (request.expire) {
    SAFEDDL_ASSIGN_OR_RETURN(scheduler_before, SchedulerForExpiry(conn));
  }

  FenceOnReport report;
  report.dry_run = request.dry_run;
  report.kept_open = split.kept_open;
  report.locked = split.to_lock;
  FenceRecord& fence = report.fence;
  fence.lock_accounts = request.lock_accounts;
  fence.accounts = split.to_lock;
  if (set_read_only) fence.read_only_before = "OFF";
  if (!scheduler_before.empty()) fence.event_scheduler_before = scheduler_before;
  if (request.expire) {
    SAFEDDL_ASSIGN_OR_RETURN(
        std::optional<std::string> at,
        conn.QueryValue(
            fmt::format("SELECT UTC_TIMESTAMP() + INTERVAL {} SECOND", request.expire->count())));
    fence.expires_at = at.value_or("");
  }
  if (request.dry_run) {
    report.read_only_now = read_only;
    return report;
  }

  SAFEDDL_RETURN_IF_ERROR(EnsureFenceStore(conn));
  SAFEDDL_ASSIGN_OR_RETURN(fence.id, InsertFence(conn, fence));
  if (Status applied = Apply(conn, fence, request, scheduler_before, set_read_only);
      !applied.ok()) {
    Result<FenceOffReport> undone = Lift(conn, fence, "fence on failed");
    return undone.ok() ? applied
                       : applied.WithContext(fmt::format(
                             "putting the fence back failed too ({}); run `safeddl fence off`",
                             undone.status().message()));
  }

  if (!fence.accounts.empty()) {
    (request.wait_grace ? request.wait_grace : DefaultWait)(request.grace);
    SAFEDDL_ASSIGN_OR_RETURN(std::optional<FenceRecord> still, OpenFence(conn));
    if (still && still->id == fence.id && still->lifted_at.empty()) {
      SAFEDDL_ASSIGN_OR_RETURN(std::vector<EndedSession> sessions,
                               SessionsOf(conn, accounts, fence.accounts));
      for (EndedSession& s : sessions) {
        Status killed = conn.Execute(fmt::format("KILL CONNECTION {}", s.id));
        if (killed.ok()) {
          report.ended.push_back(std::move(s));
        } else if (killed.server_errno() != ER_NO_SUCH_THREAD) {
          return killed.WithContext(
              fmt::format("the fence is on, but ending session {} of {} failed", s.id, s.user));
        }
      }
    }
  }
  SAFEDDL_ASSIGN_OR_RETURN(report.read_only_now, GlobalVariable(conn, "read_only"));
  return report;
}

Result<FenceStatus> GetFenceStatus(mysql::Connection& conn) {
  FenceStatus status;
  SAFEDDL_ASSIGN_OR_RETURN(status.read_only_now, GlobalVariable(conn, "read_only"));
  SAFEDDL_ASSIGN_OR_RETURN(status.event_scheduler_now, GlobalVariable(conn, "event_scheduler"));
  SAFEDDL_ASSIGN_OR_RETURN(status.fence, LatestFence(conn));
  if (!status.fence) return status;
  const FenceRecord& f = *status.fence;
  status.on = f.lifted_at.empty();
  status.pending_restore = !status.on && f.restored_at.empty();
  SAFEDDL_ASSIGN_OR_RETURN(std::vector<Account> accounts, ListAccounts(conn));
  for (const Account& a : accounts) {
    if (a.locked && Contains(f.accounts, a)) status.still_locked.push_back(a);
  }
  if (!f.event.empty()) {
    SAFEDDL_ASSIGN_OR_RETURN(std::optional<std::string> present,
                             conn.QueryValue(fmt::format(
                                 "SELECT 1 FROM information_schema.EVENTS WHERE EVENT_SCHEMA "
                                 "= {} AND EVENT_NAME = {}",
                                 mysql::QuoteString(kFenceSchema), mysql::QuoteString(f.event))));
    status.event_present = present.has_value();
  }
  if (status.on) {
    SAFEDDL_ASSIGN_OR_RETURN(status.sessions, SessionsOf(conn, accounts, f.accounts));
  }
  return status;
}

Result<FenceOffReport> FenceOff(mysql::Connection& conn, bool keep_read_only) {
  SAFEDDL_RETURN_IF_ERROR(PrepareFenceSession(conn));
  SAFEDDL_ASSIGN_OR_RETURN(std::optional<FenceRecord> open, OpenFence(conn));
  if (!open) return FenceOffReport{};
  if (keep_read_only) {
    SAFEDDL_RETURN_IF_ERROR(SetReadOnlyBefore(conn, open->id, "ON"));
    open->read_only_before = "ON";
  }
  return Lift(conn, *open, "fence off");
}

}  // namespace safeddl::topology
