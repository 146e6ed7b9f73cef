#include "binlog/value.h"

#include <fmt/format.h>

#include "binlog/temporal.h"
#include "binlog/type_plugin_text.h"

namespace safeddl::binlog {

namespace {
constexpr uint32_t kMicrosDigits = 6;
}  // namespace

Value Value::Null(ColumnType type) {
  Value v;
  v.kind_ = ValueKind::kNull;
  v.type_ = type;
  return v;
}

Value Value::Int(ColumnType type, int64_t x) {
  Value v;
  v.kind_ = ValueKind::kInt;
  v.type_ = type;
  v.i_ = x;
  return v;
}

Value Value::Uint(ColumnType type, uint64_t x) {
  Value v;
  v.kind_ = ValueKind::kUint;
  v.type_ = type;
  v.u_ = x;
  return v;
}

Value Value::Float(float x) {
  Value v;
  v.kind_ = ValueKind::kFloat;
  v.type_ = ColumnType::kFloat;
  v.d_ = x;
  return v;
}

Value Value::Double(double x) {
  Value v;
  v.kind_ = ValueKind::kDouble;
  v.type_ = ColumnType::kDouble;
  v.d_ = x;
  return v;
}

Value Value::Decimal(std::string text) {
  Value v;
  v.kind_ = ValueKind::kDecimal;
  v.type_ = ColumnType::kNewDecimal;
  v.s_ = std::move(text);
  return v;
}

Value Value::String(ColumnType type, std::string bytes, std::optional<uint32_t> collation) {
  Value v;
  v.kind_ = ValueKind::kString;
  v.type_ = type;
  v.s_ = std::move(bytes);
  v.collation_ = collation;
  return v;
}

Value Value::Bit(uint64_t x, uint16_t bits) {
  Value v;
  v.kind_ = ValueKind::kBit;
  v.type_ = ColumnType::kBit;
  v.u_ = x;
  v.bits_ = bits;
  return v;
}

Value Value::Year(uint32_t year) {
  Value v;
  v.kind_ = ValueKind::kYear;
  v.type_ = ColumnType::kYear;
  v.u_ = year;
  return v;
}

Value Value::Date(const Temporal& t) {
  Value v;
  v.kind_ = ValueKind::kDate;
  v.type_ = ColumnType::kDate;
  v.t_ = t;
  return v;
}

Value Value::Time(const Temporal& t, uint8_t fsp) {
  Value v;
  v.kind_ = ValueKind::kTime;
  v.type_ = ColumnType::kTime2;
  v.t_ = t;
  v.fsp_ = fsp;
  return v;
}

Value Value::Datetime(const Temporal& t, uint8_t fsp) {
  Value v;
  v.kind_ = ValueKind::kDatetime;
  v.type_ = ColumnType::kDatetime2;
  v.t_ = t;
  v.fsp_ = fsp;
  return v;
}

Value Value::Timestamp(int64_t seconds, uint32_t micros, uint8_t fsp) {
  Value v;
  v.kind_ = ValueKind::kTimestamp;
  v.type_ = ColumnType::kTimestamp2;
  v.i_ = seconds;
  v.t_.micros = micros;
  v.fsp_ = fsp;
  if (seconds != 0 || micros != 0) {
    v.t_ = BreakDownUtc(seconds);
    v.t_.micros = micros;
  }
  return v;
}

Value Value::Enum(uint64_t index, std::optional<std::string> label) {
  Value v;
  v.kind_ = ValueKind::kEnum;
  v.type_ = ColumnType::kEnum;
  v.u_ = index;
  v.has_label_ = label.has_value();
  if (label) v.s_ = std::move(*label);
  return v;
}

Value Value::Set(uint64_t bits, std::optional<std::string> labels) {
  Value v;
  v.kind_ = ValueKind::kSet;
  v.type_ = ColumnType::kSet;
  v.u_ = bits;
  v.has_label_ = labels.has_value();
  if (labels) v.s_ = std::move(*labels);
  return v;
}

Value Value::Geometry(std::string bytes) {
  Value v;
  v.kind_ = ValueKind::kGeometry;
  v.type_ = ColumnType::kGeometry;
  v.s_ = std::move(bytes);
  return v;
}

Value Value::Uuid(std::string bytes) { return PluginValue(ValueKind::kUuid, std::move(bytes)); }

Value Value::Inet6(std::string bytes) { return PluginValue(ValueKind::kInet6, std::move(bytes)); }

Value Value::Inet4(std::string bytes) { return PluginValue(ValueKind::kInet4, std::move(bytes)); }

Value Value::PluginValue(ValueKind kind, std::string bytes) {
  Value v;
  v.kind_ = kind;
  v.type_ = ColumnType::kString;  // logged as BINARY(n)
  v.s_ = std::move(bytes);
  return v;
}

namespace {

std::string Fraction(uint32_t micros, uint8_t fsp) {
  if (fsp == 0) return {};
  std::string digits = fmt::format("{:06d}", micros % 1000000);
  return "." + digits.substr(0, fsp > kMicrosDigits ? kMicrosDigits : fsp);
}

std::string DateText(const Temporal& t) {
  return fmt::format("{:04d}-{:02d}-{:02d}", t.year, t.month, t.day);
}

std::string TimeOfDayText(const Temporal& t, uint8_t fsp) {
  return fmt::format("{:02d}:{:02d}:{:02d}{}", t.hour, t.minute, t.second, Fraction(t.micros, fsp));
}

}  // namespace

std::string Value::ToText() const {
  switch (kind_) {
    case ValueKind::kAbsent:
    case ValueKind::kNull:
      return "NULL";
    case ValueKind::kInt:
      return fmt::format("{}", i_);
    case ValueKind::kUint:
    case ValueKind::kBit:
      return fmt::format("{}", u_);
    case ValueKind::kYear:
      return fmt::format("{:04d}", u_);
    case ValueKind::kFloat:
      return fmt::format("{}", static_cast<float>(d_));
    case ValueKind::kDouble:
      return fmt::format("{}", d_);
    case ValueKind::kDecimal:
    case ValueKind::kString:
    case ValueKind::kGeometry:
      return s_;
    case ValueKind::kEnum:
    case ValueKind::kSet:
      return has_label_ ? s_ : fmt::format("{}", u_);
    case ValueKind::kUuid:
      return UuidText(s_);
    case ValueKind::kInet6:
      return Inet6Text(s_);
    case ValueKind::kInet4:
      return Inet4Text(s_);
    case ValueKind::kDate:
      return DateText(t_);
    case ValueKind::kTime:
      return (t_.negative ? "-" : "") + TimeOfDayText(t_, fsp_);
    case ValueKind::kDatetime:
    case ValueKind::kTimestamp:
      return DateText(t_) + " " + TimeOfDayText(t_, fsp_);
  }
  return {};
}

}  // namespace safeddl::binlog
