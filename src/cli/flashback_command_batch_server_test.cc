// `safeddl flashback --execute` with multi-row statements, against the sandbox: the cases where
// batching could go wrong.
//  - A transaction that touches the same row several times (update then update again, insert
//    then delete, delete then insert, insert then update, update then delete, a key change, a
//    chain of unique-key moves that only works in order, NULLs coming and going) is undone
//    exactly, with runs of 1, 2, 3 and 1000 rows.
//  - A transaction larger than a run is still one transaction: undone exactly, in a few
//    statements; a conflict in its last run rolls back everything of it, names the row.
//  - A re-inserted key makes the multi-row INSERT fail; the conflict names the row.
//  - Order-sensitive tables (a foreign key to itself, a BEFORE INSERT trigger) go row by row.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "testkit/testkit.h"

namespace safeddl::cli {
namespace {

using testkit::MustExecute;
using testkit::MustQueryValue;

std::string Cnf() { return "--defaults-file=" + testkit::Primary().client_config; }

std::string MasterPosition(mysql::Connection& conn) {
  auto rs = conn.Query("SHOW MASTER STATUS");
  EXPECT_TRUE(rs.ok() && !rs->empty());
  if (!rs.ok() || rs->empty()) return "";
  return (*rs)[0].GetString("File") + ":" + (*rs)[0].GetString("Position");
}

// The table's rows and a checksum over every column (NULL told apart from text).
std::string Contents(mysql::Connection& c, const std::string& table) {
  return MustQueryValue(c,
                        "SELECT CONCAT(COUNT(*), ' rows, checksum ', COALESCE(BIT_XOR(CRC32("
                        "CONCAT_WS('|', id, COALESCE(u, '~'), v, COALESCE(note, '~')))), 0)) "
                        "FROM " +
                            table);
}

// A number from the --json summary ("\"statements\":12," -> 12); -1 when missing.
long JsonNumber(const std::string& json, const std::string& key) {
  const std::string needle = "\"" + key + "\":";
  const size_t at = json.find(needle);
  if (at == std::string::npos) return -1;
  return std::stol(json.substr(at + needle.size()));
}

class FlashbackBatchTest : public ::testing::TestWithParam<int> {};

TEST_P(FlashbackBatchTest, SameRowsTouchedSeveralTimesInOneTransactionAreUndoneExactly) {
  auto c = testkit::ConnectPrimary();
  ASSERT_NE(c, nullptr);
  const std::string db = testkit::UniqueDatabase(*c, "flashback_batch");
  const std::string t = "`" + db + "`.t";
  MustExecute(*c, "CREATE TABLE " + t +
                      " (id INT PRIMARY KEY, u VARCHAR(10) NULL, v INT NOT NULL, note VARCHAR(20) "
                      "NULL, UNIQUE KEY uk_u (u)) ENGINE=InnoDB");
  MustExecute(*c, "INSERT INTO " + t +
                      " SELECT seq, CONCAT('u', seq), seq, IF(seq % 3 = 0, NULL, CONCAT('n', seq)) "
                      "FROM `" +
                      db + "`.seq_1_to_20");
  MustExecute(*c, "UPDATE " + t + " SET u = 'a' WHERE id = 1");
  MustExecute(*c, "UPDATE " + t + " SET u = 'b' WHERE id = 2");
  const std::string before = Contents(*c, t);
  const std::string start = MasterPosition(*c);
  MustExecute(*c, "BEGIN");
  for (const std::string& sql : std::vector<std::string>{
           "UPDATE " + t + " SET v = v + 100 WHERE id <= 10",  // then again:
           "UPDATE " + t + " SET v = v + 1000, note = NULL WHERE id <= 5",
           "UPDATE " + t + " SET note = 'was null' WHERE note IS NULL AND id > 5",
           "INSERT INTO " + t + " VALUES (100, 'i100', 1, NULL), (101, 'i101', 2, 'x')",
           "DELETE FROM " + t + " WHERE id = 100",  // inserted, then deleted
           "DELETE FROM " + t + " WHERE id IN (11, 12)",
           "INSERT INTO " + t + " VALUES (11, 'u11', -11, 'back')",  // deleted, then re-inserted
           "INSERT INTO " + t + " VALUES (102, NULL, 3, NULL)",
           "UPDATE " + t + " SET v = 4, u = 'i102' WHERE id = 102",  // inserted, then updated
           "UPDATE " + t + " SET v = 0 WHERE id = 14",
           "DELETE FROM " + t + " WHERE id = 14",          // updated, then deleted
           "UPDATE " + t + " SET id = 113 WHERE id = 13",  // a key change
           "UPDATE " + t + " SET v = 113 WHERE id = 113",  // and the moved row again
           "UPDATE " + t + " SET u = 'tmp' WHERE id = 1",  // unique values moved in
           "UPDATE " + t + " SET u = 'a' WHERE id = 2",    // an order that only works
           "UPDATE " + t + " SET u = 'b' WHERE id = 1",    // the way it happened
           "UPDATE " + t + " SET v = v * 2 WHERE id BETWEEN 15 AND 20"}) {
    MustExecute(*c, sql);
  }
  MustExecute(*c, "COMMIT");
  const std::string after = Contents(*c, t);
  ASSERT_NE(after, before);

  const auto r = testkit::RunSafeddl({"flashback", "--from-server", Cnf(), "--start-position",
                                      start, "--databases", db, "--execute", "--json",
                                      "--batch-rows", std::to_string(GetParam())});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_EQ(JsonNumber(r.out, "conflicts"), 0) << r.out;
  EXPECT_EQ(JsonNumber(r.out, "transactions_applied"), 1) << r.out;
  // Runs never hold the same row twice, so no check fails.
  EXPECT_EQ(JsonNumber(r.out, "runs_replayed"), 0) << r.out;
  EXPECT_EQ(Contents(*c, t), before) << r.err;
  if (GetParam() == 1000) {  // multi-row statements were used
    EXPECT_LT(JsonNumber(r.out, "statements") * 2, JsonNumber(r.out, "rows_applied")) << r.out;
  }
  MustExecute(*c, "DROP DATABASE `" + db + "`");
}

INSTANTIATE_TEST_SUITE_P(RunRows, FlashbackBatchTest, ::testing::Values(1, 2, 3, 1000));

struct BigTable {
  std::string db;
  std::string table;
};

BigTable MakeBigTable(mysql::Connection& c, const std::string& prefix, int rows) {
  BigTable b;
  b.db = testkit::UniqueDatabase(c, prefix);
  b.table = "`" + b.db + "`.t";
  MustExecute(c, "CREATE TABLE " + b.table +
                     " (id INT PRIMARY KEY, u VARCHAR(10) NULL, v INT NOT NULL, note VARCHAR(20) "
                     "NULL) ENGINE=InnoDB");
  MustExecute(c, "INSERT INTO " + b.table +
                     " SELECT seq, NULL, seq, IF(seq % 7 = 0, NULL, REPEAT('n', seq % 20)) FROM `" +
                     b.db + "`.seq_1_to_" + std::to_string(rows));
  return b;
}

TEST(FlashbackBatchServerTest, TransactionLargerThanARunIsOneTransaction) {
  auto c = testkit::ConnectPrimary();
  ASSERT_NE(c, nullptr);
  const BigTable b = MakeBigTable(*c, "flashback_big", 3000);
  const std::string before = Contents(*c, b.table);
  const std::string start = MasterPosition(*c);
  MustExecute(*c, "BEGIN");
  MustExecute(*c, "UPDATE " + b.table + " SET v = v + 1, note = 'x' WHERE id <= 2500");
  MustExecute(*c, "DELETE FROM " + b.table + " WHERE id > 1800");
  MustExecute(*c, "INSERT INTO " + b.table + " SELECT seq, NULL, 0, NULL FROM `" + b.db +
                      "`.seq_5001_to_6300");
  MustExecute(*c, "COMMIT");
  ASSERT_NE(Contents(*c, b.table), before);

  const auto r = testkit::RunSafeddl({"flashback", "--from-server", Cnf(), "--start-position",
                                      start, "--databases", b.db, "--execute", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_EQ(Contents(*c, b.table), before);
  EXPECT_EQ(JsonNumber(r.out, "rows_applied"), 2500 + 1200 + 1300) << r.out;
  EXPECT_EQ(JsonNumber(r.out, "transactions_applied"), 1) << r.out;
  EXPECT_EQ(JsonNumber(r.out, "runs_replayed"), 0) << r.out;
  // 1300 deletes (2 runs), 1200 inserts (2 runs), 2500 updates (3 runs): one statement each,
  // the first one starting the transaction, the last one committing it.
  EXPECT_EQ(JsonNumber(r.out, "statements"), 2 + 2 + 3) << r.out;
  MustExecute(*c, "DROP DATABASE `" + b.db + "`");
}

TEST(FlashbackBatchServerTest, ConflictInTheLastRunRollsBackTheWholeTransaction) {
  auto c = testkit::ConnectPrimary();
  ASSERT_NE(c, nullptr);
  const BigTable b = MakeBigTable(*c, "flashback_big_conflict", 2500);
  const std::string start = MasterPosition(*c);
  MustExecute(*c, "UPDATE " + b.table + " SET v = v + 1");
  const std::string stop = MasterPosition(*c);
  // Undo runs newest first: row 1 is in the last of three runs.
  MustExecute(*c, "UPDATE " + b.table + " SET note = 'later' WHERE id = 1");
  const std::string changed = Contents(*c, b.table);

  const auto r = testkit::RunSafeddl({"flashback", "--from-server", Cnf(), "--start-position",
                                      start, "--stop-position", stop, "--execute", "--json"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("`id`=1 "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("'later'"), std::string::npos) << r.err;
  EXPECT_EQ(JsonNumber(r.out, "conflicts"), 1) << r.out;
  EXPECT_EQ(JsonNumber(r.out, "runs_replayed"), 1) << r.out;
  EXPECT_EQ(JsonNumber(r.out, "transactions_applied"), 0) << r.out;
  EXPECT_EQ(Contents(*c, b.table), changed) << "part of the transaction was applied";
  MustExecute(*c, "DROP DATABASE `" + b.db + "`");
}

TEST(FlashbackBatchServerTest, ReinsertedKeyIsAConflictOfTheMultiRowInsert) {
  auto c = testkit::ConnectPrimary();
  ASSERT_NE(c, nullptr);
  const BigTable b = MakeBigTable(*c, "flashback_reinsert", 50);
  const std::string start = MasterPosition(*c);
  MustExecute(*c, "DELETE FROM " + b.table);
  const std::string stop = MasterPosition(*c);
  MustExecute(*c, "INSERT INTO " + b.table + " VALUES (30, 'again', 0, NULL)");

  const auto r = testkit::RunSafeddl({"flashback", "--from-server", Cnf(), "--start-position",
                                      start, "--stop-position", stop, "--execute", "--json"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("`id`=30 "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("'again'"), std::string::npos) << r.err;
  EXPECT_EQ(JsonNumber(r.out, "runs_replayed"), 1) << r.out;
  EXPECT_EQ(MustQueryValue(*c, "SELECT GROUP_CONCAT(id) FROM " + b.table), "30");
  MustExecute(*c, "DROP DATABASE `" + b.db + "`");
}

TEST(FlashbackBatchServerTest, TableWithAForeignKeyToItselfIsUndoneRowByRow) {
  auto c = testkit::ConnectPrimary();
  ASSERT_NE(c, nullptr);
  const std::string db = testkit::UniqueDatabase(*c, "flashback_self_fk");
  const std::string t = "`" + db + "`.t";
  MustExecute(*c, "CREATE TABLE " + t +
                      " (id INT PRIMARY KEY, parent INT NULL, FOREIGN KEY (parent) REFERENCES " +
                      t + " (id)) ENGINE=InnoDB");
  const std::string start = MasterPosition(*c);
  MustExecute(*c, "INSERT INTO " + t + " VALUES (1, NULL), (2, 1), (3, 2), (4, 3)");
  // Undo deletes 4, 3, 2, 1; one DELETE ... IN (..) would go in key order and hit the key.
  const auto r = testkit::RunSafeddl({"flashback", "--from-server", Cnf(), "--start-position",
                                      start, "--databases", db, "--execute", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_EQ(MustQueryValue(*c, "SELECT COUNT(*) FROM " + t), "0");
  MustExecute(*c, "DROP DATABASE `" + db + "`");
}

TEST(FlashbackBatchServerTest, TableWithAnInsertTriggerIsUpdatedRowByRow) {
  auto c = testkit::ConnectPrimary();
  ASSERT_NE(c, nullptr);
  const std::string db = testkit::UniqueDatabase(*c, "flashback_trigger");
  const std::string t = "`" + db + "`.t";
  MustExecute(*c, "CREATE TABLE " + t + " (id INT PRIMARY KEY, v VARCHAR(10)) ENGINE=InnoDB");
  MustExecute(*c, "CREATE TRIGGER `" + db + "`.up BEFORE INSERT ON " + t +
                      " FOR EACH ROW SET NEW.v = UPPER(NEW.v)");
  MustExecute(*c, "INSERT INTO " + t + " VALUES (1, 'a'), (2, 'b')");
  MustExecute(*c, "UPDATE " + t + " SET v = LOWER(v)");
  const std::string start = MasterPosition(*c);
  MustExecute(*c, "UPDATE " + t + " SET v = 'z'");
  // INSERT .. ON DUPLICATE KEY UPDATE would run the trigger and put back 'A', 'B'.
  const auto r = testkit::RunSafeddl({"flashback", "--from-server", Cnf(), "--start-position",
                                      start, "--databases", db, "--execute"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(MustQueryValue(*c, "SELECT GROUP_CONCAT(BINARY v ORDER BY id) FROM " + t), "a,b");
  MustExecute(*c, "DROP DATABASE `" + db + "`");
}

}  // namespace
}  // namespace safeddl::cli
