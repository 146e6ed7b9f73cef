#include "cli/connection_flags.h"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>

namespace safeddl::cli {
namespace {

// Reads one line from the terminal with echo off; errors when there is no terminal.
Result<std::string> PromptPassword(const std::string& prompt) {
  const int fd = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    return InvalidArgumentError(
        "--ask-pass needs a terminal; without one, put the password in a file given with "
        "--defaults-file ([client] password=...)");
  }
  (void)!::write(fd, prompt.data(), prompt.size());
  termios old_attr{};
  const bool is_tty = ::tcgetattr(fd, &old_attr) == 0;
  if (is_tty) {
    termios quiet = old_attr;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(fd, TCSAFLUSH, &quiet);
  }
  std::string password;
  char c = 0;
  while (::read(fd, &c, 1) == 1 && c != '\n' && c != '\r') password += c;
  if (is_tty) ::tcsetattr(fd, TCSAFLUSH, &old_attr);
  (void)!::write(fd, "\n", 1);
  ::close(fd);
  return password;
}

}  // namespace

void AddConnectionFlags(CLI::App& app, ConnectionFlags& f) {
  const std::string group = "Connection";
  app.add_option("--host", f.host, "Server host (default: from my.cnf, else localhost)")
      ->group(group);
  app.add_option("--port", f.port, "Server TCP port")->group(group)->check(CLI::Range(1, 65535));
  app.add_option("--user", f.user, "User name")->group(group);
  app.add_option("--password", f.password,
                 "Password (insecure on the command line: prefer --ask-pass or --defaults-file)")
      ->group(group)
      ->each([&f](const std::string&) { f.password_given = true; });
  app.add_flag("--ask-pass", f.ask_pass, "Prompt for the password on the terminal")->group(group);
  app.add_option("--socket", f.socket, "Unix socket path (local connections)")->group(group);
  app.add_option("--defaults-file", f.defaults_file,
                 "Read connection settings from the [client] group of this my.cnf file")
      ->group(group)
      ->check(CLI::ExistingFile);
  app.add_option("--ssl-ca", f.ssl_ca, "TLS: CA certificate file")
      ->group(group)
      ->check(CLI::ExistingFile);
  app.add_option("--ssl-cert", f.ssl_cert, "TLS: client certificate file")
      ->group(group)
      ->check(CLI::ExistingFile);
  app.add_option("--ssl-key", f.ssl_key, "TLS: client key file")
      ->group(group)
      ->check(CLI::ExistingFile);
  app.add_option("--ssl-mode", f.ssl_mode,
                 "TLS: DISABLED, PREFERRED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY")
      ->group(group)
      ->capture_default_str();
  app.add_option("--connect-timeout", f.connect_timeout, "Seconds to wait for a connection")
      ->group(group)
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  app.add_option("--session-log", f.session_log,
                 "Write every statement sent, with timing, as JSON lines to this file")
      ->group(group);
}

Result<mysql::ConnectOptions> ResolveConnectOptions(const ConnectionFlags& f) {
  mysql::ConnectOptions o;
  o.host = f.host;
  o.port = f.port;
  o.user = f.user;
  o.socket = f.socket;
  o.defaults_file = f.defaults_file;
  o.ssl_ca = f.ssl_ca;
  o.ssl_cert = f.ssl_cert;
  o.ssl_key = f.ssl_key;
  o.connect_timeout = std::chrono::seconds(f.connect_timeout);
  SAFEDDL_ASSIGN_OR_RETURN(o.ssl_mode, mysql::ParseSslMode(f.ssl_mode));
  if (f.ask_pass) {
    SAFEDDL_ASSIGN_OR_RETURN(o.password, PromptPassword("Enter password: "));
  } else if (f.password_given) {
    o.password = f.password;
  }
  return o;
}

Result<Session> OpenSession(const ConnectionFlags& flags) {
  Session session;
  SAFEDDL_ASSIGN_OR_RETURN(session.options, ResolveConnectOptions(flags));
  SAFEDDL_ASSIGN_OR_RETURN(session.log, mysql::SessionLog::Open(flags.session_log));
  SAFEDDL_ASSIGN_OR_RETURN(session.conn,
                           mysql::Connection::Open(session.options, session.log.get()));
  return session;
}

}  // namespace safeddl::cli
