// `safeddl fence` against the real sandbox: an application account cannot connect or write while
// the fence is on and its open session is ended, an allowed one can, administrative and already
// locked accounts are left alone, nothing reaches the binlog or the replica, and `fence off`
// puts every account and setting back exactly. With --read-only, reads go on and writes stop.
// With --expire, a kill -9 of safeddl does not leave the fence on.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <mysqld_error.h>

#include <csignal>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "mysql/quote.h"
#include "testkit/testkit.h"

namespace safeddl::cli {
namespace {

using nlohmann::json;

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitConnection = 2;
constexpr int kExitUsage = 64;

std::string Q(const std::string& id) { return mysql::QuoteIdentifier(id).value(); }

// Every account's row of mysql.global_priv (its whole privilege JSON, lock included), and the
// settings a fence may touch: what `fence off` must give back. ACCOUNT UNLOCK leaves
// "account_locked":false where the key was absent (the same meaning), so that is left out.
std::string AccountsAndSettings(mysql::Connection& conn) {
  std::string out;
  auto rows = conn.Query("SELECT User, Host, Priv FROM mysql.global_priv ORDER BY User, Host");
  EXPECT_TRUE(rows.ok()) << rows.status().ToString();
  if (rows.ok()) {
    for (const mysql::Row& r : rows->rows()) {
      std::string priv = r[2].value_or("");
      for (size_t at; (at = priv.find(",\"account_locked\":false")) != std::string::npos;) {
        priv.erase(at, std::string_view(",\"account_locked\":false").size());
      }
      out += fmt::format("{}@{} {}\n", r[0].value_or(""), r[1].value_or(""), priv);
    }
  }
  out += "read_only=" + testkit::MustQueryValue(conn, "SELECT @@GLOBAL.read_only") + "\n";
  out += "event_scheduler=" + testkit::MustQueryValue(conn, "SELECT @@GLOBAL.event_scheduler");
  return out;
}

std::vector<std::string> Fence(const std::vector<std::string>& args) {
  std::vector<std::string> all = {"fence"};
  all.insert(all.end(), args.begin(), args.end());
  all.push_back("--defaults-file=" + testkit::Primary().client_config);
  return all;
}

mysql::ConnectOptions UserOptions(const testkit::TestUser& user) {
  mysql::ConnectOptions o;
  o.defaults_file = user.config();
  return o;
}

bool HasAccount(const json& list, const std::string& user, const std::string& reason = "") {
  for (const json& a : list) {
    if (a.value("user", "") == user && (reason.empty() || a.value("reason", "") == reason)) {
      return true;
    }
  }
  return false;
}

class FenceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    admin_ = testkit::ConnectPrimary();
    ASSERT_TRUE(admin_);
    // A fence left on by a failed run would lock this test's accounts out.
    testkit::RunSafeddl(Fence({"off"}));
    db_ = testkit::UniqueDatabase(*admin_, "fence");
    testkit::MustExecute(*admin_, fmt::format("CREATE TABLE {}.t (id INT PRIMARY KEY)", Q(db_)));
    app_ = std::make_unique<testkit::TestUser>(*admin_, "fapp");
    allowed_ = std::make_unique<testkit::TestUser>(*admin_, "fok");
    locked_ = std::make_unique<testkit::TestUser>(*admin_, "flocked");
    for (const testkit::TestUser* u : {app_.get(), allowed_.get(), locked_.get()}) {
      testkit::MustExecute(*admin_,
                           fmt::format("GRANT SELECT, INSERT ON {}.* TO {}", Q(db_), u->Account()));
    }
    testkit::MustExecute(*admin_, fmt::format("ALTER USER {} ACCOUNT LOCK", locked_->Account()));
    ASSERT_TRUE(testkit::WaitForReplica(1));
  }
  void TearDown() override {
    if (!admin_) return;
    testkit::RunSafeddl(Fence({"off"}));
    app_.reset();
    allowed_.reset();
    locked_.reset();
    testkit::MustExecute(*admin_, "DROP DATABASE IF EXISTS " + Q(db_));
  }

  // Connects as `user`: the connection, or the error.
  Result<std::unique_ptr<mysql::Connection>> As(const testkit::TestUser& user) {
    return mysql::Connection::Open(UserOptions(user));
  }
  Status Insert(mysql::Connection& conn, int id) {
    return conn.Execute(fmt::format("INSERT INTO {}.t VALUES ({})", Q(db_), id));
  }

  std::unique_ptr<mysql::Connection> admin_;
  std::string db_;
  std::unique_ptr<testkit::TestUser> app_, allowed_, locked_;
};

