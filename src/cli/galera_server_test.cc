// Galera, on three-node clusters of its own (`safeddl sandbox up --galera 3`, friendly and stock):
// - the sandbox: every node Synced in one Primary component, a write on one node read on the
//   others; `check` knows the node is Galera's, asks every node, and says alter is ready only
//   through --galera-method toi;
// - `alter --galera-method toi`: an INSTANT change under writes on two nodes gives every node the
//   same definition and keeps every committed row; a LOCK TABLES READ held on another node, a
//   transaction holding the table open, or a desynced node makes it refuse within --max-wait,
//   naming the node, with no DDL issued (wsrep_last_committed unchanged); a lock released
//   within --max-wait lets it go on; a node whose applier fails the change (Galera goes on) is
//   named at once; a plain alter on a Galera node is refused.
// - `alter --galera-method rsu`: an index added under writes on all three nodes, one node
//   desynced at a time, every node Synced after with the same definition and checksum; ADD COLUMN
//   refused with nothing changed; a node killed during the rollout stops it, the rest of the
//   cluster stays Primary and the error names the node (which `sandbox up` then brings back).
// - `unblock` on a node where a TOI change from another node waits behind LOCK TABLES: the change
//   is explained (total order, cannot be killed, the cluster waits), the holder named, and the
//   primary/replica fallbacks left out; a BF abort is counted by unblock and reported by watch.
// - `alter --galera-method online`: with wsrep_max_ws_rows=500 under writes on two nodes, no
//   chunk is refused and every node holds exactly the rows the writers committed; node3 held by
//   LOCK TABLES makes the copy pause naming it, and it resumes; SIGINT, or a transaction on node3
//   keeping the swap from being issued, stops it before the swap with the table as it was (the
//   error says what is left, which --initially-drop-ghost-table clears); a row in the ghost the
//   original does not have is found by the checksum and its range copied again; a node whose
//   applier did not take a capture trigger is found, and the triggers are created again before
//   the copy, with no update lost; the dry run creates nothing; leftover and foreign triggers are
//   refused.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/strings.h"
#include "mysql/quote.h"
#include "schema/introspect.h"
#include "testkit/testkit.h"

