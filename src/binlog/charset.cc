#include "binlog/charset.h"

#include <array>
#include <iterator>

#include "binlog/charset_iconv.h"
#include "binlog/charset_tables.h"
#include "binlog/value.h"

namespace safeddl::binlog {

namespace {

namespace tables = charset_tables;

struct CharsetInfo {
  std::string_view name;  // MariaDB's
  Charset family;
  bool ascii_compatible;                      // see AsciiCompatible
  const uint16_t* table;                      // 8-bit charsets: the server's code points
  std::optional<MultiByteCharset> multibyte;  // the others: through iconv
};

// Every charset of MariaDB 10.11 (SELECT CHARACTER_SET_NAME FROM
// information_schema.CHARACTER_SETS): the 8-bit ones through the server's own tables
// (charset_tables.h), the multi-byte ones through iconv (charset_iconv.h), UTF-8, ASCII and
// latin1 here.
constexpr CharsetInfo kCharsets[] = {
    {"big5", Charset::kOther, true, nullptr, MultiByteCharset::kBig5},
    {"dec8", Charset::kOther, true, tables::kDec8, std::nullopt},
    {"cp850", Charset::kOther, true, tables::kCp850, std::nullopt},
    {"hp8", Charset::kOther, true, tables::kHp8, std::nullopt},
    {"koi8r", Charset::kOther, true, tables::kKoi8r, std::nullopt},
    {"latin1", Charset::kLatin1, true, nullptr, std::nullopt},
    {"latin2", Charset::kOther, true, tables::kLatin2, std::nullopt},
    {"swe7", Charset::kOther, false, tables::kSwe7, std::nullopt},
    {"ascii", Charset::kAscii, true, nullptr, std::nullopt},
    {"ujis", Charset::kOther, true, nullptr, MultiByteCharset::kUjis},
    {"sjis", Charset::kOther, true, nullptr, MultiByteCharset::kSjis},
    {"hebrew", Charset::kOther, true, tables::kHebrew, std::nullopt},
    {"tis620", Charset::kOther, true, tables::kTis620, std::nullopt},
    {"euckr", Charset::kOther, true, nullptr, MultiByteCharset::kEuckr},
    {"koi8u", Charset::kOther, true, tables::kKoi8u, std::nullopt},
    {"gb2312", Charset::kOther, true, nullptr, MultiByteCharset::kGb2312},
    {"greek", Charset::kOther, true, tables::kGreek, std::nullopt},
    {"cp1250", Charset::kOther, true, tables::kCp1250, std::nullopt},
    {"gbk", Charset::kOther, true, nullptr, MultiByteCharset::kGbk},
    {"latin5", Charset::kOther, true, tables::kLatin5, std::nullopt},
    {"armscii8", Charset::kOther, true, tables::kArmscii8, std::nullopt},
    {"utf8mb3", Charset::kUtf8, true, nullptr, std::nullopt},
    {"ucs2", Charset::kOther, false, nullptr, MultiByteCharset::kUcs2},
    {"cp866", Charset::kOther, true, tables::kCp866, std::nullopt},
    {"keybcs2", Charset::kOther, true, tables::kKeybcs2, std::nullopt},
    {"macce", Charset::kOther, true, tables::kMacce, std::nullopt},
    {"macroman", Charset::kOther, true, tables::kMacroman, std::nullopt},
    {"cp852", Charset::kOther, true, tables::kCp852, std::nullopt},
    {"latin7", Charset::kOther, true, tables::kLatin7, std::nullopt},
    {"utf8mb4", Charset::kUtf8, true, nullptr, std::nullopt},
    {"cp1251", Charset::kOther, true, tables::kCp1251, std::nullopt},
    {"utf16", Charset::kOther, false, nullptr, MultiByteCharset::kUtf16},
    {"utf16le", Charset::kOther, false, nullptr, MultiByteCharset::kUtf16le},
    {"cp1256", Charset::kOther, true, tables::kCp1256, std::nullopt},
    {"cp1257", Charset::kOther, true, tables::kCp1257, std::nullopt},
    {"utf32", Charset::kOther, false, nullptr, MultiByteCharset::kUtf32},
    {"binary", Charset::kBinary, false, nullptr, std::nullopt},
    {"geostd8", Charset::kOther, true, tables::kGeostd8, std::nullopt},
    {"cp932", Charset::kOther, true, nullptr, MultiByteCharset::kCp932},
    {"eucjpms", Charset::kOther, true, nullptr, MultiByteCharset::kEucjpms},
};
constexpr size_t kCharsetCount = std::size(kCharsets);

struct CollationRange {
  uint16_t first, last;
  std::string_view charset;
};

// Collation id -> charset, as ranges of consecutive ids. Generated once from MariaDB 10.11.19:
//   SELECT ID, CHARACTER_SET_NAME FROM information_schema.COLLATION_CHARACTER_SET_APPLICABILITY
//   ORDER BY ID
// (1242 ids; unlike information_schema.COLLATIONS it also lists the ids of the UCA-14.0
// collations, 2048 and up), consecutive ids of one charset joined into a range. NO PAD
// collations are the ids from 1024 on.
constexpr CollationRange kCollations[] = {
    {1, 1, "big5"},
    {2, 2, "latin2"},
    {3, 3, "dec8"},
    {4, 4, "cp850"},
    {5, 5, "latin1"},
    {6, 6, "hp8"},
    {7, 7, "koi8r"},
    {8, 8, "latin1"},
    {9, 9, "latin2"},
    {10, 10, "swe7"},
    {11, 11, "ascii"},
    {12, 12, "ujis"},
    {13, 13, "sjis"},
    {14, 14, "cp1251"},
    {15, 15, "latin1"},
    {16, 16, "hebrew"},
    {18, 18, "tis620"},
    {19, 19, "euckr"},
    {20, 20, "latin7"},
    {21, 21, "latin2"},
    {22, 22, "koi8u"},
    {23, 23, "cp1251"},
    {24, 24, "gb2312"},
    {25, 25, "greek"},
    {26, 26, "cp1250"},
    {27, 27, "latin2"},
    {28, 28, "gbk"},
    {29, 29, "cp1257"},
    {30, 30, "latin5"},
    {31, 31, "latin1"},
    {32, 32, "armscii8"},
    {33, 33, "utf8mb3"},
    {34, 34, "cp1250"},
    {35, 35, "ucs2"},
    {36, 36, "cp866"},
    {37, 37, "keybcs2"},
    {38, 38, "macce"},
    {39, 39, "macroman"},
    {40, 40, "cp852"},
    {41, 42, "latin7"},
    {43, 43, "macce"},
    {44, 44, "cp1250"},
    {45, 46, "utf8mb4"},
    {47, 49, "latin1"},
    {50, 52, "cp1251"},
    {53, 53, "macroman"},
    {54, 55, "utf16"},
    {56, 56, "utf16le"},
    {57, 57, "cp1256"},
    {58, 59, "cp1257"},
    {60, 61, "utf32"},
    {62, 62, "utf16le"},
    {63, 63, "binary"},
    {64, 64, "armscii8"},
    {65, 65, "ascii"},
    {66, 66, "cp1250"},
    {67, 67, "cp1256"},
    {68, 68, "cp866"},
    {69, 69, "dec8"},
    {70, 70, "greek"},
    {71, 71, "hebrew"},
    {72, 72, "hp8"},
    {73, 73, "keybcs2"},
    {74, 74, "koi8r"},
    {75, 75, "koi8u"},
    {77, 77, "latin2"},
    {78, 78, "latin5"},
    {79, 79, "latin7"},
    {80, 80, "cp850"},
    {81, 81, "cp852"},
    {82, 82, "swe7"},
    {83, 83, "utf8mb3"},
    {84, 84, "big5"},
    {85, 85, "euckr"},
    {86, 86, "gb2312"},
    {87, 87, "gbk"},
    {88, 88, "sjis"},
    {89, 89, "tis620"},
    {90, 90, "ucs2"},
    {91, 91, "ujis"},
    {92, 93, "geostd8"},
    {94, 94, "latin1"},
    {95, 96, "cp932"},
    {97, 98, "eucjpms"},
    {99, 99, "cp1250"},
    {101, 124, "utf16"},
    {128, 151, "ucs2"},
    {159, 159, "ucs2"},
    {160, 183, "utf32"},
    {192, 215, "utf8mb3"},
    {223, 223, "utf8mb3"},
    {224, 247, "utf8mb4"},
    {576, 578, "utf8mb3"},
    {608, 610, "utf8mb4"},
    {640, 642, "ucs2"},
    {672, 674, "utf16"},
    {736, 738, "utf32"},
    {1025, 1025, "big5"},
    {1027, 1027, "dec8"},
    {1028, 1028, "cp850"},
    {1030, 1030, "hp8"},
    {1031, 1031, "koi8r"},
    {1032, 1032, "latin1"},
    {1033, 1033, "latin2"},
    {1034, 1034, "swe7"},
    {1035, 1035, "ascii"},
    {1036, 1036, "ujis"},
    {1037, 1037, "sjis"},
    {1040, 1040, "hebrew"},
    {1042, 1042, "tis620"},
    {1043, 1043, "euckr"},
    {1046, 1046, "koi8u"},
    {1048, 1048, "gb2312"},
    {1049, 1049, "greek"},
    {1050, 1050, "cp1250"},
    {1052, 1052, "gbk"},
    {1054, 1054, "latin5"},
    {1056, 1056, "armscii8"},
    {1057, 1057, "utf8mb3"},
    {1059, 1059, "ucs2"},
    {1060, 1060, "cp866"},
    {1061, 1061, "keybcs2"},
    {1062, 1062, "macce"},
    {1063, 1063, "macroman"},
    {1064, 1064, "cp852"},
    {1065, 1065, "latin7"},
    {1067, 1067, "macce"},
    {1069, 1070, "utf8mb4"},
    {1071, 1071, "latin1"},
    {1074, 1075, "cp1251"},
    {1077, 1077, "macroman"},
    {1078, 1079, "utf16"},
    {1080, 1080, "utf16le"},
    {1081, 1081, "cp1256"},
    {1082, 1083, "cp1257"},
    {1084, 1085, "utf32"},
    {1086, 1086, "utf16le"},
    {1088, 1088, "armscii8"},
    {1089, 1089, "ascii"},
    {1090, 1090, "cp1250"},
    {1091, 1091, "cp1256"},
    {1092, 1092, "cp866"},
    {1093, 1093, "dec8"},
    {1094, 1094, "greek"},
    {1095, 1095, "hebrew"},
    {1096, 1096, "hp8"},
    {1097, 1097, "keybcs2"},
    {1098, 1098, "koi8r"},
    {1099, 1099, "koi8u"},
    {1101, 1101, "latin2"},
    {1102, 1102, "latin5"},
    {1103, 1103, "latin7"},
    {1104, 1104, "cp850"},
    {1105, 1105, "cp852"},
    {1106, 1106, "swe7"},
    {1107, 1107, "utf8mb3"},
    {1108, 1108, "big5"},
    {1109, 1109, "euckr"},
    {1110, 1110, "gb2312"},
    {1111, 1111, "gbk"},
    {1112, 1112, "sjis"},
    {1113, 1113, "tis620"},
    {1114, 1114, "ucs2"},
    {1115, 1115, "ujis"},
    {1116, 1117, "geostd8"},
    {1119, 1120, "cp932"},
    {1121, 1122, "eucjpms"},
    {1125, 1125, "utf16"},
    {1147, 1147, "utf16"},
    {1152, 1152, "ucs2"},
    {1174, 1174, "ucs2"},
    {1184, 1184, "utf32"},
    {1206, 1206, "utf32"},
    {1216, 1216, "utf8mb3"},
    {1238, 1238, "utf8mb3"},
    {1248, 1248, "utf8mb4"},
    {1270, 1270, "utf8mb4"},
    {2048, 2215, "utf8mb3"},
    {2232, 2247, "utf8mb3"},
    {2304, 2471, "utf8mb4"},
    {2488, 2503, "utf8mb4"},
    {2560, 2727, "ucs2"},
    {2744, 2759, "ucs2"},
    {2816, 2983, "utf16"},
    {3000, 3015, "utf16"},
    {3072, 3239, "utf32"},
    {3256, 3271, "utf32"},
    // MySQL 8's collations that MariaDB 10.11 lacks (no id conflicts): utf8mb3_tolower_ci and
    // the utf8mb4 0900 collations.
    {76, 76, "utf8mb3"},
    {255, 323, "utf8mb4"},
};

constexpr uint32_t kMaxCollationId = 4096;
constexpr uint8_t kNoCharset = 0xff;

constexpr size_t CharsetIndex(std::string_view name) {
  for (size_t i = 0; i < kCharsetCount; ++i) {
    if (kCharsets[i].name == name) return i;
  }
  return kNoCharset;
}

// Index into kCharsets of every collation id below kMaxCollationId.
constexpr std::array<uint8_t, kMaxCollationId> kCharsetOfCollation = [] {
  std::array<uint8_t, kMaxCollationId> table{};
  table.fill(kNoCharset);
  for (const CollationRange& r : kCollations) {
    for (uint32_t id = r.first; id <= r.last; ++id) {
      table[id] = static_cast<uint8_t>(CharsetIndex(r.charset));
    }
  }
  return table;
}();

const CharsetInfo* InfoOf(uint32_t collation) {
  if (collation >= kMaxCollationId) return nullptr;
  const uint8_t i = kCharsetOfCollation[collation];
  return i == kNoCharset ? nullptr : &kCharsets[i];
}

// Windows-1252 for 0x80..0x9f.
constexpr uint16_t kCp1252High[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

std::string Latin1ToUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size() * 2);
  for (char ch : s) AppendUtf8(out, Latin1CodePoint(static_cast<uint8_t>(ch)));
  return out;
}

// An 8-bit charset through its table: for bytes 0x80.. (ASCII below), or for 0x00..0x7f when
// the charset is not ASCII-compatible (swe7; no byte from 0x80 on is a character).
std::optional<std::string> TableToUtf8(const CharsetInfo& info, std::string_view s) {
  constexpr uint8_t kHalf = 0x80;
  std::string out;
  out.reserve(s.size() * 2);
  for (char ch : s) {
    const auto b = static_cast<uint8_t>(ch);
    uint32_t cp = b;
    if (!info.ascii_compatible) {
      cp = b < kHalf ? info.table[b] : tables::kNone;
    } else if (b >= kHalf) {
      cp = info.table[b - kHalf];
    }
    if (cp == tables::kNone) return std::nullopt;
    AppendUtf8(out, cp);
  }
  return out;
}

}  // namespace

