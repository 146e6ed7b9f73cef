#include "binlog/schema_fill.h"

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
constexpr size_t kMaxOneByteEnum = 255;
constexpr uint32_t kBitsPerByte = 8;
constexpr uint32_t kLargestSmallSetBytes = 4;  // SETs of 33-64 members take 8 bytes
constexpr uint32_t kLargeSetBytes = 8;

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

bool IsTemporal2(ColumnType t) {
  return t == ColumnType::kTime2 || t == ColumnType::kDatetime2 || t == ColumnType::kTimestamp2;
}

bool IsBlobOrTextName(std::string_view d) {
  return d == "tinyblob" || d == "blob" || d == "mediumblob" || d == "longblob" ||
         d == "tinytext" || d == "text" || d == "mediumtext" || d == "longtext";
}

bool IsMultiGeometryName(std::string_view d) {
  return d == "multipoint" || d == "multilinestring" || d == "multipolygon" ||
         d == "geometrycollection";
}

// Length-prefix bytes of a BLOB/TEXT type; 0 for other names.
uint32_t BlobLengthBytes(std::string_view d) {
  if (d == "tinyblob" || d == "tinytext") return 1;
  if (d == "blob" || d == "text") return 2;
  if (d == "mediumblob" || d == "mediumtext") return 3;
  if (d == "longblob" || d == "longtext" || d == "json") return 4;
  return 0;
}

TypePlugin PluginOf(std::string_view data_type) {
  if (data_type == "uuid") return TypePlugin::kUuid;
  if (data_type == "inet6") return TypePlugin::kInet6;
  if (data_type == "inet4") return TypePlugin::kInet4;
  return TypePlugin::kNone;
}

uint32_t SetPackLength(size_t members) {
  const uint32_t bytes = static_cast<uint32_t>((members + kBitsPerByte - 1) / kBitsPerByte);
  return bytes > kLargestSmallSetBytes ? kLargeSetBytes : bytes;
}

std::string ColumnLabel(const TableMapEvent& table, size_t i) {
  const std::optional<std::string>& name = table.columns[i].name;
  if (name) return fmt::format("`{}` (column {})", *name, i + 1);
  return fmt::format("column {}", i + 1);
}

// Empty when the sizes the table map gives for column `i` agree with the definition's.
std::string SizeMismatch(const ColumnDef& c, const SchemaColumn& s) {
  const auto differ = [&](std::string_view what, uint64_t schema_value, uint64_t logged) {
    return fmt::format("is {} with {} {} in the definition but {} in the binlog", s.data_type, what,
                       schema_value, logged);
  };
  const ColumnType t = c.real_type;
  if (PluginOf(s.data_type) != TypePlugin::kNone) return "";
  if ((t == ColumnType::kString || t == ColumnType::kVarchar) && s.octet_length != 0 &&
      s.octet_length != c.max_length) {
    return differ("a byte length of", s.octet_length, c.max_length);
  }
  if (IsBlobType(t) && BlobLengthBytes(s.data_type) != 0 &&
      BlobLengthBytes(s.data_type) != c.max_length) {
    return differ("length-prefix bytes", BlobLengthBytes(s.data_type), c.max_length);
  }
  if (t == ColumnType::kNewDecimal &&
      (s.numeric_precision != c.precision || s.numeric_scale != c.scale)) {
    return fmt::format("is decimal({},{}) in the definition but decimal({},{}) in the binlog",
                       s.numeric_precision, s.numeric_scale, c.precision, c.scale);
  }
  if (IsTemporal2(t) && s.datetime_precision != c.scale) {
    return differ("fractional digits", s.datetime_precision, c.scale);
  }
  if (t == ColumnType::kBit && s.numeric_precision != 0 && s.numeric_precision != c.bit_length) {
    return differ("a width of", s.numeric_precision, c.bit_length);
  }
  if (t == ColumnType::kEnum) {
    const uint32_t pack = s.elements.size() > kMaxOneByteEnum ? 2 : 1;
    if (pack != c.max_length) return differ("bytes per value", pack, c.max_length);
  }
  if (t == ColumnType::kSet && SetPackLength(s.elements.size()) != c.max_length) {
    return differ("bytes per value", SetPackLength(s.elements.size()), c.max_length);
  }
  return "";
}

}  // namespace

