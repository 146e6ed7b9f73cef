// `safeddl sandbox` end to end through the binary: lifecycle, idempotency, every error path, and
// a server that dies mid-query. Each test uses its own sandbox folder, apart from the fixture's.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "common/strings.h"
#include "mysql/connection.h"
#include "sandbox/ports.h"
#include "sandbox/server_process.h"
#include "testkit/testkit.h"

namespace safeddl::cli {
namespace {

using testkit::RunSafeddl;

class SandboxCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fmt::format("/tmp/safeddl-sbtest-{}-{}", ::getpid(),
                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(root_);
  }
  void TearDown() override {
    RunSafeddl({"sandbox", "down", "--name", "t", "--dir", root_});
    std::filesystem::remove_all(root_);
  }
  nlohmann::json Up(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"sandbox", "up", "--name", "t", "--dir", root_, "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto r = RunSafeddl(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out, nullptr, false);
  }
  std::string root_;
};

TEST_F(SandboxCommandTest, UpIsIdempotentListShowsItDownRemovesIt) {
  const nlohmann::json first = Up();
  ASSERT_TRUE(first.is_object());
  EXPECT_FALSE(first["already_running"].get<bool>());
  const auto& primary = first["servers"][0];
  const int pid = primary["pid"];
  const std::string client_cnf = primary["defaults_file"];
  EXPECT_EQ(::kill(pid, 0), 0);

  // The password lives only in client.cnf, readable by the owner alone.
  struct stat st {};
  ASSERT_EQ(::stat(client_cnf.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const std::string cnf = ReadFileToString(client_cnf).value_or("");
  const size_t at = cnf.find("password=");
  ASSERT_NE(at, std::string::npos);
  const std::string password = cnf.substr(at + 9, cnf.find('\n', at) - at - 9);
  EXPECT_GE(password.size(), 20u);
  EXPECT_EQ(first.dump().find(password), std::string::npos);

  // The generated account works, binlog is ROW/FULL, and root has no empty-password login.
  mysql::ConnectOptions o;
  o.defaults_file = client_cnf;
  auto conn = testkit::Connect(o);
  ASSERT_NE(conn, nullptr);
  EXPECT_EQ(testkit::MustQueryValue(*conn, "SELECT @@binlog_format"), "ROW");
  EXPECT_EQ(testkit::MustQueryValue(*conn, "SELECT @@binlog_row_image"), "FULL");
  EXPECT_EQ(testkit::MustQueryValue(*conn, "SELECT @@server_id"),
            std::to_string(primary["port"].get<unsigned>()));
  EXPECT_EQ(testkit::MustQueryValue(
                *conn,
                "SELECT COUNT(*) FROM mysql.user WHERE authentication_string = '' AND "
                "plugin IN ('', 'mysql_native_password') AND User <> 'mariadb.sys'"),
            "0");

  const nlohmann::json again = Up();
  EXPECT_TRUE(again["already_running"].get<bool>());
  EXPECT_EQ(again["servers"][0]["pid"].get<int>(), pid);

  const auto list = RunSafeddl({"sandbox", "list", "--dir", root_, "--json"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  const auto listed = nlohmann::json::parse(list.out);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_TRUE(listed[0]["servers"][0]["running"].get<bool>());

  const auto down = RunSafeddl({"sandbox", "down", "--name", "t", "--dir", root_});
  EXPECT_EQ(down.exit_code, 0) << down.err;
  EXPECT_NE(::kill(pid, 0), 0) << "server still running after down";
  EXPECT_FALSE(std::filesystem::exists(root_ + "/t"));
  EXPECT_NE(RunSafeddl({"sandbox", "list", "--dir", root_}).out.find("no sandboxes"),
            std::string::npos);

  const auto down_again = RunSafeddl({"sandbox", "down", "--name", "t", "--dir", root_});
  EXPECT_EQ(down_again.exit_code, 1);
  EXPECT_NE(down_again.err.find("no sandbox named 't'"), std::string::npos) << down_again.err;
}

// --stock: a server as users run one. Its variables are the server's defaults, replicas too,
// and what the config file sets is only what a bare server needs here.
TEST_F(SandboxCommandTest, StockSandboxKeepsTheServersDefaults) {
  const nlohmann::json info = Up({"--stock", "--replicas", "1"});
  ASSERT_TRUE(info.is_object());
  EXPECT_TRUE(info["stock"].get<bool>());
  ASSERT_EQ(info["servers"].size(), 2u);
  for (const auto& server : info["servers"]) {
    SCOPED_TRACE(server["role"].get<std::string>());
    mysql::ConnectOptions o;
    o.defaults_file = server["defaults_file"];
    auto conn = testkit::Connect(o);
    ASSERT_NE(conn, nullptr);
    const std::vector<std::pair<std::string, std::string>> expected = {
        {"@@binlog_format", "ROW"},
        {"@@binlog_row_image", "FULL"},
        {"@@binlog_row_metadata", "NO_LOG"},
        {"@@performance_schema", "0"},
        {"@@innodb_autoinc_lock_mode", "1"},
        {"@@gtid_strict_mode", "0"},
        {"@@log_slave_updates", "0"},
        {"@@character_set_server", "latin1"},
        {"@@report_host IS NULL", "1"},
        {"@@skip_name_resolve", "0"},
        {"@@innodb_flush_log_at_trx_commit", "1"},
        {"@@server_id", std::to_string(server["port"].get<unsigned>())},
    };
    for (const auto& [expr, value] : expected) {
      EXPECT_EQ(testkit::MustQueryValue(*conn, "SELECT " + expr), value) << expr;
    }
    const std::string config = ReadFileToString(server["config"]).value_or("");
    for (const char* friendly : {"binlog-row-metadata", "gtid-strict-mode", "performance-schema",
                                 "log-slave-updates", "innodb", "skip-name-resolve"}) {
      EXPECT_EQ(config.find(friendly), std::string::npos) << friendly << " in\n" << config;
    }
  }
  // The replica replicates (GTID, not strict).
  mysql::ConnectOptions po;
  po.defaults_file = info["servers"][0]["defaults_file"];
  auto primary = testkit::Connect(po);
  ASSERT_NE(primary, nullptr);
  testkit::MustExecute(*primary, "CREATE DATABASE stock_probe");
  mysql::ConnectOptions ro;
  ro.defaults_file = info["servers"][1]["defaults_file"];
  auto replica = testkit::Connect(ro);
  ASSERT_NE(replica, nullptr);
  EXPECT_TRUE(testkit::WaitFor([&] {
    return testkit::MustQueryValue(*replica,
                                   "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE "
                                   "SCHEMA_NAME = 'stock_probe'") == "1";
  }));

  // The same name without --stock is another sandbox: refused, not silently reused.
  const auto mixed = RunSafeddl({"sandbox", "up", "--name", "t", "--dir", root_});
  EXPECT_EQ(mixed.exit_code, 1);
  EXPECT_NE(mixed.err.find("exists with --stock"), std::string::npos) << mixed.err;
  const auto again = RunSafeddl({"sandbox", "up", "--name", "t", "--dir", root_, "--stock"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("is already running"), std::string::npos) << again.out;
  EXPECT_NE(again.out.find("stock settings"), std::string::npos) << again.out;
}

TEST_F(SandboxCommandTest, StockExcludesPerformanceSchema) {
  const auto r = RunSafeddl(
      {"sandbox", "up", "--name", "t", "--dir", root_, "--stock", "--performance-schema"});
  EXPECT_EQ(r.exit_code, 64) << r.err;
  EXPECT_NE(r.err.find("excludes"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(root_ + "/t"));
}

TEST_F(SandboxCommandTest, PortInUseIsAClearError) {
  // The fixture's primary holds its port.
  const std::string port = std::to_string(testkit::Primary().port);
  const auto r = RunSafeddl({"sandbox", "up", "--name", "t", "--dir", root_, "--port", port});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("port " + port + " is in use"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(root_ + "/t"));
}

TEST_F(SandboxCommandTest, UnwritableDirectoryIsAClearError) {
  const auto r = RunSafeddl({"sandbox", "up", "--name", "t", "--dir", "/proc/safeddl-nope"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("cannot create directory '/proc/safeddl-nope/t'"), std::string::npos)
      << r.err;
}

TEST_F(SandboxCommandTest, MissingServerBinaryNamesThePackage) {
  const auto r = RunSafeddl({"sandbox", "up", "--name", "t", "--dir", root_},
                            {"SAFEDDL_MARIADBD=/nonexistent/mariadbd"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("mariadb-server"), std::string::npos) << r.err;
}

TEST_F(SandboxCommandTest, ServerThatFailsToStartShowsItsLogAndLeavesNothing) {
  // A "server" that writes an error and exits at once.
  const std::string fake = root_ + "-fake-mariadbd.sh";
  {
    std::FILE* f = std::fopen(fake.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs("#!/bin/sh\necho '[ERROR] fake failure: InnoDB refused to start'\nexit 1\n", f);
    std::fclose(f);
    ::chmod(fake.c_str(), 0755);
  }
  const auto r =
      RunSafeddl({"sandbox", "up", "--name", "t", "--dir", root_}, {"SAFEDDL_MARIADBD=" + fake});
  std::remove(fake.c_str());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("failed to start"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("InnoDB refused to start"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(root_ + "/t"));
}

TEST_F(SandboxCommandTest, PortTakenWhileStartingMovesToTheNextFreePort) {
  // A server that finds its port taken at bind time (another process won the race), then starts.
  auto real = sandbox::FindServerBinary();
  ASSERT_TRUE(real.ok()) << real.status().ToString();
  const std::string fake = root_ + "-racing-mariadbd.sh";
  const std::string marker = root_ + "-raced";
  {
    std::FILE* f = std::fopen(fake.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs(fmt::format("#!/bin/sh\nif [ ! -e '{0}' ]; then touch '{0}'; echo \"[ERROR] Can't "
                           "start server: Bind on TCP/IP port. Got error: 98: Address already in "
                           "use\"; exit 1; fi\nexec '{1}' \"$@\"\n",
                           marker, *real)
                   .c_str(),
               f);
    std::fclose(f);
    ::chmod(fake.c_str(), 0755);
  }
  const auto r = RunSafeddl({"sandbox", "up", "--name", "t", "--dir", root_, "--json"},
                            {"SAFEDDL_MARIADBD=" + fake});
  std::remove(fake.c_str());
  std::remove(marker.c_str());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto taken = r.err.find("was taken while primary started; using ");
  ASSERT_NE(taken, std::string::npos) << r.err;
  const unsigned moved_to = static_cast<unsigned>(std::stoul(
      r.err.substr(taken + std::string("was taken while primary started; using ").size())));
  const auto info = nlohmann::json::parse(r.out);
  EXPECT_EQ(info["servers"][0]["port"].get<unsigned>(), moved_to);
  EXPECT_EQ(info["servers"][0]["server_id"].get<unsigned>(), moved_to);
  mysql::ConnectOptions o;
  o.defaults_file = info["servers"][0]["defaults_file"];
  auto conn = testkit::Connect(o);
  ASSERT_NE(conn, nullptr);
  EXPECT_EQ(testkit::MustQueryValue(*conn, "SELECT @@port"), std::to_string(moved_to));
}

TEST_F(SandboxCommandTest, BadNameIsAUsageError) {
  const auto r = RunSafeddl({"sandbox", "up", "--name", "../evil", "--dir", root_});
  EXPECT_EQ(r.exit_code, 64);
  EXPECT_NE(r.err.find("may contain only letters"), std::string::npos) << r.err;
}

TEST_F(SandboxCommandTest, ServerGoneMidQueryIsAOneLineErrorExitTwo) {
  const nlohmann::json info = Up();
  ASSERT_TRUE(info.is_object());
  const int pid = info["servers"][0]["pid"];
  mysql::ConnectOptions o;
  o.defaults_file = info["servers"][0]["defaults_file"];
  auto conn = testkit::Connect(o);
  ASSERT_NE(conn, nullptr);
  std::thread killer([pid] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    ::kill(pid, SIGKILL);
  });
  Status s = conn->Execute("SELECT SLEEP(20)");
  killer.join();
  EXPECT_EQ(s.code(), StatusCode::kConnectionLost) << s.ToString();

  const auto r = RunSafeddl({"check", "--defaults-file=" + o.defaults_file});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find("cannot connect to safeddl@127.0.0.1:"), std::string::npos) << r.err;

  // `down` copes with a dead server, and says it had stopped on its own: the error log (where a
  // crash's backtrace would be) is kept beside the removed folder.
  const auto down = RunSafeddl({"sandbox", "down", "--name", "t", "--dir", root_});
  EXPECT_EQ(down.exit_code, 1) << down.err;
  EXPECT_NE(down.err.find("had stopped on its own"), std::string::npos) << down.err;
  EXPECT_EQ(::access((root_ + "/t-primary-stopped.err").c_str(), R_OK), 0) << down.err;
  EXPECT_NE(::access((root_ + "/t").c_str(), F_OK), 0) << "the sandbox folder is still there";
}

TEST(CliTest, HelpVersionAndUsageErrors) {
  const auto help = RunSafeddl({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  for (const char* sub : {"sandbox", "check"}) EXPECT_NE(help.out.find(sub), std::string::npos);
  const auto version = RunSafeddl({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_NE(version.out.find("safeddl 0."), std::string::npos) << version.out;
  const auto unknown = RunSafeddl({"check", "--no-such-flag"});
  EXPECT_EQ(unknown.exit_code, 64);
  EXPECT_NE(unknown.err.find("--no-such-flag"), std::string::npos) << unknown.err;
  const auto ssl = RunSafeddl({"check", "--ssl-mode", "SOMETIMES", "--host", "127.0.0.1"});
  EXPECT_EQ(ssl.exit_code, 64);
  EXPECT_NE(ssl.err.find("unknown --ssl-mode 'SOMETIMES'"), std::string::npos) << ssl.err;
  const auto ask = RunSafeddl({"check", "--ask-pass", "--host", "127.0.0.1"});
  EXPECT_EQ(ask.exit_code, 64);  // no terminal: refuses instead of hanging
  EXPECT_NE(ask.err.find("--ask-pass needs a terminal"), std::string::npos) << ask.err;
}

}  // namespace
}  // namespace safeddl::cli
