// `safeddl snapshot` against the real sandbox under writes: the rows kept are the table exactly
// as it was at one point of its history (a single writer applies numbered changes in order, so
// the snapshot must equal the state after some prefix of them), with and without --where; the
// catalog records it; `list` and `drop`; bad input keeps nothing.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "common/strings.h"
#include "mysql/quote.h"
#include "testkit/testkit.h"

namespace safeddl::cli {
namespace {

using nlohmann::json;

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 64;
constexpr int kRows = 3000;

std::string Q(const std::string& id) { return mysql::QuoteIdentifier(id).value(); }

using testkit::ParseJson;

// The snapshot's table, quoted, from its JSON ("schema.table").
std::string SnapshotTable(const json& j) {
  const std::string t = j.value("table", "");
  const size_t dot = t.find('.');
  return Q(t.substr(0, dot)) + "." + Q(t.substr(dot + 1));
}

using State = std::map<long long, long long>;  // id -> v

// Op i (from 1): updates an existing row's v to i; every 4th also inserts row 100000 + i; every
// 4th, two later, deletes the row op i - 2 inserted.
void ApplyOp(State& s, long long i) {
  s[(i * 7919) % kRows + 1] = i;
  if (i % 4 == 0) s[100000 + i] = -i;
  if (i % 4 == 2 && i > 2) s.erase(100000 + i - 2);
}
std::vector<std::string> OpSql(const std::string& table, long long i) {
  std::vector<std::string> sql = {
      fmt::format("UPDATE {} SET v = {} WHERE id = {}", table, i, (i * 7919) % kRows + 1)};
  if (i % 4 == 0)
    sql.push_back(fmt::format("INSERT INTO {} VALUES ({}, {})", table, 100000 + i, -i));
  if (i % 4 == 2 && i > 2)
    sql.push_back(fmt::format("DELETE FROM {} WHERE id = {}", table, 100000 + i - 2));
  return sql;
}

class SnapshotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    admin_ = testkit::ConnectPrimary();
    ASSERT_TRUE(admin_);
    db_ = testkit::UniqueDatabase(*admin_, "snap");
    testkit::MustExecute(*admin_, "USE " + Q(db_));
    testkit::MustExecute(*admin_,
                         "CREATE TABLE t (id BIGINT NOT NULL PRIMARY KEY, v BIGINT NOT "
                         "NULL) ENGINE=InnoDB");
    testkit::MustExecute(*admin_,
                         fmt::format("INSERT INTO t SELECT seq, 0 FROM seq_1_to_{}", kRows));
  }
  void TearDown() override {
    if (!admin_) return;
    testkit::MustExecute(*admin_, "DROP DATABASE IF EXISTS " + Q(db_));
    for (uint64_t id : taken_) {
      testkit::RunSafeddl({"snapshot", "drop", std::to_string(id),
                           "--defaults-file=" + testkit::Primary().client_config});
    }
  }
  std::vector<std::string> Conn() const {
    return {"--defaults-file=" + testkit::Primary().client_config};
  }
  // safeddl with `args` and the connection flags.
  testkit::CommandResult run(std::vector<std::string> args) const {
    for (const std::string& a : Conn()) args.push_back(a);
    return testkit::RunSafeddl(args);
  }

  // Takes a snapshot while one writer applies ops in order; returns the snapshot's JSON and sets
  // `ops` to how many ops the writer committed in all.
  json SnapshotUnderWrites(const std::vector<std::string>& extra, long long* ops) {
    std::atomic<bool> stop{false};
    std::atomic<long long> done{0};
    std::thread writer([&] {
      auto conn = testkit::ConnectPrimary();
      if (!conn) return;
      const std::string table = Q(db_) + ".t";
      for (long long i = 1; !stop.load(); ++i) {
        // One transaction per op: the snapshot may fall between two ops, never inside one.
        testkit::MustExecute(*conn, "BEGIN");
        for (const std::string& sql : OpSql(table, i)) testkit::MustExecute(*conn, sql);
        testkit::MustExecute(*conn, "COMMIT");
        done.store(i);
      }
    });
    testkit::WaitFor([&] { return done.load() > 50; });
    std::vector<std::string> args = {"snapshot", "--json", "--database",   db_,
                                     "--table",  "t",      "--chunk-size", "100"};
    for (const std::string& a : Conn()) args.push_back(a);
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = testkit::RunSafeddl(args);
    const long long during = done.load();
    testkit::WaitFor([&] { return done.load() > during + 50; });
    stop.store(true);
    writer.join();
    *ops = done.load();
    EXPECT_EQ(r.exit_code, kExitOk) << r.out << r.err;
    json j = ParseJson(r);
    if (j.contains("id")) taken_.push_back(j["id"].get<uint64_t>());
    return j;
  }

