// Diagnose: the read-only half of `unblock` and of each `watch` poll — check that this session can
// see other sessions, take a snapshot, build the wait graph, keep the pileups the user asked
// about, and decide on each by policy. Also the few setup steps the commands share (installing
// the METADATA_LOCK_INFO plugin on request, validating a table filter, checking KILL rights).
// Uses one Connection; not thread-safe beyond it.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "locks/policy.h"
#include "locks/snapshot.h"
#include "locks/wait_graph.h"

namespace safeddl::mysql {
class Connection;
}

namespace safeddl::locks {

// This session's own lock waits (SHOW CREATE TABLE, I_S.TABLES) are bounded by this many seconds
// so the diagnosis never joins the queue it is diagnosing.
inline constexpr int kDiagnoseLockWaitSeconds = 2;

struct TableFilter {
  std::string database;  // empty: any
  std::string table;     // empty: any
  bool Matches(const TableName& t) const;
};

struct DiagnoseOptions {
  CollectOptions collect;
  TableFilter filter;
  PolicyConfig policy;
  bool read_schema = true;  // SHOW CREATE TABLE and table sizes (unblock); watch skips them
};

struct Diagnosis {
  LockSnapshot snapshot;
  WaitGraph graph;                                 // filtered
  std::vector<Decision> decisions;                 // one per graph pileup
  std::map<TableName, std::string> create_before;  // SHOW CREATE TABLE per pileup table
};

// Fails with kFailedPrecondition (and the GRANT that fixes it) when the current user lacks
// PROCESS and so cannot see other users' sessions.
Status CheckCanSeeSessions(mysql::Connection& conn);
// Fails with kAccessDenied when a kill target belongs to another user and the current user may
// not kill other users' threads (CONNECTION ADMIN, or SUPER where it still covers it).
Status CheckCanKill(mysql::Connection& conn, const std::vector<KillTarget>& kills);
// Fails with kNotFound when the filter names a table (or schema) that does not exist.
Status CheckFilterExists(mysql::Connection& conn, const TableFilter& filter);
// INSTALL SONAME 'metadata_lock_info' unless already active (MariaDB only).
Status InstallMdlPlugin(mysql::Connection& conn);

Result<Diagnosis> Diagnose(mysql::Connection& conn, const DiagnoseOptions& options);

}  // namespace safeddl::locks