Charset CharsetOf(uint32_t collation) {
  const CharsetInfo* info = InfoOf(collation);
  return info == nullptr ? Charset::kUnknown : info->family;
}

std::string_view CharsetName(uint32_t collation) {
  const CharsetInfo* info = InfoOf(collation);
  return info == nullptr ? std::string_view() : info->name;
}

bool AsciiCompatible(uint32_t collation) {
  const CharsetInfo* info = InfoOf(collation);
  return info != nullptr && info->ascii_compatible;
}

std::optional<std::string> ConvertToUtf8(std::string_view bytes, uint32_t collation) {
  const CharsetInfo* info = InfoOf(collation);
  if (info == nullptr) return std::nullopt;
  switch (info->family) {
    case Charset::kUtf8:
    case Charset::kAscii:  // holds only ASCII; anything else is shown as UTF-8 when it is
      if (!IsValidUtf8(bytes)) return std::nullopt;
      return std::string(bytes);
    case Charset::kLatin1:
      return Latin1ToUtf8(bytes);
    case Charset::kOther:
      if (info->multibyte) return MultiByteToUtf8(*info->multibyte, bytes);
      return TableToUtf8(*info, bytes);
    case Charset::kBinary:
    case Charset::kUnknown:
      break;
  }
  return std::nullopt;
}

uint32_t Latin1CodePoint(uint8_t b) {
  if (b >= 0x80 && b < 0xA0) return kCp1252High[b - 0x80];
  return b;
}

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

}  // namespace safeddl::binlog
