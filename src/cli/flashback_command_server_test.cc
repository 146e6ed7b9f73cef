// `safeddl flashback` against the sandbox.
//  - Oracle: tables holding every column type are checksummed, a random mixed DML workload runs
//    from several connections (inserts, updates including key changes, deletes, multi-row
//    statements, multi-statement transactions, rollbacks), and flashback --execute from the
//    recorded position must bring every checksum back; several seeds, runs of 1000, 2 and 1 rows
//    per multi-row statement, and once with the SQL script piped through the `mariadb` client
//    instead.
//  - Conflict: a row changed again after the range is detected, nothing of its transaction is
//    applied, and the report names the row.
//  - Filters: a table filter leaves other tables alone; GTID and time bounds are honoured.
//  - Refusals: DDL on a table inside the range.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "testkit/testkit.h"

namespace safeddl::cli {
namespace {

using testkit::MustExecute;
using testkit::MustQueryValue;

constexpr int kWriters = 3;
constexpr int kTransactionsPerWriter = 40;
constexpr int kKeySpace = 60;

std::string Cnf() { return "--defaults-file=" + testkit::Primary().client_config; }

const std::vector<std::string>& Tables() {
  static const std::vector<std::string> tables = {"t_all", "t_uk", "t_nokey"};
  return tables;
}

void CreateTables(mysql::Connection& c, const std::string& db) {
  MustExecute(
      c, "CREATE TABLE `" + db +
             "`.t_all (id INT NOT NULL PRIMARY KEY, ti TINYINT, si SMALLINT UNSIGNED, "
             "mi MEDIUMINT, bi BIGINT UNSIGNED, f FLOAT, d DOUBLE, dc DECIMAL(30,8), "
             "c CHAR(20), vc VARCHAR(100) CHARACTER SET utf8mb4, "
             "lat VARCHAR(20) CHARACTER SET latin1, bn BINARY(4), vb VARBINARY(50), "
             "tx TEXT, bl BLOB, dt DATETIME(6), ts TIMESTAMP(3) NULL DEFAULT NULL, "
             "dte DATE, tm TIME(2), yr YEAR, bt BIT(10), en ENUM('a','b','c'), "
             "st SET('x','y','z'), js JSON, pt POINT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");
  MustExecute(
      c,
      "CREATE TABLE `" + db +
          "`.t_uk (u VARCHAR(20) NULL, v INT, w DOUBLE, UNIQUE KEY uk (u)) DEFAULT CHARSET=utf8mb4 "
          "ENGINE=InnoDB");
  MustExecute(c, "CREATE TABLE `" + db +
                     "`.t_nokey (a INT, b VARCHAR(20), c DATETIME(3), e BLOB) ENGINE=InnoDB "
                     "DEFAULT CHARSET=utf8mb4");
}

std::string Checksums(mysql::Connection& c, const std::string& db) {
  std::string out;
  for (const std::string& t : Tables()) {
    auto rs = c.Query("CHECKSUM TABLE `" + db + "`.`" + t + "`");
    EXPECT_TRUE(rs.ok()) << rs.status().ToString();
    if (rs.ok() && !rs->empty()) out += t + "=" + (*rs)[0].GetString("Checksum") + " ";
    out += t + "#" + MustQueryValue(c, "SELECT COUNT(*) FROM `" + db + "`.`" + t + "`") + " ";
  }
  return out;
}

class Values {
 public:
  explicit Values(uint32_t seed) : rng_(seed) {}
  int Int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool Chance(int percent) { return Int(1, 100) <= percent; }
  std::string Text() {
    static const std::vector<std::string> parts = {"a", "Z", "'", "\\",  "\"",  " ",
                                                   "é", "😀", "%", "\\n", "x y", ""};
    std::string s;
    for (int i = Int(0, 5); i > 0; --i) s += parts[Int(0, static_cast<int>(parts.size()) - 1)];
    return s;
  }
  std::string Quoted(const std::string& s) {
    std::string out = "'";
    for (char ch : s) {
      if (ch == '\'' || ch == '\\') out += '\\';
      out += ch;
    }
    return out + "'";
  }
  std::string OrNull(const std::string& v) { return Chance(10) ? "NULL" : v; }
  std::string AllRow(int id) {
    std::vector<std::string> v = {
        std::to_string(id),
        OrNull(std::to_string(Int(-128, 127))),
        OrNull(std::to_string(Int(0, 65535))),
        OrNull(std::to_string(Int(-8388608, 8388607))),
        OrNull(Chance(20) ? "18446744073709551615" : std::to_string(Int(0, 1 << 30))),
        OrNull(std::to_string(Int(-1000, 1000)) + "." + std::to_string(Int(0, 999))),
        OrNull(Chance(20) ? "1.7976931348623157e308" : std::to_string(Int(-9999, 9999)) + ".0625"),
        OrNull("-" + std::to_string(Int(0, 99999999)) + "." +
               std::to_string(Int(10000000, 99999999))),
        OrNull(Quoted(Text())),
        OrNull(Quoted(Text())),
        OrNull(Chance(50) ? "'caf\xc3\xa9'" : "'plain'"),
        OrNull(Chance(50) ? "X'00ff0a00'" : "X'01'"),
        OrNull("X'" + std::string(Chance(50) ? "" : "00") + "deadbeef'"),
        OrNull(Quoted(Text() + Text())),
        OrNull(Chance(30) ? "REPEAT(X'00ff', 300)" : "X'0102'"),
        OrNull(Chance(10) ? "'0000-00-00 00:00:00'" : "'2024-02-29 23:59:59.123456'"),
        OrNull(Chance(50) ? "'2038-01-19 03:14:07.999'" : "'1999-12-31 12:00:00.5'"),
        OrNull(Chance(10) ? "'0000-00-00'" : "'1000-01-01'"),
        OrNull(Chance(50) ? "'-838:59:59.99'" : "'12:34:56.7'"),
        OrNull(Chance(20) ? "0" : std::to_string(Int(1901, 2155))),
        OrNull("b'" + std::string(Chance(50) ? "1111111111" : "0000000101") + "'"),
        OrNull(Chance(50) ? "'b'" : "'c'"),
        OrNull(Chance(50) ? "'x,z'" : "''"),
        OrNull(Chance(50) ? "'{\"k\": [1, \"é\", null]}'" : "'[]'"),
        OrNull("ST_GeomFromText('POINT(" + std::to_string(Int(-90, 90)) + " 1.5)')"),
    };
    std::string out = "(";
    for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + v[i];
    return out + ")";
  }

