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

TEST(TemporalTest, OldFormatsWithoutFraction) {
  std::string bytes;
  PutLe(bytes, 20240229123456ULL, 8);
  PutLe(bytes, static_cast<uint32_t>(-8385959) & 0xffffff, 3);
  PutLe(bytes, 1700000000, 4);
  ByteReader r(bytes);
  EXPECT_EQ(DecodeOldDatetime(r, 0)->ToText(), "2024-02-29 12:34:56");
  EXPECT_EQ(DecodeOldTime(r, 0)->ToText(), "-838:59:59");
  EXPECT_EQ(DecodeOldTimestamp(r, 0)->ToText(), "2023-11-14 22:13:20");
  EXPECT_TRUE(r.empty());

  // As a MariaDB 10.11 server logged them (mysql56_temporal_format=OFF).
  EXPECT_EQ(Text(DecodeOldTime, Bytes({0x59, 0x0a, 0x80}), 0), "-838:59:59");
  EXPECT_EQ(Text(DecodeOldTime, Bytes({0xa7, 0xf5, 0x7f}), 0), "838:59:59");
  EXPECT_EQ(Text(DecodeOldTime, Bytes({0xff, 0xff, 0xff}), 0), "-00:00:01");
  EXPECT_EQ(Text(DecodeOldTime, Bytes({0, 0, 0}), 0), "00:00:00");
  EXPECT_EQ(Text(DecodeOldDatetime, Bytes({0, 0, 0, 0, 0, 0, 0, 0}), 0), "0000-00-00 00:00:00");
  std::string max_datetime;
  PutLe(max_datetime, 99991231235959ULL, 8);
  EXPECT_EQ(Text(DecodeOldDatetime, max_datetime, 0), "9999-12-31 23:59:59");
  std::string zero_in_date;
  PutLe(zero_in_date, 20240000000000ULL, 8);
  EXPECT_EQ(Text(DecodeOldDatetime, zero_in_date, 0), "2024-00-00 00:00:00");
  EXPECT_EQ(Text(DecodeOldTimestamp, Bytes({0, 0, 0, 0}), 0), "0000-00-00 00:00:00");
  EXPECT_EQ(Text(DecodeOldTimestamp, Bytes({1, 0, 0, 0}), 0), "1970-01-01 00:00:01");
  EXPECT_EQ(Text(DecodeOldTimestamp, Bytes({0xff, 0xff, 0xff, 0x7f}), 0), "2038-01-19 03:14:07");
}

// MariaDB 5.3's hires formats, one row per fsp; bytes as the server stores them (the minimum
// TIME values as a 10.11 server logged them).
TEST(TemporalTest, OldTimeWithFraction) {
  struct Case {
    uint8_t fsp;
    std::string max, min, minus_tick, half;
  };
  const Case cases[] = {
      {1, Bytes({0x03, 0x99, 0xc0, 0xbf}), Bytes({0, 0, 0, 1}), Bytes({0x01, 0xcc, 0xe0, 0x5f}),
       Bytes({0x01, 0xd3, 0xc9, 0xc5})},
      {2, Bytes({0x24, 0x01, 0x87, 0x7f}), Bytes({0, 0, 0, 1}), Bytes({0x12, 0x00, 0xc3, 0xbf}),
       Bytes({0x12, 0x45, 0xe1, 0xb2})},
      {3, Bytes({0x01, 0x68, 0x0f, 0x4a, 0xff}), Bytes({0, 0, 0, 0, 1}),
       Bytes({0x00, 0xb4, 0x07, 0xa5, 0x7f}), Bytes({0x00, 0xb6, 0xba, 0xd0, 0xf4})},
      {4, Bytes({0x0e, 0x10, 0x98, 0xed, 0xff}), Bytes({0, 0, 0, 0, 1}),
       Bytes({0x07, 0x08, 0x4c, 0x76, 0xff}), Bytes({0x07, 0x23, 0x4c, 0x29, 0x88})},
      {5, Bytes({0x8c, 0xa5, 0xf9, 0x4b, 0xff}), Bytes({0, 0, 0, 0, 1}),
       Bytes({0x46, 0x52, 0xfc, 0xa5, 0xff}), Bytes({0x47, 0x60, 0xf9, 0x9f, 0x50})},
      {6, Bytes({0x05, 0x7e, 0x7b, 0xbc, 0xf7, 0xff}), Bytes({0, 0, 0, 0, 0, 1}),
       Bytes({0x02, 0xbf, 0x3d, 0xde, 0x7b, 0xff}), Bytes({0x02, 0xc9, 0xc9, 0xc0, 0x39, 0x20})},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(static_cast<int>(c.fsp));
    const std::string nines(c.fsp, '9');
    EXPECT_EQ(Text(DecodeOldTime, c.max, c.fsp), "838:59:59." + nines);
    EXPECT_EQ(Text(DecodeOldTime, c.min, c.fsp), "-838:59:59." + nines);
    EXPECT_EQ(Text(DecodeOldTime, c.minus_tick, c.fsp),
              "-00:00:00." + std::string(c.fsp - 1, '0') + "1");
    EXPECT_EQ(Text(DecodeOldTime, c.half, c.fsp), "12:34:56.5" + std::string(c.fsp - 1, '0'));
  }
}

