// `safeddl alter` keeps every value exact on a server as users run it (ctest runs this file on
// the friendly sandbox and, as alter_stock_server_test_stock, on `safeddl sandbox up --stock`,
// whose binlog carries no column metadata: no signedness, charsets or ENUM/SET labels).
//
// Each case migrates a small table while three writers insert, update and delete rows holding
// the case's awkward values (non-ASCII latin1/cp1251 text, unsigned extremes, ENUM labels,
// BINARY values ending in zero bytes, UUID/INET6), so most of them reach the new table through
// the binlog, not the copy. The cut-over is postponed until the writers have stopped, so the old
// table (`_t_del`, kept) holds exactly what the new one must: after the swap the two are compared
// key by key, the old row's values converted as the server converts them
// (`new.c <=> CONVERT(old.c USING utf8mb4)`, `CAST(old.e AS CHAR)`, ...), byte for byte. Probe
// rows written after the copy (insert, update to, insert-then-delete) are then read back from
// the new table and compared with the values this test expects ('green', not '2'; AB000000,
// not AB; 4294967295, not -1).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "cli/alter_test_fixture.h"
#include "common/strings.h"
#include "mysql/connection.h"
#include "mysql/quote.h"
#include "testkit/testkit.h"

namespace safeddl::cli {
namespace {

using alter_test::AlterTest;
using testkit::MustExecute;
using testkit::MustQueryValue;

constexpr int kRows = 2000;  // copied rows (ids 1..kRows)
constexpr int kWriters = 3;
constexpr char kChunkSize[] = "100";  // several chunks, so writes interleave with the copy
constexpr auto kWritesWhilePostponed = std::chrono::milliseconds(1500);

using Text = std::optional<std::string>;  // a value as the client reads it; nullopt is NULL

struct StockCase {
  const char* name = "";
  std::string create = {};                          // column list and table options of `t`
  std::vector<std::string> columns = {};            // the old table's columns the writers set
  std::vector<std::vector<std::string>> rows = {};  // SQL literals for `columns`, one a row
  std::string alter = {};
  std::vector<std::string> flags = {};
  // Per key, new expression <=> old expression (over `_t_del`), compared as bytes.
  std::vector<std::pair<std::string, std::string>> compare = {};
  // Read back from the new table for each probe row: expression, and per tuple the text
  // expected.
  std::vector<std::string> probe_exprs = {};
  std::vector<std::vector<Text>> expected = {};  // expected[tuple][probe_expr]
  uint64_t probe_base = 800000000;  // probe ids: base + tuple (+100 updated, +200 deleted)
};

// gtest prints a case by its name, not its bytes.
void PrintTo(const StockCase& c, std::ostream* os) { *os << c.name; }

std::string Hex(const std::string& bytes) {
  std::string out;
  for (unsigned char b : bytes) out += fmt::format("{:02X}", b);
  return out;
}

// The test's SQL is written in UTF-8 and sent over a utf8mb4 connection (testkit connections
// set it), so 'á' reaches a latin1 column as 0xE1 and a cp1251 column as its cp1251 byte.
std::vector<StockCase> Cases() {
  const std::string kUnsignedTable =
      "id BIGINT UNSIGNED NOT NULL PRIMARY KEY, tu TINYINT UNSIGNED, su SMALLINT UNSIGNED, "
      "mu MEDIUMINT UNSIGNED, u INT UNSIGNED, bu BIGINT UNSIGNED) ENGINE=InnoDB";
  const std::vector<std::string> kUnsignedColumns = {"tu", "su", "mu", "u", "bu"};
  const std::vector<std::vector<std::string>> kUnsignedRows = {
      {"255", "65535", "16777215", "4294967295", "18446744073709551615"},
      {"0", "0", "0", "0", "0"},
      {"128", "32768", "8388608", "2147483648", "9223372036854775808"},
      {"254", "65534", "16777214", "4294967294", "18446744073709551614"},
      {"NULL", "NULL", "NULL", "NULL", "NULL"},
  };
  const std::vector<std::vector<Text>> kUnsignedExpected = {
      {"255", "65535", "16777215", "4294967295", "18446744073709551615"},
      {"0", "0", "0", "0", "0"},
      {"128", "32768", "8388608", "2147483648", "9223372036854775808"},
      {"254", "65534", "16777214", "4294967294", "18446744073709551614"},
      {std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt},
  };
  auto unsigned_compare = [](const std::string& u_new) {
    return std::vector<std::pair<std::string, std::string>>{
        {"tu", "tu"}, {"su", "su"}, {"mu", "mu"}, {u_new, "u"}, {"bu", "bu"}};
  };
  // The probe keys of the unsigned tables sit at the top of BIGINT UNSIGNED too.
  constexpr uint64_t kTopKeys = 18446744073709551000ULL;

  const std::string kCharsetTable =
      "id INT NOT NULL PRIMARY KEY, v VARCHAR(40) CHARACTER SET latin1, "
      "c VARCHAR(40) CHARACTER SET cp1251, k VARCHAR(20) CHARACTER SET latin1) "
      "ENGINE=InnoDB DEFAULT CHARSET=latin1";
  const std::vector<std::vector<std::string>> kCharsetRows = {
      {"'átesting'", "'Привет'", "'ÿ'"}, {"'€'", "'Ёлка €'", "'plain'"},
      {"'ÿ'", "'щ'", "'€uro'"},          {"NULL", "NULL", "''"},
      {"'ascii'", "'ascii'", "NULL"},
  };
  const std::vector<std::vector<Text>> kCharsetExpected = {
      {"átesting", "Привет", "ÿ"},      {"€", "Ёлка €", "plain"},         {"ÿ", "щ", "€uro"},
      {std::nullopt, std::nullopt, ""}, {"ascii", "ascii", std::nullopt},
  };

  const std::string kEnumTable =
      "id INT NOT NULL PRIMARY KEY, e ENUM('red','green','blue') NOT NULL DEFAULT 'red', "
      "s SET('read','write','admin'), n INT) ENGINE=InnoDB DEFAULT CHARSET=latin1";
  const std::vector<std::vector<std::string>> kEnumRows = {
      {"'green'", "'read,admin'", "1"},
      {"'red'", "''", "-2"},
      {"'blue'", "NULL", "NULL"},
      {"'green'", "'write'", "3"},
  };
  const std::vector<std::vector<Text>> kEnumExpected = {
      {"green", "read,admin", "1"},
      {"red", "", "-2"},
      {"blue", std::nullopt, std::nullopt},
      {"green", "write", "3"},
  };

  std::vector<StockCase> cases;
  cases.push_back(StockCase{
      .name = "latin1_table_convert_to_utf8mb4",
      .create = "id INT NOT NULL PRIMARY KEY, v VARCHAR(40), c CHAR(10), tx TEXT) "
                "ENGINE=InnoDB DEFAULT CHARSET=latin1",
      .columns = {"v", "c", "tx"},
      .rows = {{"'átesting'", "'€'", "'ÿ'"},
               {"'€uro'", "'ÿes'", "'plain'"},
               {"'ÿ'", "'á'", "REPEAT('é', 300)"},
               {"NULL", "''", "NULL"},
               {"'ascii'", "'x'", "'€€€'"}},
      .alter = "CONVERT TO CHARACTER SET utf8mb4",
      .compare = {{"v", "CONVERT(v USING utf8mb4)"},
                  {"c", "CONVERT(c USING utf8mb4)"},
                  {"tx", "CONVERT(tx USING utf8mb4)"}},
      .probe_exprs = {"v", "c", "tx"},
      .expected = {{"átesting", "€", "ÿ"},
                   {"€uro", "ÿes", "plain"},
                   {"ÿ", "á",
                    [] {
                      std::string s;
                      for (int i = 0; i < 300; ++i) s += "é";
                      return s;
                    }()},
                   {std::nullopt, "", std::nullopt},
                   {"ascii", "x", "€€€"}},
  });
  cases.push_back(StockCase{
      .name = "latin1_column_to_utf8mb4",
      .create = kCharsetTable,
      .columns = {"v", "c", "k"},
      .rows = kCharsetRows,
      .alter = "MODIFY v VARCHAR(40) CHARACTER SET utf8mb4",
      .compare = {{"v", "CONVERT(v USING utf8mb4)"}, {"c", "c"}, {"k", "k"}},
      .probe_exprs = {"v", "c", "k"},
      .expected = kCharsetExpected,
  });
  cases.push_back(StockCase{
      .name = "cp1251_column_to_utf8mb4",
      .create = kCharsetTable,
      .columns = {"v", "c", "k"},
      .rows = kCharsetRows,
      .alter = "MODIFY c VARCHAR(40) CHARACTER SET utf8mb4",
      .compare = {{"v", "v"}, {"c", "CONVERT(c USING utf8mb4)"}, {"k", "k"}},
      .probe_exprs = {"v", "c", "k"},
      .expected = kCharsetExpected,
  });
  cases.push_back(StockCase{
      .name = "unsigned_extremes_engine",
      .create = kUnsignedTable,
      .columns = kUnsignedColumns,
      .rows = kUnsignedRows,
      .alter = "ENGINE=InnoDB",
      .compare = unsigned_compare("u"),
      .probe_exprs = {"tu", "su", "mu", "u", "bu"},
      .expected = kUnsignedExpected,
      .probe_base = kTopKeys,
  });
  cases.push_back(StockCase{
      .name = "unsigned_extremes_modified",
      .create = kUnsignedTable,
      .columns = kUnsignedColumns,
      .rows = kUnsignedRows,
      .alter = "MODIFY u BIGINT UNSIGNED",
      .compare = unsigned_compare("u"),
      .probe_exprs = {"tu", "su", "mu", "u", "bu"},
      .expected = kUnsignedExpected,
      .probe_base = kTopKeys,
  });
  cases.push_back(StockCase{
      .name = "unsigned_extremes_renamed",
      .create = kUnsignedTable,
      .columns = kUnsignedColumns,
      .rows = kUnsignedRows,
      .alter = "CHANGE u u2 INT UNSIGNED",
      .flags = {"--approve-renamed-columns"},
      .compare = unsigned_compare("u2"),
      .probe_exprs = {"tu", "su", "mu", "u2", "bu"},
      .expected = kUnsignedExpected,
      .probe_base = kTopKeys,
  });
  cases.push_back(StockCase{
      .name = "unsigned_extremes_reordered",
      .create = kUnsignedTable,
      .columns = kUnsignedColumns,
      .rows = kUnsignedRows,
      .alter = "MODIFY u INT UNSIGNED FIRST",
      .compare = unsigned_compare("u"),
      .probe_exprs = {"tu", "su", "mu", "u", "bu"},
      .expected = kUnsignedExpected,
      .probe_base = kTopKeys,
  });
  cases.push_back(StockCase{
      .name = "enum_to_varchar",
      .create = kEnumTable,
      .columns = {"e", "s", "n"},
      .rows = kEnumRows,
      .alter = "CHANGE e e VARCHAR(32) NOT NULL DEFAULT ''",
      .compare = {{"e", "CAST(e AS CHAR)"}, {"CAST(s AS CHAR)", "CAST(s AS CHAR)"}, {"n", "n"}},
      .probe_exprs = {"e", "s", "n"},
      .expected = kEnumExpected,
  });
  cases.push_back(StockCase{
      .name = "set_to_varchar",
      .create = kEnumTable,
      .columns = {"e", "s", "n"},
      .rows = kEnumRows,
      .alter = "MODIFY s VARCHAR(32)",
      .compare = {{"CAST(e AS CHAR)", "CAST(e AS CHAR)"}, {"s", "CAST(s AS CHAR)"}, {"n", "n"}},
      .probe_exprs = {"e", "s", "n"},
      .expected = kEnumExpected,
  });
  cases.push_back(StockCase{
      .name = "binary_to_varbinary",
      .create = "id INT NOT NULL PRIMARY KEY, b BINARY(4), vb VARBINARY(8)) ENGINE=InnoDB",
      .columns = {"b", "vb"},
      .rows = {{"X'AB000000'", "X'0000'"},
               {"X'00000000'", "X'00'"},
               {"X'61620000'", "X'6162000000'"},
               {"X'01020304'", "X''"},
               {"X'00'", "NULL"},
               {"NULL", "X'FF00'"}},
      .alter = "MODIFY b VARBINARY(4)",
      .compare = {{"HEX(b)", "HEX(b)"}, {"HEX(vb)", "HEX(vb)"}},
      .probe_exprs = {"HEX(b)", "HEX(vb)"},
      .expected = {{"AB000000", "0000"},
                   {"00000000", "00"},
                   {"61620000", "6162000000"},
                   {"01020304", ""},
                   {"00000000", std::nullopt},  // BINARY(4) pads X'00' to four bytes
                   {std::nullopt, "FF00"}},
  });
  cases.push_back(StockCase{
      .name = "uuid_and_inet6",
      .create = "id INT NOT NULL PRIMARY KEY, u UUID, i6 INET6, v VARCHAR(10)) ENGINE=InnoDB",
      .columns = {"u", "i6", "v"},
      .rows = {{"'00000000-0000-0000-0000-000000000000'", "'::'", "'a'"},
               {"'123e4567-e89b-12d3-a456-426655440000'", "'::ffff:1.2.3.4'", "'b'"},
               {"'ffffffff-ffff-ffff-ffff-ffffffffffff'", "'2001:db8::ff00:42:8329'", "NULL"},
               {"'00000000-0000-0000-0000-000000000001'", "'::1'", "''"},
               {"NULL", "NULL", "'c'"}},
      .alter = "ENGINE=InnoDB",
      .compare = {{"CAST(u AS CHAR)", "CAST(u AS CHAR)"},
                  {"CAST(i6 AS CHAR)", "CAST(i6 AS CHAR)"},
                  {"v", "v"}},
      .probe_exprs = {"CAST(u AS CHAR)", "CAST(i6 AS CHAR)", "v"},
      .expected = {{"00000000-0000-0000-0000-000000000000", "::", "a"},
                   {"123e4567-e89b-12d3-a456-426655440000", "::ffff:1.2.3.4", "b"},
                   {"ffffffff-ffff-ffff-ffff-ffffffffffff", "2001:db8::ff00:42:8329", std::nullopt},
                   {"00000000-0000-0000-0000-000000000001", "::1", ""},
                   {std::nullopt, std::nullopt, "c"}},
  });
  return cases;
}

class AlterStockTest : public AlterTest, public ::testing::WithParamInterface<StockCase> {
 protected:
  std::string Columns() const { return JoinStrings(GetParam().columns, ", "); }
  std::string Insert(uint64_t id, size_t tuple) const {
    return fmt::format("INSERT INTO {} (id, {}) VALUES ({}, {})", Table(), Columns(), id,
                       JoinStrings(GetParam().rows[tuple], ", "));
  }
  std::string Update(uint64_t id, size_t tuple) const {
    std::vector<std::string> sets;
    for (size_t i = 0; i < GetParam().columns.size(); ++i)
      sets.push_back(GetParam().columns[i] + " = " + GetParam().rows[tuple][i]);
    return fmt::format("UPDATE {} SET {} WHERE id = {}", Table(), JoinStrings(sets, ", "), id);
  }
  std::string Table() const { return table_; }

