// `safeddl revert` end to end on the sandbox: an online ALTER (a column dropped, one added, two
// types changed) under writes that also go to a reference table kept at the old definition, then
// the revert under the same writes — the table must come back with its old definition and
// exactly the reference's rows, the dropped column's values included. Also: a revert killed with
// SIGKILL and run again, the revert of a revert, and the lossy ways back refused.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <random>
#include <thread>

#include "common/strings.h"
#include "mysql/quote.h"
#include "testkit/testkit.h"

namespace safeddl::cli {
namespace {

using testkit::MustExecute;
using testkit::MustQueryValue;

constexpr int kRows = 4000;
constexpr char kAlter[] =
    "DROP COLUMN c, ADD COLUMN x INT NOT NULL DEFAULT 0, MODIFY b VARCHAR(40) CHARACTER SET "
    "latin1, MODIFY u BIGINT UNSIGNED";
// The columns both definitions have: what the writers write.
constexpr char kShared[] = "id, a, b, u";

class RevertTest : public ::testing::Test {
 protected:
  void SetUp() override {
    conn_ = testkit::ConnectPrimary();
    ASSERT_NE(conn_, nullptr);
    db_ = testkit::UniqueDatabase(*conn_, "revert");
    flag_ = fmt::format("/tmp/safeddl-revert-{}.postpone", ::getpid());
    sock_ = fmt::format("/tmp/safeddl-revert-{}.sock", ::getpid());
  }
  void TearDown() override {
    ::unlink(flag_.c_str());
    ::unlink(sock_.c_str());
    if (conn_) MustExecute(*conn_, "DROP DATABASE IF EXISTS " + *mysql::QuoteIdentifier(db_));
  }
  std::string T(const std::string& t) { return *mysql::QuoteQualified(db_, t); }

  // t and its reference: latin1 text with non-ASCII letters, unsigned values at the top of
  // their type, and `c`, which the ALTER drops, holding a value of its own in every row.
  void CreateTables() {
    for (const char* name : {"t", "ref"}) {
      MustExecute(*conn_, fmt::format("CREATE TABLE {} (id BIGINT NOT NULL PRIMARY KEY, a INT, "
                                      "b VARCHAR(20) CHARACTER SET latin1, c INT DEFAULT 7, "
                                      "u INT UNSIGNED) ENGINE=InnoDB DEFAULT CHARSET=latin1",
                                      T(name)));
    }
    MustExecute(*conn_, fmt::format("INSERT INTO {} SELECT seq, seq % 97, CONCAT(_latin1 X'E9', "
                                    "seq), seq * 3, 4294967295 - seq FROM {}",
                                    T("t"), T(fmt::format("seq_1_to_{}", kRows))));
    MustExecute(*conn_, fmt::format("INSERT INTO {} SELECT * FROM {}", T("ref"), T("t")));
    create_before_ = Definition("t");
  }

  std::string Definition(const std::string& table) {
    auto rs = conn_->Query("SHOW CREATE TABLE " + T(table));
    EXPECT_TRUE(rs.ok() && !rs->empty());
    return rs.ok() && !rs->empty() ? (*rs)[0][1].value_or("") : "";
  }

  // Writers: each transaction changes t and ref alike, by the columns both definitions have —
  // inserts, updates, key changes, deletes, a delete and insert of the same key. Records the
  // longest a statement waited.
  void StartWriters(int threads) {
    for (int w = 0; w < threads; ++w) {
      writers_.emplace_back([this, w] {
        auto c = testkit::ConnectPrimary();
        if (!c) return;
        (void)c->Execute("SET SESSION innodb_lock_wait_timeout = 10");
        std::mt19937_64 rng(77 + w);
        int64_t next = 1000000LL * (w + 1);
        while (!stop_.load()) {
          std::this_thread::sleep_for(std::chrono::milliseconds(4));
          const int op = static_cast<int>(rng() % 10);
          const int64_t id = 1 + static_cast<int64_t>(rng() % kRows);
          std::vector<std::string> sql;
          for (const char* t : {"t", "ref"}) {
            if (op < 3) {
              sql.push_back(fmt::format("INSERT INTO {} ({}) VALUES ({}, {}, 'ins {}', {})", T(t),
                                        kShared, next, w, next, 4294967295LL - w));
            } else if (op < 6) {
              sql.push_back(fmt::format(
                  "UPDATE {} SET a = a + 1, b = CONCAT(_latin1 X'C4', {}) WHERE id = {}", T(t), w,
                  id));
            } else if (op < 7) {
              sql.push_back(fmt::format("UPDATE {} SET id = {} WHERE id = {}", T(t), next, id));
            } else if (op < 9) {
              sql.push_back(fmt::format("DELETE FROM {} WHERE id = {}", T(t), id));
            } else {
              sql.push_back(fmt::format("DELETE FROM {} WHERE id = {}", T(t), id));
              sql.push_back(fmt::format("INSERT INTO {} ({}) VALUES ({}, -1, 'again', 0)", T(t),
                                        kShared, id));
            }
          }
          ++next;
          const auto started = std::chrono::steady_clock::now();
          bool ok = c->Execute("START TRANSACTION").ok();
          for (const std::string& s : sql) ok = ok && c->Execute(s).ok();
          ok = ok && c->Execute("COMMIT").ok();
          if (!ok) (void)c->Execute("ROLLBACK");
          if (ok) ++commits_;
          const int64_t waited = std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::steady_clock::now() - started)
                                     .count();
          int64_t seen = longest_ms_.load();
          while (waited > seen && !longest_ms_.compare_exchange_weak(seen, waited)) {
          }
        }
      });
    }
  }
  void StopWriters() {
    stop_.store(true);
    for (std::thread& t : writers_) t.join();
    writers_.clear();
  }

