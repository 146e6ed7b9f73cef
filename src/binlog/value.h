// Value: one decoded column value of a row image, exact for every MariaDB column type, plus
// renderers to JSON and to a SQL literal.
//
// A Value is a small tagged value type: the kind says which fields hold the data. It owns its
// bytes (strings are copied out of the event), so a Value outlives the event buffer. Values are
// thread-compatible; the renderers are pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "binlog/column_type.h"

namespace safeddl::binlog {

enum class ValueKind : uint8_t {
  kAbsent,  // the column is not in this row image (binlog_row_image=MINIMAL/NOBLOB)
  kNull,
  kInt,   // signed integers (TINYINT..BIGINT)
  kUint,  // unsigned integers
  kFloat,
  kDouble,
  kDecimal,  // exact decimal text: "-12.340"
  kString,   // CHAR/VARCHAR/TEXT/BLOB/BINARY/JSON bytes, with the collation when known
  kBit,      // BIT(n) as an unsigned integer
  kYear,     // 0 (0000) or 1901..2155
  kDate,
  kTime,
  kDatetime,
  kTimestamp,  // seconds since the epoch (UTC) + microseconds; 0 is '0000-00-00 00:00:00'
  kEnum,       // 1-based index (0 = the '' error value), label when the table map has it
  kSet,        // bitmask, labels when the table map has them
  kGeometry,   // MariaDB's internal format: 4-byte SRID + WKB
  // MariaDB's data-type plugins (ColumnDef::plugin), their binary form in bytes():
  kUuid,   // 16 bytes in text order
  kInet6,  // 16 bytes, network order
  kInet4,  // 4 bytes, network order
};

// Broken-down date and time. TIME values use `negative` and hours up to 838.
struct Temporal {
  bool negative = false;
  uint32_t year = 0, month = 0, day = 0;
  uint32_t hour = 0, minute = 0, second = 0;
  uint32_t micros = 0;
  friend bool operator==(const Temporal&, const Temporal&) = default;
};

class Value {
 public:
  Value() = default;  // kAbsent

  static Value Absent() { return Value(); }
  static Value Null(ColumnType type);
  static Value Int(ColumnType type, int64_t v);
  static Value Uint(ColumnType type, uint64_t v);
  static Value Float(float v);
  static Value Double(double v);
  static Value Decimal(std::string text);
  // `collation` is nullopt when the table map did not say; kBinaryCollation for binary strings.
  static Value String(ColumnType type, std::string bytes, std::optional<uint32_t> collation);
  static Value Bit(uint64_t v, uint16_t bits);
  static Value Year(uint32_t year);
  static Value Date(const Temporal& t);
  static Value Time(const Temporal& t, uint8_t fsp);
  static Value Datetime(const Temporal& t, uint8_t fsp);
  static Value Timestamp(int64_t seconds, uint32_t micros, uint8_t fsp);
  static Value Enum(uint64_t index, std::optional<std::string> label);
  static Value Set(uint64_t bits, std::optional<std::string> labels);  // labels: "a,c"
  static Value Geometry(std::string bytes);
  // REQUIRES: bytes.size() is the type's size (type_plugin_text.h).
  static Value Uuid(std::string bytes);
  static Value Inet6(std::string bytes);
  static Value Inet4(std::string bytes);

  ValueKind kind() const { return kind_; }
  ColumnType type() const { return type_; }
  bool is_null() const { return kind_ == ValueKind::kNull; }
  bool is_absent() const { return kind_ == ValueKind::kAbsent; }

  int64_t int_value() const { return i_; }    // kInt; kTimestamp seconds
  uint64_t uint_value() const { return u_; }  // kUint, kBit, kYear, kEnum, kSet
  double double_value() const { return d_; }  // kDouble, kFloat (widened exactly)
  float float_value() const { return static_cast<float>(d_); }
  // kDecimal text, kString/kGeometry/kUuid/kInet6/kInet4 bytes, kEnum/kSet labels.
  const std::string& bytes() const { return s_; }
  bool has_label() const { return has_label_; }    // kEnum, kSet
  const Temporal& temporal() const { return t_; }  // kDate, kTime, kDatetime, kTimestamp micros
  uint8_t fsp() const { return fsp_; }             // fractional digits of temporal kinds
  uint16_t bits() const { return bits_; }          // kBit width
  const std::optional<uint32_t>& collation() const { return collation_; }

  // Text form as the server prints it: "2024-01-02 03:04:05.120", "-838:59:59", "12.50".
  // For kTimestamp: the UTC date and time. Strings: the raw bytes. UUID, INET6, INET4:
  // "123e4567-e89b-12d3-a456-426655440000", "::ffff:1.2.3.4", "10.0.0.1".
  std::string ToText() const;

  friend bool operator==(const Value&, const Value&) = default;

 private:
  static Value PluginValue(ValueKind kind, std::string bytes);

  ValueKind kind_ = ValueKind::kAbsent;
  ColumnType type_ = ColumnType::kNull;
  bool has_label_ = false;
  uint8_t fsp_ = 0;
  uint16_t bits_ = 0;
  int64_t i_ = 0;
  uint64_t u_ = 0;
  double d_ = 0;
  std::string s_;
  Temporal t_;
  std::optional<uint32_t> collation_;
};

// JSON rendering: integers as numbers except BIGINT UNSIGNED and BIT wider than 53 bits (strings);
// DECIMAL as a string; text as a JSON string (converted to UTF-8 from its charset; with no
// collation, or one MariaDB 10.11 lacks, shown when it is valid UTF-8); binary strings, geometry
// and text that is not valid in its charset as {"hex":"..."}; UUID/INET6/INET4 as the text the
// server prints; temporal values as
// strings with exactly their fractional digits; TIMESTAMP as UTC "YYYY-MM-DDTHH:MM:SS[.f]Z";
// ENUM/SET as labels when known, else their number; NULL and absent as null.
std::string ToJson(const Value& v);
// Appends ToJson(v) to `out`, without the temporary string for the common kinds (the decoder's
// hot path).
void AppendJson(std::string& out, const Value& v);

// SQL literal for use in statements over a utf8mb4 connection: valid UTF-8/ASCII text escaped in
// quotes; text of any other charset as _<charset> X'hex' (the server converts it into whatever
// column it goes to); binary strings, and strings of unknown collation, as X'hex';
// UUID/INET6/INET4 as their quoted text; TIMESTAMP as FROM_UNIXTIME(...), temporal values
// quoted, numbers bare, NULL as NULL.
std::string ToSqlLiteral(const Value& v);

// Appends `s` as a quoted JSON string (s must be valid UTF-8).
void AppendJsonString(std::string& out, std::string_view s);
bool IsValidUtf8(std::string_view s);
// Lower-case hex of `bytes`.
std::string HexEncode(std::string_view bytes);

}  // namespace safeddl::binlog
