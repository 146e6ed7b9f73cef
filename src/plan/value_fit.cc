#include "plan/value_fit.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>
#include <utility>

#include "common/strings.h"
#include "mysql/quote.h"

// What the rules rely on, seen on MariaDB 10.11 (ALTER TABLE ... ALGORITHM=COPY in strict and
// non-strict mode, and INSERT IGNORE ... SELECT under STRICT_ALL_TABLES as safeddl's copy does):
// - integers, DECIMAL and BIT: out of range is refused (strict) or clipped; DECIMAL to fewer
//   decimals or to an integer rounds half away from zero (a note, never refused), as ROUND()
//   does; FLOAT/DOUBLE to an integer rounds half to even, as ROUND() of a double does, and to
//   DECIMAL goes through the double's shortest text, as CAST(... AS DECIMAL) does.
// - CHAR/VARCHAR/TEXT: cut at the new length (a strict ALTER refuses even cut spaces, a strict
//   INSERT only other characters, and not for TEXT); CHAR(n) drops trailing spaces; BINARY(n) pads
//   with zero bytes, so BINARY(8) -> BINARY(4) cuts every value (the padding counts as data);
//   characters the new charset lacks are refused or '?'.
// - ENUM/SET: values are carried by label, matched with the collation (so 'A' may become 'a'),
//   and a label the new list lacks is refused, blanked — or, when it is a number, taken as an
//   index into the new list without a warning ('3' becomes the third label).
// - temporal: fewer fractional digits round (or truncate with TIME_ROUND_FRACTIONAL off);
//   DATETIME -> DATE drops the time of day.
namespace safeddl::plan {
namespace {

using schema::Column;

// ---- Reading column types.

// The numbers in a type's parentheses: {10, 2} for "decimal(10,2) unsigned"; {} without any.
std::vector<uint64_t> TypeNumbers(std::string_view column_type) {
  const size_t open = column_type.find('(');
  if (open == std::string_view::npos) return {};
  const size_t close = column_type.find(')', open);
  if (close == std::string_view::npos) return {};
  std::vector<uint64_t> out;
  for (const std::string& part : SplitString(column_type.substr(open + 1, close - open - 1), ',')) {
    std::optional<unsigned long long> n = ParseUint64(TrimWhitespace(part));
    if (!n) return {};
    out.push_back(*n);
  }
  return out;
}

// ENUM/SET labels as information_schema writes them: enum('a','it''s','back\\slash').
std::vector<std::string> TypeLabels(std::string_view type) {
  std::vector<std::string> labels;
  size_t i = type.find('(');
  if (i == std::string_view::npos) return labels;
  ++i;
  while (i < type.size() && type[i] == '\'') {
    std::string label;
    for (++i; i < type.size(); ++i) {
      if (type[i] == '\\' && i + 1 < type.size()) {
        label.push_back(type[++i]);
      } else if (type[i] == '\'' && i + 1 < type.size() && type[i + 1] == '\'') {
        label.push_back(type[++i]);
      } else if (type[i] == '\'') {
        break;
      } else {
        label.push_back(type[i]);
      }
    }
    labels.push_back(std::move(label));
    ++i;  // the closing quote
    if (i < type.size() && type[i] == ',') ++i;
  }
  return labels;
}

uint64_t Utf8Chars(std::string_view s) {
  return std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; });
}

// Fractional-second digits of a temporal type: 3 for "datetime(3)".
int FractionalDigits(const Column& c) {
  std::vector<uint64_t> n = TypeNumbers(c.column_type);
  return n.size() == 1 && n[0] <= 6 ? static_cast<int>(n[0]) : 0;
}

enum class Family {
  kInteger,
  kDecimal,
  kBit,
  kFloat,       // float, double
  kCharacters,  // char, varchar, the text types
  kBytes,       // binary, varbinary, the blob types
  kEnum,
  kSet,
  kTemporal,  // date, datetime, timestamp, time
  kOther,     // year, uuid, inet, geometry, ...
};

constexpr std::array<std::pair<std::string_view, uint64_t>, 8> kLobBytes = {{
    {"tinytext", 255},
    {"text", 65535},
    {"mediumtext", 16777215},
    {"longtext", 4294967295},
    {"tinyblob", 255},
    {"blob", 65535},
    {"mediumblob", 16777215},
    {"longblob", 4294967295},
}};

