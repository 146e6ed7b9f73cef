#include "binlog/column_decoder.h"

#include <fmt/format.h>

#include <bit>
#include <cstring>

#include "binlog/decimal.h"
#include "binlog/temporal.h"
#include "binlog/type_plugin_text.h"

namespace safeddl::binlog {

namespace {

constexpr uint32_t kOneByteLengthLimit = 256;
constexpr size_t kMaxSetMembers = 64;

Result<Value> DecodeInteger(ByteReader& r, const ColumnDef& col) {
  const size_t n = IntegerBytes(col.type);
  if (col.is_unsigned.value_or(false)) {
    SAFEDDL_ASSIGN_OR_RETURN(uint64_t v, r.ReadUintLe(n));
    return Value::Uint(col.type, v);
  }
  SAFEDDL_ASSIGN_OR_RETURN(int64_t v, r.ReadIntLe(n));
  return Value::Int(col.type, v);
}

// A UUID, INET6 or INET4: logged as BINARY(16)/BINARY(4), trailing 0x00 bytes stripped.
Result<Value> DecodePluginValue(std::string value, const ColumnDef& col, uint64_t at) {
  const size_t size = col.plugin == TypePlugin::kInet4 ? kInet4Bytes : kUuidBytes;
  if (value.size() > size) {
    return CorruptionError(
        fmt::format("{} bytes for a {}-byte UUID/INET value at offset {}", value.size(), size, at));
  }
  value.resize(size, '\0');
  switch (col.plugin) {
    case TypePlugin::kUuid:
      return Value::Uuid(std::move(value));
    case TypePlugin::kInet6:
      return Value::Inet6(std::move(value));
    case TypePlugin::kInet4:
      return Value::Inet4(std::move(value));
    case TypePlugin::kNone:
      break;
  }
  return InternalError("DecodePluginValue for a column without a type plugin");
}

Result<Value> DecodeString(ByteReader& r, const ColumnDef& col, size_t len_bytes) {
  const uint64_t at = r.offset();
  SAFEDDL_ASSIGN_OR_RETURN(std::string_view bytes, r.ReadLengthPrefixed(len_bytes));
  std::string value(bytes);
  if (col.plugin != TypePlugin::kNone && col.type == ColumnType::kString) {
    return DecodePluginValue(std::move(value), col, at);
  }
  // The server strips the pad character from CHAR/BINARY values in row images. Text columns read
  // back without trailing spaces anyway, but BINARY(n) always holds n bytes: restore the 0x00
  // padding. Needs the charset (metadata, or the schema) to know.
  if (col.type == ColumnType::kString && col.real_type == ColumnType::kString &&
      col.collation == kBinaryCollation && value.size() < col.max_length) {
    value.resize(col.max_length, '\0');
  }
  return Value::String(col.type, std::move(value), col.collation);
}

Result<Value> DecodeEnum(ByteReader& r, const ColumnDef& col) {
  const uint64_t at = r.offset();
  SAFEDDL_ASSIGN_OR_RETURN(uint64_t index, r.ReadUintLe(col.max_length));
  if (col.enum_values.empty() || index == 0) {
    // Index 0 is the '' error value of ENUM.
    return Value::Enum(index,
                       col.enum_values.empty() ? std::nullopt : std::optional<std::string>(""));
  }
  if (index > col.enum_values.size()) {
    return CorruptionError(
        fmt::format("ENUM index {} of {} values at offset {}", index, col.enum_values.size(), at));
  }
  return Value::Enum(index, col.enum_values[index - 1]);
}

Result<Value> DecodeSet(ByteReader& r, const ColumnDef& col) {
  const uint64_t at = r.offset();
  SAFEDDL_ASSIGN_OR_RETURN(uint64_t bits, r.ReadUintLe(col.max_length));
  if (col.set_values.empty()) return Value::Set(bits, std::nullopt);
  std::string labels;
  for (size_t i = 0; i < kMaxSetMembers; ++i) {
    if (!((bits >> i) & 1)) continue;
    if (i >= col.set_values.size()) {
      return CorruptionError(
          fmt::format("SET bit {} of {} members at offset {}", i, col.set_values.size(), at));
    }
    if (!labels.empty()) labels.push_back(',');
    labels += col.set_values[i];
  }
  return Value::Set(bits, labels);
}

Result<Value> DecodeBit(ByteReader& r, const ColumnDef& col) {
  const size_t n = (col.bit_length + 7) / 8;
  SAFEDDL_ASSIGN_OR_RETURN(uint64_t v, r.ReadUintBe(n));
  return Value::Bit(v, col.bit_length);
}

Result<Value> DecodeOldTemporal(ByteReader& r, const ColumnDef& col) {
  Result<Value> v = col.type == ColumnType::kTime       ? DecodeOldTime(r, col.scale)
                    : col.type == ColumnType::kDatetime ? DecodeOldDatetime(r, col.scale)
                                                        : DecodeOldTimestamp(r, col.scale);
  if (v.ok() || col.scale != 0 || v.status().code() != StatusCode::kCorruption) return v;
  // The likely cause: a MariaDB 5.3 TIME(n)/DATETIME(n)/TIMESTAMP(n), whose n the binlog lacks.
  return v.status().WithContext(
      "an old-format temporal column with fractional digits? the binlog does not carry them; "
      "they are read from the table's schema when a server connection is given");
}

}  // namespace

Result<Value> DecodeColumnValue(ByteReader& r, const ColumnDef& col) {
  switch (col.type) {
    case ColumnType::kTiny:
    case ColumnType::kShort:
    case ColumnType::kInt24:
    case ColumnType::kLong:
    case ColumnType::kLongLong:
      return DecodeInteger(r, col);
    case ColumnType::kFloat: {
      SAFEDDL_ASSIGN_OR_RETURN(uint32_t bits, r.ReadU32());
      return Value::Float(std::bit_cast<float>(bits));
    }
    case ColumnType::kDouble: {
      SAFEDDL_ASSIGN_OR_RETURN(uint64_t bits, r.ReadU64());
      return Value::Double(std::bit_cast<double>(bits));
    }
    case ColumnType::kNewDecimal: {
      SAFEDDL_ASSIGN_OR_RETURN(std::string text, DecodeDecimal(r, col.precision, col.scale));
      return Value::Decimal(std::move(text));
    }
    case ColumnType::kNull:
      return Value::Null(col.type);
    case ColumnType::kYear:
      return DecodeYear(r);
    case ColumnType::kDate:
    case ColumnType::kNewDate:
      return DecodeDate(r);
    case ColumnType::kTime:
    case ColumnType::kDatetime:
    case ColumnType::kTimestamp:
      return DecodeOldTemporal(r, col);
    case ColumnType::kTime2:
      return DecodeTime2(r, col.scale);
    case ColumnType::kDatetime2:
      return DecodeDatetime2(r, col.scale);
    case ColumnType::kTimestamp2:
      return DecodeTimestamp2(r, col.scale);
    case ColumnType::kBit:
      return DecodeBit(r, col);
    case ColumnType::kVarchar:
    case ColumnType::kVarString:
      return DecodeString(r, col, col.max_length < kOneByteLengthLimit ? 1 : 2);
    case ColumnType::kString:
    case ColumnType::kEnum:
    case ColumnType::kSet:
      if (col.real_type == ColumnType::kEnum) return DecodeEnum(r, col);
      if (col.real_type == ColumnType::kSet) return DecodeSet(r, col);
      return DecodeString(r, col, col.max_length < kOneByteLengthLimit ? 1 : 2);
    case ColumnType::kBlob:
    case ColumnType::kTinyBlob:
    case ColumnType::kMediumBlob:
    case ColumnType::kLongBlob:
      return DecodeString(r, col, col.max_length);
    case ColumnType::kGeometry: {
      SAFEDDL_ASSIGN_OR_RETURN(std::string_view bytes, r.ReadLengthPrefixed(col.max_length));
      return Value::Geometry(std::string(bytes));
    }
    case ColumnType::kDecimal:
    case ColumnType::kJson:
      break;
  }
  return UnsupportedError(fmt::format("column type {} at offset {} is not decodable",
                                      ColumnTypeName(col.type), r.offset()));
}

Value ReinterpretUnsigned(const Value& v) {
  if (v.kind() != ValueKind::kInt) return v;
  const size_t n = IntegerBytes(v.type());
  if (n == 0) return v;
  uint64_t u = static_cast<uint64_t>(v.int_value());
  if (n < 8) u &= (uint64_t{1} << (8 * n)) - 1;
  return Value::Uint(v.type(), u);
}

}  // namespace safeddl::binlog
