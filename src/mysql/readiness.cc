#include "mysql/readiness.h"

#include <fmt/format.h>

#include <algorithm>
#include <initializer_list>

#include "common/strings.h"
#include "mysql/connection.h"
#include "mysql/quote.h"

namespace safeddl::mysql {
namespace {

// ---------------------------------------------------------------------------------------------
// Names and thresholds
// ---------------------------------------------------------------------------------------------

constexpr std::string_view kLogBin = "log_bin";
constexpr std::string_view kBinlogFormat = "binlog_format";
constexpr std::string_view kBinlogRowImage = "binlog_row_image";
constexpr std::string_view kBinlogRowMetadata = "binlog_row_metadata";
constexpr std::string_view kGtidBinlogPos = "gtid_binlog_pos";
constexpr std::string_view kGtidStrictMode = "gtid_strict_mode";
constexpr std::string_view kGtidMode = "gtid_mode";
constexpr std::string_view kServerId = "server_id";
constexpr std::string_view kPerformanceSchema = "performance_schema";
constexpr std::string_view kReadOnly = "read_only";
constexpr std::string_view kVariablesRead[] = {
    kLogBin,   kBinlogFormat,   kBinlogRowImage, kBinlogRowMetadata, kGtidBinlogPos,
    kGtidMode, kGtidStrictMode, kServerId,       kPerformanceSchema, kReadOnly};

constexpr std::string_view kMetadataLockInfoPlugin = "METADATA_LOCK_INFO";
constexpr std::string_view kPluginActive = "ACTIVE";
constexpr std::string_view kMdlInstrument = "wait/lock/metadata/sql/mdl";
constexpr std::string_view kSuper = "SUPER";
constexpr std::string_view kReplicationSlave = "REPLICATION SLAVE";
constexpr std::string_view kProcess = "PROCESS";

// What `safeddl alter` does in the table's schema: create/alter/drop the ghost and changelog
// tables, copy rows, apply changes, lock for the cut-over.
constexpr std::string_view kAlterSchemaPrivileges[] = {"ALTER",  "CREATE", "DROP",   "INSERT",
                                                       "SELECT", "UPDATE", "DELETE", "LOCK TABLES"};

// Versions safeddl is built and tested against; older ones get a warning, not a refusal.
constexpr Version kTestedMariaDB{10, 5, 0};
constexpr Version kTestedMySQL{8, 0, 0};

// ---------------------------------------------------------------------------------------------
// Collecting
// ---------------------------------------------------------------------------------------------

// Failures of the connection itself end the check; anything else is a finding.
bool IsConnectionFailure(const Status& status) {
  return status.code() == StatusCode::kConnectionLost ||
         status.code() == StatusCode::kCannotConnect;
}

Status ReadVariables(Connection& conn, ReadinessSnapshot& snapshot) {
  std::vector<std::string> names;
  for (std::string_view name : kVariablesRead) names.push_back(QuoteString(name));
  SAFEDDL_ASSIGN_OR_RETURN(
      ResultSet rs, conn.Query(fmt::format("SHOW GLOBAL VARIABLES WHERE Variable_name IN ({})",
                                           JoinStrings(names, ", "))));
  for (const Row& row : rs.rows()) {
    snapshot.variables[AsciiLower(row.GetString("Variable_name"))] = row.GetString("Value");
  }
  return Status::OK();
}

Status ReadPrivileges(Connection& conn, ReadinessSnapshot& snapshot) {
  SAFEDDL_ASSIGN_OR_RETURN(std::optional<std::string> user,
                           conn.QueryValue("SELECT CURRENT_USER()"));
  snapshot.current_user = user.value_or("");
  const std::optional<std::string> grantee = GranteeFromCurrentUser(snapshot.current_user);
  if (!grantee) {
    snapshot.privileges_error =
        fmt::format("cannot parse CURRENT_USER() '{}'", snapshot.current_user);
    return Status::OK();
  }
  auto global = conn.Query(fmt::format(
      "SELECT PRIVILEGE_TYPE FROM information_schema.USER_PRIVILEGES WHERE GRANTEE = {}",
      QuoteString(*grantee)));
  if (!global.ok()) {
    if (IsConnectionFailure(global.status())) return global.status();
    snapshot.privileges_error = global.status().message();
    return Status::OK();
  }
  for (const Row& row : global->rows()) {
    snapshot.global_privileges.insert(row.GetString("PRIVILEGE_TYPE"));
  }
  auto schema = conn.Query(
      fmt::format("SELECT TABLE_SCHEMA, PRIVILEGE_TYPE FROM information_schema.SCHEMA_PRIVILEGES "
                  "WHERE GRANTEE = {}",
                  QuoteString(*grantee)));
  if (!schema.ok()) {
    if (IsConnectionFailure(schema.status())) return schema.status();
    snapshot.privileges_error = schema.status().message();
    return Status::OK();
  }
  for (const Row& row : schema->rows()) {
    snapshot.schema_privileges[row.GetString("TABLE_SCHEMA")].insert(
        row.GetString("PRIVILEGE_TYPE"));
  }
  return Status::OK();
}

// The plugin's status from ALL_PLUGINS (lists installable plugins too), falling back to PLUGINS
// (installed ones only) where ALL_PLUGINS does not exist.
Status ReadMetadataLockInfoPlugin(Connection& conn, ReadinessSnapshot& snapshot) {
  if (!snapshot.server.HasMetadataLockInfoPlugin()) return Status::OK();
  for (std::string_view table : {"ALL_PLUGINS", "PLUGINS"}) {
    auto status = conn.QueryValue(
        fmt::format("SELECT PLUGIN_STATUS FROM information_schema.{} WHERE PLUGIN_NAME = {}", table,
                    QuoteString(kMetadataLockInfoPlugin)));
    if (status.ok()) {
      snapshot.metadata_lock_info_status = *status;
      return Status::OK();
    }
    if (IsConnectionFailure(status.status())) return status.status();
  }
  return Status::OK();
}

Status ReadMdlInstrument(Connection& conn, ReadinessSnapshot& snapshot) {
  auto it = snapshot.variables.find(std::string(kPerformanceSchema));
  if (it == snapshot.variables.end() || it->second != "ON") return Status::OK();
  auto enabled = conn.QueryValue(
      fmt::format("SELECT ENABLED FROM performance_schema.setup_instruments WHERE NAME = {}",
                  QuoteString(kMdlInstrument)));
  if (!enabled.ok()) {
    return IsConnectionFailure(enabled.status()) ? enabled.status() : Status::OK();
  }
  if (enabled->has_value()) snapshot.mdl_instrument_enabled = EqualsIgnoreCase(**enabled, "YES");
  return Status::OK();
}

Status ReadReplication(Connection& conn, ReadinessSnapshot& snapshot) {
  auto hosts = conn.Query(snapshot.server.ShowReplicaHostsStatement());
  if (hosts.ok()) {
    for (const Row& row : hosts->rows()) {
      snapshot.replicas.push_back(
          {row.GetString("Server_id"), row.GetString("Host"), row.GetString("Port")});
    }
  } else if (IsConnectionFailure(hosts.status())) {
    return hosts.status();
  } else {
    snapshot.replicas_error = hosts.status().message();
  }

  auto status = conn.Query(snapshot.server.ShowReplicaStatusStatement());
  if (!status.ok()) {
    if (IsConnectionFailure(status.status())) return status.status();
    snapshot.own_replication_error = status.status().message();
    return Status::OK();
  }
  if (status->empty()) return Status::OK();
  const OwnReplication own = ParseReplicationStatus((*status)[0]);
  snapshot.own_replication = own;
  return Status::OK();
}

// ---------------------------------------------------------------------------------------------
// Evaluating
// ---------------------------------------------------------------------------------------------

const std::vector<Capability> kBinlogReaders = {Capability::kAlter, Capability::kFlashback,
                                                Capability::kBinlog};

std::optional<std::string> Variable(const ReadinessSnapshot& s, std::string_view name) {
  auto it = s.variables.find(std::string(name));
  if (it == s.variables.end()) return std::nullopt;
  return it->second;
}

bool IsOn(const std::optional<std::string>& value) {
  return value && (EqualsIgnoreCase(*value, "ON") || *value == "1");
}

// `SET GLOBAL name = value` plus the my.cnf line that keeps it across a restart.
std::string SetGlobalFix(std::string_view name, std::string_view value) {
  return fmt::format("SET GLOBAL {} = {}; my.cnf [mysqld]: {} = {}", name, QuoteString(value), name,
                     value);
}

// 'user'@'host' for a GRANT statement.
std::string GrantTarget(const ReadinessSnapshot& s) {
  const size_t at = s.current_user.rfind('@');
  if (at == std::string::npos) return QuoteString(s.current_user);
  return fmt::format("{}@{}", QuoteString(s.current_user.substr(0, at)),
                     QuoteString(s.current_user.substr(at + 1)));
}

std::string GrantFix(const ReadinessSnapshot& s, const std::vector<std::string>& privileges,
                     std::string_view on) {
  return fmt::format("GRANT {} ON {} TO {}", JoinStrings(privileges, ", "), on, GrantTarget(s));
}

template <typename Range>
std::vector<std::string> MissingFrom(const std::set<std::string>& have, const Range& need) {
  std::vector<std::string> missing;
  for (std::string_view p : need) {
    if (!have.contains(std::string(p))) missing.emplace_back(p);
  }
  return missing;
}

// Global privileges plus those granted on every schema pattern that matches `schema`.
std::set<std::string> EffectiveOn(const ReadinessSnapshot& s, std::string_view schema) {
  std::set<std::string> have = s.global_privileges;
  for (const auto& [pattern, privileges] : s.schema_privileges) {
    if (MatchesGrantPattern(pattern, schema)) have.insert(privileges.begin(), privileges.end());
  }
  return have;
}

void AddServerFindings(const ReadinessSnapshot& s, std::vector<Finding>& out) {
  const Version tested = s.server.IsMariaDB() ? kTestedMariaDB : kTestedMySQL;
  Finding version{"server", "version", FindingLevel::kOk, s.server.Describe(), "", {}};
  if (s.server.version() < tested) {
    version.level = FindingLevel::kWarn;
    version.found += fmt::format(" (safeddl is tested on {} {} and later)",
                                 s.server.IsMariaDB() ? "MariaDB" : "MySQL", tested.ToString());
    version.fix = "upgrade the server";
  }
  out.push_back(std::move(version));

  const std::optional<std::string> server_id = Variable(s, kServerId);
  Finding id{"server", std::string(kServerId), FindingLevel::kOk, server_id.value_or("unknown"),
             "",       kBinlogReaders};
  if (!server_id || server_id == "0") {
    id.level = FindingLevel::kFail;
    id.found = server_id ? "0 (the binlog cannot be streamed from this server)" : "not readable";
    id.fix =
        "SET GLOBAL server_id = <a number unique among your servers>; my.cnf [mysqld]: "
        "server_id = <same number>";
  }
  out.push_back(std::move(id));

  const std::optional<std::string> read_only = Variable(s, kReadOnly);
  Finding ro{"server", std::string(kReadOnly), FindingLevel::kOk, read_only.value_or("unknown"),
             "",       {Capability::kAlter}};
  if (IsOn(read_only)) {
    ro.level = FindingLevel::kWarn;
    ro.found = "ON (writes need READ_ONLY ADMIN/SUPER; is this the primary?)";
    ro.fix = "run safeddl alter against the primary";
  }
  out.push_back(std::move(ro));
}

void AddBinlogFindings(const ReadinessSnapshot& s, std::vector<Finding>& out) {
  const std::optional<std::string> log_bin = Variable(s, kLogBin);
  Finding bin{"binlog", std::string(kLogBin), FindingLevel::kOk, log_bin.value_or("OFF"),
              "",       kBinlogReaders};
  if (!IsOn(log_bin)) {
    bin.level = FindingLevel::kFail;
    bin.fix = "my.cnf [mysqld]: log_bin = binlog (then restart; log_bin cannot change at runtime)";
  }
  out.push_back(std::move(bin));

  const std::optional<std::string> format = Variable(s, kBinlogFormat);
  Finding fmt_finding{
      "binlog",      std::string(kBinlogFormat), FindingLevel::kOk, format.value_or("unknown"), "",
      kBinlogReaders};
  if (!format || !EqualsIgnoreCase(*format, "ROW")) {
    fmt_finding.level = FindingLevel::kFail;
    fmt_finding.found +=
        " (row changes are not in the binlog; sessions keep their format until "
        "they reconnect)";
    fmt_finding.fix = SetGlobalFix(kBinlogFormat, "ROW");
  }
  out.push_back(std::move(fmt_finding));

  const std::optional<std::string> image = Variable(s, kBinlogRowImage);
  Finding img{"binlog",
              std::string(kBinlogRowImage),
              FindingLevel::kOk,
              image.value_or("unknown"),
              "",
              {Capability::kAlter, Capability::kFlashback}};
  if (!image || !EqualsIgnoreCase(*image, "FULL")) {
    img.level = FindingLevel::kFail;
    img.found += " (row images lack columns needed to apply and to undo changes)";
    img.fix = SetGlobalFix(kBinlogRowImage, "FULL");
  }
  out.push_back(std::move(img));

  const std::optional<std::string> metadata = Variable(s, kBinlogRowMetadata);
  Finding meta{
      "binlog",      std::string(kBinlogRowMetadata), FindingLevel::kOk, metadata.value_or(""), "",
      kBinlogReaders};
  if (!metadata) {
    meta.level = FindingLevel::kWarn;
    meta.found =
        fmt::format("not supported by {}: column names are not in the binlog", s.server.Describe());
    meta.fix = "upgrade to MariaDB 10.5+ or MySQL 8.0+";
  } else if (!EqualsIgnoreCase(*metadata, "FULL")) {
    meta.level = FindingLevel::kWarn;
    // Exact either way over a connection: what the binlog leaves out is read from the tables'
    // definitions. Only a binlog read without a server, or across an ALTER of its table, needs it
    // in the binlog itself.
    meta.found +=
        " (exact over a connection: signedness, charsets and ENUM labels are read from the "
        "tables' definitions; FULL also makes binlog files readable exactly without a server and "
        "across an ALTER)";
    meta.fix = SetGlobalFix(kBinlogRowMetadata, "FULL");
  }
  out.push_back(std::move(meta));

  Finding gtid{"binlog", "gtid", FindingLevel::kOk,
               "",       "",     {Capability::kAlter, Capability::kFlashback}};
  if (s.server.IsMariaDB()) {
    const std::string pos = Variable(s, kGtidBinlogPos).value_or("");
    const std::optional<std::string> strict = Variable(s, kGtidStrictMode);
    gtid.found = fmt::format("gtid_binlog_pos={}, gtid_strict_mode={}",
                             pos.empty() ? "(empty: nothing binlogged yet)" : pos,
                             strict.value_or("unknown"));
    if (!IsOn(strict)) {
      gtid.level = FindingLevel::kWarn;
      gtid.fix = SetGlobalFix(kGtidStrictMode, "ON");
    }
  } else {
    const std::optional<std::string> mode = Variable(s, kGtidMode);
    gtid.found = fmt::format("gtid_mode={}", mode.value_or("unknown"));
    if (!IsOn(mode)) {
      gtid.level = FindingLevel::kWarn;
      gtid.found += " (positions by file and offset only)";
      gtid.fix =
          "my.cnf [mysqld]: gtid_mode = ON and enforce_gtid_consistency = ON (online: step "
          "gtid_mode through OFF_PERMISSIVE and ON_PERMISSIVE)";
    }
  }
  out.push_back(std::move(gtid));
}

// A privilege finding: `need` must all be held globally (SUPER standing in for `super_covers`
// where the server lets it).
Finding GlobalPrivilegeFinding(const ReadinessSnapshot& s, std::string item,
                               const std::vector<std::string_view>& need,
                               const std::vector<std::string_view>& super_covers,
                               std::vector<Capability> needed_by) {
  Finding f{"privileges", std::move(item), FindingLevel::kOk, "", "", std::move(needed_by)};
  std::vector<std::string> missing = MissingFrom(s.global_privileges, need);
  const bool super_ok =
      s.server.SuperCoversAdminPrivileges() && s.global_privileges.contains(std::string(kSuper));
  if (super_ok) {
    std::erase_if(missing, [&](const std::string& p) {
      return std::find(super_covers.begin(), super_covers.end(), p) != super_covers.end();
    });
  }
  if (missing.empty()) {
    std::vector<std::string> names(need.begin(), need.end());
    f.found = fmt::format("{} on *.*", JoinStrings(names, ", "));
    return f;
  }
  f.level = FindingLevel::kFail;
  f.found = fmt::format("missing {}", JoinStrings(missing, ", "));
  f.fix = GrantFix(s, missing, "*.*");
  return f;
}

Finding AlterPrivilegeFinding(const ReadinessSnapshot& s) {
  Finding f{"privileges", "privileges for alter", FindingLevel::kOk, "", "", {Capability::kAlter}};
  const std::vector<std::string> all(std::begin(kAlterSchemaPrivileges),
                                     std::end(kAlterSchemaPrivileges));
  if (!s.target_schema.empty()) {
    const std::vector<std::string> missing =
        MissingFrom(EffectiveOn(s, s.target_schema), kAlterSchemaPrivileges);
    const auto on = QuoteIdentifier(s.target_schema);
    const std::string on_text = on.ok() ? *on + ".*" : "<schema>.*";
    if (missing.empty()) {
      f.found = fmt::format("{} on {}", JoinStrings(all, ", "), on_text);
      return f;
    }
    f.level = FindingLevel::kFail;
    f.found = fmt::format("missing {} on {}", JoinStrings(missing, ", "), on_text);
    f.fix = GrantFix(s, missing, on_text);
    return f;
  }
  const std::vector<std::string> missing = MissingFrom(s.global_privileges, kAlterSchemaPrivileges);
  if (missing.empty()) {
    f.found = fmt::format("{} on *.*", JoinStrings(all, ", "));
    return f;
  }
  // Not global: perhaps granted per schema. Name the schemas where everything is there.
  std::vector<std::string> covered;
  for (const auto& [pattern, privileges] : s.schema_privileges) {
    std::set<std::string> have = s.global_privileges;
    have.insert(privileges.begin(), privileges.end());
    if (MissingFrom(have, kAlterSchemaPrivileges).empty()) covered.push_back(pattern);
  }
  if (!covered.empty()) {
    f.level = FindingLevel::kWarn;
    f.found = fmt::format("only on schemas {}: run check with --database to check one",
                          JoinStrings(covered, ", "));
    return f;
  }
  f.level = FindingLevel::kFail;
  f.found = fmt::format("missing {} (global or on the table's schema)", JoinStrings(missing, ", "));
  f.fix = GrantFix(s, missing, "`<schema>`.*");
  return f;
}

void AddPrivilegeFindings(const ReadinessSnapshot& s, std::vector<Finding>& out) {
  if (!s.privileges_error.empty()) {
    out.push_back({"privileges",
                   "privileges",
                   FindingLevel::kWarn,
                   fmt::format("could not be read: {}", s.privileges_error),
                   "SHOW GRANTS",
                   {}});
    return;
  }
  out.push_back(AlterPrivilegeFinding(s));
  const std::string_view monitor = s.server.BinlogMonitorPrivilege();
  out.push_back(GlobalPrivilegeFinding(s, "privileges to read the binlog",
                                       {kReplicationSlave, monitor}, {monitor}, kBinlogReaders));
  const std::string_view admin = s.server.ConnectionAdminPrivilege();
  out.push_back(GlobalPrivilegeFinding(s, "privileges for unblock/watch", {kProcess, admin},
                                       {admin}, {Capability::kUnblock}));
}

void AddLockFindings(const ReadinessSnapshot& s, std::vector<Finding>& out) {
  const bool ps_on = IsOn(Variable(s, kPerformanceSchema));
  const bool ps_shows_locks = ps_on && s.mdl_instrument_enabled.value_or(false);
  const bool plugin_active =
      s.metadata_lock_info_status && EqualsIgnoreCase(*s.metadata_lock_info_status, kPluginActive);
  const bool any_source = ps_shows_locks || plugin_active;
  const FindingLevel missing_level = any_source ? FindingLevel::kOk : FindingLevel::kWarn;
  const std::string inferred = "lock holders will be inferred from open transactions";
  const std::vector<Capability> unblock = {Capability::kUnblock};

  Finding ps{"locks", std::string(kPerformanceSchema), FindingLevel::kOk, ps_on ? "ON" : "OFF", "",
             unblock};
  if (!ps_on) {
    ps.level = missing_level;
    if (any_source) {
      ps.found += " (not needed: METADATA_LOCK_INFO is active)";
    } else {
      ps.found += " (" + inferred + ")";
      ps.fix = "my.cnf [mysqld]: performance_schema = ON (then restart)";
    }
  } else if (!ps_shows_locks) {
    ps.level = missing_level;
    ps.found += fmt::format(", instrument {} disabled", kMdlInstrument);
    if (!any_source) {
      ps.fix = fmt::format(
          "UPDATE performance_schema.setup_instruments SET ENABLED = 'YES', TIMED = 'YES' WHERE "
          "NAME = {}; my.cnf [mysqld]: performance_schema_instrument = '{}=ON'",
          QuoteString(kMdlInstrument), kMdlInstrument);
    }
  }
  out.push_back(std::move(ps));

  if (!s.server.HasMetadataLockInfoPlugin()) return;
  Finding plugin{"locks",
                 "metadata_lock_info plugin",
                 FindingLevel::kOk,
                 s.metadata_lock_info_status.value_or("not available on this server"),
                 "",
                 unblock};
  if (!plugin_active) {
    plugin.level = missing_level;
    if (any_source) {
      plugin.found += " (not needed: performance_schema shows metadata locks)";
    } else {
      plugin.found += " (" + inferred + ")";
      plugin.fix = "INSTALL SONAME 'metadata_lock_info'";
    }
  }
  out.push_back(std::move(plugin));
}

std::string DescribeReplicas(const std::vector<ReplicaHost>& replicas) {
  std::vector<std::string> parts;
  for (const ReplicaHost& r : replicas) {
    parts.push_back(fmt::format("server_id {} at {}:{}", r.server_id,
                                r.host.empty() ? "(no report_host)" : r.host, r.port));
  }
  return fmt::format("{} connected: {}", replicas.size(), JoinStrings(parts, "; "));
}

void AddReplicationFindings(const ReadinessSnapshot& s, std::vector<Finding>& out) {
  Finding replicas{"replication", "replicas", FindingLevel::kOk, "", "", {Capability::kAlter}};
  if (!s.replicas_error.empty()) {
    replicas.level = FindingLevel::kWarn;
    replicas.found =
        fmt::format("cannot list replicas (lag throttling cannot find them): {}", s.replicas_error);
    replicas.fix = GrantFix(s, {std::string(s.server.ReplicaHostsPrivilege())}, "*.*");
  } else if (s.replicas.empty()) {
    replicas.found = "none connected";
  } else {
    replicas.found = DescribeReplicas(s.replicas);
  }
  out.push_back(std::move(replicas));

  Finding own{"replication", "this server as a replica", FindingLevel::kOk, "", "", {}};
  if (!s.own_replication_error.empty()) {
    own.level = FindingLevel::kWarn;
    own.found = fmt::format("cannot read replication status: {}", s.own_replication_error);
    own.fix = GrantFix(s, {std::string(s.server.ReplicaStatusPrivilege())}, "*.*");
  } else if (!s.own_replication) {
    own.found = "not a replica";
  } else {
    const OwnReplication& r = *s.own_replication;
    own.found =
        fmt::format("replica of {}:{}, IO {}, SQL {}, {}", r.source_host, r.source_port,
                    r.io_running ? "running" : "stopped", r.sql_running ? "running" : "stopped",
                    r.seconds_behind ? fmt::format("{} s behind", *r.seconds_behind)
                                     : std::string("lag unknown"));
    if (r.sql_delay > 0) {
      own.found += fmt::format(", delayed by {} s (MASTER_DELAY)", r.sql_delay);
    }
    if (!r.io_running || !r.sql_running) {
      own.level = FindingLevel::kWarn;
      if (!r.last_error.empty()) own.found += fmt::format(" (last error: {})", r.last_error);
      own.fix = fmt::format("see {}; fix the error, then START REPLICA",
                            s.server.ShowReplicaStatusStatement());
    }
  }
  out.push_back(std::move(own));
}

// A Galera node: the cluster as this node sees it, and what alter can do there: the binlog
// copy's cut-over locks (LOCK TABLES, GET_LOCK) are not replicated, so alter runs there through
// --galera-method online (trigger capture, one RENAME in total order), toi or rsu.
void AddGaleraFindings(const ReadinessSnapshot& s, std::vector<Finding>& out) {
  if (!s.galera) return;
  const GaleraStatus& g = *s.galera;
  Finding cluster{"galera", "cluster", FindingLevel::kOk, "", "", {Capability::kAlter}};
  cluster.found =
      fmt::format("node '{}' of '{}': {} node(s), {}, {}, wsrep_OSU_method {}", g.node_name,
                  g.cluster_name, g.cluster_size, g.cluster_status, g.local_state, g.osu_method);
  if (!g.ready || !g.Primary()) {
    cluster.level = FindingLevel::kFail;
    cluster.fix = "bring the node back into the Primary component before changing anything";
  } else if (!g.Synced()) {
    cluster.level = FindingLevel::kWarn;
    cluster.fix = "wait until the node is Synced (SHOW GLOBAL STATUS LIKE 'wsrep_local_state%')";
  }
  out.push_back(std::move(cluster));
  out.push_back({"galera",
                 "online copy on Galera",
                 FindingLevel::kOk,
                 "safeddl alter --galera-method online: triggers carry the writes (no binlog "
                 "needed), chunks within the write-set limits, one RENAME in total order; "
                 "--galera-method toi for INSTANT changes and small tables, rsu for index "
                 "changes node by node",
                 "",
                 {Capability::kAlter}});
  out.push_back(
      {"galera",
       "write-set limits",
       FindingLevel::kOk,
       fmt::format(
           "wsrep_max_ws_rows {}, wsrep_max_ws_size {} bytes, gcache {}",
           g.max_ws_rows == 0 ? std::string("0 (no limit)") : std::to_string(g.max_ws_rows),
           g.max_ws_size,
           g.gcache_size ? fmt::format("{} bytes", *g.gcache_size) : std::string("unknown")),
       "",
       {}});
  out.push_back(
      {"galera",
       "flow control",
       FindingLevel::kOk,
       fmt::format("paused {:.3f} of the time since FLUSH STATUS ({} ns in all), "
                   "receive queue {}, {} local transaction(s) aborted by replication",
                   g.flow_control_paused, g.flow_control_paused_ns, g.recv_queue, g.bf_aborts),
       "",
       {}});
}

}  // namespace

std::string_view CapabilityName(Capability capability) {
  switch (capability) {
    case Capability::kAlter:
      return "alter";
    case Capability::kUnblock:
      return "unblock";
    case Capability::kFlashback:
      return "flashback";
    case Capability::kBinlog:
      return "binlog";
  }
  return "unknown";
}

std::string_view FindingLevelName(FindingLevel level) {
  switch (level) {
    case FindingLevel::kOk:
      return "ok";
    case FindingLevel::kWarn:
      return "warn";
    case FindingLevel::kFail:
      return "fail";
  }
  return "unknown";
}

bool ReadinessReport::ReadyFor(Capability capability) const {
  auto it = ready.find(capability);
  return it != ready.end() && it->second;
}

std::vector<const Finding*> ReadinessReport::BlockersOf(Capability capability) const {
  std::vector<const Finding*> blockers;
  for (const Finding& f : findings) {
    if (f.level == FindingLevel::kFail &&
        std::find(f.needed_by.begin(), f.needed_by.end(), capability) != f.needed_by.end()) {
      blockers.push_back(&f);
    }
  }
  return blockers;
}

std::optional<std::string> GranteeFromCurrentUser(std::string_view current_user) {
  const size_t at = current_user.rfind('@');
  if (at == std::string_view::npos) return std::nullopt;
  return fmt::format("'{}'@'{}'", current_user.substr(0, at), current_user.substr(at + 1));
}

bool MatchesGrantPattern(std::string_view pattern, std::string_view name) {
  // Classic two-pointer wildcard match with backtracking to the last '%'.
  size_t p = 0, n = 0;
  size_t star_p = std::string_view::npos, star_n = 0;
  while (n < name.size()) {
    if (p < pattern.size() && pattern[p] == '\\' && p + 1 < pattern.size() &&
        pattern[p + 1] == name[n]) {
      p += 2;
      ++n;
    } else if (p < pattern.size() && pattern[p] == '%') {
      star_p = p++;
      star_n = n;
    } else if (p < pattern.size() && pattern[p] != '\\' &&
               (pattern[p] == '_' || pattern[p] == name[n])) {
      ++p;
      ++n;
    } else if (star_p != std::string_view::npos) {
      p = star_p + 1;
      n = ++star_n;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '%') ++p;
  return p == pattern.size();
}

Result<ReadinessSnapshot> CollectReadiness(Connection& conn, std::string_view target_schema) {
  ReadinessSnapshot snapshot;
  snapshot.server = conn.server();
  snapshot.target_schema = std::string(target_schema);
  SAFEDDL_RETURN_IF_ERROR(ReadVariables(conn, snapshot));
  SAFEDDL_RETURN_IF_ERROR(ReadPrivileges(conn, snapshot));
  SAFEDDL_RETURN_IF_ERROR(ReadMetadataLockInfoPlugin(conn, snapshot));
  SAFEDDL_RETURN_IF_ERROR(ReadMdlInstrument(conn, snapshot));
  SAFEDDL_RETURN_IF_ERROR(ReadReplication(conn, snapshot));
  SAFEDDL_ASSIGN_OR_RETURN(snapshot.galera, ReadGaleraStatus(conn));
  return snapshot;
}

ReadinessReport EvaluateReadiness(const ReadinessSnapshot& snapshot) {
  ReadinessReport report;
  report.server = snapshot.server.Describe();
  report.user = snapshot.current_user;
  AddServerFindings(snapshot, report.findings);
  AddBinlogFindings(snapshot, report.findings);
  AddPrivilegeFindings(snapshot, report.findings);
  AddLockFindings(snapshot, report.findings);
  AddReplicationFindings(snapshot, report.findings);
  AddGaleraFindings(snapshot, report.findings);
  for (Capability c : kAllCapabilities) report.ready[c] = report.BlockersOf(c).empty();
  return report;
}

}  // namespace safeddl::mysql