  State ReadTable(const std::string& q_table) {
    State s;
    auto rs = admin_->Query("SELECT id, v FROM " + q_table);
    EXPECT_TRUE(rs.ok()) << rs.status().ToString();
    if (!rs.ok()) return s;
    for (const mysql::Row& row : rs->rows()) {
      s[ParseInt64(row[0].value_or("")).value_or(-1)] = ParseInt64(row[1].value_or("")).value_or(0);
    }
    return s;
  }

  // The k in [0, ops] after which the table (filtered by `keep`) equals `snap`; -1 when none.
  static long long MatchingPrefix(const State& snap, long long ops,
                                  const std::function<bool(long long v)>& keep) {
    State state;
    for (long long id = 1; id <= kRows; ++id) state[id] = 0;
    for (long long k = 0; k <= ops; ++k) {
      if (k > 0) ApplyOp(state, k);
      State filtered;
      for (const auto& [id, v] : state) {
        if (keep(v)) filtered[id] = v;
      }
      if (filtered == snap) return k;
    }
    return -1;
  }

  std::unique_ptr<mysql::Connection> admin_;
  std::string db_;
  std::vector<uint64_t> taken_;
};

TEST_F(SnapshotTest, WholeTableUnderWritesIsTheTableAtOnePoint) {
  long long ops = 0;
  json j = SnapshotUnderWrites({}, &ops);
  ASSERT_TRUE(j.contains("table")) << j.dump(2);
  EXPECT_EQ(j["state"], "ready");
  EXPECT_FALSE(j["binlog"]["file"].get<std::string>().empty()) << j.dump(2);
  EXPECT_GT(j["binlog"]["position"].get<uint64_t>(), 4u) << j.dump(2);
  EXPECT_FALSE(j["gtid"].get<std::string>().empty()) << j.dump(2);
  const State snap = ReadTable(SnapshotTable(j));
  EXPECT_EQ(static_cast<int64_t>(snap.size()), j["rows"].get<int64_t>());
  const long long k = MatchingPrefix(snap, ops, [](long long) { return true; });
  EXPECT_GE(k, 50) << "the snapshot is no prefix of the writes (torn), or taken before them";
  EXPECT_LT(k, ops) << "the snapshot saw every write: it was not taken under writes";
  // The catalog has it.
  std::vector<std::string> list = {"snapshot", "list", "--json"};
  for (const std::string& a : Conn()) list.push_back(a);
  auto l = testkit::RunSafeddl(list);
  EXPECT_EQ(l.exit_code, kExitOk) << l.err;
  bool found = false;
  for (const json& s : ParseJson(l)) found |= s["id"] == j["id"] && s["rows"] == j["rows"];
  EXPECT_TRUE(found) << l.out;
}

TEST_F(SnapshotTest, WhereKeepsTheMatchingRowsAtOnePoint) {
  long long ops = 0;
  json j = SnapshotUnderWrites({"--where", "v % 3 = 1 OR v < 0"}, &ops);
  ASSERT_TRUE(j.contains("table")) << j.dump(2);
  const State snap = ReadTable(SnapshotTable(j));
  EXPECT_FALSE(snap.empty());
  const long long k = MatchingPrefix(snap, ops, [](long long v) { return v % 3 == 1 || v < 0; });
  EXPECT_GE(k, 50) << "the --where snapshot is no prefix of the writes";
  EXPECT_EQ(j["where"], "v % 3 = 1 OR v < 0");
}