std::optional<uint64_t> LobBytes(std::string_view data_type) {
  for (const auto& [name, bytes] : kLobBytes) {
    if (data_type == name) return bytes;
  }
  return std::nullopt;
}

Family FamilyOf(const Column& c) {
  const std::string& t = c.data_type;
  if (c.IsInteger()) return Family::kInteger;
  if (t == "decimal") return Family::kDecimal;
  if (t == "bit") return Family::kBit;
  if (t == "float" || t == "double") return Family::kFloat;
  if (t == "char" || t == "varchar" || t.find("text") != std::string::npos) {
    return Family::kCharacters;
  }
  if (t == "binary" || t == "varbinary" || t.find("blob") != std::string::npos) {
    return Family::kBytes;
  }
  if (t == "enum") return Family::kEnum;
  if (t == "set") return Family::kSet;
  if (t == "date" || t == "datetime" || t == "timestamp" || t == "time") return Family::kTemporal;
  return Family::kOther;
}

// ---- Character sets.

struct CharsetWidth {
  std::string_view name;
  int min_bytes;
  int max_bytes;
};

constexpr std::array<CharsetWidth, 14> kMultiByteCharsets = {{
    {"big5", 1, 2},
    {"cp932", 1, 2},
    {"eucjpms", 1, 3},
    {"euckr", 1, 2},
    {"gb2312", 1, 2},
    {"gbk", 1, 2},
    {"sjis", 1, 2},
    {"ujis", 1, 3},
    {"ucs2", 2, 2},
    {"utf16", 2, 4},
    {"utf16le", 2, 4},
    {"utf32", 4, 4},
    {"utf8mb3", 1, 3},
    {"utf8mb4", 1, 4},
}};

constexpr std::array<std::string_view, 25> kSingleByteCharsets = {
    "armscii8", "ascii",   "cp1250", "cp1251", "cp1256",   "cp1257",  "cp850", "cp852", "cp866",
    "dec8",     "geostd8", "greek",  "hebrew", "hp8",      "keybcs2", "koi8r", "koi8u", "latin1",
    "latin2",   "latin5",  "latin7", "macce",  "macroman", "swe7",    "tis620"};

// Charsets holding every Unicode character: anything converts into them.
constexpr std::array<std::string_view, 4> kFullUnicodeCharsets = {"utf8mb4", "utf16", "utf16le",
                                                                  "utf32"};

template <size_t N>
bool IsOneOf(std::string_view name, const std::array<std::string_view, N>& names) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

bool IsSingleByte(std::string_view charset) { return IsOneOf(charset, kSingleByteCharsets); }

// Bytes per character; an unknown charset is taken at the widest (so a check is kept).
CharsetWidth WidthOf(std::string_view charset) {
  if (IsSingleByte(charset)) return {charset, 1, 1};
  for (const CharsetWidth& w : kMultiByteCharsets) {
    if (w.name == charset) return w;
  }
  return {charset, 1, 4};
}

// The column's charset, lower-case, "utf8" as "utf8mb3"; "" when information_schema gave none.
std::string CharsetOf(const Column& c) {
  std::string cs = AsciiLower(c.charset.value_or(""));
  return cs == "utf8" ? "utf8mb3" : cs;
}

// Whether every character of `from` exists in `to` (else a round trip finds the ones that don't).
bool HoldsAllOf(std::string_view to, std::string_view from) {
  if (from == to || IsOneOf(to, kFullUnicodeCharsets)) return true;
  if (to == "utf8mb3" || to == "ucs2") {
    return from == "utf8mb3" || from == "ucs2" || IsSingleByte(from);  // all within the BMP
  }
  return from == "ascii" && to == "latin1";
}

// ---- The result being built.

struct Fit {
  const Column& before;
  const Column& after;
  std::string col;  // the original column, quoted
  FitAnalysis out;

  void Add(std::string_view kind, std::string predicate, std::string detail) {
    out.checks.push_back({std::string(kind), std::move(predicate), std::move(detail)});
  }
  void Unchecked(std::string_view why) {
    out.unchecked = fmt::format("{} -> {} is not checked against the data: {}", before.column_type,
                                after.column_type, why);
  }
  const std::string& new_type() const { return after.column_type; }
};

