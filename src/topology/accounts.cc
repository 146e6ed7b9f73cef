#include "topology/accounts.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <map>

#include "common/strings.h"
#include "mysql/quote.h"

namespace safeddl::topology {
namespace {

constexpr std::array<std::string_view, 9> kAdministrative = {"SUPER",
                                                             "CONNECTION ADMIN",
                                                             "READ_ONLY ADMIN",
                                                             "CREATE USER",
                                                             "SHUTDOWN",
                                                             "BINLOG ADMIN",
                                                             "REPLICATION SLAVE ADMIN",
                                                             "REPLICATION MASTER ADMIN",
                                                             "REPLICATION SLAVE"};

// information_schema.USER_PRIVILEGES names an account 'user'@'host'.
std::string Grantee(std::string_view user, std::string_view host) {
  return fmt::format("'{}'@'{}'", user, host);
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool LikeMatch(std::string_view p, std::string_view s) {
  if (p.empty()) return s.empty();
  if (p[0] == '%') {
    for (size_t i = 0; i <= s.size(); ++i) {
      if (LikeMatch(p.substr(1), s.substr(i))) return true;
    }
    return false;
  }
  if (s.empty()) return false;
  if (p[0] == '_' || p[0] == s[0]) return LikeMatch(p.substr(1), s.substr(1));
  return false;
}

// The client's host without its ":port" (processlist HOST); "[::1]:port" and bare IPv6 kept.
std::string_view WithoutPort(std::string_view host) {
  const size_t colon = host.rfind(':');
  if (colon == std::string_view::npos || host.find(':') != colon) return host;
  const std::string_view port = host.substr(colon + 1);
  if (port.empty() || !std::all_of(port.begin(), port.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c));
      })) {
    return host;
  }
  return host.substr(0, colon);
}

// Larger first: the order in which the server tries an account's host patterns.
std::pair<int, size_t> Specificity(std::string_view pattern) {
  const size_t wildcard = pattern.find_first_of("%_");
  if (wildcard == std::string_view::npos) return {1, pattern.size()};
  return {0, wildcard};
}

}  // namespace

std::string AccountText(const Account& a) { return a.user + "@" + a.host; }

std::string AccountSql(std::string_view user, std::string_view host) {
  const auto part = [](std::string_view s) {
    return s.empty() ? std::string("''") : *mysql::QuoteIdentifier(s);
  };
  return part(user) + "@" + part(host);
}

std::string AdministrativePrivilege(const Account& a) {
  for (std::string_view admin : kAdministrative) {
    if (std::find(a.global_privileges.begin(), a.global_privileges.end(), admin) !=
        a.global_privileges.end()) {
      return std::string(admin);
    }
  }
  return "";
}

Result<std::vector<Account>> ListAccounts(mysql::Connection& conn) {
  SAFEDDL_ASSIGN_OR_RETURN(
      mysql::ResultSet privileges,
      conn.Query("SELECT GRANTEE, PRIVILEGE_TYPE FROM information_schema.USER_PRIVILEGES"));
  std::map<std::string, std::vector<std::string>> by_grantee;
  for (const mysql::Row& r : privileges.rows()) {
    by_grantee[r[0].value_or("")].push_back(r[1].value_or(""));
  }
  SAFEDDL_ASSIGN_OR_RETURN(
      mysql::ResultSet rows,
      conn.Query("SELECT u.User, u.Host, u.is_role, "
                 "IFNULL(JSON_VALUE(g.Priv, '$.account_locked'), 'false') "
                 "FROM mysql.global_priv g JOIN mysql.user u ON u.User = g.User AND "
                 "u.Host = g.Host ORDER BY u.User, u.Host"));
  std::vector<Account> accounts;
  for (const mysql::Row& r : rows.rows()) {
    Account a;
    a.user = r[0].value_or("");
    a.host = r[1].value_or("");
    a.is_role = r[2].value_or("N") == "Y";
    const std::string locked = r[3].value_or("false");
    a.locked = locked == "true" || locked == "1";
    if (auto it = by_grantee.find(Grantee(a.user, a.host)); it != by_grantee.end()) {
      a.global_privileges = it->second;
    }
    accounts.push_back(std::move(a));
  }
  return accounts;
}

Result<std::vector<AccountPattern>> ParseAccountPatterns(std::string_view list) {
  std::vector<AccountPattern> patterns;
  for (const std::string& raw : SplitString(list, ',')) {
    const std::string entry(TrimWhitespace(raw));
    if (entry.empty()) continue;
    AccountPattern p;
    const size_t at = entry.rfind('@');
    if (at == std::string::npos) {
      p.user = entry;
    } else {
      p.user = entry.substr(0, at);
      p.host = entry.substr(at + 1);
    }
    for (std::string* part : {&p.user, p.host ? &*p.host : nullptr}) {
      if (part && part->size() >= 2 && (part->front() == '\'' || part->front() == '`') &&
          part->back() == part->front()) {
        *part = part->substr(1, part->size() - 2);
      }
    }
    if (p.user.empty() && !p.host) {
      return InvalidArgumentError(fmt::format("'{}' is not an account (user or user@host)", raw));
    }
    patterns.push_back(std::move(p));
  }
  return patterns;
}

bool Matches(const AccountPattern& pattern, const Account& account) {
  return pattern.user == account.user &&
         (!pattern.host || Lower(*pattern.host) == Lower(account.host));
}

std::string PatternText(const AccountPattern& pattern) {
  return pattern.host ? pattern.user + "@" + *pattern.host : pattern.user;
}

bool HostMatches(std::string_view pattern, std::string_view host) {
  return LikeMatch(Lower(pattern), Lower(host));
}

const Account* SessionAccount(const std::vector<Account>& accounts, std::string_view user,
                              std::string_view client_host) {
  const std::string_view host = WithoutPort(client_host);
  const Account* best = nullptr;
  for (const Account& a : accounts) {
    if (a.is_role || a.user != user) continue;
    bool match = HostMatches(a.host, host);
    // A local socket or loopback session also matches an account at 'localhost', 127.0.0.1
    // or ::1: the server resolves loopback to localhost.
    if (!match && (host == "localhost" || host == "127.0.0.1" || host == "::1")) {
      match = a.host == "localhost" || a.host == "127.0.0.1" || a.host == "::1";
    }
    if (!match) continue;
    if (!best || Specificity(a.host) > Specificity(best->host)) best = &a;
  }
  return best;
}

}  // namespace safeddl::topology