TEST_F(SnapshotTest, DropAndBadInput) {
  auto r = run({"snapshot", "--json", "--database", db_, "--table", "t"});
  ASSERT_EQ(r.exit_code, kExitOk) << r.out << r.err;
  const json j = ParseJson(r);
  EXPECT_EQ(j["rows"], kRows);
  const std::string id = std::to_string(j["id"].get<uint64_t>());
  EXPECT_EQ(run({"snapshot", "drop", id}).exit_code, kExitOk);
  EXPECT_EQ(run({"snapshot", "drop", id}).exit_code, kExitFailure) << "dropped twice";
  auto listed = run({"snapshot", "list", "--json"});
  for (const json& s : ParseJson(listed)) EXPECT_NE(std::to_string(s["id"].get<uint64_t>()), id);

  const std::string before = run({"snapshot", "list", "--json"}).out;
  EXPECT_EQ(run({"snapshot", "--database", db_, "--table", "missing"}).exit_code, kExitFailure);
  EXPECT_EQ(run({"snapshot", "--database", db_, "--table", "t", "--where", "1=1; DROP TABLE t"})
                .exit_code,
            kExitUsage);
  EXPECT_EQ(run({"snapshot", "--database", db_, "--table", "t", "--where", "no_such_column = 1"})
                .exit_code,
            kExitUsage);
  testkit::MustExecute(*admin_, "CREATE TABLE nokey (v INT) ENGINE=InnoDB");
  auto nokey = run({"snapshot", "--database", db_, "--table", "nokey"});
  EXPECT_EQ(nokey.exit_code, kExitFailure) << nokey.out << nokey.err;
  EXPECT_NE(nokey.err.find("key"), std::string::npos) << nokey.err;
  EXPECT_EQ(run({"snapshot", "list", "--json"}).out, before) << "a failed snapshot was kept";
  EXPECT_EQ(testkit::MustQueryValue(*admin_, "SELECT COUNT(*) FROM t"), std::to_string(kRows));
}

// A bad UPDATE without WHERE and deletes, then restore: the snapshot's rows are back, the row
// inserted since stays; the dry run changes nothing.
TEST_F(SnapshotTest, RestorePutsTheRowsBackAndKeepsLaterRows) {
  auto r = run({"snapshot", "--json", "--database", db_, "--table", "t"});
  ASSERT_EQ(r.exit_code, kExitOk) << r.out << r.err;
  const std::string id = std::to_string(ParseJson(r)["id"].get<uint64_t>());
  taken_.push_back(std::stoull(id));
  testkit::MustExecute(*admin_, "UPDATE t SET v = 7");
  testkit::MustExecute(*admin_, "DELETE FROM t WHERE id <= 10");
  testkit::MustExecute(*admin_, "INSERT INTO t VALUES (500000, 1)");
  auto dry = run({"restore", id, "--json"});
  ASSERT_EQ(dry.exit_code, kExitOk) << dry.out << dry.err;
  json d = ParseJson(dry);
  EXPECT_EQ(d["changed"], kRows - 10) << d.dump(2);
  EXPECT_EQ(d["deleted"], 10) << d.dump(2);
  EXPECT_EQ(d["added_since"], 1) << d.dump(2);
  EXPECT_FALSE(d["executed"].get<bool>());
  EXPECT_EQ(testkit::MustQueryValue(*admin_, "SELECT COUNT(*) FROM t WHERE v = 7"),
            std::to_string(kRows - 10));
  auto done = run({"restore", id, "--execute", "--json"});
  ASSERT_EQ(done.exit_code, kExitOk) << done.out << done.err;
  json e = ParseJson(done);
  EXPECT_TRUE(e["executed"].get<bool>());
  EXPECT_EQ(e["remaining"], 0) << e.dump(2);
  EXPECT_EQ(testkit::MustQueryValue(
                *admin_, "SELECT COUNT(*) FROM t WHERE v = 0 AND id <= " + std::to_string(kRows)),
            std::to_string(kRows));
  EXPECT_EQ(testkit::MustQueryValue(*admin_, "SELECT v FROM t WHERE id = 500000"), "1");
}