constexpr std::string_view kFamilyChange = "a conversion between type families";

// ---- Numbers.

struct IntegerBounds {
  std::string_view type;
  std::string_view min;
  std::string_view max;
  std::string_view unsigned_max;
};

constexpr std::array<IntegerBounds, 5> kIntegerBounds = {{
    {"tinyint", "-128", "127", "255"},
    {"smallint", "-32768", "32767", "65535"},
    {"mediumint", "-8388608", "8388607", "16777215"},
    {"int", "-2147483648", "2147483647", "4294967295"},
    {"bigint", "-9223372036854775808", "9223372036854775807", "18446744073709551615"},
}};

// The range of an exact numeric type (integer, DECIMAL, BIT) as SQL literals.
struct ExactRange {
  std::string lo;     // "-128", "0", "-999.99"
  std::string hi;     // "127", "255", "999.99"
  int scale = 0;      // digits after the point
  int precision = 0;  // DECIMAL(p, s): p; 0 for the others
};

long double ValueOf(const std::string& literal) { return std::strtold(literal.c_str(), nullptr); }

std::optional<ExactRange> ExactRangeOf(const Column& c) {
  if (c.IsInteger()) {
    for (const IntegerBounds& b : kIntegerBounds) {
      if (c.data_type != b.type) continue;
      if (c.is_unsigned) return ExactRange{"0", std::string(b.unsigned_max)};
      return ExactRange{std::string(b.min), std::string(b.max)};
    }
  }
  const std::vector<uint64_t> n = TypeNumbers(c.column_type);
  if (c.data_type == "decimal") {
    if (n.size() != 2 || n[0] == 0 || n[0] > 65 || n[1] > n[0]) return std::nullopt;
    const int p = static_cast<int>(n[0]);
    const int s = static_cast<int>(n[1]);
    std::string hi = p > s ? std::string(p - s, '9') : "0";
    if (s > 0) hi += "." + std::string(s, '9');
    return ExactRange{c.is_unsigned ? "0" : "-" + hi, hi, s, p};
  }
  if (c.data_type == "bit") {
    if (n.size() != 1 || n[0] == 0 || n[0] > 64) return std::nullopt;
    const uint64_t max = n[0] == 64 ? UINT64_MAX : (uint64_t{1} << n[0]) - 1;
    return ExactRange{"0", std::to_string(max)};
  }
  return std::nullopt;
}

// The tests of an out_of_range check, against the new type's bounds.
struct RangeTest {
  std::string above;  // "`c` > 127", "ROUND(`c`) >= 9223372036854775808"; "" if none
  std::string below;  // "`c` < -128"; "" if none
  std::string note;   // appended to the detail
};

void AddOutOfRange(Fit& fit, const RangeTest& t, const ExactRange& to) {
  std::vector<std::string> tests, words;
  if (!t.above.empty()) {
    tests.push_back(t.above);
    words.push_back("above " + to.hi);
  }
  if (!t.below.empty()) {
    tests.push_back(t.below);
    words.push_back("below " + to.lo);
  }
  if (tests.empty()) return;
  fit.Add(
      "out_of_range", JoinStrings(tests, " OR "),
      fmt::format("values {} do not fit {}{}", JoinStrings(words, " or "), fit.new_type(), t.note));
}

std::string RoundedDetail(const Fit& fit, int scale) {
  if (scale == 0) {
    return fmt::format("values with a fractional part are rounded to fit {}", fit.new_type());
  }
  return fmt::format("values with more than {} decimals are rounded to fit {}", scale,
                     fit.new_type());
}

// Integer, DECIMAL or BIT into an integer or DECIMAL.
void CheckExactToExact(Fit& fit, const ExactRange& from, const ExactRange& to) {
  const bool rounds = from.scale > to.scale;
  const std::string value = fit.before.data_type == "bit" ? fit.col + " + 0" : fit.col;
  const std::string rounded = to.scale == 0 ? fmt::format("ROUND({})", fit.col)
                                            : fmt::format("ROUND({}, {})", fit.col, to.scale);
  RangeTest t;
  // Rounding never carries a value past the new maximum unless the old one already exceeds it:
  // the old maximum is 10^k minus a fraction, the new one an integer or 10^m minus a fraction.
  if (ValueOf(from.hi) > ValueOf(to.hi)) {
    t.above = fmt::format("{} > {}", rounds ? rounded : value, to.hi);
  }
  // An UNSIGNED column refuses a negative value even when it would round to 0.
  if (ValueOf(from.lo) < ValueOf(to.lo)) {
    t.below = fmt::format("{} < {}", rounds && to.lo != "0" ? rounded : value, to.lo);
  }
  AddOutOfRange(fit, t, to);
  if (rounds) {
    fit.Add("rounded", fmt::format("{} <> {}", fit.col, rounded), RoundedDetail(fit, to.scale));
  }
}

