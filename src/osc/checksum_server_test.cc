// The checksum against the real server: a ghost equal to the original compares clean, and a
// single changed value of any column type, a NULL where a value was, two values swapped between
// columns, a missing row or an extra row each make exactly their range differ — and make the
// checksum of changed rows (CompareChanged) differ when the row's key or range is listed, or
// the row counts differ.
#include "osc/checksum.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "mysql/quote.h"
#include "osc/inspector.h"
#include "osc/session_setup.h"
#include "testkit/testkit.h"

namespace safeddl::osc {
namespace {

using testkit::MustExecute;

class ChecksumTest : public ::testing::Test {
 protected:
  void SetUp() override {
    conn_ = testkit::ConnectPrimary();
    ASSERT_NE(conn_, nullptr);
    db_ = testkit::UniqueDatabase(*conn_, "cksum");
    MustExecute(
        *conn_,
        fmt::format("CREATE TABLE {} (id INT NOT NULL PRIMARY KEY, a INT, b INT, "
                    "vl VARCHAR(20) CHARACTER SET latin1, vu VARCHAR(20) CHARACTER SET "
                    "utf8mb4, bl BLOB, d DECIMAL(20,6), dt DATETIME(6), js JSON, bt BIT(8), "
                    "f DOUBLE)",
                    T("t")));
    MustExecute(*conn_,
                fmt::format("INSERT INTO {} SELECT seq, seq, seq * 2, CONCAT('l', seq), "
                            "CONCAT('ü', seq), UNHEX(HEX(seq)), seq / 7, '2026-01-01' + "
                            "INTERVAL seq SECOND, JSON_OBJECT('k', seq), seq % 256, seq / 3 FROM "
                            "{}.seq_1_to_3000",
                            T("t"), *mysql::QuoteIdentifier(db_)));
    MigrationOptions o;
    o.database = db_;
    o.table = "t";
    o.alter = "ENGINE=InnoDB";
    o.allow_zero_in_date = true;
    std::vector<std::string> notes;
    auto plan = Inspect(*conn_, o, &notes);
    ASSERT_TRUE(plan.ok()) << plan.status().ToString();
    plan_ = *plan;
    MustExecute(*conn_, fmt::format("INSERT INTO {} SELECT * FROM {}", plan_.q_ghost, T("t")));
    for (int i = 0; i < 3; ++i) {
      conns_.push_back(testkit::ConnectPrimary());
      ASSERT_NE(conns_.back(), nullptr);
      ASSERT_TRUE(PrepareSession(*conns_.back(), o).ok());
    }
  }
  void TearDown() override {
    if (conn_) MustExecute(*conn_, "DROP DATABASE IF EXISTS " + *mysql::QuoteIdentifier(db_));
  }
  std::string T(const std::string& table) { return *mysql::QuoteQualified(db_, table); }
  ChecksumResult Compare() {
    std::vector<mysql::Connection*> conns;
    for (auto& c : conns_) conns.push_back(c.get());
    auto r = CompareTables(conns, plan_, 500);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : ChecksumResult{};
  }
  // CompareChanged over `keys` (literals of the one-column key) and `ranges`, with the row counts,
  // each side in its own snapshot.
  ChecksumResult CompareListed(const std::vector<std::string>& keys,
                               const std::vector<KeyRangeBounds>& ranges = {}) {
    ChangedRowsSnapshot changed;
    for (const std::string& k : keys) changed.keys.push_back({k});
    changed.ranges = ranges;
    for (int i = 0; i < 2; ++i) {
      EXPECT_TRUE(conns_[i]->Execute("START TRANSACTION WITH CONSISTENT SNAPSHOT").ok());
    }
    auto r = CompareChanged(*conns_[0], *conns_[1], plan_, changed, 2, /*count_rows=*/true);
    for (int i = 0; i < 2; ++i) EXPECT_TRUE(conns_[i]->Execute("COMMIT").ok());
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : ChecksumResult{};
  }

