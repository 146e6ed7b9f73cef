// Pure parts of the fence: account patterns, host matching, which account a session used, which
// accounts are administrative, and the expiry event's statement.
#include <gtest/gtest.h>

#include "topology/accounts.h"
#include "topology/fence_expiry.h"

namespace safeddl::topology {
namespace {

Account Make(std::string user, std::string host, std::vector<std::string> privileges = {}) {
  Account a;
  a.user = std::move(user);
  a.host = std::move(host);
  a.global_privileges = std::move(privileges);
  return a;
}

TEST(AccountPatterns, ParsesUsersHostsAndQuotes) {
  Result<std::vector<AccountPattern>> p =
      ParseAccountPatterns(" app@% , 'report'@'10.0.0.%',etl, we@ird@host ");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_EQ(p->size(), 4u);
  EXPECT_EQ((*p)[0].user, "app");
  EXPECT_EQ((*p)[0].host, "%");
  EXPECT_EQ((*p)[1].user, "report");
  EXPECT_EQ((*p)[1].host, "10.0.0.%");
  EXPECT_EQ((*p)[2].user, "etl");
  EXPECT_FALSE((*p)[2].host.has_value());
  EXPECT_EQ((*p)[3].user, "we@ird");
  EXPECT_EQ((*p)[3].host, "host");
  EXPECT_TRUE(Matches((*p)[2], Make("etl", "db1")));
  EXPECT_TRUE(Matches((*p)[0], Make("app", "%")));
  EXPECT_FALSE(Matches((*p)[0], Make("app", "localhost")));
}

TEST(AccountPatterns, SkipsEmptyEntries) {
  Result<std::vector<AccountPattern>> p = ParseAccountPatterns(",,");
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->empty());
}

TEST(Hosts, WildcardsAndCase) {
  EXPECT_TRUE(HostMatches("%", "anything"));
  EXPECT_TRUE(HostMatches("10.0.0.%", "10.0.0.17"));
  EXPECT_FALSE(HostMatches("10.0.0.%", "10.0.1.17"));
  EXPECT_TRUE(HostMatches("app_.example.com", "APP1.example.com"));
  EXPECT_FALSE(HostMatches("app_.example.com", "app12.example.com"));
}

TEST(Hosts, SessionAccountIsTheOneTheServerTriesFirst) {
  const std::vector<Account> accounts = {Make("app", "%"), Make("app", "10.0.%"),
                                         Make("app", "10.0.0.5"), Make("app", "localhost"),
                                         Make("other", "%")};
  const Account* a = SessionAccount(accounts, "app", "10.0.0.5:41234");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->host, "10.0.0.5");
  a = SessionAccount(accounts, "app", "10.0.9.1:5000");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->host, "10.0.%");
  a = SessionAccount(accounts, "app", "192.168.1.1:5000");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->host, "%");
  a = SessionAccount(accounts, "app", "localhost");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->host, "localhost");
  EXPECT_EQ(SessionAccount(accounts, "nobody", "localhost"), nullptr);
  // A loopback TCP session shows as 127.0.0.1 or localhost and matches either account.
  const std::vector<Account> loop = {Make("app", "127.0.0.1")};
  a = SessionAccount(loop, "app", "localhost:3345");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->host, "127.0.0.1");
}

TEST(Accounts, AdministrativePrivileges) {
  EXPECT_EQ(AdministrativePrivilege(Make("app", "%", {"SELECT", "INSERT"})), "");
  EXPECT_EQ(AdministrativePrivilege(Make("dba", "%", {"SELECT", "SUPER"})), "SUPER");
  EXPECT_EQ(AdministrativePrivilege(Make("repl", "%", {"REPLICATION SLAVE"})), "REPLICATION SLAVE");
  EXPECT_EQ(AdministrativePrivilege(Make("ops", "%", {"CONNECTION ADMIN"})), "CONNECTION ADMIN");
}

TEST(Accounts, SqlQuotesBothParts) {
  EXPECT_EQ(AccountSql("app", "%"), "`app`@`%`");
  EXPECT_EQ(AccountSql("we`ird", "h"), "`we``ird`@`h`");
  EXPECT_EQ(AccountSql("", "localhost"), "''@`localhost`");
}

TEST(FenceExpiry, EventUndoesExactlyWhatTheFenceChanged) {
  FenceRecord f;
  f.id = 7;
  f.accounts = {Make("app", "%"), Make("etl", "10.0.%")};
  std::string sql = ExpiryEventStatement(f, std::chrono::seconds(600));
  EXPECT_NE(sql.find("CREATE EVENT `_safeddl_fence`.`expire_7`"), std::string::npos) << sql;
  EXPECT_NE(sql.find("INTERVAL 600 SECOND"), std::string::npos) << sql;
  EXPECT_NE(sql.find("SET SESSION sql_log_bin = 0;"), std::string::npos) << sql;
  EXPECT_NE(sql.find("ALTER USER IF EXISTS `app`@`%` ACCOUNT UNLOCK;"), std::string::npos) << sql;
  EXPECT_NE(sql.find("ALTER USER IF EXISTS `etl`@`10.0.%` ACCOUNT UNLOCK;"), std::string::npos);
  EXPECT_EQ(sql.find("read_only"), std::string::npos) << sql;
  EXPECT_NE(sql.find("restored_at = UTC_TIMESTAMP()"), std::string::npos) << sql;
  EXPECT_NE(sql.find("WHERE id = 7 AND lifted_at IS NULL"), std::string::npos) << sql;

  f.read_only_before = "OFF";
  f.event_scheduler_before = "OFF";
  sql = ExpiryEventStatement(f, std::chrono::seconds(10));
  EXPECT_NE(sql.find("SET GLOBAL read_only = 0;"), std::string::npos) << sql;
  // The scheduler it turned on cannot be turned off from its own event: left for fence off.
  EXPECT_NE(sql.find("restored_at = NULL"), std::string::npos) << sql;
}

}  // namespace
}  // namespace safeddl::topology