// --replace-table: the whole table goes back to the snapshot by one swap — rows added since are
// gone, the table it replaced is kept beside it with every later write; the dry run changes
// nothing; a --where snapshot and a table with triggers are refused, table untouched.
TEST_F(SnapshotTest, ReplaceTableSwapsTheWholeTableBack) {
  testkit::MustExecute(*admin_, "ALTER TABLE t ADD COLUMN n INT NOT NULL AUTO_INCREMENT UNIQUE");
  auto r = run({"snapshot", "--json", "--database", db_, "--table", "t"});
  ASSERT_EQ(r.exit_code, kExitOk) << r.out << r.err;
  const std::string id = std::to_string(ParseJson(r)["id"].get<uint64_t>());
  taken_.push_back(std::stoull(id));
  testkit::MustExecute(*admin_, "UPDATE t SET v = 7 WHERE id <= 100");
  testkit::MustExecute(*admin_, "DELETE FROM t WHERE id BETWEEN 200 AND 209");
  testkit::MustExecute(*admin_, "INSERT INTO t (id, v) VALUES (500000, 1), (500001, 1)");
  const std::string next_n =
      testkit::MustQueryValue(*admin_, "SELECT MAX(n) + 1 FROM t");

  auto dry = run({"restore", id, "--replace-table", "--json"});
  ASSERT_EQ(dry.exit_code, kExitOk) << dry.out << dry.err;
  json d = ParseJson(dry);
  EXPECT_EQ(d["added_since"], 2) << d.dump(2);
  EXPECT_FALSE(d["executed"].get<bool>());
  EXPECT_EQ(testkit::MustQueryValue(*admin_, "SELECT COUNT(*) FROM t WHERE id >= 500000"), "2");

  auto done = run({"restore", id, "--replace-table", "--execute", "--json"});
  ASSERT_EQ(done.exit_code, kExitOk) << done.out << done.err;
  json e = ParseJson(done);
  EXPECT_TRUE(e["executed"].get<bool>());
  EXPECT_EQ(e["written"], kRows);
  EXPECT_EQ(e["replaced_kept_as"], "_t_pre_restore");
  EXPECT_EQ(testkit::MustQueryValue(*admin_, "SELECT CONCAT(COUNT(*), ' ', SUM(v = 0), ' ', "
                                             "MAX(id)) FROM t"),
            fmt::format("{0} {0} {0}", kRows));
  EXPECT_EQ(testkit::MustQueryValue(*admin_, "SELECT COUNT(*) FROM _t_pre_restore WHERE v = 7 "
                                             "OR id >= 500000"),
            "102");
  // ids handed out since the snapshot are not handed out again.
  testkit::MustExecute(*admin_, "INSERT INTO t (id, v) VALUES (600000, 1)");
  EXPECT_EQ(testkit::MustQueryValue(*admin_, "SELECT n >= " + next_n + " FROM t WHERE id = 600000"),
            "1");

  // A second one would have to drop the kept table: refused until it is gone.
  auto kept = run({"restore", id, "--replace-table", "--execute"});
  EXPECT_EQ(kept.exit_code, kExitFailure) << kept.err;
  EXPECT_NE(kept.err.find("_t_pre_restore"), std::string::npos) << kept.err;
  testkit::MustExecute(*admin_, "DROP TABLE _t_pre_restore");

  testkit::MustExecute(*admin_, "CREATE TRIGGER t_bi BEFORE INSERT ON t FOR EACH ROW SET @x = 1");
  auto trig = run({"restore", id, "--replace-table", "--execute"});
  EXPECT_EQ(trig.exit_code, kExitFailure) << trig.err;
  EXPECT_NE(trig.err.find("triggers"), std::string::npos) << trig.err;
  EXPECT_EQ(testkit::MustQueryValue(*admin_, "SELECT COUNT(*) FROM t WHERE id = 600000"), "1");
  testkit::MustExecute(*admin_, "DROP TRIGGER t_bi");

  auto w = run({"snapshot", "--json", "--database", db_, "--table", "t", "--where", "id <= 10"});
  ASSERT_EQ(w.exit_code, kExitOk) << w.out << w.err;
  const std::string wid = std::to_string(ParseJson(w)["id"].get<uint64_t>());
  taken_.push_back(std::stoull(wid));
  auto where = run({"restore", wid, "--replace-table", "--execute"});
  EXPECT_EQ(where.exit_code, kExitFailure) << where.err;
  EXPECT_NE(where.err.find("WHERE"), std::string::npos) << where.err;
  EXPECT_EQ(testkit::MustQueryValue(*admin_, "SELECT COUNT(*) FROM t"), std::to_string(kRows + 1));
}

