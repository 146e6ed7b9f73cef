// The snapshot catalog: what `safeddl snapshot` kept, in a table of its own schema on the server
// (`_safeddl_snapshots`.`catalog`), one row per snapshot — source table and WHERE, row count and
// checksum, the table's CREATE, the binlog position and GTID the rows are consistent at, and the
// time — beside the snapshot tables themselves (`_safeddl_snapshots`.`s<id>_<table>`).
// Stateless functions over one connection; not thread-safe (the connection is not).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "mysql/connection.h"

namespace safeddl::snapshot {

inline constexpr std::string_view kSnapshotSchema = "_safeddl_snapshots";

struct SnapshotRecord {
  uint64_t id = 0;
  std::string state;  // "taking" until the rows are in and the coordinates known, then "ready"
  std::string source_db;
  std::string source_table;
  std::string snapshot_table;  // in kSnapshotSchema
  std::string where;           // empty: every row
  int64_t rows = 0;
  std::string checksum;  // BIT_XOR of the per-row checksum (osc::RowChecksumExpression)
  std::string create_statement;
  std::string binlog_file;
  uint64_t binlog_position = 0;
  std::string gtid;  // the GTID position of binlog_file:binlog_position
  std::string started_at;
  std::string taken_at;  // UTC, when the rows were consistent at the coordinates
};

// Creates the schema and the catalog when missing.
Status EnsureCatalog(mysql::Connection& conn);

// Adds a "taking" row for `record` (id and snapshot_table are filled in) and returns it.
Result<SnapshotRecord> BeginSnapshot(mysql::Connection& conn, SnapshotRecord record);
// Records the rows' count, checksum and coordinates, and marks the snapshot ready.
Status FinishSnapshot(mysql::Connection& conn, const SnapshotRecord& record);

Result<std::vector<SnapshotRecord>> ListSnapshots(mysql::Connection& conn);
// kNotFound when there is no snapshot `id`.
Result<SnapshotRecord> FindSnapshot(mysql::Connection& conn, uint64_t id);
// Drops the snapshot's table and its catalog row. kNotFound when there is no snapshot `id`.
Status DropSnapshot(mysql::Connection& conn, uint64_t id);

// `s<id>_<table>`, cut to the server's 64 characters.
std::string SnapshotTableName(uint64_t id, const std::string& table);

}  // namespace safeddl::snapshot
