#include "binlog/decimal.h"

#include <gtest/gtest.h>

#include "binlog/test_util.h"

namespace safeddl::binlog {
namespace {

using testing::Bytes;
using testing::PutBe;

// Independent encoder for the test: "-123.45" as DECIMAL(p, s).
std::string Encode(std::string_view text, int precision, int scale) {
  static constexpr int kBytes[10] = {0, 1, 1, 2, 2, 3, 3, 4, 4, 4};
  const bool neg = !text.empty() && text[0] == '-';
  if (neg) text.remove_prefix(1);
  const size_t dot = text.find('.');
  std::string ip(text.substr(0, dot));
  std::string fp = dot == std::string_view::npos ? "" : std::string(text.substr(dot + 1));
  const int intg = precision - scale;
  ip.insert(0, intg - ip.size(), '0');
  fp.resize(scale, '0');
  std::string out;
  size_t pos = 0;
  if (intg % 9) {
    PutBe(out, std::stoull(ip.substr(0, intg % 9)), kBytes[intg % 9]);
    pos = intg % 9;
  }
  for (; pos < ip.size(); pos += 9) PutBe(out, std::stoull(ip.substr(pos, 9)), 4);
  for (pos = 0; pos + 9 <= fp.size(); pos += 9) PutBe(out, std::stoull(fp.substr(pos, 9)), 4);
  if (scale % 9) PutBe(out, std::stoull(fp.substr(pos)), kBytes[scale % 9]);
  out[0] = static_cast<char>(out[0] ^ 0x80);
  if (neg) {
    for (char& c : out) c = static_cast<char>(~c);
  }
  return out;
}

std::string Decode(const std::string& bytes, int p, int s) {
  ByteReader r(bytes);
  Result<std::string> v = DecodeDecimal(r, p, s);
  EXPECT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_TRUE(r.empty());
  return v.ok() ? *v : "";
}

TEST(DecimalTest, DocumentedExample) {
  // The MySQL manual's example: 1234567890.1234 as DECIMAL(14,4).
  EXPECT_EQ(Decode(Bytes({0x81, 0x0D, 0xFB, 0x38, 0xD2, 0x04, 0xD2}), 14, 4), "1234567890.1234");
  EXPECT_EQ(Decode(Bytes({0x7E, 0xF2, 0x04, 0xC7, 0x2D, 0xFB, 0x2D}), 14, 4), "-1234567890.1234");
  EXPECT_EQ(DecimalBinarySize(14, 4), 7u);
}

TEST(DecimalTest, SizesMatchTheFormat) {
  EXPECT_EQ(DecimalBinarySize(10, 0), 5u);
  EXPECT_EQ(DecimalBinarySize(65, 30), 30u);
  EXPECT_EQ(DecimalBinarySize(9, 9), 4u);
  EXPECT_EQ(DecimalBinarySize(1, 0), 1u);
}

TEST(DecimalTest, ExtremesOf65And30) {
  const std::string max = std::string(35, '9') + "." + std::string(30, '9');
  EXPECT_EQ(Decode(Encode(max, 65, 30), 65, 30), max);
  EXPECT_EQ(Decode(Encode("-" + max, 65, 30), 65, 30), "-" + max);
  const std::string tiny = "0." + std::string(29, '0') + "1";
  EXPECT_EQ(Decode(Encode(tiny, 65, 30), 65, 30), tiny);
  EXPECT_EQ(Decode(Encode("-" + tiny, 65, 30), 65, 30), "-" + tiny);
  EXPECT_EQ(Decode(Encode("0", 65, 30), 65, 30), "0." + std::string(30, '0'));
}

TEST(DecimalTest, SmallScalesAndIntegers) {
  EXPECT_EQ(Decode(Encode("-0.5", 3, 1), 3, 1), "-0.5");
  EXPECT_EQ(Decode(Encode("12.30", 5, 2), 5, 2), "12.30");
  EXPECT_EQ(Decode(Encode("-99999", 5, 0), 5, 0), "-99999");
  EXPECT_EQ(Decode(Encode("0", 5, 0), 5, 0), "0");
  EXPECT_EQ(Decode(Encode("123456789012345678", 18, 0), 18, 0), "123456789012345678");
  EXPECT_EQ(Decode(Encode("0.000000001", 10, 9), 10, 9), "0.000000001");
  EXPECT_EQ(Decode(Encode("-0.123456789012", 13, 12), 13, 12), "-0.123456789012");
}

TEST(DecimalTest, TruncatedIsCorruptionWithOffset) {
  const std::string bytes = Encode("1.5", 5, 2);
  ByteReader r(std::string_view(bytes).substr(0, 2), 40);
  Status s = DecodeDecimal(r, 5, 2).status();
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_EQ(s.message(), "truncated at offset 40: need 3 bytes, 2 left");
}

TEST(DecimalTest, GroupOutOfRangeIsCorruption) {
  // 4-byte group 0xffffffff (after sign flip) cannot hold 9 decimal digits.
  const std::string bytes = Bytes({0xff, 0xff, 0xff, 0xff});
  ByteReader r(bytes, 8);
  Status s = DecodeDecimal(r, 9, 0).status();
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_NE(s.message().find("offset 8"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace safeddl::binlog
