#include "binlog/row_json_renderer.h"

#include <array>
#include <bit>
#include <charconv>
#include <cstring>

#include "binlog/charset.h"
#include "binlog/column_decoder.h"
#include "binlog/decimal.h"
#include "binlog/row_change_json.h"
#include "binlog/temporal.h"

namespace safeddl::binlog {

namespace {

using Format = RowsJsonRenderer::Format;
using Column = RowsJsonRenderer::Column;

constexpr uint32_t kOneByteLengthLimit = 256;
constexpr uint32_t kMaxLengthPrefix = 4;
constexpr uint8_t kMaxFsp = 6;
constexpr uint32_t kMaxFourDigitYear = 9999;
constexpr uint32_t kMaxMicros = 999999;
constexpr uint64_t kDatetimeIntOffset = 0x8000000000ULL;  // DATETIME2 integer part bias
constexpr int kDigitsPerWord = 9;
constexpr int kMaxDecimalDigits = 65;
constexpr int kMaxDecimalGroups = 2 * (kMaxDecimalDigits / kDigitsPerWord + 1);
// Worst cases of the text a value becomes, besides its key.
constexpr size_t kMaxNumberText = 24;     // "-9223372036854775808", quoted
constexpr size_t kMaxDecimalText = 72;    // quoted sign, 65 digits and a point
constexpr size_t kMaxTemporalText = 32;   // "YYYY-MM-DDTHH:MM:SS.ffffffZ", quoted
constexpr size_t kMaxEscapedPerByte = 6;  // \u00XX
constexpr size_t kStringOverhead = 16;    // quotes, or {"hex":""}
constexpr std::string_view kNull = "null";

// ---- reading; callers check the bounds first ----

// The binlog's little-endian integers are read with plain loads.
static_assert(std::endian::native == std::endian::little, "LoadLe assumes a little-endian host");

template <typename T>
uint64_t Load(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// Little-endian unsigned integer of n <= 8 bytes. The common widths are spelled out so that each
// becomes a load or two instead of a byte loop.
uint64_t LoadLe(const char* p, size_t n) {
  switch (n) {
    case 1:
      return static_cast<uint8_t>(p[0]);
    case 2:
      return Load<uint16_t>(p);
    case 3:
      return Load<uint16_t>(p) | uint64_t{static_cast<uint8_t>(p[2])} << 16;
    case 4:
      return Load<uint32_t>(p);
    case 8:
      return Load<uint64_t>(p);
    default:
      break;
  }
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v |= uint64_t{static_cast<uint8_t>(p[i])} << (8 * i);
  return v;
}

// Big-endian unsigned integer of n <= 8 bytes.
uint64_t LoadBe(const char* p, size_t n) {
  switch (n) {
    case 1:
      return static_cast<uint8_t>(p[0]);
    case 2:
      return __builtin_bswap16(static_cast<uint16_t>(LoadLe(p, 2)));
    case 4:
      return __builtin_bswap32(static_cast<uint32_t>(LoadLe(p, 4)));
    default:
      break;
  }
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

// Whether any of the n bytes at s is one JSON must escape or above 0x7f, eight bytes at a time.
bool NeedsCare(const char* s, size_t n) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  // High bit of each byte of the result: that byte of w is below b (for bytes below 0x80).
  auto below = [](uint64_t w, uint8_t b) { return (w - kOnes * b) & ~w; };
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, s + i, 8);
    const uint64_t hits =
        w | below(w, 0x20) | below(w ^ (kOnes * '"'), 1) | below(w ^ (kOnes * '\\'), 1);
    if (hits & kHigh) return true;
  }
  for (; i < n; ++i) {
    const uint8_t b = static_cast<uint8_t>(s[i]);
    if (b < 0x20 || b >= 0x80 || b == '"' || b == '\\') return true;
  }
  return false;
}

bool HasHighBit(const char* s, size_t n) {
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, s + i, 8);
    if (w & kHigh) return true;
  }
  for (; i < n; ++i) {
    if (static_cast<uint8_t>(s[i]) >= 0x80) return true;
  }
  return false;
}