  std::vector<std::string> Args(const std::string& command, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {
        command,      "--defaults-file=" + testkit::Primary().client_config,
        "--database", db_,
        "--table",    "t"};
    if (command == "alter") {
      for (const char* a : {"--alter", kAlter, "--execute", "--force-copy"}) args.push_back(a);
    }
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }

  // `alter --revertible=<window>` in the background, once it holds the swap (or has stopped).
  std::unique_ptr<testkit::RunningSafeddl> StartRevertibleAlter(const std::string& window) {
    auto alter = testkit::StartSafeddl(
        Args("alter", {"--revertible=" + window, "--serve-socket-file", sock_}));
    const bool holding = testkit::WaitFor([&] {
      return testkit::ControlSocketCommand(sock_, "status").find("\nrevertible ") !=
                 std::string::npos ||
             !alter->Running();
    });
    if (!holding || !alter->Running()) ADD_FAILURE() << "not holding: " << alter->StderrSoFar();
    return alter;
  }

  // Rows of t that differ from ref on `columns` (both ways).
  int64_t Differing(const std::string& columns) {
    std::vector<std::string> same;
    for (const std::string& c : SplitString(columns, ',')) {
      same.push_back(fmt::format("r.{0} <=> t.{0}", TrimWhitespace(c)));
    }
    const std::string on = JoinStrings(same, " AND ");
    return ParseInt64(MustQueryValue(
                          *conn_, fmt::format("SELECT (SELECT COUNT(*) FROM {0} r LEFT JOIN {1} "
                                              "t ON r.id = t.id WHERE t.id IS NULL OR NOT ({2})) "
                                              "+ (SELECT COUNT(*) FROM {1} t LEFT JOIN {0} r ON "
                                              "r.id = t.id WHERE r.id IS NULL)",
                                              T("ref"), T("t"), on)))
        .value_or(-1);
  }

