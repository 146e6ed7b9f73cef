// Readiness: is this server set up for each safeddl capability, and what to change where not.
//
// Three steps, so the judgement can be tested without a server:
//   1. ReadinessSnapshot — a plain record of what was read from the server (GLOBAL variables, the
//      current user's privileges, plugins, replicas). Parts that could not be read carry the
//      reason instead of failing the whole check.
//   2. CollectReadiness(conn) — runs the read-only queries that fill a snapshot.
//   3. EvaluateReadiness(snapshot) — pure: findings (ok / warn / fail, what was found, the exact
//      SQL or my.cnf line that fixes it) and whether each capability is ready.
// All types are plain values; the functions are thread-compatible (one Connection per thread).
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "mysql/galera_status.h"
#include "mysql/replication.h"
#include "mysql/server_info.h"

namespace safeddl::mysql {

class Connection;

// One replica as the primary lists it (SHOW REPLICA HOSTS).
struct ReplicaHost {
  std::string server_id;
  std::string host;
  std::string port;
};

// This server's own replication, when it is a replica (SHOW REPLICA STATUS).
using OwnReplication = ReplicationStatus;

struct ReadinessSnapshot {
  ServerInfo server;
  std::string current_user;  // CURRENT_USER(): user@host

  // GLOBAL variables by lower-case name; a variable the server does not have is absent.
  std::map<std::string, std::string> variables;

  // Global privileges of the current user, upper-case as the server lists them
  // ("BINLOG MONITOR"); ALL PRIVILEGES arrives already expanded.
  std::set<std::string> global_privileges;
  // Schema-level privileges: schema name or LIKE pattern as stored (`app\_%`) -> privileges.
  std::map<std::string, std::set<std::string>> schema_privileges;
  // Set when the privileges could not be read; the privilege findings then say so.
  std::string privileges_error;

  // The schema the user means to change (`--database`); empty: judge global grants.
  std::string target_schema;

  // METADATA_LOCK_INFO plugin status from ALL_PLUGINS / PLUGINS ("ACTIVE", "NOT INSTALLED",
  // "DISABLED"...); nullopt when the server does not know the plugin at all.
  std::optional<std::string> metadata_lock_info_status;
  // performance_schema's metadata-lock instrument enabled (only read when performance_schema is
  // ON); nullopt when not read.
  std::optional<bool> mdl_instrument_enabled;

  std::vector<ReplicaHost> replicas;
  std::string replicas_error;  // why SHOW REPLICA HOSTS failed, empty when it worked
  std::optional<OwnReplication> own_replication;
  std::string own_replication_error;

  // This server's Galera state; nullopt when it is not a Galera node.
  std::optional<GaleraStatus> galera;
};

enum class Capability { kAlter, kUnblock, kFlashback, kBinlog };
inline constexpr Capability kAllCapabilities[] = {Capability::kAlter, Capability::kUnblock,
                                                  Capability::kFlashback, Capability::kBinlog};
// "alter", "unblock" (also covers watch), "flashback", "binlog".
std::string_view CapabilityName(Capability capability);

enum class FindingLevel { kOk, kWarn, kFail };
// "ok", "warn", "fail".
std::string_view FindingLevelName(FindingLevel level);

struct Finding {
  std::string area;  // "server", "binlog", "privileges", "locks", "replication"
  std::string item;  // "binlog_format", "privileges for alter", ...
  FindingLevel level = FindingLevel::kOk;
  std::string found;  // what the server has
  std::string fix;    // the exact SQL / my.cnf line to change; empty when nothing to do
  // The capabilities that need this item; a kFail makes each of them not ready. Empty for
  // purely informational items.
  std::vector<Capability> needed_by;
};

struct ReadinessReport {
  std::string server;  // "MariaDB 10.11.19"
  std::string user;    // CURRENT_USER()
  std::vector<Finding> findings;
  std::map<Capability, bool> ready;

  bool ReadyFor(Capability capability) const;
  // The failing findings needed by `capability`.
  std::vector<const Finding*> BlockersOf(Capability capability) const;
};

// Reads everything EvaluateReadiness needs. Only SELECT/SHOW statements; changes nothing.
// `target_schema` may be empty. Fails only when the connection itself fails; a part the user
// may not read (e.g. SHOW REPLICA HOSTS without its privilege) is recorded in the snapshot.
Result<ReadinessSnapshot> CollectReadiness(Connection& conn, std::string_view target_schema = {});

// Judges a snapshot. Pure.
ReadinessReport EvaluateReadiness(const ReadinessSnapshot& snapshot);

// --- helpers, exposed for tests ---

// "'user'@'host'" as information_schema spells GRANTEE, from CURRENT_USER()'s "user@host" (the
// host is after the last '@'). nullopt when there is no '@'.
std::optional<std::string> GranteeFromCurrentUser(std::string_view current_user);

// SQL LIKE matching as the server applies a schema grant's name pattern: `%`, `_`, and `\`
// escaping the next character. Case-sensitive (as on a case-sensitive file system).
bool MatchesGrantPattern(std::string_view pattern, std::string_view name);

}  // namespace safeddl::mysql