// ---- writing; callers reserve the room first ----

char* Put(char* p, std::string_view s) {
  std::memcpy(p, s.data(), s.size());
  return p + s.size();
}

// Put for the short strings of every value (keys): overlapping fixed-size copies instead of a
// call to memcpy.
char* PutShort(char* p, std::string_view s) {
  const size_t n = s.size();
  const char* src = s.data();
  if (n > 16) return Put(p, s);
  if (n >= 8) {
    std::memcpy(p, src, 8);
    std::memcpy(p + n - 8, src + n - 8, 8);
  } else if (n >= 4) {
    std::memcpy(p, src, 4);
    std::memcpy(p + n - 4, src + n - 4, 4);
  } else {
    for (size_t i = 0; i < n; ++i) p[i] = src[i];
  }
  return p + n;
}

template <typename T>
char* PutInteger(char* p, T v) {
  return std::to_chars(p, p + kMaxNumberText, v).ptr;
}

constexpr std::array<char, 200> kDigitPairs = [] {
  std::array<char, 200> pairs{};
  for (int i = 0; i < 100; ++i) {
    pairs[2 * i] = static_cast<char>('0' + i / 10);
    pairs[2 * i + 1] = static_cast<char>('0' + i % 10);
  }
  return pairs;
}();

// Two digits of v < 100.
char* Put2(char* p, uint32_t v) {
  std::memcpy(p, &kDigitPairs[2 * v], 2);
  return p + 2;
}

// `v` in exactly `width` digits, zero-padded (v < 10^width), two at a time.
char* PutPadded(char* p, uint32_t v, int width) {
  int i = width;
  for (; i >= 2; i -= 2) {
    std::memcpy(p + i - 2, &kDigitPairs[2 * (v % 100)], 2);
    v /= 100;
  }
  if (i == 1) p[0] = static_cast<char>('0' + v);
  return p + width;
}

// ".ffffff" cut to `fsp` digits; nothing for fsp 0.
char* PutFraction(char* p, uint32_t micros, uint8_t fsp) {
  if (fsp == 0) return p;
  *p++ = '.';
  char digits[6];
  PutPadded(digits, micros, 6);
  std::memcpy(p, digits, fsp);
  return p + fsp;
}

// "YYYY-MM-DD" then `sep` "HH:MM:SS". REQUIRES: year <= 9999, the rest < 100.
char* PutDate(char* p, uint32_t year, uint32_t month, uint32_t day) {
  p = Put2(p, year / 100);
  p = Put2(p, year % 100);
  *p++ = '-';
  p = Put2(p, month);
  *p++ = '-';
  return Put2(p, day);
}

char* PutTimeOfDay(char* p, uint32_t hour, uint32_t minute, uint32_t second) {
  p = Put2(p, hour);
  *p++ = ':';
  p = Put2(p, minute);
  *p++ = ':';
  return Put2(p, second);
}

// The bytes AppendJsonString escapes.
constexpr std::array<bool, 256> kNeedsEscape = [] {
  std::array<bool, 256> t{};
  for (int b = 0; b < 0x20; ++b) t[b] = true;
  t['"'] = t['\\'] = true;
  return t;
}();

char* PutEscapedByte(char* p, uint8_t b) {
  static constexpr char kHex[] = "0123456789abcdef";
  *p++ = '\\';
  switch (b) {
    case '"':
      *p++ = '"';
      break;
    case '\\':
      *p++ = '\\';
      break;
    case '\n':
      *p++ = 'n';
      break;
    case '\r':
      *p++ = 'r';
      break;
    case '\t':
      *p++ = 't';
      break;
    case '\b':
      *p++ = 'b';
      break;
    case '\f':
      *p++ = 'f';
      break;
    default:
      p = Put(p, "u00");
      *p++ = kHex[b >> 4];
      *p++ = kHex[b & 0xF];
  }
  return p;
}