// alter --snapshot-column-data: a DROP COLUMN made natively (no old table kept) keeps the
// column's values with the key first; once the column is added back, restore sets them back in
// the rows still there (a row deleted since stays deleted). A failed alter keeps no snapshot.
TEST_F(SnapshotTest, ColumnDataSnapshotGivesADroppedColumnBack) {
  testkit::MustExecute(*admin_, "ALTER TABLE t ADD COLUMN note VARCHAR(20) CHARACTER SET latin1");
  testkit::MustExecute(*admin_, "UPDATE t SET note = CONCAT(_latin1 X'E9', id)");
  auto before = ParseJson(run({"snapshot", "list", "--json"})).size();
  // A value that does not fit the changed v stops this one after its snapshot was taken.
  testkit::MustExecute(*admin_, "UPDATE t SET v = 1000 WHERE id = 1");
  auto bad = run({"alter", "--database", db_, "--table", "t", "--alter",
                  "DROP COLUMN note, MODIFY v TINYINT NOT NULL", "--execute",
                  "--snapshot-column-data"});
  EXPECT_EQ(bad.exit_code, kExitFailure) << bad.err;
  EXPECT_NE(bad.err.find("keeping `note`"), std::string::npos) << bad.err;
  EXPECT_EQ(ParseJson(run({"snapshot", "list", "--json"})).size(), before);
  testkit::MustExecute(*admin_, "UPDATE t SET v = 0 WHERE id = 1");
  auto altered = run({"alter", "--database", db_, "--table", "t", "--alter", "DROP COLUMN note",
                      "--execute", "--snapshot-column-data", "--ok-to-drop-table"});
  ASSERT_EQ(altered.exit_code, kExitOk) << altered.err;
  const json listed = ParseJson(run({"snapshot", "list", "--json"}));
  ASSERT_EQ(listed.size(), before + 1) << listed.dump(2);
  const json& s = listed.back();
  taken_.push_back(s["id"].get<uint64_t>());
  EXPECT_EQ(s["rows"], kRows);
  const std::string id = std::to_string(s["id"].get<uint64_t>());
  EXPECT_NE(altered.out.find("in snapshot " + id), std::string::npos) << altered.out;

  testkit::MustExecute(*admin_, "DELETE FROM t WHERE id = 5");
  testkit::MustExecute(*admin_, "UPDATE t SET v = 42 WHERE id = 6");
  auto refused = run({"restore", id, "--execute"});
  EXPECT_EQ(refused.exit_code, kExitFailure) << "the column is not there yet";
  testkit::MustExecute(*admin_, "ALTER TABLE t ADD COLUMN note VARCHAR(20) CHARACTER SET latin1");
  auto restored = run({"restore", id, "--execute", "--json"});
  ASSERT_EQ(restored.exit_code, kExitOk) << restored.out << restored.err;
  const json r = ParseJson(restored);
  EXPECT_TRUE(r["column_snapshot"].get<bool>());
  EXPECT_EQ(r["deleted"], 1);
  EXPECT_EQ(r["written"], kRows - 1);
  EXPECT_EQ(r["remaining"], 0);
  EXPECT_EQ(testkit::MustQueryValue(
                *admin_, "SELECT COUNT(*) FROM t WHERE note = CONCAT(_latin1 X'E9', id)"),
            std::to_string(kRows - 1));
  EXPECT_EQ(testkit::MustQueryValue(*admin_, "SELECT COUNT(*) FROM t WHERE id = 5"), "0");
  EXPECT_EQ(testkit::MustQueryValue(*admin_, "SELECT v FROM t WHERE id = 6"), "42")
      << "a column the snapshot does not hold keeps its later writes";
  auto replace = run({"restore", id, "--replace-table", "--execute"});
  EXPECT_EQ(replace.exit_code, kExitFailure) << replace.err;
}

// The copy is throttled like alter's: while the flag file exists no row is copied, and once it
// is gone the snapshot completes, its heartbeat table dropped. A bad --max-load is refused.
TEST_F(SnapshotTest, CopyPausesWhileThrottled) {
  const std::string flag = fmt::format("/tmp/safeddl-snapshot-{}.throttle", ::getpid());
  { std::ofstream(flag) << "x"; }
  std::vector<std::string> args = {"snapshot", "--json", "--database", db_, "--table", "t",
                                   "--throttle-flag-file", flag};
  for (const std::string& a : Conn()) args.push_back(a);
  auto running = testkit::StartSafeddl(args);
  const std::string taking =
      "SELECT snapshot_table FROM _safeddl_snapshots.catalog WHERE state = 'taking' AND "
      "source_db = " + mysql::QuoteString(db_);
  ASSERT_TRUE(testkit::WaitFor([&] {
    return !running->Running() || !testkit::MustQueryValue(*admin_, taking).empty();
  })) << running->StderrSoFar();
  std::this_thread::sleep_for(std::chrono::seconds(2));
  ASSERT_TRUE(running->Running()) << running->StderrSoFar();
  const std::string table = testkit::MustQueryValue(*admin_, taking);
  EXPECT_EQ(testkit::MustQueryValue(*admin_, "SELECT COUNT(*) FROM _safeddl_snapshots." + Q(table)),
            "0");
  EXPECT_NE(running->StderrSoFar().find("throttled (flag file"), std::string::npos)
      << running->StderrSoFar();
  ::unlink(flag.c_str());
  auto done = running->Wait();
  ASSERT_EQ(done.exit_code, kExitOk) << done.err;
  const json j = ParseJson(done);
  taken_.push_back(j["id"].get<uint64_t>());
  EXPECT_EQ(j["rows"], kRows);
  EXPECT_EQ(testkit::MustQueryValue(*admin_,
                                    "SELECT COUNT(*) FROM information_schema.TABLES WHERE "
                                    "TABLE_SCHEMA = '_safeddl_snapshots' AND TABLE_NAME LIKE "
                                    "'h%\\_heartbeat'"),
            "0");
  EXPECT_EQ(run({"snapshot", "--database", db_, "--table", "t", "--max-load", "nonsense"})
                .exit_code,
            kExitUsage);
}

