// The collector on hand-built event streams: undo order (rows, events and transactions newest
// first), filters, DDL on a selected table, partial row images, a range ending mid-transaction.
#include "flashback/collector.h"

#include <gtest/gtest.h>

#include "flashback/spool_record.h"
#include "flashback/test_tables.h"

namespace safeddl::flashback {
namespace {

using testing::Image;
using testing::Table;

class Stream {
 public:
  binlog::Event Make(binlog::EventBody body, uint32_t server_id = 1) {
    binlog::Event e;
    e.offset = offset_;
    e.header.event_size = 10;
    e.header.timestamp = 1700000000;
    e.header.server_id = server_id;
    offset_ += 10;
    e.body = std::move(body);
    return e;
  }
  binlog::Event Gtid(uint64_t seq, uint8_t flags = 0) {
    binlog::GtidEvent g;
    g.gtid = {0, 1, seq};
    g.flags = flags;
    return Make(g);
  }
  binlog::Event Query(std::string q, uint32_t thread = 5) {
    binlog::QueryEvent e;
    e.query = std::move(q);
    e.database = "d";
    e.thread_id = thread;
    return Make(e);
  }
  binlog::Event Xid() { return Make(binlog::XidEvent{1}); }
  binlog::Event Rows(binlog::RowsKind kind, std::vector<binlog::RowChange> rows,
                     std::shared_ptr<const binlog::TableMapEvent> table = Table()) {
    binlog::RowsEvent r;
    r.kind = kind;
    r.table = table;
    r.table_id = table->table_id;
    r.column_count = table->columns.size();
    r.before_columns.assign(r.column_count, true);
    r.after_columns.assign(r.column_count, true);
    r.rows = std::move(rows);
    return Make(r);
  }

