#include "binlog/temporal.h"

#include <gtest/gtest.h>

#include "binlog/test_util.h"

namespace safeddl::binlog {
namespace {

using testing::Bytes;
using testing::PutLe;

std::string Text(Result<Value> (*fn)(ByteReader&, uint8_t), const std::string& bytes, uint8_t fsp) {
  ByteReader r(bytes);
  Result<Value> v = fn(r, fsp);
  EXPECT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_TRUE(r.empty()) << "unread bytes";
  return v.ok() ? v->ToText() : "";
}

TEST(TemporalTest, Datetime2AllFractionWidths) {
  const std::string base = Bytes({0x99, 0x9e, 0x7a, 0xc8, 0xb8});
  EXPECT_EQ(Text(DecodeDatetime2, base, 0), "2017-12-29 12:34:56");
  EXPECT_EQ(Text(DecodeDatetime2, base + Bytes({0x0a}), 1), "2017-12-29 12:34:56.1");
  EXPECT_EQ(Text(DecodeDatetime2, base + Bytes({0x0c}), 2), "2017-12-29 12:34:56.12");
  EXPECT_EQ(Text(DecodeDatetime2, base + Bytes({0x04, 0xce}), 3), "2017-12-29 12:34:56.123");
  EXPECT_EQ(Text(DecodeDatetime2, base + Bytes({0x04, 0xd2}), 4), "2017-12-29 12:34:56.1234");
  EXPECT_EQ(Text(DecodeDatetime2, base + Bytes({0x01, 0xe2, 0x3a}), 5),
            "2017-12-29 12:34:56.12345");
  EXPECT_EQ(Text(DecodeDatetime2, base + Bytes({0x01, 0xe2, 0x40}), 6),
            "2017-12-29 12:34:56.123456");
  EXPECT_EQ(Text(DecodeDatetime2, base + Bytes({0x00, 0x00, 0x00}), 6),
            "2017-12-29 12:34:56.000000");
}

TEST(TemporalTest, Datetime2Extremes) {
  EXPECT_EQ(Text(DecodeDatetime2, Bytes({0x80, 0, 0, 0, 0}), 0), "0000-00-00 00:00:00");
  EXPECT_EQ(Text(DecodeDatetime2, Bytes({0xfe, 0xf3, 0xff, 0x7e, 0xfb, 0x0f, 0x42, 0x3f}), 6),
            "9999-12-31 23:59:59.999999");
}

TEST(TemporalTest, Time2PositiveAndNegative) {
  EXPECT_EQ(Text(DecodeTime2, Bytes({0xb4, 0x6e, 0xfb}), 0), "838:59:59");
  EXPECT_EQ(Text(DecodeTime2, Bytes({0x4b, 0x91, 0x05}), 0), "-838:59:59");
  EXPECT_EQ(Text(DecodeTime2, Bytes({0x7f, 0xff, 0xff}), 0), "-00:00:01");
  EXPECT_EQ(Text(DecodeTime2, Bytes({0x80, 0x00, 0x00}), 0), "00:00:00");
  EXPECT_EQ(Text(DecodeTime2, Bytes({0x80, 0xc8, 0xb8, 0x32}), 2), "12:34:56.50");
  EXPECT_EQ(Text(DecodeTime2, Bytes({0x7f, 0xff, 0xff, 0xf6}), 1), "-00:00:00.1");
  EXPECT_EQ(Text(DecodeTime2, Bytes({0x7f, 0xef, 0xff, 0xec, 0x78}), 3), "-01:00:00.500");
  EXPECT_EQ(Text(DecodeTime2, Bytes({0x7f, 0xff, 0xff, 0xff, 0xff, 0xff}), 6), "-00:00:00.000001");
  EXPECT_EQ(Text(DecodeTime2, Bytes({0xb4, 0x6e, 0xfb, 0x00, 0x00, 0x00}), 6), "838:59:59.000000");
}

TEST(TemporalTest, Timestamp2) {
  const std::string r_bytes = Bytes({0x65, 0x53, 0xf1, 0x00, 0x04, 0xce});
  ByteReader r(r_bytes);
  Result<Value> v = DecodeTimestamp2(r, 3);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->int_value(), 1700000000);
  EXPECT_EQ(v->temporal().micros, 123000u);
  EXPECT_EQ(v->ToText(), "2023-11-14 22:13:20.123");
  EXPECT_EQ(Text(DecodeTimestamp2, Bytes({0, 0, 0, 0}), 0), "0000-00-00 00:00:00");
  EXPECT_EQ(Text(DecodeTimestamp2, Bytes({0x7f, 0xff, 0xff, 0xff, 0x0f, 0x42, 0x3f}), 6),
            "2038-01-19 03:14:07.999999");
}

TEST(TemporalTest, DateAndYear) {
  const std::string r_bytes = Bytes({0x5d, 0xd0, 0x0f, 0, 0, 0, 0x9f, 0x1f, 0x4e, 0, 1, 255});
  ByteReader r(r_bytes);
  EXPECT_EQ(DecodeDate(r)->ToText(), "2024-02-29");
  EXPECT_EQ(DecodeDate(r)->ToText(), "0000-00-00");
  EXPECT_EQ(DecodeDate(r)->ToText(), "9999-12-31");
  EXPECT_EQ(DecodeYear(r)->ToText(), "0000");
  EXPECT_EQ(DecodeYear(r)->ToText(), "1901");
  EXPECT_EQ(DecodeYear(r)->ToText(), "2155");
}

TEST(TemporalTest, OldFormats) {
  std::string bytes;
  PutLe(bytes, 20240229123456ULL, 8);
  PutLe(bytes, static_cast<uint32_t>(-8385959) & 0xffffff, 3);
  PutLe(bytes, 1700000000, 4);
  ByteReader r(bytes);
  EXPECT_EQ(DecodeOldDatetime(r)->ToText(), "2024-02-29 12:34:56");
  EXPECT_EQ(DecodeOldTime(r)->ToText(), "-838:59:59");
  EXPECT_EQ(DecodeOldTimestamp(r)->ToText(), "2023-11-14 22:13:20");
}

TEST(TemporalTest, TruncatedFractionIsCorruption) {
  const std::string r_bytes = Bytes({0x99, 0x9e, 0x7a, 0xc8, 0xb8, 0x01});
  ByteReader r(r_bytes, 100);
  Status s = DecodeDatetime2(r, 6).status();
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_EQ(s.message(), "truncated at offset 105: need 3 bytes, 1 left");
}

TEST(TemporalTest, OutOfRangeValuesAreCorruption) {
  // Found by the fuzzer: a DATETIME2 without the sign bit used to overflow.
  const std::string neg_bytes = Bytes({0x00, 0x00, 0x00, 0x00, 0x00, 0xf0});
  ByteReader neg(neg_bytes, 60);
  Status s = DecodeDatetime2(neg, 2).status();
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_EQ(s.message(), "DATETIME(2) at offset 60 is out of range");
  const std::string frac_bytes = Bytes({0x80, 0x00, 0x00, 0xff});
  ByteReader frac(frac_bytes, 0);
  EXPECT_EQ(DecodeTime2(frac, 2).status().code(), StatusCode::kCorruption);
  const std::string ts_bytes = Bytes({0, 0, 0, 1, 0xff, 0xff, 0xff});
  ByteReader ts(ts_bytes, 0);
  EXPECT_EQ(DecodeTimestamp2(ts, 6).status().code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace safeddl::binlog
