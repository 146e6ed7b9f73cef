// What holds a table on one Galera node in a way a DDL would wait for, asked without waiting:
// both probes take their lock with lock_wait_timeout=0, so neither queues in front of the
// application's statements (and the session's own timeout is restored after).
//   - A write's lock (`UPDATE t SET c = c WHERE 1 = 0`): blocked by LOCK TABLES on t and by a
//     global read lock (or a backup lock), not by ordinary transactions. It matches no row,
//     writes nothing and replicates nothing.
//   - An exclusive lock (LOCK TABLES t WRITE, released at once): blocked by any transaction that
//     has the table open. One open longer than `long_transaction` is named; with
//     `long_transaction` zero, any is a blocker.
// Used before a TOI change (galera/toi.h) and before each node's RSU change (galera/rsu.h).
#pragma once

#include <chrono>
#include <string>

#include "common/result.h"
#include "galera/cluster.h"
#include "mysql/connection.h"

namespace safeddl::galera {

inline constexpr unsigned kLockWaitTimeoutErrno = 1205;

struct TableNames {
  std::string database;
  std::string table;
  std::string quoted;        // `d`.`t`
  std::string first_column;  // quoted: what the write probe names
};

// NotFound when the table does not exist (or the account cannot see it).
Result<TableNames> ResolveTable(mysql::Connection& conn, const std::string& database,
                                const std::string& table);

// One line naming the node and what holds the table there; empty when nothing does.
Result<std::string> TableLockBlocker(Node& node, const TableNames& table,
                                     std::chrono::seconds long_transaction);

}  // namespace safeddl::galera