// FLOAT or DOUBLE into an integer or DECIMAL: always checked, a double has no exact range.
void CheckApproxToExact(Fit& fit, const ExactRange& to) {
  RangeTest t;
  if (fit.after.IsInteger()) {
    // ROUND() of a double rounds half to even, as the conversion does (-0.5 becomes 0, even
    // for an UNSIGNED column).
    const std::string rounded = fmt::format("ROUND({})", fit.col);
    t.above = fmt::format("{} > {}", rounded, to.hi);
    // 2^63 - 1 is no double (it compares as 2^63, which becomes 2^63 - 1): test against 2^63.
    // A native ALTER converts a double through a signed integer, so it refuses (or clips to
    // 2^63 - 1) the doubles from 2^63 up for an unsigned BIGINT too; INSERT ... SELECT would not.
    if (fit.after.data_type == "bigint") {
      t.above = rounded + " >= 9223372036854775808";
      if (fit.after.is_unsigned) {
        t.note = " (nor, in a native ALTER, values from 9223372036854775808 up)";
      }
    }
    t.below = fmt::format("{} < {}", rounded, to.lo);
    AddOutOfRange(fit, t, to);
    fit.Add("rounded", fmt::format("{} <> {}", fit.col, rounded), RoundedDetail(fit, 0));
    return;
  }
  // To DECIMAL the server converts as CAST does (the double's shortest text, rounded half up);
  // DECIMAL(65, s) holds every rounded value that fits any DECIMAL(p, s), and clips the others
  // to its own maximum, which equals the new one when p is 65 (a double never rounds to exactly
  // that maximum: it has at most 17 significant digits). UNSIGNED refuses any negative value.
  const std::string rounded = fmt::format("CAST({} AS DECIMAL(65, {}))", fit.col, to.scale);
  const bool widest = to.precision == 65;
  t.above = fmt::format("{} {} {}", rounded, widest ? ">=" : ">", to.hi);
  t.below = to.lo == "0" ? fit.col + " < 0"
                         : fmt::format("{} {} {}", rounded, widest ? "<=" : "<", to.lo);
  AddOutOfRange(fit, t, to);
  // A FLOAT is compared at its own precision: 0.1 (a float) -> 0.10 is no change.
  const std::string back =
      fit.before.data_type == "float" ? fmt::format("CAST({} AS FLOAT)", rounded) : rounded;
  fit.Add("rounded", fmt::format("{} <> {}", fit.col, back), RoundedDetail(fit, to.scale));
}

// An exact or approximate number into FLOAT or DOUBLE.
void CheckToApprox(Fit& fit, Family from) {
  if (!TypeNumbers(fit.after.column_type).empty()) {
    return fit.Unchecked("FLOAT(M,D) and DOUBLE(M,D) round to D decimals, which is not modelled");
  }
  const bool to_double = fit.after.data_type == "double";
  if (from == Family::kFloat) {
    if (fit.before.data_type == "double" && !to_double) {
      fit.Unchecked("a float keeps about 7 significant digits of a double");
    }
    return;  // a float (or a double) is held exactly by a double
  }
  std::optional<ExactRange> range = ExactRangeOf(fit.before);
  if (!range) return fit.Unchecked("the old type is not understood");
  const std::string cast = to_double ? "DOUBLE" : "FLOAT";
  if (from == Family::kDecimal) {
    // Up to 15 significant digits come back from a double unchanged; 6 from a float.
    if (range->precision <= (to_double ? 15 : 6)) return;
    if (!to_double) return fit.Unchecked("a float keeps about 7 significant digits");
    fit.Add("rounded",
            fmt::format("{} <> CAST(CAST({} AS DOUBLE) AS DECIMAL({}, {}))", fit.col, fit.col,
                        range->precision, range->scale),
            fmt::format("values with more significant digits than a double holds are rounded "
                        "to fit {}",
                        fit.new_type()));
    return;
  }
  // Integers (and BIT) are exact up to 2^53 in a double, 2^24 in a float.
  const long double exact = to_double ? 9007199254740992.0L : 16777216.0L;
  if (ValueOf(range->hi) <= exact && -ValueOf(range->lo) <= exact) return;
  const std::string value = from == Family::kBit ? fit.col + " + 0" : fit.col;
  fit.Add("rounded",
          fmt::format("{} <> CAST(CAST({} AS {}) AS DECIMAL(20, 0))", value, value, cast),
          fmt::format("integers beyond {} are rounded to fit {}", to_double ? "2^53" : "2^24",
                      fit.new_type()));
}

