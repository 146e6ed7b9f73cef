// EventParser, BinlogFileReader and TransactionGrouper on hand-built events.
#include "binlog/event_parser.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "binlog/binlog_file_reader.h"
#include "binlog/test_util.h"
#include "binlog/transaction.h"

namespace safeddl::binlog {
namespace {

using testing::Bytes;
using testing::MakeEvent;
using testing::MakeFormatDescription;
using testing::PutLe;
using testing::PutPacked;
using testing::PutPackedString;

std::string GtidBody(uint64_t seq, uint32_t domain, uint8_t flags) {
  std::string b;
  PutLe(b, seq, 8);
  PutLe(b, domain, 4);
  b.push_back(static_cast<char>(flags));
  b += std::string(6, '\0');
  return b;
}

std::string QueryBody(std::string_view db, std::string_view query) {
  std::string b;
  PutLe(b, 5, 4);  // thread id
  PutLe(b, 0, 4);  // exec time
  b.push_back(static_cast<char>(db.size()));
  PutLe(b, 0, 2);                                                    // error code
  const std::string status = Bytes({0x00, 0x00, 0x00, 0x00, 0x00});  // flags2 var, skipped
  PutLe(b, status.size(), 2);
  b += status;
  b += db;
  b.push_back('\0');
  b += query;
  return b;
}

std::string TableMapBody() {
  std::string b;
  PutLe(b, 7, 6);
  PutLe(b, 1, 2);
  b += Bytes({1, 'd', 0, 1, 't', 0});
  PutPacked(b, 1);
  b += Bytes({3});
  PutPackedString(b, "");
  b += Bytes({0});
  return b;
}

std::string WriteRowsBody(uint32_t v) {
  std::string b;
  PutLe(b, 7, 6);
  PutLe(b, kRowsFlagStmtEnd, 2);
  PutPacked(b, 1);
  b += Bytes({1, 0});
  PutLe(b, v, 4);
  return b;
}

// A small binlog with CRC32: FDE, GTID, BEGIN, TABLE_MAP, WRITE_ROWS, XID, unknown, DDL group.
std::vector<std::string> SampleEvents(bool crc) {
  std::vector<std::string> evs;
  uint64_t pos = 4;
  auto add = [&](std::string ev) {
    pos += ev.size();
    evs.push_back(std::move(ev));
  };
  add(MakeFormatDescription(crc, pos));
  add(MakeEvent(EventType::kGtid, GtidBody(10, 0, kGtidFlagTransactional), pos, {.crc = crc}));
  add(MakeEvent(EventType::kQuery, QueryBody("d", "BEGIN"), pos, {.crc = crc}));
  add(MakeEvent(EventType::kAnnotateRows, "INSERT INTO t VALUES (5)", pos, {.crc = crc}));
  add(MakeEvent(EventType::kTableMap, TableMapBody(), pos, {.crc = crc}));
  add(MakeEvent(EventType::kWriteRowsV1, WriteRowsBody(5), pos, {.crc = crc}));
  std::string xid;
  PutLe(xid, 99, 8);
  add(MakeEvent(EventType::kXid, xid, pos, {.crc = crc}));
  add(MakeEvent(static_cast<EventType>(200), "whatever", pos, {.crc = crc}));
  add(MakeEvent(EventType::kGtid, GtidBody(11, 0, kGtidFlagStandalone | kGtidFlagDdl), pos,
                {.crc = crc}));
  add(MakeEvent(EventType::kQuery, QueryBody("d", "CREATE TABLE u (a INT)"), pos, {.crc = crc}));
  std::string rotate;
  PutLe(rotate, 4, 8);
  rotate += "bl.000002";
  add(MakeEvent(EventType::kRotate, rotate, pos, {.crc = crc}));
  return evs;
}

std::vector<Event> ParseAll(const std::vector<std::string>& evs) {
  EventParser p;
  std::vector<Event> out;
  uint64_t pos = 4;
  for (const std::string& e : evs) {
    Result<Event> ev = p.Parse(e, pos);
    EXPECT_TRUE(ev.ok()) << ev.status().ToString();
    if (ev.ok()) out.push_back(std::move(ev).value());
    pos += e.size();
  }
  return out;
}

TEST(EventParserTest, ParsesEveryKindWithAndWithoutCrc) {
  for (bool crc : {false, true}) {
    std::vector<Event> evs = ParseAll(SampleEvents(crc));
    ASSERT_EQ(evs.size(), 11u);
    const auto* fd = evs[0].As<FormatDescription>();
    ASSERT_NE(fd, nullptr);
    EXPECT_EQ(fd->checksum, crc ? ChecksumAlgorithm::kCrc32 : ChecksumAlgorithm::kOff);
    EXPECT_EQ(fd->server_version, "10.11.6-MariaDB-log");
    EXPECT_EQ(evs[1].As<GtidEvent>()->gtid.ToString(), "0-1-10");
    EXPECT_TRUE(evs[2].As<QueryEvent>()->IsBegin());
    EXPECT_EQ(evs[3].As<AnnotateRowsEvent>()->query, "INSERT INTO t VALUES (5)");
    EXPECT_EQ((*evs[4].As<std::shared_ptr<const TableMapEvent>>())->table, "t");
    const auto* rows = evs[5].As<RowsEvent>();
    ASSERT_NE(rows, nullptr);
    EXPECT_EQ(rows->rows[0].after.values[0].int_value(), 5);
    EXPECT_EQ(evs[6].As<XidEvent>()->xid, 99u);
    const auto* skipped = evs[7].As<SkippedEvent>();
    ASSERT_NE(skipped, nullptr);
    EXPECT_EQ(skipped->reason, "UNKNOWN_EVENT(200) not decoded");
    EXPECT_EQ(evs[9].As<QueryEvent>()->database, "d");
    EXPECT_EQ(evs[10].As<RotateEvent>()->next_file, "bl.000002");
  }
}

TEST(EventParserTest, FlippedByteWithCrcIsCorruptionNamingOffset) {
  std::vector<std::string> evs = SampleEvents(true);
  EventParser p;
  uint64_t pos = 4;
  ASSERT_TRUE(p.Parse(evs[0], pos).ok());
  pos += evs[0].size();
  std::string gtid = evs[1];
  gtid[20] ^= 0x01;
  Status s = p.Parse(gtid, pos).status();
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_NE(s.message().find("event at offset " + std::to_string(pos) + ": CRC32 mismatch"),
            std::string::npos)
      << s.message();
  // The parser state is unchanged: the intact event still parses.
  EXPECT_TRUE(p.Parse(evs[1], pos).ok());
}

TEST(EventParserTest, FlippedByteInFormatDescriptionIsCorruption) {
  std::string fd = MakeFormatDescription(true);
  fd[30] ^= 0x40;
  EventParser p;
  Status s = p.Parse(fd, 4).status();
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_NE(s.message().find("offset 4: CRC32 mismatch"), std::string::npos) << s.message();
}

// The file a server is writing has LOG_EVENT_BINLOG_IN_USE_F set in its FORMAT_DESCRIPTION, but
// the stored checksum is the one computed with the bit clear.
TEST(EventParserTest, FormatDescriptionInUseFlagIsOutsideItsChecksum) {
  std::string fd = MakeFormatDescription(true);
  fd[17] = static_cast<char>(fd[17] | kEventFlagBinlogInUse);
  EventParser parser;
  ASSERT_TRUE(parser.Parse(fd, 4).ok());
  fd[18] = static_cast<char>(fd[18] ^ 0x40);  // any other header bit still counts
  const auto bad = EventParser().Parse(fd, 4);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kCorruption);
}

// A dump from a server with binlog_checksum=CRC32 starts with an artificial ROTATE that carries a
// checksum although no FORMAT_DESCRIPTION has announced one yet.
TEST(EventParserTest, LeadingArtificialRotateWithChecksum) {
  for (bool crc : {false, true}) {
    std::string body;
    PutLe(body, 4, 8);
    body += "mariadb-bin.000001";
    const auto ev =
        EventParser().Parse(MakeEvent(EventType::kRotate, body, 0, {.flags = 0x20, .crc = crc}), 0);
    ASSERT_TRUE(ev.ok()) << ev.status().ToString();
    EXPECT_EQ(ev->As<RotateEvent>()->next_file, "mariadb-bin.000001") << crc;
  }
}

TEST(EventParserTest, TruncatedEventsAreCorruption) {
  std::vector<std::string> evs = SampleEvents(false);
  std::vector<std::string> prefix(evs.begin(), evs.begin() + 5);  // through TABLE_MAP
  const std::string& rows = evs[5];
  for (size_t len = 0; len < rows.size(); ++len) {
    EventParser p;
    uint64_t pos = 4;
    for (const std::string& e : prefix) {
      ASSERT_TRUE(p.Parse(e, pos).ok());
      pos += e.size();
    }
    // Cut the event and make its header agree, so the body parser sees the short buffer.
    std::string cut = rows.substr(0, len);
    if (len >= kEventHeaderLength) {
      std::string sz;
      PutLe(sz, len, 4);
      cut.replace(kEventSizeOffset, 4, sz);
    }
    Status s = p.Parse(cut, pos).status();
    // Cut right after the column bitmap: a well-formed rows event that carries no rows.
    if (len == kEventHeaderLength + 10) {
      EXPECT_TRUE(s.ok()) << s.ToString();
      continue;
    }
    EXPECT_EQ(s.code(), StatusCode::kCorruption) << len;
    EXPECT_NE(s.message().find("offset"), std::string::npos) << s.message();
  }
}

TEST(EventParserTest, SizeMismatchIsCorruption) {
  std::vector<std::string> evs = SampleEvents(false);
  EventParser p;
  Status s = p.Parse(evs[0] + "x", 4).status();
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_NE(s.message().find("offset 4"), std::string::npos);
}

TEST(EventParserTest, GtidListAndCheckpoint) {
  std::string list;
  PutLe(list, 2, 4);
  for (uint32_t d : {0u, 1u}) {
    PutLe(list, d, 4);
    PutLe(list, 7, 4);
    PutLe(list, 100 + d, 8);
  }
  EventParser p;
  Result<Event> ev = p.Parse(MakeEvent(EventType::kGtidList, list), 4);
  ASSERT_TRUE(ev.ok());
  EXPECT_EQ(ev->As<GtidListEvent>()->gtids[1].ToString(), "1-7-101");

  std::string too_many;
  PutLe(too_many, 1000000, 4);
  Status s = p.Parse(MakeEvent(EventType::kGtidList, too_many), 4).status();
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_NE(s.message().find("truncated at offset 27: need 16000000 bytes, 0 left"),
            std::string::npos)
      << s.message();

  std::string cp;
  PutLe(cp, 9, 4);
  cp += "bl.000001";
  ev = p.Parse(MakeEvent(EventType::kBinlogCheckpoint, cp), 4);
  ASSERT_TRUE(ev.ok());
  EXPECT_EQ(ev->As<BinlogCheckpointEvent>()->file, "bl.000001");
}

TEST(TransactionGrouperTest, GroupsGtidTransactionsAndDdl) {
  std::vector<Event> evs = ParseAll(SampleEvents(true));
  TransactionGrouper g;
  g.SetFile("bl.000001");
  std::vector<Transaction> txs;
  for (Event& e : evs) {
    if (auto tx = g.Add(std::move(e))) txs.push_back(std::move(*tx));
  }
  ASSERT_EQ(txs.size(), 2u);
  EXPECT_EQ(txs[0].gtid->ToString(), "0-1-10");
  EXPECT_EQ(txs[0].file, "bl.000001");
  EXPECT_EQ(txs[0].events.size(), 3u);  // annotate, table map, rows
  EXPECT_FALSE(txs[0].ddl);
  EXPECT_EQ(txs[0].timestamp, 1700000000u);
  EXPECT_EQ(txs[0].server_id, 1u);
  EXPECT_TRUE(txs[1].ddl);
  EXPECT_EQ(txs[1].gtid->seq_no, 11u);
  EXPECT_EQ(txs[1].events.size(), 1u);
  EXPECT_EQ(txs[1].end_offset, evs[10].offset);
  EXPECT_EQ(g.dropped_incomplete(), 0u);
}

TEST(BinlogFileReaderTest, StreamsEventsAndReportsTruncation) {
  std::vector<std::string> evs = SampleEvents(true);
  std::string file(kBinlogMagic);
  for (const std::string& e : evs) file += e;
  char path[] = "/tmp/safeddl_binlog_testXXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  {
    std::ofstream out(path, std::ios::binary);
    out << file.substr(0, file.size() - 3);  // last event cut short
  }
  Result<std::unique_ptr<BinlogFileReader>> reader = BinlogFileReader::Open(path);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EventParser p;
  size_t n = 0;
  Status end;
  while (true) {
    Result<std::optional<RawEvent>> raw = (*reader)->Next();
    if (!raw.ok()) {
      end = raw.status();
      break;
    }
    if (!raw->has_value()) break;
    ASSERT_TRUE(p.Parse((*raw)->bytes, (*raw)->offset).ok());
    ++n;
  }
  EXPECT_EQ(n, evs.size() - 1);
  EXPECT_EQ(end.code(), StatusCode::kCorruption);
  EXPECT_NE(end.message().find("truncated event at offset " +
                               std::to_string(file.size() - evs.back().size())),
            std::string::npos)
      << end.message();
  std::remove(path);

  Result<std::unique_ptr<BinlogFileReader>> missing = BinlogFileReader::Open("/nonexistent/x");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace safeddl::binlog
