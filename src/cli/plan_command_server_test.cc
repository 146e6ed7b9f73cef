// `safeddl plan` against the real sandbox MariaDB (the plan issue's acceptance tests): the
// algorithms it predicts are the ones the server then accepts on the real table, the risks in the
// data come with the right counts, an open transaction on the table is reported without plan
// waiting behind it, and the reverse of every lossless change, applied after the change, gives
// back the original SHOW CREATE TABLE exactly. Plan must leave the user's tables as they were and
// its scratch schema gone.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/strings.h"
#include "mysql/quote.h"
#include "testkit/testkit.h"

namespace safeddl::cli {
namespace {

using nlohmann::json;

constexpr int kExitOk = 0;
constexpr int kExitRisk = 1;
constexpr int kExitUsage = 64;
constexpr int kRows = 2000;

std::string Q(const std::string& id) { return mysql::QuoteIdentifier(id).value(); }

using testkit::ParseJson;

// SHOW CREATE TABLE without AUTO_INCREMENT=n (state, not definition).
std::string Definition(mysql::Connection& conn, const std::string& q_table) {
  auto rs = conn.Query("SHOW CREATE TABLE " + q_table);
  EXPECT_TRUE(rs.ok()) << rs.status().ToString();
  if (!rs.ok() || rs->empty()) return "";
  return std::regex_replace((*rs)[0][1].value_or(""), std::regex(" AUTO_INCREMENT=[0-9]+"), "");
}

class PlanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    admin_ = testkit::ConnectPrimary();
    ASSERT_TRUE(admin_);
    db_ = testkit::UniqueDatabase(*admin_, "plan");
    testkit::MustExecute(*admin_, "USE " + Q(db_));  // for the seq_1_to_N tables
  }
  void TearDown() override {
    if (!admin_) return;
    testkit::MustExecute(*admin_, "DROP DATABASE IF EXISTS " + Q(db_));
    // Plan's scratch schemas never outlive a run.
    EXPECT_EQ(testkit::MustQueryValue(*admin_,
                                      "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE "
                                      "SCHEMA_NAME LIKE '\\_safeddl\\_plan\\_%'"),
              "0");
  }
  std::string T(const std::string& table) const { return Q(db_) + "." + Q(table); }

  // The base table of the algorithm and reverse tests: latin1 text, an AUTO_INCREMENT key.
  void CreateBase(const std::string& table) {
    testkit::MustExecute(
        *admin_,
        fmt::format("CREATE TABLE {} (id INT NOT NULL AUTO_INCREMENT, a INT NOT NULL, "
                    "b VARCHAR(20) NOT NULL DEFAULT '', c VARCHAR(20) CHARACTER SET latin1 "
                    "DEFAULT NULL COMMENT 'text', d INT DEFAULT NULL, PRIMARY KEY (id), KEY k_d "
                    "(d), KEY k_b (b)) ENGINE=InnoDB DEFAULT CHARSET=latin1",
                    T(table)));
    testkit::MustExecute(*admin_, fmt::format("INSERT INTO {} (a, b, c, d) SELECT seq, "
                                              "CONCAT('b', seq), CONCAT('c', seq), seq % 7 FROM "
                                              "seq_1_to_{}",
                                              T(table), kRows));
  }

  testkit::CommandResult Plan(const std::string& table, const std::string& alter,
                              std::vector<std::string> extra = {"--no-estimate"}) {
    std::vector<std::string> args = {
        "plan",       "--json",  "--defaults-file=" + testkit::Primary().client_config,
        "--database", db_,       "--table",
        table,        "--alter", alter};
    args.insert(args.end(), extra.begin(), extra.end());
    return testkit::RunSafeddl(args);
  }

  std::unique_ptr<mysql::Connection> admin_;
  std::string db_;
};

struct Change {
  std::string name;
  std::string alter;
  bool lossless_reverse;
};

