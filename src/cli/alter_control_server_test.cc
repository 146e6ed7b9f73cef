// `safeddl alter` throttling, postponement and the control socket, end to end against the real
// sandbox through the binary: the throttle flag file, the postpone flag file and `unpostpone`,
// replica lag on the sandbox's replica, --throttle-http, --critical-load, and the socket's throttle/no-throttle/
// status/panic while a migration runs. Each test talks to the socket as a client would: a plain
// AF_UNIX connection, one line, read to EOF.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <thread>

#include "mysql/connection.h"
#include "mysql/quote.h"
#include "testkit/http_stub.h"
#include "testkit/testkit.h"

namespace safeddl::cli {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testkit::MustExecute;
using testkit::MustQueryValue;
using testkit::WaitFor;


void Touch(const std::string& path) { std::ofstream(path).put('\n'); }

class AlterControlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    conn_ = testkit::ConnectPrimary();
    ASSERT_NE(conn_, nullptr);
    db_ = testkit::UniqueDatabase(*conn_, "actl");
    socket_ = fmt::format("/tmp/safeddl-test-{}.sock", db_);
    flag_ = fmt::format("/tmp/safeddl-test-{}.flag", db_);
  }
  void TearDown() override {
    if (alter_.joinable()) alter_.join();
    ::unlink(flag_.c_str());
    if (conn_) MustExecute(*conn_, "DROP DATABASE IF EXISTS " + *mysql::QuoteIdentifier(db_));
  }
  std::string T(const std::string& table) { return *mysql::QuoteQualified(db_, table); }

  void CreateTable(int rows) {
    MustExecute(*conn_,
                fmt::format("CREATE TABLE {} (id INT PRIMARY KEY, v INT, s VARCHAR(40))", T("t")));
    MustExecute(*conn_, fmt::format("INSERT INTO {} SELECT seq, seq, REPEAT('x', 30) FROM "
                                    "{}.seq_1_to_{}",
                                    T("t"), *mysql::QuoteIdentifier(db_), rows));
  }
  bool TableExists(const std::string& table) {
    return MustQueryValue(*conn_,
                          fmt::format("SELECT COUNT(*) FROM information_schema.TABLES "
                                      "WHERE TABLE_SCHEMA = {} AND TABLE_NAME = {}",
                                      mysql::QuoteString(db_), mysql::QuoteString(table))) == "1";
  }
  int HelperTables() {
    return std::stoi(MustQueryValue(
        *conn_, fmt::format("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA "
                            "= {} AND TABLE_NAME LIKE '\\_%'",
                            mysql::QuoteString(db_))));
  }
  bool HasColumn(const std::string& column) {
    return MustQueryValue(*conn_,
                          fmt::format("SELECT COUNT(*) FROM information_schema.COLUMNS "
                                      "WHERE TABLE_SCHEMA = {} AND TABLE_NAME = 't' AND "
                                      "COLUMN_NAME = {}",
                                      mysql::QuoteString(db_), mysql::QuoteString(column))) == "1";
  }

  // Starts `safeddl alter` on its own thread; result_ is set when it ends.
  void StartAlter(const std::string& alter, std::vector<std::string> extra) {
    std::vector<std::string> args = {"alter", "--force-copy",
                                     "--defaults-file=" + testkit::Primary().client_config,
                                     "--database",
                                     db_,
                                     "--table",
                                     "t",
                                     "--alter",
                                     alter,
                                     "--execute",
                                     "--json",
                                     "--serve-socket-file",
                                     socket_};
    args.insert(args.end(), extra.begin(), extra.end());
    alter_ = std::thread([this, args] {
      result_ = testkit::RunSafeddl(args);
      finished_.store(true);
    });
  }
  testkit::CommandResult FinishAlter() {
    if (alter_.joinable()) alter_.join();
    return result_;
  }
  // Waits until the socket answers `status` with something containing `text`.
  bool WaitForStatus(const std::string& text) {
    return WaitFor([&] {
             return testkit::ControlSocketCommand(socket_, "status").find(text) != std::string::npos ||
                    finished_.load();
           }) &&
           !finished_.load();
  }

  std::unique_ptr<mysql::Connection> conn_;
  std::string db_, socket_, flag_;
  std::thread alter_;
  std::atomic<bool> finished_{false};
  testkit::CommandResult result_;
};

TEST_F(AlterControlTest, ThrottleFlagFileHoldsTheCopyUntilRemoved) {
  CreateTable(5000);
  Touch(flag_);
  StartAlter("ADD COLUMN c INT", {"--throttle-flag-file", flag_});
  ASSERT_TRUE(WaitForStatus("throttled: flag file " + flag_ + " exists"))
      << testkit::ControlSocketCommand(socket_, "status") << result_.err;
  const auto until = std::chrono::steady_clock::now() + seconds(2);
  while (std::chrono::steady_clock::now() < until) {
    ASSERT_EQ(MustQueryValue(*conn_, "SELECT COUNT(*) FROM " + T("_t_gho")), "0")
        << "rows copied while the throttle flag file exists";
    std::this_thread::sleep_for(milliseconds(200));
  }
  ::unlink(flag_.c_str());
  const auto r = FinishAlter();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto report = nlohmann::json::parse(r.out);
  EXPECT_TRUE(report["swapped"].get<bool>());
  EXPECT_GE(report["throttled_seconds"].get<double>(), 1.5) << r.out;
  EXPECT_EQ(MustQueryValue(*conn_, "SELECT COUNT(*) FROM " + T("t")), "5000");
  EXPECT_TRUE(HasColumn("c"));
  EXPECT_NE(::access(socket_.c_str(), F_OK), 0) << "the socket file is left behind";
}