// `s` quoted as AppendJsonString writes it: at most 6 * n + 2 bytes.
char* PutJsonString(char* p, const char* s, size_t n) {
  *p++ = '"';
  size_t run = 0;  // start of the bytes not yet copied
  for (size_t i = 0; i < n; ++i) {
    const uint8_t b = static_cast<uint8_t>(s[i]);
    if (!kNeedsEscape[b]) continue;
    std::memcpy(p, s + run, i - run);
    p += i - run;
    run = i + 1;
    p = PutEscapedByte(p, b);
  }
  std::memcpy(p, s + run, n - run);
  p += n - run;
  *p++ = '"';
  return p;
}

// Latin1 `s` converted to UTF-8 and quoted: at most 6 * n + 2 bytes.
char* PutLatin1String(char* p, const char* s, size_t n) {
  *p++ = '"';
  for (size_t i = 0; i < n; ++i) {
    const uint8_t b = static_cast<uint8_t>(s[i]);
    if (b < 0x80) {
      if (kNeedsEscape[b]) {
        p = PutEscapedByte(p, b);
      } else {
        *p++ = static_cast<char>(b);
      }
      continue;
    }
    const uint32_t cp = Latin1CodePoint(b);
    if (cp < 0x800) {
      *p++ = static_cast<char>(0xC0 | (cp >> 6));
    } else {
      *p++ = static_cast<char>(0xE0 | (cp >> 12));
      *p++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    }
    *p++ = static_cast<char>(0x80 | (cp & 0x3F));
  }
  *p++ = '"';
  return p;
}

// {"hex":"..."} of `s` followed by `pad` zero bytes: 2 * (n + pad) + 11 bytes.
char* PutHex(char* p, const char* s, size_t n, size_t pad) {
  static constexpr char kHex[] = "0123456789abcdef";
  p = Put(p, "{\"hex\":\"");
  for (size_t i = 0; i < n; ++i) {
    const uint8_t b = static_cast<uint8_t>(s[i]);
    *p++ = kHex[b >> 4];
    *p++ = kHex[b & 0xF];
  }
  std::memset(p, '0', 2 * pad);
  p += 2 * pad;
  return Put(p, "\"}");
}

// DECIMAL(precision, scale) from its `size` bytes at `raw`, quoted; false when a group holds
// more digits than it may (the generic decoder then reports it).
bool PutDecimal(char*& out, const char* raw, size_t size, int precision, int scale) {
  static constexpr size_t kDigitBytes[kDigitsPerWord + 1] = {0, 1, 1, 2, 2, 3, 3, 4, 4, 4};
  static constexpr uint32_t kPow10[kDigitsPerWord + 1] = {
      1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000};
  uint8_t bytes[kMaxDecimalGroups * 4];
  std::memcpy(bytes, raw, size);
  const bool negative = (bytes[0] & 0x80) == 0;
  bytes[0] ^= 0x80;
  if (negative) {
    for (size_t i = 0; i < size; ++i) bytes[i] = static_cast<uint8_t>(~bytes[i]);
  }
  // Digits per group, integer part first: a leading partial group, whole groups, whole
  // fraction groups, a trailing partial group.
  const int intg = precision - scale;
  int digits[kMaxDecimalGroups];
  int groups = 0;
  int int_groups = 0;
  if (intg % kDigitsPerWord != 0) digits[groups++] = intg % kDigitsPerWord;
  for (int i = 0; i < intg / kDigitsPerWord; ++i) digits[groups++] = kDigitsPerWord;
  int_groups = groups;
  for (int i = 0; i < scale / kDigitsPerWord; ++i) digits[groups++] = kDigitsPerWord;
  if (scale % kDigitsPerWord != 0) digits[groups++] = scale % kDigitsPerWord;

  uint32_t values[kMaxDecimalGroups];
  size_t at = 0;
  bool zero = true;
  for (int g = 0; g < groups; ++g) {
    const size_t n = kDigitBytes[digits[g]];
    values[g] = static_cast<uint32_t>(LoadBe(reinterpret_cast<const char*>(bytes) + at, n));
    at += n;
    if (values[g] >= kPow10[digits[g]]) return false;
    zero = zero && values[g] == 0;
  }
  char* p = out;
  *p++ = '"';
  if (negative && !zero) *p++ = '-';
  int g = 0;
  while (g < int_groups && values[g] == 0) ++g;
  if (g == int_groups) {
    *p++ = '0';
  } else {
    p = PutInteger(p, values[g++]);
    for (; g < int_groups; ++g) p = PutPadded(p, values[g], kDigitsPerWord);
  }
  if (scale > 0) {
    *p++ = '.';
    for (g = int_groups; g < groups; ++g) p = PutPadded(p, values[g], digits[g]);
  }
  *p++ = '"';
  out = p;
  return true;
}

