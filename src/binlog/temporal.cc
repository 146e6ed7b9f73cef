#include "binlog/temporal.h"

#include <fmt/format.h>

#include <string_view>

namespace safeddl::binlog {

namespace {

constexpr int64_t kTimeIntOffset = 0x800000;            // TIME2 integer part bias
constexpr int64_t kTimeOffset = 0x800000000000LL;       // TIME2 fsp 5-6 bias (6 bytes)
constexpr int64_t kDatetimeIntOffset = 0x8000000000LL;  // DATETIME2 integer part bias
constexpr int kFracShift = 24;                          // packed = int << 24 | micros
constexpr int64_t kFracMask = (int64_t{1} << kFracShift) - 1;
constexpr int kYearBase = 1900;
constexpr int64_t kMaxMicros = 999999;
constexpr uint8_t kMaxFsp = 6;
constexpr int64_t kMicrosPerSecond = 1000000;
constexpr int64_t kPow10[kMaxFsp + 1] = {1, 10, 100, 1000, 10000, 100000, 1000000};
constexpr uint32_t kMaxTimeHours = 838;
constexpr uint32_t kMaxYear = 9999;
constexpr uint32_t kMaxMonth = 12;
constexpr uint32_t kMaxDay = 31;
constexpr uint32_t kMaxHour = 23;
constexpr uint32_t kMaxMinuteOrSecond = 59;
// MariaDB's hires formats (Field_time_hires, Field_datetime_hires, Field_timestamp_hires): bytes
// per fsp 0..6.
constexpr size_t kHiresTimeBytes[kMaxFsp + 1] = {3, 4, 4, 5, 5, 5, 6};
constexpr size_t kHiresDatetimeBytes[kMaxFsp + 1] = {5, 6, 6, 7, 7, 7, 8};
constexpr size_t kHiresTimestampFracBytes[kMaxFsp + 1] = {0, 1, 1, 2, 2, 3, 3};
// 838:59:59 plus one second, in microseconds: the bias of hires TIME values.
constexpr int64_t kTimeMaxMicros = ((838LL * 60 + 59) * 60 + 59 + 1) * kMicrosPerSecond;
// One past 9999-12-31 23:59:59.999999 as a hires DATETIME packs it (before scaling): < 2^59.
constexpr uint64_t kDatetimeEndMicros =
    (((((9999ULL * 13 + 12) * 32 + 31) * 24 + 23) * 60 + 59) * 60 + 59 + 1) * kMicrosPerSecond;

// Bytes of fraction for fsp 0..6.
size_t FracBytes(uint8_t fsp) { return (fsp + 1) / 2; }

// Reads the fraction of a TIMESTAMP2/DATETIME2 (unsigned for valid data) as microseconds.
Result<int64_t> ReadFracMicros(ByteReader& r, uint8_t fsp, bool is_signed) {
  const size_t n = FracBytes(fsp);
  if (n == 0) return int64_t{0};
  SAFEDDL_ASSIGN_OR_RETURN(uint64_t raw, r.ReadUintBe(n));
  int64_t v = static_cast<int64_t>(raw);
  if (is_signed && (raw >> (8 * n - 1)) != 0) v -= int64_t{1} << (8 * n);
  // 1-2 digits are stored in hundredths, 3-4 in ten-thousandths, 5-6 in millionths.
  static constexpr int64_t kScale[4] = {1, 10000, 100, 1};
  return v * kScale[n];
}

Status BadFsp(std::string_view type, uint8_t fsp, uint64_t at) {
  return CorruptionError(
      fmt::format("{}({}) at offset {}: fractional digits above 6", type, fsp, at));
}

}  // namespace

Result<Value> DecodeTime2(ByteReader& r, uint8_t fsp) {
  const uint64_t at = r.offset();
  int64_t packed = 0;
  const size_t n = FracBytes(fsp);
  if (n == 3) {
    SAFEDDL_ASSIGN_OR_RETURN(uint64_t raw, r.ReadUintBe(6));
    packed = static_cast<int64_t>(raw) - kTimeOffset;
  } else {
    SAFEDDL_ASSIGN_OR_RETURN(uint64_t int_raw, r.ReadUintBe(3));
    int64_t intpart = static_cast<int64_t>(int_raw) - kTimeIntOffset;
    int64_t frac = 0;
    if (n > 0) {
      SAFEDDL_ASSIGN_OR_RETURN(uint64_t frac_raw, r.ReadUintBe(n));
      frac = static_cast<int64_t>(frac_raw);
      // Negative values borrow one second from the integer part.
      if (intpart < 0 && frac != 0) {
        intpart++;
        frac -= int64_t{1} << (8 * n);
      }
      frac *= n == 1 ? 10000 : 100;
    }
    packed = intpart * (int64_t{1} << kFracShift) + frac;
  }
  Temporal t;
  if (packed < 0) {
    t.negative = true;
    packed = -packed;  // |packed| < 2^48: no overflow
  }
  const int64_t hms = packed >> kFracShift;
  t.micros = static_cast<uint32_t>(packed & kFracMask);
  if (t.micros > kMaxMicros) {
    return CorruptionError(fmt::format("TIME({}) at offset {} has fraction {}", fsp, at, t.micros));
  }
  t.hour = static_cast<uint32_t>((hms >> 12) & 0x3ff);
  t.minute = static_cast<uint32_t>((hms >> 6) & 0x3f);
  t.second = static_cast<uint32_t>(hms & 0x3f);
  return Value::Time(t, fsp);
}

Result<Value> DecodeDatetime2(ByteReader& r, uint8_t fsp) {
  const uint64_t at = r.offset();
  SAFEDDL_ASSIGN_OR_RETURN(uint64_t int_raw, r.ReadUintBe(5));
  SAFEDDL_ASSIGN_OR_RETURN(int64_t micros, ReadFracMicros(r, fsp, true));
  // The sign bit is always set: DATETIME values are never negative.
  if (int_raw < static_cast<uint64_t>(kDatetimeIntOffset) || micros < 0 || micros > kMaxMicros) {
    return CorruptionError(fmt::format("DATETIME({}) at offset {} is out of range", fsp, at));
  }
  Temporal t;
  const int64_t ymdhms = static_cast<int64_t>(int_raw) - kDatetimeIntOffset;
  t.micros = static_cast<uint32_t>(micros);
  const int64_t ymd = ymdhms >> 17;
  const int64_t ym = ymd >> 5;
  const int64_t hms = ymdhms & ((1 << 17) - 1);
  t.day = static_cast<uint32_t>(ymd & 0x1f);
  t.month = static_cast<uint32_t>(ym % 13);
  t.year = static_cast<uint32_t>(ym / 13);
  t.second = static_cast<uint32_t>(hms & 0x3f);
  t.minute = static_cast<uint32_t>((hms >> 6) & 0x3f);
  t.hour = static_cast<uint32_t>(hms >> 12);
  return Value::Datetime(t, fsp);
}

Result<Value> DecodeTimestamp2(ByteReader& r, uint8_t fsp) {
  SAFEDDL_ASSIGN_OR_RETURN(uint64_t seconds, r.ReadUintBe(4));
  SAFEDDL_ASSIGN_OR_RETURN(int64_t micros, ReadFracMicros(r, fsp, false));
  if (micros > kMaxMicros) {
    return CorruptionError(fmt::format("TIMESTAMP({}) fraction {} out of range", fsp, micros));
  }
  return Value::Timestamp(static_cast<int64_t>(seconds), static_cast<uint32_t>(micros), fsp);
}

Result<Value> DecodeOldTime(ByteReader& r, uint8_t fsp) {
  const uint64_t at = r.offset();
  if (fsp > kMaxFsp) return BadFsp("TIME", fsp, at);
  Temporal t;
  if (fsp == 0) {
    SAFEDDL_ASSIGN_OR_RETURN(int64_t v, r.ReadIntLe(3));
    t.negative = v < 0;
    const int64_t hhmmss = v < 0 ? -v : v;
    t.hour = static_cast<uint32_t>(hhmmss / 10000);
    t.minute = static_cast<uint32_t>(hhmmss / 100 % 100);
    t.second = static_cast<uint32_t>(hhmmss % 100);
    if (t.hour > kMaxTimeHours || t.minute > kMaxMinuteOrSecond || t.second > kMaxMinuteOrSecond) {
      return CorruptionError(fmt::format("TIME at offset {} is out of range: {}", at, v));
    }
    return Value::Time(t, 0);
  }
  SAFEDDL_ASSIGN_OR_RETURN(uint64_t raw, r.ReadUintBe(kHiresTimeBytes[fsp]));
  // Biased by one second past the largest value, so that every value is positive.
  const int64_t scale = kPow10[kMaxFsp - fsp];
  const int64_t zero = kTimeMaxMicros / scale;
  const int64_t micros = (static_cast<int64_t>(raw) - zero) * scale;
  if (micros <= -kTimeMaxMicros || micros >= kTimeMaxMicros) {
    return CorruptionError(fmt::format("TIME({}) at offset {} is out of range", fsp, at));
  }
  t.negative = micros < 0;
  const int64_t abs_micros = micros < 0 ? -micros : micros;
  const int64_t seconds = abs_micros / kMicrosPerSecond;
  t.micros = static_cast<uint32_t>(abs_micros % kMicrosPerSecond);
  t.hour = static_cast<uint32_t>(seconds / 3600);
  t.minute = static_cast<uint32_t>(seconds / 60 % 60);
  t.second = static_cast<uint32_t>(seconds % 60);
  return Value::Time(t, fsp);
}

Result<Value> DecodeOldDatetime(ByteReader& r, uint8_t fsp) {
  const uint64_t at = r.offset();
  if (fsp > kMaxFsp) return BadFsp("DATETIME", fsp, at);
  Temporal t;
  if (fsp == 0) {
    SAFEDDL_ASSIGN_OR_RETURN(uint64_t v, r.ReadU64());
    const uint64_t date = v / 1000000;
    const uint64_t time = v % 1000000;
    t.year = static_cast<uint32_t>(date / 10000 % 10000);
    t.month = static_cast<uint32_t>(date / 100 % 100);
    t.day = static_cast<uint32_t>(date % 100);
    t.hour = static_cast<uint32_t>(time / 10000);
    t.minute = static_cast<uint32_t>(time / 100 % 100);
    t.second = static_cast<uint32_t>(time % 100);
    if (date / 10000 > kMaxYear || t.month > kMaxMonth || t.day > kMaxDay || t.hour > kMaxHour ||
        t.minute > kMaxMinuteOrSecond || t.second > kMaxMinuteOrSecond) {
      return CorruptionError(fmt::format("DATETIME at offset {} is out of range: {}", at, v));
    }
    return Value::Datetime(t, 0);
  }
  SAFEDDL_ASSIGN_OR_RETURN(uint64_t raw, r.ReadUintBe(kHiresDatetimeBytes[fsp]));
  const uint64_t scale = static_cast<uint64_t>(kPow10[kMaxFsp - fsp]);
  if (raw >= kDatetimeEndMicros / scale) {  // also keeps raw * scale from overflowing
    return CorruptionError(fmt::format("DATETIME({}) at offset {} is out of range", fsp, at));
  }
  uint64_t v = raw * scale;
  t.micros = static_cast<uint32_t>(v % kMicrosPerSecond);
  v /= kMicrosPerSecond;
  t.second = static_cast<uint32_t>(v % 60);
  v /= 60;
  t.minute = static_cast<uint32_t>(v % 60);
  v /= 60;
  t.hour = static_cast<uint32_t>(v % 24);
  v /= 24;
  t.day = static_cast<uint32_t>(v % 32);
  v /= 32;
  t.month = static_cast<uint32_t>(v % 13);
  t.year = static_cast<uint32_t>(v / 13);
  return Value::Datetime(t, fsp);
}

Result<Value> DecodeOldTimestamp(ByteReader& r, uint8_t fsp) {
  const uint64_t at = r.offset();
  if (fsp > kMaxFsp) return BadFsp("TIMESTAMP", fsp, at);
  if (fsp == 0) {
    SAFEDDL_ASSIGN_OR_RETURN(uint32_t seconds, r.ReadU32());
    return Value::Timestamp(seconds, 0, 0);
  }
  SAFEDDL_ASSIGN_OR_RETURN(uint64_t seconds, r.ReadUintBe(4));
  SAFEDDL_ASSIGN_OR_RETURN(uint64_t frac, r.ReadUintBe(kHiresTimestampFracBytes[fsp]));
  const int64_t scale = kPow10[kMaxFsp - fsp];
  if (frac >= static_cast<uint64_t>(kPow10[fsp])) {
    return CorruptionError(
        fmt::format("TIMESTAMP({}) at offset {} has fraction {} out of range", fsp, at, frac));
  }
  return Value::Timestamp(static_cast<int64_t>(seconds),
                          static_cast<uint32_t>(static_cast<int64_t>(frac) * scale), fsp);
}

Result<Value> DecodeDate(ByteReader& r) {
  SAFEDDL_ASSIGN_OR_RETURN(uint32_t v, r.ReadU24());
  Temporal t;
  t.day = v & 0x1f;
  t.month = (v >> 5) & 0x0f;
  t.year = v >> 9;
  return Value::Date(t);
}

Result<Value> DecodeYear(ByteReader& r) {
  SAFEDDL_ASSIGN_OR_RETURN(uint8_t v, r.ReadU8());
  return Value::Year(v == 0 ? 0 : kYearBase + v);
}

Temporal BreakDownUtc(int64_t seconds) {
  // Without the C library's time zone state. Civil-from-days: Howard Hinnant's algorithm, from
  // its public domain description.
  const int64_t days = seconds / 86400;
  const int64_t rem = seconds % 86400;
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const int64_t m = mp < 10 ? mp + 3 : mp - 9;
  Temporal t;
  t.year = static_cast<uint32_t>(yoe + era * 400 + (m <= 2 ? 1 : 0));
  t.month = static_cast<uint32_t>(m);
  t.day = static_cast<uint32_t>(d);
  t.hour = static_cast<uint32_t>(rem / 3600);
  t.minute = static_cast<uint32_t>(rem % 3600 / 60);
  t.second = static_cast<uint32_t>(rem % 60);
  return t;
}

}  // namespace safeddl::binlog
