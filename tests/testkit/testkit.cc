#include "testkit/testkit.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

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

CommandResult RunSafeddl(const std::vector<std::string>& args,
                         const std::vector<std::string>& env) {
  const char* bin = std::getenv("SAFEDDL_BIN");
  if (bin == nullptr) Die("SAFEDDL_BIN is not set: run the tests through ctest");
  const std::string out_path = TempPath("out");
  const std::string err_path = TempPath("err");
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
  CommandResult r;
  int status = 0;
  ::waitpid(pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = ReadFileToString(out_path).value_or("");
  r.err = ReadFileToString(err_path).value_or("");
  std::remove(out_path.c_str());
  std::remove(err_path.c_str());
  return r;
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
