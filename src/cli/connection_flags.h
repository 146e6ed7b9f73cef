// The connection flags shared by every subcommand that talks to a server (DESIGN.md contract):
// --host --port --user --password --socket --defaults-file --ask-pass, TLS flags, and
// --session-log. A password never has to be in argv: use --ask-pass or --defaults-file.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "common/result.h"
#include "mysql/connect_options.h"
#include "mysql/connection.h"
#include "mysql/session_log.h"

namespace safeddl::cli {

struct ConnectionFlags {
  std::string host;
  unsigned port = 0;
  std::string user;
  std::string password;
  bool password_given = false;
  bool ask_pass = false;
  std::string socket;
  std::string defaults_file;
  std::string ssl_ca, ssl_cert, ssl_key, ssl_mode = "PREFERRED";
  std::string session_log;
  int connect_timeout = 10;
};

// Binds the flags to `app` (a subcommand), in a "Connection" group.
void AddConnectionFlags(CLI::App& app, ConnectionFlags& flags);

// Resolves the flags to options; with --ask-pass, prompts on the terminal (echo off).
Result<mysql::ConnectOptions> ResolveConnectOptions(const ConnectionFlags& flags);

// A connected session plus the run's session log (which must outlive the connection).
struct Session {
  std::unique_ptr<mysql::SessionLog> log;
  std::unique_ptr<mysql::Connection> conn;
  mysql::ConnectOptions options;
};

// Opens the session log (--session-log) and connects.
Result<Session> OpenSession(const ConnectionFlags& flags);

}  // namespace safeddl::cli