const std::vector<Change>& Changes() {
  static const std::vector<Change> changes = {
      {"add column", "ADD COLUMN e INT", true},
      {"add column in the middle", "ADD COLUMN e INT NOT NULL DEFAULT 5 AFTER a", true},
      {"drop column", "DROP COLUMN d", false},
      {"add index", "ADD INDEX k_a (a)", true},
      {"add unique", "ADD UNIQUE KEY u_a (a)", true},
      {"change type", "MODIFY a BIGINT NOT NULL", true},
      {"change charset", "MODIFY c VARCHAR(20) CHARACTER SET utf8mb4 DEFAULT NULL COMMENT 'text'",
       true},
      {"rename column", "CHANGE b bb VARCHAR(20) NOT NULL DEFAULT ''", true},
      {"engine rebuild", "ENGINE=InnoDB", true},
      {"drop index", "DROP INDEX k_d", true},
  };
  return changes;
}

// For each change: the algorithms plan predicts are those the server accepts on a table with
// rows, tried one by one on fresh copies.
TEST_F(PlanTest, PredictedAlgorithmsAreWhatTheServerDoes) {
  CreateBase("base");
  const std::string before = Definition(*admin_, T("base"));
  for (const Change& change : Changes()) {
    SCOPED_TRACE(change.name);
    auto r = Plan("base", change.alter);
    ASSERT_TRUE(r.exit_code == kExitOk || r.exit_code == kExitRisk) << r.out << r.err;
    json j = ParseJson(r);
    ASSERT_EQ(j["statements"].size(), 1u) << r.out;
    const json& s = j["statements"][0];
    std::set<std::string> predicted;
    for (const json& a : s["native_algorithms"]) predicted.insert(a.get<std::string>());
    ASSERT_FALSE(predicted.empty()) << s.dump(2);
    std::set<std::string> actual;
    for (const char* algorithm : {"INSTANT", "NOCOPY", "INPLACE", "COPY"}) {
      testkit::MustExecute(*admin_, "DROP TABLE IF EXISTS " + T("trial"));
      testkit::MustExecute(*admin_, fmt::format("CREATE TABLE {} LIKE {}", T("trial"), T("base")));
      testkit::MustExecute(*admin_,
                           fmt::format("INSERT INTO {} SELECT * FROM {}", T("trial"), T("base")));
      if (admin_
              ->Execute(fmt::format("ALTER TABLE {} {}, ALGORITHM={}", T("trial"), change.alter,
                                    algorithm))
              .ok()) {
        actual.insert(algorithm);
      }
    }
    EXPECT_EQ(predicted, actual) << s.dump(2);
    // blocks_writes is the best algorithm's: only COPY (or a lock) blocks writes here.
    EXPECT_EQ(s["blocks_writes"].get<bool>(), actual.count("INPLACE") == 0 &&
                                                  actual.count("INSTANT") == 0 &&
                                                  actual.count("NOCOPY") == 0)
        << s.dump(2);
  }
  EXPECT_EQ(Definition(*admin_, T("base")), before) << "plan changed the user's table";
  EXPECT_EQ(testkit::MustQueryValue(*admin_, "SELECT COUNT(*) FROM " + T("base")),
            std::to_string(kRows));
}

// The reverse of each lossless change, applied after the change, gives back the original
// definition exactly; plan also proved it on its copy. A dropped column's reverse is lossy.
TEST_F(PlanTest, ReverseGivesBackTheOriginalDefinition) {
  for (const Change& change : Changes()) {
    SCOPED_TRACE(change.name);
    testkit::MustExecute(*admin_, "DROP TABLE IF EXISTS " + T("rev"));
    CreateBase("rev");
    const std::string before = Definition(*admin_, T("rev"));
    auto r = Plan("rev", change.alter);
    json j = ParseJson(r);
    ASSERT_EQ(j["statements"].size(), 1u) << r.out << r.err;
    const json& reverse = j["statements"][0]["reverse"];
    EXPECT_EQ(reverse["lossless"].get<bool>(), change.lossless_reverse) << reverse.dump(2);
    EXPECT_TRUE(reverse["verified"].get<bool>()) << reverse.dump(2);
    const std::string sql = reverse["sql"].get<std::string>();
    testkit::MustExecute(*admin_, fmt::format("ALTER TABLE {} {}", T("rev"), change.alter));
    // Only a rebuild leaves the definition as it was, and needs no way back.
    EXPECT_EQ(sql.empty(), change.alter == "ENGINE=InnoDB") << reverse.dump(2);
    if (!sql.empty()) testkit::MustExecute(*admin_, sql);
    EXPECT_EQ(Definition(*admin_, T("rev")), before) << "reverse: " << sql;
    if (!change.lossless_reverse) {
      EXPECT_FALSE(reverse["lossy_reasons"].empty()) << reverse.dump(2);
    }
    // A column at the end can go through the replicas first; one in the middle cannot.
    if (change.name == "add column" || change.name == "add column in the middle") {
      EXPECT_EQ(j["statements"][0]["via_replicas"]["carried"].get<bool>(),
                change.name == "add column")
          << j["statements"][0]["via_replicas"].dump();
    }
  }
}

