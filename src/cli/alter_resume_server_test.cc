// `safeddl alter --resume` end to end: the migration is killed with SIGKILL (no cleanup, no last
// checkpoint) at random points of the copy and while postponed at the cut-over, under
// concurrent writes; the same command with --resume finishes it, and the result must equal the
// server's own ALTER of a shadow table that every write also changed (alter_test_fixture.h).
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <regex>
#include <thread>

#include "cli/alter_test_fixture.h"
#include "common/strings.h"
#include "mysql/quote.h"
#include "testkit/testkit.h"

namespace safeddl::cli {
namespace {

using alter_test::AlterTest;
using alter_test::kInitialRows;
using testkit::ControlSocketCommand;
using testkit::MustExecute;
using testkit::MustQueryValue;
using testkit::WaitFor;

constexpr char kAlter[] =
    "ADD COLUMN extra INT NOT NULL DEFAULT 7, MODIFY vl VARCHAR(60) CHARACTER SET utf8mb4";

// Rows copied so far, from the control socket's status ("copy 12.5% 2500/20000 rows, ...").
int64_t RowsCopied(const std::string& status) {
  static const std::regex kCopy(R"((^|\n)copy [0-9.]+% ([0-9]+)/)");
  std::smatch m;
  if (!std::regex_search(status, m, kCopy)) return -1;
  return ParseInt64(m[2].str()).value_or(-1);
}

class AlterResumeTest : public AlterTest {
 protected:
  void SetUp() override {
    AlterTest::SetUp();
    sock_ = "/tmp/safeddl-test-" + db_ + ".sock";
    flag_ = "/tmp/safeddl-test-" + db_ + ".postpone";
  }
  void TearDown() override {
    ::unlink(sock_.c_str());
    ::unlink(flag_.c_str());
    AlterTest::TearDown();
  }
  // Slow enough to be killed mid-copy (a copy of ~3 s even in a fast build): small chunks, a high
  // nice ratio, three workers; checkpoints every second. A killed run leaves its socket file: the
  // next one takes it over (nobody listens on it any more), without --initially-drop-socket-file.
  // The index is built after the copy (--defer-indexes on: the sandbox has a replica), so a
  // resumed run must build what the killed one left out.
  std::vector<std::string> Args(bool resume, std::vector<std::string> extra = {}) {
    std::vector<std::string> flags = {"--execute",
                                      "--json",
                                      "--chunk-size",
                                      "100",
                                      "--threads",
                                      "3",
                                      "--nice-ratio",
                                      "20",
                                      "--checkpoint-seconds",
                                      "1",
                                      "--serve-socket-file",
                                      sock_,
                                      "--ok-to-drop-table",
                                      "--defer-indexes",
                                      "on"};
    if (resume) flags.push_back("--resume");
    flags.insert(flags.end(), extra.begin(), extra.end());
    return AlterArgs(kAlter, flags);
  }
  bool TableExists(const std::string& name) {
    return MustQueryValue(*conn_, fmt::format("SELECT COUNT(*) FROM information_schema.TABLES "
                                              "WHERE TABLE_SCHEMA = {} AND TABLE_NAME = {}",
                                              mysql::QuoteString(db_), mysql::QuoteString(name))) ==
           "1";
  }
  // Rows copied as of the last checkpoint saved; -1 before the first.
  int64_t CheckpointRows() {
    auto v = conn_->QueryValue("SELECT rows_copied FROM " + T("_t_ghk") + " WHERE id = 1");
    return v.ok() && *v ? ParseInt64(**v).value_or(-1) : -1;
  }
  // Starts the migration and SIGKILLs it once `ready` holds for its status; false (and the
  // process reaped) when it ended before that.
  bool RunAndKill(bool resume, const std::function<bool(const std::string&)>& ready,
                  std::vector<std::string> extra = {}) {
    auto p = testkit::StartSafeddl(Args(resume, extra));
    const bool reached =
        WaitFor([&] { return !p->Running() || ready(ControlSocketCommand(sock_, "status")); });
    if (!reached || !p->Running()) {
      const auto r = p->Wait();
      ADD_FAILURE() << "the migration ended (exit " << r.exit_code << ") before the kill point:\n"
                    << r.err;
      return false;
    }
    p->Signal(SIGKILL);
    const auto r = p->Wait();
    EXPECT_EQ(r.exit_code, 128 + SIGKILL);
    last_err_ = r.err;
    // A statement the server was running for the killed client runs to its end (a chunk copy
    // may still land in the ghost): wait until none is left.
    EXPECT_TRUE(WaitFor([&] {
      return MustQueryValue(*conn_,
                            fmt::format("SELECT COUNT(*) FROM information_schema.PROCESSLIST "
                                        "WHERE ID <> CONNECTION_ID() AND INFO LIKE {}",
                                        mysql::QuoteString("%" + db_ + "%_t_gho%"))) == "0";
    }));
    return true;
  }

