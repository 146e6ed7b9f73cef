// `safeddl replica` against the fixture's replica, and the way back from a bad DELETE through a
// delayed replica: the replica kept an hour behind, the DELETE, later writes, `replica
// stop-before --datetime` (the first transaction after a time, found in the primary's binlog),
// `snapshot --from-replica` on the primary and `restore --skip-gtid`: the deleted rows are back,
// every later write is kept, and once replication goes on the replica equals the primary.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "mysql/quote.h"
#include "testkit/testkit.h"

namespace safeddl::cli {
namespace {

using nlohmann::json;

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 64;

std::string Q(const std::string& id) { return mysql::QuoteIdentifier(id).value(); }

std::vector<std::string> OnReplica(std::vector<std::string> args) {
  args.push_back("--defaults-file=" + testkit::Replica(1).client_config);
  return args;
}
std::vector<std::string> OnPrimary(std::vector<std::string> args) {
  args.push_back("--defaults-file=" + testkit::Primary().client_config);
  return args;
}

using Rows = std::map<long long, long long>;  // id -> v

Rows ReadRows(mysql::Connection& conn, const std::string& table) {
  Rows rows;
  auto rs = conn.Query("SELECT id, v FROM " + table + " ORDER BY id");
  EXPECT_TRUE(rs.ok()) << rs.status().ToString();
  if (!rs.ok()) return rows;
  for (const mysql::Row& r : rs->rows()) {
    rows[std::stoll(r[0].value_or("0"))] = std::stoll(r[1].value_or("0"));
  }
  return rows;
}

class ReplicaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    admin_ = testkit::ConnectPrimary();
    replica_ = testkit::Connect(testkit::OptionsFor(testkit::Replica(1)));
    ASSERT_TRUE(admin_ && replica_);
    db_ = testkit::UniqueDatabase(*admin_, "rdelay");
    table_ = Q(db_) + ".t";
    testkit::MustExecute(*admin_, fmt::format("CREATE TABLE {} (id INT NOT NULL PRIMARY KEY, "
                                              "v INT NOT NULL) ENGINE=InnoDB",
                                              table_));
    testkit::MustExecute(*admin_, fmt::format("INSERT INTO {} SELECT seq, seq FROM {}.seq_1_to_100",
                                              table_, Q(db_)));
    ASSERT_TRUE(testkit::WaitForReplica(1));
  }
  void TearDown() override {
    // The fixture's replica goes back to replicating, undelayed, whatever the test left.
    testkit::RunSafeddl(OnReplica({"replica", "delay", "--seconds", "0"}));
    testkit::RunSafeddl(OnReplica({"replica", "start"}));
    if (admin_) {
      testkit::MustExecute(*admin_, "DROP DATABASE IF EXISTS " + Q(db_));
      testkit::WaitForReplica(1);
    }
  }

  std::unique_ptr<mysql::Connection> admin_, replica_;
  std::string db_, table_;
};

