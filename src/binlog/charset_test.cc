// Collation ids to charsets, and text of every charset of MariaDB 10.11 converted to UTF-8. The
// expected values are the server's own (MariaDB 10.11.19):
//   SELECT HEX(CONVERT(CONVERT(X'<input>' USING <charset>) USING utf8mb4))
// where a '?' for a byte other than 0x3f means the server has no character for it (we: nullopt).
#include "binlog/charset.h"

#include <gtest/gtest.h>

#include <thread>

#include "binlog/value.h"

#include "binlog/test_util.h"

namespace safeddl::binlog {
namespace {

using testing::Unhex;

TEST(CharsetTest, CollationIdsFromTheServersTable) {
  EXPECT_EQ(CharsetOf(8), Charset::kLatin1);     // latin1_swedish_ci
  EXPECT_EQ(CharsetOf(1032), Charset::kLatin1);  // latin1_swedish_nopad_ci
  EXPECT_EQ(CharsetOf(11), Charset::kAscii);
  EXPECT_EQ(CharsetOf(33), Charset::kUtf8);    // utf8mb3_general_ci
  EXPECT_EQ(CharsetOf(45), Charset::kUtf8);    // utf8mb4_general_ci
  EXPECT_EQ(CharsetOf(2304), Charset::kUtf8);  // a utf8mb4 UCA-14.0 collation
  EXPECT_EQ(CharsetOf(255), Charset::kUtf8);   // MySQL 8's utf8mb4_0900_ai_ci
  EXPECT_EQ(CharsetOf(63), Charset::kBinary);
  EXPECT_EQ(CharsetOf(51), Charset::kOther);
  EXPECT_EQ(CharsetOf(17), Charset::kUnknown);  // no such id in MariaDB 10.11
  EXPECT_EQ(CharsetOf(100000), Charset::kUnknown);

  EXPECT_EQ(CharsetName(51), "cp1251");  // cp1251_general_ci
  EXPECT_EQ(CharsetName(1074), "cp1251");
  EXPECT_EQ(CharsetName(56), "utf16le");
  EXPECT_EQ(CharsetName(2560), "ucs2");
  EXPECT_EQ(CharsetName(97), "eucjpms");
  EXPECT_EQ(CharsetName(3271), "utf32");
  EXPECT_EQ(CharsetName(17), "");
}

TEST(CharsetTest, AsciiCompatible) {
  EXPECT_TRUE(AsciiCompatible(8));
  EXPECT_TRUE(AsciiCompatible(13));   // sjis: its 0x5c is a backslash on the server
  EXPECT_FALSE(AsciiCompatible(35));  // ucs2
  EXPECT_FALSE(AsciiCompatible(56));  // utf16le
  EXPECT_FALSE(AsciiCompatible(10));  // swe7
  EXPECT_FALSE(AsciiCompatible(63));
  EXPECT_FALSE(AsciiCompatible(17));
}

struct Vector {
  const char* charset;
  uint32_t collation;  // the charset's default collation
  const char* input;   // hex
  const char* utf8;    // hex, the server's
};

constexpr Vector kVectors[] = {
    {"cp1251", 51, "CFF0E8E2E5F22C20ECE8F0", "D09FD180D0B8D0B2D0B5D1822C20D0BCD0B8D180"},
    {"koi8r", 7, "F0D2C9D7C5D4", "D09FD180D0B8D0B2D0B5D182"},
    {"koi8u", 22, "BDC1CECFCB20A7D6C1", "D290D0B0D0BDD0BED0BA20D197D0B6D0B0"},
    {"cp866", 36, "8FE0A8A2A5E2", "D09FD180D0B8D0B2D0B5D182"},
    {"cp1250", 26, "A3F3649F20BFF3B3E6", "C581C3B364C5BA20C5BCC3B3C582C487"},
    {"latin2", 9, "A3F364BC20BFF3B3E6", "C581C3B364C5BA20C5BCC3B3C582C487"},
    {"cp852", 40, "9DA264AB20BEA28886", "C581C3B364C5BA20C5BCC3B3C582C487"},
    {"macce", 38, "FC97649020FD97B88D", "C581C3B364C5BA20C5BCC3B3C582C487"},
    {"cp1256", 57, "E3D1CDC8C7", "D985D8B1D8ADD8A8D8A7"},
    {"hebrew", 16, "F9ECE5ED", "D7A9D79CD795D79D"},
    {"greek", 25, "CAE1EBE7ECDDF1E1", "CE9ACEB1CEBBCEB7CEBCCEADCF81CEB1"},
    {"greek", 25, "A1A2", "CABDCABC"},  // where glibc's ISO-8859-7 has U+2018, U+2019
    {"hebrew", 16, "AF", "E280BE"},     // glibc: U+00AF
    {"koi8u", 22, "95", "E280A2"},      // glibc: U+2219
    {"latin5", 30, "DD7374616E62756C20F0FCFE", "C4B07374616E62756C20C49FC3BCC59F"},
    {"latin7", 41, "C0FE756F6C617320EBE6", "C484C5BE756F6C617320C497C499"},
    {"cp1257", 59, "C0FE756F6C617320EBE6", "C484C5BE756F6C617320C497C499"},
    {"tis620", 18, "CAC7D1CAB4D5", "E0B8AAE0B8A7E0B8B1E0B8AAE0B894E0B8B5"},
    {"armscii8", 32, "B4B3F1BBF5", "D4B2D5A1D680D5A5D682"},
    {"geostd8", 92, "C2C0CCC0D2E3CFC1C0", "E18392E18390E1839BE18390E183A0E183AFE1839DE18391E18390"},
    {"macroman", 39, "4361668E20AAF0", "436166C3A920E284A2EFA3BF"},
    {"cp850", 4, "4361668220A4", "436166C3A920C3B1"},
    {"dec8", 3, "436166E920BD", "436166C3A920C2BD"},
    {"hp8", 6, "436166C520BB", "436166C3A920C2A3"},
    {"keybcs2", 37, "8065A874696E61", "C48C65C5A174696E61"},
    {"swe7", 10, "5D7B7C204060", "C385C3A4C3B620C389C3A9"},
    {"ucs2", 35, "006800E9006C006C006F002020AC", "68C3A96C6C6F20E282AC"},
    {"utf16", 54, "D83DDE00002000E9", "F09F988020C3A9"},
    {"utf16le", 56, "3DD800DE2000E900", "F09F988020C3A9"},
    {"utf32", 60, "0001F60000000020000000E9", "F09F988020C3A9"},
    {"gbk", 28, "D6D0CEC4", "E4B8ADE69687"},
    {"gb2312", 24, "D6D0CEC4", "E4B8ADE69687"},
    {"big5", 1, "A4A4B5D8", "E4B8ADE88FAF"},
    {"big5", 1, "A145C6A5", "E280A2E38181"},                           // two of glibc's differences
    {"sjis", 13, "93FA967B8CEA5C7E815F", "E697A5E69CACE8AA9E5C7E5C"},  // 0x5c, 0x7e: ASCII
    {"cp932", 95, "93FA967B8CEA8740", "E697A5E69CACE8AA9EE291A0"},
    {"ujis", 12, "C6FCCBDCB8ECA1C0", "E697A5E69CACE8AA9E5C"},
    {"ujis", 12, "8FA2B7", "7E"},
    {"eucjpms", 97, "C6FCCBDCB8ECADA1", "E697A5E69CACE8AA9EE291A0"},
    {"euckr", 19, "C7D1B1B9BEEE8141", "ED959CEAB5ADEC96B4EAB082"},  // 0x8141: CP949's
    {"latin1", 8, "436166E92080", "436166C3A920E282AC"},
    {"latin1", 1032, "81", "C281"},
    {"utf8mb4", 45, "F09F9880", "F09F9880"},
    {"cp1251", 1074, "", ""},
};

TEST(CharsetTest, ConvertsAsTheServerDoes) {
  for (const Vector& v : kVectors) {
    SCOPED_TRACE(std::string(v.charset) + " " + v.input);
    EXPECT_EQ(CharsetName(v.collation), v.charset);
    const std::optional<std::string> utf8 = ConvertToUtf8(Unhex(v.input), v.collation);
    ASSERT_TRUE(utf8.has_value());
    EXPECT_EQ(HexEncode(*utf8), HexEncode(Unhex(v.utf8)));
  }
}

TEST(CharsetTest, BytesTheServerShowsAsQuestionMarksDoNotConvert) {
  constexpr std::pair<uint32_t, const char*> kInvalid[] = {
      {51, "98"},      // cp1251: no character
      {10, "80"},      // swe7: 7-bit
      {13, "81"},      // sjis: a lead byte alone
      {12, "81"},      // ujis: glibc passes it through as a C1 control
      {35, "0068E9"},  // ucs2: odd length
      {54, "D800"},    // utf16: half a surrogate pair
      {1, "A3E1"},     // big5: glibc's euro sign, not the server's
      {28, "80"},      // gbk: likewise
      {45, "C328"},    // utf8mb4
      {63, "41"},      // binary
      {17, "41"},      // no such collation
  };
  for (const auto& [collation, input] : kInvalid) {
    SCOPED_TRACE(input);
    EXPECT_EQ(ConvertToUtf8(Unhex(input), collation), std::nullopt) << collation;
  }
}

TEST(CharsetTest, ConvertersArePerThread) {
  auto convert = [] {
    for (int i = 0; i < 100; ++i) {
      EXPECT_EQ(ConvertToUtf8(Unhex("C6FCCBDCB8EC"), 12), Unhex("E697A5E69CACE8AA9E"));
      EXPECT_EQ(ConvertToUtf8(Unhex("D6D0CEC4"), 28), Unhex("E4B8ADE69687"));
    }
  };
  std::thread a(convert), b(convert);
  a.join();
  b.join();
}

}  // namespace
}  // namespace safeddl::binlog
