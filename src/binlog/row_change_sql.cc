#include "binlog/row_change_sql.h"

#include <fmt/format.h>

#include "binlog/row_change_json.h"
#include "mysql/quote.h"

namespace safeddl::binlog {
namespace {

// `a`=1, `b`='x' — the present columns of `image`, joined by `separator`, compared with `op`.
Result<std::string> Assignments(const RowImage& image, const ColumnNaming& naming,
                                const std::vector<uint32_t>* only, std::string_view op,
                                std::string_view separator) {
  std::string out;
  auto append = [&](size_t i) -> Status {
    SAFEDDL_ASSIGN_OR_RETURN(std::string name, mysql::QuoteIdentifier(naming.names[i]));
    if (!out.empty()) out += separator;
    out += name;
    out += op;
    out += ToSqlLiteral(NamedValue(naming, image, i));
    return Status::OK();
  };
  if (only != nullptr) {
    for (uint32_t i : *only) SAFEDDL_RETURN_IF_ERROR(append(i));
  } else {
    for (size_t i = 0; i < image.values.size(); ++i) {
      if (!image.values[i].is_absent()) SAFEDDL_RETURN_IF_ERROR(append(i));
    }
  }
  return out;
}

// The WHERE condition that finds the row `image` describes.
Result<std::string> WhereClause(const RowImage& image, const ColumnNaming& naming) {
  bool key_present = !naming.primary_key.empty();
  for (uint32_t i : naming.primary_key) {
    if (i >= image.values.size() || image.values[i].is_absent() || image.values[i].is_null()) {
      key_present = false;
    }
  }
  if (key_present) return Assignments(image, naming, &naming.primary_key, "=", " AND ");
  return Assignments(image, naming, nullptr, " <=> ", " AND ");
}

}  // namespace

Result<std::string> RowChangeToSql(const RowsEvent& event, const RowChange& change,
                                   const ColumnNaming& naming) {
  if (event.table == nullptr) return InvalidArgumentError("rows event without a table map");
  if (naming.source == NameSource::kPosition) {
    return FailedPreconditionError(
        fmt::format("no column names for {}.{}: the binlog has no column metadata "
                    "(binlog_row_metadata=FULL) and the current schema does not fit{}",
                    event.table->database, event.table->table,
                    naming.mismatch.empty() ? "" : " (" + naming.mismatch + ")"));
  }
  SAFEDDL_ASSIGN_OR_RETURN(std::string table,
                           mysql::QuoteQualified(event.table->database, event.table->table));
  switch (event.kind) {
    case RowsKind::kInsert: {
      std::string columns;
      std::string values;
      for (size_t i = 0; i < change.after.values.size(); ++i) {
        if (change.after.values[i].is_absent()) continue;
        SAFEDDL_ASSIGN_OR_RETURN(std::string name, mysql::QuoteIdentifier(naming.names[i]));
        if (!columns.empty()) {
          columns += ", ";
          values += ", ";
        }
        columns += name;
        values += ToSqlLiteral(NamedValue(naming, change.after, i));
      }
      return fmt::format("INSERT INTO {} ({}) VALUES ({});", table, columns, values);
    }
    case RowsKind::kUpdate: {
      SAFEDDL_ASSIGN_OR_RETURN(std::string set,
                               Assignments(change.after, naming, nullptr, "=", ", "));
      SAFEDDL_ASSIGN_OR_RETURN(std::string where, WhereClause(change.before, naming));
      return fmt::format("UPDATE {} SET {} WHERE {} LIMIT 1;", table, set, where);
    }
    case RowsKind::kDelete: {
      SAFEDDL_ASSIGN_OR_RETURN(std::string where, WhereClause(change.before, naming));
      return fmt::format("DELETE FROM {} WHERE {} LIMIT 1;", table, where);
    }
  }
  return InternalError("unknown rows event kind");
}

}  // namespace safeddl::binlog