  std::unique_ptr<mysql::Connection> conn_;
  std::string db_, flag_, sock_, create_before_;
  std::vector<std::thread> writers_;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> commits_{0};
  std::atomic<int64_t> longest_ms_{0};
};

TEST_F(RevertTest, RevertUnderWritesGivesBackTheTableWithEveryWrite) {
  CreateTables();
  StartWriters(2);
  auto altered = testkit::RunSafeddl(Args("alter"));
  ASSERT_EQ(altered.exit_code, 0) << altered.err;
  std::this_thread::sleep_for(std::chrono::seconds(1));  // writes to the new table
  const int64_t after_alter = commits_.load();

  // The dry run counts what the catch-up will replay; nothing is lost (c is kept, x holds
  // only its default).
  auto dry = testkit::RunSafeddl(Args("revert", {"--json"}));
  ASSERT_EQ(dry.exit_code, 0) << dry.out << dry.err;
  auto plan = testkit::ParseJson(dry);
  EXPECT_GT(plan["pending"]["row_changes"].get<int64_t>(), 0) << dry.out;
  EXPECT_TRUE(plan["lost"].empty()) << dry.out;
  EXPECT_EQ(plan["kept_columns"], nlohmann::json::array({"c"})) << dry.out;
  EXPECT_EQ(plan["swap"]["generation"], 1) << dry.out;

  auto reverted = testkit::RunSafeddl(Args("revert", {"--execute", "--json"}));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // writes to the table reverted
  StopWriters();
  ASSERT_EQ(reverted.exit_code, 0) << reverted.out << reverted.err;
  EXPECT_GT(commits_.load(), after_alter + 50) << "the load did not run";
  auto report = testkit::ParseJson(reverted)["migration"];
  EXPECT_TRUE(report["swapped"].get<bool>()) << reverted.out;
  EXPECT_LT(report["cut_over"]["stall_ms"].get<double>(), 3000) << reverted.out;
  // No write waited longer than the cut-over's bounded lock (3 s), with room for a slow build.
  EXPECT_LT(longest_ms_.load(), 6000);

  EXPECT_EQ(Definition("t"), create_before_);
  EXPECT_EQ(Differing("a, b, c, u"), 0) << "the reverted table differs from the reference";
  EXPECT_EQ(MustQueryValue(*conn_, "SELECT COUNT(*) FROM " + T("t")),
            MustQueryValue(*conn_, "SELECT COUNT(*) FROM " + T("ref")));

  // A revert is revertible: the changed definition again, the rows still the reference's on the
  // columns it has (c's values are lost: refused without --allow-lossy).
  auto refused = testkit::RunSafeddl(Args("revert", {"--execute"}));
  EXPECT_EQ(refused.exit_code, 1) << refused.err;
  EXPECT_NE(refused.err.find("`c`"), std::string::npos) << refused.err;
  EXPECT_EQ(Definition("t"), create_before_) << "a refused revert changed the table";
  auto again = testkit::RunSafeddl(Args("revert", {"--execute", "--allow-lossy"}));
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(Definition("t").find("`x` int(11) NOT NULL DEFAULT 0"), std::string::npos)
      << Definition("t");
  EXPECT_EQ(Differing("a, b, u"), 0);
}

TEST_F(RevertTest, KilledRevertRunsAgainToTheSameResult) {
  CreateTables();
  auto altered = testkit::RunSafeddl(Args("alter"));
  ASSERT_EQ(altered.exit_code, 0) << altered.err;
  StartWriters(2);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  // Held before its swap by the flag file, the revert keeps the old table current, recording
  // with each batch how far it is; it is killed once it has applied some.
  std::ofstream(flag_).put('\n');
  auto p = testkit::StartSafeddl(Args("revert", {"--execute", "--postpone-cut-over-flag-file",
                                                 flag_, "--serve-socket-file", sock_}));
  const bool applied = testkit::WaitFor([&] {
    auto v = conn_->QueryValue(fmt::format("SELECT COUNT(*) FROM {}", T("_t_gha")));
    return !p->Running() || (v.ok() && v->value_or("0") != "0");
  });
  ASSERT_TRUE(applied && p->Running()) << p->StderrSoFar();
  p->Signal(SIGKILL);
  p->Wait();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // more writes meanwhile
  EXPECT_EQ(Definition("t").find("`c`"), std::string::npos) << "the killed revert swapped";

  ::unlink(flag_.c_str());
  auto r = testkit::RunSafeddl(Args("revert", {"--execute", "--serve-socket-file", sock_}));
  StopWriters();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("where an earlier run stopped"), std::string::npos) << r.err;
  EXPECT_EQ(MustQueryValue(*conn_,
                           "SELECT COUNT(*) FROM information_schema.TABLES WHERE "
                           "TABLE_SCHEMA = " +
                               mysql::QuoteString(db_) +
                               " AND TABLE_NAME IN ('_t_gha', '_t_ghk', '_t_ghc')"),
            "0")
      << "helper tables left behind";
  EXPECT_EQ(Definition("t"), create_before_);
  EXPECT_EQ(Differing("a, b, c, u"), 0) << "the reverted table differs from the reference";
}

// alter --revertible keeps the old table current after the swap: `safeddl revert --execute`
// then only asks it to swap back.
TEST_F(RevertTest, RevertibleAlterSwapsBackAtOnce) {
  CreateTables();
  StartWriters(2);
  auto alter = StartRevertibleAlter("10m");
  ASSERT_TRUE(alter->Running()) << alter->StderrSoFar();
  std::this_thread::sleep_for(std::chrono::seconds(1));  // writes kept up with meanwhile

  auto r =
      testkit::RunSafeddl(Args("revert", {"--execute", "--json", "--serve-socket-file", sock_}));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto j = testkit::ParseJson(r);
  EXPECT_TRUE(j["by_running_alter"].get<bool>()) << r.out;
  EXPECT_LT(j["swap_ms"].get<double>(), 3000) << r.out;
  auto done = alter->Wait();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  StopWriters();
  EXPECT_EQ(done.exit_code, 0) << done.err;
  EXPECT_NE(done.err.find("swapped back as asked"), std::string::npos) << done.err;
  EXPECT_EQ(Definition("t"), create_before_);
  EXPECT_EQ(Differing("a, b, c, u"), 0) << "the reverted table differs from the reference";
}

