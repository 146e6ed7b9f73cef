// `safeddl alter` end to end against the real sandbox, through the binary, under concurrent
// writes. The oracle: every writer transaction changes the table and a shadow copy of it
// together, so after the migration the server's own ALTER of the shadow must equal the migrated
// table row for row.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <functional>

#include "common/strings.h"
#include "mysql/connection.h"
#include "mysql/quote.h"
#include "testkit/testkit.h"

namespace safeddl::cli {
namespace {

using testkit::MustExecute;
using testkit::MustQueryValue;

constexpr int kInitialRows = 20000;
constexpr auto kWaitLimit = std::chrono::seconds(120);  // generous: the machine is shared

// One command on the control socket, as a client would send it: a plain AF_UNIX connection, one
// line, the answer read to EOF; "" when nobody answers.
std::string SocketCommand(const std::string& path, const std::string& line) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  if (fd < 0) return "";
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.data(), std::min(path.size(), sizeof(addr.sun_path) - 1));
  std::string answer;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
    const std::string out = line + "\n";
    if (::write(fd, out.data(), out.size()) == static_cast<ssize_t>(out.size())) {
      char buf[4096];
      for (ssize_t n; (n = ::read(fd, buf, sizeof(buf))) > 0;) answer.append(buf, n);
    }
  }
  ::close(fd);
  return answer;
}

// Polls `done` every 100 ms until it holds (true) or kWaitLimit passes (false).
bool WaitFor(const std::function<bool()>& done) {
  const auto deadline = std::chrono::steady_clock::now() + kWaitLimit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

// Every MariaDB column family, with values at their edges.
constexpr char kTypesTable[] = R"(
  id BIGINT NOT NULL PRIMARY KEY,
  ti TINYINT, tu TINYINT UNSIGNED, si SMALLINT, mi MEDIUMINT UNSIGNED, i INT NOT NULL DEFAULT 0,
  bu BIGINT UNSIGNED, de DECIMAL(65,30), f FLOAT, db DOUBLE,
  vl VARCHAR(40) CHARACTER SET latin1, vu VARCHAR(40) CHARACTER SET utf8mb4, ch CHAR(3),
  tx TEXT CHARACTER SET utf8mb4, bl BLOB, bn BINARY(4), vb VARBINARY(20),
  dt DATE, dtm DATETIME(6), ts TIMESTAMP(6) NULL DEFAULT NULL, tm TIME(3), yr YEAR,
  en ENUM('a','b','c'), st SET('x','y','z'), bt BIT(10), js JSON,
  `select` INT, `we``ird col` VARCHAR(10),
  KEY k_i (i))";

std::string RandomRowValues(std::mt19937_64& rng, int64_t id) {
  auto pick = [&](std::initializer_list<const char*> options) {
    auto it = options.begin();
    std::advance(it, rng() % options.size());
    return std::string(*it);
  };
  const uint64_t r = rng();
  return fmt::format(
      "{}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, "
      "{}, {}, {}, {}, {}",
      id, pick({"-128", "127", "0", "NULL"}), pick({"255", "0"}), pick({"-32768", "32767"}),
      pick({"16777215", "0"}), static_cast<int>(r % 1000),
      pick({"18446744073709551615", "0", "NULL"}),
      pick({"-99999999999999999999999999999999999.999999999999999999999999999999",
            "0.000000000000000000000000000001", "12.5"}),
      pick({"1.5", "-3.25e10", "NULL"}), pick({"2.718281828459045", "-1e300"}),
      pick({"'caf\\xE9'", "'plain'", "NULL"}), pick({"'ünï😀'", "'€uro'", "''"}),
      pick({"'abc'", "'z'"}), pick({"REPEAT('long text ', 50)", "'t'"}),
      pick({"X'00FF00'", "X''", "NULL"}), pick({"X'00000001'", "X'FFFFFFFF'"}),
      pick({"X'DEADBEEF'", "X'00'"}), pick({"'0000-00-00'", "'9999-12-31'", "'2026-11-22'"}),
      pick({"'2026-11-22 08:12:59.123456'", "'1000-01-01 00:00:00.000001'"}),
      pick({"'2026-11-22 08:12:59.654321'", "NULL"}), pick({"'-838:59:59.000'", "'12:34:56.789'"}),
      pick({"2155", "1901", "0"}), pick({"'a'", "'c'", "NULL"}), pick({"'x,z'", "''"}),
      pick({"b'1010101010'", "b'0'"}), pick({"'{\"k\": [1, 2, {\"n\": null}]}'", "NULL"}),
      static_cast<int>(r % 7), pick({"'w'", "NULL"}));
}

class AlterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    conn_ = testkit::ConnectPrimary();
    ASSERT_NE(conn_, nullptr);
    MustExecute(*conn_, "SET SESSION sql_mode = 'NO_ENGINE_SUBSTITUTION'");
    db_ = testkit::UniqueDatabase(*conn_, "alter");
  }
  void TearDown() override {
    if (std::getenv("SAFEDDL_TEST_KEEP")) return;  // keep the databases for a post-mortem
    if (conn_) MustExecute(*conn_, "DROP DATABASE IF EXISTS " + *mysql::QuoteIdentifier(db_));
  }
  std::string T(const std::string& table) { return *mysql::QuoteQualified(db_, table); }

  void CreateTypesTables(int rows) {
    for (const char* name : {"t", "shadow"}) {
      MustExecute(*conn_, fmt::format("CREATE TABLE {} ({}) ENGINE=InnoDB", T(name), kTypesTable));
    }
    std::mt19937_64 rng(42);
    for (int done = 0; done < rows;) {
      std::vector<std::string> values;
      for (int j = 0; j < 500 && done < rows; ++j, ++done)
        values.push_back("(" + RandomRowValues(rng, done * 10) + ")");
      MustExecute(*conn_,
                  fmt::format("INSERT INTO {} VALUES {}", T("t"), JoinStrings(values, ",")));
    }
    MustExecute(*conn_, fmt::format("INSERT INTO {} SELECT * FROM {}", T("shadow"), T("t")));
  }

  // Writers: inserts, updates (also of the key), deletes, each applied to t and shadow in one
  // transaction. Runs until `stop`.
  void Writers(int threads, std::atomic<bool>& stop, std::atomic<int64_t>& commits,
               std::vector<std::thread>& out) {
    for (int w = 0; w < threads; ++w) {
      out.emplace_back([this, w, &stop, &commits] {
        auto c = testkit::ConnectPrimary();
        if (!c) return;
        (void)c->Execute("SET SESSION sql_mode = 'NO_ENGINE_SUBSTITUTION'");
        (void)c->Execute("SET SESSION innodb_lock_wait_timeout = 5");
        std::mt19937_64 rng(1000 + w);
        int64_t next_id = 1000000000LL * (w + 1);
        while (!stop.load()) {
          const int op = static_cast<int>(rng() % 10);
          const int64_t target = static_cast<int64_t>(rng() % kInitialRows) * 10;
          std::vector<std::string> sql;
          if (op < 4) {
            const std::string values = RandomRowValues(rng, next_id++);
            for (const char* t : {"t", "shadow"})
              sql.push_back(fmt::format("INSERT INTO {} VALUES ({})", T(t), values));
          } else if (op < 7) {
            for (const char* t : {"t", "shadow"}) {
              sql.push_back(
                  fmt::format("UPDATE {} SET i = i + 1, vu = 'upd{}', ts = '2030-01-0{} "
                              "00:00:00.5' WHERE id = {}",
                              T(t), w, 1 + w, target));
            }
          } else if (op < 8) {
            const int64_t moved = next_id++;
            for (const char* t : {"t", "shadow"})
              sql.push_back(
                  fmt::format("UPDATE {} SET id = {} WHERE id = {}", T(t), moved, target));
          } else {
            for (const char* t : {"t", "shadow"})
              sql.push_back(fmt::format("DELETE FROM {} WHERE id = {}", T(t), target + 10));
          }
          if (!c->Execute("START TRANSACTION").ok()) continue;
          bool ok = true;
          for (const auto& s : sql) ok = ok && c->Execute(s).ok();
          if (ok && c->Execute("COMMIT").ok()) {
            ++commits;
          } else {
            (void)c->Execute("ROLLBACK");
          }
        }
      });
    }
  }

  // Alters the shadow with the server's own ALTER and compares it with t, row for row.
  void ExpectEqualsReference(const std::string& alter) {
    MustExecute(*conn_, fmt::format("ALTER TABLE {} {}", T("shadow"), alter));
    const std::string count_t = MustQueryValue(*conn_, "SELECT COUNT(*) FROM " + T("t"));
    EXPECT_EQ(count_t, MustQueryValue(*conn_, "SELECT COUNT(*) FROM " + T("shadow")));
    auto cols = conn_->Query(fmt::format(
        "SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = {} AND "
        "TABLE_NAME = 'shadow' ORDER BY ORDINAL_POSITION",
        mysql::QuoteString(db_)));
    ASSERT_TRUE(cols.ok());
    std::vector<std::string> same;
    for (const auto& r : cols->rows()) {
      const std::string q = *mysql::QuoteIdentifier(r[0].value_or(""));
      same.push_back(fmt::format("s.{0} <=> t.{0}", q));
    }
    const std::string mismatches = MustQueryValue(
        *conn_, fmt::format("SELECT COUNT(*) FROM {} s LEFT JOIN {} t ON s.id = t.id WHERE "
                            "t.id IS NULL OR NOT ({})",
                            T("shadow"), T("t"), JoinStrings(same, " AND ")));
    EXPECT_EQ(mismatches, "0") << "rows differ from the server's own ALTER";
  }

  std::vector<std::string> AlterArgs(const std::string& alter,
                                     std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {
        "alter",      "--defaults-file=" + testkit::Primary().client_config,
        "--database", db_,
        "--table",    "t",
        "--alter",    alter};
    if (std::getenv("SAFEDDL_TEST_KEEP")) args.push_back("--debug");
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }
  // With SAFEDDL_TEST_KEEP set, the tool's stderr is kept beside the database for a post-mortem.
  void KeepLog(const testkit::CommandResult& r) {
    if (!std::getenv("SAFEDDL_TEST_KEEP")) return;
    if (std::FILE* f = std::fopen(("/tmp/" + db_ + ".log").c_str(), "w")) {
      std::fputs(r.err.c_str(), f);
      std::fclose(f);
    }
  }

  std::unique_ptr<mysql::Connection> conn_;
  std::string db_;
};

