// `safeddl fence`: keeps application accounts out of one server for a maintenance window, and
// puts back exactly what it changed afterwards.
//
// On: every account that can log in is locked (ALTER USER ... ACCOUNT LOCK) except the ones
// allowed, safeddl's own (CURRENT_USER()), accounts with an administrative privilege and
// accounts already locked (left as they are); after a grace period the locked accounts'
// sessions are ended. With read_only, the server also refuses writes from everyone without
// READ_ONLY ADMIN. What the fence changed is recorded first (fence_store.h) and, with an expiry,
// an event lifts it on the server's own clock (fence_expiry.h). Every statement runs with
// sql_log_bin=0: a fence belongs to one server and never reaches its replicas.
//
// Needs an account with CREATE USER, CONNECTION ADMIN (KILL), READ_ONLY ADMIN, BINLOG ADMIN
// (sql_log_bin), EVENT and write access to `_safeddl_fence` (SUPER or ALL covers them). Not
// thread-safe; one fence per server at a time.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "mysql/connection.h"
#include "topology/accounts.h"
#include "topology/fence_store.h"

namespace safeddl::topology {

struct FenceRequest {
  std::vector<AccountPattern> allow;  // kept open; each must name an existing account
  bool lock_accounts = true;
  bool read_only = false;
  std::optional<std::chrono::seconds> expire;
  std::chrono::seconds grace{10};  // before the locked accounts' sessions are ended
  bool dry_run = false;            // say what it would do; change nothing
  // Waits `grace` (a seam for tests and the CLI's progress line); default sleeps.
  std::function<void(std::chrono::seconds)> wait_grace;
};

struct KeptOpen {
  Account account;
  std::string reason;  // "allowed", "safeddl's own", "SUPER", "already locked", ...
};

struct EndedSession {
  uint64_t id = 0;
  std::string user;
  std::string host;
  std::string command;  // processlist COMMAND ("Sleep", "Query", ...)
};

struct FenceOnReport {
  FenceRecord fence;  // as recorded (id 0 in a dry run)
  std::vector<Account> locked;
  std::vector<KeptOpen> kept_open;
  std::vector<EndedSession> ended;
  std::string read_only_now;  // the server's read_only after
  bool dry_run = false;
};

// Puts a fence on. Refuses (AlreadyExists) when one is on already. On any failure after the
// first change, everything changed so far is put back before the error is returned.
Result<FenceOnReport> FenceOn(mysql::Connection& conn, const FenceRequest& request);

struct FenceStatus {
  std::optional<FenceRecord> fence;   // the newest fence; nullopt: never one on this server
  bool on = false;                    // not lifted
  bool pending_restore = false;       // lifted by its expiry, a setting still to put back
  std::vector<Account> still_locked;  // of the fence's accounts, the ones locked now
  bool event_present = false;
  std::string read_only_now;
  std::string event_scheduler_now;
  std::vector<EndedSession> sessions;  // sessions of the fence's accounts connected now
};

Result<FenceStatus> GetFenceStatus(mysql::Connection& conn);

struct FenceOffReport {
  std::optional<FenceRecord> fence;  // nullopt: there was no fence to lift
  std::vector<Account> unlocked;
  bool read_only_restored = false;
  bool event_scheduler_restored = false;
  bool lifted_by_expiry = false;  // it had already lifted itself; only settings were left
};

// Lifts the open fence: drops its event, unlocks the accounts it locked, puts read_only and the
// event scheduler back as they were. With no open fence, reports that (not an error).
// `keep_read_only`: read_only stays ON whatever it was before (a primary that became a replica).
Result<FenceOffReport> FenceOff(mysql::Connection& conn, bool keep_read_only = false);

}  // namespace safeddl::topology