TEST(TemporalTest, OldDatetimeWithFraction) {
  struct Case {
    uint8_t fsp;
    std::string max, leap;
  };
  const Case cases[] = {
      {1, Bytes({0x03, 0x44, 0xd9, 0x65, 0xff, 0xff}), Bytes({0x00, 0xa9, 0x65, 0xa7, 0xfc, 0x61})},
      {2, Bytes({0x20, 0xb0, 0x7d, 0xfb, 0xff, 0xff}), Bytes({0x06, 0x9d, 0xf8, 0x8f, 0xdb, 0xcc})},
      {3, Bytes({0x01, 0x46, 0xe4, 0xeb, 0xd7, 0xff, 0xff}),
       Bytes({0x00, 0x42, 0x2b, 0xb5, 0x9e, 0x95, 0xfb})},
      {4, Bytes({0x0c, 0xc4, 0xf1, 0x36, 0x6f, 0xff, 0xff}),
       Bytes({0x02, 0x95, 0xb5, 0x18, 0x31, 0xdb, 0xd2})},
      {5, Bytes({0x7f, 0xb1, 0x6c, 0x20, 0x5f, 0xff, 0xff}),
       Bytes({0x19, 0xd9, 0x12, 0xf1, 0xf2, 0x96, 0x39})},
      {6, Bytes({0x04, 0xfc, 0xee, 0x39, 0x43, 0xbf, 0xff, 0xff}),
       Bytes({0x01, 0x02, 0x7a, 0xbd, 0x73, 0x79, 0xde, 0x40})},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(static_cast<int>(c.fsp));
    EXPECT_EQ(Text(DecodeOldDatetime, c.max, c.fsp),
              "9999-12-31 23:59:59." + std::string(c.fsp, '9'));
    EXPECT_EQ(Text(DecodeOldDatetime, c.leap, c.fsp),
              "2024-02-29 12:34:56." + std::string("123456").substr(0, c.fsp));
    EXPECT_EQ(Text(DecodeOldDatetime, std::string(c.max.size(), '\0'), c.fsp),
              "0000-00-00 00:00:00." + std::string(c.fsp, '0'));
  }
}

