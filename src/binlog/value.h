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

  ValueKind kind() const { return kind_; }
  ColumnType type() const { return type_; }
  bool is_null() const { return kind_ == ValueKind::kNull; }
  bool is_absent() const { return kind_ == ValueKind::kAbsent; }

  int64_t int_value() const { return i_; }    // kInt; kTimestamp seconds
  uint64_t uint_value() const { return u_; }  // kUint, kBit, kYear, kEnum, kSet
  double double_value() const { return d_; }  // kDouble, kFloat (widened exactly)
  float float_value() const { return static_cast<float>(d_); }
  // kDecimal text, kString/kGeometry bytes, kEnum/kSet labels.
  const std::string& bytes() const { return s_; }
  bool has_label() const { return has_label_; }    // kEnum, kSet
  const Temporal& temporal() const { return t_; }  // kDate, kTime, kDatetime, kTimestamp micros
  uint8_t fsp() const { return fsp_; }             // fractional digits of temporal kinds
  uint16_t bits() const { return bits_; }          // kBit width
  const std::optional<uint32_t>& collation() const { return collation_; }

  // Text form as the server prints it: "2024-01-02 03:04:05.120", "-838:59:59", "12.50".
  // For kTimestamp: the UTC date and time. Strings: the raw bytes.
  std::string ToText() const;

  friend bool operator==(const Value&, const Value&) = default;

 private:
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
// DECIMAL as a string; text as a JSON string (latin1 converted to UTF-8); binary strings,
// geometry and text that is not valid in its charset as {"hex":"..."}; temporal values as
// strings with exactly their fractional digits; TIMESTAMP as UTC "YYYY-MM-DDTHH:MM:SS[.f]Z";
// ENUM/SET as labels when known, else their number; NULL and absent as null.
std::string ToJson(const Value& v);
// Appends ToJson(v) to `out`, without the temporary string for the common kinds (the decoder's
// hot path).
void AppendJson(std::string& out, const Value& v);

// SQL literal for use in statements over a utf8mb4 connection: strings escaped in quotes,
// binary as X'hex', non-UTF-8 text as _<charset> X'hex', TIMESTAMP as FROM_UNIXTIME(...),
// temporal values quoted, numbers bare, NULL as NULL.
std::string ToSqlLiteral(const Value& v);

// Appends `s` as a quoted JSON string (s must be valid UTF-8).
void AppendJsonString(std::string& out, std::string_view s);
bool IsValidUtf8(std::string_view s);
// Lower-case hex of `bytes`.
std::string HexEncode(std::string_view bytes);

}  // namespace safeddl::binlog
