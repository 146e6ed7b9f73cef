// Where a fence keeps what it changed, so `fence off` (or its expiry event) puts back exactly
// that: schema `_safeddl_fence` on the fenced server, one row per fence in `fence` and one per
// account it locked in `account`. Every write here is kept out of the binlog (the caller's
// session has sql_log_bin=0): a fence belongs to one server and must not reach its replicas.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "mysql/connection.h"
#include "topology/accounts.h"

namespace safeddl::topology {

inline constexpr char kFenceSchema[] = "_safeddl_fence";

struct FenceRecord {
  uint64_t id = 0;
  std::string created_at;  // UTC, "YYYY-MM-DD HH:MM:SS"
  std::string created_by;  // CURRENT_USER() of the session that put it on
  std::string expires_at;  // "" when it does not expire
  bool lock_accounts = false;
  std::optional<std::string> read_only_before;        // set when the fence set read_only
  std::optional<std::string> event_scheduler_before;  // set when the fence turned it on
  std::string event;                                  // expiry event's name, "" without
  std::string lifted_at;                              // "" while on
  std::string lifted_by;                              // "fence off" or "expiry"
  std::string restored_at;        // "" until everything the fence changed is back
  std::vector<Account> accounts;  // the accounts it locked (user, host only)
};

// Creates the schema and tables when missing.
Status EnsureFenceStore(mysql::Connection& conn);

// A new fence's row (what is known before anything changes); returns its id.
Result<uint64_t> InsertFence(mysql::Connection& conn, const FenceRecord& fence);
// Records that `fence_id` locked `account` (before it is locked, so it is never forgotten).
Status InsertFencedAccount(mysql::Connection& conn, uint64_t fence_id, const Account& account);
Status SetFenceEvent(mysql::Connection& conn, uint64_t fence_id, const std::string& event);
Status SetReadOnlyBefore(mysql::Connection& conn, uint64_t fence_id, const std::string& value);
// lifted_at (if still empty) and restored_at = now.
Status MarkFenceRestored(mysql::Connection& conn, uint64_t fence_id, const std::string& by);

// The newest fence not yet restored, or nullopt.
Result<std::optional<FenceRecord>> OpenFence(mysql::Connection& conn);
// The newest fence of all (for status), or nullopt when there never was one.
Result<std::optional<FenceRecord>> LatestFence(mysql::Connection& conn);

// The quoted `_safeddl_fence`.`fence` for statements built elsewhere (the expiry event).
std::string FenceTable();

}  // namespace safeddl::topology
