// Text forms of UUID, INET6 and INET4 values. Expected strings are what MariaDB 10.11.19 prints
// for a column holding these bytes (SELECT of the column after inserting X'<bytes>').
#include "binlog/type_plugin_text.h"

#include <gtest/gtest.h>

#include <utility>

#include "binlog/test_util.h"

namespace safeddl::binlog {
namespace {

using testing::Unhex;

TEST(TypePluginTextTest, Uuid) {
  // The binlog's bytes are in text order for every version and variant (the server swaps the
  // groups of RFC versions 1-5 only in the record): seen in its row images.
  constexpr std::pair<const char*, const char*> kCases[] = {
      {"123E4567E89B12D3A456426655440000", "123e4567-e89b-12d3-a456-426655440000"},
      {"F47AC10B58CC4372A5670E02B2C3D479", "f47ac10b-58cc-4372-a567-0e02b2c3d479"},
      {"01890A5DAC96774BBCCEB302099A8057", "01890a5d-ac96-774b-bcce-b302099a8057"},
      {"6CCD780CBABA102615645B8C656024DB", "6ccd780c-baba-1026-1564-5b8c656024db"},
      {"00000000000000000000000000000000", "00000000-0000-0000-0000-000000000000"},
      {"FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF", "ffffffff-ffff-ffff-ffff-ffffffffffff"},
  };
  for (const auto& [bytes, text] : kCases) EXPECT_EQ(UuidText(Unhex(bytes)), text);
}

TEST(TypePluginTextTest, Inet6AsTheServerPrintsIt) {
  constexpr std::pair<const char*, const char*> kCases[] = {
      {"00000000000000000000000000000000", "::"},
      {"00000000000000000000000000000001", "::1"},
      {"00000000000000000000FFFF01020304", "::ffff:1.2.3.4"},
      {"00000000000000000000FFFF00000000", "::ffff:0.0.0.0"},
      {"00000000000000000000000001020304", "::1.2.3.4"},
      {"000000000000000000000000FFFFFFFF", "::255.255.255.255"},
      {"00000000000000000000000000010000", "::0.1.0.0"},
      {"0000000000000000000000000000FFFF", "::ffff"},
      {"000000000000000000000001FFFF0102", "::1:ffff:102"},
      {"000000000000FFFF0000000001020304", "::ffff:0:0:102:304"},
      {"00000000000000000001000000000000", "::1:0:0:0"},
      {"20010DB8000000000000000000000001", "2001:db8::1"},
      {"20010DB8000100000000000100000001", "2001:db8:1::1:0:1"},
      {"20010DB8000000010000000000000001", "2001:db8:0:1::1"},
      {"20010DB8000000000001000000000000", "2001:db8:0:0:1::"},
      {"00010000000000000000000000000000", "1::"},
      {"00010002000300040005000600070008", "1:2:3:4:5:6:7:8"},
      {"FE800000000000000202B3FFFE1E8329", "fe80::202:b3ff:fe1e:8329"},
      {"00010000000200000000000300000000", "1:0:2::3:0:0"},
      {"00010000000000020000000000030004", "1::2:0:0:3:4"},                // first of equal runs
      {"ABCD0000ABCD0000ABCD0000ABCD0000", "abcd::abcd:0:abcd:0:abcd:0"},  // even one zero word
  };
  for (const auto& [bytes, text] : kCases) EXPECT_EQ(Inet6Text(Unhex(bytes)), text) << bytes;
}

TEST(TypePluginTextTest, Inet4) {
  EXPECT_EQ(Inet4Text(Unhex("00000000")), "0.0.0.0");
  EXPECT_EQ(Inet4Text(Unhex("FFFFFFFF")), "255.255.255.255");
  EXPECT_EQ(Inet4Text(Unhex("0A000001")), "10.0.0.1");
  EXPECT_EQ(Inet4Text(Unhex("01020300")), "1.2.3.0");
}

}  // namespace
}  // namespace safeddl::binlog