const json* FindRisk(const json& statement, const std::string& kind) {
  for (const json& r : statement["risks"]) {
    if (r["kind"] == kind) return &r;
  }
  return nullptr;
}

// Risks in the data, each with its count: the ALTERs would fail or change values.
TEST_F(PlanTest, DataRisksAreCounted) {
  testkit::MustExecute(
      *admin_,
      fmt::format("CREATE TABLE {} (id INT NOT NULL PRIMARY KEY, dupe INT, nul INT NULL, "
                  "name VARCHAR(30) NOT NULL, big INT NOT NULL, txt VARCHAR(30) CHARACTER SET "
                  "latin1 NOT NULL, dropped INT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
                  T("r")));
  // 100 rows: dupe = id % 40 for id <= 50 (ten values held twice: 20 rows), id otherwise;
  // nul NULL for id % 9 = 0 (11 rows); name longer than 5 for id > 93 (7 rows); big out of
  // TINYINT's range for id % 25 = 0 (4 rows); txt with a non-ASCII letter for id % 20 = 1 (5 rows);
  // dropped NOT NULL for id <= 30 (30 rows).
  testkit::MustExecute(
      *admin_,
      fmt::format("INSERT INTO {} SELECT seq, IF(seq <= 50, seq % 40, seq), IF(seq % 9 = 0, NULL, "
                  "seq), IF(seq > 93, REPEAT('n', 6), 'n'), IF(seq % 25 = 0, 1000 + seq, seq), "
                  "IF(seq % 20 = 1, CONCAT(_latin1 X'E1', 'x'), 'x'), IF(seq <= 30, seq, NULL) "
                  "FROM seq_1_to_100",
                  T("r")));
  struct Expect {
    std::string alter;
    std::string kind;
    int64_t rows;
  };
  const std::vector<Expect> expects = {
      {"ADD UNIQUE KEY u (dupe)", "duplicates", 20},
      {"MODIFY nul INT NOT NULL", "null_into_not_null", 11},
      {"MODIFY name VARCHAR(5) NOT NULL", "truncated", 7},
      {"MODIFY big TINYINT NOT NULL", "out_of_range", 4},
      {"MODIFY txt VARCHAR(30) CHARACTER SET ascii NOT NULL", "unconvertible", 5},
      {"DROP COLUMN dropped", "dropped_column_data", 30},
  };
  for (const Expect& e : expects) {
    SCOPED_TRACE(e.alter);
    auto r = Plan("r", e.alter);
    EXPECT_EQ(r.exit_code, kExitRisk) << r.out << r.err;
    json j = ParseJson(r);
    ASSERT_EQ(j["statements"].size(), 1u) << r.out;
    const json* risk = FindRisk(j["statements"][0], e.kind);
    ASSERT_NE(risk, nullptr) << j["statements"][0]["risks"].dump(2);
    EXPECT_EQ((*risk)["rows"].get<int64_t>(), e.rows) << risk->dump(2);
    if (e.kind != "dropped_column_data") {
      EXPECT_FALSE((*risk)["examples"].empty()) << risk->dump(2);
      EXPECT_EQ(j["statements"][0]["recommendation"]["action"], "refuse") << r.out;
    }
  }
  // A change that fits every value: no risk, exit 0.
  auto ok = Plan("r", "MODIFY big BIGINT NOT NULL");
  EXPECT_EQ(ok.exit_code, kExitOk) << ok.out << ok.err;
  EXPECT_TRUE(ParseJson(ok)["statements"][0]["risks"].empty()) << ok.out;

  // AUTO_INCREMENT at 95% of a SMALLINT UNSIGNED.
  testkit::MustExecute(*admin_, fmt::format("CREATE TABLE {} (id SMALLINT UNSIGNED NOT NULL "
                                            "AUTO_INCREMENT PRIMARY KEY, v INT) "
                                            "AUTO_INCREMENT=62258",
                                            T("ai")));
  testkit::MustExecute(*admin_, fmt::format("INSERT INTO {} (v) VALUES (1)", T("ai")));
  auto ai = Plan("ai", "ADD COLUMN w INT");
  EXPECT_EQ(ai.exit_code, kExitRisk) << ai.out << ai.err;
  EXPECT_NE(FindRisk(ParseJson(ai)["statements"][0], "auto_increment_near_limit"), nullptr)
      << ai.out;
}

