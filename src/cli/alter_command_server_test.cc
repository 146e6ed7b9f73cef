// `safeddl alter` end to end against the real sandbox, through the binary, under concurrent
// writes. The oracle: every writer transaction changes the table and a shadow copy of it
// together, so after the migration the server's own ALTER of the shadow must equal the migrated
// table row for row.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli/alter_test_fixture.h"
#include "common/strings.h"
#include "mysql/connection.h"
#include "mysql/quote.h"
#include "testkit/testkit.h"

namespace safeddl::cli {
namespace {

using alter_test::AlterTest;
using alter_test::ExpectTheChecksumCompared;
using alter_test::kInitialRows;

using testkit::MustExecute;
using testkit::MustQueryValue;
using testkit::WaitFor;

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
  // The indexes are built after the copy: forced, as the sandbox has a replica (which "auto"
  // respects, see DeferredIndexesWaitForNoReplica); ExpectEqualsReference compares definitions.
  flags.insert(flags.end(), {"--execute", "--json", "--chunk-size", "500", "--ok-to-drop-table",
                             "--defer-indexes", "on"});
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
  // Copy and apply were exact on their own: the checksum had nothing to repair.
  EXPECT_EQ(report["checksum"]["ranges_recopied"].get<int64_t>(), 0) << r.out;
  ExpectTheChecksumCompared(report);
  EXPECT_LT(report["cut_over"]["stall_ms"].get<double>(), 1500.0);
  EXPECT_NE(report["notes"].dump().find("of the new table were built after the copy"),
            std::string::npos)
      << r.out;
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

// --defer-indexes auto (the default) leaves the indexes in while a replica reads the binlog: the
// build would replay there as one statement, holding replication for its length.
TEST_F(AlterTest, DeferredIndexesWaitForNoReplica) {
  MustExecute(*conn_,
              fmt::format("CREATE TABLE {} (id INT PRIMARY KEY, v INT, KEY kv (v))", T("t")));
  MustExecute(*conn_, fmt::format("INSERT INTO {} SELECT seq, seq FROM {}.seq_1_to_1000", T("t"),
                                  *mysql::QuoteIdentifier(db_)));
  const auto r = testkit::RunSafeddl(
      AlterArgs("ADD COLUMN c INT", {"--execute", "--json", "--ok-to-drop-table"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string notes = nlohmann::json::parse(r.out)["notes"].dump();
  EXPECT_NE(notes.find("a replica reads the binlog"), std::string::npos) << notes;
  EXPECT_EQ(notes.find("built after the copy"), std::string::npos) << notes;
  auto create = conn_->Query("SHOW CREATE TABLE " + T("t"));
  ASSERT_TRUE(create.ok());
  EXPECT_NE((*create)[0][1].value_or("").find("KEY `kv` (`v`)"), std::string::npos);
}

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
    std::vector<std::string> args = {"alter",
                                     "--force-copy",
                                     "--defaults-file=" + testkit::Primary().client_config,
                                     "--database",
                                     db_,
                                     "--table",
                                     c.table,
                                     "--alter",
                                     c.alter,
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

// The Galera methods on a server that is not a Galera node, and bad values for them: one line,
// a non-zero exit, the table as it was.
TEST_F(AlterTest, GaleraMethodsRefusedOffGaleraAndBadValuesAreUsageErrors) {
  MustExecute(*conn_, fmt::format("CREATE TABLE {} (id INT PRIMARY KEY, v INT)", T("plain")));
  const std::string before = MustQueryValue(*conn_,
                                            "SELECT COUNT(*) FROM information_schema."
                                            "COLUMNS WHERE TABLE_SCHEMA = " +
                                                mysql::QuoteString(db_));
  struct Case {
    std::vector<std::string> flags;
    int exit_code;
    std::string expect;
  };
  const std::vector<Case> cases = {
      {{"--galera-method", "toi", "--execute"}, 1, "is not a Galera node"},
      {{"--galera-method", "rsu"}, 1, "is not a Galera node"},
      {{"--galera-method", "online", "--execute"}, 1, "is not a Galera node"},
      {{"--galera-method", "online", "--include-triggers"}, 64, "cannot go with"},
      {{"--galera-method", "rsu", "--hooks-path", "/tmp"}, 64, "do not run hooks yet"},
      {{"--galera-method", "bogus"}, 64, "--galera-method"},
      {{"--galera-method", "toi", "--max-wait", "soon"}, 64, "is not a duration"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(testing::PrintToString(c.flags));
    std::vector<std::string> args = {
        "alter",      "--defaults-file=" + testkit::Primary().client_config,
        "--database", db_,
        "--table",    "plain",
        "--alter",    "ADD COLUMN c INT"};
    args.insert(args.end(), c.flags.begin(), c.flags.end());
    const auto r = testkit::RunSafeddl(args);
    EXPECT_EQ(r.exit_code, c.exit_code) << r.err;
    EXPECT_NE(r.err.find(c.expect), std::string::npos) << r.err;
  }
  EXPECT_EQ(MustQueryValue(*conn_,
                           "SELECT COUNT(*) FROM information_schema.COLUMNS WHERE "
                           "TABLE_SCHEMA = " +
                               mysql::QuoteString(db_)),
            before);
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

// gh-ost's hooks: each event's scripts run in order with the GH_OST_* variables; a hook that
// fails before the cut-over stops the migration with the table untouched, and on-failure runs.
TEST_F(AlterTest, HooksRunAtEachPointAndAFailingHookStopsTheMigration) {
  MustExecute(*conn_, fmt::format("CREATE TABLE {} (id INT PRIMARY KEY, v INT)", T("t")));
  MustExecute(*conn_, fmt::format("INSERT INTO {} SELECT seq, seq FROM {}.seq_1_to_500", T("t"),
                                  *mysql::QuoteIdentifier(db_)));
  const std::string dir = "/tmp/safeddl-test-hooks-" + db_;
  const std::string log = dir + "/log";
  ASSERT_EQ(::mkdir(dir.c_str(), 0700), 0);
  auto write_hook = [&](const std::string& name, const std::string& body) {
    testkit::WriteShellScript(dir + "/" + name, body);
  };
  for (const char* event : {"startup", "validated", "rowcount-complete", "before-row-copy",
                            "row-copy-complete", "before-cut-over", "success", "failure"}) {
    write_hook(std::string("gh-ost-on-") + event,
               fmt::format("echo \"{} $GH_OST_DATABASE_NAME.$GH_OST_TABLE_NAME "
                           "$GH_OST_GHOST_TABLE_NAME copied=$GH_OST_COPIED_ROWS "
                           "dry=$GH_OST_DRY_RUN hint=$GH_OST_HOOKS_HINT\" >> {}",
                           event, log));
  }
  write_hook("not-a-hook", "exit 1");
  // A mistyped directory is an error, not a run without hooks; so is --resume with a flag that
  // would drop what it resumes.
  auto bad = testkit::RunSafeddl(
      AlterArgs("ADD COLUMN c INT", {"--execute", "--hooks-path", dir + "-typo"}));
  EXPECT_EQ(bad.exit_code, 64) << bad.err;
  EXPECT_NE(bad.err.find("--hooks-path " + dir + "-typo is not a directory"), std::string::npos)
      << bad.err;
  bad = testkit::RunSafeddl(
      AlterArgs("ADD COLUMN c INT", {"--execute", "--resume", "--initially-drop-ghost-table"}));
  EXPECT_EQ(bad.exit_code, 64) << bad.err;
  EXPECT_NE(bad.err.find("--resume goes on with the ghost table"), std::string::npos) << bad.err;
  auto r = testkit::RunSafeddl(AlterArgs(
      "ADD COLUMN c INT",
      {"--execute", "--ok-to-drop-table", "--hooks-path", dir, "--hooks-hint", "ticket-42"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string lines = ReadFileToString(log).value_or("");
  const std::string who = db_ + ".t _t_gho";
  EXPECT_EQ(lines, fmt::format("startup {0} copied=0 dry=false hint=ticket-42\n"
                               "validated {0} copied=0 dry=false hint=ticket-42\n"
                               "rowcount-complete {0} copied=0 dry=false hint=ticket-42\n"
                               "before-row-copy {0} copied=0 dry=false hint=ticket-42\n"
                               "row-copy-complete {0} copied=500 dry=false hint=ticket-42\n"
                               "before-cut-over {0} copied=500 dry=false hint=ticket-42\n"
                               "success {0} copied=500 dry=false hint=ticket-42\n",
                               who));
  // A second hook for before-cut-over that refuses: stopped before the swap, cleaned up.
  std::remove(log.c_str());
  write_hook("gh-ost-on-before-cut-over-zz-veto", "echo vetoed >&2; exit 3");
  r = testkit::RunSafeddl(AlterArgs("ADD COLUMN d INT", {"--execute", "--hooks-path", dir}));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("gh-ost-on-before-cut-over-zz-veto exited with status 3"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("vetoed"), std::string::npos) << r.err;
  lines = ReadFileToString(log).value_or("");
  EXPECT_NE(lines.find("failure " + who), std::string::npos) << lines;
  EXPECT_EQ(lines.find("success"), std::string::npos) << lines;
  EXPECT_EQ(
      MustQueryValue(*conn_,
                     "SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = " +
                         mysql::QuoteString(db_) + " AND TABLE_NAME = 't' AND COLUMN_NAME = 'd'"),
      "0");

  // gh-ost-on-status every --hooks-status-interval (at the default 60 s none ran above), with
  // the status line; a failing status hook is only reported.
  std::remove((dir + "/gh-ost-on-before-cut-over-zz-veto").c_str());
  const std::string status_log = dir + "/status.log";
  const std::string postpone = dir + "/postpone";
  write_hook("gh-ost-on-status", "echo \"$GH_OST_STATUS\" >> " + status_log + "; exit 1");
  std::ofstream(postpone).put('\n');
  auto running = testkit::StartSafeddl(
      AlterArgs("ADD COLUMN e INT",
                {"--execute", "--ok-to-drop-table", "--hooks-path", dir, "--hooks-status-interval",
                 "1", "--postpone-cut-over-flag-file", postpone}));
  EXPECT_TRUE(WaitFor([&] {
    const std::string s = ReadFileToString(status_log).value_or("");
    return std::count(s.begin(), s.end(), '\n') >= 2 || !running->Running();
  }));
  std::remove(postpone.c_str());
  r = running->Wait();
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const std::string statuses = ReadFileToString(status_log).value_or("");
  EXPECT_GE(std::count(statuses.begin(), statuses.end(), '\n'), 2) << statuses;
  EXPECT_NE(statuses.find("postponed"), std::string::npos) << statuses;
  EXPECT_NE(r.err.find("gh-ost-on-status exited with status 1"), std::string::npos) << r.err;
  EXPECT_EQ(std::system(("rm -rf '" + dir + "'").c_str()), 0);
}

// gh-ost-on-interactive-command runs before each socket command with its name, and a failing
// one refuses the command; gh-ost-on-batch-copy-retry runs before a chunk is retried. The retry
// here is forced by killing the copy's connection while it waits for a row the test holds: the
// copy opens a new connection, copies the chunk once the row is free, and the data is whole.
TEST_F(AlterTest, InteractiveCommandAndBatchCopyRetryHooks) {
  MustExecute(*conn_, fmt::format("CREATE TABLE {} (id INT PRIMARY KEY, v INT)", T("t")));
  MustExecute(*conn_, fmt::format("INSERT INTO {} SELECT seq, seq FROM {}.seq_1_to_3000", T("t"),
                                  *mysql::QuoteIdentifier(db_)));
  const std::string dir = "/tmp/safeddl-test-hooks2-" + db_;
  const std::string log = dir + "/log";
  const std::string sock = dir + "/sock";
  const std::string postpone = dir + "/postpone";
  ASSERT_EQ(::mkdir(dir.c_str(), 0700), 0);
  auto write_hook = [&](const std::string& name, const std::string& body) {
    testkit::WriteShellScript(dir + "/" + name, body);
  };
  write_hook("gh-ost-on-interactive-command",
             "echo \"command $GH_OST_COMMAND\" >> " + log + "; [ \"$GH_OST_COMMAND\" != panic ]");
  write_hook("gh-ost-on-batch-copy-retry",
             "echo \"retry $GH_OST_LAST_BATCH_COPY_ERROR\" >> " + log);
  std::ofstream(postpone).put('\n');
  auto holder = testkit::ConnectPrimary();
  MustExecute(*holder, "BEGIN");
  MustExecute(*holder, fmt::format("SELECT * FROM {} WHERE id = 1500 FOR UPDATE", T("t")));
  auto running = testkit::StartSafeddl(
      AlterArgs("ADD COLUMN c INT",
                {"--execute", "--json", "--ok-to-drop-table", "--chunk-size", "100", "--hooks-path",
                 dir, "--serve-socket-file", sock, "--postpone-cut-over-flag-file", postpone}));
  // The copy's waiting attempt at the held row (its NOWAIT attempts come first).
  std::string copier;
  EXPECT_TRUE(WaitFor([&] {
    auto id = conn_->QueryValue(
        "SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE 'INSERT IGNORE INTO%' "
        "AND INFO LIKE '%_t_gho%' AND INFO NOT LIKE '%NOWAIT' LIMIT 1");
    if (id.ok() && id->has_value()) copier = **id;
    return !copier.empty() || !running->Running();
  }));
  ASSERT_FALSE(copier.empty()) << running->StderrSoFar();
  MustExecute(*conn_, "KILL CONNECTION " + copier);
  EXPECT_TRUE(WaitFor([&] {
    return ReadFileToString(log).value_or("").find("retry ") != std::string::npos ||
           !running->Running();
  }));
  MustExecute(*holder, "COMMIT");
  EXPECT_TRUE(WaitFor([&] {
    return testkit::ControlSocketCommand(sock, "status").find("postponing the cut-over") !=
               std::string::npos ||
           !running->Running();
  }));
  EXPECT_NE(testkit::ControlSocketCommand(sock, "throttle").find("throttled"), std::string::npos);
  EXPECT_NE(testkit::ControlSocketCommand(sock, "no-throttle"), "");
  const std::string refused = testkit::ControlSocketCommand(sock, "panic");
  EXPECT_NE(refused.find("gh-ost-on-interactive-command exited with status 1"), std::string::npos)
      << refused;
  EXPECT_NE(refused.find("the command was not carried out"), std::string::npos) << refused;
  std::remove(postpone.c_str());
  const auto r = running->Wait();
  ASSERT_EQ(r.exit_code, 0) << r.err;  // the refused panic did not stop it
  const std::string lines = ReadFileToString(log).value_or("");
  EXPECT_NE(lines.find("retry "), std::string::npos) << lines;
  EXPECT_NE(lines.find("command status\ncommand throttle\ncommand no-throttle\ncommand panic\n"),
            std::string::npos)
      << lines;
  const auto report = nlohmann::json::parse(r.out);
  EXPECT_NE(report.dump().find("the server closed a copy connection 1 times"), std::string::npos)
      << r.out;
  EXPECT_EQ(report["rows"]["copied"].get<int64_t>(), 3000) << r.out;
  EXPECT_EQ(MustQueryValue(
                *conn_, fmt::format("SELECT COUNT(*) FROM {} WHERE c IS NULL AND v = id", T("t"))),
            "3000");
  EXPECT_EQ(std::system(("rm -rf '" + dir + "'").c_str()), 0);
}

// Rows deleted from the end leave the counter above the largest id: the new table must not hand
// those ids out again.
TEST_F(AlterTest, TheNewTableKeepsTheAutoIncrementCounter) {
  MustExecute(*conn_, fmt::format("CREATE TABLE {} (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, "
                                  "v INT)",
                                  T("t")));
  MustExecute(*conn_, fmt::format("INSERT INTO {} (v) SELECT seq FROM {}.seq_1_to_100", T("t"),
                                  *mysql::QuoteIdentifier(db_)));
  MustExecute(*conn_, fmt::format("DELETE FROM {} WHERE id > 60", T("t")));
  const std::string next = MustQueryValue(
      *conn_, fmt::format("SELECT AUTO_INCREMENT FROM information_schema.TABLES WHERE "
                          "TABLE_SCHEMA = {} AND TABLE_NAME = 't'",
                          mysql::QuoteString(db_)));
  ASSERT_GT(ParseInt64(next).value_or(0), 100);
  const auto r =
      testkit::RunSafeddl(AlterArgs("ADD COLUMN c INT", {"--execute", "--ok-to-drop-table"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  MustExecute(*conn_, fmt::format("INSERT INTO {} (v) VALUES (1)", T("t")));
  EXPECT_EQ(MustQueryValue(*conn_, "SELECT MAX(id) FROM " + T("t")), next);
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
  const bool postponed = alter_test::WaitUntilPostponed(sock, finished);
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
    // A second migration of the table, from anywhere, stops before touching anything — even
    // with --initially-drop-ghost-table, which would otherwise drop the first one's ghost.
    const auto second = testkit::RunSafeddl(AlterArgs(
        kAlter, {"--execute", "--initially-drop-ghost-table", "--serve-socket-file", sock + "2"}));
    EXPECT_EQ(second.exit_code, 1) << second.err;
    EXPECT_NE(second.err.find("another safeddl migration of `" + db_ + "`.`t` is running"),
              std::string::npos)
        << second.err;
    EXPECT_EQ(MustQueryValue(*conn_,
                             "SELECT COUNT(*) FROM information_schema.TABLES WHERE "
                             "TABLE_SCHEMA = " +
                                 mysql::QuoteString(db_) + " AND TABLE_NAME = '_t_gho'"),
              "1");
    EXPECT_NE(testkit::ControlSocketCommand(sock, "unpostpone").find("Unpostponed"),
              std::string::npos);
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
  // As SHOW REPLICA HOSTS names it: a stock replica has no report-host, and the primary then
  // names it by the address it connects from (reached over TCP all the same).
  const std::string replica_name = fmt::format(
      "{}:{}", testkit::StockServer() ? "localhost" : "127.0.0.1", testkit::Replica(1).port);
  const std::string flag = "/tmp/safeddl-test-" + db_ + ".postpone";
  const std::string sock = "/tmp/safeddl-test-" + db_ + ".sock";
  std::ofstream(flag).put('\n');
  std::atomic<bool> finished{false};
  testkit::CommandResult r;
  // No --throttle-control-replicas: the replica is found by SHOW REPLICA HOSTS.
  std::thread alter([&] {
    r = testkit::RunSafeddl(AlterArgs(
        "ADD COLUMN c INT", {"--execute", "--json", "--max-lag-millis", "500",
                             "--postpone-cut-over-flag-file", flag, "--serve-socket-file", sock}));
    finished.store(true);
  });
  auto status_has = [&](const std::string& text) {
    return WaitFor([&] {
             return finished.load() ||
                    testkit::ControlSocketCommand(sock, "status").find(text) != std::string::npos;
           }) &&
           !finished.load();
  };
  bool lagged = false, recovered = false;
  if (status_has("postponing the cut-over") && status_has("# not throttled")) {
    MustExecute(*replica, "STOP SLAVE SQL_THREAD");
    const auto stopped = std::chrono::steady_clock::now();
    lagged = status_has("# throttled: replica " + replica_name + " lag");
    // --max-lag-millis changes live: raised, the lag no longer throttles; back, it does again.
    testkit::ControlSocketCommand(sock, "max-lag-millis=3600000");
    EXPECT_TRUE(status_has("# not throttled"));
    testkit::ControlSocketCommand(sock, "max-lag-millis=500");
    EXPECT_TRUE(status_has("# throttled: replica " + replica_name + " lag"));
    std::this_thread::sleep_until(stopped + std::chrono::seconds(3));
    MustExecute(*replica, "START SLAVE SQL_THREAD");
    recovered = status_has("# not throttled");
  } else {
    (void)replica->Execute("START SLAVE SQL_THREAD");
  }
  ::unlink(flag.c_str());
  alter.join();
  EXPECT_TRUE(lagged) << testkit::ControlSocketCommand(sock, "status") << r.err;
  EXPECT_TRUE(recovered) << r.err;
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("watching replica lag on " + replica_name), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("[throttled: replica " + replica_name + " lag "), std::string::npos)
      << r.err;
  const auto report = nlohmann::json::parse(r.out);
  EXPECT_TRUE(report["swapped"].get<bool>());
  EXPECT_GT(report["throttled_seconds"].get<double>(), 1.0) << r.out;
}

// On the sandbox's replica: refused without an on-replica flag; --test-on-replica stops
// replication and leaves the migrated copy beside the untouched original; --migrate-on-replica
// swaps the replica's table while the primary's writes keep replicating into it.
TEST_F(AlterTest, OnAReplicaOnlyWithAFlagAndThenTestOrMigrateThere) {
  MustExecute(*conn_, fmt::format("CREATE TABLE {} (id INT PRIMARY KEY, v INT)", T("t")));
  MustExecute(*conn_, fmt::format("INSERT INTO {} SELECT seq, seq FROM {}.seq_1_to_3000", T("t"),
                                  *mysql::QuoteIdentifier(db_)));
  auto replica = testkit::Connect(testkit::OptionsFor(testkit::Replica(1)));
  ASSERT_NE(replica, nullptr);
  const std::string count_sql = "SELECT COUNT(*) FROM " + T("t");
  std::string last_seen;
  auto caught_up = [&] {
    return WaitFor([&] {
      auto n = replica->QueryValue(count_sql);
      last_seen = n.ok() ? n->value_or("NULL") : n.status().ToString();
      return n.ok() && n->value_or("") == MustQueryValue(*conn_, count_sql);
    });
  };
  ASSERT_TRUE(caught_up()) << last_seen;
  auto alter_on = [&](const sandbox::ServerInstance& server, const std::string& alter,
                      std::vector<std::string> extra) {
    std::vector<std::string> args = {"alter",
                                     "--force-copy",
                                     "--defaults-file=" + server.client_config,
                                     "--database",
                                     db_,
                                     "--table",
                                     "t",
                                     "--alter",
                                     alter,
                                     "--execute",
                                     "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    return testkit::RunSafeddl(args);
  };
  auto has_column = [&](mysql::Connection& c, const std::string& table, const std::string& col) {
    auto n = c.QueryValue(
        fmt::format("SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = {} AND "
                    "TABLE_NAME = {} AND COLUMN_NAME = {}",
                    mysql::QuoteString(db_), mysql::QuoteString(table), mysql::QuoteString(col)));
    return n.ok() && n->value_or("") == "1";
  };

  auto refused = alter_on(testkit::Replica(1), "ADD COLUMN c INT", {});
  EXPECT_EQ(refused.exit_code, 1) << refused.err;
  EXPECT_NE(refused.err.find("this server is a replica of"), std::string::npos) << refused.err;
  auto not_replica = alter_on(testkit::Primary(), "ADD COLUMN c INT", {"--migrate-on-replica"});
  EXPECT_EQ(not_replica.exit_code, 1) << not_replica.err;
  EXPECT_NE(not_replica.err.find("this server is not a replica"), std::string::npos);
  EXPECT_FALSE(has_column(*replica, "t", "c"));
  EXPECT_FALSE(has_column(*conn_, "t", "c"));

  // Writes on the primary throughout: they reach the replica's table by replication.
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    auto c = testkit::ConnectPrimary();
    for (int i = 0; c && !stop.load(); ++i) {
      (void)c->Execute(fmt::format("UPDATE {} SET v = v + 1 WHERE id = {}", T("t"), 1 + i % 3000));
      (void)c->Execute(fmt::format("INSERT INTO {} VALUES ({}, 0)", T("t"), 100000 + i));
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });

  if (testkit::StockServer()) {
    // A stock replica has log_slave_updates OFF: what it replicates is not in its own binlog,
    // so testing or migrating there is refused, with the fix, and nothing changes.
    const auto test = alter_on(testkit::Replica(1), "ADD COLUMN c INT", {"--test-on-replica"});
    const auto migrated =
        alter_on(testkit::Replica(1), "ADD COLUMN c INT", {"--migrate-on-replica"});
    stop = true;
    writer.join();
    for (const auto* r : {&test, &migrated}) {
      EXPECT_EQ(r->exit_code, 1) << r->err;
      EXPECT_NE(r->err.find("log_slave_updates is OFF on this replica"), std::string::npos)
          << r->err;
    }
    EXPECT_FALSE(has_column(*replica, "t", "c"));
    EXPECT_FALSE(has_column(*replica, "_t_gho", "c"));
    return;
  }
  const auto test = alter_on(testkit::Replica(1), "ADD COLUMN c INT", {"--test-on-replica"});
  ASSERT_EQ(test.exit_code, 0) << test.err;
  const auto report = nlohmann::json::parse(test.out);
  EXPECT_FALSE(report["swapped"].get<bool>());
  EXPECT_EQ(report["test_table"].get<std::string>(), T("_t_gho"));
  auto sql_running = replica->Query("SHOW REPLICA STATUS");
  ASSERT_TRUE(sql_running.ok() && !sql_running->empty());
  EXPECT_EQ((*sql_running)[0].GetString("Slave_SQL_Running"), "No");
  EXPECT_FALSE(has_column(*replica, "t", "c"));
  EXPECT_TRUE(has_column(*replica, "_t_gho", "c"));
  // Replication stopped: the rehearsal's copy equals the original it left in place.
  auto fingerprint = [&](mysql::Connection& c, const std::string& table) {
    auto v =
        c.QueryValue(fmt::format("SELECT CONCAT(COUNT(*), '/', BIT_XOR(CRC32(CONCAT(id, "
                                 "'-', v)))) FROM {}",
                                 T(table)));
    return v.ok() ? v->value_or("") : v.status().ToString();
  };
  EXPECT_EQ(fingerprint(*replica, "_t_gho"), fingerprint(*replica, "t"));
  // Dropped as the report says: in safeddl's GTID domain (in the replicated one, replication
  // would stop on out-of-order GTIDs).
  EXPECT_NE(test.out.find("SET SESSION gtid_domain_id = 1; DROP TABLE " + T("_t_gho")),
            std::string::npos)
      << test.out;
  MustExecute(*replica, "SET SESSION gtid_domain_id = 1");
  MustExecute(*replica, "DROP TABLE " + T("_t_gho"));
  MustExecute(*replica, "START ALL REPLICAS");

  const auto migrated = alter_on(testkit::Replica(1), "ADD COLUMN c INT", {"--migrate-on-replica"});
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // writes after the swap, too
  stop = true;
  writer.join();
  ASSERT_EQ(migrated.exit_code, 0) << migrated.err;
  EXPECT_TRUE(nlohmann::json::parse(migrated.out)["swapped"].get<bool>());
  EXPECT_TRUE(has_column(*replica, "t", "c"));
  EXPECT_FALSE(has_column(*conn_, "t", "c")) << "the primary was changed";
  ASSERT_TRUE(caught_up()) << last_seen;
  EXPECT_EQ(fingerprint(*replica, "t"), fingerprint(*conn_, "t"));
  auto status = replica->Query("SHOW REPLICA STATUS");
  ASSERT_TRUE(status.ok() && !status->empty());
  EXPECT_EQ((*status)[0].GetString("Slave_SQL_Running"), "Yes")
      << (*status)[0].GetString("Last_SQL_Error");
  MustExecute(*replica, "DROP TABLE IF EXISTS " + T("_t_del"));
}

// gh-ost's scenario "drop primary key, add primary key (id, i)": the new key holds the old one,
// so it is unique in the old table too and copy, apply and checksum go by (id, i) — under
// writes that change both id and i (a key change: delete the old key, write the new one).
TEST_F(AlterTest, PrimaryKeyWidenedToTwoColumnsUnderLoad) {
  CreateTypesTables(kInitialRows);
  std::atomic<bool> stop{false};
  std::atomic<int64_t> commits{0};
  std::vector<std::thread> writers;
  Writers(4, stop, commits, writers);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const std::string alter = "DROP PRIMARY KEY, ADD PRIMARY KEY (id, i)";
  const auto r = testkit::RunSafeddl(
      AlterArgs(alter, {"--execute", "--json", "--chunk-size", "500", "--ok-to-drop-table"}));
  KeepLog(r);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // writes after the swap, too
  stop.store(true);
  for (auto& t : writers) t.join();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_GT(commits.load(), 100) << "the load did not run";
  const auto report = nlohmann::json::parse(r.out);
  EXPECT_TRUE(report["swapped"].get<bool>());
  EXPECT_EQ(report["shared_key"].get<std::string>(), "PRIMARY (id, i)") << r.out;
  EXPECT_EQ(report["checksum"]["ranges_recopied"].get<int64_t>(), 0) << r.out;
  ExpectTheChecksumCompared(report);
  auto create = conn_->Query("SHOW CREATE TABLE " + T("t"));
  ASSERT_TRUE(create.ok());
  EXPECT_NE((*create)[0][1].value_or("").find("PRIMARY KEY (`id`,`i`)"), std::string::npos)
      << (*create)[0][1].value_or("");
  ExpectEqualsReference(alter);
}

// --analyze-ghost-table-before-cutover (gh-ost's single-dash spelling): one ANALYZE TABLE of the
// ghost, after the checksum and before the cut-over; none without the flag. Every statement sent
// is in the --session-log file.
TEST_F(AlterTest, AnalyzesTheGhostBeforeTheCutOverOnlyWhenAsked) {
  CreateTypesTables(500);
  for (const bool analyze : {true, false}) {
    SCOPED_TRACE(analyze ? "with the flag" : "without it");
    const std::string log = fmt::format("/tmp/safeddl-test-{}-{}.jsonl", db_, analyze);
    std::vector<std::string> flags = {"--execute", "--ok-to-drop-table", "--session-log", log};
    if (analyze) flags.push_back("-analyze-ghost-table-before-cutover");
    const auto r = testkit::RunSafeddl(
        AlterArgs(analyze ? "ADD COLUMN extra INT" : "DROP COLUMN extra", flags));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::ifstream in(log);
    std::vector<nlohmann::json> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
    ::unlink(log.c_str());
    ASSERT_GT(lines.size(), 10u);
    std::vector<size_t> analyzes;
    size_t last_checksum = 0, first_cut_over = lines.size();
    for (size_t i = 0; i < lines.size(); ++i) {
      const std::string sql = lines[i]["sql"].get<std::string>();
      const std::string phase = lines[i]["phase"].get<std::string>();
      if (AsciiLower(sql).find("analyze table") != std::string::npos) analyzes.push_back(i);
      if (phase == "checksum") last_checksum = i;
      if (phase == "cut-over" && first_cut_over == lines.size()) first_cut_over = i;
    }
    if (!analyze) {
      EXPECT_TRUE(analyzes.empty()) << lines[analyzes[0]].dump();
      continue;
    }
    ASSERT_EQ(analyzes.size(), 1u);
    const nlohmann::json& a = lines[analyzes[0]];
    EXPECT_NE(a["sql"].get<std::string>().find("ANALYZE TABLE " + T("_t_gho")), std::string::npos)
        << a.dump();
    EXPECT_EQ(a["phase"], "analyze") << a.dump();
    EXPECT_FALSE(a.contains("error")) << a.dump();
    EXPECT_GT(analyzes[0], last_checksum) << "ANALYZE before the checksum was done";
    EXPECT_LT(analyzes[0], first_cut_over) << "ANALYZE after the cut-over began";
    EXPECT_NE(r.err.find("analyzing " + T("_t_gho") + " before the cut-over"), std::string::npos)
        << r.err;
  }
}

}  // namespace
}  // namespace safeddl::cli
