#include "osc/hooks.h"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/log.h"
#include "osc/table_names.h"

extern char** environ;

namespace safeddl::osc {
namespace {

// Runs `path` with `env`, its stdout sent to our stderr; its exit status, or an error.
Result<int> RunHook(const std::string& path, const std::vector<std::string>& env) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, STDERR_FILENO, STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  std::vector<char*> envp;
  for (const std::string& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  char* argv[] = {const_cast<char*>(path.c_str()), nullptr};
  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, path.c_str(), &actions, nullptr, argv, envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return IoError(fmt::format("cannot run hook {}: {}", path, std::strerror(rc)));
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR)
      return IoError(fmt::format("waiting for hook {}: {}", path, std::strerror(errno)));
  }
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

}  // namespace

std::map<std::string, std::string> HookVariables(const MigrationOptions& o,
                                                 const mysql::ConnectOptions& connect) {
  char host[256] = {};
  ::gethostname(host, sizeof(host) - 1);
  const std::string server =
      connect.socket.empty() ? fmt::format("{}:{}", connect.host, connect.port) : connect.socket;
  Result<TableNames> names = MakeTableNames(o.table, o.force_table_names, false, "");
  return {
      {"GH_OST_DATABASE_NAME", o.database},
      {"GH_OST_TABLE_NAME", o.table},
      {"GH_OST_GHOST_TABLE_NAME", names.ok() ? names->ghost : ""},
      {"GH_OST_OLD_TABLE_NAME", names.ok() ? names->old : ""},
      {"GH_OST_DDL", o.alter},
      {"GH_OST_MIGRATED_HOST", server},
      {"GH_OST_INSPECTED_HOST", server},
      {"GH_OST_EXECUTING_HOST", host},
      {"GH_OST_HOOKS_HINT", o.hooks_hint},
      {"GH_OST_HOOKS_HINT_OWNER", o.hooks_hint_owner},
      {"GH_OST_HOOKS_HINT_TOKEN", o.hooks_hint_token},
      {"GH_OST_DRY_RUN", o.execute ? "false" : "true"},
  };
}

std::map<std::string, std::string> ProgressVariables(const ProgressSnapshot& p,
                                                     double elapsed_seconds, double copy_seconds) {
  return {{"GH_OST_ELAPSED_SECONDS", fmt::format("{:.6f}", elapsed_seconds)},
          {"GH_OST_ELAPSED_COPY_SECONDS", fmt::format("{:.6f}", copy_seconds)},
          {"GH_OST_ESTIMATED_ROWS", std::to_string(p.rows_estimated)},
          {"GH_OST_COPIED_ROWS", std::to_string(p.rows_copied)},
          {"GH_OST_PROGRESS", fmt::format("{:.6f}", p.CopyPercent())},
          {"GH_OST_INSPECTED_LAG", "0"}};
}

Hooks::Hooks(std::string dir, std::map<std::string, std::string> fixed)
    : dir_(std::move(dir)), fixed_(std::move(fixed)) {}

std::vector<std::string> Hooks::HooksFor(std::string_view event) const {
  std::vector<std::string> out;
  if (dir_.empty()) return out;
  const std::string prefix = fmt::format("gh-ost-on-{}", event);
  DIR* d = ::opendir(dir_.c_str());
  if (d == nullptr) return out;
  while (const dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name.rfind(prefix, 0) != 0) continue;
    const std::string path = dir_ + "/" + name;
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0)
      out.push_back(path);
  }
  ::closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

Status Hooks::Run(std::string_view event, const std::map<std::string, std::string>& context) const {
  const std::vector<std::string> hooks = HooksFor(event);
  if (hooks.empty()) return Status::OK();
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::strncmp(*e, "GH_OST_", 7) != 0) env.emplace_back(*e);
  }
  for (const auto* vars : {&fixed_, &context}) {
    for (const auto& [name, value] : *vars) env.push_back(name + "=" + value);
  }
  for (const std::string& hook : hooks) {
    LogInfo("hook {}: running {}", event, hook);
    SAFEDDL_ASSIGN_OR_RETURN(int code, RunHook(hook, env));
    if (code != 0) {
      return AbortedError(fmt::format("hook {} exited with status {}", hook, code));
    }
  }
  return Status::OK();
}

}  // namespace safeddl::osc
