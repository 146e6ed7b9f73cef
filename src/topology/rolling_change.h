// `safeddl alter --via-replicas`: a change row-based replication carries between the old and the
// new definition (schema/replication_compat.h; the caller checks) made natively on each replica
// first, one at a time and out of the binlog, then a switchover to one of them, then on the old
// primary. The application never waits on the change: replicas apply it while replication waits
// behind it, and the primary never runs it while it is the primary.
//
// 1. Gate: the switchover's own gate (switchover.h), and the table defined alike everywhere. The
//    rollout is recorded on this server (rollout_store.h) with the definitions before and after
//    (the after one from a temporary copy altered here, never binlogged).
// 2. Each replica in turn (this server's, the candidate's own): ALTER TABLE with sql_log_bin=0 (a
//    bounded metadata-lock wait), then its replication must run without error and catch up with
//    the primary within catch_up.
// 3. Switchover to the candidate.
// 4. The old primary, now a replica: the same ALTER, then its replication checked.
// 5. Every server has the same definition of the table; the record is marked finished.
// A failure stops the rollout; the report says which servers have the new definition. Run again
// (against the same server, same change and candidate) after a stop, it finds the record: every
// server must hold the definition before or after, those with the after one are skipped, and the
// switchover goes on from where it stopped (switchover.h). Not thread-safe.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "common/result.h"
#include "mysql/connect_options.h"
#include "mysql/connection.h"
#include "topology/switchover.h"

namespace safeddl::topology {

struct RollingChangeRequest {
  std::string database;
  std::string table;
  std::string alter;             // the clauses after ALTER TABLE t
  SwitchoverRequest switchover;  // .to, the replication account, lags; .dry_run: gate only
  std::chrono::seconds catch_up{120};
  std::chrono::seconds lock_wait{60};  // the ALTER's metadata-lock wait on each server
};

struct RollingStep {
  std::string server;  // host:port
  std::string what;
  double seconds = 0;
};

struct RollingChangeReport {
  std::vector<RollingStep> steps;
  std::vector<std::string> changed;  // servers with the new definition, in order
  SwitchoverReport switchover;
  std::string definition;  // SHOW CREATE TABLE at the end
  bool dry_run = false;
};

Result<RollingChangeReport> RollingChange(mysql::Connection& primary,
                                          const mysql::ConnectOptions& options,
                                          const RollingChangeRequest& request);

}  // namespace safeddl::topology