  // Writers: inserts of new keys, updates and deletes of copied ones, every value one of the
  // case's tuples. Each statement commits on its own (autocommit). Runs until `stop`.
  void StartWriters(std::atomic<bool>& stop, std::atomic<int64_t>& commits,
                    std::vector<std::thread>& out) {
    for (int w = 0; w < kWriters; ++w) {
      out.emplace_back([this, w, &stop, &commits] {
        auto c = testkit::ConnectPrimary();
        if (!c) return;
        (void)c->Execute("SET SESSION innodb_lock_wait_timeout = 5");
        std::mt19937_64 rng(7000 + w);
        uint64_t next_id = 1000000ULL * (w + 1);
        const size_t tuples = GetParam().rows.size();
        while (!stop.load()) {
          std::this_thread::sleep_for(std::chrono::milliseconds(5));
          const int op = static_cast<int>(rng() % 10);
          const uint64_t target = 1 + rng() % kRows;
          const size_t tuple = rng() % tuples;
          std::string sql;
          if (op < 4) {
            sql = Insert(next_id++, tuple);
          } else if (op < 8) {
            sql = Update(target, tuple);
          } else {
            sql = fmt::format("DELETE FROM {} WHERE id = {}", Table(), target);
          }
          if (c->Execute(sql).ok()) ++commits;
        }
      });
    }
  }

