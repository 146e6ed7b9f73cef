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
//  - Small transactions share blocks; a conflict in the middle of a block (a changed row, a
//    reinserted key) stops, skips or forces exactly that transaction: the ones before it in undo
//    order stay applied, the ones after it go again.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "testkit/testkit.h"

namespace safeddl::cli {
namespace {

using testkit::MustExecute;
using testkit::MustQueryValue;

std::string Cnf() { return "--defaults-file=" + testkit::Primary().client_config; }

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
  const std::string start = testkit::BinlogPositionNow(*c);
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
  const std::string start = testkit::BinlogPositionNow(*c);
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
  // 1300 deletes (2 runs), 1200 inserts (2 runs): one statement each, the first one starting
  // the transaction; 2500 updates (3 runs) loaded: the temporary table made once, then a LOAD
  // DATA and a block per run, the last one committing.
  EXPECT_EQ(JsonNumber(r.out, "runs_loaded"), 3) << r.out;
  EXPECT_EQ(JsonNumber(r.out, "statements"), 2 + 2 + 1 + 3 * 2) << r.out;
  MustExecute(*c, "DROP DATABASE `" + b.db + "`");
}

TEST(FlashbackBatchServerTest, ConflictInTheLastRunRollsBackTheWholeTransaction) {
  auto c = testkit::ConnectPrimary();
  ASSERT_NE(c, nullptr);
  const BigTable b = MakeBigTable(*c, "flashback_big_conflict", 2500);
  const std::string start = testkit::BinlogPositionNow(*c);
  MustExecute(*c, "UPDATE " + b.table + " SET v = v + 1");
  const std::string stop = testkit::BinlogPositionNow(*c);
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

// Row 2500 is in the first of three loaded runs, whose block the server runs while the next run
// is gathered: the conflict still stops or skips the whole transaction, nothing of it applied.
TEST(FlashbackBatchServerTest, ConflictInARunInFlightRollsBackOrSkipsTheTransaction) {
  auto c = testkit::ConnectPrimary();
  ASSERT_NE(c, nullptr);
  for (const char* policy : {"", "--skip-conflicts"}) {
    const BigTable b = MakeBigTable(*c, "flashback_inflight", 2500);
    const std::string start = testkit::BinlogPositionNow(*c);
    MustExecute(*c, "UPDATE " + b.table + " SET v = v + 1");
    const std::string stop = testkit::BinlogPositionNow(*c);
    MustExecute(*c, "UPDATE " + b.table + " SET note = 'later' WHERE id = 2500");
    const std::string changed = Contents(*c, b.table);
    std::vector<std::string> args = {"flashback", "--from-server", Cnf(), "--start-position",
                                     start, "--stop-position", stop, "--execute", "--json"};
    if (*policy != '\0') args.push_back(policy);
    const auto r = testkit::RunSafeddl(args);
    EXPECT_EQ(r.exit_code, *policy != '\0' ? 0 : 1) << r.err;
    EXPECT_NE(r.err.find("`id`=2500 "), std::string::npos) << r.err;
    EXPECT_EQ(JsonNumber(r.out, "conflicts"), 1) << r.out;
    EXPECT_EQ(JsonNumber(r.out, "runs_replayed"), 1) << r.out;
    EXPECT_EQ(JsonNumber(r.out, "transactions_applied"), 0) << r.out;
    EXPECT_EQ(JsonNumber(r.out, "transactions_skipped"), *policy != '\0' ? 1 : 0) << r.out;
    EXPECT_EQ(Contents(*c, b.table), changed) << "part of the transaction was applied";
    MustExecute(*c, "DROP DATABASE `" + b.db + "`");
  }
}

TEST(FlashbackBatchServerTest, ReinsertedKeyIsAConflictOfTheMultiRowInsert) {
  auto c = testkit::ConnectPrimary();
  ASSERT_NE(c, nullptr);
  const BigTable b = MakeBigTable(*c, "flashback_reinsert", 50);
  const std::string start = testkit::BinlogPositionNow(*c);
  MustExecute(*c, "DELETE FROM " + b.table);
  const std::string stop = testkit::BinlogPositionNow(*c);
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
  const std::string start = testkit::BinlogPositionNow(*c);
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
  const std::string start = testkit::BinlogPositionNow(*c);
  MustExecute(*c, "UPDATE " + t + " SET v = 'z'");
  // INSERT .. ON DUPLICATE KEY UPDATE would run the trigger and put back 'A', 'B'.
  const auto r = testkit::RunSafeddl({"flashback", "--from-server", Cnf(), "--start-position",
                                      start, "--databases", db, "--execute"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(MustQueryValue(*c, "SELECT GROUP_CONCAT(BINARY v ORDER BY id) FROM " + t), "a,b");
  MustExecute(*c, "DROP DATABASE `" + db + "`");
}

// Updates of every loadable type, undone through LOAD DATA (load_data.h): the table comes back
// byte for byte. 1,200 rows in one transaction make two runs; one holds a zero TIMESTAMP, which
// has no field form, so that run goes as SQL — both ways in one undo.
TEST(FlashbackBatchServerTest, LoadedRunsRestoreEveryTypeExactly) {
  auto c = testkit::ConnectPrimary();
  ASSERT_NE(c, nullptr);
  const std::string db = testkit::UniqueDatabase(*c, "flashback_load");
  const std::string t = "`" + db + "`.t";
  const std::string seq = "`" + db + "`.seq_1_to_1200";
  MustExecute(*c, "SET SESSION sql_mode = '', time_zone = '+00:00'");
  MustExecute(*c, "CREATE TABLE " + t +
                      " (id INT PRIMARY KEY, i8 TINYINT, u64 BIGINT UNSIGNED, i64 BIGINT NOT NULL, "
                      "m24 MEDIUMINT UNSIGNED, dec_ DECIMAL(30,10), vc VARCHAR(100) CHARACTER SET "
                      "utf8mb4, l1 VARCHAR(50) CHARACTER SET latin1, vb VARBINARY(300), bl BLOB, "
                      "tx TEXT CHARACTER SET utf8mb4, js JSON, d DATE, tm TIME(3), dt DATETIME(6), "
                      "ts TIMESTAMP(6) NULL DEFAULT NULL, ch CHAR(10), bn BINARY(4), "
                      "`we``ird col` INT) ENGINE=InnoDB");
  const std::string values =
      "SELECT seq, CAST(seq % 256 AS SIGNED) - 128, IF(seq = 1, 18446744073709551615, seq * 1000003), "
      "IF(seq = 2, -9223372036854775808, -CAST(seq AS SIGNED)), seq * 7, seq * 1.0000000001 - 500, "
      "IF(seq % 7 = 0, NULL, CONCAT('a\\tb\\nc\\\\d''e', CHAR(0 USING utf8mb4), '😀é\\r', seq)), "
      "IF(seq % 2 = 0, CONCAT('plain ', seq), CONCAT(_latin1 X'E9', seq, '''\\\\')), "
      "CONCAT(CHAR(seq % 256), X'00090A5C270D1A', CHAR(255 - seq % 256)), "
      "REPEAT(CHAR(seq % 256), 300), REPEAT('ü\\\\', seq % 50), "
      "JSON_OBJECT('k', seq, 's', 'x\\ty'), "
      "IF(seq % 11 = 0, '0000-00-00', '2024-01-01' + INTERVAL seq DAY), "
      "SEC_TO_TIME(seq * 1000.5 - 100000), '2020-02-29 23:59:59.999999' + INTERVAL seq SECOND, "
      "IF(seq % 5 = 0, NULL, IF(seq = 1151, '0000-00-00 00:00:00', "
      "FROM_UNIXTIME(1700000000 + seq + 0.123456))), CONCAT('c', seq), CHAR(seq % 256), seq FROM " +
      seq;
  MustExecute(*c, "INSERT INTO " + t + " " + values);
  auto sum = [&] {
    auto rs = c->Query("CHECKSUM TABLE " + t);
    return rs.ok() && !rs->empty() ? (*rs)[0][1].value_or("") : std::string("?");
  };
  const std::string before = sum();
  const std::string start = testkit::BinlogPositionNow(*c);
  MustExecute(*c, "BEGIN");
  MustExecute(*c, "UPDATE " + t +
                      " SET i8 = -i8 - 1, u64 = u64 DIV 3, i64 = i64 + 1, m24 = NULL, "
                      "dec_ = -dec_, vc = IF(vc IS NULL, 'was null', NULL), l1 = CONCAT(l1, 'x'), "
                      "vb = REVERSE(vb), bl = NULL, tx = CONCAT(tx, '\\t'), "
                      "js = JSON_SET(js, '$.k', 0), d = d + INTERVAL 1 DAY, tm = -tm, "
                      "dt = dt - INTERVAL 1 SECOND, ts = IF(ts IS NULL, FROM_UNIXTIME(1), NULL), "
                      "ch = '', bn = X'FFFF', `we``ird col` = -1");
  MustExecute(*c, "COMMIT");
  ASSERT_NE(sum(), before);
  const auto r = testkit::RunSafeddl({"flashback", "--from-server", Cnf(), "--start-position",
                                      start, "--databases", db, "--execute", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_EQ(sum(), before) << "the undo is not exact";
  EXPECT_EQ(JsonNumber(r.out, "rows_applied"), 1200) << r.out;
  // One run loads, the one with the zero TIMESTAMP goes as SQL; every loaded row matched its
  // recorded image (nothing replayed).
  EXPECT_EQ(JsonNumber(r.out, "runs_loaded"), 1) << r.out;
  EXPECT_EQ(JsonNumber(r.out, "runs_replayed"), 0) << r.out;
  // The same kind of undo as SQL only: the same table again.
  const std::string again = testkit::BinlogPositionNow(*c);
  MustExecute(*c, "UPDATE " + t + " SET i8 = 0, vc = 'changed', ts = NULL");
  const auto sql = testkit::RunSafeddl({"flashback", "--from-server", Cnf(), "--start-position",
                                        again, "--databases", db, "--execute", "--json",
                                        "--no-load-data"});
  ASSERT_EQ(sql.exit_code, 0) << sql.err << sql.out;
  EXPECT_EQ(JsonNumber(sql.out, "runs_loaded"), 0) << sql.out;
  EXPECT_EQ(sum(), before);
  MustExecute(*c, "DROP DATABASE `" + db + "`");
}

// The batching flags refuse what makes no sense, in one line, before anything is read.
TEST(FlashbackBatchServerTest, BatchingFlagsRefuseZero) {
  for (const char* flag : {"--batch-rows", "--group-transactions"}) {
    const auto r = testkit::RunSafeddl(
        {"flashback", "--from-server", Cnf(), "--start-position", "mariadb-bin.000001:4",
         "--execute", flag, "0"});
    EXPECT_EQ(r.exit_code, 64) << r.err;
    EXPECT_NE(r.err.find(std::string(flag) + " must be at least 1"), std::string::npos) << r.err;
  }
}

// 60 one-row transactions on `db`.t (id, v): an update (id % 3 == 2), a delete (id % 3 == 1,
// undone by an insert) or an insert of id + 1000 (id % 3 == 0), for id 1..60.
struct SmallTransactions {
  std::string db;
  std::string table;
  std::string start;
  std::string stop;
  std::string before;
};

SmallTransactions MakeSmallTransactions(mysql::Connection& c, const std::string& prefix) {
  SmallTransactions s;
  s.db = testkit::UniqueDatabase(c, prefix);
  s.table = "`" + s.db + "`.t";
  MustExecute(c, "CREATE TABLE " + s.table + " (id INT PRIMARY KEY, v INT) ENGINE=InnoDB");
  MustExecute(c, "INSERT INTO " + s.table + " SELECT seq, seq FROM `" + s.db + "`.seq_1_to_60");
  s.before = MustQueryValue(c, "SELECT GROUP_CONCAT(id, '=', v ORDER BY id) FROM " + s.table);
  s.start = testkit::BinlogPositionNow(c);
  for (int id = 1; id <= 60; ++id) {
    const std::string i = std::to_string(id);
    switch (id % 3) {
      case 2:
        MustExecute(c, "UPDATE " + s.table + " SET v = v + 100 WHERE id = " + i);
        break;
      case 1:
        MustExecute(c, "DELETE FROM " + s.table + " WHERE id = " + i);
        break;
      default:
        MustExecute(c, "INSERT INTO " + s.table + " VALUES (" + std::to_string(id + 1000) + ", 0)");
    }
  }
  s.stop = testkit::BinlogPositionNow(c);
  return s;
}

std::vector<std::string> FlashbackArgs(const SmallTransactions& s) {
  return {"flashback", "--from-server", Cnf(),   "--start-position", s.start, "--stop-position",
          s.stop,      "--execute",     "--json"};
}

TEST(FlashbackBatchServerTest, SmallTransactionsShareBlocks) {
  auto c = testkit::ConnectPrimary();
  ASSERT_NE(c, nullptr);
  const SmallTransactions s = MakeSmallTransactions(*c, "flashback_small");
  const auto r = testkit::RunSafeddl(FlashbackArgs(s));
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_EQ(MustQueryValue(*c, "SELECT GROUP_CONCAT(id, '=', v ORDER BY id) FROM " + s.table),
            s.before);
  EXPECT_EQ(JsonNumber(r.out, "transactions_applied"), 60) << r.out;
  EXPECT_EQ(JsonNumber(r.out, "statements"), 1) << r.out;  // all 60 in one block
  EXPECT_EQ(JsonNumber(r.out, "groups"), 1) << r.out;      // and one server transaction
  EXPECT_EQ(JsonNumber(r.out, "groups_split"), 0) << r.out;
  MustExecute(*c, "DROP DATABASE `" + s.db + "`");
}

// Without groups (--group-transactions 1) every transaction commits on its own, still sharing
// blocks; with groups of 7, eight groups of 7 and one of the last 4.
TEST(FlashbackBatchServerTest, GroupSizeIsTheUsersToChoose) {
  auto c = testkit::ConnectPrimary();
  ASSERT_NE(c, nullptr);
  for (const char* size : {"1", "7"}) {
    const SmallTransactions s = MakeSmallTransactions(*c, "flashback_group");
    std::vector<std::string> args = FlashbackArgs(s);
    args.insert(args.end(), {"--group-transactions", size});
    const auto r = testkit::RunSafeddl(args);
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
    EXPECT_EQ(MustQueryValue(*c, "SELECT GROUP_CONCAT(id, '=', v ORDER BY id) FROM " + s.table),
              s.before);
    EXPECT_EQ(JsonNumber(r.out, "transactions_applied"), 60) << r.out;
    EXPECT_EQ(JsonNumber(r.out, "groups"), std::string(size) == "1" ? 0 : 9) << r.out;
    MustExecute(*c, "DROP DATABASE `" + s.db + "`");
  }
}

// A conflict in transaction 20 (an update) and a reinserted key in transaction 10 (a delete):
// undo runs 60 down to 1, all in one shared block.
class FlashbackSharedBlockTest : public ::testing::TestWithParam<std::string> {};

TEST_P(FlashbackSharedBlockTest, ConflictStopsSkipsOrForcesExactlyThatTransaction) {
  auto c = testkit::ConnectPrimary();
  ASSERT_NE(c, nullptr);
  const SmallTransactions s = MakeSmallTransactions(*c, "flashback_shared");
  MustExecute(*c, "UPDATE " + s.table + " SET v = -1 WHERE id = 20");
  MustExecute(*c, "INSERT INTO " + s.table + " VALUES (10, -1)");
  std::vector<std::string> args = FlashbackArgs(s);
  if (!GetParam().empty()) args.push_back(GetParam());
  const auto r = testkit::RunSafeddl(args);
  const std::string now =
      MustQueryValue(*c, "SELECT GROUP_CONCAT(id, '=', v ORDER BY id) FROM " + s.table);
  // What the table holds when transactions newer than `oldest` were undone and the others not.
  auto expected = [&](int oldest, bool conflict_rows_undone) {
    std::string out;
    for (int id = 1; id <= 60; ++id) {
      const bool undone = id >= oldest && ((id != 20 && id != 10) || conflict_rows_undone);
      std::string row;
      if (id == 20) {
        row = undone ? "20=20" : "20=-1";
      } else if (id == 10) {
        row = undone ? "" : "10=-1";  // the reinserted row: undo would insert (10, 10)
      } else if (id % 3 == 2) {
        row = std::to_string(id) + "=" + std::to_string(undone ? id : id + 100);
      } else if (id % 3 == 1) {
        row = undone ? std::to_string(id) + "=" + std::to_string(id) : "";
      } else {
        row = std::to_string(id) + "=" + std::to_string(id);
      }
      if (!row.empty()) out += (out.empty() ? "" : ",") + row;
    }
    for (int id = 3; id <= 60; id += 3) {  // the inserted rows, while not undone
      if (id < oldest) out += "," + std::to_string(id + 1000) + "=0";
    }
    return out;
  };
  // The group of all 60 met the conflicts, and they went one by one.
  EXPECT_EQ(JsonNumber(r.out, "groups"), 0) << r.out;
  EXPECT_EQ(JsonNumber(r.out, "groups_split"), 1) << r.out;
  if (GetParam().empty()) {  // stop at transaction 20: 60..21 applied
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("`id`=20 "), std::string::npos) << r.err;
    EXPECT_EQ(JsonNumber(r.out, "transactions_applied"), 40) << r.out;
    EXPECT_EQ(now, expected(21, false));
  } else if (GetParam() == "--skip-conflicts") {  // 20 and 10 skipped, the rest applied
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(JsonNumber(r.out, "transactions_applied"), 58) << r.out;
    EXPECT_EQ(JsonNumber(r.out, "transactions_skipped"), 2) << r.out;
    EXPECT_EQ(JsonNumber(r.out, "conflicts"), 2) << r.out;
    EXPECT_EQ(now, expected(1, false));
  } else {  // --force: row 20 set back; the insert of row 10 forced into a duplicate key error
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("Duplicate entry '10'"), std::string::npos) << r.err;
    EXPECT_EQ(JsonNumber(r.out, "transactions_applied"), 50) << r.out;
    EXPECT_EQ(JsonNumber(r.out, "rows_forced"), 1) << r.out;
    EXPECT_EQ(now, expected(11, true));
  }
  MustExecute(*c, "DROP DATABASE `" + s.db + "`");
}

INSTANTIATE_TEST_SUITE_P(Policies, FlashbackSharedBlockTest,
                         ::testing::Values("", "--skip-conflicts", "--force"));

}  // namespace
}  // namespace safeddl::cli
