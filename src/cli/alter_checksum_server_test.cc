// The checksum of a real `safeddl alter`, through the binary: a wrong row in the new table is
// found and copied again before the swap. The default checksum compares the rows changed during
// the run (a row the application changed, then wrong in the new table); --checksum full compares
// both tables whole (a row nobody changed, wrong in the new table).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli/alter_test_fixture.h"
#include "mysql/quote.h"
#include "testkit/testkit.h"

namespace safeddl::cli {
namespace {

using alter_test::AlterTest;
using testkit::MustExecute;
using testkit::MustQueryValue;
using testkit::WaitFor;

constexpr char kAddColumn[] = "ADD COLUMN extra INT NOT NULL DEFAULT 7";

class AlterChecksumTest : public AlterTest {
 protected:
  // Runs `alter` with `flags`, postponed; while it is postponed, `while_postponed` runs; then
  // the swap. Returns the run's result.
  testkit::CommandResult RunPostponed(const std::string& alter,
                                      const std::vector<std::string>& flags,
                                      const std::function<void()>& while_postponed) {
    const std::string flag = "/tmp/safeddl-test-" + db_ + ".postpone";
    const std::string sock = "/tmp/safeddl-test-" + db_ + ".sock";
    std::ofstream(flag).put('\n');
    std::atomic<bool> finished{false};
    testkit::CommandResult r;
    std::vector<std::string> args = {"--execute",
                                     "--json",
                                     "--ok-to-drop-table",
                                     "--postpone-cut-over-flag-file",
                                     flag,
                                     "--serve-socket-file",
                                     sock};
    args.insert(args.end(), flags.begin(), flags.end());
    std::thread run([&] {
      r = testkit::RunSafeddl(AlterArgs(alter, args));
      finished.store(true);
    });
    const bool postponed = alter_test::WaitUntilPostponed(sock, finished);
    if (postponed) {
      while_postponed();
      EXPECT_NE(testkit::ControlSocketCommand(sock, "unpostpone").find("Unpostponed"),
                std::string::npos);
    }
    run.join();
    ::unlink(flag.c_str());
    KeepLog(r);
    EXPECT_TRUE(postponed) << r.err;
    return r;
  }
  // Sets `v` of row `id` in the new table behind safeddl's back (not in the binlog).
  void SpoilNewTableRow(int id) {
    MustExecute(*conn_, "SET SESSION sql_log_bin = 0");
    MustExecute(*conn_, fmt::format("UPDATE {} SET v = -1 WHERE id = {}", T("_t_gho"), id));
    MustExecute(*conn_, "SET SESSION sql_log_bin = 1");
  }
  void CreateTable() {
    MustExecute(*conn_,
                fmt::format("CREATE TABLE {} (id INT NOT NULL PRIMARY KEY, v INT)", T("t")));
    MustExecute(*conn_, fmt::format("INSERT INTO {} SELECT seq, seq FROM {}.seq_1_to_20000", T("t"),
                                    *mysql::QuoteIdentifier(db_)));
  }
  // Every row as the application left it (v = id, but one more for `changed_id`), migrated.
  void ExpectTheApplicationsRows(int changed_id) {
    EXPECT_EQ(MustQueryValue(*conn_, fmt::format("SELECT COUNT(*) FROM {} WHERE v = id + (id = {}) "
                                                 "AND extra = 7",
                                                 T("t"), changed_id)),
              "20000");
  }
};

TEST_F(AlterChecksumTest, AWrongChangedRowIsFoundAndCopiedAgain) {
  CreateTable();
  const auto r = RunPostponed(kAddColumn, {}, [&] {
    MustExecute(*conn_, fmt::format("UPDATE {} SET v = v + 1 WHERE id = 77", T("t")));
    ASSERT_TRUE(WaitFor([&] {
      return MustQueryValue(*conn_, fmt::format("SELECT v FROM {} WHERE id = 77", T("_t_gho"))) ==
             "78";
    }));
    SpoilNewTableRow(77);
  });
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto report = nlohmann::json::parse(r.out);
  EXPECT_TRUE(report["swapped"].get<bool>());
  // The first pass (changed rows: the one key) found it; a full pass found its range, copied it
  // again, and the next full pass was clean.
  EXPECT_NE(r.err.find("checksum of changed rows: 1 of 1 keys"), std::string::npos) << r.err;
  EXPECT_EQ(report["checksum"]["passes"].get<int>(), 3) << r.out;
  EXPECT_EQ(report["checksum"]["ranges_recopied"].get<int64_t>(), 1) << r.out;
  EXPECT_EQ(report["checksum"]["scope"], "full") << r.out;
  ExpectTheApplicationsRows(77);
}

TEST_F(AlterChecksumTest, ChangedRowsAloneAreComparedWhenTheyAreFew) {
  CreateTable();
  const auto r = RunPostponed(kAddColumn, {}, [&] {
    MustExecute(*conn_, fmt::format("UPDATE {} SET v = v + 1 WHERE id IN (5, 6)", T("t")));
    MustExecute(*conn_, fmt::format("DELETE FROM {} WHERE id = 20000", T("t")));
    MustExecute(*conn_, fmt::format("INSERT INTO {} VALUES (20000, 20000)", T("t")));
  });
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto report = nlohmann::json::parse(r.out);
  EXPECT_EQ(report["checksum"]["passes"].get<int>(), 1) << r.out;
  EXPECT_EQ(report["checksum"]["scope"], "changed") << r.out;
  EXPECT_EQ(report["checksum"]["keys"].get<int64_t>(), 3) << r.out;
  EXPECT_EQ(report["checksum"]["rows"].get<int64_t>(), 0) << r.out;  // no new UNIQUE key: no counts
  EXPECT_EQ(MustQueryValue(*conn_, fmt::format("SELECT SUM(v - id) FROM {}", T("t"))), "2");
}

// A new UNIQUE key the application's rows break: the applier's REPLACE of the new row removes
// the old one from the new table, outside the changed keys. The row counts show it, the full
// passes cannot repair it, and the run stops with the table as it was.
TEST_F(AlterChecksumTest, ARowLostOverANewUniqueKeyStopsTheSwap) {
  CreateTable();
  const auto r = RunPostponed(kAddColumn + std::string(", ADD UNIQUE KEY uv (v)"), {}, [&] {
    MustExecute(*conn_, fmt::format("INSERT INTO {} VALUES (20001, 5)", T("t")));
  });
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("checksum of changed rows: 0 of 1 keys and 0 of 0 ranges differ (20001 "
                       "rows in the table, 20000 in the new one)"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("still differs from the original"), std::string::npos) << r.err;
  EXPECT_EQ(MustQueryValue(*conn_, fmt::format("SELECT COUNT(*) FROM {}", T("t"))), "20001");
  EXPECT_EQ(MustQueryValue(*conn_, fmt::format("SELECT COUNT(*) FROM information_schema.COLUMNS "
                                               "WHERE TABLE_SCHEMA = {} AND TABLE_NAME = 't' "
                                               "AND COLUMN_NAME = 'extra'",
                                               mysql::QuoteString(db_))),
            "0");
}

TEST_F(AlterChecksumTest, FullChecksumFindsAWrongRowNobodyChanged) {
  CreateTable();
  const auto r = RunPostponed(kAddColumn, {"--checksum", "full"}, [&] { SpoilNewTableRow(1000); });
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto report = nlohmann::json::parse(r.out);
  EXPECT_EQ(report["checksum"]["scope"], "full") << r.out;
  EXPECT_EQ(report["checksum"]["full_because"], "--checksum full") << r.out;
  EXPECT_EQ(report["checksum"]["passes"].get<int>(), 2) << r.out;
  EXPECT_EQ(report["checksum"]["ranges_recopied"].get<int64_t>(), 1) << r.out;
  ExpectTheApplicationsRows(0);
}

TEST_F(AlterChecksumTest, BadChecksumScopeIsAUsageError) {
  CreateTable();
  const auto r = testkit::RunSafeddl(AlterArgs("ADD COLUMN extra INT", {"--checksum", "some"}));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("--checksum"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace safeddl::cli