  std::unique_ptr<mysql::Connection> conn_;
  std::vector<std::unique_ptr<mysql::Connection>> conns_;
  std::string db_;
  MigrationPlan plan_;
};

TEST_F(ChecksumTest, EqualTablesCompareClean) {
  const ChecksumResult r = Compare();
  EXPECT_TRUE(r.clean());
  EXPECT_EQ(r.rows_original, 3000);
  EXPECT_EQ(r.rows_ghost, 3000);
  EXPECT_GE(r.ranges, 6);
}

TEST_F(ChecksumTest, EachKindOfDifferenceIsFoundInItsRange) {
  const std::vector<std::pair<std::string, std::string>> changes = {
      {"a = a + 1", "an integer"},
      {"vl = 'L1234'", "latin1 text (case)"},
      {"vu = CONCAT(vu, 'x')", "utf8mb4 text"},
      {"bl = UNHEX('00')", "a blob"},
      {"d = d + 0.000001", "a decimal's last digit"},
      {"dt = dt + INTERVAL 1 MICROSECOND", "a microsecond"},
      {"js = JSON_OBJECT('k', 0)", "JSON"},
      {"bt = bt ^ 1", "one bit"},
      {"f = f * 1.0000001", "a double"},
      {"a = NULL", "a value turned NULL"},
      {"a = b, b = a", "two values swapped"},
  };
  for (const auto& [set, what] : changes) {
    SCOPED_TRACE(what);
    MustExecute(*conn_, fmt::format("UPDATE {} SET {} WHERE id = 1234", plan_.q_ghost, set));
    const ChecksumResult r = Compare();
    EXPECT_FALSE(r.clean());
    ASSERT_EQ(r.differing.size(), 1u);
    // The differing range holds id 1234.
    const auto lower = r.differing[0].lower.empty() ? 0 : std::stoi(r.differing[0].lower[0]);
    const auto upper = r.differing[0].upper.empty() ? 1 << 30 : std::stoi(r.differing[0].upper[0]);
    EXPECT_LT(lower, 1234);
    EXPECT_GE(upper, 1234);
    // Listed among changed keys (in a batch of two with a key that is equal), it differs.
    ChecksumResult listed = CompareListed({"7", "1234", "2000"});
    EXPECT_EQ(listed.keys, 3);
    EXPECT_EQ(listed.differing_keys, 2);
    EXPECT_FALSE(listed.clean());
    // In a listed range (a chunk copied with a warning), it differs too.
    listed = CompareListed({"7"}, {{{"1200"}, {"1300"}}, {{"10"}, {"20"}}});
    EXPECT_EQ(listed.ranges, 2);
    ASSERT_EQ(listed.differing.size(), 1u);
    EXPECT_EQ(listed.differing[0].lower, std::vector<std::string>{"1200"});
    EXPECT_EQ(listed.differing_keys, 0);
    // Back to equal.
    MustExecute(*conn_, fmt::format("REPLACE INTO {} SELECT * FROM {} WHERE id = 1234",
                                    plan_.q_ghost, T("t")));
    EXPECT_TRUE(Compare().clean());
    EXPECT_TRUE(CompareListed({"7", "1234", "2000"}, {{{"1200"}, {"1300"}}}).clean());
  }
}

TEST_F(ChecksumTest, MissingAndExtraRowsAreFound) {
  MustExecute(*conn_, fmt::format("DELETE FROM {} WHERE id = 10", plan_.q_ghost));
  ChecksumResult r = Compare();
  EXPECT_EQ(r.rows_ghost, 2999);
  EXPECT_EQ(r.differing.size(), 1u);
  // Not listed anywhere, the missing row still shows in the row counts.
  ChecksumResult listed = CompareListed({"5"});
  EXPECT_EQ(listed.rows_original, 3000);
  EXPECT_EQ(listed.rows_ghost, 2999);
  EXPECT_FALSE(listed.clean());
  MustExecute(*conn_,
              fmt::format("INSERT INTO {} SELECT * FROM {} WHERE id = 10", plan_.q_ghost, T("t")));
  // A row only the ghost has, beyond the original's last key.
  MustExecute(*conn_, fmt::format("INSERT INTO {} (id) VALUES (99999)", plan_.q_ghost));
  r = Compare();
  EXPECT_EQ(r.rows_ghost, 3001);
  ASSERT_EQ(r.differing.size(), 1u);
  EXPECT_TRUE(r.differing[0].upper.empty());
  EXPECT_EQ(CompareListed({}).rows_ghost, 3001);
  EXPECT_FALSE(CompareListed({}).clean());
}

// The row counts are needed when the ghost has a UNIQUE key besides the shared one.
TEST_F(ChecksumTest, RowCountsAreNeededForANewUniqueKey) {
  EXPECT_FALSE(GhostCanLoseRowsOutsideKeys(plan_));
  MigrationOptions o;
  o.database = db_;
  o.table = "t";
  o.alter = "ADD UNIQUE KEY ua (a)";
  o.allow_zero_in_date = true;
  std::vector<std::string> notes;
  MustExecute(*conn_, "DROP TABLE " + plan_.q_ghost);
  auto plan = Inspect(*conn_, o, &notes);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_TRUE(GhostCanLoseRowsOutsideKeys(*plan));
}

// Converted columns are compared through the server's own conversion: a ghost filled by
// INSERT ... SELECT compares clean, and each value the applier could have rendered wrongly (the
// ENUM's index instead of its label, latin1 bytes taken for UTF-8, a BINARY's lost pad, a
// negative number for an unsigned one) makes its range differ.
TEST_F(ChecksumTest, ConvertedColumnsAreCompared) {
  MustExecute(*conn_, fmt::format("CREATE TABLE {} (id INT NOT NULL PRIMARY KEY, "
                                  "e ENUM('red','green','blue') NOT NULL, "
                                  "vl VARCHAR(20) CHARACTER SET latin1, "
                                  "cw VARCHAR(20) CHARACTER SET cp1251, "
                                  "u INT UNSIGNED, b BINARY(4), d DECIMAL(10,2), dt DATETIME(6), "
                                  "f FLOAT, n INT) DEFAULT CHARSET=latin1",
                                  T("c")));
  MustExecute(*conn_,
              fmt::format("INSERT INTO {} SELECT seq, 1 + seq % 3, CONCAT(_latin1 X'e1', seq), "
                          "CONCAT(_cp1251 X'c0c1', seq), 4294967295 - seq, UNHEX(CONCAT('AB', "
                          "IF(seq % 2, '00', '01'))), seq / 7, '2026-01-01 00:00:00.123456' + "
                          "INTERVAL seq SECOND, seq / 3, seq FROM {}.seq_1_to_2000",
                          T("c"), *mysql::QuoteIdentifier(db_)));
  MigrationOptions o;
  o.database = db_;
  o.table = "c";
  o.alter =
      "CONVERT TO CHARACTER SET utf8mb4, MODIFY e VARCHAR(32) NOT NULL DEFAULT '', "
      "MODIFY u BIGINT UNSIGNED, MODIFY b VARBINARY(4), MODIFY d DECIMAL(12,3), "
      "MODIFY dt DATETIME(3), MODIFY f DOUBLE, MODIFY n VARCHAR(10)";
  std::vector<std::string> notes;
  auto plan = Inspect(*conn_, o, &notes);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  plan_ = *plan;
  EXPECT_TRUE(plan_.unchecked_columns.empty()) << ::testing::PrintToString(plan_.unchecked_columns);
  EXPECT_EQ(plan_.checksum_columns.size(), 10u);
  MustExecute(*conn_, fmt::format("INSERT INTO {} SELECT * FROM {}", plan_.q_ghost, T("c")));
  EXPECT_TRUE(Compare().clean());

  const std::vector<std::pair<std::string, std::string>> wrong = {
      {"e = '2'", "the ENUM's index instead of its label"},
      {"vl = CONCAT('Ã¡', id)", "latin1 bytes taken for UTF-8"},
      {"cw = CONCAT('Ð°', id)", "cp1251 bytes rendered as another charset"},
      {"b = UNHEX('AB')", "BINARY's trailing zero bytes lost"},
      {"u = 1", "an unsigned value wrapped"},
      {"d = d + 0.001", "a decimal's new digit"},
      {"dt = dt + INTERVAL 1000 MICROSECOND", "a millisecond"},
      {"f = f + 0.000001", "a widened float"},
      {"n = CONCAT(n, ' ')", "an integer's text"},
  };
  for (const auto& [set, what] : wrong) {
    SCOPED_TRACE(what);
    MustExecute(*conn_, fmt::format("UPDATE {} SET {} WHERE id = 1000", plan_.q_ghost, set));
    const ChecksumResult r = Compare();
    EXPECT_EQ(r.differing.size(), 1u);
    EXPECT_EQ(CompareListed({"999", "1000"}).differing_keys, 2);
    MustExecute(*conn_, fmt::format("REPLACE INTO {} SELECT * FROM {} WHERE id = 1000",
                                    plan_.q_ghost, T("c")));
    EXPECT_TRUE(Compare().clean());
    EXPECT_TRUE(CompareListed({"999", "1000"}).clean());
  }
}

// A conversion SQL cannot reproduce exactly is named, with why, rather than compared wrongly.
TEST_F(ChecksumTest, UncomparableConversionsAreNamed) {
  MustExecute(*conn_,
              fmt::format("CREATE TABLE {} (id INT PRIMARY KEY, f DOUBLE, y YEAR)", T("u")));
  MigrationOptions o;
  o.database = db_;
  o.table = "u";
  o.alter = "MODIFY f VARCHAR(40), MODIFY y INT";
  std::vector<std::string> notes;
  auto plan = Inspect(*conn_, o, &notes);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  ASSERT_EQ(plan->unchecked_columns.size(), 2u);
  EXPECT_EQ(plan->unchecked_columns[0],
            "`f` (double to varchar(40) has no exact conversion in SQL to compare by)");
  EXPECT_EQ(plan->checksum_columns.size(), 1u);  // id
}

}  // namespace
}  // namespace safeddl::osc
