// Starting and stopping one local mariadbd process for a sandbox.
//
// The server runs detached (its own session, output to its error log) so it outlives the
// safeddl process that started it. Stop() works from any process: it signals the pid recorded
// at start, after checking that the pid still belongs to that server. Thread-compatible.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace safeddl::sandbox {

// `name` in a folder of $PATH, else of `extra_dirs`, executable; nullopt when none has it.
std::optional<std::string> FindExecutable(const std::string& name,
                                          const std::vector<std::string>& extra_dirs);

// Finds the mariadbd binary: $SAFEDDL_MARIADBD when set, else PATH, /usr/sbin, /usr/libexec.
// The error names the Debian package to install.
Result<std::string> FindServerBinary();
// Finds mariadb-install-db next to mariadbd or on PATH.
Result<std::string> FindInstallDbBinary();

// Creates the system tables in an empty `datadir` with mariadb-install-db; `log_path` receives
// its output (shown in the error when it fails).
Status InitializeDatadir(const std::string& datadir, const std::string& log_path);

// Starts `mariadbd --defaults-file=<config> <extra_args>` detached and returns its pid. Does not
// wait for readiness (see WaitForSocket).
Result<int> StartServer(const std::string& server_binary, const std::string& config_path,
                        const std::string& error_log,
                        const std::vector<std::string>& extra_args = {});

// Waits until the unix socket accepts connections, or fails with the tail of the error log when
// the process exits or `timeout` passes.
Status WaitForSocket(int pid, const std::string& socket_path, const std::string& error_log,
                     std::chrono::seconds timeout);

// True when `pid` is a live mariadbd process whose command line names `config_path`.
bool IsServerAlive(int pid, const std::string& config_path);

// SIGTERM (a clean shutdown), waiting up to `timeout`, then SIGKILL.
Status StopServer(int pid, const std::string& config_path, std::chrono::seconds timeout);

// The last `lines` lines of a file (for error messages).
std::string TailOfFile(const std::string& path, int lines);

}  // namespace safeddl::sandbox
