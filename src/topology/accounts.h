// Server accounts as a fence sees them: who can log in, which accounts are locked, which global
// privileges make an account administrative (a fence keeps those open), and which account a
// session in the processlist logged in with. MariaDB 10.4+ (mysql.global_priv); pure functions
// are thread-safe, ListAccounts needs a connection allowed to read the mysql schema.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "mysql/connection.h"

namespace safeddl::topology {

struct Account {
  std::string user;
  std::string host;
  bool is_role = false;
  bool locked = false;  // ACCOUNT LOCK
  // Global privileges (information_schema.USER_PRIVILEGES.PRIVILEGE_TYPE), e.g. "SUPER".
  std::vector<std::string> global_privileges;

  bool operator==(const Account& o) const { return user == o.user && host == o.host; }
};

// "user@host" for reports.
std::string AccountText(const Account& a);
// The account in SQL: `user`@`host`, with '' for an empty (anonymous) user or host.
std::string AccountSql(std::string_view user, std::string_view host);

// The privilege that makes `a` administrative, or "" when it has none: SUPER, CONNECTION ADMIN,
// READ_ONLY ADMIN, CREATE USER, SHUTDOWN, BINLOG ADMIN, REPLICATION SLAVE ADMIN, REPLICATION
// MASTER ADMIN, or REPLICATION SLAVE (a replica's account: locking it would stop replication).
std::string AdministrativePrivilege(const Account& a);

// Every account and role of the server with its global privileges, ordered by user and host.
Result<std::vector<Account>> ListAccounts(mysql::Connection& conn);

// One entry of an --allow list: "user@host" (exactly that account) or "user" (all its hosts).
struct AccountPattern {
  std::string user;
  std::optional<std::string> host;
};
// "app@%,report@10.0.0.%,etl": comma-separated; the host is what follows the last '@'.
Result<std::vector<AccountPattern>> ParseAccountPatterns(std::string_view list);
bool Matches(const AccountPattern& pattern, const Account& account);
std::string PatternText(const AccountPattern& pattern);

// True when `host` (a client's host name or address) matches the account host `pattern` with
// its % and _ wildcards, ignoring case.
bool HostMatches(std::string_view pattern, std::string_view host);

// The account a session of `user` connected from `client_host` (processlist HOST: "name:port" or
// "localhost") logged in with: among `accounts` of that user whose host pattern matches, the one
// the server tries first (a host without wildcards, else the longest text before the first
// wildcard). Null when none matches (netmask hosts are not matched).
const Account* SessionAccount(const std::vector<Account>& accounts, std::string_view user,
                              std::string_view client_host);

}  // namespace safeddl::topology