namespace safeddl::cli {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr int kExitOk = 0;

struct GaleraNode {
  std::string name;
  unsigned port = 0;
  std::string config;  // its client.cnf
  int pid = 0;
};

struct TestCluster {
  std::string root;
  std::vector<GaleraNode> nodes;
};

std::unique_ptr<mysql::Connection> Open(const GaleraNode& n) {
  mysql::ConnectOptions o;
  o.defaults_file = n.config;
  return testkit::Connect(o);
}

std::string Value(mysql::Connection& c, const std::string& sql) {
  return testkit::MustQueryValue(c, sql);
}

std::string Checksum(mysql::Connection& c, const std::string& table) {
  auto rs = c.Query("CHECKSUM TABLE " + table);
  return rs.ok() && !rs->empty() ? (*rs)[0][1].value_or("NULL") : "?";
}

double SecondsSince(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

class GaleraTest : public ::testing::TestWithParam<bool> {
 protected:
  static std::map<bool, TestCluster>& Clusters() {
    static std::map<bool, TestCluster> clusters;
    return clusters;
  }
  static void TearDownTestSuite() {
    for (auto& [stock, c] : Clusters()) {
      testkit::RunSafeddl({"sandbox", "down", "--name", "g", "--dir", c.root});
      std::filesystem::remove_all(c.root);
    }
    Clusters().clear();
  }

  void SetUp() override {
    const bool stock = GetParam();
    auto it = Clusters().find(stock);
    if (it == Clusters().end()) {
      TestCluster c;
      c.root = fmt::format("/tmp/safeddl-galera-{}-{}", ::getpid(), stock ? "stock" : "full");
      std::filesystem::remove_all(c.root);
      std::vector<std::string> args = {"sandbox", "up",       "--name", "g",     "--dir",
                                       c.root,    "--galera", "3",      "--json"};
      if (stock) args.push_back("--stock");
      const auto start = Clock::now();
      testkit::CommandResult r = testkit::RunSafeddl(args);
      ASSERT_EQ(r.exit_code, kExitOk) << r.err;
      json j = testkit::ParseJson(r);
      EXPECT_TRUE(j.value("galera", false));
      for (const json& s : j["servers"]) {
        c.nodes.push_back({s.value("role", ""), s.value("port", 0u), s.value("defaults_file", ""),
                           s.value("pid", 0)});
      }
      ASSERT_EQ(c.nodes.size(), 3u);
      fmt::print(stderr, "three-node cluster ({}) up in {:.1f} s\n", stock ? "stock" : "friendly",
                 SecondsSince(start));
      it = Clusters().emplace(stock, std::move(c)).first;
    }
    cluster_ = &it->second;
    for (const GaleraNode& n : cluster_->nodes) {
      conns_.push_back(Open(n));
      ASSERT_NE(conns_.back(), nullptr);
    }
    db_ = fmt::format("g_{}", ++counter_);
    testkit::MustExecute(*conns_[0], fmt::format("DROP DATABASE IF EXISTS `{}`", db_));
    testkit::MustExecute(*conns_[0], fmt::format("CREATE DATABASE `{}`", db_));
    testkit::MustExecute(*conns_[0],
                         fmt::format("CREATE TABLE `{}`.t (id INT AUTO_INCREMENT PRIMARY KEY, "
                                     "node VARCHAR(8) NOT NULL, v INT NOT NULL)",
                                     db_));
    for (int i = 0; i < 20; ++i) {
      testkit::MustExecute(
          *conns_[0], fmt::format("INSERT INTO `{}`.t (node, v) VALUES ('node1', {})", db_, i));
    }
  }
  void TearDown() override {
    if (!conns_.empty() && conns_[0]) {
      conns_[0]->Execute(fmt::format("DROP DATABASE IF EXISTS `{}`", db_)).IgnoreError();
    }
  }

  const GaleraNode& Node(int i) const { return cluster_->nodes[i]; }
  std::string Table() const { return fmt::format("`{}`.t", db_); }

  testkit::CommandResult AlterTable(const std::string& table, const std::string& alter,
                                    std::vector<std::string> extra, int via = 0) {
    std::vector<std::string> args = {"alter",      "--defaults-file=" + Node(via).config,
                                     "--database", db_,
                                     "--table",    table,
                                     "--alter",    alter};
    args.insert(args.end(), extra.begin(), extra.end());
    return testkit::RunSafeddl(args);
  }
  testkit::CommandResult Alter(const std::string& alter, std::vector<std::string> extra,
                               int via = 0) {
    return AlterTable("t", alter, std::move(extra), via);
  }
  // The table's definition on one node, without the AUTO_INCREMENT=n counter: each node has its
  // own (auto_increment_offset).
  std::string Definition(int node, const std::string& table = "t") {
    Result<std::string> d =
        schema::TableDefinition(*conns_[node], fmt::format("`{}`.`{}`", db_, table));
    return d.ok() ? *d : "?";
  }
  std::vector<std::string> Definitions() {
    std::vector<std::string> out;
    for (size_t n = 0; n < conns_.size(); ++n) out.push_back(Definition(static_cast<int>(n)));
    return out;
  }
  // The writes this node has committed from the cluster, its own and the others'.
  long long LastCommitted(int i) {
    return std::stoll(Value(*conns_[i],
                            "SELECT VARIABLE_VALUE FROM information_schema."
                            "GLOBAL_STATUS WHERE VARIABLE_NAME = "
                            "'WSREP_LAST_COMMITTED'"));
  }
  // Expect a refusal within about `max_wait` seconds that names `who` and `what`, with no DDL
  // issued anywhere.
  void ExpectRefused(const std::string& max_wait_flag, double max_wait, const std::string& who,
                     const std::string& what) {
    const std::vector<std::string> before = Definitions();
    const long long committed = LastCommitted(0);
    const auto start = Clock::now();
    testkit::CommandResult r =
        Alter("ADD COLUMN c INT", {"--galera-method", "toi", "--execute", max_wait_flag});
    const double took = SecondsSince(start);
    EXPECT_NE(r.exit_code, kExitOk) << r.out;
    EXPECT_NE(r.err.find("not issuing the TOI change"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(who), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(what), std::string::npos) << r.err;
    EXPECT_GE(took, max_wait - 0.2);
    EXPECT_LT(took, max_wait + 5) << "refused only after " << took << " s";
    EXPECT_EQ(Definitions(), before);
    EXPECT_EQ(LastCommitted(0), committed) << "something was replicated: the DDL was issued";
  }

  std::string State(int i) {
    return Value(*conns_[i],
                 "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE "
                 "VARIABLE_NAME = 'WSREP_LOCAL_STATE_COMMENT'");
  }
  // A table `big` of `rows` rows (made on node1, replicated).
  void MakeBig(int rows) {
    testkit::MustExecute(*conns_[0], fmt::format("CREATE TABLE `{}`.big (id INT AUTO_INCREMENT "
                                                 "PRIMARY KEY, v INT NOT NULL, s VARCHAR(80))",
                                                 db_));
    for (int done = 0; done < rows; done += 50000) {
      testkit::MustExecute(
          *conns_[0], fmt::format("INSERT INTO `{}`.big (v, s) SELECT seq % 1000, REPEAT('x', 60) "
                                  "FROM `{}`.seq_{}_to_{}",
                                  db_, db_, done + 1, std::min(rows, done + 50000)));
    }
  }
  // Triggers in the test's database on node `n`. A read of the trigger list while the node
  // applies a trigger's CREATE or DROP in total order is aborted by the applier (1213): read again.
  std::string TriggerCount(int n) {
    const std::string sql =
        "SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = " +
        mysql::QuoteString(db_);
    for (int attempt = 1;; ++attempt) {
      auto rs = conns_[n]->Query(sql);
      if (rs.ok() && rs->size() == 1 && rs->rows()[0][0]) return *rs->rows()[0][0];
      if (rs.ok() || !rs.status().IsRetryable() || attempt == 50) {
        ADD_FAILURE() << "counting triggers on " << Node(n).name << ": "
                      << (rs.ok() ? std::string("no row") : rs.status().ToString());
        return "";
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  // What a run stopped before the swap leaves, seen on every node: `big` defined as
  // `definition`, no trigger, and no table but `big` and `t` (no ghost, no old table).
  void ExpectBigAsItWasOnEveryNode(const std::string& definition) {
    for (int n = 0; n < 3; ++n) {
      SCOPED_TRACE(Node(n).name);
      testkit::MustExecute(*conns_[n], "SET SESSION wsrep_sync_wait = 1");
      EXPECT_EQ(Definition(n, "big"), definition);
      EXPECT_EQ(Value(*conns_[n],
                      "SELECT GROUP_CONCAT(TABLE_NAME ORDER BY TABLE_NAME) FROM "
                      "information_schema.TABLES WHERE TABLE_SCHEMA = " +
                          mysql::QuoteString(db_)),
                "big,t");
      EXPECT_EQ(TriggerCount(n), "0");
    }
  }
  // `safeddl alter --galera-method online` of `big` through node1, started with a postpone flag
  // file and returned once its copy is done and it waits for the file (PostponeFlag()).
  std::unique_ptr<testkit::RunningSafeddl> StartPostponedOnlineAlter(
      const std::string& alter, std::vector<std::string> extra = {}) {
    std::ofstream(PostponeFlag()).put('\n');
    std::vector<std::string> args = {"alter",           "--defaults-file=" + Node(0).config,
                                     "--database",      db_,
                                     "--table",         "big",
                                     "--alter",         alter,
                                     "--galera-method", "online",
                                     "--execute",       "--postpone-cut-over-flag-file",
                                     PostponeFlag()};
    args.insert(args.end(), extra.begin(), extra.end());
    std::unique_ptr<testkit::RunningSafeddl> run = testkit::StartSafeddl(args);
    EXPECT_TRUE(testkit::WaitFor(
        [&] { return run->StderrSoFar().find("swap postponed") != std::string::npos; },
        std::chrono::seconds(60)))
        << run->StderrSoFar();
    return run;
  }
  std::string PostponeFlag() const { return cluster_->root + "/postpone"; }
  TestCluster* cluster_ = nullptr;
  std::vector<std::unique_ptr<mysql::Connection>> conns_;
  std::string db_;
  static inline int counter_ = 0;
};

TEST_P(GaleraTest, SandboxIsOneSyncedClusterAndCheckAsksEveryNode) {
  for (auto& c : conns_) {
    EXPECT_EQ(Value(*c,
                    "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE "
                    "VARIABLE_NAME = 'WSREP_LOCAL_STATE_COMMENT'"),
              "Synced");
    EXPECT_EQ(Value(*c,
                    "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE "
                    "VARIABLE_NAME = 'WSREP_CLUSTER_SIZE'"),
              "3");
    EXPECT_EQ(Value(*c, "SELECT COUNT(*) FROM " + Table()), "20");
  }
  EXPECT_EQ(Value(*conns_[0], "SELECT @@binlog_row_metadata"), GetParam() ? "NO_LOG" : "FULL");

  testkit::CommandResult r =
      testkit::RunSafeddl({"check", "--defaults-file=" + Node(1).config, "--json"});
  json j = testkit::ParseJson(r);
  EXPECT_EQ(j["galera"]["this_node"].value("node_name", ""), "node2");
  EXPECT_EQ(j["galera"]["this_node"].value("cluster_size", 0), 3);
  ASSERT_EQ(j["galera"]["nodes"].size(), 3u) << j.dump(2);
  std::set<std::string> names;
  for (const json& n : j["galera"]["nodes"]) {
    EXPECT_EQ(n.value("local_state", ""), "Synced");
    EXPECT_EQ(n.value("cluster_status", ""), "Primary");
    EXPECT_EQ(n.value("osu_method", ""), "TOI");
    names.insert(n.value("node_name", ""));
  }
  EXPECT_EQ(names, (std::set<std::string>{"node1", "node2", "node3"}));
  bool advice = false;
  for (const json& f : j["findings"]) {
    if (f.value("item", "") == "online copy on Galera") {
      advice = f.value("found", "").find("--galera-method online") != std::string::npos &&
               f.value("status", "") == "ok";
    }
  }
  EXPECT_TRUE(advice) << j.dump(2);

  // A plain alter is refused on a Galera node, before anything changes.
  const std::vector<std::string> before = Definitions();
  r = Alter("ADD COLUMN c INT", {"--execute"});
  EXPECT_NE(r.exit_code, kExitOk);
  EXPECT_NE(r.err.find("is a Galera node of cluster"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--galera-method online"), std::string::npos) << r.err;
  EXPECT_EQ(Definitions(), before);
}

TEST_P(GaleraTest, ToiInstantChangeUnderWritesGivesEveryNodeTheSameDefinition) {
  // Writers on node2 and node3, committing small transactions; a transaction that TOI aborts
  // (deadlock) is retried, so every committed row must be on every node afterwards.
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::vector<std::string> committed;
  std::atomic<int> aborted{0};
  std::vector<std::thread> writers;
  for (int w = 1; w <= 2; ++w) {
    writers.emplace_back([&, w] {
      auto conn = Open(Node(w));
      if (!conn) return;
      for (int i = 0; !stop; ++i) {
        const std::string tag = fmt::format("w{}-{}", w, i);
        Status s = conn->Execute(fmt::format("INSERT INTO {} (node, v) VALUES ('{}', {})", Table(),
                                             Node(w).name, 1000 * w + i));
        if (s.ok()) {
          std::lock_guard<std::mutex> lock(mu);
          committed.push_back(fmt::format("{}:{}", Node(w).name, 1000 * w + i));
        } else {
          ++aborted;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  testkit::CommandResult r = Alter("ADD COLUMN c INT NOT NULL DEFAULT 7",
                                   {"--galera-method", "toi", "--execute", "--json"});
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  stop = true;
  for (auto& t : writers) t.join();
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  json j = testkit::ParseJson(r);
  EXPECT_TRUE(j.value("executed", false));
  EXPECT_EQ(j["nodes"].size(), 3u);
  EXPECT_GE(j.value("check_rounds", 0), 1);

  const std::vector<std::string> defs = Definitions();
  EXPECT_NE(defs[0].find("`c` int(11) NOT NULL DEFAULT 7"), std::string::npos) << defs[0];
  EXPECT_EQ(defs[1], defs[0]);
  EXPECT_EQ(defs[2], defs[0]);
  ASSERT_GT(committed.size(), 20u);
  // Every node holds exactly the rows the writers saw committed, and the same checksum.
  std::set<std::string> expected(committed.begin(), committed.end());
  const std::string checksum = Checksum(*conns_[0], Table());
  for (size_t n = 0; n < conns_.size(); ++n) {
    auto rs = conns_[n]->Query(fmt::format(
        "SELECT CONCAT(node, ':', v) FROM {} WHERE node <> 'node1' ORDER BY id", Table()));
    ASSERT_TRUE(rs.ok());
    std::set<std::string> seen;
    for (const mysql::Row& row : rs->rows()) seen.insert(row[0].value_or(""));
    EXPECT_EQ(seen, expected) << Node(n).name;
    EXPECT_EQ(Checksum(*conns_[n], Table()), checksum) << Node(n).name;
    EXPECT_EQ(Value(*conns_[n], "SELECT COUNT(*) FROM " + Table() + " WHERE c <> 7"), "0");
  }
  fmt::print(stderr, "TOI under writes: {} rows committed, {} aborted and retried\n",
             committed.size(), aborted.load());
}

TEST_P(GaleraTest, ToiChangeANodeFailedToApplyIsNamedAtOnce) {
  // node2 holds, on its own, an index of the name the change adds: its applier fails the ALTER
  // ("Duplicate key name"), Galera logs it and goes on, and node2's table differs from the rest.
  auto local = Open(Node(1));
  testkit::MustExecute(*local, "SET SESSION wsrep_sync_wait = 1");
  testkit::MustExecute(*local, "SELECT COUNT(*) FROM " + Table());
  testkit::MustExecute(*local, "SET SESSION wsrep_on = OFF");
  testkit::MustExecute(*local, "ALTER TABLE " + Table() + " ADD INDEX k_v (node)");
  local.reset();
  const auto start = Clock::now();
  testkit::CommandResult r = Alter("ADD INDEX k_v (v)", {"--galera-method", "toi", "--execute"});
  const double took = SecondsSince(start);
  EXPECT_NE(r.exit_code, kExitOk) << r.out;
  EXPECT_NE(r.err.find("node2"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("its applier failed the DDL"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Ignoring error"), std::string::npos) << r.err;
  EXPECT_LT(took, 30) << "named only after " << took << " s";
  EXPECT_NE(Definition(0, "t").find("KEY `k_v` (`v`)"), std::string::npos);
  EXPECT_NE(Definition(1, "t").find("KEY `k_v` (`node`)"), std::string::npos);
}

TEST_P(GaleraTest, LockTablesOnAnotherNodeIsRefusedWithinMaxWait) {
  auto holder = Open(Node(1));
  testkit::MustExecute(*holder, "LOCK TABLES " + Table() + " READ");
  ExpectRefused("--max-wait=2s", 2.0, "node2", "LOCK TABLES");
  // The holder was left alone: it still holds its lock.
  EXPECT_EQ(Value(*holder, "SELECT COUNT(*) FROM " + Table()), "20");
  testkit::MustExecute(*holder, "UNLOCK TABLES");
}

TEST_P(GaleraTest, GlobalReadLockIsRefused) {
  auto holder = Open(Node(2));
  testkit::MustExecute(*holder, "FLUSH TABLES WITH READ LOCK");
  ExpectRefused("--max-wait=1s", 1.0, "node3", "FLUSH TABLES WITH READ LOCK");
  testkit::MustExecute(*holder, "UNLOCK TABLES");
}

TEST_P(GaleraTest, LongTransactionHoldingTheTableIsRefused) {
  auto holder = Open(Node(2));
  testkit::MustExecute(*holder, "BEGIN");
  Value(*holder, "SELECT COUNT(*) FROM " + Table());
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  const std::string id = Value(*holder, "SELECT CONNECTION_ID()");
  ExpectRefused("--max-wait=1s", 1.0, "node3", "session " + id);
  testkit::MustExecute(*holder, "COMMIT");
}

TEST_P(GaleraTest, DesyncedNodeIsRefused) {
  testkit::MustExecute(*conns_[2], "SET GLOBAL wsrep_desync = ON");
  ExpectRefused("--max-wait=1s", 1.0, "node3", "desynced");
  testkit::MustExecute(*conns_[2], "SET GLOBAL wsrep_desync = OFF");
  // Synced again before the next test.
  for (int i = 0; i < 100; ++i) {
    if (Value(*conns_[2],
              "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE "
              "VARIABLE_NAME = 'WSREP_LOCAL_STATE_COMMENT'") == "Synced") {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

TEST_P(GaleraTest, LockReleasedWithinMaxWaitLetsTheChangeGoOn) {
  auto holder = Open(Node(2));
  testkit::MustExecute(*holder, "LOCK TABLES " + Table() + " READ");
  std::thread release([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    testkit::MustExecute(*holder, "UNLOCK TABLES");
  });
  const auto start = Clock::now();
  testkit::CommandResult r = Alter("ADD INDEX v_idx (v)", {"--galera-method", "toi", "--execute",
                                                           "--max-wait", "20s", "--json"});
  const double took = SecondsSince(start);
  release.join();
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_GE(took, 1.4);
  EXPECT_NE(r.err.find("the TOI change waits"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("node3"), std::string::npos) << r.err;
  json j = testkit::ParseJson(r);
  EXPECT_GT(j.value("check_rounds", 0), 1);
  const std::vector<std::string> defs = Definitions();
  EXPECT_NE(defs[0].find("KEY `v_idx` (`v`)"), std::string::npos) << defs[0];
  EXPECT_EQ(defs[1], defs[0]);
  EXPECT_EQ(defs[2], defs[0]);
}

TEST_P(GaleraTest, DryRunAndAMissingTableChangeNothing) {
  const std::vector<std::string> before = Definitions();
  const long long committed = LastCommitted(0);
  testkit::CommandResult r = Alter("ADD COLUMN c INT", {"--galera-method", "toi"}, /*via=*/1);
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_NE(r.out.find("dry run"), std::string::npos) << r.out;
  // A table that is not there: one line, and nothing issued either way.
  for (const std::string method : {"toi", "rsu"}) {
    r = AlterTable("nosuch", "ADD INDEX (v)", {"--galera-method", method, "--execute"});
    EXPECT_EQ(r.exit_code, 1) << method << ": " << r.err;
    EXPECT_NE(r.err.find("does not exist"), std::string::npos) << method << ": " << r.err;
  }
  EXPECT_EQ(Definitions(), before);
  EXPECT_EQ(LastCommitted(0), committed);
}

TEST_P(GaleraTest, RsuAddsAnIndexNodeByNodeUnderWritesOnEveryNode) {
  MakeBig(100000);
  std::atomic<bool> stop{false};
  std::atomic<int> writes{0}, failed{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < 3; ++w) {
    writers.emplace_back([&, w] {
      auto conn = Open(Node(w));
      if (!conn) return;
      for (int i = 0; !stop; ++i) {
        Status st =
            conn->Execute(i % 2 == 0 ? fmt::format("INSERT INTO `{}`.big (v, s) VALUES ({}, 'w{}')",
                                                   db_, i % 1000, w)
                                     : fmt::format("UPDATE `{}`.big SET v = v + 1 WHERE id = {}",
                                                   db_, 1 + (i * 7919) % 100000));
        st.ok() ? ++writes : ++failed;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    });
  }
  // Every node's state, sampled together: never two nodes out of the flow at once.
  std::vector<std::unique_ptr<mysql::Connection>> watch;
  for (int n = 0; n < 3; ++n) watch.push_back(Open(Node(n)));
  std::atomic<bool> done{false};
  int most_out = 0;
  std::set<int> seen_out;
  std::thread monitor([&] {
    while (!done) {
      int out = 0;
      for (int n = 0; n < 3; ++n) {
        auto v = watch[n]->QueryValue(
            "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = "
            "'WSREP_LOCAL_STATE_COMMENT'");
        if (v.ok() && v->value_or("") != "Synced") {
          ++out;
          seen_out.insert(n);
        }
      }
      most_out = std::max(most_out, out);
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  testkit::CommandResult r = AlterTable("big", "ADD INDEX v_idx (v), FORCE",
                                        {"--galera-method", "rsu", "--execute", "--json"});
  done = true;
  monitor.join();
  stop = true;
  for (auto& t : writers) t.join();
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  json j = testkit::ParseJson(r);
  ASSERT_EQ(j["steps"].size(), 3u) << j.dump(2);
  for (int n = 0; n < 3; ++n) {
    EXPECT_NE(j["steps"][n].value("node", "").find(Node(n).name), std::string::npos);
  }
  EXPECT_EQ(most_out, 1) << "nodes out of the flow at the same time";
  EXPECT_FALSE(seen_out.empty()) << "no node was ever seen desynced";
  EXPECT_GT(writes.load(), 50);
  // Every node Synced, with the same definition and the same rows.
  const std::string def = Definition(0, "big");
  EXPECT_NE(def.find("KEY `v_idx` (`v`)"), std::string::npos) << def;
  std::string checksum;
  for (int n = 0; n < 3; ++n) {
    EXPECT_EQ(State(n), "Synced");
    EXPECT_EQ(Definition(n, "big"), def) << Node(n).name;
    testkit::MustExecute(*conns_[n], "SET SESSION wsrep_sync_wait = 1");
    const std::string c = Checksum(*conns_[n], fmt::format("`{}`.big", db_));
    if (n == 0) checksum = c;
    EXPECT_EQ(c, checksum) << Node(n).name;
  }
  fmt::print(stderr, "RSU under writes: {} writes, {} failed, {} node(s) seen desynced\n",
             writes.load(), failed.load(), seen_out.size());
}

TEST_P(GaleraTest, RsuRefusesAColumnChangeBeforeAnythingChanges) {
  const std::vector<std::string> before = Definitions();
  const long long committed = LastCommitted(0);
  testkit::CommandResult r = Alter("ADD COLUMN c INT", {"--galera-method", "rsu", "--execute"});
  EXPECT_NE(r.exit_code, kExitOk);
  EXPECT_NE(r.err.find("a column added"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Nothing was changed"), std::string::npos) << r.err;
  r = Alter("ADD UNIQUE KEY (v)", {"--galera-method", "rsu", "--execute"});
  EXPECT_NE(r.exit_code, kExitOk);
  EXPECT_NE(r.err.find("unique key"), std::string::npos) << r.err;
  EXPECT_EQ(Definitions(), before);
  EXPECT_EQ(LastCommitted(0), committed);
}

TEST_P(GaleraTest, RsuStopsWhenANodeIsKilledAndNamesIt) {
  MakeBig(300000);
  testkit::CommandResult r;
  std::thread rollout([&] {
    r = AlterTable("big", "FORCE", {"--galera-method", "rsu", "--execute"});
  });
  // Once node1 is out of the flow for its change, node3 is killed.
  auto watch = Open(Node(0));
  const std::string before = Definition(0, "big");
  bool underway = false;
  for (int i = 0; i < 4000 && !underway; ++i) {
    auto v = watch->QueryValue(
        "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = "
        "'WSREP_DESYNC_COUNT'");
    underway = (v.ok() && v->value_or("0") != "0") || Definition(0, "big") != before;
    if (!underway) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_TRUE(underway) << "the rollout never started on node1";
  ASSERT_EQ(::kill(Node(2).pid, SIGKILL), 0);
  rollout.join();
  EXPECT_NE(r.exit_code, kExitOk) << r.out;
  EXPECT_NE(r.err.find("the rolling change stopped"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("node3"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Where the nodes stand"), std::string::npos) << r.err;
  // The two others stay a Primary component.
  for (int n = 0; n < 2; ++n) {
    std::string status, size;
    for (int i = 0; i < 100; ++i) {
      status = Value(*conns_[n],
                     "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS "
                     "WHERE VARIABLE_NAME = 'WSREP_CLUSTER_STATUS'");
      size = Value(*conns_[n],
                   "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS "
                   "WHERE VARIABLE_NAME = 'WSREP_CLUSTER_SIZE'");
      if (size == "2") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_EQ(status, "Primary") << Node(n).name;
    EXPECT_EQ(size, "2") << Node(n).name;
  }
  // `sandbox up` brings node3 back into the cluster.
  std::vector<std::string> args = {"sandbox",      "up",       "--name", "g",     "--dir",
                                   cluster_->root, "--galera", "3",      "--json"};
  if (GetParam()) args.push_back("--stock");
  testkit::CommandResult up = testkit::RunSafeddl(args);
  ASSERT_EQ(up.exit_code, kExitOk) << up.err;
  json j = testkit::ParseJson(up);
  cluster_->nodes[2].pid = j["servers"][2].value("pid", 0);
  conns_[2] = Open(Node(2));
  ASSERT_NE(conns_[2], nullptr);
  EXPECT_EQ(State(2), "Synced");
}

TEST_P(GaleraTest, UnblockExplainsATotalOrderChangeWaitingBehindALock) {
  auto holder = Open(Node(1));
  testkit::MustExecute(*holder, "LOCK TABLES " + Table() + " READ");
  const std::string holder_id = Value(*holder, "SELECT CONNECTION_ID()");
  auto issuer = Open(Node(0));
  std::thread ddl(
      [&] { testkit::MustExecute(*issuer, "ALTER TABLE " + Table() + " ADD COLUMN c INT"); });
  // node2's applier waits for the table.
  bool waiting = false;
  for (int i = 0; i < 100 && !waiting; ++i) {
    waiting = Value(*conns_[1],
                    "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE "
                    "USER = 'system user' AND STATE = 'Waiting for table metadata "
                    "lock'") != "0";
    if (!waiting) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(waiting);
  testkit::CommandResult r = testkit::RunSafeddl(
      {"unblock", "--defaults-file=" + Node(1).config, "--install-mdl-plugin", "--json"});
  testkit::MustExecute(*holder, "UNLOCK TABLES");
  ddl.join();
  json j = testkit::ParseJson(r);
  EXPECT_NE(j.value("galera", "").find("Galera node 'node2'"), std::string::npos) << r.out;
  ASSERT_EQ(j["pileups"].size(), 1u) << r.out;
  const json& pileup = j["pileups"][0];
  const json& decision = pileup["decision"];
  ASSERT_FALSE(decision["reasons"].empty()) << r.out;
  const std::string reason = decision["reasons"][0].get<std::string>();
  EXPECT_NE(reason.find("replicated from another node"), std::string::npos) << reason;
  EXPECT_NE(reason.find("total order (TOI)"), std::string::npos) << reason;
  EXPECT_NE(reason.find("cannot be killed"), std::string::npos) << reason;
  std::string advice = decision["advice"].dump();
  EXPECT_NE(advice.find("end what holds"), std::string::npos) << advice;
  EXPECT_EQ(advice.find("failover candidate"), std::string::npos) << advice;
  EXPECT_NE(pileup.dump().find(holder_id), std::string::npos)
      << "the LOCK TABLES session " << holder_id << " is not named: " << pileup.dump(2);
  // The change went on once the lock was released: the same definition everywhere.
  for (int i = 0; i < 100 && Definitions()[1] != Definitions()[0]; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const std::vector<std::string> defs = Definitions();
  EXPECT_NE(defs[0].find("`c` int(11)"), std::string::npos);
  EXPECT_EQ(defs[1], defs[0]);
  EXPECT_EQ(defs[2], defs[0]);
}

TEST_P(GaleraTest, UnblockCountsBruteForceAborts) {
  auto bf = [&] {
    return std::stoll(Value(*conns_[1],
                            "SELECT VARIABLE_VALUE FROM information_schema."
                            "GLOBAL_STATUS WHERE VARIABLE_NAME = "
                            "'WSREP_LOCAL_BF_ABORTS'"));
  };
  const long long before = bf();
  // `watch` on node2 reports the abort as it happens.
  std::unique_ptr<testkit::RunningSafeddl> watch = testkit::StartSafeddl(
      {"watch", "--defaults-file=" + Node(1).config, "--interval", "0.2", "--json"});
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  // A transaction on node2 holds row 1; the same row written on node1 wins in the cluster's
  // order and rolls node2's transaction back.
  auto local = Open(Node(1));
  // The row must be on node2 before its transaction takes it (the fixture wrote it on node1).
  testkit::MustExecute(*local, "SET SESSION wsrep_sync_wait = 3");
  testkit::MustExecute(*local, "BEGIN");
  testkit::MustExecute(*local, "UPDATE " + Table() + " SET v = v + 1 WHERE id = 1");
  ASSERT_EQ(local->affected_rows(), 1) << "node2 does not have row 1";
  testkit::MustExecute(*conns_[0], "UPDATE " + Table() + " SET v = v + 100 WHERE id = 1");
  Status commit = local->Execute("COMMIT");
  EXPECT_FALSE(commit.ok()) << "node2's transaction was not rolled back";
  const long long after = bf();
  EXPECT_EQ(after, before + 1);
  EXPECT_TRUE(testkit::WaitFor(
      [&] { return watch->StdoutSoFar().find("\"event\":\"bf_aborts\"") != std::string::npos; },
      std::chrono::seconds(10)))
      << watch->StdoutSoFar() << watch->StderrSoFar();
  EXPECT_NE(watch->StderrSoFar().find("1 local transaction(s) rolled back"), std::string::npos)
      << watch->StderrSoFar();
  watch->Signal(SIGTERM);
  watch->Wait();
  testkit::CommandResult r =
      testkit::RunSafeddl({"unblock", "--defaults-file=" + Node(1).config, "--json"});
  EXPECT_EQ(r.exit_code, kExitOk) << r.err;
  json j = testkit::ParseJson(r);
  EXPECT_NE(j.value("galera", "").find(fmt::format("{} local transaction(s) rolled back", after)),
            std::string::npos)
      << r.out;
}

// Writers that each own a part of `big` (ids by parity, and the rows they insert), so the
// table's final content is known exactly: every committed insert, update and delete is kept in
// the writer's own model; a statement that failed (a certification conflict) changed nothing.
struct OwnedRow {
  long long v = 0;
  std::string s;
};
struct ModelWriter {
  std::map<long long, OwnedRow> rows;
  int committed = 0;
  int failed = 0;
  int exceeded = 0;  // "wsrep_max_ws_rows exceeded" or "...size..."
};

TEST_P(GaleraTest, OnlineCopyWithinMaxWsRowsUnderWritesOnTwoNodesKeepsEveryWrite) {
  MakeBig(60000);
  struct Limit {
    std::vector<std::unique_ptr<mysql::Connection>>& conns;
    ~Limit() {
      for (auto& c : conns) c->Execute("SET GLOBAL wsrep_max_ws_rows = 0").IgnoreError();
    }
  } limit{conns_};
  for (auto& c : conns_) testkit::MustExecute(*c, "SET GLOBAL wsrep_max_ws_rows = 500");
  // The limit is real: one write set of 1000 rows is refused.
  Status big_ws = conns_[0]->Execute(
      fmt::format("CREATE TABLE `{0}`.probe AS SELECT * FROM `{0}`.big LIMIT 1000", db_));
  EXPECT_FALSE(big_ws.ok()) << "wsrep_max_ws_rows = 500 did not refuse 1000 rows";
  conns_[0]->Execute(fmt::format("DROP TABLE IF EXISTS `{}`.probe", db_)).IgnoreError();

  std::vector<ModelWriter> model(2);
  {
    auto rs = conns_[0]->Query(fmt::format("SELECT id, v, s FROM `{}`.big", db_));
    ASSERT_TRUE(rs.ok());
    for (const mysql::Row& r : rs->rows()) {
      const long long id = std::stoll(*r[0]);
      model[id % 2].rows[id] = {std::stoll(*r[1]), r[2].value_or("")};
    }
  }
  std::atomic<bool> stop{false};
  std::vector<std::thread> writers;
  for (int w = 0; w < 2; ++w) {
    writers.emplace_back([&, w] {
      auto conn = Open(Node(w));
      if (!conn) return;
      ModelWriter& m = model[w];
      std::vector<long long> ids;
      for (const auto& [id, row] : m.rows) ids.push_back(id);
      for (int i = 0; !stop; ++i) {
        const long long id = ids[(static_cast<size_t>(i) * 7919) % ids.size()];
        Status st;
        if (i % 3 == 0) {
          const std::string text = fmt::format("w{}-{}", w, i);
          st = conn->Execute(
              fmt::format("INSERT INTO `{}`.big (v, s) VALUES ({}, '{}')", db_, i, text));
          if (st.ok()) {
            auto last = conn->QueryValue("SELECT LAST_INSERT_ID()");
            const long long new_id = std::stoll(last.ok() ? last->value_or("0") : "0");
            m.rows[new_id] = {i, text};
            ids.push_back(new_id);
          }
        } else if (i % 3 == 1) {
          if (m.rows.count(id) == 0) continue;
          st = conn->Execute(fmt::format(
              "UPDATE `{}`.big SET v = v + 1, s = CONCAT(s, 'u') WHERE id = {}", db_, id));
          if (st.ok()) {
            ++m.rows[id].v;
            m.rows[id].s += "u";
          }
        } else {
          if (m.rows.count(id) == 0) continue;
          st = conn->Execute(fmt::format("DELETE FROM `{}`.big WHERE id = {}", db_, id));
          if (st.ok()) m.rows.erase(id);
        }
        if (st.ok()) {
          ++m.committed;
        } else {
          ++m.failed;
          if (st.message().find("exceeded") != std::string::npos) ++m.exceeded;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(4));
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  testkit::CommandResult r =
      AlterTable("big", "ADD COLUMN c INT NOT NULL DEFAULT 7, ADD INDEX v_idx (v)",
                 {"--galera-method", "online", "--execute", "--json", "--chunk-size", "2000",
                  "--nice-ratio", "0.5"});
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // writes to the new table too
  stop = true;
  for (auto& t : writers) t.join();
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  json j = testkit::ParseJson(r);
  EXPECT_TRUE(j.value("executed", false));
  EXPECT_EQ(j.value("max_ws_rows", 0), 500);
  EXPECT_LE(j.value("chunk_size_cap", 0), 250);
  EXPECT_GE(j.value("chunks", 0), 60000 / 250);
  // --nice-ratio 0.5: half of each chunk's time slept after it.
  EXPECT_GT(j.value("nice_seconds", 0.0), 0.0) << j.dump(2);
  EXPECT_EQ(j.value("old_table", ""), fmt::format("`{}`.`_big_del`", db_));
  EXPECT_GT(model[0].committed, 50);
  EXPECT_GT(model[1].committed, 50);
  EXPECT_EQ(model[0].exceeded + model[1].exceeded, 0);

  // Every node: the new definition, no trigger left, and exactly the rows the writers left.
  const std::string def = Definition(0, "big");
  EXPECT_NE(def.find("`c` int(11) NOT NULL DEFAULT 7"), std::string::npos) << def;
  EXPECT_NE(def.find("KEY `v_idx` (`v`)"), std::string::npos) << def;
  std::map<long long, OwnedRow> expected = model[0].rows;
  expected.insert(model[1].rows.begin(), model[1].rows.end());
  for (int n = 0; n < 3; ++n) {
    SCOPED_TRACE(Node(n).name);
    testkit::MustExecute(*conns_[n], "SET SESSION wsrep_sync_wait = 1");
    EXPECT_EQ(Definition(n, "big"), def);
    EXPECT_EQ(TriggerCount(n), "0");
    auto rs = conns_[n]->Query(fmt::format("SELECT id, v, s, c FROM `{}`.big ORDER BY id", db_));
    ASSERT_TRUE(rs.ok());
    EXPECT_EQ(rs->size(), expected.size());
    size_t wrong = 0;
    auto it = expected.begin();
    for (const mysql::Row& row : rs->rows()) {
      if (it == expected.end() || std::stoll(*row[0]) != it->first ||
          std::stoll(*row[1]) != it->second.v || row[2].value_or("") != it->second.s ||
          row[3].value_or("") != "7") {
        if (++wrong <= 3) ADD_FAILURE() << "row id " << *row[0] << " differs from the writers'";
      }
      if (it != expected.end()) ++it;
    }
    EXPECT_EQ(wrong, 0u);
  }
  fmt::print(stderr,
             "online copy under writes on two nodes: {} chunks (cap {}), {} retried, {} "
             "certification failures on the nodes, {} writes committed, {} failed, rename "
             "{:.3f} s\n",
             j.value("chunks", 0), j.value("chunk_size_cap", 0), j.value("chunk_retries", 0),
             j.value("cert_failures", 0), model[0].committed + model[1].committed,
             model[0].failed + model[1].failed, j.value("rename_seconds", 0.0));
}

TEST_P(GaleraTest, OnlineCopyPausesWhileANodeFallsBehindAndResumes) {
  MakeBig(100000);
  std::atomic<bool> stop{false};
  std::vector<std::thread> writers;
  // What the application's writes met: a write that lost certification is normal on Galera;
  // a trigger the server cannot read would fail every write.
  std::mutex failures_mu;
  std::vector<std::string> failures;
  std::atomic<long long> committed{0};
  for (int w = 0; w < 2; ++w) {
    writers.emplace_back([&, w] {
      auto conn = Open(Node(w));
      if (!conn) return;
      for (int i = 0; !stop; ++i) {
        Status s = conn->Execute(fmt::format("UPDATE `{}`.big SET v = v + 1 WHERE id = {}", db_,
                                             1 + (i * 7919 + w) % 100000));
        if (s.ok()) {
          ++committed;
        } else {
          std::lock_guard<std::mutex> l(failures_mu);
          failures.push_back(s.message());
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    });
  }
  std::unique_ptr<testkit::RunningSafeddl> run =
      testkit::StartSafeddl({"alter", "--defaults-file=" + Node(0).config, "--database", db_,
                             "--table", "big", "--alter", "ADD INDEX v_idx (v)", "--galera-method",
                             "online", "--execute", "--json", "--chunk-size", "200"});
  // As soon as every node holds the capture triggers (the run's note after its check; the copy
  // starts right after), node3 stops applying: a LOCK TABLES holds `big` there (and the ghost,
  // which its triggers write), its receive queue grows and the cluster goes into flow control.
  // Two seconds later it is let go. (Not on node3's own trigger count: when a node's applier
  // fails a trigger, the run drops and creates them again, and a lock held then delays that.)
  EXPECT_TRUE(testkit::WaitFor(
      [&] {
        return run->StderrSoFar().find("note: statements the application prepared") !=
               std::string::npos;
      },
      std::chrono::seconds(60), std::chrono::milliseconds(2)))
      << run->StderrSoFar();
  auto watch = Open(Node(0));
  auto holder = Open(Node(2));
  testkit::MustExecute(*holder, fmt::format("LOCK TABLES `{}`.big READ", db_));
  std::this_thread::sleep_for(std::chrono::seconds(2));
  const std::string ghost_rows_held =
      Value(*watch, fmt::format("SELECT COUNT(*) FROM `{}`.`_big_gho`", db_));
  testkit::MustExecute(*holder, "UNLOCK TABLES");
  testkit::CommandResult r = run->Wait();
  stop = true;
  for (auto& t : writers) t.join();
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  for (const std::string& f : failures) {
    EXPECT_EQ(f.find("Deadlock found"), 0u) << "an application write failed: " << f;
  }
  EXPECT_LT(failures.size() * 20, static_cast<size_t>(committed.load()))
      << failures.size() << " of the application's writes failed, " << committed << " committed";
  json j = testkit::ParseJson(r);
  EXPECT_GE(j.value("throttled_seconds", 0.0), 1.0) << j.dump(2);
  // The pause's reason is the first node seen behind: node3 nearly always (59 runs in 60), but
  // once the cluster is in flow control another node's queue can pass half the limit first.
  const std::string reasons = j["throttle_reasons"].dump();
  EXPECT_TRUE(reasons.find("node3") != std::string::npos ||
              reasons.find("write sets waiting to apply") != std::string::npos)
      << j.dump(2);
  EXPECT_LT(std::stoll(ghost_rows_held), 100000) << "the copy ended while node3 was held";
  std::string checksum;
  for (int n = 0; n < 3; ++n) {
    testkit::MustExecute(*conns_[n], "SET SESSION wsrep_sync_wait = 1");
    EXPECT_NE(Definition(n, "big").find("KEY `v_idx` (`v`)"), std::string::npos);
    const std::string c = Checksum(*conns_[n], fmt::format("`{}`.big", db_));
    if (n == 0) checksum = c;
    EXPECT_EQ(c, checksum) << Node(n).name;
  }
  // Seen rarely (docs/galera.md): MariaDB misreading a capture trigger as it is created, here or
  // on another node's applier; the triggers are then created again.
  std::string again;
  for (const json& n : j["notes"]) {
    if (n.get<std::string>().find("created them again") != std::string::npos) {
      again += "; " + n.get<std::string>();
    }
  }
  fmt::print(stderr,
             "online copy paused {:.1f} s for node3 ({}), flow control paused {} ms; {} writes "
             "committed, {} failed; {} ranges copied again{}\n",
             j.value("throttled_seconds", 0.0), j["throttle_reasons"].dump(),
             j.value("flow_control_paused_ms", 0), committed.load(), failures.size(),
             j.value("ranges_copied_again", 0), again);
}

TEST_P(GaleraTest, OnlineCopyCreatesTheTriggersAgainWhenANodeDidNotTakeOne) {
  MakeBig(30000);
  // node2's applier fails the update trigger's CREATE, as when MariaDB misreads a trigger there:
  // a trigger of that name, on another table, made on node2 alone ("already exists"). Galera
  // logs the error and goes on, and node2 would take updates that never reach the ghost.
  testkit::MustExecute(*conns_[0],
                       fmt::format("CREATE TABLE `{}`.decoy (id INT PRIMARY KEY)", db_));
  auto local = Open(Node(1));
  testkit::MustExecute(*local, "SET SESSION wsrep_sync_wait = 1");
  EXPECT_EQ(Value(*local, fmt::format("SELECT COUNT(*) FROM `{}`.decoy", db_)), "0");
  testkit::MustExecute(*local, "SET SESSION wsrep_on = OFF");
  testkit::MustExecute(*local, fmt::format("CREATE TRIGGER `{0}`.`_big_gho_upd` AFTER UPDATE ON "
                                           "`{0}`.decoy FOR EACH ROW SET @a = 1",
                                           db_));
  local.reset();

  // Updates on node1 and node2, each writer its own rows, every committed one counted.
  std::map<long long, long long> v;
  {
    auto rs = conns_[0]->Query(fmt::format("SELECT id, v FROM `{}`.big", db_));
    ASSERT_TRUE(rs.ok());
    for (const mysql::Row& r : rs->rows()) v[std::stoll(*r[0])] = std::stoll(*r[1]);
  }
  std::vector<long long> ids;
  for (const auto& [id, value] : v) ids.push_back(id);
  std::vector<std::map<long long, long long>> updated(2);
  std::atomic<bool> stop{false};
  std::vector<std::thread> writers;
  for (int w = 0; w < 2; ++w) {
    writers.emplace_back([&, w] {
      auto conn = Open(Node(w));
      if (!conn) return;
      for (size_t i = 0; !stop; ++i) {
        const long long id = ids[(i * 7919 * 2 + static_cast<size_t>(w)) % ids.size()];
        if (conn->Execute(fmt::format("UPDATE `{}`.big SET v = v + 1 WHERE id = {}", db_, id))
                .ok()) {
          ++updated[w][id];
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(3));
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  testkit::CommandResult r = AlterTable("big", "ADD INDEX v_idx (v)",
                                        {"--galera-method", "online", "--execute", "--json"});
  stop = true;
  for (auto& t : writers) t.join();
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  json j = testkit::ParseJson(r);
  const std::string notes = j["notes"].dump();
  EXPECT_NE(notes.find("node2"), std::string::npos) << notes;
  EXPECT_NE(notes.find("`_big_gho_upd` is another trigger (AFTER UPDATE on `decoy`)"),
            std::string::npos)
      << notes;
  EXPECT_NE(notes.find("created them again"), std::string::npos) << notes;
  // With the triggers on every node from the copy's start, the checksum finds nothing to mend.
  EXPECT_EQ(j.value("ranges_copied_again", -1), 0) << j.dump(2);
  size_t updates = 0;
  for (const auto& u : updated) {
    for (const auto& [id, n] : u) {
      v[id] += n;
      updates += static_cast<size_t>(n);
    }
  }
  EXPECT_GT(updated[1].size(), 100u) << "node2 took too few updates to show anything";
  for (int n = 0; n < 3; ++n) {
    SCOPED_TRACE(Node(n).name);
    testkit::MustExecute(*conns_[n], "SET SESSION wsrep_sync_wait = 1");
    EXPECT_NE(Definition(n, "big").find("KEY `v_idx` (`v`)"), std::string::npos);
    EXPECT_EQ(TriggerCount(n), "0");  // the decoy's too: it had the capture trigger's name
    auto rs = conns_[n]->Query(fmt::format("SELECT id, v FROM `{}`.big ORDER BY id", db_));
    ASSERT_TRUE(rs.ok());
    ASSERT_EQ(rs->size(), v.size());
    size_t wrong = 0;
    auto it = v.begin();
    for (const mysql::Row& row : rs->rows()) {
      if (std::stoll(*row[0]) != it->first || std::stoll(*row[1]) != it->second) {
        if (++wrong <= 3) ADD_FAILURE() << "row id " << *row[0] << " lost an update";
      }
      ++it;
    }
    EXPECT_EQ(wrong, 0u);
  }
  fmt::print(stderr, "online copy with a node that did not take a trigger: {} updates kept; {}\n",
             updates, notes);
}

TEST_P(GaleraTest, OnlineCopyChecksumFindsAForeignRowInTheGhostAndCopiesItsRangeAgain) {
  MakeBig(40000);
  // A row the original does not have, written into the ghost on node2 after the copy.
  std::unique_ptr<testkit::RunningSafeddl> run =
      StartPostponedOnlineAlter("ADD COLUMN c INT", {"--json"});
  testkit::MustExecute(
      *conns_[1],
      fmt::format("INSERT INTO `{}`.`_big_gho` (id, v, s) VALUES (9000000, 1, 'x')", db_));
  std::filesystem::remove(PostponeFlag());
  testkit::CommandResult r = run->Wait();
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_NE(r.err.find("1 of"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("copying them again"), std::string::npos) << r.err;
  json j = testkit::ParseJson(r);
  EXPECT_EQ(j.value("ranges_copied_again", 0), 1);
  for (int n = 0; n < 3; ++n) {
    testkit::MustExecute(*conns_[n], "SET SESSION wsrep_sync_wait = 1");
    EXPECT_NE(Definition(n, "big").find("`c` int(11)"), std::string::npos) << Node(n).name;
    EXPECT_EQ(Value(*conns_[n], fmt::format("SELECT COUNT(*) FROM `{}`.big", db_)), "40000");
    EXPECT_EQ(Value(*conns_[n], fmt::format("SELECT COUNT(*) FROM `{0}`.big n LEFT JOIN "
                                            "`{0}`.`_big_del` o USING (id) WHERE NOT (n.v <=> "
                                            "o.v AND n.s <=> o.s)",
                                            db_)),
              "0")
        << Node(n).name << ": the new table differs from the old";
  }
}

TEST_P(GaleraTest, OnlineCopyInterruptedLeavesTheTableAsItWas) {
  MakeBig(40000);
  const std::string before = Definition(0, "big");
  std::unique_ptr<testkit::RunningSafeddl> run = StartPostponedOnlineAlter("ADD COLUMN c INT");
  run->Signal(SIGINT);
  testkit::CommandResult r = run->Wait();
  EXPECT_NE(r.exit_code, kExitOk);
  EXPECT_NE(r.err.find("interrupted before the swap"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("the table is as it was"), std::string::npos) << r.err;
  ExpectBigAsItWasOnEveryNode(before);
}

// The origin lacks a capture trigger the other nodes hold, as when its own CREATE failed (MariaDB
// misreading a trigger) while theirs did not: a DROP TRIGGER IF EXISTS issued on the origin then
// finds nothing there and is not replicated (CI met it: the run gave up with the trigger on two
// nodes). Made here by dropping it on node1 alone before the run is interrupted.
TEST_P(GaleraTest, OnlineCopyDropsATriggerTheOriginLacksOnTheNodesThatHoldIt) {
  MakeBig(20000);
  const std::string before = Definition(0, "big");
  std::unique_ptr<testkit::RunningSafeddl> run = StartPostponedOnlineAlter("ADD COLUMN c INT");
  auto local = Open(Node(0));
  testkit::MustExecute(*local, "SET SESSION wsrep_on = OFF");
  testkit::MustExecute(*local, fmt::format("DROP TRIGGER `{}`.`_big_gho_upd`", db_));
  local.reset();
  for (int n : {1, 2}) EXPECT_EQ(TriggerCount(n), "3") << Node(n).name;
  run->Signal(SIGINT);
  testkit::CommandResult r = run->Wait();
  EXPECT_NE(r.exit_code, kExitOk);
  EXPECT_NE(r.err.find("the table is as it was"), std::string::npos) << r.err;
  ExpectBigAsItWasOnEveryNode(before);
}

// gh-ost's controls on the online copy: a throttle flag file holds it before its first chunk,
// then `throttle` on the control socket; `chunk-size` changes the chunks; the postponed swap goes
// on at `unpostpone`; the status hook runs while it is held, the interactive-command hook for
// each command. What gh-ost users script against, on Galera too.
TEST_P(GaleraTest, OnlineCopyIsThrottledAndControlledOnItsSocketAsGhOstIs) {
  MakeBig(20000);
  const std::string flag = cluster_->root + "/throttle";
  const std::string socket = cluster_->root + "/control.sock";
  const std::string hooks = cluster_->root + "/hooks-" + db_;
  const std::string log = hooks + "/log";
  ASSERT_TRUE(std::filesystem::create_directory(hooks));
  testkit::WriteShellScript(hooks + "/gh-ost-on-status",
                            "echo \"status $GH_OST_STATUS\" >> " + log);
  testkit::WriteShellScript(hooks + "/gh-ost-on-interactive-command",
                            "echo \"command $GH_OST_COMMAND\" >> " + log);
  std::ofstream(flag).put('\n');
  std::ofstream(PostponeFlag()).put('\n');
  // clang-format off
  std::unique_ptr<testkit::RunningSafeddl> run = testkit::StartSafeddl(
      {"alter", "--defaults-file=" + Node(0).config, "--database", db_, "--table", "big",
       "--alter", "ADD COLUMN c INT", "--galera-method", "online", "--execute", "--json",
       "--chunk-size", "200", "--throttle-flag-file", flag, "--serve-socket-file", socket,
       "--postpone-cut-over-flag-file", PostponeFlag(), "--hooks-path", hooks,
       "--hooks-status-interval", "1"});
  // clang-format on
  auto status = [&] { return testkit::ControlSocketCommand(socket, "status"); };
  auto status_says = [&](const std::string& text, std::chrono::seconds limit) {
    return testkit::WaitFor([&] { return status().find(text) != std::string::npos; }, limit,
                            std::chrono::milliseconds(20));
  };
  auto ghost_rows = [&] {
    return Value(*conns_[0], fmt::format("SELECT COUNT(*) FROM `{}`.`_big_gho`", db_));
  };
  // Held by the flag file before its first chunk: nothing reaches the ghost.
  ASSERT_TRUE(status_says("# throttled: flag file " + flag + " exists", std::chrono::seconds(60)))
      << status() << run->StderrSoFar();
  std::this_thread::sleep_for(std::chrono::seconds(1));
  EXPECT_EQ(ghost_rows(), "0");
  const std::string held = status();
  EXPECT_NE(held.find("copy 0.0% 0/"), std::string::npos) << held;
  EXPECT_EQ(held.find("binlog"), std::string::npos) << "no binlog is read on Galera: " << held;
  EXPECT_TRUE(testkit::WaitFor(
      [&] {
        return ReadFileToString(log).value_or("").find("[throttled: flag file") !=
               std::string::npos;
      },
      std::chrono::seconds(5)))
      << "no status hook while held: " << ReadFileToString(log).value_or("");
  EXPECT_NE(testkit::ControlSocketCommand(socket, "chunk-size=300").find("chunk-size: 300;"),
            std::string::npos);
  // `throttle` on the socket holds it once the flag file is gone; `no-throttle` lets it go.
  testkit::ControlSocketCommand(socket, "throttle");
  std::filesystem::remove(flag);
  ASSERT_TRUE(status_says("# throttled: throttled by command", std::chrono::seconds(10)))
      << status();
  std::this_thread::sleep_for(std::chrono::seconds(1));
  EXPECT_EQ(ghost_rows(), "0");
  testkit::ControlSocketCommand(socket, "no-throttle");
  // The copy runs; the swap waits for the postpone flag, and goes on at `unpostpone`.
  ASSERT_TRUE(status_says("postponing the cut-over", std::chrono::seconds(120)))
      << status() << run->StderrSoFar();
  EXPECT_EQ(ghost_rows(), "20000");
  EXPECT_NE(testkit::ControlSocketCommand(socket, "unpostpone").find("Unpostponed"),
            std::string::npos);
  testkit::CommandResult r = run->Wait();
  std::filesystem::remove(PostponeFlag());
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_NE(r.err.find("chunk size set to 300 rows (control socket)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("unpostponed on the control socket"), std::string::npos) << r.err;
  EXPECT_NE(::access(socket.c_str(), F_OK), 0) << "the socket file is left behind";
  const std::string lines = ReadFileToString(log).value_or("");
  for (const char* command : {"command status", "command chunk-size", "command throttle",
                              "command no-throttle", "command unpostpone"}) {
    EXPECT_NE(lines.find(command), std::string::npos) << command << " in " << lines;
  }
  json j = testkit::ParseJson(r);
  EXPECT_GE(j.value("throttled_seconds", 0.0), 2.0) << j.dump(2);
  const std::string reasons = j["throttle_reasons"].dump();
  EXPECT_NE(reasons.find("flag file"), std::string::npos) << reasons;
  for (int n = 0; n < 3; ++n) {
    testkit::MustExecute(*conns_[n], "SET SESSION wsrep_sync_wait = 1");
    EXPECT_NE(Definition(n, "big").find("`c` int(11)"), std::string::npos) << Node(n).name;
    EXPECT_EQ(TriggerCount(n), "0") << Node(n).name;
  }
}

// `panic` on the socket, and --critical-load, stop the run before the swap. Unlike gh-ost's
// panic, the triggers and the ghost are dropped: left behind, the triggers would double every
// write into a table nobody copies to.
TEST_P(GaleraTest, OnlineCopyStopsOnPanicOrCriticalLoadLeavingTheTableAsItWas) {
  MakeBig(20000);
  const std::string before = Definition(0, "big");
  const std::string socket = cluster_->root + "/control.sock";
  std::unique_ptr<testkit::RunningSafeddl> run =
      StartPostponedOnlineAlter("ADD COLUMN c INT", {"--serve-socket-file", socket});
  EXPECT_NE(testkit::ControlSocketCommand(socket, "panic"), "");
  EXPECT_TRUE(testkit::WaitFor([&] { return !run->Running(); }, std::chrono::seconds(30)))
      << "still running after `panic`";
  std::filesystem::remove(PostponeFlag());  // lets a run that did not stop go on and end
  testkit::CommandResult r = run->Wait();
  EXPECT_NE(r.exit_code, kExitOk);
  EXPECT_NE(r.err.find("panic: commanded on the control socket"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("the table is as it was"), std::string::npos) << r.err;
  // Critical from the first look: Threads_connected is never below 1.
  r = AlterTable(
      "big", "ADD COLUMN c INT",
      {"--galera-method", "online", "--execute", "--critical-load", "Threads_connected=1"});
  EXPECT_NE(r.exit_code, kExitOk);
  EXPECT_NE(r.err.find("critical-load"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("the table is as it was"), std::string::npos) << r.err;
  ExpectBigAsItWasOnEveryNode(before);
}

// gh-ost's hooks on the online copy: each event's script runs at its point with the GH_OST_*
// variables; a hook that fails before the swap stops the run with the table as it was, and
// gh-ost-on-failure runs.
TEST_P(GaleraTest, OnlineCopyRunsGhOstHooksAndAFailingOneStopsItBeforeTheSwap) {
  MakeBig(5000);
  const std::string before = Definition(0, "big");
  const std::string dir = cluster_->root + "/hooks-" + db_;
  const std::string log = dir + "/log";
  ASSERT_TRUE(std::filesystem::create_directory(dir));
  for (const char* event : {"startup", "validated", "rowcount-complete", "before-row-copy",
                            "row-copy-complete", "before-cut-over", "success", "failure"}) {
    testkit::WriteShellScript(
        dir + "/gh-ost-on-" + event,
        fmt::format("echo \"{} $GH_OST_DATABASE_NAME.$GH_OST_TABLE_NAME copied=$GH_OST_COPIED_ROWS "
                    "dry=$GH_OST_DRY_RUN\" >> {}",
                    event, log));
  }
  testkit::CommandResult r = AlterTable(
      "big", "ADD COLUMN c INT",
      {"--galera-method", "online", "--execute", "--ok-to-drop-table", "--hooks-path", dir});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_EQ(ReadFileToString(log).value_or(""),
            fmt::format("startup {0}.big copied=0 dry=false\n"
                        "validated {0}.big copied=0 dry=false\n"
                        "rowcount-complete {0}.big copied=0 dry=false\n"
                        "before-row-copy {0}.big copied=0 dry=false\n"
                        "row-copy-complete {0}.big copied=5000 dry=false\n"
                        "before-cut-over {0}.big copied=5000 dry=false\n"
                        "success {0}.big copied=5000 dry=false\n",
                        db_));
  // A second before-cut-over hook that refuses: stopped before the swap, cleaned up.
  std::filesystem::remove(log);
  testkit::WriteShellScript(dir + "/gh-ost-on-before-cut-over-zz-veto", "exit 3");
  const std::string with_c = Definition(0, "big");
  r = AlterTable("big", "ADD COLUMN d INT",
                 {"--galera-method", "online", "--execute", "--hooks-path", dir});
  EXPECT_NE(r.exit_code, kExitOk);
  EXPECT_NE(r.err.find("gh-ost-on-before-cut-over-zz-veto exited with status 3"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("the table is as it was"), std::string::npos) << r.err;
  const std::string lines = ReadFileToString(log).value_or("");
  EXPECT_NE(lines.find("before-cut-over"), std::string::npos) << lines;
  EXPECT_NE(lines.find("failure " + db_ + ".big"), std::string::npos) << lines;
  EXPECT_EQ(lines.find("success"), std::string::npos) << lines;
  ExpectBigAsItWasOnEveryNode(with_c);
  EXPECT_NE(with_c, before);
}

TEST_P(GaleraTest, OnlineSwapBlockedOnANodeStopsBeforeTheSwapAndSaysWhatIsLeft) {
  MakeBig(40000);
  const std::string before = Definition(0, "big");
  // While the swap is postponed, a transaction on node3 opens the table and keeps it open:
  // neither the swap nor dropping the triggers may then be issued (each would roll it back).
  // (Not LOCK TABLES: with the capture triggers on the table it locks the ghost too, and node3
  // would stop applying.)
  std::unique_ptr<testkit::RunningSafeddl> run =
      StartPostponedOnlineAlter("ADD COLUMN c INT", {"--max-wait", "2s"});
  auto holder = Open(Node(2));
  testkit::MustExecute(*holder, "BEGIN");
  testkit::MustExecute(*holder, fmt::format("SELECT COUNT(*) FROM `{}`.big WHERE id = 1", db_));
  // Older than a second: a blocker (a younger one would just be rolled back by the swap).
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  std::filesystem::remove(PostponeFlag());
  testkit::CommandResult r = run->Wait();
  testkit::MustExecute(*holder, "COMMIT");
  EXPECT_NE(r.exit_code, kExitOk);
  EXPECT_NE(r.err.find("not issuing the swap"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("node3"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("The capture triggers are still on"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("DROP TRIGGER IF EXISTS"), std::string::npos) << r.err;
  EXPECT_EQ(Definition(0, "big"), before);
  // As the error says: a new run with --initially-drop-ghost-table clears them and goes on.
  r = AlterTable("big", "ADD COLUMN c INT",
                 {"--galera-method", "online", "--execute", "--initially-drop-ghost-table"});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  for (int n = 0; n < 3; ++n) {
    testkit::MustExecute(*conns_[n], "SET SESSION wsrep_sync_wait = 1");
    EXPECT_NE(Definition(n, "big").find("`c` int(11)"), std::string::npos) << Node(n).name;
    EXPECT_EQ(TriggerCount(n), "0");
  }
}

TEST_P(GaleraTest, OnlineDryRunAndRefusalsChangeNothing) {
  const std::vector<std::string> before = Definitions();
  testkit::CommandResult r = Alter("ADD COLUMN c INT", {"--galera-method", "online"});
  EXPECT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_NE(r.out.find("dry run"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("CREATE TRIGGER"), std::string::npos) << r.out;
  auto objects = [&] {
    return Value(*conns_[2],
                 "SELECT (SELECT COUNT(*) FROM information_schema.TABLES WHERE "
                 "TABLE_SCHEMA = " +
                     mysql::QuoteString(db_) +
                     ") + (SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE "
                     "TRIGGER_SCHEMA = " +
                     mysql::QuoteString(db_) + ")");
  };
  testkit::MustExecute(*conns_[2], "SET SESSION wsrep_sync_wait = 1");
  EXPECT_EQ(objects(), "1") << Value(*conns_[2],
                                     "SELECT GROUP_CONCAT(TABLE_NAME) FROM information_schema."
                                     "TABLES WHERE TABLE_SCHEMA = " +
                                         mysql::QuoteString(db_));
  // A table with a trigger of its own, and the trigger a killed run left: refused, nothing new.
  testkit::MustExecute(*conns_[0], fmt::format("CREATE TRIGGER `{0}`.`_t_gho_ins` AFTER INSERT "
                                               "ON `{0}`.t FOR EACH ROW SET @x = 1",
                                               db_));
  r = Alter("ADD COLUMN c INT", {"--galera-method", "online", "--execute"});
  EXPECT_NE(r.exit_code, kExitOk);
  EXPECT_NE(r.err.find("--initially-drop-ghost-table"), std::string::npos) << r.err;
  EXPECT_EQ(objects(), "2");
  testkit::MustExecute(*conns_[0], fmt::format("DROP TRIGGER `{}`.`_t_gho_ins`", db_));
  testkit::MustExecute(*conns_[0], fmt::format("CREATE TRIGGER `{0}`.mine AFTER INSERT "
                                               "ON `{0}`.t FOR EACH ROW SET @x = 1",
                                               db_));
  r = Alter("ADD COLUMN c INT", {"--galera-method", "online", "--execute"});
  EXPECT_NE(r.exit_code, kExitOk);
  EXPECT_NE(r.err.find("does not carry a table's own triggers"), std::string::npos) << r.err;
  EXPECT_EQ(objects(), "2");
  EXPECT_EQ(Definitions(), before);
  // A table that is not there, and one without a key to copy by: said, nothing created.
  r = AlterTable("nosuch", "ADD COLUMN c INT", {"--galera-method", "online", "--execute"});
  EXPECT_NE(r.exit_code, kExitOk);
  EXPECT_NE(r.err.find("nosuch"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("does not exist"), std::string::npos) << r.err;
  EXPECT_EQ(objects(), "2");
  testkit::MustExecute(*conns_[0], fmt::format("CREATE TABLE `{}`.nokey (v INT)", db_));
  r = AlterTable("nokey", "ADD COLUMN c INT", {"--galera-method", "online", "--execute"});
  EXPECT_NE(r.exit_code, kExitOk);
  EXPECT_NE(r.err.find("no PRIMARY KEY or NOT NULL UNIQUE key"), std::string::npos) << r.err;
  EXPECT_EQ(objects(), "3");  // the table just made, and nothing else
}

INSTANTIATE_TEST_SUITE_P(Sandboxes, GaleraTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "stock" : "friendly"; });

}  // namespace
}  // namespace safeddl::cli