TEST_F(AlterControlTest, ThrottleHttpHoldsTheCopyUntilTheUrlAnswers200) {
  CreateTable(5000);
  testkit::HttpStub http(503);
  StartAlter("ADD COLUMN c INT",
             {"--throttle-http", http.url("/ok"), "--throttle-http-interval-millis", "50"});
  ASSERT_TRUE(WaitForStatus("throttled: " + http.url("/ok") + " answered HTTP 503"))
      << testkit::ControlSocketCommand(socket_, "status") << result_.err;
  const auto until = std::chrono::steady_clock::now() + seconds(1);
  while (std::chrono::steady_clock::now() < until) {
    ASSERT_EQ(MustQueryValue(*conn_, "SELECT COUNT(*) FROM " + T("_t_gho")), "0")
        << "rows copied while the URL answers 503";
    std::this_thread::sleep_for(milliseconds(100));
  }
  // Changed on the socket to a URL nothing answers: that throttles too.
  testkit::ControlSocketCommand(socket_, "throttle-http=http://127.0.0.1:1/");
  EXPECT_TRUE(WaitForStatus("throttled: http://127.0.0.1:1/ did not answer: cannot connect"))
      << testkit::ControlSocketCommand(socket_, "status");
  EXPECT_EQ(testkit::ControlSocketCommand(socket_, "throttle-http=?"), "http://127.0.0.1:1/\n");
  EXPECT_NE(testkit::ControlSocketCommand(socket_, "throttle-http=https://lb/").find("https"),
            std::string::npos);
  const int before = http.requests();
  EXPECT_GE(before, 5) << "checked every 50 ms";
  http.set_status(200);
  testkit::ControlSocketCommand(socket_, "throttle-http=" + http.url("/ok"));
  const auto r = FinishAlter();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto report = nlohmann::json::parse(r.out);
  EXPECT_TRUE(report["swapped"].get<bool>());
  EXPECT_GE(report["throttled_seconds"].get<double>(), 1.0) << r.out;
  EXPECT_EQ(MustQueryValue(*conn_, "SELECT COUNT(*) FROM " + T("t")), "5000");
  EXPECT_GT(http.requests(), before);
  EXPECT_EQ(http.last_request().rfind("HEAD /ok HTTP/1.1\r\n", 0), 0u) << http.last_request();

  // An https:// URL is refused before anything starts.
  const auto bad = testkit::RunSafeddl({"alter", "--force-copy", "--defaults-file=" + testkit::Primary().client_config,
                                        "--database", db_, "--table", "t", "--alter",
                                        "ADD COLUMN d INT", "--execute", "--throttle-http",
                                        "https://lb.internal/ok"});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("https:// URLs are not supported"), std::string::npos) << bad.err;
  EXPECT_FALSE(HasColumn("d"));
}

