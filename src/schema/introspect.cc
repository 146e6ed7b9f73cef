#include "schema/introspect.h"

#include <fmt/format.h>

#include <cctype>

#include <algorithm>
#include <string>
#include <utility>

#include "common/strings.h"
#include "mysql/quote.h"

namespace safeddl::schema {
namespace {

constexpr std::string_view kPrimaryIndexName = "PRIMARY";

// "`db`.`t`" for messages; falls back to plain text for names QuoteIdentifier refuses.
std::string DisplayName(std::string_view db, std::string_view table) {
  auto q = mysql::QuoteQualified(db, table);
  if (q.ok()) return *q;
  return std::string(db) + "." + std::string(table);
}

bool Contains(std::string_view haystack, std::string_view needle) {
  return AsciiLower(haystack).find(AsciiLower(needle)) != std::string::npos;
}

// Reads information_schema.TABLES; kNotFound when the table does not exist.
Status ReadTableRow(mysql::Connection& conn, std::string_view db, std::string_view table,
                    TableSchema* out) {
  const std::string sql =
      "SELECT TABLE_TYPE, ENGINE, CREATE_OPTIONS FROM information_schema.TABLES "
      "WHERE TABLE_SCHEMA = " +
      mysql::QuoteString(db) + " AND TABLE_NAME = " + mysql::QuoteString(table);
  SAFEDDL_ASSIGN_OR_RETURN(mysql::ResultSet rs, conn.Query(sql));
  if (rs.empty()) {
    return NotFoundError("table " + DisplayName(db, table) + " does not exist");
  }
  const mysql::Row& row = rs[0];
  const std::string type = row.GetString("TABLE_TYPE");
  if (EqualsIgnoreCase(type, "VIEW")) {
    return UnsupportedError(DisplayName(db, table) + " is a view, not a base table");
  }
  if (EqualsIgnoreCase(type, "SEQUENCE")) {
    return UnsupportedError(DisplayName(db, table) + " is a sequence, not a base table");
  }
  out->system_versioned = EqualsIgnoreCase(type, "SYSTEM VERSIONED");
  out->engine = row.GetString("ENGINE");
  out->partitioned = Contains(row.GetString("CREATE_OPTIONS"), "partitioned");
  return Status::OK();
}

GeneratedKind GeneratedFrom(const mysql::Row& row) {
  const std::string extra = row.GetString("EXTRA");
  const bool generated =
      EqualsIgnoreCase(row.GetString("IS_GENERATED"), "ALWAYS") || Contains(extra, "GENERATED");
  if (!generated) return GeneratedKind::kNone;
  // MariaDB writes "VIRTUAL GENERATED" or "STORED GENERATED" (PERSISTENT is a synonym of STORED).
  if (Contains(extra, "VIRTUAL")) return GeneratedKind::kVirtual;
  return GeneratedKind::kStored;
}

Status ReadColumns(mysql::Connection& conn, std::string_view db, std::string_view table,
                   TableSchema* out) {
  const std::string sql =
      "SELECT COLUMN_NAME, ORDINAL_POSITION, DATA_TYPE, COLUMN_TYPE, IS_NULLABLE, "
      "CHARACTER_SET_NAME, COLLATION_NAME, CHARACTER_OCTET_LENGTH, COLUMN_DEFAULT, EXTRA, "
      "IS_GENERATED, GENERATION_EXPRESSION FROM information_schema.COLUMNS "
      "WHERE TABLE_SCHEMA = " +
      mysql::QuoteString(db) + " AND TABLE_NAME = " + mysql::QuoteString(table) +
      " ORDER BY ORDINAL_POSITION";
  SAFEDDL_ASSIGN_OR_RETURN(mysql::ResultSet rs, conn.Query(sql));
  for (const mysql::Row& row : rs.rows()) {
    Column c;
    c.name = row.GetString("COLUMN_NAME");
    c.ordinal = static_cast<int>(row.GetInt("ORDINAL_POSITION").value_or(0));
    c.data_type = AsciiLower(row.GetString("DATA_TYPE"));
    c.column_type = row.GetString("COLUMN_TYPE");
    c.nullable = EqualsIgnoreCase(row.GetString("IS_NULLABLE"), "YES");
    c.is_unsigned = Contains(c.column_type, " unsigned");
    c.charset = row.Get("CHARACTER_SET_NAME");
    c.collation = row.Get("COLLATION_NAME");
    if (auto len = row.GetUint("CHARACTER_OCTET_LENGTH")) c.octet_length = *len;
    c.generated = GeneratedFrom(row);
    if (c.IsGenerated()) {
      // MariaDB reports the word NULL as the "default" of a generated column: it has none.
      c.generation_expression = row.GetString("GENERATION_EXPRESSION");
    } else {
      c.default_value = row.Get("COLUMN_DEFAULT");
    }
    c.invisible = Contains(row.GetString("EXTRA"), "INVISIBLE");
    out->columns.push_back(std::move(c));
  }
  if (out->columns.empty()) {
    // The TABLES row existed a moment ago: the table was dropped in between.
    return NotFoundError("table " + DisplayName(db, table) + " does not exist");
  }
  return Status::OK();
}

Status ReadIndexes(mysql::Connection& conn, std::string_view db, std::string_view table,
                   TableSchema* out) {
  const std::string sql =
      "SELECT INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX, COLUMN_NAME, SUB_PART, INDEX_TYPE "
      "FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = " +
      mysql::QuoteString(db) + " AND TABLE_NAME = " + mysql::QuoteString(table) +
      " ORDER BY INDEX_NAME, SEQ_IN_INDEX";
  SAFEDDL_ASSIGN_OR_RETURN(mysql::ResultSet rs, conn.Query(sql));
  for (const mysql::Row& row : rs.rows()) {
    const std::string name = row.GetString("INDEX_NAME");
    if (out->indexes.empty() || out->indexes.back().name != name) {
      Index idx;
      idx.name = name;
      idx.unique = row.GetInt("NON_UNIQUE").value_or(1) == 0;
      idx.primary = name == kPrimaryIndexName;
      idx.type = row.GetString("INDEX_TYPE");
      idx.all_columns_not_null = true;
      out->indexes.push_back(std::move(idx));
    }
    Index& idx = out->indexes.back();
    const std::string column = row.GetString("COLUMN_NAME");
    if (row.Get("SUB_PART").has_value()) idx.has_prefix_part = true;
    const Column* c = out->FindColumn(column);
    if (c == nullptr || c->nullable) idx.all_columns_not_null = false;
    idx.columns.push_back(column);
  }
  std::stable_partition(out->indexes.begin(), out->indexes.end(),
                        [](const Index& i) { return i.primary; });
  return Status::OK();
}

// Foreign keys whose child (`child_side`) or parent is `db`.`table`.
Status ReadForeignKeys(mysql::Connection& conn, std::string_view db, std::string_view table,
                       bool child_side, std::vector<ForeignKey>* out) {
  const std::string qdb = mysql::QuoteString(db);
  const std::string qtable = mysql::QuoteString(table);
  std::string where;
  if (child_side) {
    // Constants on both tables let the server open only this table's definition.
    where = "k.TABLE_SCHEMA = " + qdb + " AND k.TABLE_NAME = " + qtable +
            " AND r.CONSTRAINT_SCHEMA = " + qdb + " AND r.TABLE_NAME = " + qtable;
  } else {
    where = "k.REFERENCED_TABLE_SCHEMA = " + qdb + " AND k.REFERENCED_TABLE_NAME = " + qtable +
            " AND r.UNIQUE_CONSTRAINT_SCHEMA = " + qdb + " AND r.REFERENCED_TABLE_NAME = " + qtable;
  }
  const std::string sql =
      "SELECT k.CONSTRAINT_NAME, k.TABLE_SCHEMA, k.TABLE_NAME, k.COLUMN_NAME, "
      "k.REFERENCED_TABLE_SCHEMA, k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME, "
      "r.UPDATE_RULE, r.DELETE_RULE "
      "FROM information_schema.KEY_COLUMN_USAGE k "
      "JOIN information_schema.REFERENTIAL_CONSTRAINTS r "
      "ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME "
      "AND r.TABLE_NAME = k.TABLE_NAME "
      "WHERE k.REFERENCED_TABLE_NAME IS NOT NULL AND " +
      where + " ORDER BY k.TABLE_SCHEMA, k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION";
  SAFEDDL_ASSIGN_OR_RETURN(mysql::ResultSet rs, conn.Query(sql));
  for (const mysql::Row& row : rs.rows()) {
    const std::string name = row.GetString("CONSTRAINT_NAME");
    const std::string child_db = row.GetString("TABLE_SCHEMA");
    const std::string child_table = row.GetString("TABLE_NAME");
    if (out->empty() || out->back().name != name || out->back().child_db != child_db ||
        out->back().child_table != child_table) {
      ForeignKey fk;
      fk.name = name;
      fk.child_db = child_db;
      fk.child_table = child_table;
      fk.parent_db = row.GetString("REFERENCED_TABLE_SCHEMA");
      fk.parent_table = row.GetString("REFERENCED_TABLE_NAME");
      fk.on_update = row.GetString("UPDATE_RULE");
      fk.on_delete = row.GetString("DELETE_RULE");
      out->push_back(std::move(fk));
    }
    out->back().child_columns.push_back(row.GetString("COLUMN_NAME"));
    out->back().parent_columns.push_back(row.GetString("REFERENCED_COLUMN_NAME"));
  }
  return Status::OK();
}

Status ReadTriggers(mysql::Connection& conn, std::string_view db, std::string_view table,
                    TableSchema* out) {
  const std::string sql =
      "SELECT TRIGGER_NAME, ACTION_TIMING, EVENT_MANIPULATION, ACTION_STATEMENT, DEFINER, "
      "SQL_MODE, "
      "COLLATION_CONNECTION FROM information_schema.TRIGGERS "
      "WHERE EVENT_OBJECT_SCHEMA = " +
      mysql::QuoteString(db) + " AND EVENT_OBJECT_TABLE = " + mysql::QuoteString(table) +
      " ORDER BY ACTION_TIMING, EVENT_MANIPULATION, ACTION_ORDER";
  SAFEDDL_ASSIGN_OR_RETURN(mysql::ResultSet rs, conn.Query(sql));
  for (const mysql::Row& row : rs.rows()) {
    Trigger t;
    t.name = row.GetString("TRIGGER_NAME");
    const std::string timing = row.GetString("ACTION_TIMING");
    const std::string event = row.GetString("EVENT_MANIPULATION");
    if (EqualsIgnoreCase(timing, "BEFORE")) {
      t.timing = TriggerTiming::kBefore;
    } else if (EqualsIgnoreCase(timing, "AFTER")) {
      t.timing = TriggerTiming::kAfter;
    } else {
      return UnsupportedError("trigger `" + t.name + "` has unknown timing '" + timing + "'");
    }
    if (EqualsIgnoreCase(event, "INSERT")) {
      t.event = TriggerEvent::kInsert;
    } else if (EqualsIgnoreCase(event, "UPDATE")) {
      t.event = TriggerEvent::kUpdate;
    } else if (EqualsIgnoreCase(event, "DELETE")) {
      t.event = TriggerEvent::kDelete;
    } else {
      return UnsupportedError("trigger `" + t.name + "` has unknown event '" + event + "'");
    }
    t.body = row.GetString("ACTION_STATEMENT");
    t.definer = row.GetString("DEFINER");
    t.sql_mode = row.GetString("SQL_MODE");
    t.collation_connection = row.GetString("COLLATION_CONNECTION");
    out->triggers.push_back(std::move(t));
  }
  return Status::OK();
}

Status ReadCreateStatement(mysql::Connection& conn, std::string_view db, std::string_view table,
                           TableSchema* out) {
  SAFEDDL_ASSIGN_OR_RETURN(std::string qualified, mysql::QuoteQualified(db, table));
  SAFEDDL_ASSIGN_OR_RETURN(mysql::ResultSet rs, conn.Query("SHOW CREATE TABLE " + qualified));
  constexpr size_t kCreateColumn = 1;  // columns: Table, Create Table
  if (rs.empty() || rs[0].size() <= kCreateColumn || !rs[0][kCreateColumn].has_value()) {
    return InternalError("SHOW CREATE TABLE " + qualified + " returned no statement");
  }
  out->create_statement = *rs[0][kCreateColumn];
  return Status::OK();
}

}  // namespace

Result<bool> TableExists(mysql::Connection& conn, std::string_view db, std::string_view table) {
  SAFEDDL_ASSIGN_OR_RETURN(
      std::optional<std::string> n,
      conn.QueryValue(fmt::format("SELECT COUNT(*) FROM information_schema.TABLES WHERE "
                                  "TABLE_SCHEMA = {} AND TABLE_NAME = {}",
                                  mysql::QuoteString(db), mysql::QuoteString(table))));
  return n.value_or("0") != "0";
}

Result<std::string> TableDefinition(mysql::Connection& conn, const std::string& quoted) {
  SAFEDDL_ASSIGN_OR_RETURN(mysql::ResultSet rs, conn.Query("SHOW CREATE TABLE " + quoted));
  if (rs.empty()) return NotFoundError("SHOW CREATE TABLE " + quoted + " returned nothing");
  std::string create = rs[0][1].value_or("");
  constexpr std::string_view kCounter = " AUTO_INCREMENT=";
  if (size_t at = create.find(kCounter); at != std::string::npos) {
    size_t end = at + kCounter.size();
    while (end < create.size() && std::isdigit(static_cast<unsigned char>(create[end]))) ++end;
    create.erase(at, end - at);
  }
  return create;
}

Result<TableSchema> IntrospectTable(mysql::Connection& conn, std::string_view db,
                                    std::string_view table) {
  // Validates the names up front so a bad one fails before any query runs.
  SAFEDDL_ASSIGN_OR_RETURN(std::string qualified, mysql::QuoteQualified(db, table));
  if (db.empty()) return InvalidArgumentError("no database given for table " + qualified);
  TableSchema schema;
  schema.db = std::string(db);
  schema.name = std::string(table);
  SAFEDDL_RETURN_IF_ERROR(ReadTableRow(conn, db, table, &schema));
  SAFEDDL_RETURN_IF_ERROR(ReadColumns(conn, db, table, &schema));
  SAFEDDL_RETURN_IF_ERROR(ReadIndexes(conn, db, table, &schema));
  SAFEDDL_RETURN_IF_ERROR(
      ReadForeignKeys(conn, db, table, /*child_side=*/true, &schema.foreign_keys));
  SAFEDDL_RETURN_IF_ERROR(
      ReadForeignKeys(conn, db, table, /*child_side=*/false, &schema.referenced_by));
  SAFEDDL_RETURN_IF_ERROR(ReadTriggers(conn, db, table, &schema));
  SAFEDDL_RETURN_IF_ERROR(ReadCreateStatement(conn, db, table, &schema));
  return schema;
}

}  // namespace safeddl::schema
