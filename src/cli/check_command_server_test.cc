// `safeddl check` against the real sandbox (primary + one GTID replica) that the ctest fixture
// starts: a ready server, a server without ROW binlog, users lacking privileges, and connection
// failures. Each test restores what it changes, even when an assertion fails.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/strings.h"
#include "mysql/quote.h"
#include "testkit/testkit.h"

namespace safeddl::cli {
namespace {

constexpr int kExitReady = 0;
constexpr int kExitNotReady = 1;
constexpr int kExitCannotConnect = 2;

// Parses stdout as JSON or fails the test.
nlohmann::json ParseReport(const testkit::CommandResult& r) {
  auto j = nlohmann::json::parse(r.out, nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(j.is_discarded()) << "not JSON:\n" << r.out << "\nstderr:\n" << r.err;
  return j;
}

nlohmann::json FindingNamed(const nlohmann::json& report, const std::string& item) {
  for (const auto& f : report.value("findings", nlohmann::json::array())) {
    if (f.value("item", "") == item) return f;
  }
  ADD_FAILURE() << "no finding '" << item << "' in\n" << report.dump(2);
  return nlohmann::json::object();
}

std::vector<std::string> CheckArgs(const std::string& defaults_file) {
  return {"check", "--defaults-file=" + defaults_file, "--json"};
}

size_t CountLines(const std::string& text) {
  return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
}

TEST(CheckCommandServerTest, SandboxPrimaryIsReadyAndShowsItsReplica) {
  const auto r = testkit::RunSafeddl(CheckArgs(testkit::Primary().client_config));
  EXPECT_EQ(r.exit_code, kExitReady) << r.out << r.err;
  const nlohmann::json report = ParseReport(r);
  EXPECT_EQ(report["flavor"], "mariadb");
  EXPECT_EQ(report["ready"]["alter"], true);
  EXPECT_EQ(report["ready"]["unblock"], true);
  EXPECT_EQ(report["ready"]["flashback"], true);
  EXPECT_EQ(report["ready"]["binlog"], true);
  EXPECT_EQ(FindingNamed(report, "binlog_format")["found"], "ROW");
  const std::string metadata = FindingNamed(report, "binlog_row_metadata").value("found", "");
  if (testkit::StockServer()) {
    // The server's default: a warning with its fix, still ready (read from the definitions).
    EXPECT_EQ(metadata.rfind("NO_LOG (exact over a connection", 0), 0u) << metadata;
    EXPECT_EQ(FindingNamed(report, "binlog_row_metadata")["status"], "warn");
  } else {
    EXPECT_EQ(metadata, "FULL");
  }

  const std::string replica_id = std::to_string(testkit::Replica(1).server_id);
  bool seen = false;
  for (const auto& replica : report["replicas"]) seen |= replica["server_id"] == replica_id;
  EXPECT_TRUE(seen) << "replica " << replica_id << " not listed:\n" << report.dump(2);
  EXPECT_NE(FindingNamed(report, "replicas")["found"].get<std::string>().find(replica_id),
            std::string::npos);
}

TEST(CheckCommandServerTest, HumanTableSaysReady) {
  const auto r =
      testkit::RunSafeddl({"check", "--defaults-file=" + testkit::Primary().client_config});
  EXPECT_EQ(r.exit_code, kExitReady) << r.out << r.err;
  EXPECT_NE(r.out.find("binlog_format"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("alter          ready"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("INSTALL SONAME 'metadata_lock_info'"), std::string::npos) << r.out;
}

TEST(CheckCommandServerTest, ReplicaReportsItsOwnReplication) {
  const auto r = testkit::RunSafeddl(CheckArgs(testkit::Replica(1).client_config));
  EXPECT_EQ(r.exit_code, kExitReady) << r.out << r.err;
  const nlohmann::json report = ParseReport(r);
  const std::string own = FindingNamed(report, "this server as a replica").value("found", "");
  EXPECT_NE(
      own.find(fmt::format("replica of {}:{}", testkit::Primary().host, testkit::Primary().port)),
      std::string::npos)
      << own;
  EXPECT_NE(own.find("SQL running"), std::string::npos) << own;
}

TEST(CheckCommandServerTest, StatementBinlogIsNotReadyAndNamesTheFix) {
  auto admin = testkit::ConnectPrimary();
  ASSERT_NE(admin, nullptr);
  testkit::MustExecute(*admin, "SET GLOBAL binlog_format = 'STATEMENT'");
  testkit::ScopeGuard restore(
      [&] { testkit::MustExecute(*admin, "SET GLOBAL binlog_format = 'ROW'"); });

  const auto r = testkit::RunSafeddl(CheckArgs(testkit::Primary().client_config));
  EXPECT_EQ(r.exit_code, kExitNotReady) << r.out << r.err;
  const nlohmann::json report = ParseReport(r);
  EXPECT_EQ(report["ready"]["alter"], false);
  EXPECT_EQ(report["ready"]["flashback"], false);
  EXPECT_EQ(report["ready"]["unblock"], true);
  const nlohmann::json f = FindingNamed(report, "binlog_format");
  EXPECT_EQ(f["status"], "fail");
  EXPECT_NE(f["found"].get<std::string>().find("STATEMENT"), std::string::npos);
  EXPECT_NE(f["fix"].get<std::string>().find("SET GLOBAL binlog_format = 'ROW'"),
            std::string::npos);
  EXPECT_NE(r.err.find("not ready for online ALTER: binlog_format"), std::string::npos) << r.err;
}

TEST(CheckCommandServerTest, SelectOnlyUserIsNotReadyAndNamesMissingPrivileges) {
  auto admin = testkit::ConnectPrimary();
  ASSERT_NE(admin, nullptr);
  testkit::TestUser user(*admin, "chk_select");
  testkit::MustExecute(*admin, fmt::format("GRANT SELECT ON *.* TO {}", user.Account()));

  const auto r = testkit::RunSafeddl(CheckArgs(user.config()));
  EXPECT_EQ(r.exit_code, kExitNotReady) << r.out << r.err;
  const nlohmann::json report = ParseReport(r);
  EXPECT_EQ(report["user"], user.name() + "@" + testkit::Primary().host);
  for (const char* c : {"alter", "unblock", "flashback", "binlog"}) {
    EXPECT_EQ(report["ready"][c], false) << c;
  }
  const nlohmann::json alter = FindingNamed(report, "privileges for alter");
  EXPECT_EQ(alter["status"], "fail");
  EXPECT_EQ(alter["found"],
            "missing ALTER, CREATE, DROP, INSERT, UPDATE, DELETE, LOCK TABLES (global or on the "
            "table's schema)");
  const nlohmann::json binlog = FindingNamed(report, "privileges to read the binlog");
  EXPECT_EQ(binlog["found"], "missing REPLICATION SLAVE, BINLOG MONITOR");
  EXPECT_EQ(binlog["fix"],
            fmt::format("GRANT REPLICATION SLAVE, BINLOG MONITOR ON *.* TO {}", user.Account()));
  EXPECT_EQ(FindingNamed(report, "privileges for unblock/watch")["found"],
            "missing PROCESS, CONNECTION ADMIN");
  // Unreadable replica list is a warning with the privilege MariaDB 10.11 asks for.
  EXPECT_EQ(FindingNamed(report, "replicas")["fix"],
            fmt::format("GRANT REPLICATION MASTER ADMIN ON *.* TO {}", user.Account()));
  EXPECT_NE(r.err.find("privileges for alter"), std::string::npos) << r.err;
}

TEST(CheckCommandServerTest, SchemaGrantsAreEnoughWithDatabase) {
  auto admin = testkit::ConnectPrimary();
  ASSERT_NE(admin, nullptr);
  const std::string db = testkit::UniqueDatabase(*admin, "chk_db");
  testkit::ScopeGuard drop_db(
      [&] { testkit::MustExecute(*admin, fmt::format("DROP DATABASE `{}`", db)); });
  testkit::TestUser user(*admin, "chk_schema");
  testkit::MustExecute(
      *admin, fmt::format("GRANT REPLICATION SLAVE, BINLOG MONITOR ON *.* TO {}", user.Account()));
  testkit::MustExecute(*admin, fmt::format("GRANT ALTER, CREATE, DROP, INSERT, SELECT, UPDATE, "
                                           "DELETE, LOCK TABLES ON `{}`.* TO {}",
                                           db, user.Account()));

  auto args = CheckArgs(user.config());
  args.push_back("--database=" + db);
  const auto r = testkit::RunSafeddl(args);
  EXPECT_EQ(r.exit_code, kExitReady) << r.out << r.err;
  const nlohmann::json report = ParseReport(r);
  EXPECT_EQ(FindingNamed(report, "privileges for alter")["status"], "ok");
  EXPECT_EQ(report["ready"]["unblock"], false);  // no PROCESS / CONNECTION ADMIN

  auto other = CheckArgs(user.config());
  other.push_back("--database=mysql");
  EXPECT_EQ(testkit::RunSafeddl(other).exit_code, kExitNotReady);
}

TEST(CheckCommandServerTest, WrongPasswordIsAOneLineErrorWithoutThePassword) {
  // The one test that puts a password in argv: it must not be echoed anywhere.
  const std::string wrong = fmt::format("Wrong-Pw-{}-xyzzy", ::getpid());
  const auto r = testkit::RunSafeddl({"check", "--host", testkit::Primary().host, "--port",
                                      std::to_string(testkit::Primary().port), "--user", "safeddl",
                                      "--password=" + wrong, "--json"});
  EXPECT_EQ(r.exit_code, kExitCannotConnect) << r.out << r.err;
  EXPECT_EQ(r.out.find(wrong), std::string::npos) << r.out;
  EXPECT_EQ(r.err.find(wrong), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  size_t error_lines = 0;
  for (const std::string& line : SplitString(r.err, '\n')) {
    if (line.find("error") != std::string::npos) ++error_lines;
  }
  EXPECT_EQ(error_lines, 1u) << r.err;
  EXPECT_NE(r.err.find("ccess denied"), std::string::npos) << r.err;
}

TEST(CheckCommandServerTest, UnknownHostIsAOneLineError) {
  const auto r = testkit::RunSafeddl(
      {"check", "--host", "no-such-host.invalid", "--user", "nobody", "--connect-timeout", "5"});
  EXPECT_EQ(r.exit_code, kExitCannotConnect) << r.out << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_EQ(CountLines(r.err), 1u) << r.err;
  EXPECT_NE(r.err.find("no-such-host.invalid"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace safeddl::cli
