// `safeddl alter --include-triggers` against the real sandbox: the triggers move to the new table
// at the cut-over, each fires exactly once for every write made during and after the migration
// (never on the ghost for copied or replayed rows, never missing around the swap), in their
// order; what cannot be carried over is refused before anything is copied.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <atomic>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "cli/alter_test_fixture.h"

namespace safeddl::cli::alter_test {
namespace {

class AlterTriggersTest : public AlterTest {
 protected:
  // t: a BEFORE INSERT trigger filling `note`, and AFTER triggers logging every change to `log`
  // (two on INSERT, in a set order); `rows` rows, each logged by the insert triggers.
  void CreateTableWithTriggers(int rows) {
    MustExecute(*conn_, fmt::format("CREATE TABLE {} (id BIGINT PRIMARY KEY, v INT, u INT, "
                                    "note VARCHAR(20))",
                                    T("t")));
    MustExecute(*conn_, fmt::format("CREATE TABLE {} (n BIGINT AUTO_INCREMENT PRIMARY KEY, "
                                    "op CHAR(1) CHARACTER SET latin1 COLLATE latin1_bin, "
                                    "row_id BIGINT)",
                                    T("log")));
    const std::string log = T("log");
    const std::vector<std::string> triggers = {
        fmt::format("CREATE TRIGGER {} BEFORE INSERT ON {} FOR EACH ROW "
                    "SET NEW.note = CONCAT('ins', NEW.v)",
                    T("fill"), T("t")),
        fmt::format("CREATE TRIGGER {} AFTER INSERT ON {} FOR EACH ROW "
                    "INSERT INTO {} (op, row_id) VALUES ('i', NEW.id)",
                    T("ins_log"), T("t"), log),
        fmt::format("CREATE TRIGGER {} AFTER INSERT ON {} FOR EACH ROW FOLLOWS {} "
                    "INSERT INTO {} (op, row_id) VALUES ('I', NEW.id)",
                    T("ins_log2"), T("t"), "ins_log", log),
        fmt::format("CREATE TRIGGER {} AFTER UPDATE ON {} FOR EACH ROW "
                    "INSERT INTO {} (op, row_id) VALUES ('u', NEW.id)",
                    T("upd_log"), T("t"), log),
        fmt::format("CREATE TRIGGER {} AFTER DELETE ON {} FOR EACH ROW "
                    "INSERT INTO {} (op, row_id) VALUES ('d', OLD.id)",
                    T("del_log"), T("t"), log),
    };
    for (const auto& sql : triggers) MustExecute(*conn_, sql);
    for (int done = 0; done < rows;) {
      std::vector<std::string> values;
      for (int j = 0; j < 500 && done < rows; ++j, ++done)
        values.push_back(fmt::format("({}, {}, 0, NULL)", done + 1, done % 97));
      MustExecute(*conn_,
                  fmt::format("INSERT INTO {} VALUES {}", T("t"), JoinStrings(values, ",")));
    }
  }