TEST_F(ReplicaTest, DelayedReplicaGivesBackWhatABadDeleteTook) {
  testkit::CommandResult delay =
      testkit::RunSafeddl(OnReplica({"replica", "delay", "--seconds", "3600", "--json"}));
  ASSERT_EQ(delay.exit_code, kExitOk) << delay.err;
  EXPECT_EQ(testkit::ParseJson(delay).value("delay", 0), 3600) << delay.out;
  testkit::CommandResult check =
      testkit::RunSafeddl({"check", "--defaults-file=" + testkit::Replica(1).client_config});
  EXPECT_NE(check.out.find("delayed by 3600 s (MASTER_DELAY)"), std::string::npos) << check.out;

  // Before: a write the replica has not applied yet (it is an hour behind).
  testkit::MustExecute(*admin_, fmt::format("UPDATE {} SET v = 111 WHERE id = 1", table_));
  const std::string before_bad = testkit::MustQueryValue(*admin_, "SELECT UTC_TIMESTAMP()");
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  // The bad DELETE, then the application goes on: one deleted key even comes back.
  testkit::MustExecute(*admin_, fmt::format("DELETE FROM {} WHERE id <= 50", table_));
  const std::string bad = testkit::MustQueryValue(*admin_, "SELECT @@last_gtid");
  testkit::MustExecute(*admin_, fmt::format("INSERT INTO {} VALUES (1001, 1001)", table_));
  testkit::MustExecute(*admin_, fmt::format("UPDATE {} SET v = 600 WHERE id = 60", table_));
  testkit::MustExecute(*admin_, fmt::format("DELETE FROM {} WHERE id = 70", table_));
  testkit::MustExecute(*admin_, fmt::format("INSERT INTO {} VALUES (5, -5)", table_));
  Rows expected;
  for (long long id = 1; id <= 100; ++id) expected[id] = id;
  expected[1] = 111;
  expected[1001] = 1001;
  expected[60] = 600;
  expected.erase(70);
  expected[5] = -5;

  // Too late for a transaction the replica has applied: refused, nothing changed.
  const std::string applied = testkit::MustQueryValue(*replica_, "SELECT @@GLOBAL.gtid_slave_pos");
  testkit::CommandResult late =
      testkit::RunSafeddl(OnReplica({"replica", "stop-before", "--gtid", applied}));
  EXPECT_EQ(late.exit_code, kExitFailure);
  EXPECT_NE(late.err.find("too late"), std::string::npos) << late.err;
  // A snapshot from a replica that is still replicating would copy moving rows: refused.
  testkit::CommandResult moving = testkit::RunSafeddl(
      OnPrimary({"snapshot", "--database", db_, "--table", "t", "--from-replica",
                 fmt::format("127.0.0.1:{}", testkit::Replica(1).port)}));
  EXPECT_EQ(moving.exit_code, kExitFailure);
  EXPECT_NE(moving.err.find("SQL thread is running"), std::string::npos) << moving.err;

  testkit::CommandResult stop = testkit::RunSafeddl(
      OnReplica({"replica", "stop-before", "--datetime", before_bad, "--wait", "2m", "--json"}));
  ASSERT_EQ(stop.exit_code, kExitOk) << stop.out << stop.err;
  json s = testkit::ParseJson(stop);
  EXPECT_EQ(s.value("stopped_before", ""), bad) << stop.out;
  EXPECT_EQ(s.value("delay", 0), 3600) << stop.out;
  // The replica holds the table as it was just before the DELETE, and keeps its delay.
  Rows before = ReadRows(*replica_, table_);
  EXPECT_EQ(before.size(), 100u);
  EXPECT_EQ(before[1], 111);
  EXPECT_EQ(testkit::ParseJson(testkit::RunSafeddl(OnReplica({"replica", "status", "--json"})))
                .value("delay", 0),
            3600);

  testkit::CommandResult snap = testkit::RunSafeddl(
      OnPrimary({"snapshot", "--database", db_, "--table", "t", "--from-replica",
                 fmt::format("127.0.0.1:{}", testkit::Replica(1).port), "--json"}));
  ASSERT_EQ(snap.exit_code, kExitOk) << snap.out << snap.err;
  json j = testkit::ParseJson(snap);
  EXPECT_EQ(j.value("rows", 0), 100) << snap.out;
  EXPECT_EQ(j.value("next_gtid", ""), bad) << snap.out;
  const std::string id = std::to_string(j.value("id", 0));

  testkit::CommandResult restore =
      testkit::RunSafeddl(OnPrimary({"restore", id, "--skip-gtid", bad, "--execute", "--json"}));
  ASSERT_EQ(restore.exit_code, kExitOk) << restore.out << restore.err;
  EXPECT_EQ(ReadRows(*admin_, table_), expected);

  // Replication goes on: the replica applies the DELETE, the later writes and the restore.
  ASSERT_EQ(testkit::RunSafeddl(OnReplica({"replica", "delay", "--seconds", "0"})).exit_code,
            kExitOk);
  ASSERT_EQ(testkit::RunSafeddl(OnReplica({"replica", "start"})).exit_code, kExitOk);
  ASSERT_TRUE(testkit::WaitForReplica(1));
  EXPECT_EQ(ReadRows(*replica_, table_), expected);
  testkit::RunSafeddl(OnPrimary({"snapshot", "drop", id}));
}

TEST_F(ReplicaTest, SkipGtidOfAnOrdinarySnapshotUndoesOneTransaction) {
  testkit::CommandResult snap =
      testkit::RunSafeddl(OnPrimary({"snapshot", "--database", db_, "--table", "t", "--json"}));
  ASSERT_EQ(snap.exit_code, kExitOk) << snap.err;
  const std::string id = std::to_string(testkit::ParseJson(snap).value("id", 0));
  testkit::MustExecute(*admin_, fmt::format("UPDATE {} SET v = 0", table_));
  const std::string bad = testkit::MustQueryValue(*admin_, "SELECT @@last_gtid");
  testkit::MustExecute(*admin_, fmt::format("UPDATE {} SET v = 77 WHERE id = 7", table_));
  testkit::MustExecute(*admin_, fmt::format("INSERT INTO {} VALUES (500, 500)", table_));
  Rows expected;
  for (long long id = 1; id <= 100; ++id) expected[id] = id;
  expected[7] = 77;
  expected[500] = 500;

  // Not a GTID at all: a usage error, before anything is read.
  testkit::CommandResult malformed =
      testkit::RunSafeddl(OnPrimary({"restore", id, "--skip-gtid", "0-x-1", "--execute"}));
  EXPECT_EQ(malformed.exit_code, kExitUsage);
  EXPECT_NE(malformed.err.find("--skip-gtid: '0-x-1' is not a MariaDB GTID"), std::string::npos)
      << malformed.err;
  // A GTID that is not in the stretch is refused: nothing would be left out.
  testkit::CommandResult wrong =
      testkit::RunSafeddl(OnPrimary({"restore", id, "--skip-gtid", "0-1-999999999", "--execute"}));
  EXPECT_EQ(wrong.exit_code, kExitFailure);
  EXPECT_NE(wrong.err.find("is not in the binlog"), std::string::npos) << wrong.err;

  testkit::CommandResult restore =
      testkit::RunSafeddl(OnPrimary({"restore", id, "--skip-gtid", bad, "--execute"}));
  ASSERT_EQ(restore.exit_code, kExitOk) << restore.out << restore.err;
  EXPECT_EQ(ReadRows(*admin_, table_), expected);
  testkit::RunSafeddl(OnPrimary({"snapshot", "drop", id}));
}

}  // namespace
}  // namespace safeddl::cli
