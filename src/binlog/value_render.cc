// JSON and SQL-literal rendering of decoded values (see value.h for the contract).
#include <fmt/format.h>

#include <charconv>
#include <cmath>

#include "binlog/charset.h"
#include "binlog/value.h"

namespace safeddl::binlog {

namespace {

constexpr uint16_t kMaxExactJsonBits = 53;

std::string HexJson(std::string_view bytes) { return "{\"hex\":\"" + HexEncode(bytes) + "\"}"; }

std::string QuotedJson(std::string_view s) {
  std::string out;
  AppendJsonString(out, s);
  return out;
}

// True when text of `v`'s charset is shown as it is when it is valid UTF-8: UTF-8 and ASCII
// columns, and strings whose charset is not known (no metadata, or an id MariaDB lacks).
bool ShownAsUtf8(const Value& v) {
  if (!v.collation()) return true;
  const Charset cs = CharsetOf(*v.collation());
  return cs == Charset::kUtf8 || cs == Charset::kAscii || cs == Charset::kUnknown;
}

std::string StringJson(const Value& v) {
  const std::string& s = v.bytes();
  if (ShownAsUtf8(v)) return IsValidUtf8(s) ? QuotedJson(s) : HexJson(s);
  const std::optional<std::string> text = ConvertToUtf8(s, *v.collation());
  return text ? QuotedJson(*text) : HexJson(s);  // binary, or not valid in its charset
}

std::string JsonNumber(double d) {
  if (!std::isfinite(d)) return "null";
  return fmt::format("{}", d);
}

std::string SqlQuoted(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out.push_back('\'');
  for (char ch : s) {
    switch (ch) {
      case '\0':
        out += "\\0";
        break;
      case '\'':
        out += "\\'";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\x1a':
        out += "\\Z";
        break;
      default:
        out.push_back(ch);
    }
  }
  out.push_back('\'');
  return out;
}

std::string SqlHex(std::string_view bytes) { return "X'" + HexEncode(bytes) + "'"; }

std::string StringSql(const Value& v) {
  const std::string& s = v.bytes();
  // A hex literal stores the same bytes into any column, but only when the column is known to
  // be text of this charset is it more than a binary string.
  if (!v.collation()) return SqlHex(s);
  const Charset cs = CharsetOf(*v.collation());
  switch (cs) {
    case Charset::kBinary:
    case Charset::kUnknown:
      return SqlHex(s);
    case Charset::kUtf8:
    case Charset::kAscii:
      // Quoted text only when it is UTF-8, the connection's charset.
      return IsValidUtf8(s) ? SqlQuoted(s) : SqlHex(s);
    case Charset::kLatin1:
    case Charset::kOther:
      // The introducer makes the server convert it into whatever column it goes to.
      return fmt::format("_{} {}", CharsetName(*v.collation()), SqlHex(s));
  }
  return SqlHex(s);
}

}  // namespace

std::string HexEncode(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char ch : bytes) {
    const uint8_t b = static_cast<uint8_t>(ch);
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0xF]);
  }
  return out;
}

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const uint8_t b = static_cast<uint8_t>(s[i]);
    size_t n = 0;
    uint32_t cp = 0;
    if (b < 0x80) {
      ++i;
      continue;
    } else if ((b & 0xE0) == 0xC0) {
      n = 1;
      cp = b & 0x1F;
    } else if ((b & 0xF0) == 0xE0) {
      n = 2;
      cp = b & 0x0F;
    } else if ((b & 0xF8) == 0xF0) {
      n = 3;
      cp = b & 0x07;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;  // sequence runs past the end
    for (size_t k = 1; k <= n; ++k) {
      const uint8_t c = static_cast<uint8_t>(s[i + k]);
      if ((c & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (c & 0x3F);
    }
    // Reject overlong forms, surrogates and code points past U+10FFFF.
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

void AppendJsonString(std::string& out, std::string_view s) {
  out.push_back('"');
  size_t run = 0;  // start of the bytes not yet copied: runs without escapes go in one append
  for (size_t i = 0; i < s.size(); ++i) {
    const char ch = s[i];
    const uint8_t b = static_cast<uint8_t>(ch);
    if (b >= 0x20 && ch != '"' && ch != '\\') continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (ch) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        out += fmt::format("\\u{:04x}", b);
    }
  }
  out.append(s.data() + run, s.size() - run);
  out.push_back('"');
}

namespace {

template <typename T>
void AppendInteger(std::string& out, T v) {
  char buf[24];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, res.ptr);
}

void AppendDigits(std::string& out, uint32_t v, int width) {
  char buf[10];
  for (int i = width - 1; i >= 0; --i) {
    buf[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  out.append(buf, static_cast<size_t>(width));
}

constexpr uint32_t kMicrosDigits = 6;
constexpr uint32_t kMaxFourDigitYear = 9999;

// "YYYY-MM-DD HH:MM:SS[.f]" as Value::ToText prints DATETIME (fsp digits of the microseconds).
void AppendDatetime(std::string& out, const Temporal& t, uint8_t fsp) {
  AppendDigits(out, t.year, 4);
  out.push_back('-');
  AppendDigits(out, t.month, 2);
  out.push_back('-');
  AppendDigits(out, t.day, 2);
  out.push_back(' ');
  AppendDigits(out, t.hour, 2);
  out.push_back(':');
  AppendDigits(out, t.minute, 2);
  out.push_back(':');
  AppendDigits(out, t.second, 2);
  if (fsp > 0) {
    out.push_back('.');
    char buf[kMicrosDigits];
    uint32_t m = t.micros;
    for (int i = kMicrosDigits - 1; i >= 0; --i) {
      buf[i] = static_cast<char>('0' + m % 10);
      m /= 10;
    }
    out.append(buf, fsp);
  }
}

}  // namespace

void AppendJson(std::string& out, const Value& v) {
  switch (v.kind()) {
    case ValueKind::kAbsent:
    case ValueKind::kNull:
      out += "null";
      return;
    case ValueKind::kInt:
      AppendInteger(out, v.int_value());
      return;
    case ValueKind::kUint:
      if (v.type() == ColumnType::kLongLong) break;  // a string: see ToJson
      AppendInteger(out, v.uint_value());
      return;
    case ValueKind::kDecimal:
      out.push_back('"');
      out += v.bytes();  // digits, '-' and '.': nothing to escape
      out.push_back('"');
      return;
    case ValueKind::kString: {
      const std::string& bytes = v.bytes();
      bool ascii = true;
      for (char ch : bytes) ascii = ascii && static_cast<uint8_t>(ch) < 0x80;
      // ASCII reads the same in UTF-8 and every ASCII-compatible charset; other text may need
      // converting (ToJson).
      const bool as_is =
          ShownAsUtf8(v) ? ascii || IsValidUtf8(bytes) : ascii && AsciiCompatible(*v.collation());
      if (!as_is) break;
      AppendJsonString(out, bytes);
      return;
    }
    case ValueKind::kDatetime:
      if (v.temporal().year > kMaxFourDigitYear || v.fsp() > kMicrosDigits) break;
      out.push_back('"');
      AppendDatetime(out, v.temporal(), v.fsp());
      out.push_back('"');
      return;
    default:
      break;
  }
  out += ToJson(v);
}

std::string ToJson(const Value& v) {
  switch (v.kind()) {
    case ValueKind::kAbsent:
    case ValueKind::kNull:
      return "null";
    case ValueKind::kInt:
      return fmt::format("{}", v.int_value());
    case ValueKind::kUint:
      if (v.type() == ColumnType::kLongLong) return fmt::format("\"{}\"", v.uint_value());
      return fmt::format("{}", v.uint_value());
    case ValueKind::kBit:
      if (v.bits() > kMaxExactJsonBits) return fmt::format("\"{}\"", v.uint_value());
      return fmt::format("{}", v.uint_value());
    case ValueKind::kYear:
      return fmt::format("{}", v.uint_value());
    case ValueKind::kFloat:
      if (!std::isfinite(v.double_value())) return "null";
      return fmt::format("{}", v.float_value());
    case ValueKind::kDouble:
      return JsonNumber(v.double_value());
    case ValueKind::kDecimal:
      return QuotedJson(v.bytes());
    case ValueKind::kString:
      return StringJson(v);
    case ValueKind::kGeometry:
      return HexJson(v.bytes());
    case ValueKind::kUuid:
    case ValueKind::kInet6:
    case ValueKind::kInet4:
      return QuotedJson(v.ToText());
    case ValueKind::kEnum:
      if (v.has_label()) return QuotedJson(v.bytes());
      return fmt::format("{}", v.uint_value());
    case ValueKind::kSet: {
      if (!v.has_label()) return fmt::format("{}", v.uint_value());
      std::string out = "[";
      std::string_view rest = v.bytes();
      bool first = true;
      while (!rest.empty()) {
        const size_t comma = rest.find(',');
        if (!first) out.push_back(',');
        first = false;
        AppendJsonString(out, rest.substr(0, comma));
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      }
      out.push_back(']');
      return out;
    }
    case ValueKind::kDate:
    case ValueKind::kTime:
    case ValueKind::kDatetime:
      return QuotedJson(v.ToText());
    case ValueKind::kTimestamp: {
      if (v.int_value() == 0 && v.temporal().micros == 0) return QuotedJson(v.ToText());
      std::string text = v.ToText();
      text[10] = 'T';
      return QuotedJson(text + "Z");
    }
  }
  return "null";
}

std::string ToSqlLiteral(const Value& v) {
  switch (v.kind()) {
    case ValueKind::kAbsent:
      return "DEFAULT";
    case ValueKind::kNull:
      return "NULL";
    case ValueKind::kInt:
    case ValueKind::kUint:
    case ValueKind::kBit:
    case ValueKind::kYear:
    case ValueKind::kDecimal:
      return v.ToText();
    case ValueKind::kFloat:
    case ValueKind::kDouble:
      if (!std::isfinite(v.double_value())) return "NULL";
      return v.ToText();
    case ValueKind::kString:
      return StringSql(v);
    case ValueKind::kGeometry:
      return SqlHex(v.bytes());
    case ValueKind::kUuid:
    case ValueKind::kInet6:
    case ValueKind::kInet4:
      return SqlQuoted(v.ToText());  // the server parses it back into the same bytes
    case ValueKind::kEnum:
    case ValueKind::kSet:
      return v.has_label() ? SqlQuoted(v.bytes()) : v.ToText();
    case ValueKind::kDate:
    case ValueKind::kTime:
    case ValueKind::kDatetime:
      return SqlQuoted(v.ToText());
    case ValueKind::kTimestamp: {
      if (v.int_value() == 0 && v.temporal().micros == 0) return SqlQuoted(v.ToText());
      std::string frac;
      if (v.fsp() > 0) {
        frac = "." + fmt::format("{:06d}", v.temporal().micros).substr(0, v.fsp());
      }
      return fmt::format("FROM_UNIXTIME({}{})", v.int_value(), frac);
    }
  }
  return "NULL";
}

}  // namespace safeddl::binlog
