#include "flashback/row_locator.h"

#include <algorithm>

#include "mysql/quote.h"

namespace safeddl::flashback {
namespace {

std::vector<uint32_t> AllComparableColumns(const binlog::TableMapEvent& table) {
  std::vector<uint32_t> out;
  for (uint32_t i = 0; i < table.columns.size(); ++i) {
    if (!IsApproximateColumn(table.columns[i])) out.push_back(i);
  }
  return out;
}

std::string QuotedOrRaw(const std::string& name) {
  Result<std::string> q = mysql::QuoteIdentifier(name);
  return q.ok() ? *q : name;
}

}  // namespace

bool IsApproximateColumn(const binlog::ColumnDef& column) {
  return column.type == binlog::ColumnType::kFloat || column.type == binlog::ColumnType::kDouble;
}

RowLocator ChooseLocator(const binlog::TableMapEvent& table, const binlog::ColumnNaming& naming,
                         const std::vector<UniqueKey>& unique_keys) {
  RowLocator locator;
  if (!naming.primary_key.empty()) {
    locator.kind = LocatorKind::kPrimaryKey;
    locator.columns = naming.primary_key;
    locator.key_name = "PRIMARY";
    return locator;
  }
  for (const UniqueKey& key : unique_keys) {
    std::vector<uint32_t> columns;
    for (const std::string& name : key.columns) {
      const auto it = std::find(naming.names.begin(), naming.names.end(), name);
      if (it == naming.names.end()) break;
      columns.push_back(static_cast<uint32_t>(it - naming.names.begin()));
    }
    if (columns.size() != key.columns.size() || columns.empty()) continue;
    locator.kind = LocatorKind::kUniqueKey;
    locator.columns = std::move(columns);
    locator.key_name = key.name;
    return locator;
  }
  locator.kind = LocatorKind::kAllColumns;
  locator.columns = AllComparableColumns(table);
  return locator;
}

std::string DescribeLocator(const RowLocator& locator, std::string_view quoted_table,
                            const binlog::ColumnNaming& naming) {
  std::string out = "rows of ";
  out += quoted_table;
  if (locator.kind == LocatorKind::kAllColumns) {
    return out + " found by all columns (NULL-safe <=>, no FLOAT or DOUBLE equality)";
  }
  out += locator.kind == LocatorKind::kPrimaryKey
             ? " found by PRIMARY KEY ("
             : " found by UNIQUE KEY " + QuotedOrRaw(locator.key_name) + " (";
  for (size_t i = 0; i < locator.columns.size(); ++i) {
    if (i > 0) out += ", ";
    const uint32_t c = locator.columns[i];
    out += c < naming.names.size() ? QuotedOrRaw(naming.names[c]) : "?";
  }
  return out + ")";
}

}  // namespace safeddl::flashback
