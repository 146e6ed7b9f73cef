#include "locks/diagnose.h"

#include <fmt/format.h>

#include <set>

#include "common/strings.h"
#include "locks/verify.h"
#include "mysql/connection.h"
#include "mysql/quote.h"
#include "mysql/readiness.h"

namespace safeddl::locks {
namespace {

constexpr std::string_view kProcessPrivilege = "PROCESS";
constexpr std::string_view kSuperPrivilege = "SUPER";

Result<std::set<std::string>> GlobalPrivileges(mysql::Connection& conn, std::string& user) {
  SAFEDDL_ASSIGN_OR_RETURN(std::optional<std::string> current,
                           conn.QueryValue("SELECT CURRENT_USER()"));
  user = current.value_or("");
  std::optional<std::string> grantee = mysql::GranteeFromCurrentUser(user);
  if (!grantee) return InternalError("CURRENT_USER() has no host part: " + user);
  SAFEDDL_ASSIGN_OR_RETURN(
      mysql::ResultSet rows,
      conn.Query(fmt::format("SELECT PRIVILEGE_TYPE FROM information_schema.USER_PRIVILEGES "
                             "WHERE GRANTEE = {}",
                             mysql::QuoteString(*grantee))));
  std::set<std::string> out;
  for (const mysql::Row& r : rows.rows()) out.insert(r.GetString("PRIVILEGE_TYPE"));
  return out;
}

std::optional<TableSize> ReadTableSize(mysql::Connection& conn, const TableName& t) {
  Result<mysql::ResultSet> rows = conn.Query(fmt::format(
      "SELECT TABLE_ROWS, DATA_LENGTH + INDEX_LENGTH AS BYTES FROM information_schema.TABLES "
      "WHERE TABLE_SCHEMA = {} AND TABLE_NAME = {}",
      mysql::QuoteString(t.schema), mysql::QuoteString(t.name)));
  if (!rows.ok() || rows->empty()) return std::nullopt;
  return TableSize{(*rows)[0].GetInt("TABLE_ROWS").value_or(0),
                   (*rows)[0].GetInt("BYTES").value_or(0)};
}

}  // namespace

bool TableFilter::Matches(const TableName& t) const {
  return (database.empty() || t.schema == database) && (table.empty() || t.name == table);
}

Status CheckCanSeeSessions(mysql::Connection& conn) {
  std::string user;
  SAFEDDL_ASSIGN_OR_RETURN(std::set<std::string> privs, GlobalPrivileges(conn, user));
  if (privs.contains(std::string(kProcessPrivilege))) return Status::OK();
  return FailedPreconditionError(fmt::format(
      "{} lacks the PROCESS privilege, so other users' sessions and their locks are invisible "
      "and no diagnosis is possible; nothing was killed. Fix: GRANT PROCESS ON *.* TO {}",
      user, mysql::GranteeFromCurrentUser(user).value_or(user)));
}

Status CheckCanKill(mysql::Connection& conn, const std::vector<KillTarget>& kills) {
  std::string user;
  SAFEDDL_ASSIGN_OR_RETURN(std::set<std::string> privs, GlobalPrivileges(conn, user));
  const std::string admin(conn.server().ConnectionAdminPrivilege());
  if (privs.contains(admin)) return Status::OK();
  if (conn.server().SuperCoversAdminPrivileges() && privs.contains(std::string(kSuperPrivilege))) {
    return Status::OK();
  }
  const std::string name = user.substr(0, user.rfind('@'));
  for (const KillTarget& k : kills) {
    if (k.user != name) {
      return Status(StatusCode::kAccessDenied,
                    fmt::format("{} may not kill session {} of user {}: needs {}; nothing was "
                                "killed. Fix: GRANT {} ON *.* TO {}",
                                user, k.session_id, k.user, admin, admin,
                                mysql::GranteeFromCurrentUser(user).value_or(user)));
    }
  }
  return Status::OK();
}

Status CheckFilterExists(mysql::Connection& conn, const TableFilter& f) {
  if (f.database.empty() && f.table.empty()) return Status::OK();
  std::string where;
  if (!f.database.empty()) where += "TABLE_SCHEMA = " + mysql::QuoteString(f.database);
  if (!f.table.empty()) {
    where +=
        (where.empty() ? "" : " AND ") + std::string("TABLE_NAME = ") + mysql::QuoteString(f.table);
  }
  SAFEDDL_ASSIGN_OR_RETURN(
      std::optional<std::string> n,
      conn.QueryValue("SELECT COUNT(*) FROM information_schema.TABLES WHERE " + where));
  if (n.value_or("0") != "0") return Status::OK();
  if (f.table.empty()) return NotFoundError(fmt::format("no schema `{}` with tables", f.database));
  return NotFoundError(fmt::format("no table {}{} on this server; nothing was examined or killed",
                                   f.database.empty() ? "" : f.database + ".", f.table));
}

Status InstallMdlPlugin(mysql::Connection& conn) {
  if (!conn.server().HasMetadataLockInfoPlugin()) {
    return UnsupportedError("the METADATA_LOCK_INFO plugin exists only on MariaDB");
  }
  SAFEDDL_ASSIGN_OR_RETURN(
      std::optional<std::string> status,
      conn.QueryValue("SELECT PLUGIN_STATUS FROM information_schema.PLUGINS WHERE PLUGIN_NAME = "
                      "'METADATA_LOCK_INFO'"));
  if (status && EqualsIgnoreCase(*status, "ACTIVE")) return Status::OK();
  // On a Galera node INSTALL is replicated in total order: behind the very DDL a pileup waits
  // for, it would wait too. Installed on this node only.
  Result<std::optional<std::string>> wsrep = conn.QueryValue("SELECT @@session.wsrep_on");
  const bool galera = wsrep.ok() && wsrep->value_or("0") == "1";
  if (galera) SAFEDDL_RETURN_IF_ERROR(conn.Execute("SET SESSION wsrep_on = OFF"));
  Status installed = conn.Execute("INSTALL SONAME 'metadata_lock_info'")
                         .WithContext(
                             "installing the METADATA_LOCK_INFO plugin (needs INSERT on "
                             "mysql.plugin)");
  if (galera) SAFEDDL_RETURN_IF_ERROR(conn.Execute("SET SESSION wsrep_on = ON"));
  return installed;
}

Result<Diagnosis> Diagnose(mysql::Connection& conn, const DiagnoseOptions& o) {
  Diagnosis d;
  SAFEDDL_ASSIGN_OR_RETURN(d.snapshot, CollectSnapshot(conn, o.collect));
  d.graph = BuildWaitGraph(d.snapshot);
  std::vector<Pileup> kept;
  for (Pileup& p : d.graph.pileups) {
    if (o.filter.Matches(p.table)) kept.push_back(std::move(p));
  }
  d.graph.pileups = std::move(kept);
  if (o.read_schema && !d.graph.pileups.empty()) {
    SAFEDDL_RETURN_IF_ERROR(
        conn.Execute(fmt::format("SET SESSION lock_wait_timeout = {}", kDiagnoseLockWaitSeconds)));
  }
  for (const Pileup& p : d.graph.pileups) {
    std::optional<TableSize> size;
    if (o.read_schema) {
      size = ReadTableSize(conn, p.table);
      Result<std::string> create = ShowCreateTable(conn, p.table);
      if (create.ok()) d.create_before[p.table] = *create;
    }
    d.decisions.push_back(Decide(d.snapshot, p, o.policy, size));
  }
  return d;
}

}  // namespace safeddl::locks
