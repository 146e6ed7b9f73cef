#include "binlog/table_map_event.h"

#include <fmt/format.h>

namespace safeddl::binlog {

namespace {

constexpr uint8_t kOldTableMapPostHeaderLength = 6;
constexpr uint8_t kStringTypeBits = 0x30;
constexpr int kMaxDecimalPrecision = 65;
constexpr int kMaxDecimalScale = 38;
constexpr int kMaxFsp = 6;
constexpr int kMaxBlobLengthBytes = 4;

// A column count large enough to be nonsense; MariaDB's limit is 4096 columns.
constexpr uint64_t kMaxColumns = 1u << 16;

}  // namespace

Status DeriveColumnMetadata(ColumnDef& col, uint64_t offset) {
  const uint8_t m0 = static_cast<uint8_t>(col.metadata & 0xff);
  const uint8_t m1 = static_cast<uint8_t>(col.metadata >> 8);
  col.real_type = col.type;
  auto bad = [&](std::string_view what) {
    return CorruptionError(
        fmt::format("table map: {} column with {} (metadata 0x{:04x}) at offset {}",
                    ColumnTypeName(col.type), what, col.metadata, offset));
  };
  switch (col.type) {
    case ColumnType::kString: {
      // Byte 0 is the real type with bits 4-5 XOR-ed with bits 8-9 of the length of CHAR columns
      // longer than 255 bytes; byte 1 is the low byte of the length (or pack length for ENUM/SET).
      uint32_t length = m1;
      uint8_t real = m0;
      if ((real & kStringTypeBits) != kStringTypeBits) {
        length |= static_cast<uint32_t>((real & kStringTypeBits) ^ kStringTypeBits) << 4;
        real |= kStringTypeBits;
      }
      col.real_type = static_cast<ColumnType>(real);
      col.max_length = length;
      if (col.real_type != ColumnType::kString && col.real_type != ColumnType::kEnum &&
          col.real_type != ColumnType::kSet) {
        return bad("an unknown real type");
      }
      if (col.real_type == ColumnType::kEnum && (length < 1 || length > 2)) {
        return bad("an ENUM pack length outside 1..2");
      }
      if (col.real_type == ColumnType::kSet && (length < 1 || length > 8)) {
        return bad("a SET pack length outside 1..8");
      }
      break;
    }
    case ColumnType::kEnum:
    case ColumnType::kSet:
      col.max_length = m1;
      if (m1 < 1 || m1 > 8) return bad("a pack length outside 1..8");
      break;
    case ColumnType::kVarchar:
    case ColumnType::kVarString:
      col.max_length = col.metadata;
      break;
    case ColumnType::kNewDecimal:
      col.precision = m0;
      col.scale = m1;
      if (m0 < 1 || m0 > kMaxDecimalPrecision || m1 > kMaxDecimalScale || m1 > m0) {
        return bad("an impossible precision/scale");
      }
      break;
    case ColumnType::kBit:
      col.bit_length = static_cast<uint16_t>(m1 * 8 + m0);
      if (m0 > 7 || col.bit_length == 0 || col.bit_length > 64) return bad("an impossible width");
      break;
    case ColumnType::kBlob:
    case ColumnType::kTinyBlob:
    case ColumnType::kMediumBlob:
    case ColumnType::kLongBlob:
    case ColumnType::kGeometry:
    case ColumnType::kJson:
      col.max_length = m0;
      if (m0 < 1 || m0 > kMaxBlobLengthBytes) return bad("a length-prefix size outside 1..4");
      break;
    case ColumnType::kFloat:
    case ColumnType::kDouble:
      col.max_length = m0;
      break;
    case ColumnType::kTimestamp2:
    case ColumnType::kDatetime2:
    case ColumnType::kTime2:
      col.scale = m0;
      if (m0 > kMaxFsp) return bad("fractional digits above 6");
      break;
    default:
      break;
  }
  return Status::OK();
}

Result<TableMapEvent> ParseTableMapEvent(ByteReader body, uint8_t post_header_len) {
  TableMapEvent tm;
  const size_t id_len = post_header_len == kOldTableMapPostHeaderLength ? 4 : 6;
  SAFEDDL_ASSIGN_OR_RETURN(tm.table_id, body.ReadUintLe(id_len));
  SAFEDDL_ASSIGN_OR_RETURN(tm.flags, body.ReadU16());
  if (post_header_len > kTableMapPostHeaderLength) {
    SAFEDDL_RETURN_IF_ERROR(body.Skip(post_header_len - kTableMapPostHeaderLength));
  }
  SAFEDDL_ASSIGN_OR_RETURN(uint8_t db_len, body.ReadU8());
  SAFEDDL_ASSIGN_OR_RETURN(std::string_view db, body.ReadBytes(db_len));
  SAFEDDL_RETURN_IF_ERROR(body.Skip(1));  // NUL
  SAFEDDL_ASSIGN_OR_RETURN(uint8_t table_len, body.ReadU8());
  SAFEDDL_ASSIGN_OR_RETURN(std::string_view table, body.ReadBytes(table_len));
  SAFEDDL_RETURN_IF_ERROR(body.Skip(1));  // NUL
  tm.database = std::string(db);
  tm.table = std::string(table);

  const uint64_t count_offset = body.offset();
  SAFEDDL_ASSIGN_OR_RETURN(uint64_t column_count, body.ReadPackedInt());
  if (column_count > kMaxColumns || column_count > body.remaining()) {
    return CorruptionError(fmt::format("table map for `{}`.`{}`: column count {} at offset {}",
                                       tm.database, tm.table, column_count, count_offset));
  }
  SAFEDDL_ASSIGN_OR_RETURN(std::string_view types, body.ReadBytes(column_count));
  tm.columns.resize(column_count);

  SAFEDDL_ASSIGN_OR_RETURN(std::string_view meta_block, body.ReadPackedString());
  ByteReader meta(meta_block, body.offset() - meta_block.size());
  for (size_t i = 0; i < column_count; ++i) {
    ColumnDef& col = tm.columns[i];
    col.type = static_cast<ColumnType>(static_cast<uint8_t>(types[i]));
    const uint64_t col_offset = meta.offset();
    const std::optional<int> meta_len = ColumnMetadataLength(col.type);
    if (!meta_len.has_value()) {
      return CorruptionError(
          fmt::format("table map: unknown column type {} for column {} at offset {}",
                      static_cast<unsigned>(col.type), i, count_offset));
    }
    if (*meta_len == 1) {
      SAFEDDL_ASSIGN_OR_RETURN(col.metadata, meta.ReadU8());
    } else if (*meta_len == 2) {
      SAFEDDL_ASSIGN_OR_RETURN(col.metadata, meta.ReadU16());
    }
    SAFEDDL_RETURN_IF_ERROR(DeriveColumnMetadata(col, col_offset));
  }
  if (!meta.empty()) {
    return CorruptionError(fmt::format("table map: {} unused metadata bytes at offset {}",
                                       meta.remaining(), meta.offset()));
  }

  SAFEDDL_ASSIGN_OR_RETURN(std::string_view nullable, body.ReadBytes((column_count + 7) / 8));
  for (size_t i = 0; i < column_count; ++i) {
    tm.columns[i].nullable = (static_cast<uint8_t>(nullable[i / 8]) >> (i % 8)) & 1;
  }
  if (!body.empty()) SAFEDDL_RETURN_IF_ERROR(ParseTableMapOptionalMetadata(body, tm));
  return tm;
}

}  // namespace safeddl::binlog
