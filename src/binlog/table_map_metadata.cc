// The optional-metadata block of TABLE_MAP events (binlog_row_metadata=MINIMAL/FULL): a list of
// fields, each a type byte, a packed length and that many bytes. Unknown field types are
// skipped by their length.
#include <fmt/format.h>

#include "binlog/table_map_event.h"

namespace safeddl::binlog {

namespace {

enum class MetadataField : uint8_t {
  kSignedness = 1,
  kDefaultCharset = 2,
  kColumnCharset = 3,
  kColumnName = 4,
  kSetStrValue = 5,
  kEnumStrValue = 6,
  kGeometryType = 7,
  kSimplePrimaryKey = 8,
  kPrimaryKeyWithPrefix = 9,
  kEnumAndSetDefaultCharset = 10,
  kEnumAndSetColumnCharset = 11,
};

// Indexes of the columns a field applies to, in column order.
template <typename Pred>
std::vector<size_t> Select(const TableMapEvent& tm, Pred pred) {
  std::vector<size_t> out;
  for (size_t i = 0; i < tm.columns.size(); ++i) {
    if (pred(tm.columns[i])) out.push_back(i);
  }
  return out;
}

Status TooMany(std::string_view what, uint64_t offset) {
  return CorruptionError(
      fmt::format("table map optional metadata: more {} than columns at offset {}", what, offset));
}

Status ParseSignedness(ByteReader r, TableMapEvent& tm) {
  // One bit per numeric column, most significant bit first; 1 = UNSIGNED.
  const std::vector<size_t> cols = Select(tm, [](const ColumnDef& c) { return c.IsNumeric(); });
  SAFEDDL_ASSIGN_OR_RETURN(std::string_view bits, r.ReadBytes((cols.size() + 7) / 8));
  for (size_t i = 0; i < cols.size(); ++i) {
    tm.columns[cols[i]].is_unsigned = (static_cast<uint8_t>(bits[i / 8]) >> (7 - i % 8)) & 1;
  }
  tm.has_signedness = true;
  return Status::OK();
}

// DEFAULT_CHARSET: the default collation, then (index among `cols`, collation) pairs for the
// columns that differ.
Status ParseDefaultCharset(ByteReader r, TableMapEvent& tm, const std::vector<size_t>& cols) {
  SAFEDDL_ASSIGN_OR_RETURN(uint64_t def, r.ReadPackedInt());
  for (size_t c : cols) tm.columns[c].collation = static_cast<uint32_t>(def);
  while (!r.empty()) {
    const uint64_t at = r.offset();
    SAFEDDL_ASSIGN_OR_RETURN(uint64_t index, r.ReadPackedInt());
    SAFEDDL_ASSIGN_OR_RETURN(uint64_t collation, r.ReadPackedInt());
    if (index >= cols.size()) {
      return CorruptionError(
          fmt::format("table map optional metadata: charset for column #{} of {} at offset {}",
                      index, cols.size(), at));
    }
    tm.columns[cols[index]].collation = static_cast<uint32_t>(collation);
  }
  return Status::OK();
}

Status ParseColumnCharset(ByteReader r, TableMapEvent& tm, const std::vector<size_t>& cols) {
  for (size_t c : cols) {
    SAFEDDL_ASSIGN_OR_RETURN(uint64_t collation, r.ReadPackedInt());
    tm.columns[c].collation = static_cast<uint32_t>(collation);
  }
  if (!r.empty()) return TooMany("charsets", r.offset());
  return Status::OK();
}

Status ParseColumnNames(ByteReader r, TableMapEvent& tm) {
  for (ColumnDef& col : tm.columns) {
    SAFEDDL_ASSIGN_OR_RETURN(std::string_view name, r.ReadPackedString());
    col.name = std::string(name);
  }
  if (!r.empty()) return TooMany("names", r.offset());
  tm.has_column_names = true;
  return Status::OK();
}

Status ParseStrValues(ByteReader r, TableMapEvent& tm, ColumnType real_type) {
  for (ColumnDef& col : tm.columns) {
    if (col.real_type != real_type) continue;
    std::vector<std::string>& values =
        real_type == ColumnType::kEnum ? col.enum_values : col.set_values;
    SAFEDDL_ASSIGN_OR_RETURN(uint64_t count, r.ReadPackedInt());
    if (count > r.remaining()) return r.TruncatedError(count);  // each value takes >= 1 byte
    values.reserve(count);
    for (uint64_t i = 0; i < count; ++i) {
      SAFEDDL_ASSIGN_OR_RETURN(std::string_view v, r.ReadPackedString());
      values.emplace_back(v);
    }
  }
  if (!r.empty()) return TooMany("ENUM/SET value lists", r.offset());
  return Status::OK();
}

Status ParseGeometryTypes(ByteReader r, TableMapEvent& tm) {
  for (ColumnDef& col : tm.columns) {
    if (col.type != ColumnType::kGeometry) continue;
    SAFEDDL_ASSIGN_OR_RETURN(uint64_t g, r.ReadPackedInt());
    col.geometry_type = static_cast<uint32_t>(g);
  }
  if (!r.empty()) return TooMany("geometry types", r.offset());
  return Status::OK();
}

Status ParsePrimaryKey(ByteReader r, TableMapEvent& tm, bool with_prefix) {
  while (!r.empty()) {
    const uint64_t at = r.offset();
    PrimaryKeyPart part;
    SAFEDDL_ASSIGN_OR_RETURN(uint64_t column, r.ReadPackedInt());
    if (column >= tm.columns.size()) {
      return CorruptionError(
          fmt::format("table map optional metadata: primary key column {} of {} at offset {}",
                      column, tm.columns.size(), at));
    }
    part.column = static_cast<uint32_t>(column);
    if (with_prefix) {
      SAFEDDL_ASSIGN_OR_RETURN(uint64_t prefix, r.ReadPackedInt());
      part.prefix_length = static_cast<uint32_t>(prefix);
    }
    tm.primary_key.push_back(part);
  }
  tm.has_primary_key = true;
  return Status::OK();
}

}  // namespace

Status ParseTableMapOptionalMetadata(ByteReader r, TableMapEvent& tm) {
  const std::vector<size_t> char_cols =
      Select(tm, [](const ColumnDef& c) { return c.IsCharacter(); });
  const std::vector<size_t> enum_set_cols =
      Select(tm, [](const ColumnDef& c) { return c.IsEnumOrSet(); });
  while (!r.empty()) {
    SAFEDDL_ASSIGN_OR_RETURN(uint8_t type, r.ReadU8());
    SAFEDDL_ASSIGN_OR_RETURN(std::string_view value, r.ReadPackedString());
    ByteReader field(value, r.offset() - value.size());
    switch (static_cast<MetadataField>(type)) {
      case MetadataField::kSignedness:
        SAFEDDL_RETURN_IF_ERROR(ParseSignedness(field, tm));
        break;
      case MetadataField::kDefaultCharset:
        SAFEDDL_RETURN_IF_ERROR(ParseDefaultCharset(field, tm, char_cols));
        tm.has_charsets = true;
        break;
      case MetadataField::kColumnCharset:
        SAFEDDL_RETURN_IF_ERROR(ParseColumnCharset(field, tm, char_cols));
        tm.has_charsets = true;
        break;
      case MetadataField::kColumnName:
        SAFEDDL_RETURN_IF_ERROR(ParseColumnNames(field, tm));
        break;
      case MetadataField::kSetStrValue:
        SAFEDDL_RETURN_IF_ERROR(ParseStrValues(field, tm, ColumnType::kSet));
        break;
      case MetadataField::kEnumStrValue:
        SAFEDDL_RETURN_IF_ERROR(ParseStrValues(field, tm, ColumnType::kEnum));
        break;
      case MetadataField::kGeometryType:
        SAFEDDL_RETURN_IF_ERROR(ParseGeometryTypes(field, tm));
        break;
      case MetadataField::kSimplePrimaryKey:
        SAFEDDL_RETURN_IF_ERROR(ParsePrimaryKey(field, tm, false));
        break;
      case MetadataField::kPrimaryKeyWithPrefix:
        SAFEDDL_RETURN_IF_ERROR(ParsePrimaryKey(field, tm, true));
        break;
      case MetadataField::kEnumAndSetDefaultCharset:
        SAFEDDL_RETURN_IF_ERROR(ParseDefaultCharset(field, tm, enum_set_cols));
        break;
      case MetadataField::kEnumAndSetColumnCharset:
        SAFEDDL_RETURN_IF_ERROR(ParseColumnCharset(field, tm, enum_set_cols));
        break;
      default:
        break;  // unknown field (e.g. MySQL's COLUMN_VISIBILITY): skipped by its length
    }
  }
  return Status::OK();
}

}  // namespace safeddl::binlog