// A --where snapshot puts back only its rows; the others keep every later write. A changed
// definition is refused and nothing is written.
TEST_F(SnapshotTest, WhereRestoreLeavesOtherRowsAndChangedDefinitionIsRefused) {
  auto r = run({"snapshot", "--json", "--database", db_, "--table", "t", "--where", "id <= 100"});
  ASSERT_EQ(r.exit_code, kExitOk) << r.out << r.err;
  const std::string id = std::to_string(ParseJson(r)["id"].get<uint64_t>());
  taken_.push_back(std::stoull(id));
  testkit::MustExecute(*admin_, "UPDATE t SET v = 9");
  auto done = run({"restore", id, "--execute", "--json"});
  ASSERT_EQ(done.exit_code, kExitOk) << done.out << done.err;
  EXPECT_EQ(ParseJson(done)["changed"], 100) << done.out;
  EXPECT_EQ(testkit::MustQueryValue(*admin_, "SELECT COUNT(*) FROM t WHERE v = 0"), "100");
  EXPECT_EQ(testkit::MustQueryValue(*admin_, "SELECT COUNT(*) FROM t WHERE v = 9"),
            std::to_string(kRows - 100));

  testkit::MustExecute(*admin_, "UPDATE t SET v = 9");
  testkit::MustExecute(*admin_, "ALTER TABLE t MODIFY v VARCHAR(20) NOT NULL");
  auto refused = run({"restore", id, "--execute"});
  EXPECT_EQ(refused.exit_code, kExitFailure) << refused.out << refused.err;
  EXPECT_NE(refused.err.find("`v`"), std::string::npos) << refused.err;
  EXPECT_EQ(testkit::MustQueryValue(*admin_, "SELECT COUNT(*) FROM t WHERE v = '9'"),
            std::to_string(kRows));
}

