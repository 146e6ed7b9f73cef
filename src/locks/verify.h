// Verify: after an action, prove that writes flow again and the table is intact.
//   1. drain   — no session waits for a metadata lock on the table within verify_seconds;
//   2. probe   — this session can take the table's write lock (DELETE ... WHERE FALSE inside a
//                transaction that is rolled back: changes nothing, logs nothing);
//   3. canary  — a real write commits: a row in safeddl's own `_safeddl`.`canary` table (deleted
//                again), or with verify_table a default row inserted there and rolled back;
//   4. check   — CHECK TABLE reports OK;
//   5. schema  — SHOW CREATE TABLE compared with the one read before acting (AUTO_INCREMENT
//                ignored): unchanged is required when the DDL was killed.
// Every lock wait of this session is bounded by verify_seconds. Uses one connection; not
// thread-safe beyond it.
#pragma once

#include <optional>
#include <set>
#include <string>

#include "common/clock.h"
#include "common/result.h"
#include "locks/statement.h"

namespace safeddl::mysql {
class Connection;
}

namespace safeddl::locks {

inline constexpr std::string_view kCanarySchema = "_safeddl";
inline constexpr std::string_view kCanaryTable = "canary";

enum class SchemaOutcome { kUnchanged, kChangedAsExpected, kChangedUnexpectedly, kUnknown };
std::string_view SchemaOutcomeName(SchemaOutcome outcome);

struct VerifyOptions {
  TableName table;
  double verify_seconds = 10;
  std::optional<TableName> verify_table;  // the user's canary table
  std::string create_before;              // SHOW CREATE TABLE before acting ("" = unknown)
  bool ddl_killed = false;                // then the schema must be unchanged
  std::set<uint64_t> own_session_ids;
};

struct Check {
  bool ok = false;
  std::string detail;
};

struct VerifyReport {
  Check drain;
  double drain_seconds = 0;
  Check probe;
  Check canary;
  Check check_table;
  SchemaOutcome schema = SchemaOutcome::kUnknown;
  std::string schema_detail;

  bool ok() const {
    return drain.ok && probe.ok && canary.ok && check_table.ok &&
           schema != SchemaOutcome::kChangedUnexpectedly;
  }
};

// SHOW CREATE TABLE with the AUTO_INCREMENT=n table option removed (writes change it).
Result<std::string> ShowCreateTable(mysql::Connection& conn, const TableName& table);
// The comparison rule, pure: see SchemaOutcome.
SchemaOutcome CompareSchema(const std::string& before, const std::string& after, bool ddl_killed);

// Runs the five checks. Fails only when the connection breaks; a failed check is in the report.
Result<VerifyReport> Verify(mysql::Connection& conn, const VerifyOptions& options, Clock& clock);

}  // namespace safeddl::locks
