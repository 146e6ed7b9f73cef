// `safeddl switchover` on sandboxes of its own (a primary and two replicas): under an
// application's writes at about 300 tx/s, no committed transaction is lost or applied twice (GTID
// positions and table checksums equal on every server, every committed row present), replication
// runs from the new primary afterwards, and writes were refused for well under 5 s. A replica
// whose replication is stopped refuses the switchover before anything changes. On a stock server
// (no log_slave_updates) it is refused with the reason, nothing changed.
// Run again after it stopped at a step (each state made by hand, and a SIGKILL in the fence's
// grace), it finishes the switchover.
// `safeddl failover` after the primary is killed: refused while the primary answers and for a
// replica that lacks transactions another has; the most advanced replica is promoted, the other
// replicates from it with every committed row; on a stock server, its one replica is promoted.
#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "mysql/quote.h"
#include "testkit/testkit.h"

namespace safeddl::cli {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;

struct Node {
  unsigned port = 0;
  std::string config;  // its client.cnf
  int pid = 0;
  std::string Address() const { return fmt::format("127.0.0.1:{}", port); }
};

std::unique_ptr<mysql::Connection> Open(const Node& n) {
  mysql::ConnectOptions o;
  o.defaults_file = n.config;
  return testkit::Connect(o);
}

std::string Value(mysql::Connection& c, const std::string& sql) {
  return testkit::MustQueryValue(c, sql);
}

// The application: one INSERT at a time, about 300 a second, as an account without administrative
// privileges (the fence keeps it out), to whichever server `target` names; it reconnects when
// refused (locked out or read_only), to the new primary once the test has switched `target`.
struct Application {
  Application(const std::vector<Node>& nodes, const std::string& password)
      : writer([this, &nodes, password] { Write(nodes, password); }) {}
  ~Application() { Stop(); }
  void Stop() {
    stop = true;
    if (writer.joinable()) writer.join();
  }
  void Write(const std::vector<Node>& nodes, const std::string& password) {
    std::unique_ptr<mysql::Connection> conn;
    int connected_to = -1;
    auto last_ok = Clock::now();
    for (long long id = 1; !stop; ++id) {
      const int t = target;
      if (!conn || connected_to != t) {
        mysql::ConnectOptions o;
        o.host = "127.0.0.1";
        o.port = nodes[t].port;
        o.user = "app";
        o.password = password;
        auto c = mysql::Connection::Open(o);
        conn = c.ok() ? std::move(*c) : nullptr;
        connected_to = conn ? t : -1;
      }
      if (conn &&
          conn->Execute(fmt::format("INSERT INTO app.w (id, v) VALUES ({}, {})", id, t)).ok()) {
        committed.insert(id);
        const auto now = Clock::now();
        longest_gap = std::max(longest_gap, std::chrono::duration<double>(now - last_ok).count());
        last_ok = now;
        if (t == 1) ++after_switch;
      } else {
        conn.reset();
      }
      std::this_thread::sleep_for(std::chrono::microseconds(2200));
    }
  }
  std::atomic<int> target{0};
  std::atomic<bool> stop{false};
  std::set<long long> committed;  // read after Stop()
  double longest_gap = 0;
  long long after_switch = 0;
  std::thread writer;  // last: starts once the rest is set up
};

class SwitchoverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fmt::format("/tmp/safeddl-swtest-{}", ::getpid());
    std::filesystem::remove_all(root_);
  }
  // The application's database, table and account, on the primary (replicated).
  void CreateApplication(mysql::Connection& primary) {
    testkit::MustExecute(primary, "CREATE DATABASE app");
    testkit::MustExecute(primary,
                         "CREATE TABLE app.w (id BIGINT NOT NULL PRIMARY KEY, v INT NOT NULL)");
    testkit::MustExecute(primary, fmt::format("CREATE USER 'app'@'127.0.0.1' IDENTIFIED BY {}",
                                              mysql::QuoteString(password_)));
    testkit::MustExecute(primary, "GRANT SELECT, INSERT ON app.* TO 'app'@'127.0.0.1'");
  }
  // Every server (but `gone`) holds the same transactions and rows as nodes_[primary] once caught
  // up.
  void ExpectSameEverywhere(size_t primary, const std::set<long long>& committed,
                            std::optional<size_t> gone = std::nullopt) {
    auto p = Open(nodes_[primary]);
    ASSERT_TRUE(p);
    const std::string pos = Value(*p, "SELECT @@gtid_binlog_pos");
    const std::string kSum =
        "SELECT CONCAT(COUNT(*), '/', BIT_XOR(CRC32(CONCAT_WS('-', id, v)))) FROM app.w";
    const std::string sum = Value(*p, kSum);
    const std::string definition = Value(*p,
                                         "SELECT COUNT(*) FROM information_schema.COLUMNS "
                                         "WHERE TABLE_SCHEMA = 'app' AND TABLE_NAME = 'w'");
    for (size_t i = 0; i < nodes_.size(); ++i) {
      if (i == primary || i == gone) continue;
      auto r = Open(nodes_[i]);
      ASSERT_TRUE(r);
      ASSERT_TRUE(testkit::WaitFor(
          [&] {
            const std::string current = Value(*r, "SELECT @@gtid_current_pos");
            return current == pos;
          },
          std::chrono::seconds(30)))
          << nodes_[i].Address() << " did not reach " << pos;
      EXPECT_EQ(Value(*r, kSum), sum) << nodes_[i].Address();
      EXPECT_EQ(Value(*r,
                      "SELECT COUNT(*) FROM information_schema.COLUMNS WHERE "
                      "TABLE_SCHEMA = 'app' AND TABLE_NAME = 'w'"),
                definition)
          << nodes_[i].Address();
    }
    auto ids = p->Query("SELECT id FROM app.w");
    ASSERT_TRUE(ids.ok());
    std::set<long long> present;
    for (const mysql::Row& row : ids->rows()) present.insert(std::stoll(row[0].value_or("0")));
    for (long long id : committed) {
      ASSERT_TRUE(present.count(id)) << "committed row " << id << " lost";
    }
  }
  void TearDown() override {
    testkit::RunSafeddl({"sandbox", "down", "--name", "sw", "--dir", root_});
    std::filesystem::remove_all(root_);
  }
  // A sandbox of a primary and `replicas` replicas; false (with a failure) when it did not start.
  bool Up(int replicas, bool stock) {
    std::vector<std::string> args = {"sandbox", "up",  "--name",     "sw",
                                     "--dir",   root_, "--replicas", std::to_string(replicas),
                                     "--json"};
    if (stock) args.push_back("--stock");
    testkit::CommandResult r = testkit::RunSafeddl(args);
    EXPECT_EQ(r.exit_code, kExitOk) << r.err;
    json j = json::parse(r.out, nullptr, false);
    if (r.exit_code != kExitOk || !j.is_object()) return false;
    for (const json& s : j["servers"]) {
      nodes_.push_back({s.value("port", 0u), s.value("defaults_file", ""), s.value("pid", 0)});
    }
    const std::string cnf = ReadAll(nodes_[0].config);
    const size_t at = cnf.find("password=");
    password_ = cnf.substr(at + 9, cnf.find('\n', at) - at - 9);
    password_file_ = root_ + "/repl-password";
    std::ofstream(password_file_) << password_ << "\n";
    ::chmod(password_file_.c_str(), 0600);
    return nodes_.size() == static_cast<size_t>(replicas + 1);
  }
  static std::string ReadAll(const std::string& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  testkit::CommandResult Switchover(const Node& to, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {
        "switchover", "--defaults-file=" + nodes_[0].config, "--to",
        to.Address(), "--replication-password-file",         password_file_,
        "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    return testkit::RunSafeddl(args);
  }

  std::string root_, password_, password_file_;
  std::vector<Node> nodes_;  // primary, replica1, replica2
};

TEST_F(SwitchoverTest, UnderWritesNothingIsLostAndReplicationFollowsTheNewPrimary) {
  ASSERT_TRUE(Up(2, false));
  auto primary = Open(nodes_[0]);
  ASSERT_TRUE(primary);
  CreateApplication(*primary);

  // A replica that does not replicate stops it before anything changes.
  {
    auto r2 = Open(nodes_[2]);
    ASSERT_TRUE(r2);
    testkit::MustExecute(*r2, "STOP SLAVE SQL_THREAD");
    testkit::CommandResult refused = Switchover(nodes_[1]);
    EXPECT_EQ(refused.exit_code, kExitFailure);
    EXPECT_NE(refused.err.find(nodes_[2].Address() + ": its replication is stopped"),
              std::string::npos)
        << refused.err;
    EXPECT_EQ(Value(*primary, "SELECT @@GLOBAL.read_only"), "0");
    testkit::MustExecute(*r2, "START SLAVE SQL_THREAD");
  }
  testkit::CommandResult dry = Switchover(nodes_[1], {"--dry-run"});
  ASSERT_EQ(dry.exit_code, kExitOk) << dry.err;
  EXPECT_EQ(Value(*primary, "SELECT @@GLOBAL.read_only"), "0");

  Application app(nodes_, password_);
  std::this_thread::sleep_for(std::chrono::seconds(2));
  testkit::CommandResult sw = Switchover(nodes_[1]);
  app.target = 1;
  std::this_thread::sleep_for(std::chrono::seconds(2));
  app.Stop();
  ASSERT_EQ(sw.exit_code, kExitOk) << sw.out << sw.err;
  json j = testkit::ParseJson(sw);
  EXPECT_EQ(j.value("new_primary", ""), nodes_[1].Address()) << sw.out;
  EXPECT_LT(j.value("write_outage_seconds", 99.0), 5.0) << sw.out;
  EXPECT_LT(app.longest_gap, 5.0);
  std::printf(
      "switchover: writes refused for %.2f s (reported); longest gap between the "
      "application's commits %.2f s; %zu commits\n",
      j.value("write_outage_seconds", 99.0), app.longest_gap, app.committed.size());
  EXPECT_GT(app.after_switch, 100) << "the application writes to the new primary";

  auto fresh = Open(nodes_[1]);
  auto old = Open(nodes_[0]);
  auto r2 = Open(nodes_[2]);
  ASSERT_TRUE(fresh && old && r2);
  EXPECT_EQ(Value(*fresh, "SELECT @@GLOBAL.read_only"), "0");
  EXPECT_TRUE(fresh->Query("SHOW SLAVE STATUS")->empty());
  const std::string pos = Value(*fresh, "SELECT @@gtid_binlog_pos");
  for (mysql::Connection* r : {old.get(), r2.get()}) {
    auto st = r->Query("SHOW SLAVE STATUS");
    ASSERT_TRUE(st.ok() && !st->empty());
    EXPECT_EQ((*st)[0].GetString("Master_Port"), std::to_string(nodes_[1].port));
    EXPECT_EQ(Value(*r, fmt::format("SELECT MASTER_GTID_WAIT({}, 30)", mysql::QuoteString(pos))),
              "0");
  }
  // The old primary is a replica now: read_only, its application account open again.
  EXPECT_EQ(Value(*old, "SELECT @@GLOBAL.read_only"), "1");
  const std::string locked = Value(*old,
                                   "SELECT IFNULL(JSON_VALUE(Priv, '$.account_locked'), 'false') "
                                   "FROM mysql.global_priv WHERE User = 'app'");
  EXPECT_TRUE(locked == "false" || locked == "0") << locked;
  ExpectSameEverywhere(1, app.committed);
}

TEST_F(SwitchoverTest, ViaReplicasChangesEveryServerWhileTheApplicationWrites) {
  ASSERT_TRUE(Up(2, false));
  auto primary = Open(nodes_[0]);
  ASSERT_TRUE(primary);
  CreateApplication(*primary);
  const auto alter = [&](const std::string& change, std::vector<std::string> extra) {
    std::vector<std::string> args = {"alter",
                                     "--defaults-file=" + nodes_[0].config,
                                     "--database",
                                     "app",
                                     "--table",
                                     "w",
                                     "--alter",
                                     change,
                                     "--via-replicas",
                                     "--switchover-to",
                                     nodes_[1].Address(),
                                     "--replication-password-file",
                                     password_file_};
    args.insert(args.end(), extra.begin(), extra.end());
    return testkit::RunSafeddl(args);
  };
  // A column added mid-table: the rows would not fit by position. Refused, nothing changed.
  testkit::CommandResult refused =
      alter("ADD COLUMN note INT NOT NULL DEFAULT 7 AFTER id", {"--execute"});
  EXPECT_EQ(refused.exit_code, kExitFailure);
  EXPECT_NE(refused.err.find("elsewhere than at the end"), std::string::npos) << refused.err;
  EXPECT_EQ(Value(*primary,
                  "SELECT COUNT(*) FROM information_schema.COLUMNS WHERE "
                  "TABLE_SCHEMA = 'app' AND TABLE_NAME = 'w'"),
            "2");

  Application app(nodes_, password_);
  std::this_thread::sleep_for(std::chrono::seconds(1));
  testkit::CommandResult r = alter("ADD COLUMN note VARCHAR(8) NOT NULL DEFAULT 'x', ADD INDEX (v)",
                                   {"--execute", "--json"});
  app.target = 1;
  std::this_thread::sleep_for(std::chrono::seconds(1));
  app.Stop();
  ASSERT_EQ(r.exit_code, kExitOk) << r.out << r.err;
  json j = testkit::ParseJson(r);
  EXPECT_EQ(j.value("new_primary", ""), nodes_[1].Address()) << r.out;
  EXPECT_EQ(j["changed"].size(), 3u) << r.out;
  for (const Node& n : nodes_) {
    auto c = Open(n);
    ASSERT_TRUE(c);
    EXPECT_EQ(Value(*c,
                    "SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = "
                    "'app' AND TABLE_NAME = 'w' AND COLUMN_NAME = 'note'"),
              "1")
        << n.Address();
  }
  ExpectSameEverywhere(1, app.committed);
  for (const Node& n : nodes_) {
    auto c = Open(n);
    ASSERT_TRUE(c);
    EXPECT_EQ(Value(*c, "SELECT COUNT(*) FROM app.w WHERE note <> 'x'"), "0") << n.Address();
  }
}

// `alter --via-replicas` killed (SIGKILL) once a replica has the change, and once in the
// switchover's fence: the same command run again goes on from where the servers stand.
TEST_F(SwitchoverTest, ViaReplicasRunAgainAfterAKillFinishesTheRollout) {
  ASSERT_TRUE(Up(2, false));
  CreateApplication(*Open(nodes_[0]));
  testkit::MustExecute(*Open(nodes_[0]), "INSERT INTO app.w SELECT seq, seq FROM app.seq_1_to_500");
  const auto args = [&](size_t primary, size_t to, const std::string& change) {
    return std::vector<std::string>{"alter",
                                    "--defaults-file=" + nodes_[primary].config,
                                    "--database",
                                    "app",
                                    "--table",
                                    "w",
                                    "--alter",
                                    change,
                                    "--via-replicas",
                                    "--switchover-to",
                                    nodes_[to].Address(),
                                    "--replication-password-file",
                                    password_file_,
                                    "--execute",
                                    "--json"};
  };
  const auto kill_at = [&](const std::vector<std::string>& a, const std::string& line) {
    auto run = testkit::StartSafeddl(a);
    ASSERT_TRUE(testkit::WaitFor([&] {
      return run->StderrSoFar().find(line) != std::string::npos || !run->Running();
    })) << run->StderrSoFar();
    run->Signal(SIGKILL);
    EXPECT_EQ(run->Wait().exit_code, 128 + SIGKILL) << "it ended before the kill";
  };
  const auto has_column = [&](const std::string& column) {
    int with = 0;
    for (const Node& n : nodes_) {
      with += Value(*Open(n),
                    "SELECT COUNT(*) FROM information_schema.COLUMNS WHERE "
                    "TABLE_SCHEMA = 'app' AND TABLE_NAME = 'w' AND COLUMN_NAME = '" +
                        column + "'") == "1";
    }
    return with;
  };
  const auto steps_with = [](const json& j, const std::string& what) {
    int n = 0;
    for (const json& s : j["steps"]) n += s.value("step", "").find(what) != std::string::npos;
    return n;
  };

  // Killed once the first replica has the new column. 0 -> 1.
  kill_at(args(0, 1, "ADD COLUMN note INT NOT NULL DEFAULT 7"), "ALTER TABLE (not binlogged)");
  EXPECT_GE(has_column("note"), 1);
  EXPECT_LT(has_column("note"), 3);
  testkit::CommandResult first =
      testkit::RunSafeddl(args(0, 1, "ADD COLUMN note INT NOT NULL DEFAULT 7"));
  ASSERT_EQ(first.exit_code, kExitOk) << first.out << first.err;
  json a = testkit::ParseJson(first);
  EXPECT_EQ(steps_with(a, "resuming the rollout"), 1) << first.out;
  EXPECT_GE(steps_with(a, "has the new definition already"), 1) << first.out;
  EXPECT_EQ(a["changed"].size(), 3u) << first.out;
  EXPECT_EQ(a.value("new_primary", ""), nodes_[1].Address()) << first.out;
  EXPECT_EQ(has_column("note"), 3);
  ExpectSameEverywhere(1, {});

  // Killed in the switchover's fence, both replicas changed. 1 -> 2.
  kill_at(args(1, 2, "ADD COLUMN label CHAR(2) NOT NULL DEFAULT 'x'"),
          "via replicas: fence the primary");
  testkit::CommandResult second =
      testkit::RunSafeddl(args(1, 2, "ADD COLUMN label CHAR(2) NOT NULL DEFAULT 'x'"));
  ASSERT_EQ(second.exit_code, kExitOk) << second.out << second.err;
  json b = testkit::ParseJson(second);
  EXPECT_EQ(steps_with(b, "resuming the rollout"), 1) << second.out;
  EXPECT_EQ(steps_with(b, "has the new definition already"), 2) << second.out;
  EXPECT_EQ(b.value("new_primary", ""), nodes_[2].Address()) << second.out;
  EXPECT_EQ(has_column("label"), 3);
  auto old = Open(nodes_[1]);
  EXPECT_EQ(Value(*old, "SELECT @@GLOBAL.read_only"), "1");
  EXPECT_EQ(Value(*old, "SELECT COUNT(*) FROM _safeddl_rollout.rollout WHERE finished_at IS NULL"),
            "0");
  ExpectSameEverywhere(2, {});
}

TEST_F(SwitchoverTest, StockServerWithoutLogSlaveUpdatesIsRefused) {
  ASSERT_TRUE(Up(1, true));
  auto primary = Open(nodes_[0]);
  ASSERT_TRUE(primary);
  testkit::CommandResult r = Switchover(nodes_[1]);
  EXPECT_EQ(r.exit_code, kExitFailure);
  EXPECT_NE(r.err.find("log_slave_updates=OFF"), std::string::npos) << r.err;
  testkit::MustExecute(*primary, "CREATE DATABASE app");
  testkit::MustExecute(*primary, "CREATE TABLE app.w (id INT PRIMARY KEY)");
  testkit::CommandResult via = testkit::RunSafeddl(
      {"alter", "--defaults-file=" + nodes_[0].config, "--database", "app", "--table", "w",
       "--alter", "ADD INDEX (id)", "--via-replicas", "--switchover-to", nodes_[1].Address(),
       "--replication-password-file", password_file_, "--execute"});
  EXPECT_EQ(via.exit_code, kExitFailure);
  EXPECT_NE(via.err.find("log_slave_updates=OFF"), std::string::npos) << via.err;
  EXPECT_EQ(Value(*primary, "SELECT @@GLOBAL.read_only"), "0");
  auto replica = Open(nodes_[1]);
  ASSERT_TRUE(replica);
  auto st = replica->Query("SHOW SLAVE STATUS");
  ASSERT_TRUE(st.ok() && !st->empty());
  EXPECT_EQ((*st)[0].GetString("Slave_SQL_Running"), "Yes");
}

// What a switchover leaves when it is killed at a step, made by hand with the same statements;
// the switchover run again goes on from there and ends as one that was not stopped.
TEST_F(SwitchoverTest, RunAgainItGoesOnFromWhereAStoppedOneLeftTheServers) {
  ASSERT_TRUE(Up(2, false));
  CreateApplication(*Open(nodes_[0]));
  const std::string repl_user =
      (*Open(nodes_[1])->Query("SHOW SLAVE STATUS"))[0].GetString("Master_User");
  ASSERT_FALSE(repl_user.empty());
  int next_id = 1;
  const auto write_on = [&](size_t primary) {
    for (int i = 0; i < 20; ++i) {
      testkit::MustExecute(
          *Open(nodes_[primary]),
          fmt::format("INSERT INTO app.w (id, v) VALUES ({}, {})", next_id++, primary));
    }
  };
  // Fences `primary` as the switchover does, and waits until `replicas` applied its position.
  const auto fence_and_wait = [&](size_t primary, std::vector<size_t> replicas) {
    testkit::CommandResult f =
        testkit::RunSafeddl({"fence", "on", "--defaults-file=" + nodes_[primary].config,
                             "--read-only", "--lock-accounts", "--grace", "1s"});
    ASSERT_EQ(f.exit_code, kExitOk) << f.err;
    const std::string pos = Value(*Open(nodes_[primary]), "SELECT @@gtid_binlog_pos");
    for (size_t r : replicas) {
      EXPECT_EQ(Value(*Open(nodes_[r]),
                      fmt::format("SELECT MASTER_GTID_WAIT({}, 30)", mysql::QuoteString(pos))),
                "0");
    }
  };
  const auto promote = [&](size_t n) {
    auto c = Open(nodes_[n]);
    testkit::MustExecute(*c, "STOP SLAVE");
    testkit::MustExecute(*c, "RESET SLAVE ALL");
    testkit::MustExecute(*c, "SET GLOBAL read_only = 0");
  };
  const auto repoint = [&](size_t n, size_t to, bool with_account) {
    auto c = Open(nodes_[n]);
    testkit::MustExecute(*c, "STOP SLAVE");
    testkit::MustExecute(
        *c, fmt::format("CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = {}, "
                        "MASTER_USE_GTID = {}{}",
                        nodes_[to].port, with_account ? "current_pos" : "slave_pos",
                        with_account ? fmt::format(", MASTER_USER = '{}', MASTER_PASSWORD = '{}'",
                                                   repl_user, password_)
                                     : ""));
    testkit::MustExecute(*c, "START SLAVE");
  };
  const auto switchover = [&](size_t primary, size_t to) {
    return testkit::RunSafeddl({"switchover", "--defaults-file=" + nodes_[primary].config, "--to",
                                nodes_[to].Address(), "--replication-password-file", password_file_,
                                "--json"});
  };
  // The old primary is a replica of the new one, read_only, its application account open.
  const auto expect_done = [&](size_t old_primary, size_t primary) {
    auto old = Open(nodes_[old_primary]);
    ASSERT_TRUE(old);
    auto st = old->Query("SHOW SLAVE STATUS");
    ASSERT_TRUE(st.ok() && !st->empty());
    EXPECT_EQ((*st)[0].GetString("Master_Port"), std::to_string(nodes_[primary].port));
    EXPECT_EQ(Value(*old, "SELECT @@GLOBAL.read_only"), "1");
    const std::string locked = Value(*old,
                                     "SELECT IFNULL(JSON_VALUE(Priv, '$.account_locked'), "
                                     "'false') FROM mysql.global_priv WHERE User = 'app'");
    EXPECT_TRUE(locked == "false" || locked == "0") << locked;
    EXPECT_EQ(Value(*Open(nodes_[primary]), "SELECT @@GLOBAL.read_only"), "0");
    write_on(primary);
    ExpectSameEverywhere(primary, {});
  };

  // Stopped in the promotion's first statement: the primary fenced, the candidate's replication
  // stopped. 0 -> 1.
  write_on(0);
  fence_and_wait(0, {1, 2});
  testkit::MustExecute(*Open(nodes_[1]), "STOP SLAVE");
  testkit::CommandResult a = switchover(0, 1);
  ASSERT_EQ(a.exit_code, kExitOk) << a.out << a.err;
  EXPECT_NE(a.out.find("undo the stopped switchover"), std::string::npos) << a.out;
  expect_done(0, 1);

  // Stopped in the repoint: the candidate promoted, one replica repointed. 1 -> 2.
  fence_and_wait(1, {0, 2});
  promote(2);
  repoint(0, 2, false);
  testkit::CommandResult b = switchover(1, 2);
  ASSERT_EQ(b.exit_code, kExitOk) << b.out << b.err;
  EXPECT_NE(b.out.find("resuming: this primary is fenced"), std::string::npos) << b.out;
  expect_done(1, 2);

  // Stopped before lifting the old primary's fence: everything repointed. 2 -> 0.
  fence_and_wait(2, {0, 1});
  promote(0);
  repoint(1, 0, false);
  repoint(2, 0, true);
  testkit::CommandResult c = switchover(2, 0);
  ASSERT_EQ(c.exit_code, kExitOk) << c.out << c.err;
  EXPECT_NE(c.out.find("replicates from " + nodes_[0].Address() + " already"), std::string::npos)
      << c.out;
  expect_done(2, 0);

  // Killed (SIGKILL) in the fence's grace period. 0 -> 2.
  auto killed = testkit::StartSafeddl({"switchover", "--defaults-file=" + nodes_[0].config, "--to",
                                       nodes_[2].Address(), "--replication-password-file",
                                       password_file_, "--grace", "5s"});
  ASSERT_TRUE(testkit::WaitFor([&] {
    return killed->StderrSoFar().find("switchover: fence the primary") != std::string::npos;
  })) << killed->StderrSoFar();
  std::this_thread::sleep_for(std::chrono::seconds(1));
  killed->Signal(SIGKILL);
  EXPECT_EQ(killed->Wait().exit_code, 128 + SIGKILL);
  testkit::CommandResult d = switchover(0, 2);
  ASSERT_EQ(d.exit_code, kExitOk) << d.out << d.err;
  EXPECT_NE(d.out.find("undo the stopped switchover"), std::string::npos) << d.out;
  expect_done(0, 2);
}

// Kills the primary (as a crash would) and waits until the replicas' IO threads see it gone.
void KillPrimary(const std::vector<Node>& nodes) {
  ASSERT_GT(nodes[0].pid, 0);
  ::kill(nodes[0].pid, SIGKILL);
  for (size_t i = 1; i < nodes.size(); ++i) {
    auto r = Open(nodes[i]);
    ASSERT_TRUE(r);
    ASSERT_TRUE(testkit::WaitFor(
        [&] {
          auto st = r->Query("SHOW SLAVE STATUS");
          return st.ok() && !st->empty() && (*st)[0].GetString("Slave_IO_Running") != "Yes";
        },
        std::chrono::seconds(30)))
        << nodes[i].Address() << " still connected to the killed primary";
  }
}

testkit::CommandResult Failover(const Node& on, std::vector<std::string> extra) {
  std::vector<std::string> args = {"failover", "--defaults-file=" + on.config, "--json"};
  args.insert(args.end(), extra.begin(), extra.end());
  return testkit::RunSafeddl(args);
}

TEST_F(SwitchoverTest, FailoverPromotesTheMostAdvancedReplicaAndLosesNoCommittedRow) {
  ASSERT_TRUE(Up(2, false));
  auto primary = Open(nodes_[0]);
  ASSERT_TRUE(primary);
  CreateApplication(*primary);
  for (size_t i = 1; i < 3; ++i) testkit::MustExecute(*Open(nodes_[i]), "SET GLOBAL read_only = 1");

  // While the primary answers, failover is refused.
  testkit::CommandResult alive = Failover(nodes_[1], {"--replicas", nodes_[2].Address()});
  EXPECT_EQ(alive.exit_code, kExitFailure) << alive.out << alive.err;
  EXPECT_NE(alive.err.find("switchover"), std::string::npos) << alive.err;

  // Replica 2 stops receiving halfway through the application's writes: replica 1 is ahead.
  std::set<long long> committed;
  {
    Application app(nodes_, password_);
    std::this_thread::sleep_for(std::chrono::seconds(1));
    testkit::MustExecute(*Open(nodes_[2]), "STOP SLAVE IO_THREAD");
    std::this_thread::sleep_for(std::chrono::seconds(1));
    app.Stop();
    committed = app.committed;
  }
  ASSERT_GT(committed.size(), 100u);
  const std::string last = Value(*primary, "SELECT @@gtid_binlog_pos");
  EXPECT_EQ(Value(*Open(nodes_[1]),
                  fmt::format("SELECT MASTER_GTID_WAIT({}, 30)", mysql::QuoteString(last))),
            "0");
  primary.reset();
  KillPrimary(nodes_);
  testkit::MustExecute(*Open(nodes_[2]), "START SLAVE IO_THREAD");

  // Replica 2 lacks transactions replica 1 has: it is not promoted, nothing changes.
  testkit::CommandResult behind =
      Failover(nodes_[2], {"--replicas", nodes_[1].Address(), "--to", nodes_[2].Address()});
  EXPECT_EQ(behind.exit_code, kExitFailure) << behind.out << behind.err;
  EXPECT_NE(behind.err.find("has transactions it lacks"), std::string::npos) << behind.err;
  for (size_t i = 1; i < 3; ++i) {
    auto r = Open(nodes_[i]);
    ASSERT_TRUE(r);
    EXPECT_FALSE(r->Query("SHOW SLAVE STATUS")->empty()) << nodes_[i].Address();
    EXPECT_EQ(Value(*r, "SELECT @@GLOBAL.read_only"), "1") << nodes_[i].Address();
  }

  // Without --to, run on the replica that is behind: the one ahead is found and promoted.
  testkit::CommandResult done = Failover(nodes_[2], {"--replicas", nodes_[1].Address()});
  ASSERT_EQ(done.exit_code, kExitOk) << done.out << done.err;
  json j = testkit::ParseJson(done);
  EXPECT_EQ(j.value("new_primary", ""), nodes_[1].Address()) << done.out;
  EXPECT_EQ(j.value("old_primary", ""), nodes_[0].Address()) << done.out;
  EXPECT_EQ(j["repointed"], json::array({nodes_[2].Address()})) << done.out;
  std::printf("failover: %s took writes after %.2f s\n", nodes_[1].Address().c_str(),
              j.value("seconds_to_promotion", 0.0));

  auto fresh = Open(nodes_[1]);
  ASSERT_TRUE(fresh);
  EXPECT_EQ(Value(*fresh, "SELECT @@GLOBAL.read_only"), "0");
  EXPECT_TRUE(fresh->Query("SHOW SLAVE STATUS")->empty());
  testkit::MustExecute(*fresh, "INSERT INTO app.w (id, v) VALUES (-1, 1)");
  committed.insert(-1);
  auto other = Open(nodes_[2]);
  ASSERT_TRUE(other);
  auto st = other->Query("SHOW SLAVE STATUS");
  ASSERT_TRUE(st.ok() && !st->empty());
  EXPECT_EQ((*st)[0].GetString("Master_Port"), std::to_string(nodes_[1].port));
  ExpectSameEverywhere(1, committed, 0);
}

TEST_F(SwitchoverTest, FailoverOnAStockServerPromotesItsOneReplica) {
  ASSERT_TRUE(Up(1, true));
  auto primary = Open(nodes_[0]);
  ASSERT_TRUE(primary);
  testkit::MustExecute(*primary, "CREATE DATABASE app");
  testkit::MustExecute(*primary, "CREATE TABLE app.w (id INT PRIMARY KEY) DEFAULT CHARSET=latin1");
  testkit::MustExecute(*primary, "INSERT INTO app.w SELECT seq FROM app.seq_1_to_1000");
  const std::string last = Value(*primary, "SELECT @@gtid_binlog_pos");
  auto replica = Open(nodes_[1]);
  ASSERT_TRUE(replica);
  EXPECT_EQ(
      Value(*replica, fmt::format("SELECT MASTER_GTID_WAIT({}, 30)", mysql::QuoteString(last))),
      "0");
  testkit::MustExecute(*replica, "SET GLOBAL read_only = 1");
  primary.reset();
  KillPrimary(nodes_);

  testkit::CommandResult done = Failover(nodes_[1], {});
  ASSERT_EQ(done.exit_code, kExitOk) << done.out << done.err;
  json j = testkit::ParseJson(done);
  EXPECT_EQ(j.value("new_primary", ""), nodes_[1].Address()) << done.out;
  EXPECT_EQ(j.value("why", ""), "the only replica") << done.out;
  EXPECT_EQ(Value(*replica, "SELECT @@GLOBAL.read_only"), "0");
  EXPECT_TRUE(replica->Query("SHOW SLAVE STATUS")->empty());
  EXPECT_EQ(Value(*replica, "SELECT COUNT(*) FROM app.w"), "1000");
  testkit::MustExecute(*replica, "INSERT INTO app.w VALUES (1001)");
}

}  // namespace
}  // namespace safeddl::cli
