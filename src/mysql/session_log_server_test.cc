// The session log against the real server: statements with timings, phases, and no password.
#include "mysql/session_log.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "common/strings.h"
#include "mysql/connection.h"
#include "mysql/quote.h"
#include "testkit/testkit.h"

namespace safeddl::mysql {
namespace {

std::vector<nlohmann::json> ReadLines(const std::string& path) {
  std::vector<nlohmann::json> out;
  for (const std::string& line : SplitString(ReadFileToString(path).value_or(""), '\n')) {
    if (!line.empty()) out.push_back(nlohmann::json::parse(line));
  }
  return out;
}

TEST(SessionLogServerTest, RecordsEveryStatementWithTimingAndNoPassword) {
  const std::string path = "/tmp/safeddl-session-log-" + std::to_string(::getpid()) + ".jsonl";
  const std::string secret = "Pw-" + std::to_string(::getpid()) + "-zz";
  const std::string user = "sl_user_" + std::to_string(::getpid());
  {
    auto log = SessionLog::Open(path);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    auto conn = Connection::Open(testkit::OptionsFor(testkit::Primary()), log->get());
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    (*log)->SetPhase("work");
    ASSERT_TRUE((*conn)->Execute("SELECT SLEEP(0.2)").ok());
    ASSERT_TRUE((*conn)
                    ->Execute("CREATE USER " + QuoteString(user) + "@'127.0.0.1' IDENTIFIED BY " +
                              QuoteString(secret))
                    .ok());
    ASSERT_TRUE((*conn)->Execute("DROP USER " + QuoteString(user) + "@'127.0.0.1'").ok());
    EXPECT_FALSE((*conn)->Execute("SELECT * FROM no_such_db.no_such_table").ok());

    // Connecting with a wrong password is logged without it too.
    ConnectOptions wrong = testkit::OptionsFor(testkit::Primary());
    wrong.password = secret;
    EXPECT_FALSE(Connection::Open(wrong, log->get()).ok());

    const std::vector<PhaseTiming> phases = (*log)->Phases();
    ASSERT_EQ(phases.size(), 2u);
    EXPECT_EQ(phases[1].phase, "work");
    EXPECT_EQ(phases[1].statements, 5);
    EXPECT_EQ(phases[1].errors, 2);
    EXPECT_GE(phases[1].statement_ms, 200);
    EXPECT_NE((*log)->Summary().find("work"), std::string::npos);
  }
  const std::string text = ReadFileToString(path).value_or("");
  EXPECT_EQ(text.find(secret), std::string::npos) << "password leaked into the session log";
  const std::vector<nlohmann::json> lines = ReadLines(path);
  ASSERT_GE(lines.size(), 6u);
  bool saw_sleep = false, saw_error = false, saw_redacted = false;
  for (const auto& j : lines) {
    ASSERT_TRUE(j.contains("ts") && j.contains("conn") && j.contains("ms") && j.contains("phase"));
    const std::string sql = j["sql"];
    if (sql == "SELECT SLEEP(0.2)") {
      saw_sleep = true;
      EXPECT_GE(j["ms"].get<double>(), 195.0);
      EXPECT_EQ(j["phase"], "work");
      EXPECT_GT(j["conn"].get<uint64_t>(), 0u);
    }
    if (sql.find("no_such_table") != std::string::npos) {
      saw_error = true;
      EXPECT_EQ(j["error"]["code"], "not_found");
      EXPECT_EQ(j["error"]["errno"], 1146);
    }
    if (sql.find("IDENTIFIED BY '***'") != std::string::npos) saw_redacted = true;
  }
  EXPECT_TRUE(saw_sleep);
  EXPECT_TRUE(saw_error);
  EXPECT_TRUE(saw_redacted);
  ::unlink(path.c_str());
}

}  // namespace
}  // namespace safeddl::mysql