TEST(TemporalTest, OldTimestampWithFraction) {
  const std::string seconds = Bytes({0x65, 0x53, 0xf1, 0x00});  // 1700000000, big-endian
  const std::string fractions[] = {Bytes({0x01}),
                                   Bytes({0x0c}),
                                   Bytes({0x00, 0x7b}),
                                   Bytes({0x04, 0xd2}),
                                   Bytes({0x00, 0x30, 0x39}),
                                   Bytes({0x01, 0xe2, 0x40})};
  for (uint8_t fsp = 1; fsp <= 6; ++fsp) {
    SCOPED_TRACE(static_cast<int>(fsp));
    const std::string bytes = seconds + fractions[fsp - 1];
    ByteReader r(bytes);
    Result<Value> v = DecodeOldTimestamp(r, fsp);
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    EXPECT_TRUE(r.empty());
    EXPECT_EQ(v->int_value(), 1700000000);
    EXPECT_EQ(v->fsp(), fsp);
    EXPECT_EQ(v->ToText(), "2023-11-14 22:13:20." + std::string("123456").substr(0, fsp));
  }
  // As a MariaDB 10.11 server logged '1970-01-01 00:00:01.000001' in a TIMESTAMP(6).
  EXPECT_EQ(Text(DecodeOldTimestamp, Bytes({0, 0, 0, 1, 0, 0, 1}), 6),
            "1970-01-01 00:00:01.000001");
  EXPECT_EQ(Text(DecodeOldTimestamp, Bytes({0, 0, 0, 0, 0, 0, 0}), 6),
            "0000-00-00 00:00:00.000000");
  EXPECT_EQ(Text(DecodeOldTimestamp, Bytes({0x7f, 0xff, 0xff, 0xff, 0x0f, 0x42, 0x3f}), 6),
            "2038-01-19 03:14:07.999999");
}

TEST(TemporalTest, OldFormatsTruncatedAreCorruption) {
  using Decoder = Result<Value> (*)(ByteReader&, uint8_t);
  struct Case {
    Decoder decode;
    uint8_t fsp;
    size_t bytes;  // a whole value
  };
  const Case cases[] = {
      {DecodeOldTime, 0, 3},      {DecodeOldTime, 1, 4},      {DecodeOldTime, 6, 6},
      {DecodeOldDatetime, 0, 8},  {DecodeOldDatetime, 3, 7},  {DecodeOldDatetime, 6, 8},
      {DecodeOldTimestamp, 0, 4}, {DecodeOldTimestamp, 2, 5}, {DecodeOldTimestamp, 6, 7}};
  for (const Case& c : cases) {
    SCOPED_TRACE(::testing::Message() << "fsp " << static_cast<int>(c.fsp) << ", " << c.bytes);
    const std::string short_value(c.bytes - 1, '\0');
    ByteReader r(short_value, 40);
    Status s = c.decode(r, c.fsp).status();
    EXPECT_EQ(s.code(), StatusCode::kCorruption);
    EXPECT_NE(s.message().find("truncated at offset"), std::string::npos) << s.message();
  }
}

TEST(TemporalTest, OldFormatsOutOfRangeAreCorruption) {
  auto code = [](Result<Value> (*fn)(ByteReader&, uint8_t), const std::string& bytes, uint8_t fsp) {
    ByteReader r(bytes, 7);
    return fn(r, fsp).status();
  };
  Status minute = code(DecodeOldTime, Bytes({0x3c, 0x00, 0x00}), 0);  // 00:00:60
  EXPECT_EQ(minute.code(), StatusCode::kCorruption);
  EXPECT_EQ(minute.message(), "TIME at offset 7 is out of range: 60");
  std::string month13;
  PutLe(month13, 20241301000000ULL, 8);
  EXPECT_EQ(code(DecodeOldDatetime, month13, 0).code(), StatusCode::kCorruption);
  // One past 838:59:59.9 in TIME(1), and past 9999-12-31 23:59:59.9 in DATETIME(1).
  EXPECT_EQ(code(DecodeOldTime, Bytes({0x03, 0x99, 0xc0, 0xc0}), 1).code(),
            StatusCode::kCorruption);
  EXPECT_EQ(code(DecodeOldTime, Bytes({0, 0, 0, 0}), 1).code(), StatusCode::kCorruption);
  EXPECT_EQ(code(DecodeOldDatetime, Bytes({0x03, 0x44, 0xd9, 0x66, 0x00, 0x00}), 1).code(),
            StatusCode::kCorruption);
  EXPECT_EQ(code(DecodeOldTimestamp, Bytes({0, 0, 0, 1, 0x64}), 2).code(),
            StatusCode::kCorruption);  // fraction 100 in two digits
  Status fsp = code(DecodeOldTime, Bytes({0, 0, 0, 0, 0, 0, 0}), 7);
  EXPECT_EQ(fsp.code(), StatusCode::kCorruption);
  EXPECT_EQ(fsp.message(), "TIME(7) at offset 7: fractional digits above 6");
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
