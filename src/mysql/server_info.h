// Server flavour and version, and every flavour-specific SQL choice safeddl makes.
//
// All differences between MariaDB and MySQL (statement spellings, privilege names, features that
// exist from some version on) are answered here, so the rest of the code never parses a version
// string. ServerInfo is a plain value; thread-compatible.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace safeddl::mysql {

enum class Flavor { kMariaDB, kMySQL };

struct Version {
  int major = 0;
  int minor = 0;
  int patch = 0;
  auto operator<=>(const Version&) const = default;
  std::string ToString() const;
};

class ServerInfo {
 public:
  ServerInfo() = default;
  ServerInfo(Flavor flavor, Version version, std::string version_string);

  // Parses `SELECT VERSION()` ("10.11.19-MariaDB-0+deb12u1", "8.0.36", "5.5.5-10.6.1-MariaDB")
  // together with @@version_comment (which names Percona/MySQL builds).
  static Result<ServerInfo> Parse(std::string_view version, std::string_view version_comment);

  Flavor flavor() const { return flavor_; }
  bool IsMariaDB() const { return flavor_ == Flavor::kMariaDB; }
  const Version& version() const { return version_; }
  const std::string& version_string() const { return version_string_; }
  bool AtLeast(int major, int minor, int patch = 0) const;
  // "MariaDB 10.11.19" / "MySQL 8.0.36".
  std::string Describe() const;

  // --- flavour-specific choices ---
  // The privilege that lets a session read binlog coordinates (SHOW MASTER STATUS).
  std::string_view BinlogMonitorPrivilege() const;
  // The privilege that lets a session kill other users' threads.
  std::string_view ConnectionAdminPrivilege() const;
  // True when `ALTER TABLE ... WAIT n` / `NOWAIT` bounds DDL lock waits (MariaDB >= 10.3).
  bool SupportsDdlWait() const;
  // Statement listing replicas connected to this primary.
  std::string_view ShowReplicaHostsStatement() const;
  // Statement showing this server's own replication (replica side) status.
  std::string_view ShowReplicaStatusStatement() const;
  // The privilege SHOW REPLICA HOSTS needs (MariaDB 10.5.2+ asks for REPLICATION MASTER ADMIN,
  // which SUPER does not cover there).
  std::string_view ReplicaHostsPrivilege() const;
  // The privilege SHOW REPLICA STATUS needs, spelled as USER_PRIVILEGES lists it (MariaDB 10.11
  // lists REPLICA MONITOR as "SLAVE MONITOR").
  std::string_view ReplicaStatusPrivilege() const;
  // True when a SUPER grant still lets the session do what the fine-grained admin privileges
  // allow (KILL others' threads, SHOW MASTER STATUS): MySQL, and MariaDB before 11.0 (verified
  // on 10.11). MariaDB 11.0 stopped SUPER implying them.
  bool SuperCoversAdminPrivileges() const;
  // True when the server ships the METADATA_LOCK_INFO plugin (MariaDB only).
  bool HasMetadataLockInfoPlugin() const;
  // A SELECT over information_schema.PROCESSLIST returning ID, USER, HOST, DB, COMMAND, TIME_MS,
  // STATE, INFO, STAGE, MAX_STAGE, PROGRESS. MariaDB has the last four natively (PROGRESS over
  // all stages, 0-100); MySQL gets TIME*1000 and zeros.
  std::string_view ProcesslistQuery() const;

 private:
  Flavor flavor_ = Flavor::kMariaDB;
  Version version_;
  std::string version_string_;
};

}  // namespace safeddl::mysql