  std::string sock_, flag_, last_err_;
};

TEST_F(AlterResumeTest, KilledAtRandomPointsOfTheCopyResumesToTheSameResult) {
  CreateTypesTables(kInitialRows);
  std::atomic<bool> stop{false};
  std::atomic<int64_t> commits{0};
  std::vector<std::thread> writers;
  Writers(4, stop, commits, writers);
  const unsigned seed = static_cast<unsigned>(::getpid());
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  // Two kills: the first run, then the resumed run, each at a random point of the copy.
  int64_t kill_at = kInitialRows / 10 + static_cast<int64_t>(rng() % (kInitialRows * 3 / 10));
  // Killed once a checkpoint past the start is saved, so the resume has something to skip.
  const auto copied_past = [&](const std::string& s) {
    return RowsCopied(s) >= kill_at && CheckpointRows() > 0;
  };
  bool killed = RunAndKill(false, copied_past);
  if (killed) {
    EXPECT_TRUE(TableExists("_t_gho")) << "the killed run's ghost is gone";
    EXPECT_TRUE(TableExists("_t_ghk")) << "no checkpoint table";
    // Rows the applier or an earlier chunk put in the ghost are not counted again: a small step.
    kill_at += 200 + static_cast<int64_t>(rng() % (kInitialRows / 10));
    killed = RunAndKill(true, copied_past);
  }
  testkit::CommandResult r;
  if (killed) r = testkit::RunSafeddl(Args(true));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // writes after the swap, too
  stop.store(true);
  for (auto& t : writers) t.join();
  ASSERT_TRUE(killed);
  KeepLog(r);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // It went on from a checkpoint instead of starting over.
  static const std::regex kResumed(R"(resuming: ([0-9]+) rows copied up to the checkpoint)");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.err, m, kResumed)) << r.err;
  EXPECT_GT(ParseInt64(m[1].str()).value_or(0), 0) << r.err;
  EXPECT_GT(commits.load(), 100) << "the load did not run";
  const auto report = nlohmann::json::parse(r.out);
  EXPECT_TRUE(report["swapped"].get<bool>());
  // Exact on its own: the checksum found nothing to repair (it would hide a lost change).
  EXPECT_EQ(report["checksum"]["ranges_recopied"].get<int64_t>(), 0) << r.out;
  EXPECT_FALSE(TableExists("_t_ghk")) << "the checkpoint table was left behind";
  ExpectEqualsReference(kAlter);
}

TEST_F(AlterResumeTest, KilledWhilePostponedResumesAndCutsOver) {
  CreateTypesTables(kInitialRows / 4);
  std::ofstream(flag_).put('\n');
  std::atomic<bool> stop{false};
  std::atomic<int64_t> commits{0};
  std::vector<std::thread> writers;
  Writers(4, stop, commits, writers);
  const auto postponing = [](const std::string& s) {
    return s.find("postponing the cut-over") != std::string::npos;
  };
  bool killed = RunAndKill(false, postponing, {"--postpone-cut-over-flag-file", flag_});
  // Resumed: the copy is done, the changes since the checkpoint are replayed, and it postpones
  // again until the flag file goes.
  testkit::CommandResult r;
  if (killed) {
    auto p = testkit::StartSafeddl(Args(true, {"--postpone-cut-over-flag-file", flag_}));
    const bool again =
        WaitFor([&] { return !p->Running() || postponing(ControlSocketCommand(sock_, "status")); });
    EXPECT_TRUE(again && p->Running()) << p->StderrSoFar();
    std::this_thread::sleep_for(std::chrono::seconds(1));  // more writes while postponed
    ::unlink(flag_.c_str());
    r = p->Wait();
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  stop.store(true);
  for (auto& t : writers) t.join();
  ASSERT_TRUE(killed);
  KeepLog(r);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("(the copy was done)"), std::string::npos) << r.err;
  const auto report = nlohmann::json::parse(r.out);
  EXPECT_TRUE(report["swapped"].get<bool>());
  EXPECT_EQ(report["checksum"]["ranges_recopied"].get<int64_t>(), 0) << r.out;
  ExpectEqualsReference(kAlter);
}

