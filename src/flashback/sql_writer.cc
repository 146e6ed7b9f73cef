#include "flashback/sql_writer.h"

#include <fmt/format.h>

#include "binlog/row_change_json.h"
#include "mysql/quote.h"

namespace safeddl::flashback {
namespace {

bool Usable(const binlog::RowImage& image, uint32_t i) {
  return i < image.values.size() && !image.values[i].is_absent();
}

Status AppendComparison(std::string& out, const TableTarget& target, const binlog::RowImage& image,
                        uint32_t i, std::string_view op) {
  SAFEDDL_ASSIGN_OR_RETURN(std::string name, mysql::QuoteIdentifier(target.naming->names[i]));
  if (!out.empty()) out += " AND ";
  out += name;
  out += op;
  out += binlog::ToSqlLiteral(binlog::NamedValue(*target.naming, image, i));
  return Status::OK();
}

// Every present, comparable column of `image` with `<=>`.
Result<std::string> AllColumnsCondition(const TableTarget& target, const binlog::RowImage& image) {
  std::string out;
  for (uint32_t i = 0; i < image.values.size() && i < target.table->columns.size(); ++i) {
    if (!Usable(image, i) || IsApproximateColumn(target.table->columns[i])) continue;
    SAFEDDL_RETURN_IF_ERROR(AppendComparison(out, target, image, i, " <=> "));
  }
  if (out.empty()) {
    return UnsupportedError(fmt::format(
        "cannot find rows of {} again: no key and no column that compares exactly", target.quoted));
  }
  return out;
}

Result<std::string> Locate(const TableTarget& target, const binlog::RowImage& image) {
  if (target.locator.kind != LocatorKind::kAllColumns) {
    bool key_usable = !target.locator.columns.empty();
    for (uint32_t i : target.locator.columns) {
      if (!Usable(image, i) || image.values[i].is_null()) key_usable = false;
    }
    if (key_usable) {
      std::string out;
      for (uint32_t i : target.locator.columns) {
        SAFEDDL_RETURN_IF_ERROR(AppendComparison(out, target, image, i, "="));
      }
      return out;
    }
  }
  return AllColumnsCondition(target, image);
}

// The image the statement finds: the current row, or for inserts the row to be inserted.
const binlog::RowImage& LocatedImage(const RowOp& op) {
  return op.kind == OpKind::kInsert ? op.target : op.current;
}

Result<std::string> Where(const TableTarget& target, const RowOp& op, bool guarded) {
  SAFEDDL_ASSIGN_OR_RETURN(std::string where, Locate(target, LocatedImage(op)));
  if (guarded && target.locator.kind != LocatorKind::kAllColumns) {
    SAFEDDL_ASSIGN_OR_RETURN(std::string all, AllColumnsCondition(target, op.current));
    where += " AND " + all;
  }
  return where;
}

Result<std::string> Render(const TableTarget& target, const RowOp& op, bool guarded) {
  switch (op.kind) {
    case OpKind::kInsert: {
      std::string columns;
      std::string values;
      for (uint32_t i = 0; i < op.target.values.size(); ++i) {
        if (!Usable(op.target, i)) continue;
        SAFEDDL_ASSIGN_OR_RETURN(std::string name, mysql::QuoteIdentifier(target.naming->names[i]));
        if (!columns.empty()) {
          columns += ", ";
          values += ", ";
        }
        columns += name;
        values += binlog::ToSqlLiteral(binlog::NamedValue(*target.naming, op.target, i));
      }
      return fmt::format("INSERT INTO {} ({}) VALUES ({});", target.quoted, columns, values);
    }
    case OpKind::kUpdate: {
      std::string set;
      auto append_set = [&](uint32_t i) -> Status {
        SAFEDDL_ASSIGN_OR_RETURN(std::string name, mysql::QuoteIdentifier(target.naming->names[i]));
        if (!set.empty()) set += ", ";
        set += name;
        set += '=';
        set += binlog::ToSqlLiteral(binlog::NamedValue(*target.naming, op.target, i));
        return Status::OK();
      };
      for (uint32_t i = 0; i < op.target.values.size(); ++i) {
        if (!Usable(op.target, i)) continue;
        if (Usable(op.current, i) && op.current.values[i] == op.target.values[i]) continue;
        SAFEDDL_RETURN_IF_ERROR(append_set(i));
      }
      if (set.empty()) {  // no column differs: set them all, so the statement is well-formed
        for (uint32_t i = 0; i < op.target.values.size(); ++i) {
          if (Usable(op.target, i)) SAFEDDL_RETURN_IF_ERROR(append_set(i));
        }
      }
      SAFEDDL_ASSIGN_OR_RETURN(std::string where, Where(target, op, guarded));
      return fmt::format("UPDATE {} SET {} WHERE {} LIMIT 1;", target.quoted, set, where);
    }
    case OpKind::kDelete: {
      SAFEDDL_ASSIGN_OR_RETURN(std::string where, Where(target, op, guarded));
      return fmt::format("DELETE FROM {} WHERE {} LIMIT 1;", target.quoted, where);
    }
  }
  return InternalError("unknown row operation");
}

}  // namespace

Result<TableTarget> MakeTableTarget(const binlog::TableMapEvent& table,
                                    const binlog::ColumnNaming& naming,
                                    const std::vector<UniqueKey>& unique_keys) {
  if (naming.source == binlog::NameSource::kPosition) {
    return FailedPreconditionError(fmt::format(
        "no column names for {}.{}: the binlog has no column metadata "
        "(binlog_row_metadata=FULL) and the current schema does not fit{}",
        table.database, table.table, naming.mismatch.empty() ? "" : " (" + naming.mismatch + ")"));
  }
  TableTarget target;
  SAFEDDL_ASSIGN_OR_RETURN(target.quoted, mysql::QuoteQualified(table.database, table.table));
  target.table = &table;
  target.naming = &naming;
  target.locator = ChooseLocator(table, naming, unique_keys);
  return target;
}

Result<std::string> RowOpSql(const TableTarget& target, const RowOp& op) {
  return Render(target, op, /*guarded=*/false);
}

Result<std::string> GuardedRowOpSql(const TableTarget& target, const RowOp& op) {
  return Render(target, op, /*guarded=*/true);
}

Result<std::string> CurrentRowSql(const TableTarget& target, const RowOp& op) {
  SAFEDDL_ASSIGN_OR_RETURN(std::string where, Locate(target, LocatedImage(op)));
  std::string matches = "1";
  if (op.kind != OpKind::kInsert) {
    SAFEDDL_ASSIGN_OR_RETURN(matches, AllColumnsCondition(target, op.current));
  }
  return fmt::format("SELECT ({}) AS safeddl_matches, {}.* FROM {} WHERE {} LIMIT 1 FOR UPDATE",
                     matches, target.quoted, target.quoted, where);
}

Result<std::string> LocateCondition(const TableTarget& target, const RowOp& op) {
  return Locate(target, LocatedImage(op));
}

std::string SessionPreamble() {
  return "SET NAMES utf8mb4;\n"
         "SET SESSION time_zone = '+00:00';\n"
         "SET SESSION sql_mode = 'NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION';\n";
}

}  // namespace safeddl::flashback
