// ColumnType: the MYSQL_TYPE_* codes used in TABLE_MAP events, and the per-column description
// (ColumnDef) that the row decoder needs: type, metadata, nullability and, when the server logs
// optional metadata (binlog_row_metadata=MINIMAL/FULL), signedness, charset, name, ENUM/SET
// strings and geometry type. Plain value types: thread-compatible.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace safeddl::binlog {

enum class ColumnType : uint8_t {
  kDecimal = 0,  // pre-5.0 DECIMAL, never written by current servers
  kTiny = 1,
  kShort = 2,
  kLong = 3,
  kFloat = 4,
  kDouble = 5,
  kNull = 6,
  kTimestamp = 7,  // old format: MySQL's (fsp 0) or MariaDB 5.3's hires (fsp 1-6)
  kLongLong = 8,
  kInt24 = 9,
  kDate = 10,
  kTime = 11,      // old format, as kTimestamp
  kDatetime = 12,  // old format, as kTimestamp
  kYear = 13,
  kNewDate = 14,
  kVarchar = 15,
  kBit = 16,
  kTimestamp2 = 17,
  kDatetime2 = 18,
  kTime2 = 19,
  kJson = 245,  // MySQL binary JSON; MariaDB logs JSON as LONGTEXT (kBlob)
  kNewDecimal = 246,
  kEnum = 247,
  kSet = 248,
  kTinyBlob = 249,
  kMediumBlob = 250,
  kLongBlob = 251,
  kBlob = 252,
  kVarString = 253,
  kString = 254,  // CHAR/BINARY, and ENUM/SET (real type in the metadata)
  kGeometry = 255,
};

// "VARCHAR", "NEWDECIMAL", ...; unknown codes as "TYPE(<n>)".
std::string ColumnTypeName(ColumnType type);

// Bytes of per-column metadata a TABLE_MAP event carries for `type` (0, 1 or 2); nullopt for
// codes this decoder does not know.
std::optional<int> ColumnMetadataLength(ColumnType type);

// Bytes of an integer column's value in a row image (1, 2, 3, 4 or 8); 0 for other types.
size_t IntegerBytes(ColumnType type);

// MariaDB's data-type plugins, logged as BINARY(n) with nothing in the binlog to tell them from
// it: their type comes from the table's definition (see WithSchema in column_naming.h).
enum class TypePlugin : uint8_t {
  kNone,
  kInet4,  // INET4: 4 bytes, network order
  kInet6,  // INET6: 16 bytes, network order
  kUuid,   // UUID: 16 bytes
};

// Collation ids the decoder treats specially.
inline constexpr uint32_t kBinaryCollation = 63;

struct ColumnDef {
  ColumnType type = ColumnType::kNull;  // as logged in the table map
  // For kString: the real type (kString, kEnum or kSet) and the decoded length; for other types
  // real_type == type.
  ColumnType real_type = ColumnType::kNull;
  // Raw metadata, as read from the table map (byte 0 in the low 8 bits, byte 1 in the high).
  uint16_t metadata = 0;
  bool nullable = true;

  // Derived from the metadata by the table-map parser:
  uint32_t max_length = 0;  // CHAR/VARCHAR: bytes; BLOB: length-prefix bytes; ENUM/SET: pack len
  uint8_t precision = 0;    // NEWDECIMAL
  uint8_t scale = 0;        // NEWDECIMAL; fsp for TIME2/DATETIME2/TIMESTAMP2
                            // and for the old TIME/DATETIME/TIMESTAMP, whose fsp the table map
                            // does not carry: 0 unless WithSchemaTemporalDigits set it
  uint16_t bit_length = 0;  // BIT(n)

  // Optional metadata; nullopt / empty when the server did not log it.
  std::optional<bool> is_unsigned;    // numeric columns
  std::optional<uint32_t> collation;  // character, ENUM and SET columns
  std::optional<std::string> name;
  std::vector<std::string> enum_values;  // ENUM: index 1 is enum_values[0]
  std::vector<std::string> set_values;   // SET: bit i is set_values[i]
  std::optional<uint32_t> geometry_type;
  // The data-type plugin behind a kString column; from the schema, never from the binlog.
  TypePlugin plugin = TypePlugin::kNone;

  // True for the types the SIGNEDNESS metadata covers (integers, FLOAT, DOUBLE, DECIMAL).
  bool IsNumeric() const;
  // True for the types the column-charset metadata covers: CHAR/VARCHAR/TEXT/BLOB and GEOMETRY
  // (a BLOB to the server), not ENUM/SET.
  bool IsCharacter() const;
  bool IsEnumOrSet() const;
};

}  // namespace safeddl::binlog