 private:
  std::mt19937 rng_;
};

// One statement of the random workload.
std::string RandomStatement(Values& v, const std::string& db) {
  const std::string all = "`" + db + "`.t_all";
  const std::string uk = "`" + db + "`.t_uk";
  const std::string nokey = "`" + db + "`.t_nokey";
  const int id = v.Int(1, kKeySpace);
  switch (v.Int(0, 11)) {
    case 0:
      return "INSERT IGNORE INTO " + all + " VALUES " + v.AllRow(id);
    case 1:  // multi-row
      return "INSERT IGNORE INTO " + all + " VALUES " + v.AllRow(id) + ", " +
             v.AllRow(v.Int(1, kKeySpace)) + ", " + v.AllRow(v.Int(1, kKeySpace));
    case 2:
      return "REPLACE INTO " + all + " VALUES " + v.AllRow(id);
    case 3:  // multi-row update
      return "UPDATE " + all + " SET ti = (COALESCE(ti, 0) + 7) % 100, vc = " + v.Quoted(v.Text()) +
             " WHERE id BETWEEN " + std::to_string(id) + " AND " + std::to_string(id + 5);
    case 4:  // key change
      return "UPDATE IGNORE " + all + " SET id = " + std::to_string(v.Int(1, kKeySpace) + 1000) +
             " WHERE id = " + std::to_string(id);
    case 5:
      return "DELETE FROM " + all + " WHERE id BETWEEN " + std::to_string(id) + " AND " +
             std::to_string(id + 2);
    case 6:
      return "INSERT IGNORE INTO " + uk + " VALUES (" + v.OrNull(v.Quoted(std::to_string(id))) +
             ", " + std::to_string(v.Int(0, 9)) + ", " + std::to_string(v.Int(0, 9)) + ".25)";
    case 7:
      return "UPDATE IGNORE " + uk + " SET u = " + v.Quoted(std::to_string(v.Int(1, kKeySpace))) +
             ", v = v + 1 WHERE u = " + v.Quoted(std::to_string(id));
    case 8:
      return "DELETE FROM " + uk + " WHERE v = " + std::to_string(v.Int(0, 9)) + " LIMIT 2";
    case 9:
      return "INSERT INTO " + nokey + " VALUES (" + std::to_string(id % 10) + ", " +
             v.OrNull(v.Quoted(v.Text())) + ", '2024-01-01 00:00:00.25', " + v.OrNull("X'00'") +
             "), (" + std::to_string(id % 10) + ", 'dup', NULL, NULL)";
    case 10:
      return "UPDATE " + nokey + " SET b = " + v.Quoted(v.Text()) +
             " WHERE a = " + std::to_string(id % 10) + " LIMIT 2";
    default:
      return "DELETE FROM " + nokey + " WHERE a = " + std::to_string(id % 10) + " LIMIT 1";
  }
}

void Writer(uint32_t seed, const std::string& db) {
  auto c = testkit::ConnectPrimary();
  ASSERT_NE(c, nullptr);
  MustExecute(*c, "SET SESSION sql_mode = 'NO_ENGINE_SUBSTITUTION'");
  MustExecute(*c, "SET SESSION innodb_lock_wait_timeout = 2");
  Values v(seed);
  for (int t = 0; t < kTransactionsPerWriter; ++t) {
    if (v.Chance(40)) {  // a multi-statement transaction, committed or rolled back
      if (!c->Execute("BEGIN").ok()) continue;
      bool ok = true;
      for (int i = v.Int(2, 4); i > 0 && ok; --i) ok = c->Execute(RandomStatement(v, db)).ok();
      c->Execute(ok && v.Chance(75) ? "COMMIT" : "ROLLBACK").IgnoreError();
    } else {
      c->Execute(RandomStatement(v, db)).IgnoreError();
    }
  }
}

// Creates the tables with initial rows and returns the checksums and start position.
struct Prepared {
  std::string db;
  std::string checksums;
  std::string start;
};

Prepared Prepare(mysql::Connection& c, uint32_t seed) {
  Prepared p;
  p.db = testkit::UniqueDatabase(c, "flashback");
  CreateTables(c, p.db);
  Values v(seed * 7 + 1);
  for (int id = 1; id <= kKeySpace; id += 2) {
    MustExecute(c, "INSERT INTO `" + p.db + "`.t_all VALUES " + v.AllRow(id));
  }
  MustExecute(c,
              "INSERT INTO `" + p.db + "`.t_uk VALUES ('1', 1, 1.5), ('2', 2, 2.5), (NULL, 3, 0)");
  MustExecute(
      c, "INSERT INTO `" + p.db + "`.t_nokey VALUES (1, 'a', NULL, NULL), (1, 'a', NULL, NULL)");
  p.checksums = Checksums(c, p.db);
  p.start = testkit::BinlogPositionNow(c);
  return p;
}

void RunWorkload(uint32_t seed, const std::string& db) {
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) writers.emplace_back(Writer, seed * 100 + w, db);
  for (auto& t : writers) t.join();
}

// (seed, rows per multi-row statement)
class FlashbackOracleTest : public ::testing::TestWithParam<std::tuple<uint32_t, int>> {};

TEST_P(FlashbackOracleTest, ExecuteRestoresEveryChecksum) {
  auto c = testkit::ConnectPrimary();
  ASSERT_NE(c, nullptr);
  const auto [seed, batch_rows] = GetParam();
  const Prepared p = Prepare(*c, seed);
  RunWorkload(seed, p.db);
  ASSERT_NE(Checksums(*c, p.db), p.checksums) << "the workload changed nothing";
  const auto r = testkit::RunSafeddl(
      {"flashback", "--from-server", Cnf(), "--start-position", p.start, "--databases", p.db,
       "--execute", "--json", "--max-memory", "64K", "--batch-rows", std::to_string(batch_rows)});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_NE(r.out.find("\"conflicts\":0"), std::string::npos) << r.out;
  EXPECT_EQ(Checksums(*c, p.db), p.checksums) << r.err;
  MustExecute(*c, "DROP DATABASE `" + p.db + "`");
}

INSTANTIATE_TEST_SUITE_P(Seeds, FlashbackOracleTest,
                         ::testing::Values(std::make_tuple(1u, 1000), std::make_tuple(2u, 1000),
                                           std::make_tuple(3u, 1000), std::make_tuple(5u, 2),
                                           std::make_tuple(6u, 1)));

TEST(FlashbackCommandServerTest, SqlScriptThroughTheMariadbClientRestoresEveryChecksum) {
  auto c = testkit::ConnectPrimary();
  ASSERT_NE(c, nullptr);
  const Prepared p = Prepare(*c, 4);
  RunWorkload(4, p.db);
  const std::string script = ::testing::TempDir() + "/flashback_" + p.db + ".sql";
  const auto r = testkit::RunSafeddl({"flashback", "--from-server", Cnf(), "--start-position",
                                      p.start, "--databases", p.db, "--output", script});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string cmd =
      "mariadb " + Cnf() + " --binary-mode < '" + script + "' 2> '" + script + ".err'";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  EXPECT_EQ(Checksums(*c, p.db), p.checksums);
  MustExecute(*c, "DROP DATABASE `" + p.db + "`");
}

TEST(FlashbackCommandServerTest, ConflictRollsBackTheTransactionAndNamesTheRow) {
  auto c = testkit::ConnectPrimary();
  ASSERT_NE(c, nullptr);
  const std::string db = testkit::UniqueDatabase(*c, "flashback_conflict");
  const std::string t = "`" + db + "`.t";
  MustExecute(*c, "CREATE TABLE " + t + " (id INT PRIMARY KEY, v VARCHAR(10))");
  MustExecute(*c, "INSERT INTO " + t + " VALUES (1, 'a'), (2, 'a')");
  const std::string start = testkit::BinlogPositionNow(*c);
  MustExecute(*c, "BEGIN");
  MustExecute(*c, "UPDATE " + t + " SET v = 'b' WHERE id = 2");
  MustExecute(*c, "UPDATE " + t + " SET v = 'b' WHERE id = 1");
  MustExecute(*c, "COMMIT");
  const std::string stop = testkit::BinlogPositionNow(*c);
  MustExecute(*c, "UPDATE " + t + " SET v = 'c' WHERE id = 1");  // after the range

  const auto r = testkit::RunSafeddl({"flashback", "--from-server", Cnf(), "--start-position",
                                      start, "--stop-position", stop, "--execute", "--json"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("`id`=1"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("'c'"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("\"conflicts\":1"), std::string::npos) << r.out;
  // Row 2 comes first in undo order and was undone inside the rolled-back transaction.
  EXPECT_EQ(MustQueryValue(*c, "SELECT GROUP_CONCAT(v ORDER BY id) FROM " + t), "c,b");

  const auto forced = testkit::RunSafeddl({"flashback", "--from-server", Cnf(), "--start-position",
                                           start, "--stop-position", stop, "--execute", "--force"});
  EXPECT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_EQ(MustQueryValue(*c, "SELECT GROUP_CONCAT(v ORDER BY id) FROM " + t), "a,a");
  MustExecute(*c, "DROP DATABASE `" + db + "`");
}

TEST(FlashbackCommandServerTest, TableFilterLeavesOtherTablesAlone) {
  auto c = testkit::ConnectPrimary();
  ASSERT_NE(c, nullptr);
  const std::string db = testkit::UniqueDatabase(*c, "flashback_filter");
  MustExecute(*c, "CREATE TABLE `" + db + "`.t1 (id INT PRIMARY KEY, v INT)");
  MustExecute(*c, "CREATE TABLE `" + db + "`.t2 (id INT PRIMARY KEY, v INT)");
  const std::string start = testkit::BinlogPositionNow(*c);
  MustExecute(*c, "BEGIN");
  MustExecute(*c, "INSERT INTO `" + db + "`.t1 VALUES (1, 1), (2, 2)");
  MustExecute(*c, "INSERT INTO `" + db + "`.t2 VALUES (1, 1)");
  MustExecute(*c, "COMMIT");
  const auto r = testkit::RunSafeddl({"flashback", "--from-server", Cnf(), "--start-position",
                                      start, "--tables", db + ".t1", "--execute"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(MustQueryValue(*c, "SELECT COUNT(*) FROM `" + db + "`.t1"), "0");
  EXPECT_EQ(MustQueryValue(*c, "SELECT COUNT(*) FROM `" + db + "`.t2"), "1");
  MustExecute(*c, "DROP DATABASE `" + db + "`");
}

TEST(FlashbackCommandServerTest, GtidAndTimeBounds) {
  auto c = testkit::ConnectPrimary();
  ASSERT_NE(c, nullptr);
  const std::string db = testkit::UniqueDatabase(*c, "flashback_bounds");
  const std::string t = "`" + db + "`.t";
  MustExecute(*c, "CREATE TABLE " + t + " (id INT PRIMARY KEY)");
  const std::string start = testkit::BinlogPositionNow(*c);
  std::vector<std::string> gtids;
  for (int i = 1; i <= 3; ++i) {
    MustExecute(*c, "INSERT INTO " + t + " VALUES (" + std::to_string(i) + ")");
    gtids.push_back(MustQueryValue(*c, "SELECT @@last_gtid"));
  }
  // Only the second transaction: after the first GTID, up to and including the second.
  const auto r = testkit::RunSafeddl({"flashback", "--from-server", Cnf(), "--start-gtid", gtids[0],
                                      "--stop-gtid", gtids[1], "--execute", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"transactions\":1,"), std::string::npos) << r.out;
  EXPECT_EQ(MustQueryValue(*c, "SELECT GROUP_CONCAT(id ORDER BY id) FROM " + t), "1,3");

  // Time bounds: a start in the future selects nothing, a stop in the past reads nothing, and a
  // start in the past selects all (three inserts and the undo's delete).
  for (const auto& [flag, value, rows] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"--start-datetime", "2100-01-01 00:00:00", "0"},
           {"--stop-datetime", "2000-01-01 00:00:00", "0"},
           {"--start-datetime", "2000-01-01 00:00:00", "4"}}) {
    const auto b =
        testkit::RunSafeddl({"flashback", "--from-server", Cnf(), "--start-position", start,
                             "--databases", db, flag, value, "--output", "/dev/null", "--json"});
    ASSERT_EQ(b.exit_code, 0) << b.err;
    EXPECT_NE(b.out.find("\"rows\":" + rows + ","), std::string::npos) << flag << b.out;
  }
  MustExecute(*c, "DROP DATABASE `" + db + "`");
}

TEST(FlashbackCommandServerTest, DdlInsideTheRangeIsRefused) {
  auto c = testkit::ConnectPrimary();
  ASSERT_NE(c, nullptr);
  const std::string db = testkit::UniqueDatabase(*c, "flashback_ddl");
  const std::string t = "`" + db + "`.t";
  MustExecute(*c, "CREATE TABLE " + t + " (id INT PRIMARY KEY)");
  const std::string start = testkit::BinlogPositionNow(*c);
  MustExecute(*c, "INSERT INTO " + t + " VALUES (1)");
  MustExecute(*c, "ALTER TABLE " + t + " ADD COLUMN v INT");
  const auto r = testkit::RunSafeddl(
      {"flashback", "--from-server", Cnf(), "--start-position", start, "--databases", db});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("DDL"), std::string::npos) << r.err;
  if (testkit::StockServer()) {
    // Without column metadata in the binlog, the insert's table map no longer fits the table's
    // definition: refused there, before the DDL is reached.
    EXPECT_NE(r.err.find("the binlog has 1 columns, the definition 2"), std::string::npos) << r.err;
  } else {
    EXPECT_NE(r.err.find("ADD COLUMN v INT"), std::string::npos) << r.err;
  }
  EXPECT_EQ(MustQueryValue(*c, "SELECT COUNT(*) FROM " + t), "1");
  MustExecute(*c, "DROP DATABASE `" + db + "`");
}

}  // namespace
}  // namespace safeddl::cli
