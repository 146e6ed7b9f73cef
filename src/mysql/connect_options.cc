#include "mysql/connect_options.h"

#include <fmt/format.h>

#include "common/strings.h"

namespace safeddl::mysql {

Result<SslMode> ParseSslMode(std::string_view text) {
  const std::string t = AsciiLower(text);
  if (t == "disabled") return SslMode::kDisabled;
  if (t == "preferred") return SslMode::kPreferred;
  if (t == "required") return SslMode::kRequired;
  if (t == "verify_ca") return SslMode::kVerifyCa;
  if (t == "verify_identity") return SslMode::kVerifyIdentity;
  return InvalidArgumentError(fmt::format(
      "unknown --ssl-mode '{}': use DISABLED, PREFERRED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY",
      text));
}

std::string ConnectOptions::Describe() const {
  const std::string who = user.empty() ? "(default user)" : user;
  if (!socket.empty()) return fmt::format("{}@localhost via {}", who, socket);
  const std::string where = host.empty() ? "(default host)" : host;
  if (port != 0) return fmt::format("{}@{}:{}", who, where, port);
  return fmt::format("{}@{}", who, where);
}

}  // namespace safeddl::mysql
