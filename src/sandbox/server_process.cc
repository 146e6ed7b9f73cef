#include "sandbox/server_process.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <thread>
#include <vector>

#include "common/log.h"
#include "common/strings.h"

namespace safeddl::sandbox {
namespace {

constexpr auto kPollInterval = std::chrono::milliseconds(50);
constexpr int kErrorLogTailLines = 15;

// Forks and execs argv with stdout/stderr appended to `log_path`, in a new session; returns pid.
Result<int> Spawn(const std::vector<std::string>& argv, const std::string& log_path) {
  const int log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (log_fd < 0) {
    return IoError(fmt::format("cannot open '{}': {}", log_path, std::strerror(errno)));
  }
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(log_fd);
    return IoError(fmt::format("fork failed: {}", std::strerror(errno)));
  }
  if (pid == 0) {
    ::setsid();
    const int devnull = ::open("/dev/null", O_RDONLY);
    ::dup2(devnull, STDIN_FILENO);
    ::dup2(log_fd, STDOUT_FILENO);
    ::dup2(log_fd, STDERR_FILENO);
    ::execv(args[0], args.data());
    _exit(127);
  }
  ::close(log_fd);
  return static_cast<int>(pid);
}

// Reaps `pid` if it is our child and has exited; true when it is gone.
bool Reaped(int pid) {
  int status = 0;
  const pid_t r = ::waitpid(pid, &status, WNOHANG);
  return r == pid;
}

bool ProcessExists(int pid) {
  if (Reaped(pid)) return false;
  return ::kill(pid, 0) == 0 || errno == EPERM;
}

bool SocketAccepts(const std::string& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

std::optional<std::string> FindExecutable(const std::string& name,
                                          const std::vector<std::string>& extra_dirs) {
  std::vector<std::string> dirs;
  if (const char* path = std::getenv("PATH")) dirs = SplitString(path, ':');
  dirs.insert(dirs.end(), extra_dirs.begin(), extra_dirs.end());
  for (const std::string& dir : dirs) {
    if (dir.empty()) continue;
    const std::string candidate = dir + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return std::nullopt;
}

Result<std::string> FindServerBinary() {
  if (const char* override_path = std::getenv("SAFEDDL_MARIADBD");
      override_path && *override_path) {
    if (::access(override_path, X_OK) == 0) return std::string(override_path);
    return NotFoundError(fmt::format(
        "mariadbd not found at $SAFEDDL_MARIADBD ({}): fix the path, or unset it to use Debian's "
        "mariadb-server package (sudo apt-get install mariadb-server)",
        override_path));
  }
  auto found = FindExecutable("mariadbd", {"/usr/sbin", "/usr/libexec", "/usr/local/sbin"});
  if (!found) {
    return NotFoundError(
        "mariadbd not found: install Debian's mariadb-server package "
        "(sudo apt-get install mariadb-server)");
  }
  return *found;
}

Result<std::string> FindInstallDbBinary() {
  auto found = FindExecutable("mariadb-install-db", {"/usr/bin", "/usr/local/bin"});
  if (!found) found = FindExecutable("mysql_install_db", {"/usr/bin", "/usr/local/bin"});
  if (!found) {
    return NotFoundError(
        "mariadb-install-db not found: install Debian's mariadb-server package "
        "(sudo apt-get install mariadb-server)");
  }
  return *found;
}

namespace {

// The lines of `log_path` that name an error (mariadb-install-db ends its output with a long
// generic help text, which hides them from a plain tail); its tail when there are none.
std::string InstallDbErrors(const std::string& log_path) {
  const std::string text = ReadFileToString(log_path).value_or("");
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string_view line(text.data() + start, end - start);
    if (line.find("ERROR") != std::string_view::npos ||
        line.find("rror:") != std::string_view::npos) {
      out += "  | ";
      out += line;
      out += "\n";
    }
    start = end + 1;
  }
  return out.empty() ? TailOfFile(log_path, kErrorLogTailLines) : out;
}

Status RunInstallDb(const std::vector<std::string>& argv, const std::string& log_path) {
  SAFEDDL_ASSIGN_OR_RETURN(int pid, Spawn(argv, log_path));
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return IoError("mariadb-install-db failed");
  }
  return Status::OK();
}

}  // namespace

Status InitializeDatadir(const std::string& datadir, const std::string& log_path) {
  SAFEDDL_ASSIGN_OR_RETURN(std::string install_db, FindInstallDbBinary());
  std::vector<std::string> argv = {install_db, "--no-defaults", "--datadir=" + datadir,
                                   "--auth-root-authentication-method=normal", "--skip-test-db"};
  if (::geteuid() == 0) argv.push_back("--user=root");
  Status s = RunInstallDb(argv, log_path);
  if (!s.ok()) {
    // Seen once with two sandboxes set up at the same time (the ctest fixtures), and not again:
    // one more try on an empty datadir before giving up.
    LogWarning("mariadb-install-db failed for {}; trying once more:\n{}", datadir,
               InstallDbErrors(log_path));
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(datadir, ec)) {
      std::filesystem::remove_all(entry.path(), ec);
    }
    s = RunInstallDb(argv, log_path);
  }
  if (!s.ok()) {
    return IoError(fmt::format("mariadb-install-db failed for {}; its output says:\n{}", datadir,
                               InstallDbErrors(log_path)));
  }
  return Status::OK();
}