TEST_F(AlterTest, DryRunValidatesAndChangesNothing) {
  CreateTypesTables(100);
  auto create = conn_->Query("SHOW CREATE TABLE " + T("t"));
  ASSERT_TRUE(create.ok());
  const auto r = testkit::RunSafeddl(AlterArgs("ADD COLUMN extra INT NOT NULL DEFAULT 7"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("dry run"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("`extra` int(11) NOT NULL DEFAULT 7"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("CREATE TABLE `t`"), std::string::npos) << r.out;
  auto after = conn_->Query("SHOW CREATE TABLE " + T("t"));
  ASSERT_TRUE(after.ok());
  EXPECT_EQ((*create)[0][1], (*after)[0][1]);
  EXPECT_EQ(
      MustQueryValue(*conn_, fmt::format("SELECT COUNT(*) FROM information_schema.TABLES "
                                         "WHERE TABLE_SCHEMA = {} AND TABLE_NAME LIKE '\\_t\\_%'",
                                         mysql::QuoteString(db_))),
      "0");
}

struct AlterCase {
  const char* name;
  const char* alter;
  std::vector<std::string> flags;
};

class AlterUnderLoadTest : public AlterTest, public ::testing::WithParamInterface<AlterCase> {};

TEST_P(AlterUnderLoadTest, MatchesTheServersOwnAlter) {
  CreateTypesTables(kInitialRows);
  std::atomic<bool> stop{false};
  std::atomic<int64_t> commits{0};
  std::vector<std::thread> writers;
  Writers(4, stop, commits, writers);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  std::vector<std::string> flags = GetParam().flags;
  flags.insert(flags.end(), {"--execute", "--json", "--chunk-size", "500", "--ok-to-drop-table"});
  const auto r = testkit::RunSafeddl(AlterArgs(GetParam().alter, flags));
  KeepLog(r);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // writes after the swap, too
  stop.store(true);
  for (auto& t : writers) t.join();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_GT(commits.load(), 100) << "the load did not run";
  const auto report = nlohmann::json::parse(r.out);
  EXPECT_TRUE(report["swapped"].get<bool>());
  EXPECT_GE(report["checksum"]["passes"].get<int>(), 1);
  EXPECT_EQ(report["checksum"]["rows"].get<int64_t>() > 0, true);
  EXPECT_LT(report["cut_over"]["stall_ms"].get<double>(), 1500.0);
  ExpectEqualsReference(GetParam().alter);
}

INSTANTIATE_TEST_SUITE_P(
    Alters, AlterUnderLoadTest,
    ::testing::Values(
        AlterCase{"add_and_convert",
                  "ADD COLUMN extra INT NOT NULL DEFAULT 7, MODIFY vl VARCHAR(60) CHARACTER SET "
                  "utf8mb4, ENGINE=InnoDB",
                  {}},
        AlterCase{"drop_rename_reorder",
                  "DROP COLUMN f, CHANGE COLUMN ti ti_renamed SMALLINT, MODIFY yr YEAR AFTER id",
                  {"--approve-renamed-columns"}},
        AlterCase{"enum_and_index",
                  "MODIFY en ENUM('a','b','c','d'), ADD INDEX k_dtm (dtm), ADD COLUMN g INT AS (i "
                  "* 2) VIRTUAL",
                  {}}),
    [](const auto& info) { return std::string(info.param.name); });

TEST_F(AlterTest, RefusesWhatItCannotDoSafelyAndLeavesTheTableAlone) {
  MustExecute(*conn_, fmt::format("CREATE TABLE {} (a INT, b INT)", T("nokey")));
  MustExecute(*conn_, fmt::format("CREATE TABLE {} (id INT PRIMARY KEY)", T("parent")));
  MustExecute(
      *conn_,
      fmt::format("CREATE TABLE {} (id INT PRIMARY KEY, p INT, FOREIGN KEY (p) REFERENCES {} (id))",
                  T("child"), T("parent")));
  MustExecute(*conn_, fmt::format("CREATE TABLE {} (id INT PRIMARY KEY, v INT)", T("t")));
  MustExecute(*conn_,
              fmt::format("CREATE TRIGGER {} BEFORE INSERT ON {} FOR EACH ROW SET NEW.v = 1",
                          T("trg"), T("t")));
  MustExecute(*conn_, fmt::format("CREATE TABLE {} (id INT PRIMARY KEY, v INT)", T("plain")));
  struct Case {
    std::string table, alter, expect;
  };
  const std::vector<Case> cases = {
      {"nokey", "ADD COLUMN c INT", "no PRIMARY KEY or NOT NULL UNIQUE key"},
      {"child", "ADD COLUMN c INT", "has foreign keys"},
      {"parent", "ADD COLUMN c INT", "is referenced by foreign keys"},
      {"t", "ADD COLUMN c INT", "has triggers"},
      {"plain", "RENAME TO other", "renames the table"},
      {"plain", "CHANGE COLUMN v w INT", "--approve-renamed-columns"},
      {"plain", "ADD COLUMN c NOSUCHTYPE", "the server rejects the ALTER"},
      {"plain", "DROP PRIMARY KEY", "no PRIMARY KEY or NOT NULL UNIQUE key"},
      {"missing", "ADD COLUMN c INT", "does not exist"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.table + ": " + c.alter);
    auto before = conn_->Query("SHOW CREATE TABLE " + T(c.table));
    std::vector<std::string> args = {
        "alter",      "--defaults-file=" + testkit::Primary().client_config,
        "--database", db_,
        "--table",    c.table,
        "--alter",    c.alter,
        "--execute"};
    const auto r = testkit::RunSafeddl(args);
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find(c.expect), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    if (before.ok()) {
      auto after = conn_->Query("SHOW CREATE TABLE " + T(c.table));
      ASSERT_TRUE(after.ok());
      EXPECT_EQ((*before)[0][1], (*after)[0][1]);
    }
  }
  EXPECT_EQ(MustQueryValue(*conn_, fmt::format("SELECT COUNT(*) FROM information_schema.TABLES "
                                               "WHERE TABLE_SCHEMA = {} AND TABLE_NAME LIKE '\\_%'",
                                               mysql::QuoteString(db_))),
            "0")
      << "helper tables left behind";
}

TEST_F(AlterTest, PanicOnWarningsStopsALossyChange) {
  MustExecute(*conn_, fmt::format("CREATE TABLE {} (id INT PRIMARY KEY, v VARCHAR(20))", T("t")));
  MustExecute(*conn_,
              fmt::format("INSERT INTO {} VALUES (1, 'short'), (2, 'much too long here')", T("t")));
  const auto r = testkit::RunSafeddl(
      AlterArgs("MODIFY v VARCHAR(5)", {"--execute", "--panic-on-warnings", "--skip-strict-mode"}));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("--panic-on-warnings"), std::string::npos) << r.err;
  EXPECT_EQ(MustQueryValue(*conn_, "SELECT v FROM " + T("t") + " WHERE id = 2"),
            "much too long here");
  EXPECT_EQ(MustQueryValue(*conn_,
                           "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = " +
                               mysql::QuoteString(db_)),
            "1");
}

TEST_F(AlterTest, CutOverWaitsForALongTransactionWithoutBlockingWrites) {
  MustExecute(*conn_, fmt::format("CREATE TABLE {} (id INT PRIMARY KEY, v INT)", T("t")));
  MustExecute(*conn_, fmt::format("INSERT INTO {} SELECT seq, seq FROM {}.seq_1_to_1000", T("t"),
                                  *mysql::QuoteIdentifier(db_)));
  // A transaction that read the table holds its metadata lock until it ends.
  auto blocker = testkit::ConnectPrimary();
  ASSERT_NE(blocker, nullptr);
  MustExecute(*blocker, "START TRANSACTION");
  MustExecute(*blocker, "SELECT COUNT(*) FROM " + T("t"));
  const uint64_t blocker_id = blocker->id();

  std::atomic<bool> stop{false};
  std::atomic<double> worst_ms{0};
  std::thread writer([&] {
    auto c = testkit::ConnectPrimary();
    if (!c) return;
    int n = 0;
    while (!stop.load()) {
      const auto start = std::chrono::steady_clock::now();
      (void)c->Execute(
          fmt::format("UPDATE {} SET v = v + 1 WHERE id = {}", T("t"), 1 + (n++ % 1000)));
      const double ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count();
      if (ms > worst_ms.load()) worst_ms.store(ms);
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
  std::thread release([&] {
    std::this_thread::sleep_for(std::chrono::seconds(5));
    MustExecute(*blocker, "COMMIT");
  });
  const auto r = testkit::RunSafeddl(
      AlterArgs("ADD COLUMN c INT",
                {"--execute", "--cut-over-lock-timeout-seconds", "1", "--default-retries", "20"}));
  release.join();
  stop.store(true);
  writer.join();
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find(fmt::format("connection {}", blocker_id)), std::string::npos)
      << "the blocker is not named:\n"
      << r.err;
  EXPECT_LT(worst_ms.load(), 2500.0) << "writes were blocked longer than the lock timeout allows";
  EXPECT_EQ(
      MustQueryValue(*conn_,
                     "SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = " +
                         mysql::QuoteString(db_) + " AND TABLE_NAME = 't' AND COLUMN_NAME = 'c'"),
      "1");
}

TEST_F(AlterTest, PostponedCutOverStaysInSyncUntilUnpostponed) {
  constexpr char kAlter[] =
      "ADD COLUMN extra INT NOT NULL DEFAULT 7, MODIFY en ENUM('a','b','c','d')";
  CreateTypesTables(kInitialRows / 4);
  const std::string flag = "/tmp/safeddl-test-" + db_ + ".postpone";
  const std::string sock = "/tmp/safeddl-test-" + db_ + ".sock";
  std::ofstream(flag).put('\n');
  std::atomic<bool> stop{false}, finished{false};
  std::atomic<int64_t> commits{0};
  std::vector<std::thread> writers;
  Writers(4, stop, commits, writers);
  testkit::CommandResult r;
  std::thread alter([&] {
    r = testkit::RunSafeddl(
        AlterArgs(kAlter, {"--execute", "--json", "--chunk-size", "500", "--ok-to-drop-table",
                           "--postpone-cut-over-flag-file", flag, "--serve-socket-file", sock}));
    finished.store(true);
  });
  const bool postponed =
      WaitFor([&] {
        return finished.load() ||
               SocketCommand(sock, "status").find("postponing the cut-over") != std::string::npos;
      }) &&
      !finished.load();
  if (postponed) {
    const int64_t commits_at_postpone = commits.load();
    std::this_thread::sleep_for(std::chrono::seconds(2));
    EXPECT_GT(commits.load(), commits_at_postpone + 10) << "writes did not go on while postponed";
    // Still the original table, the ghost beside it.
    EXPECT_EQ(MustQueryValue(*conn_,
                             "SELECT COUNT(*) FROM information_schema.COLUMNS WHERE "
                             "TABLE_SCHEMA = " +
                                 mysql::QuoteString(db_) +
                                 " AND TABLE_NAME = 't' AND COLUMN_NAME = 'extra'"),
              "0");
    EXPECT_EQ(MustQueryValue(*conn_,
                             "SELECT COUNT(*) FROM information_schema.TABLES WHERE "
                             "TABLE_SCHEMA = " +
                                 mysql::QuoteString(db_) + " AND TABLE_NAME = '_t_gho'"),
              "1");
    EXPECT_NE(SocketCommand(sock, "unpostpone").find("Unpostponed"), std::string::npos);
  }
  alter.join();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // writes after the swap, too
  stop.store(true);
  for (auto& t : writers) t.join();
  ::unlink(flag.c_str());
  KeepLog(r);
  ASSERT_TRUE(postponed) << r.err;
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(nlohmann::json::parse(r.out)["swapped"].get<bool>());
  EXPECT_NE(r.err.find("unpostponed on the control socket"), std::string::npos) << r.err;
  ExpectEqualsReference(kAlter);
}

// The replica's SQL thread stopped for ~3 s: heartbeats stop arriving, the lag passes
// --max-lag-millis and the migration throttles, saying why; it goes on once replication does.
TEST_F(AlterTest, ReplicaLagThrottlesUntilTheReplicaCatchesUp) {
  MustExecute(*conn_, fmt::format("CREATE TABLE {} (id INT PRIMARY KEY, v INT)", T("t")));
  MustExecute(*conn_, fmt::format("INSERT INTO {} SELECT seq, seq FROM {}.seq_1_to_1000", T("t"),
                                  *mysql::QuoteIdentifier(db_)));
  auto replica = testkit::Connect(testkit::OptionsFor(testkit::Replica(1)));
  ASSERT_NE(replica, nullptr);
  const std::string replica_name = fmt::format("127.0.0.1:{}", testkit::Replica(1).port);
  const std::string flag = "/tmp/safeddl-test-" + db_ + ".postpone";
  const std::string sock = "/tmp/safeddl-test-" + db_ + ".sock";
  std::ofstream(flag).put('\n');
  std::atomic<bool> finished{false};
  testkit::CommandResult r;
  // No --throttle-control-replicas: the replica is found by SHOW REPLICA HOSTS (report-host).
  std::thread alter([&] {
    r = testkit::RunSafeddl(AlterArgs(
        "ADD COLUMN c INT", {"--execute", "--json", "--max-lag-millis", "500",
                             "--postpone-cut-over-flag-file", flag, "--serve-socket-file", sock}));
    finished.store(true);
  });
  auto status_has = [&](const std::string& text) {
    return WaitFor([&] {
             return finished.load() ||
                    SocketCommand(sock, "status").find(text) != std::string::npos;
           }) &&
           !finished.load();
  };
  bool lagged = false, recovered = false;
  if (status_has("postponing the cut-over") && status_has("# not throttled")) {
    MustExecute(*replica, "STOP SLAVE SQL_THREAD");
    const auto stopped = std::chrono::steady_clock::now();
    lagged = status_has("# throttled: replica " + replica_name + " lag");
    // --max-lag-millis changes live: raised, the lag no longer throttles; back, it does again.
    SocketCommand(sock, "max-lag-millis=3600000");
    EXPECT_TRUE(status_has("# not throttled"));
    SocketCommand(sock, "max-lag-millis=500");
    EXPECT_TRUE(status_has("# throttled: replica " + replica_name + " lag"));
    std::this_thread::sleep_until(stopped + std::chrono::seconds(3));
    MustExecute(*replica, "START SLAVE SQL_THREAD");
    recovered = status_has("# not throttled");
  } else {
    (void)replica->Execute("START SLAVE SQL_THREAD");
  }
  ::unlink(flag.c_str());
  alter.join();
  EXPECT_TRUE(lagged) << SocketCommand(sock, "status") << r.err;
  EXPECT_TRUE(recovered) << r.err;
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("watching replica lag on " + replica_name), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("[throttled: replica " + replica_name + " lag "), std::string::npos)
      << r.err;
  const auto report = nlohmann::json::parse(r.out);
  EXPECT_TRUE(report["swapped"].get<bool>());
  EXPECT_GT(report["throttled_seconds"].get<double>(), 1.0) << r.out;
}

}  // namespace
}  // namespace safeddl::cli