// Microseconds from the 0-3 fraction bytes of a DATETIME2/TIMESTAMP2 of `fsp` digits (see
// temporal.cc); 1-2 digits are stored in hundredths, 3-4 in ten-thousandths, 5-6 in millionths.
int64_t FracMicros(const char* p, uint8_t fsp, bool is_signed) {
  static constexpr int64_t kScale[4] = {1, 10000, 100, 1};
  const size_t n = (fsp + 1) / 2;
  if (n == 0) return 0;
  const uint64_t raw = LoadBe(p, n);
  int64_t v = static_cast<int64_t>(raw);
  if (is_signed && (raw >> (8 * n - 1)) != 0) v -= int64_t{1} << (8 * n);
  return v * kScale[n];
}

// The string formats of a column whose values carry a `len_bytes` length prefix.
Column StringColumn(const ColumnDef& col, size_t len_bytes) {
  Column c;
  if (len_bytes < 1 || len_bytes > kMaxLengthPrefix) return c;
  c.width = static_cast<uint8_t>(len_bytes);
  // UUID/INET6/INET4: their text form (the generic path).
  if (col.plugin != TypePlugin::kNone) return Column{};
  const Charset cs = col.collation ? CharsetOf(*col.collation) : Charset::kUnknown;
  switch (cs) {
    case Charset::kBinary:
      c.format = Format::kHex;
      // BINARY(n) values lose their trailing 0x00 in the row image (as DecodeColumnValue).
      if (col.type == ColumnType::kString && col.real_type == ColumnType::kString) {
        c.pad_to = col.max_length;
      }
      break;
    case Charset::kLatin1:
      c.format = Format::kLatin1;
      break;
    case Charset::kUtf8:
    case Charset::kAscii:
    case Charset::kUnknown:
      c.format = Format::kText;
      break;
    case Charset::kOther:
      if (!AsciiCompatible(*col.collation)) return Column{};  // ucs2, utf16, utf32, swe7
      c.format = Format::kConverted;
      break;
  }
  return c;
}