  // name -> "TIMING EVENT order" of the triggers on `table`.
  std::map<std::string, std::string> TriggersOn(const std::string& table) {
    auto rs = conn_->Query(fmt::format(
        "SELECT TRIGGER_NAME, CONCAT(ACTION_TIMING, ' ', EVENT_MANIPULATION, ' ', ACTION_ORDER) "
        "FROM information_schema.TRIGGERS WHERE EVENT_OBJECT_SCHEMA = {} AND "
        "EVENT_OBJECT_TABLE = {}",
        mysql::QuoteString(db_), mysql::QuoteString(table)));
    std::map<std::string, std::string> out;
    if (!rs.ok()) return out;
    for (const auto& r : rs->rows()) out[r[0].value_or("")] = r[1].value_or("");
    return out;
  }
  std::string LogCount(const std::string& op) {
    return MustQueryValue(*conn_, fmt::format("SELECT COUNT(*) FROM {} WHERE op = {}", T("log"),
                                              mysql::QuoteString(op)));
  }
  std::string HelperTables() {
    return MustQueryValue(*conn_, fmt::format("SELECT COUNT(*) FROM information_schema.TABLES "
                                              "WHERE TABLE_SCHEMA = {} AND TABLE_NAME LIKE '\\_%'",
                                              mysql::QuoteString(db_)));
  }
};

// Writers that each insert their own rows, then update and delete them: every statement changes
// exactly one row, so the triggers must have logged exactly the counted writes.
struct CountedWrites {
  std::atomic<int64_t> inserts{0}, updates{0}, deletes{0};
};

void RunCountedWriters(const std::string& q_table, int threads, std::atomic<bool>& stop,
                       CountedWrites& counts, std::vector<std::thread>& out) {
  for (int w = 0; w < threads; ++w) {
    out.emplace_back([&stop, &counts, q_table, w] {
      auto c = testkit::ConnectPrimary();
      if (!c) return;
      int64_t next = 1000000000LL * (w + 1);
      std::vector<int64_t> mine;
      for (int64_t step = 0; !stop.load(); ++step) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        if (step % 3 == 0 || mine.empty()) {
          const int64_t id = next++;
          if (c->Execute(fmt::format("INSERT INTO {} (id, v, u) VALUES ({}, {}, 0)", q_table, id,
                                     id % 89))
                  .ok()) {
            mine.push_back(id);
            ++counts.inserts;
          }
        } else if (step % 3 == 1) {
          if (c->Execute(fmt::format("UPDATE {} SET u = u + 1 WHERE id = {}", q_table,
                                     mine[step % mine.size()]))
                  .ok())
            ++counts.updates;
        } else {
          const int64_t id = mine.back();
          if (c->Execute(fmt::format("DELETE FROM {} WHERE id = {}", q_table, id)).ok()) {
            mine.pop_back();
            ++counts.deletes;
          }
        }
      }
    });
  }
}

TEST_F(AlterTriggersTest, TriggersMoveToTheNewTableAndFireOncePerWrite) {
  constexpr int kRows = 20000;
  CreateTableWithTriggers(kRows);
  std::atomic<bool> stop{false};
  CountedWrites counts;
  std::vector<std::thread> writers;
  RunCountedWriters(T("t"), 3, stop, counts, writers);
  const auto r = testkit::RunSafeddl(
      AlterArgs("ADD COLUMN extra INT", {"--execute", "--ok-to-drop-table", "--include-triggers",
                                         "--trigger-suffix=_v2", "--chunk-size=500", "--nice-ratio=3",
                                         "--json"}));
  // Writes after the swap must fire the new triggers.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  stop = true;
  for (auto& t : writers) t.join();
  KeepLog(r);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto report = nlohmann::json::parse(r.out, nullptr, /*allow_exceptions=*/false);
  EXPECT_EQ(report.value("triggers", nlohmann::json()).size(), 5u) << r.out;
  ASSERT_GT(counts.inserts.load(), 50);
  ASSERT_GT(counts.deletes.load(), 10);

  const std::map<std::string, std::string> expected = {
      {"fill_v2", "BEFORE INSERT 1"},   {"ins_log_v2", "AFTER INSERT 1"},
      {"ins_log2_v2", "AFTER INSERT 2"}, {"upd_log_v2", "AFTER UPDATE 1"},
      {"del_log_v2", "AFTER DELETE 1"},
  };
  EXPECT_EQ(TriggersOn("t"), expected);
  EXPECT_EQ(HelperTables(), "0");
  // Exactly once per write: none lost around the swap, none fired again on the ghost.
  EXPECT_EQ(LogCount("i"), std::to_string(kRows + counts.inserts.load()));
  EXPECT_EQ(LogCount("I"), std::to_string(kRows + counts.inserts.load()));
  EXPECT_EQ(LogCount("u"), std::to_string(counts.updates.load()));
  EXPECT_EQ(LogCount("d"), std::to_string(counts.deletes.load()));
  // The BEFORE trigger ran for every row, before and after the swap.
  EXPECT_EQ(MustQueryValue(*conn_, fmt::format("SELECT COUNT(*) FROM {} WHERE note IS NULL OR "
                                               "note <> CONCAT('ins', v)",
                                               T("t"))),
            "0");
  // The column was added, and the triggers run against the new definition.
  MustExecute(*conn_, fmt::format("INSERT INTO {} (id, v, extra) VALUES (-1, 5, 7)", T("t")));
  EXPECT_EQ(MustQueryValue(*conn_, fmt::format("SELECT note FROM {} WHERE id = -1", T("t"))),
            "ins5");
}

TEST_F(AlterTriggersTest, RemoveSuffixIfExistsAlternatesTheNames) {
  CreateTableWithTriggers(100);
  auto first = testkit::RunSafeddl(
      AlterArgs("ADD COLUMN a INT", {"--execute", "--ok-to-drop-table", "--include-triggers",
                                     "--trigger-suffix=_v2", "--remove-trigger-suffix-if-exists"}));
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(TriggersOn("t").count("fill_v2"), 1u);
  auto second = testkit::RunSafeddl(
      AlterArgs("ADD COLUMN b INT", {"--execute", "--ok-to-drop-table", "--include-triggers",
                                     "--trigger-suffix=_v2", "--remove-trigger-suffix-if-exists"}));
  ASSERT_EQ(second.exit_code, 0) << second.err;
  const auto names = TriggersOn("t");
  EXPECT_EQ(names.size(), 5u);
  EXPECT_EQ(names.count("fill"), 1u);
  EXPECT_EQ(names.count("ins_log2"), 1u);
  EXPECT_EQ(names.count("fill_v2"), 0u);
}

TEST_F(AlterTriggersTest, WhatCannotBeCarriedOverIsRefusedBeforeTheCopy) {
  CreateTableWithTriggers(100);
  // A leftover trigger already holds one of the new names.
  MustExecute(*conn_, fmt::format("CREATE TABLE {} (id INT PRIMARY KEY)", T("other")));
  MustExecute(*conn_, fmt::format("CREATE TRIGGER {} BEFORE INSERT ON {} FOR EACH ROW SET @x = 1",
                                  T("upd_log_old"), T("other")));
  struct Case {
    std::string alter;
    std::vector<std::string> flags;
    int exit_code;
    std::string expect;
  };
  const std::vector<Case> cases = {
      {"ADD COLUMN c INT", {}, 1, "--include-triggers --trigger-suffix"},
      {"ADD COLUMN c INT", {"--include-triggers"}, 64, "needs --trigger-suffix"},
      {"ADD COLUMN c INT", {"--trigger-suffix=_x"}, 64, "need --include-triggers"},
      {"ADD COLUMN c INT", {"--include-triggers", "--trigger-suffix=_v-2"}, 64,
       "letters, digits and underscores"},
      {"ADD COLUMN c INT", {"--include-triggers", "--trigger-suffix=_old"}, 1,
       "a trigger of that name exists on `other`"},
      {"ADD COLUMN c INT", {"--include-triggers", "--trigger-suffix=_" + std::string(60, 'x')}, 64,
       "longer than 64 characters"},
      // The BEFORE INSERT trigger sets the column the ALTER drops.
      {"DROP COLUMN note", {"--include-triggers", "--trigger-suffix=_v2"}, 1,
       "cannot be created on the new table"},
  };
  const auto before = TriggersOn("t");
  const std::string create = MustQueryValue(
      *conn_, "SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = " +
                  mysql::QuoteString(db_) + " AND TABLE_NAME = 't'");
  for (const Case& c : cases) {
    SCOPED_TRACE(c.alter + " " + JoinStrings(c.flags, " "));
    std::vector<std::string> extra = {"--execute"};
    extra.insert(extra.end(), c.flags.begin(), c.flags.end());
    const auto r = testkit::RunSafeddl(AlterArgs(c.alter, extra));
    EXPECT_EQ(r.exit_code, c.exit_code) << r.err;
    EXPECT_NE(r.err.find(c.expect), std::string::npos) << r.err;
    EXPECT_EQ(TriggersOn("t"), before);
    EXPECT_EQ(HelperTables(), "0");
  }
  EXPECT_EQ(MustQueryValue(*conn_, "SELECT COUNT(*) FROM information_schema.COLUMNS WHERE "
                                   "TABLE_SCHEMA = " +
                                       mysql::QuoteString(db_) + " AND TABLE_NAME = 't'"),
            create);
  EXPECT_EQ(LogCount("i"), "100") << "a refused run fired a trigger";
}

}  // namespace
}  // namespace safeddl::cli::alter_test