TEST_F(FenceTest, LocksApplicationAccountsAndOffPutsEverythingBack) {
  const std::string before = AccountsAndSettings(*admin_);
  auto held = As(*app_);
  ASSERT_TRUE(held.ok()) << held.status().ToString();
  ASSERT_TRUE(Insert(**held, 1).ok());

  // A dry run says what it would do and changes nothing.
  testkit::CommandResult dry =
      testkit::RunSafeddl(Fence({"on", "--allow", allowed_->name(), "--dry-run", "--json"}));
  ASSERT_EQ(dry.exit_code, kExitOk) << dry.err;
  json d = testkit::ParseJson(dry);
  EXPECT_TRUE(HasAccount(d["locked"], app_->name())) << dry.out;
  EXPECT_EQ(AccountsAndSettings(*admin_), before);

  const std::string gtid_before = testkit::MustQueryValue(*admin_, "SELECT @@gtid_binlog_pos");
  testkit::CommandResult on = testkit::RunSafeddl(
      Fence({"on", "--allow", allowed_->name() + "@127.0.0.1", "--grace", "1s", "--json"}));
  ASSERT_EQ(on.exit_code, kExitOk) << on.out << on.err;
  // Nothing of the fence is binlogged (the replica's copy of the account stays open, below).
  EXPECT_EQ(testkit::MustQueryValue(*admin_, "SELECT @@gtid_binlog_pos"), gtid_before);
  json j = testkit::ParseJson(on);
  EXPECT_TRUE(HasAccount(j["locked"], app_->name())) << on.out;
  EXPECT_FALSE(HasAccount(j["locked"], allowed_->name())) << on.out;
  EXPECT_TRUE(HasAccount(j["kept_open"], allowed_->name(), "allowed")) << on.out;
  EXPECT_TRUE(HasAccount(j["kept_open"], locked_->name(), "already locked")) << on.out;
  EXPECT_TRUE(HasAccount(j["kept_open"], "safeddl")) << on.out;
  EXPECT_TRUE(HasAccount(j["kept_open"], "repl", "REPLICATION SLAVE")) << on.out;
  bool ended_held = false;
  for (const json& s : j["sessions_ended"]) ended_held |= s.value("id", 0ull) == (*held)->id();
  EXPECT_TRUE(ended_held) << on.out;

  // The application can neither connect nor go on writing on the session it had.
  auto refused = As(*app_);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().server_errno(), ER_ACCOUNT_HAS_BEEN_LOCKED)
      << refused.status().ToString();
  EXPECT_FALSE(Insert(**held, 2).ok());
  // The allowed account can.
  auto ok = As(*allowed_);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_TRUE(Insert(**ok, 3).ok());

  ASSERT_TRUE(testkit::WaitForReplica(1));
  auto replica = testkit::Connect(testkit::OptionsFor(testkit::Replica(1)));
  ASSERT_TRUE(replica);
  EXPECT_EQ(testkit::MustQueryValue(
                *replica, fmt::format("SELECT IFNULL(JSON_VALUE(Priv, '$.account_locked'), "
                                      "'false') FROM mysql.global_priv WHERE User = {}",
                                      mysql::QuoteString(app_->name()))),
            "false");

  testkit::CommandResult status = testkit::RunSafeddl(Fence({"status", "--json"}));
  ASSERT_EQ(status.exit_code, kExitOk) << status.err;
  json s = testkit::ParseJson(status);
  EXPECT_TRUE(s.value("on", false)) << status.out;
  EXPECT_TRUE(HasAccount(s["still_locked"], app_->name())) << status.out;

  testkit::CommandResult again = testkit::RunSafeddl(Fence({"on"}));
  EXPECT_EQ(again.exit_code, kExitFailure);
  EXPECT_NE(again.err.find("already on"), std::string::npos) << again.err;

  const std::string gtid_on = testkit::MustQueryValue(*admin_, "SELECT @@gtid_binlog_pos");
  testkit::CommandResult off = testkit::RunSafeddl(Fence({"off", "--json"}));
  ASSERT_EQ(off.exit_code, kExitOk) << off.err;
  EXPECT_TRUE(HasAccount(testkit::ParseJson(off)["unlocked"], app_->name())) << off.out;
  EXPECT_EQ(AccountsAndSettings(*admin_), before);
  EXPECT_EQ(testkit::MustQueryValue(*admin_, "SELECT @@gtid_binlog_pos"), gtid_on);
  auto back = As(*app_);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(Insert(**back, 4).ok());
  EXPECT_EQ(testkit::RunSafeddl(Fence({"off"})).out, "no fence is on\n");
}

