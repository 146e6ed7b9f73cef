// TOI with a bounded wait (`safeddl alter --galera-method toi`): the DDL runs on every node in
// total order, and while it runs no node commits writes; once started it cannot be killed, and a
// node where an explicit lock (LOCK TABLES, FLUSH TABLES WITH READ LOCK) holds the table makes the
// whole cluster wait for it, without bound. So before the DDL is issued, every node is checked
// for what would make it wait or stall, and it is issued only once none is there, within
// --max-wait; otherwise nothing is issued and the blocker is named.
//
// The checks on each node, in rounds until all pass at once:
//   - the node is ready, Synced, not desynced, in a Primary component of the expected size;
//   - a write's lock on the table can be had at once (`UPDATE t SET c = c WHERE 1 = 0` with
//     lock_wait_timeout=0: blocked by LOCK TABLES on t and by a global read lock, not by
//     ordinary transactions; it matches no row, writes nothing and replicates nothing);
//   - an exclusive lock on the table can be had at once (LOCK TABLES t WRITE, released at once):
//     when it cannot, some transaction has the table open; one open longer than
//     `long_transaction` is a blocker (TOI would roll it back), a short one is not.
// The DDL then runs on the given node with wsrep_OSU_method=TOI for its session only (the global
// setting is never changed), and every node is polled until it shows the new definition (a node
// whose applier failed the DDL, which Galera logs and goes on from, is named at once).
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "galera/cluster.h"
#include "galera/table_locks.h"
#include "mysql/connect_options.h"

namespace safeddl::galera {

struct ToiOptions {
  std::string database;
  std::string table;
  std::string alter;  // the ALTER's clauses, as gh-ost's --alter
  std::chrono::milliseconds max_wait{10000};
  std::chrono::seconds long_transaction{1};
  bool execute = false;  // false: the checks only
  std::function<void(const std::string&)> progress;
};

struct ToiReport {
  std::string statement;
  std::vector<std::string> nodes;
  int rounds = 0;             // rounds of checks until all passed
  double gate_seconds = 0;    // time spent checking
  double ddl_seconds = 0;     // the DDL on the node it was issued on
  double spread_seconds = 0;  // until every node showed the new definition
  bool executed = false;
  nlohmann::json ToJson() const;
};

// The checks of one round: what blocks a TOI change of `table` now, one line per blocker naming
// the node; empty when nothing does.
Result<std::vector<std::string>> ToiBlockers(Cluster& cluster, const TableNames& table,
                                             const ToiOptions& options);

struct ToiGate {
  int rounds = 0;
  double seconds = 0;
};

// Rounds of ToiBlockers until none is left; FailedPrecondition naming the last blockers once
// options.max_wait has passed ("not issuing <what>: ..."). Progress says what it waits for.
Result<ToiGate> WaitUntilClear(Cluster& cluster, const TableNames& table, const ToiOptions& options,
                               std::string_view what);

// wsrep_OSU_method=TOI for the session only (the global setting is never changed), and the
// session's lock_wait_timeout bounded by `max_wait` (at least 1 s).
Status UseToiSession(mysql::Connection& conn, std::chrono::milliseconds max_wait);

// Polls every node until it shows `definition` for `quoted` (SHOW CREATE TABLE). `seqno`: a
// cluster seqno at or past the DDL's (wsrep_last_committed on the node it ran on, after it).
// Corruption names a node that has committed `seqno` and shows another definition: its applier
// failed the DDL and Galera went on (wsrep_ignore_apply_errors); FailedPrecondition one that has
// not shown it after two minutes.
Status WaitForDefinitionEverywhere(Cluster& cluster, const std::string& quoted,
                                   const std::string& definition, long long seqno);

// Checks until clear (or refuses once max_wait has passed, naming what blocked last), then, with
// `execute`, runs the DDL through `origin` (a node of `cluster`) and waits for every node to show
// the same definition.
Result<ToiReport> RunToiChange(const mysql::ConnectOptions& origin, Cluster& cluster,
                               const ToiOptions& options);

}  // namespace safeddl::galera