Column PlanColumn(const ColumnDef& col, bool unsigned_from_schema) {
  Column c;
  c.reinterpret_unsigned = unsigned_from_schema;
  switch (col.type) {
    case ColumnType::kTiny:
    case ColumnType::kShort:
    case ColumnType::kInt24:
    case ColumnType::kLong:
    case ColumnType::kLongLong:
      c.width = static_cast<uint8_t>(IntegerBytes(col.type));
      if (!col.is_unsigned.value_or(false) && !unsigned_from_schema) {
        c.format = Format::kSigned;
      } else {
        c.format = col.type == ColumnType::kLongLong ? Format::kUnsignedQuoted : Format::kUnsigned;
      }
      return c;
    case ColumnType::kNewDecimal: {
      const size_t size = DecimalBinarySize(col.precision, col.scale);
      if (size == 0 || col.precision > kMaxDecimalDigits || col.scale > col.precision) return c;
      c.format = Format::kDecimal;
      c.width = static_cast<uint8_t>(size);
      c.precision = col.precision;
      c.scale = col.scale;
      return c;
    }
    case ColumnType::kVarchar:
    case ColumnType::kVarString:
      return StringColumn(col, col.max_length < kOneByteLengthLimit ? 1 : 2);
    case ColumnType::kString:
      if (col.real_type != ColumnType::kString) return c;  // ENUM, SET
      return StringColumn(col, col.max_length < kOneByteLengthLimit ? 1 : 2);
    case ColumnType::kBlob:
    case ColumnType::kTinyBlob:
    case ColumnType::kMediumBlob:
    case ColumnType::kLongBlob:
      return StringColumn(col, col.max_length);
    case ColumnType::kGeometry:
      if (col.max_length < 1 || col.max_length > kMaxLengthPrefix) return c;
      c.format = Format::kHex;
      c.width = static_cast<uint8_t>(col.max_length);
      return c;
    case ColumnType::kDatetime2:
    case ColumnType::kTimestamp2:
      if (col.scale > kMaxFsp) return c;
      c.format = col.type == ColumnType::kDatetime2 ? Format::kDatetime2 : Format::kTimestamp2;
      c.width = col.scale;
      return c;
    case ColumnType::kDate:
    case ColumnType::kNewDate:
      c.format = Format::kDate;
      return c;
    default:
      return c;
  }
}

