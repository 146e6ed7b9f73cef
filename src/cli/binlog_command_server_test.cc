// `safeddl binlog` against the sandbox: the same range read from the server and from the file
// prints the same lines; GTID start; the default end (the binlog end at the start) terminates;
// schema names when the binlog has no column metadata; a killed dump thread is reconnected
// without losing or repeating a line; and a corrupt row image fails with the error the decoder
// gives it, although JSON lines are rendered without decoding rows first.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "binlog/binlog_file_reader.h"
#include "binlog/event_parser.h"
#include "cli/binlog_command.h"
#include "mysql/quote.h"
#include "testkit/testkit.h"

namespace safeddl::cli {
namespace {

using testkit::MustExecute;
using testkit::MustQueryValue;

constexpr std::chrono::seconds kWaitForLines{20};

struct Position {
  std::string file;
  std::string offset;
  std::string ToString() const { return file + ":" + offset; }
};

Position MasterStatus(mysql::Connection& conn) {
  auto rs = conn.Query("SHOW MASTER STATUS");
  EXPECT_TRUE(rs.ok() && !rs->empty());
  if (!rs.ok() || rs->empty()) return {};
  return {(*rs)[0].GetString("File"), (*rs)[0].GetString("Position")};
}

std::string BinlogPath(const Position& p) { return testkit::Primary().dir + "/data/" + p.file; }

size_t CountLines(const std::string& s) {
  return static_cast<size_t>(std::count(s.begin(), s.end(), '\n'));
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteChanges(mysql::Connection& c, const std::string& db) {
  MustExecute(
      c, "CREATE TABLE `" + db + "`.t (id INT UNSIGNED PRIMARY KEY, v VARCHAR(20), d DATETIME(3))");
  MustExecute(
      c, "INSERT INTO `" + db + "`.t VALUES (1, 'a', '2024-01-01 00:00:00.123'), (2, 'b', NULL)");
  MustExecute(c, "UPDATE `" + db + "`.t SET v = 'c' WHERE id = 1");
  MustExecute(c, "DELETE FROM `" + db + "`.t WHERE id = 2");
}

TEST(BinlogCommandServerTest, ServerAndFilePrintTheSameLines) {
  auto conn = testkit::ConnectPrimary();
  ASSERT_NE(conn, nullptr);
  const std::string db = testkit::UniqueDatabase(*conn, "binlog_cmd");
  const std::string gtid = MustQueryValue(*conn, "SELECT @@gtid_binlog_pos");
  const Position start = MasterStatus(*conn);
  WriteChanges(*conn, db);
  const Position end = MasterStatus(*conn);
  const std::string cnf = "--defaults-file=" + testkit::Primary().client_config;

  const auto server =
      testkit::RunSafeddl({"binlog", "--from-server", cnf, "--start-position", start.ToString(),
                           "--stop-position", end.ToString(), "--databases", db});
  ASSERT_EQ(server.exit_code, 0) << server.err;
  EXPECT_EQ(CountLines(server.out), 4u) << server.out;
  EXPECT_NE(
      server.out.find("\"type\":\"update\",\"before\":{\"id\":1,\"v\":\"a\",\"d\":\"2024-01-01 "
                      "00:00:00.123\"},\"after\":{\"id\":1,\"v\":\"c\""),
      std::string::npos)
      << server.out;

  // On a stock server (binlog_row_metadata=NO_LOG) the file alone does not say the names,
  // signedness or charsets: the file is read with a connection for the table's definition.
  std::vector<std::string> file_args = {
      "binlog",          BinlogPath(start), "--start-position", start.offset,
      "--stop-position", end.offset,        "--databases",      db};
  if (testkit::StockServer()) file_args.push_back(cnf);
  const auto file = testkit::RunSafeddl(file_args);
  ASSERT_EQ(file.exit_code, 0) << file.err;
  EXPECT_EQ(file.out, server.out);

  // Without a stop flag the server run ends at the binlog end it saw at the start.
  const auto to_end = testkit::RunSafeddl(
      {"binlog", "--from-server", cnf, "--start-position", start.ToString(), "--databases", db});
  ASSERT_EQ(to_end.exit_code, 0) << to_end.err;
  EXPECT_EQ(to_end.out, server.out);

  // From a GTID position: the groups after it.
  const auto by_gtid = testkit::RunSafeddl(
      {"binlog", "--from-server", cnf, "--start-gtid", gtid, "--databases", db});
  ASSERT_EQ(by_gtid.exit_code, 0) << by_gtid.err;
  EXPECT_EQ(by_gtid.out, server.out);

  // SQL statements for the same changes.
  const auto sql = testkit::RunSafeddl({"binlog", "--from-server", cnf, "--start-position",
                                        start.ToString(), "--databases", db, "--sql"});
  ASSERT_EQ(sql.exit_code, 0) << sql.err;
  // The sandbox's default charset is latin1: text goes out as charset-tagged hex.
  EXPECT_NE(sql.out.find("UPDATE `" + db +
                         "`.`t` SET `id`=1, `v`=_latin1 X'63', "
                         "`d`='2024-01-01 00:00:00.123' WHERE `id`=1 LIMIT 1;"),
            std::string::npos)
      << sql.out;
  MustExecute(*conn, "DROP DATABASE `" + db + "`");
}

TEST(BinlogCommandServerTest, SchemaNamesWithoutColumnMetadata) {
  auto conn = testkit::ConnectPrimary();
  ASSERT_NE(conn, nullptr);
  const std::string metadata = MustQueryValue(*conn, "SELECT @@global.binlog_row_metadata");
  MustExecute(*conn, "SET GLOBAL binlog_row_metadata = NO_LOG");
  const std::string db = testkit::UniqueDatabase(*conn, "binlog_names");
  auto c2 = testkit::ConnectPrimary();  // a session that logs without metadata
  ASSERT_NE(c2, nullptr);
  const Position start = MasterStatus(*c2);
  WriteChanges(*c2, db);
  const Position end = MasterStatus(*c2);
  MustExecute(*conn, "SET GLOBAL binlog_row_metadata = " + metadata);
  const std::string cnf = "--defaults-file=" + testkit::Primary().client_config;

  const auto named =
      testkit::RunSafeddl({"binlog", "--from-server", cnf, "--start-position", start.ToString(),
                           "--stop-position", end.ToString(), "--databases", db});
  ASSERT_EQ(named.exit_code, 0) << named.err;
  EXPECT_NE(named.out.find("\"after\":{\"id\":2,\"v\":\"b\",\"d\":null},\"names\":\"schema\"}"),
            std::string::npos)
      << named.out;
  // Without a server, the file's rows are named by position.
  const auto positional = testkit::RunSafeddl({"binlog", BinlogPath(start), "--start-position",
                                               start.offset, "--stop-position", end.offset});
  ASSERT_EQ(positional.exit_code, 0) << positional.err;
  EXPECT_NE(
      positional.out.find("\"after\":{\"@1\":2,\"@2\":\"b\",\"@3\":null},\"names\":\"position\"}"),
      std::string::npos)
      << positional.out;
  // ... and the user is told which values may not be exact, and what would make them so.
  EXPECT_NE(positional.err.find("`" + db +
                                "`.`t`: some values may not be exact (column 1: signedness; "
                                "column 2: charset): the binlog does not carry that "
                                "(binlog_row_metadata=NO_LOG)"),
            std::string::npos)
      << positional.err;
  EXPECT_NE(positional.err.find("pass connection flags"), std::string::npos) << positional.err;
  // A definition that changed since is not used to guess: without metadata in the binlog, the
  // rows cannot be read exactly, and the refusal says where and why.
  MustExecute(*conn, "ALTER TABLE `" + db + "`.t ADD COLUMN extra INT");
  const auto mismatch =
      testkit::RunSafeddl({"binlog", "--from-server", cnf, "--start-position", start.ToString(),
                           "--stop-position", end.ToString(), "--databases", db});
  EXPECT_EQ(mismatch.exit_code, 1) << mismatch.err;
  EXPECT_NE(mismatch.err.find("TABLE_MAP_EVENT at offset "), std::string::npos) << mismatch.err;
  EXPECT_NE(mismatch.err.find("`" + db +
                              "`.`t`: its row images here were written with another "
                              "definition than the table's current one (a DDL since: the binlog "
                              "has 3 columns, the definition 4)"),
            std::string::npos)
      << mismatch.err;
  EXPECT_NE(mismatch.err.find("column 1: signedness"), std::string::npos) << mismatch.err;
  // The same binlog read with another table filter is not refused: only the tables printed are
  // completed from their definitions.
  const auto other =
      testkit::RunSafeddl({"binlog", "--from-server", cnf, "--start-position", start.ToString(),
                           "--stop-position", end.ToString(), "--databases", db + "_other"});
  EXPECT_EQ(other.exit_code, 0) << other.err;
  MustExecute(*conn, "DROP DATABASE `" + db + "`");
}

// MariaDB's old TIME(n)/DATETIME(n)/TIMESTAMP(n) (mysql56_temporal_format=OFF) are logged
// without their digits: with a server connection they come from the schema, for the stream and
// for files (whose parser runs on the reader thread); without one the rows are reported corrupt.
TEST(BinlogCommandServerTest, OldTemporalDigitsFromTheSchema) {
  auto conn = testkit::ConnectPrimary();
  ASSERT_NE(conn, nullptr);
  const std::string db = testkit::UniqueDatabase(*conn, "binlog_old_temporal");
  const std::string format = MustQueryValue(*conn, "SELECT @@global.mysql56_temporal_format");
  MustExecute(*conn, "SET GLOBAL mysql56_temporal_format = OFF");
  const Status created = conn->Execute("CREATE TABLE `" + db +
                                       "`.t (id INT PRIMARY KEY, t TIME(3), d DATETIME(6), "
                                       "s TIMESTAMP(2) NULL, w DATETIME)");
  MustExecute(*conn, "SET GLOBAL mysql56_temporal_format = " + format);
  ASSERT_TRUE(created.ok()) << created.ToString();
  MustExecute(*conn, "SET SESSION time_zone = '+00:00'");
  const Position start = MasterStatus(*conn);
  MustExecute(*conn, "INSERT INTO `" + db +
                         "`.t VALUES (1, '-838:59:59.999', '2024-02-29 12:34:56.123456', "
                         "'2024-02-29 12:34:56.5', '9999-12-31 23:59:59')");
  const Position end = MasterStatus(*conn);
  const std::string cnf = "--defaults-file=" + testkit::Primary().client_config;
  const std::string row =
      "\"after\":{\"id\":1,\"t\":\"-838:59:59.999\",\"d\":\"2024-02-29 12:34:56.123456\","
      "\"s\":\"2024-02-29T12:34:56.50Z\",\"w\":\"9999-12-31 23:59:59\"}";

  const auto server =
      testkit::RunSafeddl({"binlog", "--from-server", cnf, "--start-position", start.ToString(),
                           "--stop-position", end.ToString(), "--databases", db});
  ASSERT_EQ(server.exit_code, 0) << server.err;
  EXPECT_NE(server.out.find(row), std::string::npos) << server.out;
  const auto file =
      testkit::RunSafeddl({"binlog", cnf, BinlogPath(start), "--start-position", start.offset,
                           "--stop-position", end.offset, "--databases", db});
  ASSERT_EQ(file.exit_code, 0) << file.err;
  EXPECT_EQ(file.out, server.out);
  const auto sql =
      testkit::RunSafeddl({"binlog", cnf, BinlogPath(start), "--start-position", start.offset,
                           "--stop-position", end.offset, "--databases", db, "--sql"});
  ASSERT_EQ(sql.exit_code, 0) << sql.err;
  EXPECT_NE(sql.out.find("VALUES (1, '-838:59:59.999', '2024-02-29 12:34:56.123456', "
                         "FROM_UNIXTIME(1709210096.50), '9999-12-31 23:59:59');"),
            std::string::npos)
      << sql.out;

  const auto alone = testkit::RunSafeddl({"binlog", BinlogPath(start), "--start-position",
                                          start.offset, "--stop-position", end.offset});
  EXPECT_NE(alone.exit_code, 0);
  EXPECT_NE(alone.err.find("fractional digits"), std::string::npos) << alone.err;
  MustExecute(*conn, "DROP DATABASE `" + db + "`");
}

// Waits until `path` holds at least `lines` lines; returns its content.
std::string WaitForLines(const std::string& path, size_t lines) {
  const auto deadline = std::chrono::steady_clock::now() + kWaitForLines;
  std::string content;
  while (std::chrono::steady_clock::now() < deadline) {
    content = ReadAll(path);
    if (CountLines(content) >= lines) return content;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ADD_FAILURE() << "timed out waiting for " << lines << " lines in " << path << ":\n" << content;
  return content;
}

TEST(BinlogCommandServerTest, KilledDumpThreadReconnectsWithoutLossOrRepeat) {
  auto conn = testkit::ConnectPrimary();
  ASSERT_NE(conn, nullptr);
  const std::string db = testkit::UniqueDatabase(*conn, "binlog_kill");
  const Position start = MasterStatus(*conn);
  const std::string out_path = ::testing::TempDir() + "/binlog_kill_" + db + ".jsonl";
  std::FILE* out = std::fopen(out_path.c_str(), "w");
  ASSERT_NE(out, nullptr);

  BinlogOptions options;
  options.connection.defaults_file = testkit::Primary().client_config;
  options.from_server = true;
  options.start_position = start.ToString();
  options.stop_never = true;
  options.databases = {db};
  options.out = out;
  std::atomic<bool> stop{false};
  options.stop = &stop;
  Status run_status;
  std::thread runner([&] { run_status = RunBinlog(options); });

  MustExecute(*conn, "CREATE TABLE `" + db + "`.t (id INT PRIMARY KEY, v INT)");
  MustExecute(*conn, "INSERT INTO `" + db + "`.t VALUES (1, 1), (2, 2), (3, 3)");
  WaitForLines(out_path, 3);

  // Without performance_schema (stock server) connect attributes are not visible: safeddl's
  // dump thread is the one of the sandbox user (the replica's is `repl`'s).
  const std::string dump =
      testkit::StockServer()
          ? MustQueryValue(*conn,
                           "SELECT ID FROM information_schema.PROCESSLIST WHERE COMMAND LIKE "
                           "'Binlog Dump%' AND USER = " +
                               mysql::QuoteString(testkit::Sandbox().user) +
                               " ORDER BY ID DESC LIMIT 1")
          : MustQueryValue(
                *conn,
                "SELECT p.ID FROM information_schema.PROCESSLIST p JOIN "
                "performance_schema.session_connect_attrs a ON a.PROCESSLIST_ID = p.ID "
                "WHERE p.COMMAND LIKE 'Binlog Dump%' AND a.ATTR_NAME = 'program_name' AND "
                "a.ATTR_VALUE = 'safeddl' ORDER BY p.ID DESC LIMIT 1");
  ASSERT_FALSE(dump.empty()) << "no dump thread of safeddl in the processlist";
  MustExecute(*conn, "KILL " + dump);
  MustExecute(*conn, "INSERT INTO `" + db + "`.t VALUES (4, 4), (5, 5)");
  MustExecute(*conn, "UPDATE `" + db + "`.t SET v = 10 WHERE id = 1");
  WaitForLines(out_path, 6);
  // Give a repeated group time to show up before stopping.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  const Position end = MasterStatus(*conn);
  stop = true;
  MustExecute(*conn, "FLUSH LOGS");  // an event wakes the stream so it sees the stop flag
  runner.join();
  std::fclose(out);
  EXPECT_TRUE(run_status.ok()) << run_status.ToString();
  const std::string streamed = ReadAll(out_path);
  EXPECT_EQ(CountLines(streamed), 6u) << streamed;

  // Exactly what the file holds for the same range.
  std::vector<std::string> file_args = {"binlog",     BinlogPath(start), "--start-position",
                                        start.offset, "--databases",     db};
  if (testkit::StockServer()) {  // names and signedness from the definition, as streamed
    file_args.push_back("--defaults-file=" + testkit::Primary().client_config);
  }
  const auto file = testkit::RunSafeddl(file_args);
  ASSERT_EQ(file.exit_code, 0) << file.err;
  EXPECT_EQ(streamed, file.out);
  std::remove(out_path.c_str());
  MustExecute(*conn, "DROP DATABASE `" + db + "`");
}

// The first error a parser that decodes rows at once meets in `path`, as `safeddl binlog` used to
// report it (before row images were rendered without decoding).
Status DecodingParserError(const std::string& path, const std::string& name) {
  auto reader = binlog::BinlogFileReader::Open(path);
  if (!reader.ok()) return reader.status();
  binlog::EventParser parser({.verify_checksums = false});
  while (true) {
    Result<std::optional<binlog::RawEvent>> raw = (*reader)->Next();
    if (!raw.ok()) return raw.status();
    if (!*raw) return Status::OK();
    Result<binlog::Event> event = parser.Parse((*raw)->bytes, (*raw)->offset);
    if (!event.ok()) return event.status().WithContext(name);
  }
}

TEST(BinlogCommandServerTest, CorruptRowImageFailsAsTheDecoderSays) {
  auto conn = testkit::ConnectPrimary();
  ASSERT_NE(conn, nullptr);
  const std::string db = testkit::UniqueDatabase(*conn, "binlog_corrupt");
  const Position start = MasterStatus(*conn);
  WriteChanges(*conn, db);
  MustExecute(*conn, "FLUSH BINARY LOGS");  // the file is complete
  std::string bytes = ReadAll(BinlogPath(start));
  MustExecute(*conn, "DROP DATABASE `" + db + "`");

  // Find the first insert into db.t and give its first `v` a length past the event's end. The
  // row image is: NULL bitmap (1 byte), id (4 bytes), v's length (1 byte), ...
  const std::string name = "corrupt-" + db + ".000001";
  const std::string path = ::testing::TempDir() + "/" + name;
  {
    std::ofstream out(path, std::ios::binary);
    out << bytes;
  }
  uint64_t length_at = 0;
  {
    auto reader = binlog::BinlogFileReader::Open(path);
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    binlog::EventParser parser({.rows = binlog::RowsDecoding::kDeferred});
    while (length_at == 0) {
      Result<std::optional<binlog::RawEvent>> raw = (*reader)->Next();
      ASSERT_TRUE(raw.ok() && *raw) << "no insert into " << db;
      Result<binlog::Event> event = parser.Parse((*raw)->bytes, (*raw)->offset);
      ASSERT_TRUE(event.ok()) << event.status().ToString();
      const auto* rows = event->As<binlog::RowsEvent>();
      if (rows != nullptr && rows->table->database == db && rows->encoded) {
        length_at = rows->encoded->offset + 1 + 4;
      }
    }
  }
  bytes[length_at] = static_cast<char>(0xff);
  {
    std::ofstream out(path, std::ios::binary);
    out << bytes;
  }
  const Status expected = DecodingParserError(path, name);
  ASSERT_EQ(expected.code(), StatusCode::kCorruption) << expected.ToString();
  // The column's name where the binlog logs it; its type where it does not (stock server).
  EXPECT_NE(expected.message().find(testkit::StockServer() ? "column 1 (VARCHAR)" : "column 1 (v)"),
            std::string::npos)
      << expected.ToString();

  const std::string out_path = path + ".jsonl";
  std::FILE* out = std::fopen(out_path.c_str(), "w");
  ASSERT_NE(out, nullptr);
  BinlogOptions options;
  options.files = {path};
  options.start_position = start.offset;
  options.databases = {db};
  options.verify_checksums = false;  // the changed byte is what is under test, not the CRC
  options.out = out;
  const Status s = RunBinlog(options);
  std::fclose(out);
  EXPECT_EQ(s.ToString(), expected.ToString());
  EXPECT_EQ(ReadAll(out_path), "");  // nothing of the bad event, nor after it
  std::remove(out_path.c_str());
  std::remove(path.c_str());
}

}  // namespace
}  // namespace safeddl::cli
