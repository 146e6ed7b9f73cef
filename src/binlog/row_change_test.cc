// JSON-line and SQL rendering of row changes, and the stream cursor and position parsing that
// place them.
#include <gtest/gtest.h>

#include "binlog/binlog_position.h"
#include "binlog/row_change_json.h"
#include "binlog/row_change_sql.h"
#include "binlog/stream_cursor.h"

namespace safeddl::binlog {
namespace {

constexpr uint32_t kUtf8mb4 = 45;

// `d`.`t` (id TINYINT, v VARCHAR utf8mb4), names from metadata, PK id.
std::shared_ptr<const TableMapEvent> Table(bool names = true) {
  auto t = std::make_shared<TableMapEvent>();
  t->table_id = 7;
  t->database = "d";
  t->table = "t";
  ColumnDef id;
  id.type = id.real_type = ColumnType::kTiny;
  ColumnDef v;
  v.type = v.real_type = ColumnType::kVarchar;
  if (names) {
    id.name = "id";
    v.name = "v";
    t->has_column_names = true;
    t->has_primary_key = true;
    t->primary_key = {{0, 0}};
  }
  t->columns = {id, v};
  return t;
}

RowImage Image(int64_t id, std::optional<std::string> v) {
  RowImage r;
  r.values.push_back(Value::Int(ColumnType::kTiny, id));
  r.values.push_back(v ? Value::String(ColumnType::kVarchar, *v, kUtf8mb4)
                       : Value::Null(ColumnType::kVarchar));
  return r;
}

RowsEvent Rows(RowsKind kind, std::shared_ptr<const TableMapEvent> table) {
  RowsEvent e;
  e.kind = kind;
  e.table = std::move(table);
  e.column_count = 2;
  return e;
}

const Gtid kGtid{0, 1, 42};
const ChangeContext kContext{&kGtid, "mariadb-bin.000001", 1234, 1714557600};

std::string Json(const RowsEvent& e, const RowChange& c, const ColumnNaming& n,
                 ChangeContext ctx = kContext) {
  std::string out;
  AppendJsonRowChange(out, ctx, e, c, n);
  return out;
}

TEST(RowChangeJsonTest, InsertUpdateDelete) {
  const auto table = Table();
  const ColumnNaming n = ResolveColumnNaming(*table, nullptr);
  EXPECT_EQ(Json(Rows(RowsKind::kInsert, table), {{}, Image(1, "a\"b")}, n),
            "{\"gtid\":\"0-1-42\",\"file\":\"mariadb-bin.000001\",\"pos\":1234,"
            "\"ts\":\"2024-05-01T10:00:00Z\",\"db\":\"d\",\"table\":\"t\",\"type\":\"insert\","
            "\"after\":{\"id\":1,\"v\":\"a\\\"b\"}}\n");
  EXPECT_EQ(Json(Rows(RowsKind::kUpdate, table), {Image(1, "x"), Image(-2, std::nullopt)}, n,
                 {nullptr, "f", 4, 0}),
            "{\"gtid\":null,\"file\":\"f\",\"pos\":4,\"ts\":\"1970-01-01T00:00:00Z\",\"db\":\"d\","
            "\"table\":\"t\",\"type\":\"update\",\"before\":{\"id\":1,\"v\":\"x\"},"
            "\"after\":{\"id\":-2,\"v\":null}}\n");
  RowImage partial = Image(3, "z");
  partial.values[1] = Value::Absent();
  EXPECT_EQ(Json(Rows(RowsKind::kDelete, table), {partial, {}}, n),
            "{\"gtid\":\"0-1-42\",\"file\":\"mariadb-bin.000001\",\"pos\":1234,"
            "\"ts\":\"2024-05-01T10:00:00Z\",\"db\":\"d\",\"table\":\"t\",\"type\":\"delete\","
            "\"before\":{\"id\":3}}\n");
}

TEST(RowChangeJsonTest, SchemaNamesAreMarkedAndSignednessApplied) {
  const auto table = Table(false);
  const std::vector<SchemaColumn> schema = {{"k", "tinyint", true, true},
                                            {"s", "varchar", false, false}};
  const ColumnNaming n = ResolveColumnNaming(*table, &schema);
  const std::string line = Json(Rows(RowsKind::kInsert, table), {{}, Image(-1, "a")}, n);
  EXPECT_NE(line.find("\"after\":{\"k\":255,\"s\":\"a\"},\"names\":\"schema\"}"), std::string::npos)
      << line;
  const ColumnNaming positional = ResolveColumnNaming(*table, nullptr);
  const std::string pline = Json(Rows(RowsKind::kInsert, table), {{}, Image(-1, "a")}, positional);
  EXPECT_NE(pline.find("\"after\":{\"@1\":-1,\"@2\":\"a\"},\"names\":\"position\"}"),
            std::string::npos)
      << pline;
}

// The appending fast path renders exactly what ToJson does.
TEST(RowChangeJsonTest, AppendJsonEqualsToJson) {
  Temporal t{false, 2024, 2, 29, 12, 34, 56, 120000};
  const std::vector<Value> values = {
      Value::Null(ColumnType::kLong),
      Value::Int(ColumnType::kLongLong, INT64_MIN),
      Value::Uint(ColumnType::kLong, 4294967295u),
      Value::Uint(ColumnType::kLongLong, UINT64_MAX),
      Value::Decimal("-12.340"),
      Value::String(ColumnType::kVarchar, "plain \"q\" \\ \n\x01", kUtf8mb4),
      Value::String(ColumnType::kVarchar, "caf\xe9", 8),          // latin1
      Value::String(ColumnType::kVarchar, "ascii", 8),            // latin1, ASCII only
      Value::String(ColumnType::kVarchar, "\xff\xfe", kUtf8mb4),  // not UTF-8
      Value::String(ColumnType::kBlob, std::string("\0\1", 2), kBinaryCollation),
      Value::String(ColumnType::kVarchar, "\xcf\xf0", 51),               // cp1251
      Value::String(ColumnType::kVarchar, "ascii", 51),                  // cp1251, ASCII only
      Value::String(ColumnType::kVarchar, "\x98", 51),                   // not cp1251
      Value::String(ColumnType::kString, std::string("\0a", 2), 35),     // ucs2
      Value::String(ColumnType::kVarchar, "a\\", 10),                    // swe7: Ö
      Value::String(ColumnType::kVarchar, "caf\xc3\xa9", std::nullopt),  // no charset known
      Value::Uuid(std::string(16, '\x11')),
      Value::Inet6(std::string(16, '\0')),
      Value::Inet4(std::string("\x7f\0\0\1", 4)),
      Value::Datetime(t, 6),
      Value::Datetime(t, 2),
      Value::Datetime(t, 0),
      Value::Datetime(Temporal{}, 0),
      Value::Timestamp(1, 5, 6),
      Value::Year(0),
      Value::Double(0.1),
      Value::Bit(5, 3),
      Value::Enum(2, "b"),
      Value::Set(5, "a,c")};
  for (const Value& v : values) {
    std::string out;
    AppendJson(out, v);
    EXPECT_EQ(out, ToJson(v)) << v.ToText();
  }
}

TEST(RowChangeSqlTest, StatementsUsePrimaryKey) {
  const auto table = Table();
  const ColumnNaming n = ResolveColumnNaming(*table, nullptr);
  EXPECT_EQ(*RowChangeToSql(Rows(RowsKind::kInsert, table), {{}, Image(1, "it's")}, n),
            "INSERT INTO `d`.`t` (`id`, `v`) VALUES (1, 'it\\'s');");
  EXPECT_EQ(*RowChangeToSql(Rows(RowsKind::kUpdate, table), {Image(1, "a"), Image(2, "b")}, n),
            "UPDATE `d`.`t` SET `id`=2, `v`='b' WHERE `id`=1 LIMIT 1;");
  EXPECT_EQ(*RowChangeToSql(Rows(RowsKind::kDelete, table), {Image(1, std::nullopt), {}}, n),
            "DELETE FROM `d`.`t` WHERE `id`=1 LIMIT 1;");
}

TEST(RowChangeSqlTest, WithoutKeyEveryColumnNullSafe) {
  auto t = std::make_shared<TableMapEvent>(*Table());
  t->has_primary_key = false;
  t->primary_key.clear();
  const ColumnNaming n = ResolveColumnNaming(*t, nullptr);
  EXPECT_EQ(*RowChangeToSql(Rows(RowsKind::kDelete, t), {Image(1, std::nullopt), {}}, n),
            "DELETE FROM `d`.`t` WHERE `id` <=> 1 AND `v` <=> NULL LIMIT 1;");
}

TEST(RowChangeSqlTest, PositionalNamesRefused) {
  const auto table = Table(false);
  const ColumnNaming n = ResolveColumnNaming(*table, nullptr);
  const Result<std::string> sql =
      RowChangeToSql(Rows(RowsKind::kInsert, table), {{}, Image(1, "a")}, n);
  ASSERT_FALSE(sql.ok());
  EXPECT_EQ(sql.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(sql.status().message().find("no column names for d.t"), std::string::npos);
}

Event Ev(EventType type, uint64_t offset, uint32_t size, EventBody body) {
  Event e;
  e.header.type = type;
  e.header.event_size = size;
  e.offset = offset;
  e.body = std::move(body);
  return e;
}

QueryEvent Query(std::string text) {
  QueryEvent q;
  q.query = std::move(text);
  return q;
}

TEST(StreamCursorTest, TracksGroupsAndResumePoints) {
  StreamCursor c({"mariadb-bin.000001", 4});
  c.Observe(Ev(EventType::kRotate, 0, 40, RotateEvent{400, "mariadb-bin.000002"}));
  EXPECT_EQ(c.position(), (BinlogPosition{"mariadb-bin.000002", 400}));
  c.Observe(Ev(EventType::kFormatDescription, 0, 100, FormatDescription{}));  // artificial
  EXPECT_EQ(c.position().offset, 400u);
  GtidEvent g;
  g.gtid = {0, 1, 9};
  c.Observe(Ev(EventType::kGtid, 400, 40, g));
  EXPECT_TRUE(c.in_group());
  EXPECT_EQ(c.groups_opened(), 1u);
  c.Observe(Ev(EventType::kQuery, 440, 60, Query("BEGIN")));  // belongs to the GTID's group
  EXPECT_EQ(c.groups_opened(), 1u);
  c.Observe(Ev(EventType::kWriteRowsV1, 500, 50, RowsEvent{}));
  EXPECT_EQ(c.gtid()->seq_no, 9u);
  EXPECT_EQ(c.position(), (BinlogPosition{"mariadb-bin.000002", 550}));
  EXPECT_EQ(c.resume_point(), (BinlogPosition{"mariadb-bin.000002", 400}));
  c.Observe(Ev(EventType::kHeartbeat, 999, 30, SkippedEvent{}));
  EXPECT_EQ(c.position().offset, 550u);
  c.Observe(Ev(EventType::kXid, 550, 31, XidEvent{}));
  EXPECT_FALSE(c.in_group());
  EXPECT_FALSE(c.gtid().has_value());
  EXPECT_EQ(c.resume_point(), (BinlogPosition{"mariadb-bin.000002", 581}));
  g.flags = kGtidFlagStandalone;
  c.Observe(Ev(EventType::kGtid, 581, 40, g));
  c.Observe(Ev(EventType::kQuery, 621, 80, Query("CREATE TABLE x (a INT)")));
  EXPECT_FALSE(c.in_group());
  EXPECT_EQ(c.resume_point().offset, 701u);
  c.Observe(Ev(EventType::kQuery, 701, 60, Query("BEGIN")));  // no GTIDs: BEGIN opens
  EXPECT_EQ(c.groups_opened(), 3u);
  EXPECT_EQ(c.resume_point().offset, 701u);
  c.Observe(Ev(EventType::kQuery, 761, 60, Query("COMMIT")));
  EXPECT_EQ(c.resume_point().offset, 821u);
}

TEST(BinlogPositionTest, Parse) {
  EXPECT_EQ(*ParseBinlogPosition("mariadb-bin.000003:1234"),
            (BinlogPosition{"mariadb-bin.000003", 1234}));
  for (const char* bad : {"", "x", ":4", "f:", "f:3", "f:12a", "f:-5"}) {
    const auto r = ParseBinlogPosition(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_LT((BinlogPosition{"b.000001", 900}), (BinlogPosition{"b.000002", 4}));
}

}  // namespace
}  // namespace safeddl::binlog