void CheckToNumber(Fit& fit, Family from, Family to) {
  if (to == Family::kFloat) {
    if (from == Family::kInteger || from == Family::kDecimal || from == Family::kBit ||
        from == Family::kFloat) {
      return CheckToApprox(fit, from);
    }
    return fit.Unchecked(kFamilyChange);
  }
  std::optional<ExactRange> target = ExactRangeOf(fit.after);
  if (!target) return fit.Unchecked("the new type is not understood");
  if (to == Family::kBit && from != Family::kBit) return fit.Unchecked(kFamilyChange);
  if (from == Family::kFloat) return CheckApproxToExact(fit, *target);
  if (from != Family::kInteger && from != Family::kDecimal && from != Family::kBit) {
    return fit.Unchecked(kFamilyChange);
  }
  std::optional<ExactRange> source = ExactRangeOf(fit.before);
  if (!source) return fit.Unchecked("the old type is not understood");
  CheckExactToExact(fit, *source, *target);
}

// ---- Strings.

// A string type's limits.
struct StringType {
  bool binary = false;            // bytes, no charset
  bool fixed = false;             // CHAR(n) drops trailing spaces, BINARY(n) pads with zero bytes
  std::optional<uint64_t> chars;  // CHAR/VARCHAR(n): n characters
  uint64_t bytes = 0;             // the most bytes it holds
  std::string charset;            // "" for binary strings
};

std::optional<StringType> StringTypeOf(const Column& c) {
  StringType t;
  const std::string& type = c.data_type;
  t.binary = FamilyOf(c) == Family::kBytes;
  t.charset = t.binary ? "" : CharsetOf(c);
  if (!t.binary && t.charset.empty()) return std::nullopt;
  if (std::optional<uint64_t> bytes = LobBytes(type)) {
    t.bytes = *bytes;
    return t;
  }
  const std::vector<uint64_t> n = TypeNumbers(c.column_type);
  if (n.size() != 1) return std::nullopt;
  t.fixed = type == "char" || type == "binary";
  if (t.binary) {
    t.bytes = n[0];
  } else {
    t.chars = n[0];
    t.bytes = c.octet_length.value_or(n[0] * WidthOf(t.charset).max_bytes);
  }
  return t;
}

// A column's values as text, as a string column receives them.
struct TextForm {
  uint64_t chars = 0;            // at most this many characters
  uint64_t bytes = 0;            // at most this many bytes (in `charset`)
  std::string charset;           // "" for binary strings, numbers and dates
  bool binary = false;           // bytes (BINARY, VARBINARY, BLOB)
  bool plain_ascii = false;      // numbers and dates: digits and punctuation
  bool fixed_binary = false;     // BINARY(n): always n bytes, zero padding included
  bool trailing_spaces = false;  // may end in spaces (VARCHAR, TEXT, VARBINARY, BLOB)
};