  std::string table_;
};

TEST_P(AlterStockTest, ValuesStayExactUnderConcurrentWrites) {
  const StockCase& tc = GetParam();
  table_ = T("t");
  MustExecute(*conn_, fmt::format("CREATE TABLE {} ({}", table_, tc.create));
  for (int done = 0; done < kRows;) {
    std::vector<std::string> values;
    for (int j = 0; j < 500 && done < kRows; ++j, ++done) {
      values.push_back(
          fmt::format("({}, {})", done + 1, JoinStrings(tc.rows[done % tc.rows.size()], ", ")));
    }
    MustExecute(*conn_, fmt::format("INSERT INTO {} (id, {}) VALUES {}", table_, Columns(),
                                    JoinStrings(values, ",")));
  }

  const std::string flag = "/tmp/safeddl-test-" + db_ + ".postpone";
  const std::string sock = "/tmp/safeddl-test-" + db_ + ".sock";
  std::ofstream(flag).put('\n');
  std::atomic<bool> stop{false}, finished{false};
  std::atomic<int64_t> commits{0};
  std::vector<std::thread> writers;
  StartWriters(stop, commits, writers);
  std::vector<std::string> flags = tc.flags;
  flags.insert(flags.end(), {"--execute", "--json", "--chunk-size", kChunkSize,
                             "--postpone-cut-over-flag-file", flag, "--serve-socket-file", sock});
  // The replica is named rather than discovered: this file is about values. Discovery on a
  // stock server (no report-host, so SHOW SLAVE HOSTS names it by its resolved host) is
  // alter_command_server_test_stock's to show.
  if (testkit::Sandbox().servers.size() > 1) {
    flags.insert(flags.end(), {"--throttle-control-replicas",
                               fmt::format("127.0.0.1:{}", testkit::Replica(1).port)});
  }
  testkit::CommandResult r;
  std::thread alter([&] {
    r = testkit::RunSafeddl(AlterArgs(tc.alter, flags));
    finished.store(true);
  });
  // Copied and caught up: the cut-over waits for the flag file.
  const bool postponed = alter_test::WaitUntilPostponed(sock, finished);
  if (postponed) {
    // Probe rows after the copy, so they reach the new table through the binlog only.
    for (size_t i = 0; i < tc.rows.size(); ++i) {
      const uint64_t id = tc.probe_base + i;
      MustExecute(*conn_, Insert(id, i));
      MustExecute(*conn_, Insert(id + 100, (i + 1) % tc.rows.size()));
      MustExecute(*conn_, Update(id + 100, i));
      MustExecute(*conn_, Insert(id + 200, i));
      MustExecute(*conn_, fmt::format("DELETE FROM {} WHERE id = {}", table_, id + 200));
    }
    std::this_thread::sleep_for(kWritesWhilePostponed);
  }
  stop.store(true);
  for (auto& t : writers) t.join();
  std::remove(flag.c_str());  // no write after the swap: `_t_del` is what `t` must hold
  alter.join();
  KeepLog(r);
  ASSERT_TRUE(postponed) << "the migration ended before its cut-over was postponed:\n" << r.err;
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_GT(commits.load(), 50) << "the load did not run";
  const auto report = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(report.is_discarded()) << r.out;
  EXPECT_TRUE(report.value("swapped", false)) << r.out;

  // Old and new, key by key, byte for byte.
  const std::string old_table = T("_t_del");
  EXPECT_EQ(MustQueryValue(*conn_, "SELECT COUNT(*) FROM " + table_),
            MustQueryValue(*conn_, "SELECT COUNT(*) FROM " + old_table));
  std::vector<std::string> same, shown;
  for (const auto& [new_expr, old_expr] : tc.compare) {
    // Qualify the column inside function calls: the expressions name one column each.
    const auto qualify = [](const std::string& expr, const std::string& alias) {
      for (const char* fn : {"CONVERT(", "CAST(", "HEX("}) {
        if (expr.rfind(fn, 0) == 0) {
          return std::string(fn) + alias + "." + expr.substr(std::string(fn).size());
        }
      }
      return alias + "." + expr;
    };
    const std::string qn = qualify(new_expr, "n"), qo = qualify(old_expr, "o");
    same.push_back(fmt::format("CAST({} AS BINARY) <=> CAST({} AS BINARY)", qn, qo));
    shown.push_back(fmt::format("'{} ', IFNULL(HEX({}), 'NULL'), ' / ', IFNULL(HEX({}), 'NULL')",
                                new_expr, qn, qo));
  }
  const std::string differ =
      fmt::format("FROM {} n LEFT JOIN {} o ON n.id = o.id WHERE o.id IS NULL OR NOT ({})", table_,
                  old_table, JoinStrings(same, " AND "));
  const std::string mismatches = MustQueryValue(*conn_, "SELECT COUNT(*) " + differ);
  if (mismatches != "0") {
    auto sample =
        conn_->Query(fmt::format("SELECT n.id, CONCAT_WS('; ', {}) {} ORDER BY n.id LIMIT 5",
                                 JoinStrings(shown, ", "), differ));
    std::string rows;
    if (sample.ok()) {
      for (const auto& row : sample->rows())
        rows += "  id " + row[0].value_or("?") + ": " + row[1].value_or("NULL") + "\n";
    }
    ADD_FAILURE() << mismatches << " rows of the new table differ from the old one converted "
                  << "(column: HEX(new) / HEX(old converted)):\n"
                  << rows;
  }

  // The probes hold exactly the values expected.
  for (size_t i = 0; i < tc.rows.size(); ++i) {
    for (const uint64_t id : {tc.probe_base + i, tc.probe_base + i + 100}) {
      auto rs = conn_->Query(fmt::format("SELECT {} FROM {} WHERE id = {}",
                                         JoinStrings(tc.probe_exprs, ", "), table_, id));
      ASSERT_TRUE(rs.ok()) << rs.status().ToString();
      ASSERT_EQ(rs->size(), 1u) << "probe row " << id << " missing from the new table";
      for (size_t c = 0; c < tc.probe_exprs.size(); ++c) {
        const Text got = (*rs)[0][c];
        const Text& want = tc.expected[i][c];
        EXPECT_EQ(got, want) << "probe " << id << " (" << JoinStrings(tc.rows[i], ", ") << ") "
                             << tc.probe_exprs[c] << ": got "
                             << (got ? "'" + *got + "' hex " + Hex(*got) : "NULL") << ", want "
                             << (want ? "'" + *want + "' hex " + Hex(*want) : "NULL");
      }
    }
    EXPECT_EQ(MustQueryValue(*conn_, fmt::format("SELECT COUNT(*) FROM {} WHERE id = {}", table_,
                                                 tc.probe_base + i + 200)),
              "0")
        << "a deleted probe row is in the new table";
  }
}

INSTANTIATE_TEST_SUITE_P(Stock, AlterStockTest, ::testing::ValuesIn(Cases()),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace safeddl::cli