// When the window ends, the old table stays current up to that point, and a later revert goes on
// from there.
TEST_F(RevertTest, RevertibleWindowEndsAndALaterRevertGoesOnFromIt) {
  CreateTables();
  auto alter = StartRevertibleAlter("3s");
  ASSERT_TRUE(alter->Running()) << alter->StderrSoFar();
  auto write = [&](int n) {
    for (const char* t : {"t", "ref"}) {
      MustExecute(*conn_, fmt::format("UPDATE {} SET a = a + {} WHERE id <= 100", T(t), n));
    }
  };
  write(5);  // applied to the old table during the window
  auto done = alter->Wait();
  ASSERT_EQ(done.exit_code, 0) << done.err;
  EXPECT_NE(done.err.find("the window is over"), std::string::npos) << done.err;
  write(7);  // after it
  auto r = testkit::RunSafeddl(Args("revert", {"--execute"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("where an earlier run stopped"), std::string::npos) << r.err;
  EXPECT_EQ(Definition("t"), create_before_);
  EXPECT_EQ(Differing("a, b, c, u"), 0);
}

TEST_F(RevertTest, LossyWaysBackAreRefusedAndChangeNothing) {
  CreateTables();
  auto altered = testkit::RunSafeddl(Args("alter"));
  ASSERT_EQ(altered.exit_code, 0) << altered.err;
  // Since the swap: a value too long for the old b, one too large for the old u, and data in x.
  MustExecute(*conn_, fmt::format("UPDATE {} SET b = REPEAT('l', 30) WHERE id = 5", T("t")));
  MustExecute(*conn_, fmt::format("UPDATE {} SET u = 4294967296 WHERE id = 6", T("t")));
  MustExecute(*conn_, fmt::format("UPDATE {} SET x = 1 WHERE id <= 3", T("t")));
  const std::string after = Definition("t");

  auto dry = testkit::RunSafeddl(Args("revert", {"--json"}));
  EXPECT_EQ(dry.exit_code, 1) << dry.err;
  auto j = testkit::ParseJson(dry);
  EXPECT_FALSE(j["would_revert"].get<bool>());
  std::set<std::string> kinds;
  for (const auto& r : j["refused"]) kinds.insert(r["kind"].get<std::string>());
  EXPECT_EQ(kinds, (std::set<std::string>{"truncated", "out_of_range"})) << dry.out;
  ASSERT_EQ(j["lost"].size(), 1u) << dry.out;
  EXPECT_EQ(j["lost"][0]["rows"], 3) << dry.out;

  for (const char* lossy : {"", "--allow-lossy"}) {
    std::vector<std::string> extra = {"--execute"};
    if (*lossy) extra.push_back(lossy);
    auto r = testkit::RunSafeddl(Args("revert", extra));
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("do not fit the old table"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("`b`"), std::string::npos) << r.err;
  }
  EXPECT_EQ(Definition("t"), after);
  EXPECT_EQ(MustQueryValue(*conn_,
                           "SELECT COUNT(*) FROM information_schema.TABLES WHERE "
                           "TABLE_SCHEMA = " +
                               mysql::QuoteString(db_) +
                               " AND TABLE_NAME IN ('_t_ghc', '_t_ghk', '_t_ghs')"),
            "0");

  // Fixed, the way back would lose only x's data: still refused without --allow-lossy. With it,
  // the catch-up replays the too-long value and then its fix (in one batch or two: either way
  // only the fix remains) and goes back.
  MustExecute(*conn_, fmt::format("UPDATE {} SET b = 'short', u = 1 WHERE id IN (5, 6)", T("t")));
  auto lossy = testkit::RunSafeddl(Args("revert", {"--execute"}));
  EXPECT_EQ(lossy.exit_code, 1) << lossy.err;
  EXPECT_NE(lossy.err.find("going back would lose data"), std::string::npos) << lossy.err;
  EXPECT_EQ(Definition("t"), after);
  auto allowed = testkit::RunSafeddl(Args("revert", {"--execute", "--allow-lossy"}));
  ASSERT_EQ(allowed.exit_code, 0) << allowed.err;
  EXPECT_EQ(Definition("t"), create_before_);
  EXPECT_EQ(MustQueryValue(*conn_, fmt::format("SELECT CONCAT(b, ' ', u) FROM {} WHERE id IN "
                                               "(5, 6) ORDER BY id",
                                               T("t"))),
            "short 1");
}

// The old table kept current while the swap is held back, when a value written since does not
// fit it: written as the server converts it and listed; the swap is refused while it is; a later
// change to the row takes it off the list, and the revert then goes back with the fixed value.
TEST_F(RevertTest, ValuesThatDoNotFitTheOldTableHoldTheSwapUntilFixed) {
  CreateTables();
  auto alter = StartRevertibleAlter("10m");
  ASSERT_TRUE(alter->Running()) << alter->StderrSoFar();
  auto old_b = [&](int id) {
    return MustQueryValue(*conn_,
                          fmt::format("SELECT b FROM {} WHERE id = {}", T("_t_del"), id));
  };
  auto listed = [&] { return MustQueryValue(*conn_, "SELECT COUNT(*) FROM " + T("_t_ghu")); };

  // Too long for the old b (VARCHAR(20)): the hold goes on, the old table has it cut, listed.
  MustExecute(*conn_, fmt::format("UPDATE {} SET b = REPEAT('l', 30) WHERE id = 1", T("t")));
  testkit::WaitFor([&] { return !alter->Running() || old_b(1) == std::string(20, 'l'); });
  ASSERT_EQ(old_b(1), std::string(20, 'l')) << alter->StderrSoFar();
  EXPECT_EQ(listed(), "1");
  EXPECT_TRUE(alter->Running()) << alter->StderrSoFar();
  // Fixed: applied as it is, off the list.
  MustExecute(*conn_, fmt::format("UPDATE {} SET b = 'fixed' WHERE id = 1", T("t")));
  ASSERT_TRUE(testkit::WaitFor([&] { return old_b(1) == "fixed"; })) << alter->StderrSoFar();
  EXPECT_EQ(listed(), "0");

  // Another one, not fixed: asked to swap, the running alter refuses and stops, table as it is.
  MustExecute(*conn_, fmt::format("UPDATE {} SET b = REPEAT('m', 25) WHERE id = 2", T("t")));
  ASSERT_TRUE(testkit::WaitFor([&] { return listed() == "1"; })) << alter->StderrSoFar();
  const std::string after = Definition("t");
  testkit::ControlSocketCommand(sock_, "unpostpone");
  auto stopped = alter->Wait();
  EXPECT_EQ(stopped.exit_code, 1) << stopped.err;
  EXPECT_NE(stopped.err.find("cannot hold"), std::string::npos) << stopped.err;
  EXPECT_NE(stopped.err.find("key (2)"), std::string::npos) << stopped.err;
  EXPECT_EQ(Definition("t"), after);

  // Fixed, a revert goes on from where the hold stopped and goes back.
  MustExecute(*conn_, fmt::format("UPDATE {} SET b = 'also fixed' WHERE id = 2", T("t")));
  auto r = testkit::RunSafeddl(Args("revert", {"--execute"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Definition("t"), create_before_);
  EXPECT_EQ(MustQueryValue(*conn_, fmt::format("SELECT GROUP_CONCAT(b ORDER BY id) FROM {} WHERE "
                                               "id IN (1, 2)",
                                               T("t"))),
            "fixed,also fixed");
  EXPECT_EQ(MustQueryValue(*conn_,
                           "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = " +
                               mysql::QuoteString(db_) + " AND TABLE_NAME = '_t_ghu'"),
            "0");
}

TEST_F(RevertTest, WithoutARecordItSaysWhy) {
  CreateTables();
  auto r = testkit::RunSafeddl(Args("revert"));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("no revert record"), std::string::npos) << r.err;
  // The old table dropped after the swap: nothing to go back to.
  ASSERT_EQ(testkit::RunSafeddl(Args("alter")).exit_code, 0);
  MustExecute(*conn_, "DROP TABLE " + T("_t_del"));
  auto gone = testkit::RunSafeddl(Args("revert", {"--execute"}));
  EXPECT_EQ(gone.exit_code, 1) << gone.err;
  EXPECT_NE(gone.err.find("is gone"), std::string::npos) << gone.err;
}

}  // namespace
}  // namespace safeddl::cli
