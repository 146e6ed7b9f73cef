#include "plan/data_risks.h"

#include <fmt/format.h>

#include "common/strings.h"
#include "locks/snapshot.h"
#include "mysql/quote.h"
#include "plan/value_fit.h"

namespace safeddl::plan {
namespace {

constexpr int kExamples = 3;
constexpr double kAutoIncrementWarnShare = 0.8;

std::string Q(std::string_view name) { return *mysql::QuoteIdentifier(name); }

// The key that names a row in examples: the PRIMARY KEY, else the first unique key, else none.
std::vector<std::string> ExampleKey(const schema::TableSchema& t) {
  if (const schema::Index* pk = t.PrimaryKey()) return pk->columns;
  for (const schema::Index& i : t.indexes) {
    if (i.unique && i.all_columns_not_null) return i.columns;
  }
  return {};
}

std::string KeyText(const std::vector<std::string>& key) {
  if (key.empty()) return "''";
  std::vector<std::string> parts;
  for (const std::string& k : key) parts.push_back("QUOTE(" + Q(k) + ")");
  return key.size() == 1 ? parts[0]
                         : "CONCAT('(', CONCAT_WS(', ', " + JoinStrings(parts, ", ") + "), ')')";
}

Result<std::vector<std::string>> Examples(mysql::Connection& conn, const std::string& q_table,
                                          const std::vector<std::string>& key,
                                          const std::string& predicate) {
  std::vector<std::string> out;
  if (key.empty()) return out;
  SAFEDDL_ASSIGN_OR_RETURN(mysql::ResultSet rs,
                           conn.Query(fmt::format("SELECT {} FROM {} WHERE {} LIMIT {}",
                                                  KeyText(key), q_table, predicate, kExamples)));
  for (const mysql::Row& r : rs.rows()) out.push_back(r[0].value_or("NULL"));
  return out;
}

bool SameDefinition(const schema::Column& a, const schema::Column& b) {
  return a.column_type == b.column_type && a.nullable == b.nullable && a.charset == b.charset &&
         a.collation == b.collation;
}

std::string FitFix(const std::string& kind, const std::string& column) {
  if (kind == "null_into_not_null") {
    return fmt::format(
        "set the NULLs of `{}` to a value first, or give the column a DEFAULT and "
        "keep it NULL-able",
        column);
  }
  return fmt::format(
      "fix or widen those values of `{}` first, or choose a type that holds them; "
      "`safeddl snapshot --where` keeps them before a lossy change",
      column);
}

// Value checks: one scan counting every predicate, then examples for the ones that hit.
Status AddValueRisks(mysql::Connection& conn, const std::string& q_table,
                     const schema::TableSchema& original, const schema::TableSchema& changed,
                     const schema::ColumnMapping& mapping, std::vector<Risk>& risks) {
  struct Check {
    std::string column;
    FitCheck fit;
  };
  std::vector<Check> checks;
  for (const schema::SharedColumn& s : mapping.shared) {
    const schema::Column* before = original.FindColumn(s.source);
    const schema::Column* after = changed.FindColumn(s.target);
    if (before == nullptr || after == nullptr || SameDefinition(*before, *after)) continue;
    FitAnalysis fit = CheckValueFit(*before, *after);
    for (FitCheck& c : fit.checks) checks.push_back({before->name, std::move(c)});
    if (!fit.unchecked.empty()) {
      Risk r;
      r.kind = "unchecked_conversion";
      r.detail = fmt::format("`{}`: {}", before->name, fit.unchecked);
      r.fix = "check those values by hand, or rehearse the change on a copy";
      r.blocking = false;
      risks.push_back(std::move(r));
    }
  }
  if (checks.empty()) return Status::OK();
  std::vector<std::string> sums;
  for (const Check& c : checks) sums.push_back(fmt::format("SUM(IF({}, 1, 0))", c.fit.predicate));
  SAFEDDL_ASSIGN_OR_RETURN(
      mysql::ResultSet rs,
      conn.Query(fmt::format("SELECT {} FROM {}", JoinStrings(sums, ", "), q_table)));
  const std::vector<std::string> key = ExampleKey(original);
  for (size_t i = 0; i < checks.size(); ++i) {
    const int64_t n = rs.empty() ? 0 : ParseInt64(rs[0][i].value_or("0")).value_or(0);
    if (n == 0) continue;
    Risk r;
    r.kind = checks[i].fit.kind;
    r.rows = n;
    r.detail = fmt::format("`{}`: {} row(s): {}", checks[i].column, n, checks[i].fit.detail);
    r.fix = FitFix(r.kind, checks[i].column);
    SAFEDDL_ASSIGN_OR_RETURN(r.examples, Examples(conn, q_table, key, checks[i].fit.predicate));
    risks.push_back(std::move(r));
  }
  return Status::OK();
}

// The original's columns for a key of `changed` (nullopt when one is a new column).
std::optional<std::vector<std::string>> SourceColumns(const schema::Index& index,
                                                      const schema::ColumnMapping& mapping) {
  std::vector<std::string> out;
  for (const std::string& c : index.columns) {
    const std::string* source = mapping.SourceOf(c);
    if (source == nullptr) return std::nullopt;
    out.push_back(*source);
  }
  return out;
}

bool OriginalHasUniqueOn(const schema::TableSchema& original,
                         const std::vector<std::string>& cols) {
  for (const schema::Index& i : original.indexes) {
    if (!i.unique || i.columns.size() != cols.size() || i.has_prefix_part) continue;
    bool same = true;
    for (size_t k = 0; k < cols.size(); ++k) same &= EqualsIgnoreCase(i.columns[k], cols[k]);
    if (same) return true;
  }
  return false;
}

// Duplicates under each UNIQUE or PRIMARY key the change adds.
Status AddDuplicateRisks(mysql::Connection& conn, const std::string& q_table,
                         const schema::TableSchema& original, const schema::TableSchema& changed,
                         const schema::ColumnMapping& mapping, std::vector<Risk>& risks) {
  for (const schema::Index& index : changed.indexes) {
    if (!index.unique) continue;
    std::optional<std::vector<std::string>> cols = SourceColumns(index, mapping);
    if (!cols) {
      Risk r;
      r.kind = "unchecked_conversion";
      r.detail = fmt::format(
          "unique key `{}` includes a new column: its values (the column's "
          "default for every existing row) are not checked for duplicates",
          index.name);
      r.fix = "make sure the new column's values are unique before the key is added";
      r.blocking = false;
      risks.push_back(std::move(r));
      continue;
    }
    if (OriginalHasUniqueOn(original, *cols)) continue;
    std::vector<std::string> exprs, not_null;
    for (size_t k = 0; k < cols->size(); ++k) {
      const schema::Column* before = original.FindColumn((*cols)[k]);
      const schema::Column* after = changed.FindColumn(index.columns[k]);
      std::string e = Q((*cols)[k]);
      if (before && after && after->collation && before->collation != after->collation) {
        e = fmt::format("CONVERT({} USING {}) COLLATE {}", e, *after->charset, *after->collation);
      }
      exprs.push_back(e);
      not_null.push_back(Q((*cols)[k]) + " IS NOT NULL");
    }
    const std::string group = JoinStrings(exprs, ", ");
    // NULLs never collide in a UNIQUE key (a PRIMARY KEY's NULLs are a value check of their own).
    const std::string where = JoinStrings(not_null, " AND ");
    SAFEDDL_ASSIGN_OR_RETURN(
        mysql::ResultSet rs,
        conn.Query(fmt::format("SELECT COUNT(*), COALESCE(SUM(n), 0) FROM (SELECT COUNT(*) AS n "
                               "FROM {} WHERE {} GROUP BY {} HAVING COUNT(*) > 1) AS d",
                               q_table, where, group)));
    const int64_t groups = rs.empty() ? 0 : ParseInt64(rs[0][0].value_or("0")).value_or(0);
    const int64_t rows = rs.empty() ? 0 : ParseInt64(rs[0][1].value_or("0")).value_or(0);
    if (groups == 0) continue;
    Risk r;
    r.kind = "duplicates";
    r.rows = rows;
    r.detail = fmt::format(
        "{} key `{}` ({}): {} value(s) are held by more than one row, {} rows "
        "in all",
        index.primary ? "new PRIMARY" : "new UNIQUE", index.name, JoinStrings(*cols, ", "), groups,
        rows);
    r.fix =
        "remove or change the duplicates first (the ALTER would fail on them; ALTER IGNORE "
        "would silently drop all but one row of each)";
    std::vector<std::string> shown;
    for (const std::string& c : *cols) shown.push_back("QUOTE(" + Q(c) + ")");
    SAFEDDL_ASSIGN_OR_RETURN(
        mysql::ResultSet ex,
        conn.Query(fmt::format("SELECT CONCAT_WS(', ', {}), COUNT(*) FROM {} WHERE {} GROUP BY {} "
                               "HAVING COUNT(*) > 1 LIMIT {}",
                               JoinStrings(shown, ", "), q_table, where, group, kExamples)));
    for (const mysql::Row& row : ex.rows()) {
      r.examples.push_back(fmt::format("{} x{}", row[0].value_or("NULL"), row[1].value_or("?")));
    }
    risks.push_back(std::move(r));
  }
  return Status::OK();
}

// Data in the columns the change drops: values other than NULL and the column's default (a
// column that holds only its default loses nothing an ADD COLUMN would not give back).
Status AddDroppedColumnRisks(mysql::Connection& conn, const std::string& q_table,
                             const schema::TableSchema& original,
                             const schema::ColumnMapping& mapping, std::vector<Risk>& risks) {
  for (const std::string& name : mapping.dropped) {
    const schema::Column* c = original.FindColumn(name);
    if (c == nullptr || c->IsGenerated()) continue;
    std::string holds = Q(name) + " IS NOT NULL";
    if (c->default_value) holds += fmt::format(" AND NOT ({0} <=> DEFAULT({0}))", Q(name));
    SAFEDDL_ASSIGN_OR_RETURN(
        std::optional<std::string> n,
        conn.QueryValue(fmt::format("SELECT COUNT(*) FROM {} WHERE {}", q_table, holds)));
    const int64_t rows = ParseInt64(n.value_or("0")).value_or(0);
    if (rows == 0) continue;
    Risk r;
    r.kind = "dropped_column_data";
    r.rows = rows;
    r.detail = fmt::format("column `{}` is dropped with the values of {} row(s){}", name, rows,
                           c->default_value ? " (other than its default)" : "");
    r.fix = fmt::format(
        "if they may be needed again, run the alter with --snapshot-column-data: it keeps `{}` "
        "with the key in a snapshot first (`safeddl restore` puts the values back)",
        name);
    risks.push_back(std::move(r));
  }
  return Status::OK();
}

// AUTO_INCREMENT's next value against its column's type (the changed type when narrowed): the
// column and the counter in one information_schema read.
Status AddAutoIncrementRisk(mysql::Connection& conn, const schema::TableSchema& original,
                            const schema::TableSchema* changed, std::vector<Risk>& risks) {
  SAFEDDL_ASSIGN_OR_RETURN(
      mysql::ResultSet rs,
      conn.Query(fmt::format(
          "SELECT c.COLUMN_NAME, t.AUTO_INCREMENT FROM information_schema.COLUMNS c JOIN "
          "information_schema.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = "
          "c.TABLE_NAME WHERE c.TABLE_SCHEMA = {} AND c.TABLE_NAME = {} AND c.EXTRA LIKE "
          "'%auto_increment%'",
          mysql::QuoteString(original.db), mysql::QuoteString(original.name))));
  if (rs.empty()) return Status::OK();
  const schema::Column* c = original.FindColumn(rs[0][0].value_or(""));
  if (c == nullptr) return Status::OK();
  const schema::Column* type = c;
  if (changed != nullptr) {
    if (const schema::Column* after = changed->FindColumn(c->name)) type = after;
  }
  const uint64_t max = IntegerTypeMaximum(type->data_type, type->is_unsigned);
  const uint64_t used = ParseUint64(rs[0][1].value_or("0")).value_or(0);
  if (max == 0 || used == 0) return Status::OK();
  const double share = static_cast<double>(used) / static_cast<double>(max);
  if (share < kAutoIncrementWarnShare) return Status::OK();
  Risk r;
  r.kind = "auto_increment_near_limit";
  r.rows = 0;
  r.detail = fmt::format("AUTO_INCREMENT of `{}` is at {} of {}'s {} ({:.0f}%)", c->name, used,
                         type->column_type, max, share * 100);
  r.fix = fmt::format("widen `{}` (e.g. to BIGINT UNSIGNED) before inserts fail", c->name);
  r.blocking = false;
  risks.push_back(std::move(r));
  return Status::OK();
}

}  // namespace

uint64_t IntegerTypeMaximum(std::string_view data_type, bool is_unsigned) {
  const std::string t = AsciiLower(data_type);
  int bits = 0;
  if (t == "tinyint") bits = 8;
  if (t == "smallint") bits = 16;
  if (t == "mediumint") bits = 24;
  if (t == "int" || t == "integer") bits = 32;
  if (t == "bigint") bits = 64;
  if (bits == 0) return 0;
  if (bits == 64) return is_unsigned ? UINT64_MAX : static_cast<uint64_t>(INT64_MAX);
  return is_unsigned ? (uint64_t{1} << bits) - 1 : (uint64_t{1} << (bits - 1)) - 1;
}

Result<std::vector<Risk>> FindDataRisks(mysql::Connection& conn, const std::string& q_table,
                                        const schema::TableSchema& original,
                                        const schema::TableSchema& changed,
                                        const schema::ColumnMapping& mapping) {
  std::vector<Risk> risks;
  SAFEDDL_RETURN_IF_ERROR(AddValueRisks(conn, q_table, original, changed, mapping, risks));
  SAFEDDL_RETURN_IF_ERROR(AddDuplicateRisks(conn, q_table, original, changed, mapping, risks));
  SAFEDDL_RETURN_IF_ERROR(AddDroppedColumnRisks(conn, q_table, original, mapping, risks));
  return risks;
}

Result<std::vector<Risk>> FindTableRisks(mysql::Connection& conn,
                                         const schema::TableSchema& original,
                                         const schema::TableSchema* changed) {
  std::vector<Risk> risks;
  if (!original.foreign_keys.empty() || !original.referenced_by.empty()) {
    std::vector<std::string> names;
    for (const auto& fk : original.foreign_keys) {
      names.push_back(fmt::format("{} -> `{}`.`{}`", fk.name, fk.parent_db, fk.parent_table));
    }
    for (const auto& fk : original.referenced_by) {
      names.push_back(
          fmt::format("`{}`.`{}`.{} -> this table", fk.child_db, fk.child_table, fk.name));
    }
    Risk r;
    r.kind = "foreign_keys";
    r.rows = static_cast<int64_t>(names.size());
    r.detail = "foreign keys: " + JoinStrings(names, "; ");
    r.fix = original.referenced_by.empty()
                ? "safeddl alter needs --discard-foreign-keys (the new table has none); a native "
                  "ALTER keeps them"
                : "an online copy cannot swap a table other tables reference: drop those keys "
                  "first, or use a native ALTER";
    r.blocking = false;
    risks.push_back(std::move(r));
  }
  if (!original.triggers.empty()) {
    std::vector<std::string> names;
    for (const auto& t : original.triggers) names.push_back(t.name);
    Risk r;
    r.kind = "triggers";
    r.rows = static_cast<int64_t>(names.size());
    r.detail = "triggers: " + JoinStrings(names, ", ");
    r.fix = "safeddl alter needs --include-triggers to carry them to the new table";
    r.blocking = false;
    risks.push_back(std::move(r));
  }
  SAFEDDL_RETURN_IF_ERROR(AddAutoIncrementRisk(conn, original, changed, risks));
  return risks;
}

Result<std::vector<Risk>> FindOpenSessions(mysql::Connection& conn, const std::string& db,
                                           const std::string& table,
                                           const std::set<uint64_t>& own) {
  locks::CollectOptions options;
  options.own_session_ids = own;
  SAFEDDL_ASSIGN_OR_RETURN(locks::LockSnapshot snap, locks::CollectSnapshot(conn, options));
  std::vector<std::string> found;
  const bool known = snap.HoldersVisible();
  for (const locks::SessionInfo& s : snap.sessions) {
    if (own.count(s.id) > 0 || s.kind != locks::ThreadKind::kClient) continue;
    std::string why;
    if (known) {
      for (const locks::MdlLock& l : snap.locks) {
        if (l.session_id == s.id && EqualsIgnoreCase(l.schema, db) &&
            EqualsIgnoreCase(l.table, table)) {
          why = fmt::format("{} the table's metadata lock ({})", l.granted ? "holds" : "waits for",
                            l.mode);
          break;
        }
      }
    } else if (s.trx) {
      why = fmt::format(
          "in a transaction for {:.0f}s (may hold the table's metadata lock: the "
          "server shows no lock holders without the METADATA_LOCK_INFO plugin)",
          s.trx->age_seconds);
    }
    if (why.empty() && !s.info.empty() &&
        AsciiLower(s.info).find(AsciiLower(table)) != std::string::npos) {
      why = fmt::format("running a statement that names the table for {:.0f}s", s.time_seconds);
    }
    if (!why.empty()) {
      found.push_back(fmt::format("session {} ({}@{}): {}", s.id, s.user, s.host, why));
    }
  }
  if (found.empty()) return std::vector<Risk>{};
  Risk r;
  r.kind = "open_transactions";
  r.rows = static_cast<int64_t>(found.size());
  r.detail = JoinStrings(found, "; ");
  r.fix =
      "a native ALTER would wait behind them for the metadata lock, and every query on the "
      "table would queue behind it (the pileup `safeddl unblock` clears): end them first, or "
      "run the ALTER with a short lock_wait_timeout and retry";
  r.examples = found;
  r.blocking = false;
  return std::vector<Risk>{r};
}

Result<std::vector<Risk>> FindDroppedTableData(mysql::Connection& conn, const std::string& db,
                                               const std::string& table) {
  SAFEDDL_ASSIGN_OR_RETURN(std::string q, mysql::QuoteQualified(db, table));
  SAFEDDL_ASSIGN_OR_RETURN(std::optional<std::string> n,
                           conn.QueryValue("SELECT COUNT(*) FROM " + q));
  const int64_t rows = ParseInt64(n.value_or("0")).value_or(0);
  if (rows == 0) return std::vector<Risk>{};
  Risk r;
  r.kind = "dropped_table_data";
  r.rows = rows;
  r.detail = fmt::format("{} holds {} row(s): DROP TABLE destroys them", q, rows);
  r.fix =
      "keep them first (`safeddl snapshot`, or RENAME TABLE to a name of your own and drop it "
      "later)";
  return std::vector<Risk>{r};
}

}  // namespace safeddl::plan
