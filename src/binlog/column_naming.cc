#include "binlog/column_naming.h"

#include <fmt/format.h>

#include <array>

namespace safeddl::binlog {
namespace {

struct TypeFamily {
  std::string_view data_type;
  std::array<ColumnType, 3> logged;  // kNull pads unused slots
};

constexpr ColumnType kNone = ColumnType::kNull;
constexpr uint8_t kMaxTemporalDigits = 6;

// information_schema DATA_TYPE -> the real types a table map logs for it (ENUM and SET by their
// real type, see ColumnDef::real_type).
constexpr std::array<TypeFamily, 28> kFamilies = {{
    {"tinyint", {ColumnType::kTiny, kNone, kNone}},
    {"smallint", {ColumnType::kShort, kNone, kNone}},
    {"mediumint", {ColumnType::kInt24, kNone, kNone}},
    {"int", {ColumnType::kLong, kNone, kNone}},
    {"bigint", {ColumnType::kLongLong, kNone, kNone}},
    {"decimal", {ColumnType::kNewDecimal, ColumnType::kDecimal, kNone}},
    {"float", {ColumnType::kFloat, kNone, kNone}},
    {"double", {ColumnType::kDouble, kNone, kNone}},
    {"bit", {ColumnType::kBit, kNone, kNone}},
    {"year", {ColumnType::kYear, kNone, kNone}},
    {"date", {ColumnType::kDate, ColumnType::kNewDate, kNone}},
    {"time", {ColumnType::kTime, ColumnType::kTime2, kNone}},
    {"datetime", {ColumnType::kDatetime, ColumnType::kDatetime2, kNone}},
    {"timestamp", {ColumnType::kTimestamp, ColumnType::kTimestamp2, kNone}},
    {"char", {ColumnType::kString, ColumnType::kVarString, kNone}},
    {"binary", {ColumnType::kString, ColumnType::kVarString, kNone}},
    {"varchar", {ColumnType::kVarchar, ColumnType::kVarString, kNone}},
    {"varbinary", {ColumnType::kVarchar, ColumnType::kVarString, kNone}},
    {"inet6", {ColumnType::kString, kNone, kNone}},
    {"uuid", {ColumnType::kString, kNone, kNone}},
    {"inet4", {ColumnType::kString, ColumnType::kLong, kNone}},
    {"enum", {ColumnType::kEnum, kNone, kNone}},
    {"set", {ColumnType::kSet, kNone, kNone}},
    {"geometry", {ColumnType::kGeometry, kNone, kNone}},
    {"point", {ColumnType::kGeometry, kNone, kNone}},
    {"linestring", {ColumnType::kGeometry, kNone, kNone}},
    {"polygon", {ColumnType::kGeometry, kNone, kNone}},
    {"json", {ColumnType::kBlob, kNone, kNone}},
}};

bool IsBlobType(ColumnType t) {
  return t == ColumnType::kBlob || t == ColumnType::kTinyBlob || t == ColumnType::kMediumBlob ||
         t == ColumnType::kLongBlob;
}

bool IsOldTemporal(ColumnType t) {
  return t == ColumnType::kTime || t == ColumnType::kDatetime || t == ColumnType::kTimestamp;
}

bool IsBlobOrTextName(std::string_view d) {
  return d == "tinyblob" || d == "blob" || d == "mediumblob" || d == "longblob" ||
         d == "tinytext" || d == "text" || d == "mediumtext" || d == "longtext";
}

bool IsMultiGeometryName(std::string_view d) {
  return d == "multipoint" || d == "multilinestring" || d == "multipolygon" ||
         d == "geometrycollection";
}

std::vector<std::string> PositionalNames(size_t n) {
  std::vector<std::string> names;
  names.reserve(n);
  for (size_t i = 0; i < n; ++i) names.push_back(fmt::format("@{}", i + 1));
  return names;
}

// Empty when the schema fits the table map, else the first difference.
std::string SchemaMismatch(const TableMapEvent& table, const std::vector<SchemaColumn>& schema) {
  if (schema.size() != table.columns.size()) {
    return fmt::format("the binlog has {} columns, the current schema {}", table.columns.size(),
                       schema.size());
  }
  for (size_t i = 0; i < schema.size(); ++i) {
    if (!SchemaTypeFits(table.columns[i], schema[i].data_type)) {
      return fmt::format("column {} ({}) is {} in the current schema but {} in the binlog", i + 1,
                         schema[i].name, schema[i].data_type,
                         ColumnTypeName(table.columns[i].real_type));
    }
  }
  return "";
}

}  // namespace

std::string_view NameSourceName(NameSource source) {
  switch (source) {
    case NameSource::kMetadata:
      return "metadata";
    case NameSource::kSchema:
      return "schema";
    case NameSource::kPosition:
      return "position";
  }
  return "position";
}

bool SchemaTypeFits(const ColumnDef& column, std::string_view data_type) {
  const ColumnType t = column.real_type;
  if (IsBlobOrTextName(data_type)) return IsBlobType(t);
  if (IsMultiGeometryName(data_type)) return t == ColumnType::kGeometry;
  for (const TypeFamily& f : kFamilies) {
    if (f.data_type != data_type) continue;
    for (ColumnType logged : f.logged) {
      if (logged != kNone && logged == t) return true;
    }
    return false;
  }
  return true;  // a type this table does not know (newer server): do not second-guess it
}

ColumnNaming ResolveColumnNaming(const TableMapEvent& table,
                                 const std::vector<SchemaColumn>* schema) {
  const size_t n = table.columns.size();
  ColumnNaming naming;
  naming.unsigned_from_schema.assign(n, false);
  bool schema_fits = false;
  if (schema != nullptr) {
    naming.mismatch = SchemaMismatch(table, *schema);
    schema_fits = naming.mismatch.empty();
  }
  if (table.has_column_names) {
    naming.source = NameSource::kMetadata;
    naming.names.reserve(n);
    for (size_t i = 0; i < n; ++i) {
      naming.names.push_back(table.columns[i].name.value_or(fmt::format("@{}", i + 1)));
    }
  } else if (schema_fits) {
    naming.source = NameSource::kSchema;
    for (const SchemaColumn& c : *schema) naming.names.push_back(c.name);
  } else {
    naming.source = NameSource::kPosition;
    naming.names = PositionalNames(n);
  }
  if (table.has_primary_key) {
    for (const PrimaryKeyPart& part : table.primary_key) {
      // A prefix key part does not identify the row by itself; use every column instead.
      if (part.prefix_length != 0 || part.column >= n) {
        naming.primary_key.clear();
        break;
      }
      naming.primary_key.push_back(part.column);
    }
  } else if (schema_fits) {
    for (size_t i = 0; i < n; ++i) {
      if ((*schema)[i].primary_key) naming.primary_key.push_back(static_cast<uint32_t>(i));
    }
  }
  if (!table.has_signedness && schema_fits) {
    for (size_t i = 0; i < n; ++i) {
      naming.unsigned_from_schema[i] = (*schema)[i].is_unsigned && table.columns[i].IsNumeric();
    }
  }
  return naming;
}

bool HasOldTemporalColumns(const TableMapEvent& table) {
  for (const ColumnDef& c : table.columns) {
    if (IsOldTemporal(c.type)) return true;
  }
  return false;
}

std::shared_ptr<const TableMapEvent> WithSchemaTemporalDigits(
    std::shared_ptr<const TableMapEvent> table, const std::vector<SchemaColumn>* schema) {
  if (schema == nullptr || !HasOldTemporalColumns(*table) ||
      !SchemaMismatch(*table, *schema).empty()) {
    return table;
  }
  std::shared_ptr<TableMapEvent> copy;
  for (size_t i = 0; i < table->columns.size(); ++i) {
    const uint8_t digits = (*schema)[i].datetime_precision;
    if (!IsOldTemporal(table->columns[i].type) || table->columns[i].scale == digits ||
        digits > kMaxTemporalDigits) {
      continue;
    }
    if (copy == nullptr) copy = std::make_shared<TableMapEvent>(*table);
    copy->columns[i].scale = digits;
  }
  if (copy == nullptr) return table;
  return copy;
}

}  // namespace safeddl::binlog