std::optional<TextForm> NumberText(const Column& c, Family family) {
  TextForm f;
  f.plain_ascii = true;
  if (family == Family::kInteger) {
    std::optional<ExactRange> r = ExactRangeOf(c);
    if (!r) return std::nullopt;
    f.chars = std::max(r->lo.size(), r->hi.size());
    // ZEROFILL pads to the display width: int(5) unsigned zerofill gives '00042'.
    std::vector<uint64_t> width = TypeNumbers(c.column_type);
    if (c.column_type.find("zerofill") != std::string::npos && width.size() == 1) {
      f.chars = std::max<uint64_t>(f.chars, width[0]);
    }
  } else if (family == Family::kDecimal) {
    std::optional<ExactRange> r = ExactRangeOf(c);
    if (!r) return std::nullopt;
    // "-999.99"; "-0.99" when all digits are decimals; ZEROFILL pads to the same width.
    f.chars = r->precision + (r->scale > 0 ? 1 : 0) + (r->precision == r->scale ? 1 : 0) +
              (c.is_unsigned ? 0 : 1);
  } else if (c.data_type == "date") {
    f.chars = 10;  // 2024-01-31
  } else if (c.data_type == "datetime") {
    const int fsp = FractionalDigits(c);
    f.chars = 19 + (fsp > 0 ? fsp + 1 : 0);  // 2024-01-31 23:59:59.123
  } else if (c.data_type == "time") {
    const int fsp = FractionalDigits(c);
    f.chars = 10 + (fsp > 0 ? fsp + 1 : 0);  // -838:59:59.123
  } else if (c.data_type == "year") {
    f.chars = 4;
  } else {
    return std::nullopt;
  }
  f.bytes = f.chars;
  return f;
}

std::optional<TextForm> TextFormOf(const Column& c) {
  const Family family = FamilyOf(c);
  if (family == Family::kCharacters || family == Family::kBytes) {
    std::optional<StringType> s = StringTypeOf(c);
    if (!s) return std::nullopt;
    TextForm f;
    f.binary = s->binary;
    f.charset = s->charset;
    f.bytes = s->bytes;
    f.chars = s->chars ? *s->chars : s->bytes / (s->binary ? 1 : WidthOf(s->charset).min_bytes);
    f.fixed_binary = s->binary && s->fixed;
    f.trailing_spaces = !s->fixed;
    return f;
  }
  if (family == Family::kEnum || family == Family::kSet) {
    TextForm f;
    f.charset = CharsetOf(c);
    if (f.charset.empty()) return std::nullopt;
    const std::vector<std::string> labels = TypeLabels(c.column_type);
    for (const std::string& l : labels) {
      const uint64_t n = Utf8Chars(l);
      f.chars = family == Family::kEnum ? std::max(f.chars, n) : f.chars + n + 1;
    }
    if (family == Family::kSet && f.chars > 0) --f.chars;  // commas between members
    f.bytes = f.chars * WidthOf(f.charset).max_bytes;
    return f;
  }
  return NumberText(c, family);
}

// Old values as text into CHAR, VARCHAR or a TEXT type.
void CheckToCharacters(Fit& fit, const TextForm& from, const StringType& to) {
  const std::string& cs = to.charset;
  const bool same_charset = from.charset == cs;
  // The value as the new column's characters (binary strings are taken as they are).
  const std::string text = from.binary ? fmt::format("CONVERT({} USING {})", fit.col, cs) : fit.col;
  if (to.chars) {
    if (from.chars > *to.chars) {
      fit.Add("truncated", fmt::format("CHAR_LENGTH({}) > {}", text, *to.chars),
              fmt::format("values longer than {} characters are cut to fit {}", *to.chars,
                          fit.new_type()));
    }
  } else {
    const uint64_t widest =
        same_charset || from.binary ? from.bytes : from.chars * WidthOf(cs).max_bytes;
    if (widest > to.bytes) {
      const std::string bytes =
          same_charset ? fit.col : fmt::format("CONVERT({} USING {})", fit.col, cs);
      fit.Add("truncated", fmt::format("LENGTH({}) > {}", bytes, to.bytes),
              fmt::format("values longer than {} bytes in {} are cut to fit {}", to.bytes, cs,
                          fit.new_type()));
    }
  }
  if (to.fixed && from.trailing_spaces) {
    fit.Add("truncated", fmt::format("CHAR_LENGTH(RTRIM({})) < CHAR_LENGTH({})", text, text),
            fmt::format("trailing spaces are dropped by {}", fit.new_type()));
  }
  if (from.binary) {
    if (WidthOf(cs).min_bytes > 1) {
      return fit.Unchecked(fmt::format("bytes are not checked for validity in {}", cs));
    }
    fit.Add("unconvertible", fmt::format("{} <> CAST({} AS BINARY)", fit.col, text),
            fmt::format("bytes that are no valid {} text are refused or become '?'", cs));
  } else if (!from.plain_ascii && !HoldsAllOf(cs, from.charset)) {
    // A round trip through the new charset, compared byte for byte (no collation, no padding).
    fit.Add("unconvertible",
            fmt::format("CAST({} AS BINARY) <> CAST(CONVERT(CONVERT({} USING {}) USING {}) AS "
                        "BINARY)",
                        fit.col, fit.col, cs, from.charset),
            fmt::format("characters that {} cannot hold are refused or become '?'", cs));
  }
}

