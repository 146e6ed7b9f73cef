// Policy: what to do about one pileup — wait, kill the root blocker, kill the DDL, or nothing is
// safe — with the reasons and what each kill costs, in words the report prints as they are.
//
// The rules (configurable through PolicyConfig, documented in docs/unblock.md):
//   * A running DDL that is far along (>= wait_min_percent) and will end within max_wait: wait.
//     Otherwise kill it (KILL QUERY): an ALTER rolls back and must be rerun; the table keeps its
//     old definition.
//   * A DDL waiting behind holders: kill the holders (KILL CONNECTION: their uncommitted work is
//     rolled back) when every one of them may be killed; else kill the waiting DDL, which has not
//     started and loses nothing but must be rerun.
//   * Never killed: replication, system and this process's own threads (not even with force);
//     weak suspects (a guess); LOCK TABLES holders and holders whose rollback exceeds
//     max_rollback_rows, unless force.
// Pure functions over plain values, thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "locks/progress.h"
#include "locks/snapshot.h"
#include "locks/wait_graph.h"

namespace safeddl::locks {

inline constexpr double kDefaultWaitMinPercent = 90.0;
inline constexpr double kDefaultMaxWaitSeconds = 60.0;
inline constexpr int64_t kDefaultMaxRollbackRows = 100000;
inline constexpr size_t kDefaultMaxKills = 3;

struct PolicyConfig {
  double wait_min_percent = kDefaultWaitMinPercent;  // a DDL this far along may be waited for
  double max_wait_seconds = kDefaultMaxWaitSeconds;  // ... when its ETA is under this
  int64_t max_rollback_rows = kDefaultMaxRollbackRows;
  size_t max_kills = kDefaultMaxKills;  // more root blockers than this: kill the DDL instead
  bool force = false;                   // allow LOCK TABLES holders and large rollbacks
};

// The advice line a nothing-safe decision carries about replicas; `unblock` replaces it with what
// it finds on each replica (locks/replica_health.h).
inline constexpr char kReplicaHealthAdvice[] =
    "check replica health as a failover candidate: safeddl check on each replica (running, lag, "
    "not running the same DDL)";
// The other fallback when nothing is safe to kill: stopping writes by hand.
inline constexpr char kReadOnlyAdvice[] =
    "stop writes explicitly if the pileup must end now: SET GLOBAL read_only = ON (run it "
    "yourself; safeddl never does)";

enum class ActionKind { kNone, kWait, kKillBlocker, kKillDdl, kNothingSafe };
// "none", "wait", "kill_blocker", "kill_ddl", "nothing_safe".
std::string_view ActionKindName(ActionKind kind);

enum class KillScope { kConnection, kQuery };  // KILL CONNECTION id / KILL QUERY id

struct KillTarget {
  uint64_t session_id = 0;
  KillScope scope = KillScope::kConnection;
  std::string role;  // "blocker" or "ddl"
  std::string user;
  std::string host;
  std::string statement;    // what it runs, empty when idle
  double time_seconds = 0;  // in its current command, as seen (a re-check compares it)
  std::string trx_id;       // its transaction when it has one (a re-check compares it)
  std::string cost;         // what the kill loses

  // "KILL CONNECTION 42" / "KILL QUERY 42".
  std::string Sql() const;
};

struct Decision {
  TableName table;
  ActionKind action = ActionKind::kNone;
  std::vector<KillTarget> kills;     // empty unless action is a kill
  std::vector<std::string> reasons;  // why this action
  std::vector<std::string> spared;   // holders not killed, each with why
  std::vector<std::string> advice;   // fallbacks for the user when nothing is safe
  std::optional<ProgressEstimate> ddl_progress;
};

// Decides for `pileup` (from BuildWaitGraph over `snapshot`). `ddl_table_size` improves the
// progress note when the server reports none.
Decision Decide(const LockSnapshot& snapshot, const Pileup& pileup, const PolicyConfig& config,
                const std::optional<TableSize>& ddl_table_size = std::nullopt);

}  // namespace safeddl::locks