// An open transaction holding the table's metadata lock is reported, and plan does not wait
// behind it (it reads with plain SELECTs and works on copies).
TEST_F(PlanTest, OpenTransactionIsReportedAndPlanDoesNotBlock) {
  CreateBase("busy");
  auto holder = testkit::ConnectPrimary();
  ASSERT_TRUE(holder);
  testkit::MustExecute(*holder, "BEGIN");
  testkit::MustExecute(*holder, "SELECT COUNT(*) FROM " + T("busy"));
  const TimePoint start = SystemClock::Get().Now();
  auto r = Plan("busy", "ADD COLUMN e INT, ENGINE=InnoDB", {"--write-sample-seconds", "0.5"});
  const double seconds = MillisBetween(start, SystemClock::Get().Now()) / 1000;
  testkit::MustExecute(*holder, "COMMIT");
  EXPECT_EQ(r.exit_code, kExitRisk) << r.out << r.err;
  EXPECT_LT(seconds, 30) << "plan waited";
  json j = ParseJson(r);
  const json* risk = FindRisk(j["statements"][0], "open_transactions");
  ASSERT_NE(risk, nullptr) << j.dump(2);
  EXPECT_NE((*risk)["detail"].get<std::string>().find(fmt::format("session {}", holder->id())),
            std::string::npos)
      << risk->dump(2);
  // With the rates sampled: estimates for both ways, and a recommendation to copy online.
  const json& s = j["statements"][0];
  EXPECT_TRUE(s["estimate_seconds"]["native"].is_number()) << s.dump(2);
  EXPECT_TRUE(s["estimate_seconds"]["online"].is_number()) << s.dump(2);
  EXPECT_GT(s["rates"]["copy_rows_per_second"].get<double>(), 0) << s.dump(2);
  EXPECT_EQ(s["rates"]["sample_rows"].get<int64_t>(), kRows) << s.dump(2);
  EXPECT_TRUE(s["write_rate"].contains("rows_per_second")) << s.dump(2);
}

