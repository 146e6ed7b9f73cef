// Connection against the real sandbox server: every way to connect, error classes, retry.
#include "mysql/connection.h"

#include <gtest/gtest.h>
#include <mysqld_error.h>

#include <chrono>
#include <thread>

#include "mysql/quote.h"
#include "mysql/retry.h"
#include "testkit/testkit.h"

namespace safeddl::mysql {
namespace {

using testkit::MustExecute;
using testkit::MustQueryValue;

TEST(ConnectionServerTest, ConnectsOverTcpWithExplicitCredentials) {
  ConnectOptions o;
  o.host = "127.0.0.1";
  o.port = testkit::Primary().port;
  o.user = "safeddl";
  o.password = testkit::SandboxPassword();
  auto conn = testkit::Connect(o);
  ASSERT_NE(conn, nullptr);
  EXPECT_TRUE(conn->server().IsMariaDB());
  EXPECT_TRUE(conn->server().AtLeast(10, 0));
  EXPECT_GT(conn->id(), 0u);
  // TCP: the processlist shows the client's port; the server sees the loopback address, which
  // a stock server (name resolution on) shows by its resolved name.
  EXPECT_NE(MustQueryValue(*conn,
                           "SELECT HOST FROM information_schema.PROCESSLIST WHERE ID = "
                           "CONNECTION_ID()")
                .find(':'),
            std::string::npos);
  EXPECT_EQ(MustQueryValue(*conn, "SELECT SUBSTRING_INDEX(USER(), '@', -1)"),
            testkit::StockServer() ? "localhost" : "127.0.0.1");
}

TEST(ConnectionServerTest, ConnectsOverUnixSocket) {
  ConnectOptions o;
  o.socket = testkit::Primary().socket;
  o.user = "safeddl";
  o.password = testkit::SandboxPassword();
  auto conn = testkit::Connect(o);
  ASSERT_NE(conn, nullptr);
  EXPECT_EQ(MustQueryValue(*conn, "SELECT SUBSTRING_INDEX(USER(), '@', -1)"), "localhost");
}

TEST(ConnectionServerTest, ReadsClientGroupOfDefaultsFile) {
  auto conn = testkit::Connect(testkit::OptionsFor(testkit::Primary()));
  ASSERT_NE(conn, nullptr);
  // Over TCP to 127.0.0.1 (a stock server resolves it to localhost, and that account matches).
  EXPECT_EQ(MustQueryValue(*conn, "SELECT CURRENT_USER()"),
            testkit::StockServer() ? "safeddl@localhost" : "safeddl@127.0.0.1");
  EXPECT_EQ(MustQueryValue(*conn, "SELECT @@port"), std::to_string(testkit::Primary().port));
}

TEST(ConnectionServerTest, FlagsOverrideDefaultsFile) {
  ConnectOptions o = testkit::OptionsFor(testkit::Primary());
  o.port = testkit::Replica(1).port;  // the file names the primary's port
  auto conn = testkit::Connect(o);
  ASSERT_NE(conn, nullptr);
  EXPECT_EQ(MustQueryValue(*conn, "SELECT @@port"), std::to_string(testkit::Replica(1).port));
}

TEST(ConnectionServerTest, IdentifiesItselfWithProgramNameAttribute) {
  auto conn = testkit::ConnectPrimary();
  ASSERT_NE(conn, nullptr);
  EXPECT_EQ(MustQueryValue(*conn, "SELECT @@character_set_client"), "utf8mb4");
  // Connect attributes are visible only in performance_schema, which a stock server has off.
  if (testkit::StockServer()) GTEST_SKIP() << "performance_schema is off: attributes not visible";
  EXPECT_EQ(MustQueryValue(*conn,
                           "SELECT ATTR_VALUE FROM performance_schema.session_connect_attrs "
                           "WHERE PROCESSLIST_ID = CONNECTION_ID() AND ATTR_NAME = 'program_name'"),
            "safeddl");
  EXPECT_EQ(MustQueryValue(*conn, "SELECT @@character_set_client"), "utf8mb4");
}

TEST(ConnectionServerTest, WrongPasswordIsAccessDeniedWithoutThePassword) {
  ConnectOptions o = testkit::OptionsFor(testkit::Primary());
  o.password = "not-the-password-x9";
  auto conn = Connection::Open(o);
  ASSERT_FALSE(conn.ok());
  EXPECT_EQ(conn.status().code(), StatusCode::kAccessDenied);
  EXPECT_EQ(conn.status().server_errno(), static_cast<unsigned>(ER_ACCESS_DENIED_ERROR));
  EXPECT_EQ(conn.status().ToString().find("not-the-password-x9"), std::string::npos);
  EXPECT_NE(conn.status().message().find("safeddl@127.0.0.1"), std::string::npos)
      << conn.status().message();
}

TEST(ConnectionServerTest, UnknownHostAndClosedPortCannotConnect) {
  ConnectOptions o;
  o.host = "no-such-host.invalid";
  o.user = "x";
  o.password = "";
  auto conn = Connection::Open(o);
  ASSERT_FALSE(conn.ok());
  EXPECT_EQ(conn.status().code(), StatusCode::kCannotConnect) << conn.status().ToString();

  o.host = "127.0.0.1";
  o.port = 1;  // nothing listens there
  conn = Connection::Open(o);
  ASSERT_FALSE(conn.ok());
  EXPECT_EQ(conn.status().code(), StatusCode::kCannotConnect) << conn.status().ToString();
  EXPECT_NE(conn.status().message().find("x@127.0.0.1:1"), std::string::npos);
}

TEST(ConnectionServerTest, KilledMidQueryIsConnectionLostAndRetryable) {
  auto victim = testkit::ConnectPrimary();
  auto killer = testkit::ConnectPrimary();
  ASSERT_NE(victim, nullptr);
  ASSERT_NE(killer, nullptr);
  const uint64_t victim_id = victim->id();
  std::thread t([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    MustExecute(*killer, "KILL CONNECTION " + std::to_string(victim_id));
  });
  Status s = victim->Execute("SELECT SLEEP(20)");
  t.join();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kConnectionLost) << s.ToString();
  EXPECT_TRUE(s.IsRetryable());
  // The broken connection keeps failing cleanly, never crashes.
  EXPECT_FALSE(victim->Execute("SELECT 1").ok());
}

TEST(ConnectionServerTest, LockWaitTimeoutIsClassifiedAndRetriedUntilFree) {
  auto setup = testkit::ConnectPrimary();
  ASSERT_NE(setup, nullptr);
  const std::string db = testkit::UniqueDatabase(*setup, "lockwait");
  MustExecute(*setup, "CREATE TABLE `" + db + "`.t (id INT PRIMARY KEY, v INT)");
  MustExecute(*setup, "INSERT INTO `" + db + "`.t VALUES (1, 0)");

  auto holder = testkit::ConnectPrimary();
  auto waiter = testkit::ConnectPrimary();
  ASSERT_NE(holder, nullptr);
  ASSERT_NE(waiter, nullptr);
  MustExecute(*holder, "BEGIN");
  MustExecute(*holder, "UPDATE `" + db + "`.t SET v = 1 WHERE id = 1");
  MustExecute(*waiter, "SET SESSION innodb_lock_wait_timeout = 1");

  Status first = waiter->Execute("UPDATE `" + db + "`.t SET v = 2 WHERE id = 1");
  ASSERT_EQ(first.code(), StatusCode::kLockWaitTimeout) << first.ToString();
  EXPECT_EQ(first.server_errno(), static_cast<unsigned>(ER_LOCK_WAIT_TIMEOUT));
  EXPECT_TRUE(first.IsRetryable());

  // The holder commits while the retry loop waits; a later attempt succeeds.
  std::thread release([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    MustExecute(*holder, "COMMIT");
  });
  int attempts = 0;
  Status retried =
      RetryWithBackoff(RetryPolicy{.max_attempts = 6}, SystemClock::Get(), "update", [&] {
        ++attempts;
        return waiter->Execute("UPDATE `" + db + "`.t SET v = 2 WHERE id = 1");
      });
  release.join();
  EXPECT_TRUE(retried.ok()) << retried.ToString();
  EXPECT_GE(attempts, 2);
  EXPECT_EQ(MustQueryValue(*setup, "SELECT v FROM `" + db + "`.t WHERE id = 1"), "2");
  MustExecute(*setup, "DROP DATABASE `" + db + "`");
}

// LOAD DATA LOCAL is served from memory, byte for byte; a file the server asks for on its own
// (a LOAD DATA LOCAL not run through LoadDataLocal) is refused and nothing is loaded.
TEST(ConnectionServerTest, LoadDataLocalSendsOnlyTheGivenBytes) {
  auto conn = testkit::ConnectPrimary();
  ASSERT_NE(conn, nullptr);
  MustExecute(*conn, "CREATE TEMPORARY TABLE test.safeddl_infile (id INT, v VARBINARY(20))");
  const std::string data = std::string("1\tab\\\\c\n2\t\\N\n3\tx\\0y\n");
  const Status s = conn->LoadDataLocal(
      "LOAD DATA LOCAL INFILE 'anything' INTO TABLE test.safeddl_infile CHARACTER SET binary",
      data);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(conn->affected_rows(), 3);
  EXPECT_EQ(MustQueryValue(*conn, "SELECT GROUP_CONCAT(id, ':', IFNULL(HEX(v), 'null') ORDER BY id) "
                                  "FROM test.safeddl_infile"),
            "1:61625C63,2:null,3:780079");
  const Status refused = conn->Execute(
      "LOAD DATA LOCAL INFILE '/etc/hostname' INTO TABLE test.safeddl_infile");
  EXPECT_FALSE(refused.ok());
  EXPECT_NE(refused.message().find("safeddl sends no local file"), std::string::npos)
      << refused.ToString();
  EXPECT_EQ(MustQueryValue(*conn, "SELECT COUNT(*) FROM test.safeddl_infile"), "3");
  // The session is still usable.
  EXPECT_EQ(MustQueryValue(*conn, "SELECT 1"), "1");
}

TEST(ConnectionServerTest, HostileIdentifiersRoundTrip) {
  auto conn = testkit::ConnectPrimary();
  ASSERT_NE(conn, nullptr);
  const std::vector<std::string> names = {
      "a`b", "``", "x y", "select", "'; DROP TABLE t; --", "tä€ble", "back\\slash", "dq\"x", "%_"};
  const std::string db_name = "sd hostile`db " + std::to_string(::getpid());
  const std::string db = *QuoteIdentifier(db_name);
  MustExecute(*conn, "DROP DATABASE IF EXISTS " + db);
  MustExecute(*conn, "CREATE DATABASE " + db);
  for (const std::string& name : names) {
    SCOPED_TRACE(name);
    const std::string table = *QuoteQualified(db_name, name);
    const std::string column = *QuoteIdentifier(name);
    MustExecute(*conn, "CREATE TABLE " + table + " (" + column + " VARCHAR(64) PRIMARY KEY)");
    MustExecute(*conn, "INSERT INTO " + table + " VALUES (" + QuoteString(name) + ")");
    auto rs = conn->Query("SELECT " + column + " FROM " + table);
    ASSERT_TRUE(rs.ok()) << rs.status().ToString();
    ASSERT_EQ(rs->size(), 1u);
    EXPECT_EQ((*rs)[0][0].value_or(""), name);
    EXPECT_EQ(rs->columns()[0], name);
    // The server lists the table under exactly this name.
    EXPECT_EQ(MustQueryValue(*conn,
                             "SELECT COUNT(*) FROM information_schema.TABLES WHERE "
                             "TABLE_SCHEMA = " +
                                 QuoteString(db_name) + " AND TABLE_NAME = " + QuoteString(name)),
              "1");
  }
  // MariaDB stores identifiers as utf8mb3: a 4-byte character is refused cleanly, not mangled.
  Status emoji = conn->Execute("CREATE TABLE " + *QuoteQualified(db_name, "t😀") + " (a INT)");
  EXPECT_EQ(emoji.code(), StatusCode::kServerError) << emoji.ToString();
  MustExecute(*conn, "DROP DATABASE " + db);
}

TEST(ConnectionServerTest, RowWrittenOnPrimaryIsReadOnReplica) {
  auto primary = testkit::ConnectPrimary();
  auto replica = testkit::Connect(testkit::OptionsFor(testkit::Replica(1)));
  ASSERT_NE(primary, nullptr);
  ASSERT_NE(replica, nullptr);
  const std::string db = testkit::UniqueDatabase(*primary, "repl");
  MustExecute(*primary, "CREATE TABLE `" + db + "`.t (id INT PRIMARY KEY, v VARCHAR(20))");
  MustExecute(*primary, "INSERT INTO `" + db + "`.t VALUES (7, 'replicated')");
  std::string seen;
  for (int i = 0; i < 100 && seen.empty(); ++i) {
    auto v = replica->QueryValue("SELECT v FROM `" + db + "`.t WHERE id = 7");
    if (v.ok() && v->has_value()) seen = **v;
    if (seen.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(seen, "replicated");
  EXPECT_EQ(MustQueryValue(*replica, "SELECT @@server_id"),
            std::to_string(testkit::Replica(1).port));
  MustExecute(*primary, "DROP DATABASE `" + db + "`");
}

}  // namespace
}  // namespace safeddl::mysql