 private:
  uint64_t offset_ = 4;
};

binlog::RowChange Ins(int64_t id) { return {{}, Image(id, "v")}; }
binlog::RowChange Del(int64_t id) { return {Image(id, "v"), {}}; }

// Each record as "open"/"close" or its statement.
std::vector<std::string> Read(ReverseSpool& spool, SpoolOrder order) {
  std::vector<std::string> out;
  SpoolRecord r;
  EXPECT_TRUE(spool
                  .ForEach(order,
                           [&](std::string_view bytes) -> Status {
                             SAFEDDL_RETURN_IF_ERROR(DecodeRecord(bytes, r));
                             out.push_back(r.type == RecordType::kOpen    ? "open"
                                           : r.type == RecordType::kClose ? "close"
                                                                          : std::string(r.text));
                             return Status::OK();
                           })
                  .ok());
  return out;
}

std::string DeleteSql(int id) {
  return "DELETE FROM `d`.`t` WHERE `id`=" + std::to_string(id) + " LIMIT 1;";
}

TEST(CollectorTest, UndoIsNewestFirstAtEveryLevel) {
  ReverseSpool spool(1 << 20);
  Collector c({}, spool, {});
  Stream s;
  const std::string file = "bin.000001";
  for (const binlog::Event& e :
       {s.Gtid(1), s.Query("BEGIN"), s.Rows(binlog::RowsKind::kInsert, {Ins(1), Ins(2)}),
        s.Rows(binlog::RowsKind::kInsert, {Ins(3)}), s.Xid(), s.Gtid(2), s.Query("BEGIN"),
        s.Rows(binlog::RowsKind::kInsert, {Ins(4), Ins(5)}), s.Xid()}) {
    ASSERT_TRUE(c.Add(e, file).ok());
  }
  ASSERT_TRUE(c.Finish().ok());
  EXPECT_EQ(c.stats().transactions, 2u);
  EXPECT_EQ(c.stats().rows, 5u);
  const std::vector<std::string> expected = {"close",      DeleteSql(5), DeleteSql(4),
                                             "open",       "close",      DeleteSql(3),
                                             DeleteSql(2), DeleteSql(1), "open"};
  EXPECT_EQ(Read(spool, SpoolOrder::kNewestFirst), expected);
}

TEST(CollectorTest, FiltersTablesKindsThreadsAndGtids) {
  ReverseSpool spool(1 << 20);
  CollectorOptions options;
  options.filter.tables = {"t"};
  options.filter.sql_types = {OpKind::kDelete};
  options.filter.thread_id = 5;
  options.filter.start_after = binlog::Gtid{0, 1, 1};
  options.filter.stop_after = binlog::Gtid{0, 1, 3};
  Collector c(options, spool, {});
  Stream s;
  auto other = std::make_shared<binlog::TableMapEvent>(*Table(true, 8));
  other->table = "other";
  std::vector<binlog::Event> events = {s.Gtid(1),
                                       s.Query("BEGIN"),
                                       s.Rows(binlog::RowsKind::kDelete, {Del(1)}),
                                       s.Xid(),
                                       s.Gtid(2),
                                       s.Query("BEGIN"),
                                       s.Rows(binlog::RowsKind::kDelete, {Del(2)}, other),
                                       s.Rows(binlog::RowsKind::kInsert, {Ins(3)}),
                                       s.Rows(binlog::RowsKind::kDelete, {Del(4)}),
                                       s.Xid(),
                                       s.Gtid(3),
                                       s.Query("BEGIN", 6),
                                       s.Rows(binlog::RowsKind::kDelete, {Del(5)}),
                                       s.Xid(),
                                       s.Gtid(4),
                                       s.Query("BEGIN"),
                                       s.Rows(binlog::RowsKind::kDelete, {Del(6)}),
                                       s.Xid()};
  for (const binlog::Event& e : events) ASSERT_TRUE(c.Add(e, "f").ok());
  ASSERT_TRUE(c.Finish().ok());
  const std::vector<std::string> expected = {
      "open", "INSERT INTO `d`.`t` (`id`, `v`, `f`, `b`) VALUES (4, 'v', 1.5, X'01ff');", "close"};
  EXPECT_EQ(Read(spool, SpoolOrder::kOldestFirst), expected);
  EXPECT_TRUE(c.done());
}

TEST(CollectorTest, DdlOnATableWithChangesIsReported) {
  ReverseSpool spool(1 << 20);
  Collector c({}, spool, {});
  Stream s;
  for (const binlog::Event& e :
       {s.Gtid(1), s.Query("BEGIN"), s.Rows(binlog::RowsKind::kInsert, {Ins(1)}), s.Xid(),
        s.Gtid(2, binlog::kGtidFlagStandalone), s.Query("ALTER TABLE t ADD c INT"),
        s.Gtid(3, binlog::kGtidFlagStandalone), s.Query("CREATE TABLE u (id INT)")}) {
    ASSERT_TRUE(c.Add(e, "f").ok());
  }
  const std::vector<DdlStatement> ddl = c.ConflictingDdl();
  ASSERT_EQ(ddl.size(), 1u);
  EXPECT_EQ(ddl[0].statement, "ALTER TABLE t ADD c INT");
  EXPECT_EQ(ddl[0].gtid, "0-1-2");
  EXPECT_EQ(ddl[0].position, "f:54");
}

TEST(CollectorTest, PartialRowImageIsRefused) {
  ReverseSpool spool(1 << 20);
  Collector c({}, spool, {});
  Stream s;
  ASSERT_TRUE(c.Add(s.Gtid(1), "f").ok());
  binlog::Event rows = s.Rows(binlog::RowsKind::kDelete, {Del(1)});
  std::get<binlog::RowsEvent>(rows.body).before_columns[1] = false;
  const Status st = c.Add(rows, "f");
  EXPECT_EQ(st.code(), StatusCode::kUnsupported);
  EXPECT_NE(st.message().find("not FULL"), std::string::npos);
}

TEST(CollectorTest, RangeEndingInsideATransactionIsRefused) {
  ReverseSpool spool(1 << 20);
  Collector c({}, spool, {});
  Stream s;
  ASSERT_TRUE(c.Add(s.Gtid(1), "f").ok());
  ASSERT_TRUE(c.Add(s.Rows(binlog::RowsKind::kInsert, {Ins(1)}), "f").ok());
  EXPECT_EQ(c.Finish().code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace safeddl::flashback