// A change file: statements over several tables, planned in order.
TEST_F(PlanTest, FileOfStatements) {
  CreateBase("f1");
  testkit::MustExecute(*admin_, fmt::format("CREATE TABLE {} (id INT PRIMARY KEY)", T("f2")));
  testkit::MustExecute(*admin_, fmt::format("INSERT INTO {} VALUES (1), (2), (3)", T("f2")));
  const std::string path = fmt::format("/tmp/safeddl-plan-test-{}.sql", ::getpid());
  {
    FILE* f = std::fopen(path.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fprintf(f,
                 "USE %s;\n-- the index first\nCREATE INDEX k_a ON f1 (a);\n"
                 "ALTER TABLE f1 ADD COLUMN e INT;\nRENAME TABLE f1 TO f1_new;\n"
                 "DROP TABLE f2;\n",
                 Q(db_).c_str());
    std::fclose(f);
  }
  auto r =
      testkit::RunSafeddl({"plan", "--json", "--no-estimate",
                           "--defaults-file=" + testkit::Primary().client_config, "--file", path});
  std::remove(path.c_str());
  EXPECT_EQ(r.exit_code, kExitRisk) << r.out << r.err;
  json j = ParseJson(r);
  ASSERT_EQ(j["statements"].size(), 4u) << r.out;
  EXPECT_EQ(j["statements"][0]["kind"], "CREATE INDEX");
  EXPECT_EQ(j["statements"][0]["reverse"]["sql"],
            fmt::format("ALTER TABLE {} DROP INDEX `k_a`", T("f1")));
  EXPECT_EQ(j["statements"][1]["reverse"]["sql"],
            fmt::format("ALTER TABLE {} DROP COLUMN `e`", T("f1")));
  EXPECT_EQ(j["statements"][2]["reverse"]["sql"],
            fmt::format("RENAME TABLE {} TO {}", T("f1_new"), T("f1")));
  const json* dropped = FindRisk(j["statements"][3], "dropped_table_data");
  ASSERT_NE(dropped, nullptr) << j["statements"][3].dump(2);
  EXPECT_EQ((*dropped)["rows"], 3);
  EXPECT_FALSE(j["statements"][3]["reverse"]["lossless"].get<bool>());
  // Nothing was run: f1 is still there, without k_a, and f2 still holds its rows.
  EXPECT_EQ(testkit::MustQueryValue(*admin_, "SELECT COUNT(*) FROM " + T("f2")), "3");
  EXPECT_EQ(Definition(*admin_, T("f1")).find("k_a"), std::string::npos);
}

// safeddl alter asks plan's question first: a change the server makes by metadata alone goes that
// way (no copy), unless --force-copy; any other change is copied online.
TEST_F(PlanTest, AlterMakesMetadataOnlyChangesNativelyUnlessForceCopy) {
  CreateBase("inst");
  auto alter = [&](const std::string& clauses, std::vector<std::string> extra) {
    std::vector<std::string> args = {"alter",
                                     "--json",
                                     "--execute",
                                     "--ok-to-drop-table",
                                     "--defaults-file=" + testkit::Primary().client_config,
                                     "--database",
                                     db_,
                                     "--table",
                                     "inst",
                                     "--alter",
                                     clauses};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = testkit::RunSafeddl(args);
    EXPECT_EQ(r.exit_code, kExitOk) << r.out << r.err;
    return ParseJson(r);
  };
  json instant = alter("ADD COLUMN e INT", {});
  EXPECT_TRUE(instant["instant"].get<bool>()) << instant.dump(2);
  EXPECT_EQ(instant["rows"]["copied"], 0) << instant.dump(2);
  json copied = alter("ADD COLUMN f INT", {"--force-copy"});
  EXPECT_FALSE(copied["instant"].get<bool>()) << copied.dump(2);
  EXPECT_EQ(copied["rows"]["copied"], kRows) << copied.dump(2);
  json index = alter("ADD INDEX k_a (a)", {});
  EXPECT_FALSE(index["instant"].get<bool>()) << index.dump(2);
  EXPECT_EQ(index["rows"]["copied"], kRows) << index.dump(2);
  const std::string def = Definition(*admin_, T("inst"));
  for (const char* part : {"`e` int(11)", "`f` int(11)", "KEY `k_a` (`a`)"}) {
    EXPECT_NE(def.find(part), std::string::npos) << def;
  }
  EXPECT_EQ(testkit::MustQueryValue(*admin_, "SELECT COUNT(*) FROM " + T("inst")),
            std::to_string(kRows));
}

TEST_F(PlanTest, BadInputIsRefusedClearly) {
  CreateBase("bad");
  auto missing = Plan("nope", "ADD COLUMN e INT");
  EXPECT_EQ(missing.exit_code, kExitRisk) << missing.out << missing.err;
  EXPECT_NE(
      ParseJson(missing)["statements"][0]["invalid"].get<std::string>().find("does not exist"),
      std::string::npos)
      << missing.out;
  auto wrong = Plan("bad", "DROP COLUMN no_such_column");
  EXPECT_EQ(wrong.exit_code, kExitRisk) << wrong.out << wrong.err;
  EXPECT_NE(ParseJson(wrong)["statements"][0]["invalid"].get<std::string>().find("no_such_column"),
            std::string::npos)
      << wrong.out;
  auto usage = testkit::RunSafeddl({"plan", "--defaults-file=" + testkit::Primary().client_config});
  EXPECT_EQ(usage.exit_code, kExitUsage) << usage.out << usage.err;
}

}  // namespace
}  // namespace safeddl::cli