// Old values as bytes into BINARY, VARBINARY or a BLOB type (text keeps its old encoding).
void CheckToBytes(Fit& fit, const TextForm& from, const StringType& to) {
  if (from.bytes > to.bytes) {
    std::string detail =
        fmt::format("values longer than {} bytes are cut to fit {}", to.bytes, fit.new_type());
    if (from.fixed_binary) {
      detail += fmt::format(" ({} values are always {} bytes, zero padding included)",
                            fit.before.column_type, from.bytes);
    }
    fit.Add("truncated", fmt::format("LENGTH({}) > {}", fit.col, to.bytes), std::move(detail));
  }
  if (to.fixed && !(from.fixed_binary && from.bytes >= to.bytes)) {
    fit.Add("padded", fmt::format("LENGTH({}) < {}", fit.col, to.bytes),
            fmt::format("values shorter than {} bytes are padded with zero bytes by {}", to.bytes,
                        fit.new_type()));
  }
}

void CheckToString(Fit& fit, Family from, Family to) {
  std::optional<StringType> target = StringTypeOf(fit.after);
  if (!target) return fit.Unchecked("the new type or its charset is not understood");
  std::optional<TextForm> source = TextFormOf(fit.before);
  if (!source) {
    if (from == Family::kFloat) return fit.Unchecked("the text of a float is not modelled");
    if (fit.before.data_type == "timestamp") {
      return fit.Unchecked("timestamps become text in the copying session's time zone");
    }
    return fit.Unchecked(from == Family::kCharacters || from == Family::kBytes
                             ? "the old type or its charset is not understood"
                             : kFamilyChange);
  }
  if (to == Family::kBytes) return CheckToBytes(fit, *source, *target);
  CheckToCharacters(fit, *source, *target);
}

// ---- ENUM and SET.

std::string QuotedLabels(const std::vector<std::string>& labels) {
  std::vector<std::string> quoted;
  for (const std::string& l : labels) quoted.push_back(mysql::QuoteString(l));
  return JoinStrings(quoted, ", ");
}

bool IsLabel(const std::vector<std::string>& labels, std::string_view value) {
  return std::find(labels.begin(), labels.end(), value) != labels.end();
}

// Whether `value` (an old label) is, as it is written, a value of a SET of `members`: members of
// the list, each once, in the list's order ('x,y' is, 'y,x' would come back as 'x,y').
bool IsSetText(const std::vector<std::string>& members, std::string_view value) {
  if (value.empty()) return true;
  size_t next = 0;
  for (const std::string& m : SplitString(value, ',')) {
    auto it = std::find(members.begin() + next, members.end(), m);
    if (it == members.end()) return false;
    next = it - members.begin() + 1;
  }
  return true;
}

void CheckToList(Fit& fit, Family from, Family to) {
  const std::vector<std::string> target = TypeLabels(fit.after.column_type);
  if (from == Family::kCharacters && to == Family::kEnum) {
    // Labels match with the collation ('A' finds 'a', 'a ' finds 'a') and a number finds a
    // label by position: only an exact label comes through unchanged.
    fit.Add("not_in_list",
            fmt::format("CAST(CONVERT({} USING utf8mb4) AS BINARY) NOT IN ({})", fit.col,
                        QuotedLabels(target)),
            fmt::format("values that are not exactly a label of {} are refused or changed",
                        fit.new_type()));
    return;
  }
  if (from == Family::kSet && to == Family::kEnum) {
    return fit.Unchecked("a SET value of several members is no ENUM label; not modelled");
  }
  if (from != Family::kEnum && from != Family::kSet) {
    return fit.Unchecked(fmt::format("{} values into a {} are not modelled", fit.before.data_type,
                                     fit.after.data_type));
  }
  // The old labels the new list lacks (compared exactly), by position: ENUM values by index,
  // SET values as a bit mask. The ENUM error value '' (index 0) stays ''. A SET whose members
  // all remain keeps its members (listed in the new order: not counted as a change).
  const std::vector<std::string> source = TypeLabels(fit.before.column_type);
  std::vector<std::string> missing, positions;
  uint64_t mask = 0;
  for (size_t i = 0; i < source.size() && i < 64; ++i) {
    if (to == Family::kEnum ? IsLabel(target, source[i]) : IsSetText(target, source[i])) continue;
    missing.push_back(source[i]);
    positions.push_back(std::to_string(i + 1));
    mask |= uint64_t{1} << i;
  }
  if (missing.empty()) return;
  const std::string predicate =
      from == Family::kEnum ? fmt::format("{} + 0 IN ({})", fit.col, JoinStrings(positions, ", "))
                            : fmt::format("({} + 0) & {} <> 0", fit.col, mask);
  fit.Add("not_in_list", predicate,
          fmt::format("{} {} not in {} (labels match exactly)", QuotedLabels(missing),
                      missing.size() == 1 ? "is" : "are", fit.new_type()));
}

