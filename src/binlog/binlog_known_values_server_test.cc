// Known values through `safeddl binlog`, at each binlog_row_metadata level (NO_LOG, the server's
// default, MINIMAL and FULL). The test decides every value and writes down the JSON rendering
// it expects for it: numbers for integers (unsigned ones unsigned; BIGINT UNSIGNED and BIT(n>53)
// as strings, past what a JSON double holds), DECIMAL as its exact digits in a string, UTF-8
// strings for text in any charset (latin1, utf8mb4, cp1251, ucs2, utf16, utf32, gbk, sjis,
// big5, ...), {"hex":..} for binary strings (BINARY(n) with its trailing zero bytes) and
// geometry, labels for ENUM and SET, text forms for UUID and INET6, and columns named by the
// table's definition. What the binlog does not carry (NO_LOG: no signedness, charsets, labels or
// names) must come from the table's definition over the connection — so the three levels print
// the same lines.
//
// Each level writes three rows (extremes one way, the other way, all NULL), one update and one
// delete, and reads them back from the server (--from-server) and from the binlog file with a
// connection. The binlog_row_metadata level is set globally for the test's own session and
// restored afterwards.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "mysql/quote.h"
#include "testkit/testkit.h"

namespace safeddl::binlog {
namespace {

using nlohmann::json;
using testkit::MustExecute;
using testkit::MustQueryValue;

// One column: its definition, the SQL literal written in rows A, B and C (C is what the update
// sets row A to), and the JSON each must print as. Row N is all NULL.
struct KnownColumn {
  std::string name;
  std::string type;
  std::vector<std::string> sql;  // A, B, C
  std::vector<json> want;        // A, B, C
};

json Hex(const char* lower_hex) { return json{{"hex", lower_hex}}; }

std::string Repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

// Every column type of MariaDB 10.11. Text literals are UTF-8 over the utf8mb4 connection; the
// server stores them in each column's charset.
std::vector<KnownColumn> Columns() {
  const json kU64Max = "18446744073709551615";
  return {
      {"ti", "TINYINT", {"-128", "127", "0"}, {-128, 127, 0}},
      {"tu", "TINYINT UNSIGNED", {"255", "0", "128"}, {255, 0, 128}},
      {"bo", "BOOLEAN", {"TRUE", "FALSE", "1"}, {1, 0, 1}},
      {"si", "SMALLINT", {"-32768", "32767", "-1"}, {-32768, 32767, -1}},
      {"su", "SMALLINT UNSIGNED", {"65535", "0", "32768"}, {65535, 0, 32768}},
      {"mi", "MEDIUMINT", {"-8388608", "8388607", "-1"}, {-8388608, 8388607, -1}},
      {"mu", "MEDIUMINT UNSIGNED", {"16777215", "0", "8388608"}, {16777215, 0, 8388608}},
      {"i", "INT", {"-2147483648", "2147483647", "-1"}, {-2147483648LL, 2147483647, -1}},
      {"iu", "INT UNSIGNED", {"4294967295", "0", "2147483648"}, {4294967295LL, 0, 2147483648LL}},
      {"bi",
       "BIGINT",
       {"-9223372036854775808", "9223372036854775807", "-1"},
       {INT64_MIN, INT64_MAX, -1}},
      {"bu",
       "BIGINT UNSIGNED",
       {"18446744073709551615", "0", "9223372036854775808"},
       {kU64Max, "0", "9223372036854775808"}},
      {"de",
       "DECIMAL(10,2)",
       {"-12345678.90", "0", "99999999.99"},
       {"-12345678.90", "0.00", "99999999.99"}},
      {"dw",
       "DECIMAL(65,30)",
       {"-99999999999999999999999999999999999.999999999999999999999999999999",
        "0.000000000000000000000000000001", "12.5"},
       {"-99999999999999999999999999999999999.999999999999999999999999999999",
        "0.000000000000000000000000000001", "12.500000000000000000000000000000"}},
      {"f", "FLOAT", {"1.5", "-3.25", "0"}, {1.5, -3.25, 0}},
      {"d", "DOUBLE", {"0.1", "-2.5", "1e300"}, {0.1, -2.5, 1e300}},
      {"b1", "BIT(1)", {"b'1'", "b'0'", "b'1'"}, {1, 0, 1}},
      {"b64",
       "BIT(64)",
       {"0xFFFFFFFFFFFFFFFF", "b'0'", "0x8000000000000001"},
       {kU64Max, "0", "9223372036854775809"}},
      {"yr", "YEAR", {"2155", "1901", "0"}, {2155, 1901, 0}},
      {"dt",
       "DATE",
       {"'9999-12-31'", "'1000-01-01'", "'2024-02-29'"},
       {"9999-12-31", "1000-01-01", "2024-02-29"}},
      {"tm",
       "TIME",
       {"'-838:59:59'", "'838:59:59'", "'00:00:00'"},
       {"-838:59:59", "838:59:59", "00:00:00"}},
      {"tm6",
       "TIME(6)",
       {"'-00:00:01.000001'", "'12:34:56.123456'", "'838:59:59.000000'"},
       {"-00:00:01.000001", "12:34:56.123456", "838:59:59.000000"}},
      {"dtm",
       "DATETIME",
       {"'9999-12-31 23:59:59'", "'1000-01-01 00:00:00'", "'2024-02-29 12:00:00'"},
       {"9999-12-31 23:59:59", "1000-01-01 00:00:00", "2024-02-29 12:00:00"}},
      {"dtm3",
       "DATETIME(3)",
       {"'2024-02-29 12:34:56.123'", "'1000-01-01 00:00:00.000'", "'9999-12-31 23:59:59.999'"},
       {"2024-02-29 12:34:56.123", "1000-01-01 00:00:00.000", "9999-12-31 23:59:59.999"}},
      // The session's time_zone is +00:00: TIMESTAMPs print in UTC.
      {"ts",
       "TIMESTAMP NULL DEFAULT NULL",
       {"'2038-01-19 03:14:07'", "'1970-01-01 00:00:01'", "'2024-02-29 12:34:56'"},
       {"2038-01-19T03:14:07Z", "1970-01-01T00:00:01Z", "2024-02-29T12:34:56Z"}},
      {"ts6",
       "TIMESTAMP(6) NULL DEFAULT NULL",
       {"'2024-02-29 12:34:56.123456'", "'1970-01-01 00:00:01.000001'",
        "'2038-01-19 03:14:07.999999'"},
       {"2024-02-29T12:34:56.123456Z", "1970-01-01T00:00:01.000001Z",
        "2038-01-19T03:14:07.999999Z"}},
      // Text in every charset family: single-byte, UTF-8, UCS-2/UTF-16/UTF-32, and the
      // multi-byte Asian ones. Always printed as UTF-8.
      {"cl",
       "VARCHAR(30) CHARACTER SET latin1",
       {"'átesting €ÿ'", "''", "'plain'"},
       {"átesting €ÿ", "", "plain"}},
      {"ccl", "CHAR(10) CHARACTER SET latin1", {"'ÿ'", "'a'", "'Ü'"}, {"ÿ", "a", "Ü"}},
      {"tl", "TEXT CHARACTER SET latin1", {"'é€'", "'x'", "''"}, {"é€", "x", ""}},
      {"ca", "VARCHAR(10) CHARACTER SET ascii", {"'abc'", "''", "'z'"}, {"abc", "", "z"}},
      {"c3", "VARCHAR(20) CHARACTER SET utf8mb3", {"'ñandú'", "'€'", "'a'"}, {"ñandú", "€", "a"}},
      {"cu", "VARCHAR(30) CHARACTER SET utf8mb4", {"'ünï😀'", "''", "'€uro'"}, {"ünï😀", "", "€uro"}},
      {"ccu", "CHAR(5) CHARACTER SET utf8mb4", {"'😀'", "'é'", "'ab'"}, {"😀", "é", "ab"}},
      {"tt", "TINYTEXT CHARACTER SET utf8mb4", {"'ü'", "''", "'t'"}, {"ü", "", "t"}},
      {"tx",
       "TEXT CHARACTER SET utf8mb4",
       {"REPEAT('ü', 300)", "''", "'😀'"},
       {Repeat("ü", 300), "", "😀"}},
      {"mt", "MEDIUMTEXT CHARACTER SET utf8mb4", {"'m€'", "''", "'x'"}, {"m€", "", "x"}},
      {"lt", "LONGTEXT CHARACTER SET utf8mb4", {"'l😀'", "''", "'y'"}, {"l😀", "", "y"}},
      {"cw",
       "VARCHAR(20) CHARACTER SET cp1251",
       {"'Привет'", "'Ёлка'", "'€'"},
       {"Привет", "Ёлка", "€"}},
      {"cucs", "VARCHAR(20) CHARACTER SET ucs2", {"'Aé€'", "'Ω'", "''"}, {"Aé€", "Ω", ""}},
      {"cu16", "VARCHAR(20) CHARACTER SET utf16", {"'x😀'", "'ü'", "'A'"}, {"x😀", "ü", "A"}},
      {"cu32", "VARCHAR(10) CHARACTER SET utf32", {"'😀'", "'a'", "''"}, {"😀", "a", ""}},
      {"cgbk", "VARCHAR(20) CHARACTER SET gbk", {"'汉字'", "'中文'", "'a'"}, {"汉字", "中文", "a"}},
      {"csj",
       "VARCHAR(20) CHARACTER SET sjis",
       {"'日本語'", "'ｱｲｳ'", "'b'"},
       {"日本語", "ｱｲｳ", "b"}},
      {"cb5", "VARCHAR(20) CHARACTER SET big5", {"'繁體'", "'中文'", "'c'"}, {"繁體", "中文", "c"}},
      // Binary strings, trailing zero bytes kept; BINARY(n) padded to n bytes.
      {"bn",
       "BINARY(4)",
       {"X'AB00'", "X'00000000'", "X'01020304'"},
       {Hex("ab000000"), Hex("00000000"), Hex("01020304")}},
      {"vb", "VARBINARY(8)", {"X'610000'", "X''", "X'00'"}, {Hex("610000"), Hex(""), Hex("00")}},
      {"tb", "TINYBLOB", {"X'0000'", "X''", "X'FF'"}, {Hex("0000"), Hex(""), Hex("ff")}},
      {"bl", "BLOB", {"X'FF0000'", "X''", "X'00'"}, {Hex("ff0000"), Hex(""), Hex("00")}},
      {"mb", "MEDIUMBLOB", {"X'7F00'", "X'00'", "X''"}, {Hex("7f00"), Hex("00"), Hex("")}},
      {"lb", "LONGBLOB", {"X'C3A900'", "X''", "X'80'"}, {Hex("c3a900"), Hex(""), Hex("80")}},
      {"en",
       "ENUM('red','green','blue')",
       {"'green'", "'red'", "'blue'"},
       {"green", "red", "blue"}},
      {"st",
       "SET('read','write','admin')",
       {"'read,admin'", "''", "'write'"},
       {json::array({"read", "admin"}), json::array(), json::array({"write"})}},
      {"js",
       "JSON",
       {R"('{"k": [1, 2, {"n": null}], "u": "ü"}')", "'[]'", "'null'"},
       {R"({"k": [1, 2, {"n": null}], "u": "ü"})", "[]", "null"}},
      // Geometry: the server's internal form, SRID (4 bytes LE) then WKB.
      {"g",
       "GEOMETRY",
       {"ST_GeomFromText('POINT(1 2)')", "ST_GeomFromText('LINESTRING(0 0,1 1)')",
        "ST_GeomFromText('POINT(0 0)')"},
       {Hex("000000000101000000000000000000f03f0000000000000040"),
        Hex("0000000001020000000200000000000000000000000000000000000000000000000000f03f"
            "000000000000f03f"),
        Hex("00000000010100000000000000000000000000000000000000")}},
      {"pt",
       "POINT",
       {"ST_GeomFromText('POINT(1 2)')", "ST_GeomFromText('POINT(-1 0.5)')",
        "ST_GeomFromText('POINT(0 0)')"},
       {Hex("000000000101000000000000000000f03f0000000000000040"),
        Hex("000000000101000000000000000000f0bf000000000000e03f"),
        Hex("00000000010100000000000000000000000000000000000000")}},
      {"i6",
       "INET6",
       {"'::'", "'::ffff:1.2.3.4'", "'2001:db8::1'"},
       {"::", "::ffff:1.2.3.4", "2001:db8::1"}},
      {"uu",
       "UUID",
       {"'00000000-0000-0000-0000-000000000000'", "'123e4567-e89b-12d3-a456-426655440000'",
        "'ffffffff-ffff-ffff-ffff-ffffffffffff'"},
       {"00000000-0000-0000-0000-000000000000", "123e4567-e89b-12d3-a456-426655440000",
        "ffffffff-ffff-ffff-ffff-ffffffffffff"}},
  };
}

constexpr size_t kA = 0, kB = 1, kC = 2;
constexpr int kIdA = 1, kIdB = 2, kIdN = 3;

std::string JoinValues(const std::vector<std::string>& v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + v[i];
  return out;
}

std::string RowValues(const std::vector<KnownColumn>& cols, int id, size_t row) {
  std::vector<std::string> v = {std::to_string(id)};
  for (const auto& c : cols) v.push_back(c.sql[row]);
  return "(" + JoinValues(v) + ")";
}

// The expected image of a row: {"id": id, column: value...}; `row` npos for all NULL.
json Image(const std::vector<KnownColumn>& cols, int id, size_t row) {
  json out = json::object();
  out["id"] = id;
  for (const auto& c : cols) out[c.name] = row == std::string::npos ? json(nullptr) : c.want[row];
  return out;
}

struct Position {
  std::string file;
  std::string offset;
};

Position MasterStatus(mysql::Connection& conn) {
  auto rs = conn.Query("SHOW MASTER STATUS");
  EXPECT_TRUE(rs.ok() && !rs->empty());
  if (!rs.ok() || rs->empty()) return {};
  return {(*rs)[0].GetString("File"), (*rs)[0].GetString("Position")};
}

// Compares one printed image with the expected one, column by column, and says which differ.
void ExpectImage(const json& got, const json& want, const std::string& where) {
  if (!got.is_object()) {
    ADD_FAILURE() << where << ": no image in the line";
    return;
  }
  for (const auto& [name, value] : want.items()) {
    if (!got.contains(name)) {
      ADD_FAILURE() << where << ": column '" << name << "' missing; the image is " << got.dump();
      continue;
    }
    EXPECT_EQ(got[name], value) << where << ", column " << name << ": printed " << got[name].dump()
                                << ", expected " << value.dump();
  }
  EXPECT_EQ(got.size(), want.size()) << where << ": " << got.dump();
}

class BinlogKnownValuesTest : public ::testing::TestWithParam<const char*> {};

TEST_P(BinlogKnownValuesTest, EveryColumnTypePrintsItsKnownValue) {
  const std::string level = GetParam();
  auto admin = testkit::ConnectPrimary();
  ASSERT_NE(admin, nullptr);
  // A GLOBAL variable only: sessions opened after the SET log at the new level.
  const std::string original = MustQueryValue(*admin, "SELECT @@global.binlog_row_metadata");
  MustExecute(*admin, "SET GLOBAL binlog_row_metadata = " + level);
  testkit::ScopeGuard restore(
      [&] { MustExecute(*admin, "SET GLOBAL binlog_row_metadata = " + original); });
  const std::vector<KnownColumn> cols = Columns();
  const std::string db = testkit::UniqueDatabase(*admin, "binlog_known");
  const std::string t = *mysql::QuoteQualified(db, "t");
  Position start, end;
  {
    auto c = testkit::ConnectPrimary();  // a session that logs at `level`
    ASSERT_NE(c, nullptr);
    MustExecute(*c, "SET SESSION time_zone = '+00:00'");
    MustExecute(*c, "SET SESSION sql_mode = 'STRICT_ALL_TABLES'");
    std::vector<std::string> defs = {"id INT NOT NULL PRIMARY KEY"};
    for (const auto& col : cols) defs.push_back(col.name + " " + col.type);
    MustExecute(*c, fmt::format("CREATE TABLE {} ({}) ENGINE=InnoDB DEFAULT CHARSET=latin1", t,
                                JoinValues(defs)));
    start = MasterStatus(*c);
    MustExecute(*c, fmt::format("INSERT INTO {} VALUES {}, {}, ({}{})", t,
                                RowValues(cols, kIdA, kA), RowValues(cols, kIdB, kB), kIdN,
                                Repeat(", NULL", static_cast<int>(cols.size()))));
    std::vector<std::string> sets;
    for (const auto& col : cols) sets.push_back(col.name + " = " + col.sql[kC]);
    MustExecute(*c, fmt::format("UPDATE {} SET {} WHERE id = {}", t, JoinValues(sets), kIdA));
    MustExecute(*c, fmt::format("DELETE FROM {} WHERE id = {}", t, kIdB));
    end = MasterStatus(*c);
  }

  // The server itself agrees with the values the test expects (a check of the test).
  EXPECT_EQ(
      MustQueryValue(*admin,
                     fmt::format("SELECT CONCAT_WS(',', iu, bu, en, st, uu, i6, "
                                 "CONVERT(cw USING utf8mb4), HEX(bn)) FROM {} WHERE id = {}",
                                 t, kIdA)),
      "2147483648,9223372036854775808,blue,write,ffffffff-ffff-ffff-ffff-ffffffffffff,2001:db8::1,"
      "€,01020304")
      << "row A after the update";

  const json want_a = Image(cols, kIdA, kA), want_b = Image(cols, kIdB, kB),
             want_n = Image(cols, kIdN, std::string::npos), want_c = Image(cols, kIdA, kC);
  const std::string cnf = "--defaults-file=" + testkit::Primary().client_config;
  const std::vector<std::pair<std::string, std::vector<std::string>>> runs = {
      {"from the server",
       {"binlog", "--from-server", cnf, "--start-position", start.file + ":" + start.offset,
        "--stop-position", end.file + ":" + end.offset, "--databases", db}},
      {"from the file with a connection",
       {"binlog", cnf, testkit::Primary().dir + "/data/" + start.file, "--start-position",
        start.offset, "--stop-position", end.offset, "--databases", db}},
  };
  for (const auto& [how, args] : runs) {
    SCOPED_TRACE(level + ", " + how);
    const auto r = testkit::RunSafeddl(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::vector<json> lines;
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);) {
      json j = json::parse(line, nullptr, false);
      ASSERT_FALSE(j.is_discarded()) << "not JSON: " << line;
      lines.push_back(std::move(j));
    }
    ASSERT_EQ(lines.size(), 5u) << r.out << r.err;
    const std::vector<std::string> types = {"insert", "insert", "insert", "update", "delete"};
    for (size_t i = 0; i < lines.size(); ++i) {
      EXPECT_EQ(lines[i].value("type", ""), types[i]) << lines[i].dump();
      EXPECT_EQ(lines[i].value("db", ""), db);
      EXPECT_EQ(lines[i].value("table", ""), "t");
    }
    ExpectImage(lines[0]["after"], want_a, "insert of row A");
    ExpectImage(lines[1]["after"], want_b, "insert of row B");
    ExpectImage(lines[2]["after"], want_n, "insert of the NULL row");
    ExpectImage(lines[3]["before"], want_a, "update, before");
    ExpectImage(lines[3]["after"], want_c, "update, after");
    ExpectImage(lines[4]["before"], want_b, "delete, before");
  }
  MustExecute(*admin, "DROP DATABASE " + *mysql::QuoteIdentifier(db));
}

INSTANTIATE_TEST_SUITE_P(Levels, BinlogKnownValuesTest,
                         ::testing::Values("NO_LOG", "MINIMAL", "FULL"),
                         [](const auto& info) { return std::string(info.param); });

}  // namespace
}  // namespace safeddl::binlog
