#include "snapshot/restore.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/clock.h"
#include "common/strings.h"
#include "mysql/quote.h"
#include "osc/chunk_planner.h"
#include "osc/inspector.h"
#include "osc/key_range.h"
#include "schema/introspect.h"
#include "snapshot/take.h"

namespace safeddl::snapshot {
namespace {

std::string Q(std::string_view name) { return *mysql::QuoteIdentifier(name); }

// `s.k1 <=> t.k1 AND ...` over `columns`.
std::string Equal(const std::vector<std::string>& columns) {
  std::vector<std::string> parts;
  for (const std::string& c : columns) parts.push_back(fmt::format("s.{0} <=> t.{0}", Q(c)));
  return JoinStrings(parts, " AND ");
}

// `s.u1 = t.u1 AND ...`: how a UNIQUE key compares (NULLs never collide).
std::string Collide(const std::vector<std::string>& columns) {
  std::vector<std::string> parts;
  for (const std::string& c : columns) parts.push_back(fmt::format("s.{0} = t.{0}", Q(c)));
  return JoinStrings(parts, " AND ");
}

Result<int64_t> Count(mysql::Connection& conn, const std::string& sql) {
  SAFEDDL_ASSIGN_OR_RETURN(std::optional<std::string> n, conn.QueryValue(sql));
  return ParseInt64(n.value_or("0")).value_or(0);
}

// The snapshot's columns must be the table's, with the same types.
Status CheckDefinition(const schema::TableSchema& snap, const schema::TableSchema& table) {
  for (const schema::Column& c : snap.columns) {
    if (c.IsGenerated()) continue;
    const schema::Column* now = table.FindColumn(c.name);
    if (now == nullptr) {
      return FailedPreconditionError(fmt::format(
          "the table no longer has column `{}`: the snapshot's rows cannot go back as they are",
          c.name));
    }
    if (now->column_type != c.column_type || now->collation != c.collation) {
      return FailedPreconditionError(fmt::format(
          "column `{}` was {} when the snapshot was taken and is {} now: the snapshot's rows "
          "cannot go back as they are",
          c.name, c.column_type + (c.collation ? " " + *c.collation : ""),
          now->column_type + (now->collation ? " " + *now->collation : "")));
    }
  }
  return Status::OK();
}

struct Counts {
  int64_t changed = 0, deleted = 0, added_since = 0;
};

// Rows of the snapshot changed and deleted since, in one pass over it; with `added`, also the
// rows the table gained since (a second pass, over the table).
Result<Counts> CountDifferences(mysql::Connection& conn, const osc::MigrationPlan& plan,
                                const std::vector<std::string>& columns, const std::string& where,
                                bool added = true) {
  const std::string on = Equal(plan.key.original_columns);
  Counts c;
  const std::string missing = "t." + Q(plan.key.original_columns[0]) + " IS NULL";
  SAFEDDL_ASSIGN_OR_RETURN(
      mysql::ResultSet rs,
      conn.Query(fmt::format("SELECT COALESCE(SUM({0}), 0), COALESCE(SUM(NOT ({0}) AND NOT ({1})), "
                             "0) FROM {2} s LEFT JOIN {3} t ON {4}",
                             missing, Equal(columns), plan.q_original, plan.q_ghost, on)));
  c.deleted = rs.empty() ? 0 : ParseInt64(rs[0][0].value_or("0")).value_or(0);
  c.changed = rs.empty() ? 0 : ParseInt64(rs[0][1].value_or("0")).value_or(0);
  if (!added) return c;
  // The WHERE names the table's columns unqualified: the table is the outer query's only one.
  // Read through its key: a secondary index just rewritten (the bad UPDATE a restore follows)
  // holds entries not yet purged, each checked against the row (40 s instead of 1 under load).
  SAFEDDL_ASSIGN_OR_RETURN(
      c.added_since,
      Count(conn, fmt::format("SELECT COUNT(*) FROM {} t FORCE INDEX ({}) WHERE {}NOT EXISTS "
                              "(SELECT 1 FROM {} s WHERE {})",
                              plan.q_ghost, Q(plan.key.ghost_index),
                              where.empty() ? "" : "(" + where + ") AND ", plan.q_original, on)));
  return c;
}

// Rows of the snapshot that would meet a different row of the table on another UNIQUE key.
Status CheckUniqueCollisions(mysql::Connection& conn, const osc::MigrationPlan& plan) {
  for (const schema::Index& index : plan.ghost.indexes) {
    if (!index.unique || EqualsIgnoreCase(index.name, plan.key.ghost_index)) continue;
    // A column the snapshot does not hold keeps the table's value: no new collision there.
    if (!std::all_of(index.columns.begin(), index.columns.end(), [&](const std::string& c) {
          return plan.original.FindColumn(c) != nullptr;
        })) {
      continue;
    }
    SAFEDDL_ASSIGN_OR_RETURN(
        int64_t n,
        Count(conn, fmt::format("SELECT COUNT(*) FROM {} s JOIN {} t ON {} WHERE NOT ({})",
                                plan.q_original, plan.q_ghost, Collide(index.columns),
                                Equal(plan.key.original_columns))));
    if (n > 0) {
      return FailedPreconditionError(fmt::format(
          "{} row(s) of the snapshot would meet a different row of the table on unique key `{}` "
          "(rows written since hold their values): resolve those first",
          n, index.name));
    }
  }
  return Status::OK();
}

// A column snapshot's columns set back by key in the rows the table has (one chunk's rows).
std::string UpdateBack(const osc::MigrationPlan& plan, const std::vector<std::string>& columns,
                       const std::string& range) {
  std::vector<std::string> quoted, set;
  for (const std::string& c : columns) {
    quoted.push_back(Q(c));
    set.push_back(fmt::format("t.{0} = s.{0}", Q(c)));
  }
  return fmt::format("UPDATE {} t JOIN (SELECT {} FROM {} WHERE {}) s ON {} SET {}", plan.q_ghost,
                     JoinStrings(quoted, ", "), plan.q_original, range,
                     Equal(plan.key.original_columns), JoinStrings(set, ", "));
}

Status WriteBack(mysql::Connection& conn, const osc::MigrationPlan& plan,
                 const std::vector<std::string>& columns, int64_t chunk_rows,
                 bool update_only = false) {
  std::vector<std::string> quoted, updates;
  for (const std::string& c : columns) {
    quoted.push_back(Q(c));
    updates.push_back(fmt::format("{0} = VALUES({0})", Q(c)));
  }
  // Chunks sized like the copy's: their size adapts to take about the copy's target time each.
  osc::ChunkPlanner planner(conn, plan, chunk_rows);
  SAFEDDL_RETURN_IF_ERROR(planner.Prepare());
  for (;;) {
    SAFEDDL_ASSIGN_OR_RETURN(std::optional<osc::KeyChunk> chunk, planner.Next());
    if (!chunk) return Status::OK();
    SAFEDDL_ASSIGN_OR_RETURN(std::string range,
                             osc::RangePredicate(plan.original_key, {chunk->lower, chunk->upper}));
    const TimePoint start = SystemClock::Get().Now();
    SAFEDDL_RETURN_IF_ERROR(conn.Execute(
        update_only
            ? UpdateBack(plan, columns, range)
            : fmt::format(
                  "INSERT INTO {0} ({1}) SELECT {1} FROM {2} WHERE {3} ON DUPLICATE KEY UPDATE {4}",
                  plan.q_ghost, JoinStrings(quoted, ", "), plan.q_original, range,
                  JoinStrings(updates, ", "))));
    planner.Adapt(MillisBetween(start, SystemClock::Get().Now()));
  }
}

Status RefuseReplace(const SnapshotRecord& s, const schema::TableSchema& table) {
  std::string why;
  if (!s.where.empty()) {
    why = "the snapshot holds only the rows of its WHERE, and the table would lose every other row";
  } else if (!table.triggers.empty()) {
    why = "the table has triggers, which the swap would leave on the table it replaces";
  } else if (!table.foreign_keys.empty() || !table.referenced_by.empty()) {
    why = "the table has foreign keys, which the swap would leave on the table it replaces";
  } else {
    return Status::OK();
  }
  return FailedPreconditionError(fmt::format(
      "--replace-table: {}; restore by key instead (without --replace-table)", why));
}

// The snapshot's rows into a new table of the table's definition, swapped in for it.
Status ReplaceTable(mysql::Connection& conn, osc::MigrationPlan plan,
                    const std::vector<std::string>& columns, const RestoreRequest& request,
                    RestoreReport& report) {
  const SnapshotRecord& s = report.snapshot;
  const std::string work_name = fmt::format("_{}_rst", s.source_table);
  SAFEDDL_ASSIGN_OR_RETURN(std::string work, mysql::QuoteQualified(s.source_db, work_name));
  SAFEDDL_ASSIGN_OR_RETURN(std::string kept,
                           mysql::QuoteQualified(s.source_db, report.replaced_kept_as));
  SAFEDDL_ASSIGN_OR_RETURN(bool kept_exists,
                           schema::TableExists(conn, s.source_db, report.replaced_kept_as));
  if (kept_exists) {
    return AlreadyExistsError(fmt::format(
        "{} is there from an earlier --replace-table: drop it (or rename it) first", kept));
  }
  const std::string table = plan.q_ghost;
  SAFEDDL_RETURN_IF_ERROR(conn.Execute("DROP TABLE IF EXISTS " + work));
  SAFEDDL_RETURN_IF_ERROR(conn.Execute(fmt::format("CREATE TABLE {} LIKE {}", work, table)));
  auto fill_and_swap = [&]() -> Status {
    plan.q_ghost = work;
    SAFEDDL_RETURN_IF_ERROR(WriteBack(conn, plan, columns, request.chunk_rows));
    SAFEDDL_ASSIGN_OR_RETURN(int64_t in_work, Count(conn, "SELECT COUNT(*) FROM " + work));
    SAFEDDL_ASSIGN_OR_RETURN(int64_t in_snapshot,
                             Count(conn, "SELECT COUNT(*) FROM " + plan.q_original));
    if (in_work != in_snapshot) {
      return InternalError(fmt::format("{} holds {} rows after the copy, the snapshot {}", work,
                                       in_work, in_snapshot));
    }
    // The next AUTO_INCREMENT value stays where the table had it: ids handed out since the
    // snapshot are not handed out again.
    SAFEDDL_ASSIGN_OR_RETURN(
        std::optional<std::string> next,
        conn.QueryValue(fmt::format("SELECT AUTO_INCREMENT FROM information_schema.TABLES WHERE "
                                    "TABLE_SCHEMA = {} AND TABLE_NAME = {}",
                                    mysql::QuoteString(s.source_db),
                                    mysql::QuoteString(s.source_table))));
    if (next && ParseInt64(*next).value_or(0) > 0) {
      SAFEDDL_RETURN_IF_ERROR(
          conn.Execute(fmt::format("ALTER TABLE {} AUTO_INCREMENT = {}", work, *next)));
    }
    SAFEDDL_RETURN_IF_ERROR(conn.Execute(
        fmt::format("SET SESSION lock_wait_timeout = {}", request.lock_wait_timeout_seconds)));
    return conn.Execute(
        fmt::format("RENAME TABLE {} TO {}, {} TO {}", table, kept, work, table));
  };
  Status done = fill_and_swap();
  if (!done.ok()) {
    conn.Execute("DROP TABLE IF EXISTS " + work).IgnoreError();
    return done.WithContext("--replace-table: the table is as it was");
  }
  report.executed = true;
  SAFEDDL_ASSIGN_OR_RETURN(report.written, Count(conn, "SELECT COUNT(*) FROM " + table));
  return Status::OK();
}

}  // namespace

Result<RestoreReport> RestoreSnapshot(mysql::Connection& conn, const RestoreRequest& request) {
  RestoreReport report;
  SAFEDDL_ASSIGN_OR_RETURN(report.snapshot, FindSnapshot(conn, request.id));
  const SnapshotRecord& s = report.snapshot;
  if (s.state != "ready") {
    return FailedPreconditionError(fmt::format(
        "snapshot {} is not complete (state {}): it cannot be restored", s.id, s.state));
  }
  const std::string& rows = request.from_table.empty() ? s.snapshot_table : request.from_table;
  osc::MigrationPlan plan;  // original: the snapshot; ghost: the table the rows go back to
  SAFEDDL_ASSIGN_OR_RETURN(plan.original, schema::IntrospectTable(conn, kSnapshotSchema, rows));
  SAFEDDL_ASSIGN_OR_RETURN(plan.ghost, schema::IntrospectTable(conn, s.source_db, s.source_table));
  SAFEDDL_RETURN_IF_ERROR(CheckDefinition(plan.original, plan.ghost));
  SAFEDDL_ASSIGN_OR_RETURN(
      std::optional<std::string> comment,
      conn.QueryValue(fmt::format("SELECT TABLE_COMMENT FROM information_schema.TABLES WHERE "
                                  "TABLE_SCHEMA = {} AND TABLE_NAME = {}",
                                  mysql::QuoteString(kSnapshotSchema), mysql::QuoteString(rows))));
  report.column_snapshot = comment.value_or("") == kColumnSnapshotComment;
  if (request.replace_table && report.column_snapshot) {
    return FailedPreconditionError(
        "--replace-table: snapshot holds only some columns of the table; restore by key "
        "instead (without --replace-table)");
  }
  if (request.replace_table) {
    SAFEDDL_RETURN_IF_ERROR(RefuseReplace(s, plan.ghost));
    report.replaced_kept_as = fmt::format("_{}_pre_restore", s.source_table);
    if (report.replaced_kept_as.size() > 64) {
      return InvalidArgumentError(fmt::format(
          "--replace-table: the name the table would be kept under, '{}', is longer than 64 "
          "characters; restore by key instead",
          report.replaced_kept_as));
    }
  }
  plan.database = kSnapshotSchema;
  SAFEDDL_ASSIGN_OR_RETURN(plan.q_original, mysql::QuoteQualified(kSnapshotSchema, rows));
  SAFEDDL_ASSIGN_OR_RETURN(plan.q_ghost, mysql::QuoteQualified(s.source_db, s.source_table));
  std::vector<std::string> notes;
  SAFEDDL_RETURN_IF_ERROR(osc::MapGhost(plan, false, &notes));
  std::vector<std::string> columns;
  for (const schema::SharedColumn& c : plan.mapping.shared) columns.push_back(c.source);

  SAFEDDL_ASSIGN_OR_RETURN(Counts counts, CountDifferences(conn, plan, columns, s.where));
  report.changed = counts.changed;
  report.deleted = counts.deleted;
  report.added_since = counts.added_since;
  if (request.replace_table) {
    if (request.execute) SAFEDDL_RETURN_IF_ERROR(ReplaceTable(conn, plan, columns, request, report));
    return report;
  }
  const int64_t to_write = counts.changed + (report.column_snapshot ? 0 : counts.deleted);
  if (!request.execute || to_write == 0) return report;
  SAFEDDL_RETURN_IF_ERROR(CheckUniqueCollisions(conn, plan));
  SAFEDDL_RETURN_IF_ERROR(
      WriteBack(conn, plan, columns, request.chunk_rows, report.column_snapshot));
  report.executed = true;
  report.written = to_write;
  SAFEDDL_ASSIGN_OR_RETURN(Counts after,
                           CountDifferences(conn, plan, columns, s.where, /*added=*/false));
  report.remaining = after.changed + (report.column_snapshot ? 0 : after.deleted);
  return report;
}

}  // namespace safeddl::snapshot