TEST_F(AlterResumeTest, ResumeTakesOverTheKilledRunsSocket) {
  CreateTypesTables(kInitialRows / 4);
  ASSERT_TRUE(RunAndKill(false, [](const std::string& s) { return RowsCopied(s) > 200; }));
  // SIGKILL left the socket file; nobody listens on it.
  ASSERT_EQ(::access(sock_.c_str(), F_OK), 0) << "the killed run removed its socket file";
  EXPECT_EQ(ControlSocketCommand(sock_, "status"), "");
  // The resumed run serves on the same path (answers `status` there) and finishes.
  auto p = testkit::StartSafeddl(Args(true));
  const bool serving = WaitFor([&] {
    return !p->Running() || ControlSocketCommand(sock_, "status").find("copy") != std::string::npos;
  });
  EXPECT_TRUE(serving && p->Running()) << p->StderrSoFar();
  const auto r = p->Wait();
  KeepLog(r);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("took over the socket file " + sock_ + ": nobody listened on it"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("resuming: "), std::string::npos) << r.err;
  EXPECT_NE(::access(sock_.c_str(), F_OK), 0) << "the finished run left its socket file";
  ExpectEqualsReference(kAlter);
}

TEST_F(AlterResumeTest, RefusesAnotherAlterAndAPurgedBinlogAndKeepsTheGhost) {
  CreateTypesTables(kInitialRows / 2);
  ASSERT_TRUE(RunAndKill(false, [](const std::string& s) { return RowsCopied(s) > 500; }));
  const std::string before = MustQueryValue(*conn_, "SELECT COUNT(*) FROM " + T("_t_gho"));

  auto other = AlterArgs("ADD COLUMN other INT", {"--execute", "--resume"});
  auto r = testkit::RunSafeddl(other);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("the checkpoint is of a different ALTER"), std::string::npos) << r.err;

  // The binlog the checkpoint continues from, purged: nothing can replay the changes since.
  // (The server keeps a file a replica still reads: retry until the replica has moved on.)
  const std::string needed =
      MustQueryValue(*conn_, "SELECT binlog_file FROM " + T("_t_ghk") + " WHERE id = 1");
  MustExecute(*conn_, "FLUSH BINARY LOGS");
  const bool purged = WaitFor([&] {
    const auto logs = conn_->Query("SHOW BINARY LOGS");
    if (!logs.ok() || logs->empty()) return false;
    const std::string newest = logs->rows().back()[0].value_or("");
    (void)conn_->Execute("PURGE BINARY LOGS TO " + mysql::QuoteString(newest));
    const auto after = conn_->Query("SHOW BINARY LOGS");
    return after.ok() && !after->empty() && after->rows().front()[0].value_or("") > needed;
  });
  ASSERT_TRUE(purged) << "could not purge " << needed;
  r = testkit::RunSafeddl(Args(true));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("which the server no longer has"), std::string::npos) << r.err;

  // Refused, the ghost and its checkpoint stay as they were; the table is untouched.
  EXPECT_EQ(MustQueryValue(*conn_, "SELECT COUNT(*) FROM " + T("_t_gho")), before);
  EXPECT_TRUE(TableExists("_t_ghk"));
  EXPECT_EQ(
      MustQueryValue(
          *conn_, "SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = " +
                      mysql::QuoteString(db_) + " AND TABLE_NAME = 't' AND COLUMN_NAME = 'extra'"),
      "0");
  // Nothing to resume without a ghost: says so.
  MustExecute(*conn_, "DROP TABLE " + T("_t_gho"));
  r = testkit::RunSafeddl(Args(true));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("there is no ghost table"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace safeddl::cli