std::vector<std::string> ParseEnumElements(std::string_view column_type) {
  std::vector<std::string> out;
  const size_t open = column_type.find('(');
  if (open == std::string_view::npos) return out;
  const std::string_view kind = column_type.substr(0, open);
  if (kind != "enum" && kind != "set") return out;
  size_t i = open + 1;
  while (i < column_type.size() && column_type[i] == '\'') {
    std::string label;
    ++i;
    while (i < column_type.size()) {
      if (column_type[i] == '\\' && i + 1 < column_type.size()) {
        const char escaped = column_type[i + 1];
        label.push_back(escaped == '0'   ? '\0'
                        : escaped == 'n' ? '\n'
                        : escaped == 'r' ? '\r'
                        : escaped == 'Z' ? '\x1a'
                                         : escaped);
        i += 2;
        continue;
      }
      if (column_type[i] == '\'') {
        if (i + 1 < column_type.size() && column_type[i + 1] == '\'') {
          label.push_back('\'');
          i += 2;
          continue;
        }
        ++i;
        break;
      }
      label.push_back(column_type[i++]);
    }
    out.push_back(std::move(label));
    if (i < column_type.size() && column_type[i] == ',') ++i;
  }
  return out;
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

std::string SchemaMismatch(const TableMapEvent& table, const std::vector<SchemaColumn>& schema) {
  if (schema.size() != table.columns.size()) {
    return fmt::format("the binlog has {} columns, the definition {}", table.columns.size(),
                       schema.size());
  }
  for (size_t i = 0; i < schema.size(); ++i) {
    const ColumnDef& c = table.columns[i];
    if (!SchemaTypeFits(c, schema[i].data_type)) {
      return fmt::format("column {} ({}) is {} in the definition but {} in the binlog", i + 1,
                         schema[i].name, schema[i].data_type, ColumnTypeName(c.real_type));
    }
    const std::string size = SizeMismatch(c, schema[i]);
    if (!size.empty()) return fmt::format("column {} ({}) {}", i + 1, schema[i].name, size);
  }
  return "";
}

bool HasOldTemporalColumns(const TableMapEvent& table) {
  for (const ColumnDef& c : table.columns) {
    if (IsOldTemporal(c.type)) return true;
  }
  return false;
}

std::vector<std::string> InexactColumns(const TableMapEvent& table) {
  std::vector<std::string> out;
  for (size_t i = 0; i < table.columns.size(); ++i) {
    const ColumnDef& c = table.columns[i];
    std::string_view missing;
    if (IntegerBytes(c.type) != 0 && !c.is_unsigned) {
      missing = "signedness";
    } else if (c.IsCharacter() && c.type != ColumnType::kGeometry && !c.collation) {
      missing = "charset";
    } else if (c.real_type == ColumnType::kEnum && c.enum_values.empty()) {
      missing = "ENUM labels";
    } else if (c.real_type == ColumnType::kSet && c.set_values.empty()) {
      missing = "SET labels";
    } else if (IsOldTemporal(c.type)) {
      missing = "fractional digits (old temporal format)";
    }
    if (!missing.empty()) out.push_back(fmt::format("{}: {}", ColumnLabel(table, i), missing));
  }
  return out;
}

SchemaFill FillFromSchema(std::shared_ptr<const TableMapEvent> table,
                          const std::vector<SchemaColumn>* schema) {
  if (schema == nullptr) return {std::move(table), ""};
  std::string mismatch = SchemaMismatch(*table, *schema);
  if (!mismatch.empty()) return {std::move(table), std::move(mismatch)};
  auto copy = std::make_shared<TableMapEvent>(*table);
  for (size_t i = 0; i < schema->size(); ++i) {
    const SchemaColumn& s = (*schema)[i];
    ColumnDef& c = copy->columns[i];
    if (!c.name) c.name = s.name;
    if (c.IsNumeric() && !c.is_unsigned) c.is_unsigned = s.is_unsigned;
    if ((c.IsCharacter() || c.IsEnumOrSet()) && !c.collation) c.collation = s.collation;
    // The definition's labels are UTF-8, as every rendering wants them; logged ones are in the
    // column's charset.
    if (c.real_type == ColumnType::kEnum) c.enum_values = s.elements;
    if (c.real_type == ColumnType::kSet) c.set_values = s.elements;
    if (c.real_type == ColumnType::kString) c.plugin = PluginOf(s.data_type);
    if (IsOldTemporal(c.type) && s.datetime_precision <= kMaxTemporalDigits) {
      c.scale = s.datetime_precision;
    }
  }
  return {std::move(copy), ""};
}

}  // namespace safeddl::binlog