// Writes column `c`'s value at `data[pos]` after `key`, and advances `pos`; false, with nothing
// written, when the value is not there or the generic path must render it.
bool AppendValue(OutputBuffer& out, const Column& c, std::string_view key, std::string_view data,
                 size_t& pos) {
  const char* in = data.data() + pos;
  const size_t avail = data.size() - pos;
  switch (c.format) {
    case Format::kSigned:
    case Format::kUnsigned:
    case Format::kUnsignedQuoted: {
      if (avail < c.width) return false;
      uint64_t u = LoadLe(in, c.width);
      char* p = PutShort(out.Reserve(key.size() + kMaxNumberText), key);
      if (c.format == Format::kSigned) {
        const int shift = 64 - 8 * c.width;
        p = PutInteger(p, static_cast<int64_t>(u << shift) >> shift);  // sign-extended
      } else if (c.format == Format::kUnsigned) {
        p = PutInteger(p, u);
      } else {
        *p++ = '"';
        p = PutInteger(p, u);
        *p++ = '"';
      }
      out.Commit(p);
      pos += c.width;
      return true;
    }
    case Format::kDecimal: {
      if (avail < c.width) return false;
      char* p = PutShort(out.Reserve(key.size() + kMaxDecimalText), key);
      if (!PutDecimal(p, in, c.width, c.precision, c.scale)) return false;
      out.Commit(p);
      pos += c.width;
      return true;
    }
    case Format::kText:
    case Format::kLatin1:
    case Format::kConverted:
    case Format::kHex: {
      if (avail < c.width) return false;
      const uint64_t n = LoadLe(in, c.width);
      if (avail - c.width < n) return false;
      const char* s = in + c.width;
      if (c.format == Format::kConverted && HasHighBit(s, n)) return false;  // needs converting
      const size_t pad = c.pad_to > n ? c.pad_to - n : 0;
      char* p = out.Reserve(key.size() + kMaxEscapedPerByte * (n + pad) + kStringOverhead);
      p = PutShort(p, key);
      if (c.format == Format::kHex) {
        p = PutHex(p, s, n, pad);
      } else if (!NeedsCare(s, n)) {
        *p++ = '"';  // plain ASCII reads the same in every charset handled here
        p = Put(p, std::string_view(s, n));
        *p++ = '"';
      } else if (!HasHighBit(s, n)) {
        p = PutJsonString(p, s, n);
      } else if (c.format == Format::kLatin1) {
        p = PutLatin1String(p, s, n);
      } else if (IsValidUtf8(std::string_view(s, n))) {
        p = PutJsonString(p, s, n);
      } else {
        p = PutHex(p, s, n, 0);
      }
      out.Commit(p);
      pos += c.width + n;
      return true;
    }
    case Format::kDatetime2: {
      const size_t n = 5 + (c.width + 1) / 2;
      if (avail < n) return false;
      const uint64_t int_raw = LoadBe(in, 5);
      const int64_t micros = FracMicros(in + 5, c.width, true);
      if (int_raw < kDatetimeIntOffset || micros < 0 || micros > kMaxMicros) return false;
      const uint64_t ymdhms = int_raw - kDatetimeIntOffset;
      const uint64_t ymd = ymdhms >> 17;
      const uint64_t ym = ymd >> 5;
      const uint64_t hms = ymdhms & ((1 << 17) - 1);
      const auto year = static_cast<uint32_t>(ym / 13);
      if (year > kMaxFourDigitYear) return false;
      char* p = PutShort(out.Reserve(key.size() + kMaxTemporalText), key);
      *p++ = '"';
      p = PutDate(p, year, static_cast<uint32_t>(ym % 13), static_cast<uint32_t>(ymd & 0x1f));
      *p++ = ' ';
      p = PutTimeOfDay(p, static_cast<uint32_t>(hms >> 12),
                       static_cast<uint32_t>((hms >> 6) & 0x3f), static_cast<uint32_t>(hms & 0x3f));
      p = PutFraction(p, static_cast<uint32_t>(micros), c.width);
      *p++ = '"';
      out.Commit(p);
      pos += n;
      return true;
    }
    case Format::kTimestamp2: {
      const size_t n = 4 + (c.width + 1) / 2;
      if (avail < n) return false;
      const uint64_t seconds = LoadBe(in, 4);
      const int64_t micros = FracMicros(in + 4, c.width, false);
      if (micros > kMaxMicros) return false;
      char* p = PutShort(out.Reserve(key.size() + kMaxTemporalText), key);
      *p++ = '"';
      if (seconds == 0 && micros == 0) {
        p = Put(p, "0000-00-00 00:00:00");  // the zero TIMESTAMP
        p = PutFraction(p, 0, c.width);
      } else {
        const Temporal t = BreakDownUtc(static_cast<int64_t>(seconds));
        p = PutDate(p, t.year, t.month, t.day);
        *p++ = 'T';
        p = PutTimeOfDay(p, t.hour, t.minute, t.second);
        p = PutFraction(p, static_cast<uint32_t>(micros), c.width);
        *p++ = 'Z';
      }
      *p++ = '"';
      out.Commit(p);
      pos += n;
      return true;
    }
    case Format::kDate: {
      if (avail < 3) return false;
      const auto v = static_cast<uint32_t>(LoadLe(in, 3));
      const uint32_t year = v >> 9;
      if (year > kMaxFourDigitYear) return false;
      char* p = PutShort(out.Reserve(key.size() + kMaxTemporalText), key);
      *p++ = '"';
      p = PutDate(p, year, (v >> 5) & 0x0f, v & 0x1f);
      *p++ = '"';
      out.Commit(p);
      pos += 3;
      return true;
    }
    case Format::kGeneric:
      return false;
  }
  return false;
}

}  // namespace

RowsJsonRenderer::RowsJsonRenderer(std::shared_ptr<const TableMapEvent> table,
                                   const ColumnNaming& naming)
    : table_(std::move(table)), naming_(naming) {
  columns_.reserve(table_->columns.size());
  for (size_t i = 0; i < table_->columns.size(); ++i) {
    const bool from_schema =
        i < naming_.unsigned_from_schema.size() && naming_.unsigned_from_schema[i];
    Column c = PlanColumn(table_->columns[i], from_schema);
    c.key = ",";
    AppendJsonString(c.key, i < naming_.names.size() ? std::string_view(naming_.names[i])
                                                     : std::string_view("@?"));
    c.key.push_back(':');
    columns_.push_back(std::move(c));
  }
  if (naming_.source != NameSource::kMetadata) {
    suffix_ = ",\"names\":\"";
    suffix_ += NameSourceName(naming_.source);
    suffix_.push_back('"');
  }
  suffix_ += "}\n";
}

