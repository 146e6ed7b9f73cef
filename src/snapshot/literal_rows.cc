#include "snapshot/literal_rows.h"

#include <fmt/format.h>

#include <algorithm>
#include <memory>

#include "common/strings.h"
#include "mysql/quote.h"
#include "osc/key_range.h"
#include "schema/introspect.h"
#include "snapshot/take.h"

namespace safeddl::snapshot {
namespace {

constexpr size_t kMaxRowsPerRead = 1000;
constexpr size_t kBytesPerRead = 8 << 20;       // rows read at once: about this much text
constexpr size_t kBytesPerStatement = 1 << 20;  // well under the client's max_allowed_packet

bool OneOf(const std::string& s, std::initializer_list<const char*> names) {
  return std::any_of(names.begin(), names.end(), [&](const char* n) { return s == n; });
}

// The key rows are read in (take.h: SnapshotKey).
Result<std::vector<osc::KeyColumn>> ReadKey(const schema::TableSchema& t) {
  const schema::Index* key = SnapshotKey(t);
  if (key == nullptr) {
    return FailedPreconditionError(
        fmt::format("`{}` has no usable key (a PRIMARY or NOT NULL UNIQUE key)", t.name));
  }
  std::vector<osc::KeyColumn> out;
  for (const std::string& name : key->columns) {
    const schema::Column* c = t.FindColumn(name);
    if (c == nullptr) return InternalError("key column " + name + " not found");
    SAFEDDL_ASSIGN_OR_RETURN(osc::KeyColumn k,
                             osc::MakeKeyColumn(c->name, c->data_type, c->charset.value_or(""),
                                                c->collation.value_or("")));
    out.push_back(std::move(k));
  }
  return out;
}

}  // namespace

Result<std::string> LiteralExpression(const schema::Column& c) {
  const std::string col = *mysql::QuoteIdentifier(c.name);
  const std::string& t = c.data_type;
  std::string expr;
  if (c.IsInteger() || OneOf(t, {"decimal", "year", "double"})) {
    expr = "CONCAT(" + col + ")";
  } else if (t == "float") {
    expr = "CONCAT(CAST(" + col + " AS DOUBLE))";
  } else if (t == "bit") {
    expr = "CONCAT(" + col + " + 0)";
  } else if (OneOf(t, {"char", "varchar", "tinytext", "text", "mediumtext", "longtext", "enum",
                       "set", "json"})) {
    if (!c.charset) return InternalError("column " + col + " has no character set");
    expr = fmt::format("CONCAT('_{} X''', HEX({}), '''')", *c.charset, col);
  } else if (OneOf(t, {"binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob",
                       "geometry", "point", "linestring", "polygon", "multipoint",
                       "multilinestring", "multipolygon", "geometrycollection"})) {
    expr = fmt::format("CONCAT('X''', HEX({}), '''')", col);
  } else if (OneOf(t, {"date", "datetime", "timestamp", "time", "inet4", "inet6", "uuid"})) {
    expr = fmt::format("CONCAT('''', {}, '''')", col);
  } else {
    return UnsupportedError(fmt::format(
        "column {} is of type {}, which a snapshot file cannot write exactly yet; keep the "
        "snapshot on the server (without --to-file)",
        col, c.column_type));
  }
  return fmt::format("IFNULL({}, 'NULL')", expr);
}

Result<LiteralRowsRead> ReadLiteralRows(
    mysql::Connection& conn, const std::string& db, const std::string& table,
    const std::string& where, const LiteralRowsSink& sink,
    const std::function<Status(const std::vector<std::string>& columns)>& columns_known) {
  SAFEDDL_ASSIGN_OR_RETURN(schema::TableSchema t, schema::IntrospectTable(conn, db, table));
  SAFEDDL_ASSIGN_OR_RETURN(std::vector<osc::KeyColumn> key, ReadKey(t));
  LiteralRowsRead out;
  std::vector<std::string> select;
  for (const osc::KeyColumn& k : key) select.push_back(osc::SelectExpression(k));
  for (const schema::Column& c : t.columns) {
    if (c.IsGenerated()) continue;
    SAFEDDL_ASSIGN_OR_RETURN(std::string e, LiteralExpression(c));
    select.push_back(std::move(e));
    out.columns.push_back(*mysql::QuoteIdentifier(c.name));
  }
  if (columns_known) SAFEDDL_RETURN_IF_ERROR(columns_known(out.columns));
  std::vector<std::string> order;
  for (const osc::KeyColumn& k : key) order.push_back(*mysql::QuoteIdentifier(k.name));
  SAFEDDL_ASSIGN_OR_RETURN(std::string from, mysql::QuoteQualified(db, table));
  std::vector<std::string> after;  // the last key read, as literals
  size_t limit = kMaxRowsPerRead;
  for (;;) {
    std::vector<std::string> conditions;
    if (!where.empty()) conditions.push_back("(" + where + ")");
    if (!after.empty())
      conditions.push_back(osc::TupleComparison(key, after, osc::TupleOp::kGreater));
    SAFEDDL_ASSIGN_OR_RETURN(
        mysql::ResultSet rs,
        conn.Query(
            fmt::format("SELECT {} FROM {}{} ORDER BY {} LIMIT {}", JoinStrings(select, ", "), from,
                        conditions.empty() ? "" : " WHERE " + JoinStrings(conditions, " AND "),
                        JoinStrings(order, ", "), limit)));
    if (rs.empty()) break;
    size_t read_bytes = 0;
    std::vector<std::string> tuples;
    tuples.reserve(rs.size());
    for (const mysql::Row& row : rs.rows()) {
      std::vector<std::string> values;
      for (size_t i = key.size(); i < row.size(); ++i) values.push_back(row[i].value_or("NULL"));
      tuples.push_back("(" + JoinStrings(values, ",") + ")");
      read_bytes += tuples.back().size();
    }
    out.rows += static_cast<int64_t>(tuples.size());
    SAFEDDL_RETURN_IF_ERROR(sink(tuples));
    const mysql::Row& last = rs.rows().back();
    after.clear();
    for (size_t i = 0; i < key.size(); ++i) {
      SAFEDDL_ASSIGN_OR_RETURN(std::string literal,
                               osc::RenderKeyLiteral(key[i], last[i].value_or("")));
      after.push_back(std::move(literal));
    }
    if (rs.size() < limit) break;
    limit = std::clamp<size_t>(kBytesPerRead / std::max<size_t>(1, read_bytes / rs.size()), 1,
                               kMaxRowsPerRead);
  }
  return out;
}

Result<int64_t> CopyLiteralRows(mysql::Connection& from, const std::string& db,
                                const std::string& table, const std::string& where,
                                mysql::Connection& to, const std::string& into,
                                const std::function<Status()>& between_reads) {
  SAFEDDL_RETURN_IF_ERROR(from.Execute("SET SESSION time_zone = '+00:00'"));
  SAFEDDL_RETURN_IF_ERROR(to.Execute(
      "SET SESSION time_zone = '+00:00', sql_mode = 'NO_AUTO_VALUE_ON_ZERO,STRICT_ALL_TABLES'"));
  std::unique_ptr<StatementBatcher> batcher;
  const auto columns_known = [&](const std::vector<std::string>& names) {
    batcher = std::make_unique<StatementBatcher>(
        fmt::format("INSERT INTO {} ({}) VALUES\n", into, JoinStrings(names, ", ")),
        [&](const std::string& statement) { return to.Execute(statement); });
    return Status::OK();
  };
  const auto sink = [&](const std::vector<std::string>& tuples) -> Status {
    for (const std::string& t : tuples) SAFEDDL_RETURN_IF_ERROR(batcher->Add(t));
    return between_reads ? between_reads() : Status::OK();
  };
  SAFEDDL_ASSIGN_OR_RETURN(LiteralRowsRead read,
                           ReadLiteralRows(from, db, table, where, sink, columns_known));
  if (batcher) SAFEDDL_RETURN_IF_ERROR(batcher->Flush());
  return read.rows;
}

Status StatementBatcher::Add(const std::string& tuple) {
  if (tuples_ > 0 && statement_.size() + tuple.size() > kBytesPerStatement) {
    SAFEDDL_RETURN_IF_ERROR(Flush());
  }
  statement_ += tuples_ == 0 ? prefix_ + tuple : ",\n" + tuple;
  ++tuples_;
  return Status::OK();
}

Status StatementBatcher::Flush() {
  if (tuples_ == 0) return Status::OK();
  Status s = emit_(statement_);
  statement_.clear();
  tuples_ = 0;
  return s;
}

}  // namespace safeddl::snapshot
