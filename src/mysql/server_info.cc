#include "mysql/server_info.h"

#include <fmt/format.h>

#include <cctype>

#include "common/strings.h"

namespace safeddl::mysql {
namespace {

// MySQL-protocol servers that are really MariaDB may prefix their version with this to keep old
// clients happy.
constexpr std::string_view kCompatPrefix = "5.5.5-";

bool ContainsIgnoreCase(std::string_view haystack, std::string_view needle) {
  return AsciiLower(haystack).find(AsciiLower(needle)) != std::string::npos;
}

}  // namespace

std::string Version::ToString() const { return fmt::format("{}.{}.{}", major, minor, patch); }

ServerInfo::ServerInfo(Flavor flavor, Version version, std::string version_string)
    : flavor_(flavor), version_(version), version_string_(std::move(version_string)) {}

Result<ServerInfo> ServerInfo::Parse(std::string_view version, std::string_view version_comment) {
  std::string_view v = TrimWhitespace(version);
  const bool mariadb =
      ContainsIgnoreCase(v, "mariadb") || ContainsIgnoreCase(version_comment, "mariadb");
  if (mariadb && v.substr(0, kCompatPrefix.size()) == kCompatPrefix)
    v.remove_prefix(kCompatPrefix.size());
  // Numeric part: digits and dots up to the first other character.
  size_t end = 0;
  while (end < v.size() && (std::isdigit(static_cast<unsigned char>(v[end])) || v[end] == '.'))
    ++end;
  const std::vector<std::string> parts = SplitString(v.substr(0, end), '.');
  if (parts.size() < 2) {
    return InvalidArgumentError(fmt::format("cannot parse server version '{}'", version));
  }
  Version parsed;
  int* fields[] = {&parsed.major, &parsed.minor, &parsed.patch};
  for (size_t i = 0; i < parts.size() && i < 3; ++i) {
    auto n = ParseInt64(parts[i]);
    if (!n) return InvalidArgumentError(fmt::format("cannot parse server version '{}'", version));
    *fields[i] = static_cast<int>(*n);
  }
  return ServerInfo(mariadb ? Flavor::kMariaDB : Flavor::kMySQL, parsed, std::string(version));
}

bool ServerInfo::AtLeast(int major, int minor, int patch) const {
  return version_ >= Version{major, minor, patch};
}

std::string ServerInfo::Describe() const {
  return fmt::format("{} {}", IsMariaDB() ? "MariaDB" : "MySQL", version_.ToString());
}

std::string_view ServerInfo::BinlogMonitorPrivilege() const {
  return IsMariaDB() && AtLeast(10, 5) ? "BINLOG MONITOR" : "REPLICATION CLIENT";
}

std::string_view ServerInfo::ConnectionAdminPrivilege() const {
  if (IsMariaDB()) return AtLeast(10, 5) ? "CONNECTION ADMIN" : "SUPER";
  return AtLeast(8, 0) ? "CONNECTION_ADMIN" : "SUPER";
}

bool ServerInfo::SupportsDdlWait() const { return IsMariaDB() && AtLeast(10, 3); }

std::string_view ServerInfo::ShowReplicaHostsStatement() const {
  if (IsMariaDB()) return AtLeast(10, 5, 1) ? "SHOW REPLICA HOSTS" : "SHOW SLAVE HOSTS";
  return AtLeast(8, 0, 22) ? "SHOW REPLICAS" : "SHOW SLAVE HOSTS";
}

std::string_view ServerInfo::ShowReplicaStatusStatement() const {
  if (IsMariaDB()) return AtLeast(10, 5, 1) ? "SHOW REPLICA STATUS" : "SHOW SLAVE STATUS";
  return AtLeast(8, 0, 22) ? "SHOW REPLICA STATUS" : "SHOW SLAVE STATUS";
}

std::string_view ServerInfo::ReplicaHostsPrivilege() const {
  return IsMariaDB() && AtLeast(10, 5, 2) ? "REPLICATION MASTER ADMIN" : "REPLICATION SLAVE";
}

std::string_view ServerInfo::ReplicaStatusPrivilege() const {
  if (!IsMariaDB() || !AtLeast(10, 5, 2)) return "REPLICATION CLIENT";
  return AtLeast(10, 5, 9) ? "SLAVE MONITOR" : "REPLICATION SLAVE ADMIN";
}

bool ServerInfo::SuperCoversAdminPrivileges() const { return !IsMariaDB() || !AtLeast(11, 0); }

bool ServerInfo::HasMetadataLockInfoPlugin() const { return IsMariaDB(); }

std::string_view ServerInfo::ProcesslistQuery() const {
  if (IsMariaDB()) {
    return "SELECT ID, USER, HOST, DB, COMMAND, TIME_MS, STATE, INFO, STAGE, MAX_STAGE, PROGRESS "
           "FROM information_schema.PROCESSLIST";
  }
  return "SELECT ID, USER, HOST, DB, COMMAND, TIME * 1000 AS TIME_MS, STATE, INFO, 0 AS STAGE, "
         "0 AS MAX_STAGE, 0 AS PROGRESS FROM information_schema.PROCESSLIST";
}

}  // namespace safeddl::mysql