// ---- Dates and times.

void CheckTemporal(Fit& fit) {
  const std::string& from = fit.before.data_type;
  const std::string& to = fit.after.data_type;
  if (from == to) {
    const int fsp = FractionalDigits(fit.after);
    if (fsp >= FractionalDigits(fit.before)) return;
    int unit = 1;
    for (int i = fsp; i < 6; ++i) unit *= 10;
    const std::string predicate = fsp == 0
                                      ? fmt::format("MICROSECOND({}) <> 0", fit.col)
                                      : fmt::format("MICROSECOND({}) % {} <> 0", fit.col, unit);
    fit.Add("rounded", predicate,
            fsp == 0 ? fmt::format("values with fractional seconds are rounded to fit {}",
                                   fit.new_type())
                     : fmt::format("values with more than {} fractional-second digits are "
                                   "rounded to fit {}",
                                   fsp, fit.new_type()));
    return;
  }
  if (from == "date" && to == "datetime") return;
  if (from == "datetime" && to == "date") {
    fit.Add(
        "truncated", fmt::format("TIME({}) <> '00:00:00'", fit.col),
        fmt::format("values with a time of day other than 00:00:00 lose it in {}", fit.new_type()));
    return;
  }
  if (from == "timestamp" || to == "timestamp") {
    return fit.Unchecked("timestamps convert through the copying session's time zone");
  }
  fit.Unchecked("a conversion between temporal types");
}

void CheckType(Fit& fit) {
  const Family from = FamilyOf(fit.before);
  const Family to = FamilyOf(fit.after);
  switch (to) {
    case Family::kInteger:
    case Family::kDecimal:
    case Family::kBit:
    case Family::kFloat:
      return CheckToNumber(fit, from, to);
    case Family::kCharacters:
    case Family::kBytes:
      return CheckToString(fit, from, to);
    case Family::kEnum:
    case Family::kSet:
      return CheckToList(fit, from, to);
    case Family::kTemporal:
      if (from != Family::kTemporal) return fit.Unchecked(kFamilyChange);
      return CheckTemporal(fit);
    case Family::kOther:
      if (EqualsIgnoreCase(fit.before.column_type, fit.after.column_type)) return;
      return fit.Unchecked(fmt::format("{} values are not modelled", fit.after.data_type));
  }
}

}  // namespace

FitAnalysis CheckValueFit(const schema::Column& before, const schema::Column& after) {
  // A generated column is computed by the server, not converted from the old values.
  if (after.IsGenerated()) return {};
  Result<std::string> col = mysql::QuoteIdentifier(before.name);
  if (!col.ok()) {
    return {{}, "the column's name cannot be quoted: " + col.status().message()};
  }
  Fit fit{before, after, *col, {}};
  if (before.nullable && !after.nullable) {
    fit.Add("null_into_not_null", fmt::format("{} IS NULL", fit.col),
            fmt::format("NULL does not fit NOT NULL {}", after.column_type));
  }
  const bool same_type = EqualsIgnoreCase(before.column_type, after.column_type) &&
                         CharsetOf(before) == CharsetOf(after);
  if (!same_type) CheckType(fit);
  return std::move(fit.out);
}

}  // namespace safeddl::plan
