#include "testkit/testkit.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "common/strings.h"
#include "mysql/quote.h"
#include "sandbox/sandbox_state.h"

namespace safeddl::testkit {
namespace {

[[noreturn]] void Die(const std::string& why) {
  std::fprintf(stderr, "testkit: %s\n", why.c_str());
  std::abort();
}

std::string TempPath(const char* tag) {
  static std::atomic<int> counter{0};
  return fmt::format("/tmp/safeddl-test-{}-{}-{}", ::getpid(), tag, counter++);
}

}  // namespace

const sandbox::SandboxInfo& Sandbox() {
  static const sandbox::SandboxInfo info = [] {
    const char* path = std::getenv("SAFEDDL_TEST_SANDBOX");
    if (path == nullptr) Die("SAFEDDL_TEST_SANDBOX is not set: run the tests through ctest");
    auto text = ReadFileToString(path);
    if (!text) Die(fmt::format("cannot read {}: did the sandbox_up fixture run?", path));
    auto j = nlohmann::json::parse(*text, nullptr, false);
    auto parsed = sandbox::FromJson(j);
    if (!parsed.ok()) Die(parsed.status().ToString());
    return *parsed;
  }();
  return info;
}

const sandbox::ServerInstance& Primary() { return Sandbox().servers.at(0); }

bool StockServer() {
  const char* env = std::getenv("SAFEDDL_TEST_STOCK");
  return env != nullptr && std::string(env) == "1";
}

const sandbox::ServerInstance& Replica(int index) {
  if (index < 1 || static_cast<size_t>(index) >= Sandbox().servers.size()) {
    Die(fmt::format("the test sandbox has no replica {}", index));
  }
  return Sandbox().servers[index];
}

mysql::ConnectOptions OptionsFor(const sandbox::ServerInstance& server) {
  mysql::ConnectOptions o;
  o.defaults_file = server.client_config;
  return o;
}

std::unique_ptr<mysql::Connection> Connect(const mysql::ConnectOptions& options) {
  auto conn = mysql::Connection::Open(options);
  if (!conn.ok()) {
    ADD_FAILURE() << "cannot connect: " << conn.status().ToString();
    return nullptr;
  }
  return std::move(*conn);
}

std::unique_ptr<mysql::Connection> ConnectPrimary() { return Connect(OptionsFor(Primary())); }

bool WaitForReplica(int index, std::chrono::seconds limit) {
  auto primary = ConnectPrimary();
  auto replica = Connect(OptionsFor(Replica(index)));
  if (!primary || !replica) return false;
  auto pos = primary->QueryValue("SELECT @@gtid_binlog_pos");
  if (!pos.ok() || !pos->has_value()) {
    ADD_FAILURE() << "cannot read the primary's gtid_binlog_pos";
    return false;
  }
  auto waited = replica->QueryValue(
      fmt::format("SELECT MASTER_GTID_WAIT({}, {})", mysql::QuoteString(**pos), limit.count()));
  if (!waited.ok() || !waited->has_value() || **waited != "0") {
    ADD_FAILURE() << "replica " << index << " did not reach " << **pos << " within "
                  << limit.count() << " s";
    return false;
  }
  return true;
}

std::string SandboxPassword() {
  auto text = ReadFileToString(Primary().client_config);
  if (!text) Die("cannot read the sandbox client.cnf");
  for (const std::string& line : SplitString(*text, '\n')) {
    if (line.rfind("password=", 0) == 0) return line.substr(9);
  }
  Die("no password= line in the sandbox client.cnf");
}

std::string UniqueDatabase(mysql::Connection& conn, const std::string& prefix) {
  static std::atomic<int> counter{0};
  const std::string name = fmt::format("{}_{}_{}", prefix, ::getpid(), counter++);
  const std::string quoted = *mysql::QuoteIdentifier(name);
  MustExecute(conn, "DROP DATABASE IF EXISTS " + quoted);
  MustExecute(conn, "CREATE DATABASE " + quoted);
  return name;
}

std::unique_ptr<RunningSafeddl> StartSafeddl(const std::vector<std::string>& args,
                                             const std::vector<std::string>& env) {
  const char* bin = std::getenv("SAFEDDL_BIN");
  if (bin == nullptr) Die("SAFEDDL_BIN is not set: run the tests through ctest");
  std::string out_path = TempPath("out");
  std::string err_path = TempPath("err");
  std::vector<std::string> argv = {bin};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> cargs;
  for (auto& a : argv) cargs.push_back(a.data());
  cargs.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int in = ::open("/dev/null", O_RDONLY);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(err, 2);
    ::setsid();  // no controlling terminal: --ask-pass must not hang
    for (const std::string& e : env) ::putenv(const_cast<char*>(e.c_str()));
    ::execv(cargs[0], cargs.data());
    _exit(127);
  }
  return std::make_unique<RunningSafeddl>(pid, std::move(out_path), std::move(err_path));
}

