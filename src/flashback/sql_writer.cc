#include "flashback/sql_writer.h"

#include <fmt/format.h>

#include <algorithm>

#include "binlog/charset.h"
#include "binlog/row_change_json.h"
#include "flashback/load_data.h"
#include "mysql/quote.h"

namespace safeddl::flashback {
namespace {

// binlog::ToSqlLiteral, but latin1 text that is printable ASCII without quotes or backslashes
// as plain quoted text: over a utf8mb4 connection it converts to the same latin1 bytes, and its
// meaning does not depend on sql_mode (no escapes).
std::string Literal(const binlog::Value& v) {
  if (v.kind() == binlog::ValueKind::kString && v.collation() &&
      binlog::CharsetOf(*v.collation()) == binlog::Charset::kLatin1) {
    const std::string& bytes = v.bytes();
    const bool plain = std::all_of(bytes.begin(), bytes.end(), [](char ch) {
      const auto b = static_cast<unsigned char>(ch);
      return b >= 0x20 && b <= 0x7e && ch != '\'' && ch != '\\';
    });
    if (plain) return "'" + bytes + "'";
  }
  return binlog::ToSqlLiteral(v);
}

void AppendComparison(std::string& out, const TableTarget& target,
                      const std::vector<std::string_view>& image, uint32_t i, std::string_view op) {
  if (!out.empty()) out += " AND ";
  out += target.columns[i];
  out += op;
  out += image[i];
}

// Every comparable column of `image` with `<=>`.
Result<std::string> AllColumnsCondition(const TableTarget& target,
                                        const std::vector<std::string_view>& image) {
  std::string out;
  for (uint32_t i = 0; i < image.size() && i < target.columns.size(); ++i) {
    if (target.comparable[i]) AppendComparison(out, target, image, i, " <=> ");
  }
  if (out.empty()) {
    return UnsupportedError(fmt::format(
        "cannot find rows of {} again: no key and no column that compares exactly", target.quoted));
  }
  return out;
}

Result<std::string> Locate(const TableTarget& target, const std::vector<std::string_view>& image) {
  if (!KeyUsable(target, image)) return AllColumnsCondition(target, image);
  std::string out;
  for (uint32_t i : target.locator.columns) AppendComparison(out, target, image, i, "=");
  return out;
}

Result<std::string> Where(const TableTarget& target, const LiteralOp& op, bool guarded) {
  SAFEDDL_ASSIGN_OR_RETURN(std::string where, Locate(target, LocatedImage(op)));
  if (guarded && target.locator.kind != LocatorKind::kAllColumns) {
    SAFEDDL_ASSIGN_OR_RETURN(std::string all, AllColumnsCondition(target, op.current));
    where += " AND " + all;
  }
  return where;
}

Status CheckWidth(const TableTarget& target, const std::vector<std::string_view>& image) {
  if (image.size() == target.columns.size()) return Status::OK();
  return InternalError(fmt::format("a row of {} has {} values for {} columns", target.quoted,
                                   image.size(), target.columns.size()));
}

Result<std::string> Render(const TableTarget& target, const LiteralOp& op, bool guarded) {
  if (op.kind != OpKind::kDelete) SAFEDDL_RETURN_IF_ERROR(CheckWidth(target, op.target));
  if (op.kind != OpKind::kInsert) SAFEDDL_RETURN_IF_ERROR(CheckWidth(target, op.current));
  switch (op.kind) {
    case OpKind::kInsert: {
      std::string out = "INSERT INTO " + target.quoted + " (";
      for (size_t i = 0; i < target.columns.size(); ++i) {
        if (i > 0) out += ", ";
        out += target.columns[i];
      }
      out += ") VALUES (";
      for (size_t i = 0; i < op.target.size(); ++i) {
        if (i > 0) out += ", ";
        out += op.target[i];
      }
      return out + ");";
    }
    case OpKind::kUpdate: {
      std::string set;
      auto append_set = [&](size_t i) {
        if (!set.empty()) set += ", ";
        set += target.columns[i];
        set += '=';
        set += op.target[i];
      };
      for (size_t i = 0; i < op.target.size(); ++i) {
        if (op.current[i] != op.target[i]) append_set(i);
      }
      if (set.empty()) {  // no column differs: set them all, so the statement is well-formed
        for (size_t i = 0; i < op.target.size(); ++i) append_set(i);
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
  SAFEDDL_ASSIGN_OR_RETURN(target.quoted_database, mysql::QuoteIdentifier(table.database));
  for (size_t i = 0; i < table.columns.size(); ++i) {
    if (i >= naming.names.size()) return InternalError("fewer column names than columns");
    SAFEDDL_ASSIGN_OR_RETURN(std::string name, mysql::QuoteIdentifier(naming.names[i]));
    target.columns.push_back(std::move(name));
    target.comparable.push_back(!IsApproximateColumn(table.columns[i]));
    target.load_forms.push_back(LoadFormOf(table.columns[i]));
  }
  target.locator = ChooseLocator(table, naming, unique_keys);
  if (target.locator.kind == LocatorKind::kPrimaryKey) target.key_index = "PRIMARY";
  if (target.locator.kind == LocatorKind::kUniqueKey) {
    SAFEDDL_ASSIGN_OR_RETURN(target.key_index, mysql::QuoteIdentifier(target.locator.key_name));
  }
  return target;
}

Status ImageLiterals(const binlog::ColumnNaming& naming, const binlog::RowImage& image,
                     std::vector<std::string>& out) {
  out.clear();
  for (size_t i = 0; i < image.values.size(); ++i) {
    if (image.values[i].is_absent()) {
      return UnsupportedError("a partial row image cannot be written back exactly");
    }
    out.push_back(Literal(binlog::NamedValue(naming, image, i)));
  }
  return Status::OK();
}

bool IsKeyColumn(const TableTarget& target, uint32_t i) {
  const std::vector<uint32_t>& key = target.locator.columns;
  return std::find(key.begin(), key.end(), i) != key.end();
}

bool KeyUsable(const TableTarget& target, const std::vector<std::string_view>& image) {
  if (target.locator.kind == LocatorKind::kAllColumns || target.locator.columns.empty()) {
    return false;
  }
  for (uint32_t i : target.locator.columns) {
    if (i >= image.size() || IsNullLiteral(image[i])) return false;
  }
  return true;
}

Result<std::string> RowOpSql(const TableTarget& target, const LiteralOp& op) {
  return Render(target, op, /*guarded=*/false);
}

Result<std::string> GuardedRowOpSql(const TableTarget& target, const LiteralOp& op) {
  return Render(target, op, /*guarded=*/true);
}

Result<std::string> CurrentRowSql(const TableTarget& target, const LiteralOp& op) {
  SAFEDDL_ASSIGN_OR_RETURN(std::string where, Locate(target, LocatedImage(op)));
  std::string matches = "1";
  if (op.kind != OpKind::kInsert) {
    SAFEDDL_ASSIGN_OR_RETURN(matches, AllColumnsCondition(target, op.current));
  }
  return fmt::format("SELECT ({}) AS safeddl_matches, {}.* FROM {} WHERE {} LIMIT 1 FOR UPDATE",
                     matches, target.quoted, target.quoted, where);
}

Result<std::string> LocateCondition(const TableTarget& target, const LiteralOp& op) {
  return Locate(target, LocatedImage(op));
}

std::string SessionPreamble() {
  return "SET NAMES utf8mb4;\n"
         "SET SESSION time_zone = '+00:00';\n"
         "SET SESSION sql_mode = 'NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION';\n";
}

}  // namespace safeddl::flashback