// Point in time: a --where snapshot, good writes, a bad UPDATE without WHERE, more writes. Brought
// forward to just before the bad statement (by its GTID, then by a time), the snapshot's rows are
// as they were then; every other row keeps every later write, the bad one included.
TEST_F(SnapshotTest, PointInTimeRestoreUndoesOnlyTheBadStatement) {
  auto r = run({"snapshot", "--json", "--database", db_, "--table", "t", "--where", "id <= 100"});
  ASSERT_EQ(r.exit_code, kExitOk) << r.out << r.err;
  const std::string id = std::to_string(ParseJson(r)["id"].get<uint64_t>());
  taken_.push_back(std::stoull(id));
  // Good writes: inside the WHERE (updates, a delete, a row deleted and inserted again) and out.
  testkit::MustExecute(*admin_, "UPDATE t SET v = id WHERE id <= 50");
  testkit::MustExecute(*admin_, "UPDATE t SET v = -1 WHERE id BETWEEN 101 AND 120");
  testkit::MustExecute(*admin_, "DELETE FROM t WHERE id = 60");
  testkit::MustExecute(*admin_, "DELETE FROM t WHERE id = 70");
  testkit::MustExecute(*admin_, "INSERT INTO t VALUES (70, 70)");
  const std::string gtid = testkit::MustQueryValue(*admin_, "SELECT @@last_gtid");
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // the binlog counts seconds
  const std::string time = testkit::MustQueryValue(*admin_, "SELECT UTC_TIMESTAMP()");
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  testkit::MustExecute(*admin_, "UPDATE t SET v = 999");  // the bad statement
  testkit::MustExecute(*admin_, "UPDATE t SET v = 5 WHERE id BETWEEN 201 AND 210");

  const std::string as_before =
      "SELECT COUNT(*) FROM t WHERE id <= 100 AND v = IF(id <= 50 OR id = 70, id, 0)";
  auto check = [&](const std::string& until) {
    SCOPED_TRACE(until);
    auto dry = run({"restore", id, "--until", until, "--json"});
    ASSERT_EQ(dry.exit_code, kExitOk) << dry.out << dry.err;
    EXPECT_EQ(ParseJson(dry)["changed"], 99) << dry.out;
    auto done = run({"restore", id, "--until", until, "--execute", "--json"});
    ASSERT_EQ(done.exit_code, kExitOk) << done.out << done.err;
    EXPECT_EQ(ParseJson(done)["remaining"], 0) << done.out;
    EXPECT_EQ(testkit::MustQueryValue(*admin_, as_before), "99");
    EXPECT_EQ(testkit::MustQueryValue(*admin_, "SELECT COUNT(*) FROM t WHERE id = 60"), "0");
    EXPECT_EQ(testkit::MustQueryValue(*admin_, "SELECT COUNT(*) FROM t WHERE id > 100 AND v = 5"),
              "10");
    EXPECT_EQ(testkit::MustQueryValue(*admin_, "SELECT COUNT(*) FROM t WHERE id > 100 AND v = 999"),
              std::to_string(kRows - 110));
    // The working table is gone.
    EXPECT_EQ(testkit::MustQueryValue(
                  *admin_,
                  "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = "
                  "'_safeddl_snapshots' AND TABLE_NAME LIKE '%\\_at%'"),
              "0");
  };
  check(gtid);
  testkit::MustExecute(*admin_, "UPDATE t SET v = 999 WHERE id <= 100");  // bad again
  check(time);

  // A GTID the binlog does not hold after the snapshot: said, nothing written.
  auto missing = run({"restore", id, "--until", "0-1-999999999", "--execute"});
  EXPECT_EQ(missing.exit_code, kExitFailure) << missing.err;
  EXPECT_NE(missing.err.find("is not in the binlog"), std::string::npos) << missing.err;
  auto bad = run({"restore", id, "--until", "yesterday"});
  EXPECT_EQ(bad.exit_code, kExitUsage) << bad.err;
  EXPECT_NE(bad.err.find("neither a GTID"), std::string::npos) << bad.err;
}

