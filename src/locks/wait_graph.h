// WaitGraph: who waits on which table, and why — built from one LockSnapshot, no server needed.
//
// MDL queues are fair: a pending EXCLUSIVE request (a DDL upgrading its lock) blocks every later
// SHARED request, so a pileup on a table is a chain
//     holder(s) --blocks--> DDL --blocks--> queued sessions
// and when a DDL runs (ALTER COPY holds the table while it copies), the DDL itself is the root.
// A holder is a session that holds a lock on the table and waits for nothing. Holders are *known*
// when a lock source lists their granted lock; without one (no METADATA_LOCK_INFO plugin, the
// performance_schema instrument off) they are *inferred*:
//   strong — a transaction opened before the oldest wait began (idle in it, or still running a
//            statement on the table): such a session almost certainly holds the lock;
//   weak   — an idle connection without a transaction, idle since before the wait: it may hold
//            LOCK TABLES, or be an unrelated pooled connection. Reported, never acted on.
// Pure functions over plain values, thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "locks/snapshot.h"
#include "locks/statement.h"

namespace safeddl::locks {

enum class Evidence {
  kKnown,           // a lock source lists the granted lock
  kInferredStrong,  // open transaction older than the wait
  kInferredWeak,    // idle since before the wait, no transaction: a guess
  kRunningDdl,      // the DDL itself holds the table while it works
};
std::string_view EvidenceName(Evidence evidence);

struct Holder {
  uint64_t session_id = 0;
  Evidence evidence = Evidence::kKnown;
  std::string lock_mode;     // when known ("SHARED_READ"), else empty
  bool lock_tables = false;  // holds (or, when weak, may hold) LOCK TABLES
  std::string why;           // one line for the report
};

struct Waiter {
  uint64_t session_id = 0;
  double wait_seconds = 0;
  std::string verb;  // "INSERT", "ALTER TABLE", ...
};

struct Pileup {
  TableName table;
  std::optional<uint64_t> ddl_id;  // the DDL at the head of the queue, when there is one
  bool ddl_waiting = false;        // the DDL waits for holders (else it runs and is the root)
  std::vector<Holder> holders;     // root blockers, strongest evidence first
  std::vector<Waiter> queued;      // everyone waiting on the table except the head DDL
  double oldest_wait_seconds = 0;  // over the DDL and the queue

  size_t WaiterCount() const { return queued.size() + (ddl_waiting ? 1 : 0); }
};

struct WaitGraph {
  std::vector<Pileup> pileups;     // tables with waiters, most waiters first
  std::vector<uint64_t> ddl_ids;   // every DDL in flight (waiting or running)
  std::vector<std::string> notes;  // what could not be determined

  const Pileup* FindPileup(const TableName& table) const;
};

// Builds the graph. Sessions whose waited-for table cannot be determined are listed in `notes`.
WaitGraph BuildWaitGraph(const LockSnapshot& snapshot);

// The statement of a session, parsed with its default schema.
StatementInfo StatementOf(const SessionInfo& session);

}  // namespace safeddl::locks
