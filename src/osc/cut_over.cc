#include "osc/cut_over.h"

#include <fmt/format.h>

#include <atomic>
#include <thread>

#include "common/clock.h"
#include "common/log.h"
#include "common/strings.h"
#include "mysql/connection.h"
#include "mysql/quote.h"

namespace safeddl::osc {
namespace {

constexpr auto kPollInterval = std::chrono::milliseconds(5);
constexpr auto kProbeInterval = std::chrono::microseconds(500);
constexpr auto kRenameQueueGrace = std::chrono::milliseconds(2);
constexpr char kWaitingForMdl[] = "Waiting for table metadata lock";

Result<std::unique_ptr<mysql::Connection>> OpenWithTimeout(const mysql::ConnectOptions& connect,
                                                           std::chrono::seconds timeout) {
  SAFEDDL_ASSIGN_OR_RETURN(auto conn, mysql::Connection::Open(connect));
  SAFEDDL_RETURN_IF_ERROR(
      conn->Execute(fmt::format("SET SESSION lock_wait_timeout = {}", timeout.count())));
  return conn;
}

// True once `id` shows as waiting for a metadata lock in a RENAME.
Result<bool> RenameIsWaiting(mysql::Connection& conn, uint64_t id) {
  SAFEDDL_ASSIGN_OR_RETURN(
      mysql::ResultSet rs,
      conn.Query(
          fmt::format("SELECT STATE, INFO FROM information_schema.PROCESSLIST WHERE ID = {}", id)));
  if (rs.empty()) return false;
  return rs[0].GetString("STATE") == kWaitingForMdl &&
         AsciiLower(rs[0].GetString("INFO")).rfind("rename table", 0) == 0;
}

// True once the RENAME holds the exclusive lock on the ghost: a probe that may not wait for a
// lock (lock_wait_timeout = 0) then fails to open it.
bool RenameHoldsGhost(mysql::Connection& probe, const MigrationPlan& plan, TimePoint deadline) {
  while (SystemClock::Get().Now() < deadline) {
    Status s = probe.Execute("SELECT 1 FROM " + plan.q_ghost + " LIMIT 0");
    if (s.code() == StatusCode::kLockWaitTimeout) {
      // Its request for the table follows within the same call; give it that instant.
      std::this_thread::sleep_for(kRenameQueueGrace);
      return true;
    }
    std::this_thread::sleep_for(kProbeInterval);
  }
  return false;
}

}  // namespace

std::string DescribeTableLockHolders(const mysql::ConnectOptions& connect) {
  auto conn = mysql::Connection::Open(connect);
  if (!conn.ok()) return "";
  auto rs = (*conn)->Query(
      "SELECT p.ID, p.USER, p.HOST, p.COMMAND, "
      "TIMESTAMPDIFF(SECOND, t.trx_started, NOW()) AS age, t.trx_rows_modified "
      "FROM information_schema.INNODB_TRX t JOIN information_schema.PROCESSLIST p "
      "ON p.ID = t.trx_mysql_thread_id WHERE p.ID <> CONNECTION_ID() "
      "ORDER BY t.trx_started LIMIT 3");
  if (!rs.ok() || rs->empty()) return "";
  std::vector<std::string> parts;
  for (const mysql::Row& r : rs->rows()) {
    parts.push_back(
        fmt::format("connection {} ({}@{}, {} in a transaction for {}s, {} rows modified)",
                    r.GetString("ID"), r.GetString("USER"), r.GetString("HOST"),
                    r.GetString("COMMAND") == "Sleep" ? "idle" : "busy", r.GetString("age"),
                    r.GetString("trx_rows_modified")));
  }
  return "oldest open transactions: " + JoinStrings(parts, "; ");
}

Result<CutOverAttempt> AttemptCutOver(const mysql::ConnectOptions& connect,
                                      const MigrationPlan& plan, std::chrono::seconds lock_timeout,
                                      const CutOverHooks& hooks) {
  CutOverAttempt attempt;
  const auto timeout_ms = std::chrono::duration_cast<std::chrono::milliseconds>(lock_timeout);
  SAFEDDL_ASSIGN_OR_RETURN(auto lock_conn, OpenWithTimeout(connect, lock_timeout));
  SAFEDDL_ASSIGN_OR_RETURN(auto rename_conn, OpenWithTimeout(connect, lock_timeout));
  SAFEDDL_ASSIGN_OR_RETURN(auto probe_conn, mysql::Connection::Open(connect));
  SAFEDDL_RETURN_IF_ERROR(probe_conn->Execute("SET SESSION lock_wait_timeout = 0"));

  // 1. The sentry, then the write lock on the table and the sentry.
  SAFEDDL_RETURN_IF_ERROR(
      lock_conn
          ->Execute(fmt::format("CREATE TABLE {} (id INT NOT NULL) ENGINE=InnoDB "
                                "COMMENT='safeddl cut-over sentry: drop only if no safeddl runs'",
                                plan.q_old))
          .WithContext("creating the cut-over sentry table " + plan.q_old));
  auto drop_sentry = [&] {
    lock_conn->Execute("DROP TABLE IF EXISTS " + plan.q_old).IgnoreError();
  };
  Status locked = lock_conn->Execute(
      fmt::format("LOCK TABLES {} WRITE, {} WRITE", plan.q_original, plan.q_old));
  if (!locked.ok()) {
    drop_sentry();
    if (!locked.IsRetryable()) return locked.WithContext("locking the table for the cut-over");
    attempt.failure = fmt::format("could not lock {} within {}s: {}", plan.q_original,
                                  lock_timeout.count(), DescribeTableLockHolders(connect));
    return attempt;
  }
  const TimePoint locked_at = SystemClock::Get().Now();
  bool ghost_prepared = false;
  auto release_applier = [&] {
    if (ghost_prepared && hooks.undo_prepare_ghost) hooks.undo_prepare_ghost();
    hooks.release_applier();
  };
  auto unlock_and_drop = [&] {
    lock_conn->Execute("UNLOCK TABLES").IgnoreError();
    drop_sentry();
    release_applier();
  };

  // 2. Everything committed before the lock reaches the ghost.
  SAFEDDL_ASSIGN_OR_RETURN(BinlogPosition position, CurrentBinlogPosition(*lock_conn));
  if (!hooks.sync_applier_to(position, timeout_ms)) {
    unlock_and_drop();
    attempt.failure = fmt::format("the applier did not reach {} within {}s", position.ToString(),
                                  lock_timeout.count());
    return attempt;
  }

  attempt.position = position;
  if (hooks.prepare_ghost) {
    ghost_prepared = true;  // a partial preparation is undone too
    if (Status prepared = hooks.prepare_ghost(); !prepared.ok()) {
      unlock_and_drop();
      return prepared.WithContext("preparing the ghost table for the swap");
    }
  }
  if (hooks.before_rename) {
    if (Status recorded = hooks.before_rename(position); !recorded.ok()) {
      unlock_and_drop();
      return recorded.WithContext("recording the swap for a revert");
    }
  }

  // 3. The rename queues behind our lock.
  std::atomic<bool> rename_done{false};
  Status rename_status;
  const uint64_t rename_id = rename_conn->id();
  std::string rename_sql = fmt::format("RENAME TABLE {} TO {}, {} TO {}", plan.q_original,
                                       plan.q_old, plan.q_ghost, plan.q_original);
  if (!plan.q_rename_old_to.empty()) {
    rename_sql += fmt::format(", {} TO {}", plan.q_old, plan.q_rename_old_to);
  }
  std::thread rename([&] {
    rename_status = rename_conn->Execute(rename_sql);
    rename_done.store(true);
  });
  bool waiting = false;
  const TimePoint deadline = SystemClock::Get().Now() + timeout_ms;
  while (!waiting && !rename_done.load() && SystemClock::Get().Now() < deadline) {
    auto w = RenameIsWaiting(*lock_conn, rename_id);
    waiting = w.ok() && *w;
    if (!waiting) std::this_thread::sleep_for(kPollInterval);
  }
  if (!waiting) {
    // Never unlock before the rename is queued: a write could reach the old table after P.
    lock_conn->Execute(fmt::format("KILL QUERY {}", rename_id)).IgnoreError();
    rename.join();
    unlock_and_drop();
    attempt.failure =
        "the RENAME did not queue behind the lock in time: " + rename_status.ToString();
    return attempt;
  }

  // 4. Drop the sentry. The RENAME takes its metadata locks in name order, and the table's own
  // name sorts after `_<t>_del` and `_<t>_gho`: only once it holds the ghost's lock is its request
  // for the table queued, where it goes ahead of every waiting writer. Unlocking earlier would let
  // writers that queued behind our lock reach the old table after P.
  Status dropped = lock_conn->Execute("DROP TABLE " + plan.q_old);
  const bool queued = dropped.ok() && RenameHoldsGhost(*probe_conn, plan, deadline + timeout_ms);
  if (!queued) {
    lock_conn->Execute(fmt::format("KILL QUERY {}", rename_id)).IgnoreError();
    rename.join();
    lock_conn->Execute("UNLOCK TABLES").IgnoreError();
    drop_sentry();
    release_applier();
    if (!dropped.ok()) return dropped.WithContext("dropping the cut-over sentry");
    attempt.failure = "the RENAME did not take the ghost table's lock in time";
    return attempt;
  }
  Status unlocked = lock_conn->Execute("UNLOCK TABLES");
  rename.join();
  attempt.stall_ms = MillisBetween(locked_at, SystemClock::Get().Now());
  if (!unlocked.ok()) {
    if (rename_status.ok()) ghost_prepared = false;  // swapped: its triggers are the table's now
    release_applier();
    return unlocked.WithContext("releasing the cut-over lock");
  }
  if (!rename_status.ok()) {
    release_applier();
    attempt.failure =
        "the RENAME failed, the original table is in place: " + rename_status.ToString();
    return attempt;
  }
  attempt.swapped = true;
  return attempt;
}

}  // namespace safeddl::osc