TEST_F(AlterControlTest, SocketThrottleNoThrottleStatusAndSettings) {
  CreateTable(5000);
  Touch(flag_);  // holds the copy at the start, so the commands below land before it moves
  StartAlter("ADD COLUMN c INT", {"--throttle-flag-file", flag_, "--chunk-size", "100"});
  ASSERT_TRUE(WaitForStatus("throttled: flag file")) << result_.err;

  EXPECT_NE(testkit::ControlSocketCommand(socket_, "throttle").find("binary logs"), std::string::npos);
  ::unlink(flag_.c_str());
  ASSERT_TRUE(WaitForStatus("# throttled: throttled by command"))
      << testkit::ControlSocketCommand(socket_, "status");
  std::this_thread::sleep_for(seconds(1));
  EXPECT_EQ(MustQueryValue(*conn_, "SELECT COUNT(*) FROM " + T("_t_gho")), "0")
      << "rows copied while throttled by command";

  // Settings change live and read back.
  EXPECT_NE(testkit::ControlSocketCommand(socket_, "chunk-size=250").find("chunk-size: 250;"), std::string::npos);
  EXPECT_EQ(testkit::ControlSocketCommand(socket_, "chunk-size=?"), "250\n");
  EXPECT_NE(testkit::ControlSocketCommand(socket_, "max-lag-millis=2500").find("max-lag-millis: 2500ms"),
            std::string::npos);
  EXPECT_NE(testkit::ControlSocketCommand(socket_, "max-load=Threads_running=400")
                .find("# max-load: Threads_running=400; critical-load: none"),
            std::string::npos);
  EXPECT_EQ(testkit::ControlSocketCommand(socket_, "max-load=?"), "Threads_running=400\n");
  EXPECT_EQ(testkit::ControlSocketCommand(socket_, "nice-ratio=0.1").empty(), false);
  EXPECT_EQ(testkit::ControlSocketCommand(socket_, "bogus"), "error: unknown command: bogus (try: help)\n");
  // A replica to watch that cannot be reached: its lag is unknown, which throttles; an empty
  // list watches none again.
  testkit::ControlSocketCommand(socket_, "no-throttle");
  testkit::ControlSocketCommand(socket_, "throttle-control-replicas=127.0.0.1:1");
  EXPECT_TRUE(WaitForStatus("# throttled: replica 127.0.0.1:1 lag unknown"))
      << testkit::ControlSocketCommand(socket_, "status");
  testkit::ControlSocketCommand(socket_, "throttle");
  testkit::ControlSocketCommand(socket_, "throttle-control-replicas=");
  EXPECT_EQ(testkit::ControlSocketCommand(socket_, "throttle-control-replicas=?"), "\n");
  EXPECT_NE(testkit::ControlSocketCommand(socket_, "sup").find("copy"), std::string::npos);
  EXPECT_NE(testkit::ControlSocketCommand(socket_, "unpostpone").find("not being postponed"), std::string::npos);
  // A second migration of the table may neither take the socket over nor touch its tables.
  const auto second = testkit::RunSafeddl(
      {"alter", "--force-copy", "--defaults-file=" + testkit::Primary().client_config, "--database", db_, "--table",
       "t", "--alter", "ADD COLUMN d INT", "--execute", "--serve-socket-file", socket_,
       "--initially-drop-socket-file", "--initially-drop-ghost-table"});
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_NE(second.err.find("another safeddl migration of `" + db_ + "`.`t` is running"),
            std::string::npos)
      << second.err;
  EXPECT_TRUE(TableExists("_t_gho")) << "the second migration dropped the first one's ghost";
  // Another table's migration may not take this one's socket over either.
  const auto other = testkit::RunSafeddl(
      {"alter", "--force-copy", "--defaults-file=" + testkit::Primary().client_config, "--database", db_, "--table",
       "other", "--alter", "ADD COLUMN d INT", "--execute", "--serve-socket-file", socket_,
       "--initially-drop-socket-file"});
  EXPECT_EQ(other.exit_code, 1);
  EXPECT_NE(other.err.find("another migration is serving on " + socket_), std::string::npos)
      << other.err;

  EXPECT_NE(testkit::ControlSocketCommand(socket_, "no-throttle").find("# Migrating"), std::string::npos);
  ASSERT_TRUE(WaitForStatus("# not throttled")) << result_.err;
  const auto r = FinishAlter();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("control socket: chunk-size=250"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("chunk size set to 250 rows"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("now watching replica lag on: 127.0.0.1:1"), std::string::npos) << r.err;
  EXPECT_EQ(MustQueryValue(*conn_, "SELECT COUNT(*) FROM " + T("t")), "5000");
  EXPECT_TRUE(HasColumn("c"));
  EXPECT_EQ(HelperTables(), 2) << "expected only the kept old table and its revert record";
}

TEST_F(AlterControlTest, PanicStopsAtOnceWithoutCleanup) {
  CreateTable(1000);
  Touch(flag_);
  StartAlter("ADD COLUMN c INT", {"--throttle-flag-file", flag_, "--force-named-panic"});
  ASSERT_TRUE(WaitForStatus("throttled: flag file")) << result_.err;
  EXPECT_NE(testkit::ControlSocketCommand(socket_, "panic").find("--force-named-panic"), std::string::npos);
  EXPECT_NE(testkit::ControlSocketCommand(socket_, "panic=t").find("panic: stopping now"), std::string::npos);
  const auto r = FinishAlter();
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("panic: commanded on the control socket"), std::string::npos) << r.err;
  EXPECT_TRUE(TableExists("_t_gho")) << "a panic leaves the helper tables, like gh-ost";
  EXPECT_FALSE(HasColumn("c"));
  EXPECT_NE(::access(socket_.c_str(), F_OK), 0);
}

TEST_F(AlterControlTest, CriticalLoadAbortsAndLeavesTheTableAlone) {
  CreateTable(1000);
  auto before = conn_->Query("SHOW CREATE TABLE " + T("t"));
  ASSERT_TRUE(before.ok());
  StartAlter("ADD COLUMN c INT", {"--critical-load", "Threads_connected=1"});
  const auto r = FinishAlter();
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("--critical-load reached: critical load: Threads_connected="),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("the table is unchanged"), std::string::npos) << r.err;
  auto after = conn_->Query("SHOW CREATE TABLE " + T("t"));
  ASSERT_TRUE(after.ok());
  EXPECT_EQ((*before)[0][1], (*after)[0][1]);
  EXPECT_EQ(HelperTables(), 0) << "helper tables left behind";
}

}  // namespace
}  // namespace safeddl::cli