// --to-file: a table with every kind of value (latin1 and utf8mb4 text, unsigned and signed
// integers at their ends, DECIMAL, FLOAT and DOUBLE whose own text loses digits, BIT, ENUM, SET,
// BINARY with its zero padding, BLOB bytes, temporal values, INET6, UUID, a point, a generated
// column, NULLs; rows enough for several reads and statements), written with --where and loaded
// into another database with the mariadb client: the same rows, value for value, and loading it
// again sets changed rows back. The copy on the server is gone; an existing file is refused.
TEST_F(SnapshotTest, ToFileLoadsBackTheSameValues) {
  testkit::MustExecute(
      *admin_,
      "CREATE TABLE kinds (id INT UNSIGNED NOT NULL PRIMARY KEY, l1 VARCHAR(20) CHARACTER SET "
      "latin1, u8 VARCHAR(20) CHARACTER SET utf8mb4, c CHAR(5) CHARACTER SET latin1, big BIGINT "
      "UNSIGNED, ti TINYINT, dc DECIMAL(30,10), f FLOAT, d DOUBLE, b BIT(10), e "
      "ENUM('red','green'), st SET('a','b'), bn BINARY(4), bl BLOB, dt DATETIME(6), ts "
      "TIMESTAMP(3) NULL, tm TIME, y YEAR, i6 INET6, uu UUID, pt POINT, gen INT AS (id * 2) "
      "VIRTUAL, j JSON) ENGINE=InnoDB");
  testkit::MustExecute(
      *admin_,
      "INSERT INTO kinds (id, l1, u8, c, big, ti, dc, f, d, b, e, st, bn, bl, dt, ts, tm, y, i6, "
      "uu, pt, j) VALUES (1, _latin1 X'E978', CONVERT(X'F09F9880C3BC' USING utf8mb4), 'ab', "
      "18446744073709551615, -128, 12345678901234567890.0123456789, 16777217, 0.1e0 + 0.2e0, "
      "b'1010101010', 'green', 'a,b', X'01000000', X'00FF27225C0A0D', "
      "'2026-01-02 03:04:05.123456', '2026-01-02 03:04:05.125', '-838:59:59', 2155, '::1', "
      "'123e4567-e89b-12d3-a456-426655440000', POINT(1.5, 2), '{\"k\": \"v\"}'), (2, '', '', "
      "'', 0, 127, -1, 3.40282e38, 1.7976931348623157e308, 0, 'red', '', X'', X'', "
      "'1000-01-01', '2000-01-01 00:00:00', '00:00:00', 1901, '2001:db8::ff00:42:8329', "
      "'00000000-0000-0000-0000-000000000000', POINT(0, 0), '[]'), (3, NULL, NULL, NULL, NULL, "
      "NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
      "NULL, NULL)");
  testkit::MustExecute(*admin_,
                       "INSERT INTO kinds (id, l1, f, d, bl) SELECT seq, CONCAT('r', seq), seq / "
                       "7, seq / 7e0, REPEAT(UNHEX(SHA2(seq, 256)), 40) FROM seq_4_to_3000");
  const std::string path = fmt::format("/tmp/safeddl-snapshot-{}.sql", ::getpid());
  ::unlink(path.c_str());
  auto r = run({"snapshot", "--json", "--database", db_, "--table", "kinds", "--where",
                "id <> 4", "--to-file", path});
  ASSERT_EQ(r.exit_code, kExitOk) << r.out << r.err;
  const json j = ParseJson(r);
  EXPECT_EQ(j["rows"], 2999);
  EXPECT_EQ(j["file"], path);
  EXPECT_FALSE(j.contains("id")) << "the copy on the server is not kept";
  std::ifstream in(path);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("-- safeddl-snapshot: "), std::string::npos);
  EXPECT_NE(text.find(j["binlog"]["file"].get<std::string>() + ":" +
                      std::to_string(j["binlog"]["position"].get<uint64_t>())),
            std::string::npos);
  EXPECT_GT(std::count(text.begin(), text.end(), ';'), 8) << "one statement for 7 MiB of rows";
  for (const json& s : ParseJson(run({"snapshot", "list", "--json"}))) {
    EXPECT_NE(s["source"]["table"], "kinds") << s.dump();
  }

  const std::string target = testkit::UniqueDatabase(*admin_, "snapload");
  const std::string load = fmt::format("mariadb --defaults-file={} {} < {}",
                                       testkit::Primary().client_config, target, path);
  std::vector<std::string> same;
  for (const char* c : {"l1", "u8", "c", "big", "ti", "dc", "f", "d", "b", "e", "st", "bn", "bl",
                        "dt", "ts", "tm", "y", "i6", "uu", "pt", "gen", "j"}) {
    same.push_back(fmt::format("a.{0} <=> b.{0}", c));
  }
  const std::string compare = fmt::format(
      "SELECT CONCAT((SELECT COUNT(*) FROM {0}.kinds a JOIN {1}.kinds b ON a.id = b.id AND {2}), "
      "' same of ', (SELECT COUNT(*) FROM {1}.kinds))",
      Q(db_), Q(target), JoinStrings(same, " AND "));
  ASSERT_EQ(std::system(load.c_str()), 0) << load;
  EXPECT_EQ(testkit::MustQueryValue(*admin_, compare), "2999 same of 2999");
  EXPECT_EQ(testkit::MustQueryValue(*admin_, "SELECT COUNT(*) FROM " + Q(target) +
                                                 ".kinds WHERE id = 4"),
            "0");
  // Loaded again over changed rows: they are set back, a row deleted comes back.
  testkit::MustExecute(*admin_, "UPDATE " + Q(target) + ".kinds SET l1 = 'changed', f = 0 "
                                "WHERE id IN (1, 5)");
  testkit::MustExecute(*admin_, "DELETE FROM " + Q(target) + ".kinds WHERE id = 2");
  ASSERT_EQ(std::system(load.c_str()), 0) << load;
  EXPECT_EQ(testkit::MustQueryValue(*admin_, compare), "2999 same of 2999");

  auto again = run({"snapshot", "--database", db_, "--table", "kinds", "--to-file", path});
  EXPECT_EQ(again.exit_code, kExitFailure) << again.err;
  EXPECT_NE(again.err.find("exists"), std::string::npos) << again.err;
  testkit::MustExecute(*admin_, "DROP DATABASE " + Q(target));
  ::unlink(path.c_str());
}

}  // namespace
}  // namespace safeddl::cli