TEST_F(FenceTest, ReadOnlyKeepsReadsAndStopsWrites) {
  const std::string before = AccountsAndSettings(*admin_);
  testkit::CommandResult on = testkit::RunSafeddl(Fence({"on", "--read-only"}));
  ASSERT_EQ(on.exit_code, kExitOk) << on.out << on.err;
  EXPECT_EQ(testkit::MustQueryValue(*admin_, "SELECT @@GLOBAL.read_only"), "1");
  auto app = As(*app_);
  ASSERT_TRUE(app.ok()) << app.status().ToString();
  EXPECT_TRUE((*app)->Query(fmt::format("SELECT COUNT(*) FROM {}.t", Q(db_))).ok());
  Status write = Insert(**app, 1);
  EXPECT_EQ(write.server_errno(), ER_OPTION_PREVENTS_STATEMENT) << write.ToString();

  ASSERT_EQ(testkit::RunSafeddl(Fence({"off"})).exit_code, kExitOk);
  EXPECT_EQ(AccountsAndSettings(*admin_), before);
  EXPECT_TRUE(Insert(**app, 2).ok());
}

TEST_F(FenceTest, ExpiryLiftsItWhenSafeddlIsKilled) {
  const std::string before = AccountsAndSettings(*admin_);
  auto run = testkit::StartSafeddl(
      Fence({"on", "--read-only", "--lock-accounts", "--expire", "15s", "--grace", "60s"}));
  ASSERT_TRUE(testkit::WaitFor([&] { return !As(*app_).ok(); }, std::chrono::seconds(30)))
      << run->StderrSoFar();
  EXPECT_EQ(testkit::MustQueryValue(*admin_, "SELECT @@GLOBAL.read_only"), "1");
  run->Signal(SIGKILL);
  run->Wait();
  // The server's own event lifts it: the account logs in and writes again. (The expiry leaves
  // room for a loaded machine, where fence on took eight seconds under a sanitizer build.)
  ASSERT_TRUE(testkit::WaitFor([&] { return As(*app_).ok(); }, std::chrono::seconds(50)));
  EXPECT_TRUE(testkit::WaitFor(
      [&] { return testkit::MustQueryValue(*admin_, "SELECT @@GLOBAL.read_only") == "0"; },
      std::chrono::seconds(10)));
  auto app = As(*app_);
  ASSERT_TRUE(app.ok());
  EXPECT_TRUE(Insert(**app, 1).ok());

  testkit::CommandResult status = testkit::RunSafeddl(Fence({"status", "--json"}));
  json s = testkit::ParseJson(status);
  EXPECT_FALSE(s.value("on", true)) << status.out;
  EXPECT_EQ(s["fence"].value("lifted_by", ""), "expiry") << status.out;
  // Whatever the event could not put back itself (the scheduler it needed), fence off does.
  ASSERT_EQ(testkit::RunSafeddl(Fence({"off"})).exit_code, kExitOk);
  EXPECT_EQ(AccountsAndSettings(*admin_), before);
}

TEST_F(FenceTest, BadInputChangesNothing) {
  const std::string before = AccountsAndSettings(*admin_);
  testkit::CommandResult r = testkit::RunSafeddl(Fence({"on", "--allow", "nobody_here@nowhere"}));
  EXPECT_EQ(r.exit_code, kExitUsage);
  EXPECT_NE(r.err.find("nobody_here@nowhere: no such account"), std::string::npos) << r.err;
  r = testkit::RunSafeddl(Fence({"on", "--expire", "soon"}));
  EXPECT_EQ(r.exit_code, kExitUsage);
  EXPECT_NE(r.err.find("not a duration"), std::string::npos) << r.err;
  r = testkit::RunSafeddl(Fence({"on", "--lock-accounts"}));
  EXPECT_EQ(r.exit_code, kExitUsage);
  // An account without the privileges is told which one is missing, before anything changes.
  r = testkit::RunSafeddl({"fence", "on", "--defaults-file=" + app_->config()});
  EXPECT_EQ(r.exit_code, kExitConnection);
  EXPECT_NE(r.err.find("BINLOG ADMIN"), std::string::npos) << r.err;
  EXPECT_EQ(AccountsAndSettings(*admin_), before);
  auto app = As(*app_);
  EXPECT_TRUE(app.ok());
  EXPECT_EQ(testkit::ParseJson(testkit::RunSafeddl(Fence({"status", "--json"}))).value("on", true),
            false);
}

}  // namespace
}  // namespace safeddl::cli
