// Test fixture for `safeddl alter` end to end against the real sandbox: a table of every column
// type, writers that change it and a shadow copy together in one transaction, and the oracle —
// after the migration, the server's own ALTER of the shadow must equal the migrated table row
// for row. Included by the alter server tests only.
#pragma once

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "common/strings.h"
#include "mysql/connection.h"
#include "mysql/quote.h"
#include "schema/introspect.h"
#include "testkit/testkit.h"

namespace safeddl::cli::alter_test {

using testkit::MustExecute;
using testkit::MustQueryValue;

inline constexpr int kInitialRows = 20000;

// Every MariaDB column family, with values at their edges.
inline constexpr char kTypesTable[] = R"(
  id BIGINT NOT NULL PRIMARY KEY,
  ti TINYINT, tu TINYINT UNSIGNED, si SMALLINT, mi MEDIUMINT UNSIGNED, i INT NOT NULL DEFAULT 0,
  bu BIGINT UNSIGNED, de DECIMAL(65,30), f FLOAT, db DOUBLE,
  vl VARCHAR(40) CHARACTER SET latin1, vu VARCHAR(40) CHARACTER SET utf8mb4, ch CHAR(3),
  tx TEXT CHARACTER SET utf8mb4, bl BLOB, bn BINARY(4), vb VARBINARY(20),
  dt DATE, dtm DATETIME(6), ts TIMESTAMP(6) NULL DEFAULT NULL, tm TIME(3), yr YEAR,
  en ENUM('a','b','c'), st SET('x','y','z'), bt BIT(10), js JSON,
  `select` INT, `we``ird col` VARCHAR(10),
  KEY k_i (i))";

// Waits until the run serving control socket `sock` postpones its cut-over; false when it
// finished (`finished`) or the wait timed out first.
inline bool WaitUntilPostponed(const std::string& sock, const std::atomic<bool>& finished) {
  return testkit::WaitFor([&] {
           return finished.load() ||
                  testkit::ControlSocketCommand(sock, "status").find("postponing the cut-over") !=
                      std::string::npos;
         }) &&
         !finished.load();
}

// The checksum of a run (its --json report) compared something: the rows changed during the run
// by key, or both tables whole.
inline void ExpectTheChecksumCompared(const nlohmann::json& report) {
  const nlohmann::json& c = report["checksum"];
  if (c["scope"] == "changed") {
    EXPECT_GT(c["keys"].get<int64_t>(), 0) << report.dump();
  } else {
    EXPECT_EQ(c["scope"], "full") << report.dump();
    EXPECT_GT(c["rows"].get<int64_t>(), 0) << report.dump();
  }
}

inline std::string RandomRowValues(std::mt19937_64& rng, int64_t id) {
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
          // A steady load like an application's (sysbench --rate), not a flood: ~200 tx/s per
          // writer at most, so a sanitizer build's binlog reader can keep up too.
          std::this_thread::sleep_for(std::chrono::milliseconds(5));
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

  // Alters the shadow with the server's own ALTER and compares it with t: the definition (indexes
  // built after the copy included), and row for row.
  void ExpectEqualsReference(const std::string& alter) {
    MustExecute(*conn_, fmt::format("ALTER TABLE {} {}", T("shadow"), alter));
    auto definition = [&](const char* table) {
      auto text = schema::TableDefinition(*conn_, T(table));
      EXPECT_TRUE(text.ok()) << text.status().ToString();
      std::string d = text.ok() ? *text : "";
      const std::string name = fmt::format("CREATE TABLE `{}`", table);
      if (d.rfind(name, 0) == 0) d.replace(0, name.size(), "CREATE TABLE `x`");
      return d;
    };
    EXPECT_EQ(definition("t"), definition("shadow"));
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
        "alter", "--force-copy",      "--defaults-file=" + testkit::Primary().client_config,
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

}  // namespace safeddl::cli::alter_test