Result<int> StartServer(const std::string& server_binary, const std::string& config_path,
                        const std::string& error_log, const std::vector<std::string>& extra_args) {
  std::vector<std::string> argv = {server_binary, "--defaults-file=" + config_path};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  return Spawn(argv, error_log);
}

Status WaitForSocket(int pid, const std::string& socket_path, const std::string& error_log,
                     std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (SocketAccepts(socket_path)) return Status::OK();
    if (!ProcessExists(pid)) {
      return FailedPreconditionError(
          fmt::format("the server failed to start; the end of its error log {}:\n{}", error_log,
                      TailOfFile(error_log, kErrorLogTailLines)));
    }
    std::this_thread::sleep_for(kPollInterval);
  }
  return TimeoutError(fmt::format(
      "the server did not accept connections within {}s; the end of its error log {}:\n{}",
      timeout.count(), error_log, TailOfFile(error_log, kErrorLogTailLines)));
}

bool IsServerAlive(int pid, const std::string& config_path) {
  if (pid <= 0 || !ProcessExists(pid)) return false;
  auto cmdline = ReadFileToString(fmt::format("/proc/{}/cmdline", pid));
  if (!cmdline) return false;
  return cmdline->find(config_path) != std::string::npos;
}

Status StopServer(int pid, const std::string& config_path, std::chrono::seconds timeout) {
  if (!IsServerAlive(pid, config_path)) return Status::OK();
  ::kill(pid, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!ProcessExists(pid)) return Status::OK();
    std::this_thread::sleep_for(kPollInterval);
  }
  ::kill(pid, SIGKILL);
  for (int i = 0; i < 100 && ProcessExists(pid); ++i) std::this_thread::sleep_for(kPollInterval);
  return ProcessExists(pid) ? IoError(fmt::format("server pid {} did not stop", pid))
                            : Status::OK();
}

std::string TailOfFile(const std::string& path, int lines) {
  auto content = ReadFileToString(path);
  if (!content) return "(no error log)";
  std::string_view text = TrimWhitespace(*content);
  size_t pos = text.size();
  for (int n = 0; n < lines && pos > 0; ++n) {
    pos = text.rfind('\n', pos - 1);
    if (pos == std::string_view::npos) {
      pos = 0;
      break;
    }
  }
  std::string out;
  for (const std::string& line : SplitString(TrimWhitespace(text.substr(pos)), '\n')) {
    out += "  | " + line + "\n";
  }
  return out;
}

}  // namespace safeddl::sandbox