Result<uint64_t> RowsJsonRenderer::Append(OutputBuffer& out, std::string_view prefix,
                                          const RowsEvent& event, uint64_t skip) {
  const size_t start = out.size();
  uint64_t rows = 0;
  if (AppendFast(out, prefix, event, skip, rows)) return rows;
  out.Truncate(start);
  return AppendDecoded(out, prefix, event, skip);
}

bool RowsJsonRenderer::AppendFast(OutputBuffer& out, std::string_view prefix,
                                  const RowsEvent& event, uint64_t skip, uint64_t& rows) {
  auto present = [&](const std::vector<bool>& bitmap, std::vector<uint32_t>& columns) {
    columns.clear();
    for (uint32_t i = 0; i < bitmap.size(); ++i) {
      if (bitmap[i]) columns.push_back(i);
    }
  };
  const bool has_before = event.kind != RowsKind::kInsert;
  const bool has_after = event.kind != RowsKind::kDelete;
  if (has_before) present(event.before_columns, before_);
  if (has_after) present(event.after_columns, after_);
  const std::string_view data = event.encoded->bytes;
  const uint64_t base = event.encoded->offset;
  size_t pos = 0;
  while (pos < data.size()) {
    const size_t line_start = out.size();
    const size_t row_start = pos;
    out.Append(prefix);
    if (has_before && !AppendImage(out, ",\"before\":{", before_, data, base, pos)) return false;
    if (has_after && !AppendImage(out, ",\"after\":{", after_, data, base, pos)) return false;
    if (pos == row_start) return false;  // an empty image: DecodeRows reports it
    out.Append(suffix_);
    if (rows < skip) out.Truncate(line_start);
    ++rows;
  }
  return true;
}

bool RowsJsonRenderer::AppendImage(OutputBuffer& out, std::string_view key,
                                   const std::vector<uint32_t>& present, std::string_view data,
                                   uint64_t base, size_t& pos) {
  const size_t null_bytes = (present.size() + 7) / 8;
  if (data.size() - pos < null_bytes) return false;
  const char* nulls = data.data() + pos;
  pos += null_bytes;
  out.Append(key);
  for (size_t k = 0; k < present.size(); ++k) {
    const uint32_t i = present[k];
    const Column& c = columns_[i];
    const std::string_view column_key = std::string_view(c.key).substr(k == 0 ? 1 : 0);
    if ((static_cast<uint8_t>(nulls[k / 8]) >> (k % 8)) & 1) {
      char* p = PutShort(out.Reserve(column_key.size() + kNull.size()), column_key);
      out.Commit(Put(p, kNull));
      continue;
    }
    if (!AppendValue(out, c, column_key, data, pos) &&
        !AppendGeneric(out, i, column_key, data, base, pos)) {
      return false;
    }
  }
  out.Append("}");
  return true;
}

bool RowsJsonRenderer::AppendGeneric(OutputBuffer& out, uint32_t i, std::string_view key,
                                     std::string_view data, uint64_t base, size_t& pos) {
  ByteReader r(data, base);
  if (!r.Skip(pos).ok()) return false;
  Result<Value> v = DecodeColumnValue(r, table_->columns[i]);
  if (!v.ok()) return false;
  scratch_.assign(key);
  AppendJson(scratch_, columns_[i].reinterpret_unsigned ? ReinterpretUnsigned(*v) : *v);
  out.Append(scratch_);
  pos = r.position();
  return true;
}

Result<uint64_t> RowsJsonRenderer::AppendDecoded(OutputBuffer& out, std::string_view prefix,
                                                 const RowsEvent& event, uint64_t skip) {
  ++events_decoded_;
  SAFEDDL_ASSIGN_OR_RETURN(std::vector<RowChange> rows, DecodeRows(event));
  for (size_t k = skip; k < rows.size(); ++k) {
    scratch_.clear();
    AppendJsonRowChange(scratch_, prefix, event, rows[k], naming_);
    out.Append(scratch_);
  }
  return rows.size();
}

}  // namespace safeddl::binlog
