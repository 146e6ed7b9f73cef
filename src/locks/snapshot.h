// LockSnapshot: one consistent-enough read of who runs what, who is inside a transaction and who
// holds or waits for which metadata lock, taken from the sources the server offers:
//   information_schema.PROCESSLIST (MariaDB adds TIME_MS, STAGE, MAX_STAGE, PROGRESS),
//   information_schema.INNODB_TRX, the METADATA_LOCK_INFO plugin (granted locks only), and
//   performance_schema.metadata_locks (granted and pending) when its MDL instrument is enabled.
// The reads are separate statements, so the sources can disagree by a few milliseconds; the wait
// graph (wait_graph.h) tolerates a session that appears in one source and not another.
//
// CollectSnapshot only reads (SELECT); it never installs or enables anything. All types are plain
// values, thread-compatible; a Connection is used by one thread at a time.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/result.h"
#include "mysql/server_info.h"

namespace safeddl::mysql {
class Connection;
}

namespace safeddl::locks {

// An InnoDB transaction (INNODB_TRX row) of a session.
struct Transaction {
  std::string trx_id;         // "0" for a read-only transaction that has not written yet
  std::string state;          // RUNNING, LOCK WAIT, ROLLING BACK, COMMITTING
  double age_seconds = 0;     // since trx_started (second resolution on the server)
  int64_t rows_modified = 0;  // what a kill rolls back
  int64_t rows_locked = 0;
  int64_t tables_locked = 0;
};

// Why a thread must never be killed by policy, whatever the flags.
enum class ThreadKind {
  kClient,       // an ordinary client session
  kReplication,  // replica IO/SQL/worker threads, binlog dump threads
  kSystem,       // event scheduler, InnoDB purge, other daemon threads
  kOwn,          // a session of this safeddl process
};
std::string_view ThreadKindName(ThreadKind kind);

// One PROCESSLIST row, with its transaction when it has one.
struct SessionInfo {
  uint64_t id = 0;
  std::string user;
  std::string host;
  std::string db;
  std::string command;      // Sleep, Query, Binlog Dump, Slave_SQL, Daemon, Killed ...
  std::string state;        // "Waiting for table metadata lock", "copy to tmp table" ...
  std::string info;         // the statement, empty when idle
  double time_seconds = 0;  // in the current command (idle time when command is Sleep)
  int stage = 0;            // MariaDB progress reporting: stage of max_stage, 0 when none
  int max_stage = 0;
  double progress = 0;  // MariaDB PROGRESS (0-100, over all stages), 0 when not reported
  ThreadKind kind = ThreadKind::kClient;
  std::optional<Transaction> trx;

  bool IsIdle() const { return command == "Sleep"; }
  bool IsWaitingForMdl() const;
};

enum class LockSource { kMetadataLockInfo, kPerformanceSchema };
std::string_view LockSourceName(LockSource source);

// One metadata lock on a table, granted or pending.
struct MdlLock {
  uint64_t session_id = 0;
  std::string schema;
  std::string table;
  std::string mode;  // normalised without the "MDL_" prefix: SHARED_READ, EXCLUSIVE ...
  bool granted = true;
  LockSource source = LockSource::kMetadataLockInfo;

  // LOCK TABLES takes SHARED_NO_READ_WRITE (WRITE) or SHARED_READ_ONLY (READ); no statement does.
  bool IsLockTablesMode() const;
};

// Where the snapshot's lock facts came from, and what was not available (and how to enable it).
struct SourceStatus {
  bool metadata_lock_info = false;  // plugin ACTIVE and read
  bool performance_schema = false;  // performance_schema ON and MDL instrument enabled
  bool innodb_trx = false;
  std::vector<std::string> notes;  // "METADATA_LOCK_INFO not installed: ..."
};

struct LockSnapshot {
  mysql::ServerInfo server;
  std::string taken_at;  // UTC ISO 8601
  std::vector<SessionInfo> sessions;
  std::vector<MdlLock> locks;
  SourceStatus sources;

  const SessionInfo* FindSession(uint64_t id) const;
  // True when some source lists granted locks, so holders can be known rather than inferred.
  bool HoldersVisible() const { return sources.metadata_lock_info || sources.performance_schema; }
};

struct CollectOptions {
  // Session ids of this process (never killed; shown as "own").
  std::set<uint64_t> own_session_ids;
  // Skip the lock sources even when available (tests of the inference path; --no-lock-sources).
  bool ignore_lock_sources = false;
};

// True when sessions wait for a metadata lock and an idle client session shows no transaction
// though its last statement ended within the age of InnoDB's INNODB_TRX cache (100 ms): its
// transaction may be too fresh to be listed. CollectSnapshot then reads INNODB_TRX once more.
bool MayMissFreshTransactions(const LockSnapshot& snapshot);

// Reads PROCESSLIST, INNODB_TRX and the lock sources. Fails only when PROCESSLIST cannot be read
// or the connection breaks; an unavailable lock source becomes a note in `sources`.
Result<LockSnapshot> CollectSnapshot(mysql::Connection& conn, const CollectOptions& options);

// Classifies a PROCESSLIST row: replication, system, or client (own is decided by the caller).
ThreadKind ClassifyThread(std::string_view user, std::string_view command);

}  // namespace safeddl::locks
