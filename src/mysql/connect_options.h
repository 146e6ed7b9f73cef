// ConnectOptions: everything needed to open a session, independent of how it was specified
// (flags, my.cnf, prompt). Empty/zero fields mean "not given": the connector then takes them
// from the [client] group of --defaults-file or the usual my.cnf files, then from its defaults.
//
// The password is held only here and in the connector; it is never logged, and Describe() never
// shows it.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace safeddl::mysql {

enum class SslMode { kDisabled, kPreferred, kRequired, kVerifyCa, kVerifyIdentity };

// Parses DISABLED / PREFERRED / REQUIRED / VERIFY_CA / VERIFY_IDENTITY (case-insensitive).
Result<SslMode> ParseSslMode(std::string_view text);

struct ConnectOptions {
  std::string host;
  unsigned port = 0;
  std::string user;
  std::optional<std::string> password;  // nullopt: from my.cnf, or none
  std::string socket;
  std::string database;
  std::string defaults_file;  // read its [client] group (and [safeddl])
  std::string ssl_ca;
  std::string ssl_cert;
  std::string ssl_key;
  SslMode ssl_mode = SslMode::kPreferred;
  std::chrono::seconds connect_timeout{10};
  std::chrono::seconds read_timeout{0};  // 0: wait for results as long as the server works
  // Value of the `program_name` connect attribute (shown in performance_schema and by unblock).
  std::string program_name = "safeddl";
  // Run on every new session right after it connects, in order (e.g. SET SESSION
  // gtid_domain_id for safeddl's writes on a replica). Built by safeddl, never from user text.
  std::vector<std::string> session_statements;

  // "user@host:port" or "user@localhost via /path/to.sock" — never the password.
  std::string Describe() const;
};

}  // namespace safeddl::mysql
