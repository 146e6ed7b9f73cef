// Test kit for integration tests against the real sandbox server started by the ctest fixture
// `sandbox_up` (tests/CMakeLists.txt). It finds the sandbox through $SAFEDDL_TEST_SANDBOX (the
// JSON `safeddl sandbox up --json` printed) and runs the built binary from $SAFEDDL_BIN.
//
// Every test that changes data does so in its own database (UniqueDatabase) and drops it.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "mysql/connect_options.h"
#include "mysql/connection.h"
#include "sandbox/sandbox.h"

namespace safeddl::testkit {

// The fixture's sandbox; aborts the test program with a clear message when it is missing.
const sandbox::SandboxInfo& Sandbox();
const sandbox::ServerInstance& Primary();
const sandbox::ServerInstance& Replica(int index);  // index from 1

// True when the test runs against the stock sandbox (`safeddl sandbox up --stock`: the server's
// default settings, binlog_row_metadata=NO_LOG, performance_schema off, ...): ctest sets
// SAFEDDL_TEST_STOCK=1 for the `<name>_stock` run of every server test. Only for expectations
// that legitimately differ between the two servers (say, what `safeddl check` reports); the
// capability itself must hold on both.
bool StockServer();

// Options that reach `server` through its client.cnf (user, password, host, port).
mysql::ConnectOptions OptionsFor(const sandbox::ServerInstance& server);
// Connects or fails the calling test (ADD_FAILURE) and returns null.
std::unique_ptr<mysql::Connection> Connect(const mysql::ConnectOptions& options);
std::unique_ptr<mysql::Connection> ConnectPrimary();

// Waits until replica `index` has applied everything the primary has binlogged so far
// (MASTER_GTID_WAIT on the primary's gtid_binlog_pos); false (with ADD_FAILURE) after `limit`.
// For tests whose expectations include the replica's own state, so a setup still being
// replayed there does not show up as the replica's activity.
bool WaitForReplica(int index, std::chrono::seconds limit = std::chrono::seconds(60));

// The sandbox user's password, read from the primary's client.cnf (tests only).
std::string SandboxPassword();

// A fresh database named `<prefix>_<pid>_<n>`, created on the primary.
std::string UniqueDatabase(mysql::Connection& conn, const std::string& prefix);

// Runs the safeddl binary with `args`; captures stdout and stderr.
struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};
// `env` entries ("NAME=value") are added to the child's environment.
CommandResult RunSafeddl(const std::vector<std::string>& args,
                         const std::vector<std::string>& env = {});

// The command's stdout parsed as JSON; a failure (ADD_FAILURE, with stdout and stderr) and an
// empty object when it is not JSON.
nlohmann::json ParseJson(const CommandResult& r);

// The safeddl binary running in the background (for tests that signal or kill it). Wait() (or
// the destructor, which SIGKILLs first) reaps it.
class RunningSafeddl {
 public:
  RunningSafeddl(int pid, std::string out_path, std::string err_path);
  RunningSafeddl(const RunningSafeddl&) = delete;
  RunningSafeddl& operator=(const RunningSafeddl&) = delete;
  ~RunningSafeddl();

  int pid() const { return pid_; }
  // What it has written to stdout / stderr so far.
  std::string StdoutSoFar() const;
  std::string StderrSoFar() const;
  // True while the process runs (not yet exited).
  bool Running();
  void Signal(int signal);
  CommandResult Wait();

 private:
  int pid_;
  bool reaped_ = false;
  int status_ = 0;
  std::string out_path_, err_path_;
};
std::unique_ptr<RunningSafeddl> StartSafeddl(const std::vector<std::string>& args,
                                             const std::vector<std::string>& env = {});

// Polls `done` every `poll` until it holds (true) or `limit` passes (false).
bool WaitFor(const std::function<bool()>& done,
             std::chrono::milliseconds limit = std::chrono::minutes(2),
             std::chrono::milliseconds poll = std::chrono::milliseconds(100));

// One line sent to a control socket (`safeddl alter --serve-socket-file`) as a client would: a
// plain AF_UNIX connection, the answer read to EOF; "" when nobody answers.
std::string ControlSocketCommand(const std::string& path, const std::string& line);

// An executable shell script at `path` (mode 0700) running `body`: a hook for --hooks-path.
void WriteShellScript(const std::string& path, const std::string& body);

// A user on the sandbox primary (at its host) with a random password, reachable through a 0600
// my.cnf written for the test (config()); dropped and the file removed on destruction. No
// privileges: grant what the test needs on Account().
class TestUser {
 public:
  TestUser(mysql::Connection& admin, const std::string& prefix);
  ~TestUser();
  TestUser(const TestUser&) = delete;
  TestUser& operator=(const TestUser&) = delete;

  // 'name'@'host' for GRANT.
  std::string Account() const;
  const std::string& name() const { return name_; }
  const std::string& config() const { return config_; }

 private:
  mysql::Connection& admin_;
  std::string name_;
  std::string password_;
  std::string config_;
};

// The server's current binlog position as "FILE:POS" (SHOW MASTER STATUS); "" and a test
// failure when there is none.
std::string BinlogPositionNow(mysql::Connection& conn);

// Runs `sql` and fails the calling test when it errors.
void MustExecute(mysql::Connection& conn, const std::string& sql);
// The first column of the first row, or "" (fails the test on error).
std::string MustQueryValue(mysql::Connection& conn, const std::string& sql);

// Runs `undo` when it goes out of scope (a global setting put back, a database dropped).
class ScopeGuard {
 public:
  explicit ScopeGuard(std::function<void()> undo) : undo_(std::move(undo)) {}
  ScopeGuard(const ScopeGuard&) = delete;
  ScopeGuard& operator=(const ScopeGuard&) = delete;
  ~ScopeGuard() { undo_(); }

 private:
  std::function<void()> undo_;
};

}  // namespace safeddl::testkit