RunningSafeddl::RunningSafeddl(int pid, std::string out_path, std::string err_path)
    : pid_(pid), out_path_(std::move(out_path)), err_path_(std::move(err_path)) {}

RunningSafeddl::~RunningSafeddl() {
  if (!reaped_) {
    Signal(SIGKILL);
    Wait();
  }
}

std::string RunningSafeddl::StdoutSoFar() const { return ReadFileToString(out_path_).value_or(""); }

std::string RunningSafeddl::StderrSoFar() const { return ReadFileToString(err_path_).value_or(""); }

bool RunningSafeddl::Running() {
  if (reaped_) return false;
  if (::waitpid(pid_, &status_, WNOHANG) == pid_) reaped_ = true;
  return !reaped_;
}

void RunningSafeddl::Signal(int signal) {
  if (!reaped_) ::kill(pid_, signal);
}

CommandResult RunningSafeddl::Wait() {
  if (!reaped_) {
    ::waitpid(pid_, &status_, 0);
    reaped_ = true;
  }
  CommandResult r;
  r.exit_code = WIFEXITED(status_) ? WEXITSTATUS(status_) : 128 + WTERMSIG(status_);
  r.out = ReadFileToString(out_path_).value_or("");
  r.err = ReadFileToString(err_path_).value_or("");
  std::remove(out_path_.c_str());
  std::remove(err_path_.c_str());
  return r;
}

CommandResult RunSafeddl(const std::vector<std::string>& args,
                         const std::vector<std::string>& env) {
  return StartSafeddl(args, env)->Wait();
}

nlohmann::json ParseJson(const CommandResult& r) {
  auto j = nlohmann::json::parse(r.out, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    ADD_FAILURE() << "not JSON:\n" << r.out << "\nstderr:\n" << r.err;
    return nlohmann::json::object();
  }
  return j;
}

bool WaitFor(const std::function<bool()>& done, std::chrono::milliseconds limit,
             std::chrono::milliseconds poll) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(poll);
  }
  return false;
}

void WriteShellScript(const std::string& path, const std::string& body) {
  std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
  ::chmod(path.c_str(), 0700);
}

std::string ControlSocketCommand(const std::string& path, const std::string& line) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  if (fd < 0) return "";
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.data(), std::min(path.size(), sizeof(addr.sun_path) - 1));
  std::string answer;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
    const std::string out = line + "\n";
    if (::write(fd, out.data(), out.size()) == static_cast<ssize_t>(out.size())) {
      char buf[4096];
      for (ssize_t n; (n = ::read(fd, buf, sizeof(buf))) > 0;) answer.append(buf, n);
    }
  }
  ::close(fd);
  return answer;
}

TestUser::TestUser(mysql::Connection& admin, const std::string& prefix) : admin_(admin) {
  static std::atomic<int> counter{0};
  name_ = fmt::format("{}_{}_{}", prefix, ::getpid(), counter++);
  password_ = fmt::format("pw-{:x}{:x}", std::random_device{}(), std::random_device{}());
  MustExecute(admin_, fmt::format("CREATE USER {} IDENTIFIED BY {}", Account(),
                                  mysql::QuoteString(password_)));
  config_ = TempPath("cnf");
  const int fd = ::open(config_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  EXPECT_GE(fd, 0) << "cannot write " << config_;
  if (fd >= 0) {
    const std::string text = fmt::format("[client]\nuser={}\npassword={}\nhost={}\nport={}\n",
                                         name_, password_, Primary().host, Primary().port);
    EXPECT_EQ(::write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
    ::close(fd);
  }
}

TestUser::~TestUser() {
  MustExecute(admin_, fmt::format("DROP USER IF EXISTS {}", Account()));
  std::remove(config_.c_str());
}

std::string TestUser::Account() const {
  return fmt::format("{}@{}", mysql::QuoteString(name_), mysql::QuoteString(Primary().host));
}

std::string BinlogPositionNow(mysql::Connection& conn) {
  auto rs = conn.Query("SHOW MASTER STATUS");
  EXPECT_TRUE(rs.ok() && !rs->empty());
  if (!rs.ok() || rs->empty()) return "";
  return (*rs)[0].GetString("File") + ":" + (*rs)[0].GetString("Position");
}

void MustExecute(mysql::Connection& conn, const std::string& sql) {
  Status s = conn.Execute(sql);
  if (!s.ok()) ADD_FAILURE() << "SQL failed: " << sql << "\n  " << s.ToString();
}

std::string MustQueryValue(mysql::Connection& conn, const std::string& sql) {
  auto v = conn.QueryValue(sql);
  if (!v.ok()) {
    ADD_FAILURE() << "SQL failed: " << sql << "\n  " << v.status().ToString();
    return "";
  }
  return v->value_or("");
}

}  // namespace safeddl::testkit
