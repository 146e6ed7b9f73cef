// The SQL writer: statements by primary key, unique key or all columns (never FLOAT/DOUBLE
// equality), binary as hex, the guarded form and the locking read.
#include "flashback/sql_writer.h"

#include <gtest/gtest.h>

#include <deque>

#include "flashback/test_tables.h"

namespace safeddl::flashback {
namespace {

using testing::Image;
using testing::Table;

struct Fixture {
  std::shared_ptr<const binlog::TableMapEvent> table;
  binlog::ColumnNaming naming;
  TableTarget target;
  std::deque<std::vector<std::string>> literals;  // what the ops' views point to

  explicit Fixture(bool pk, std::vector<UniqueKey> keys = {}) : table(Table(pk)) {
    naming = binlog::ResolveColumnNaming(*table, nullptr);
    Result<TableTarget> t = MakeTableTarget(*table, naming, keys);
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    if (t.ok()) target = *t;
  }

  std::vector<std::string_view> Literals(const binlog::RowImage& image) {
    if (image.values.empty()) return {};
    literals.emplace_back();
    EXPECT_TRUE(ImageLiterals(naming, image, literals.back()).ok());
    return {literals.back().begin(), literals.back().end()};
  }

  LiteralOp Op(OpKind kind, const binlog::RowImage& current, const binlog::RowImage& target) {
    return LiteralOp{kind, Literals(current), Literals(target)};
  }
};

TEST(SqlWriterTest, ByPrimaryKey) {
  Fixture f(true);
  EXPECT_EQ(*RowOpSql(f.target, f.Op(OpKind::kInsert, {}, Image(1, "a"))),
            "INSERT INTO `d`.`t` (`id`, `v`, `f`, `b`) VALUES (1, 'a', 1.5, X'01ff');");
  EXPECT_EQ(*RowOpSql(f.target, f.Op(OpKind::kDelete, Image(1, "a"), {})),
            "DELETE FROM `d`.`t` WHERE `id`=1 LIMIT 1;");
  // Only the columns that differ are set; the row is found by its current key.
  EXPECT_EQ(*RowOpSql(f.target, f.Op(OpKind::kUpdate, Image(2, "b"), Image(1, "b"))),
            "UPDATE `d`.`t` SET `id`=1 WHERE `id`=2 LIMIT 1;");
  EXPECT_EQ(DescribeLocator(f.target.locator, f.target.quoted, f.naming),
            "rows of `d`.`t` found by PRIMARY KEY (`id`)");
}

TEST(SqlWriterTest, ByUniqueKeyWhenThereIsNoPrimaryKey) {
  Fixture f(false, {{"uk_missing", {"nope"}}, {"uk_v", {"v"}}});
  EXPECT_EQ(f.target.locator.kind, LocatorKind::kUniqueKey);
  EXPECT_EQ(*RowOpSql(f.target, f.Op(OpKind::kDelete, Image(1, "a"), {})),
            "DELETE FROM `d`.`t` WHERE `v`='a' LIMIT 1;");
}

TEST(SqlWriterTest, ByAllColumnsWithoutFloatEquality) {
  Fixture f(false);
  EXPECT_EQ(f.target.locator.kind, LocatorKind::kAllColumns);
  EXPECT_EQ(*RowOpSql(f.target, f.Op(OpKind::kDelete, Image(std::nullopt, "a"), {})),
            "DELETE FROM `d`.`t` WHERE `id` <=> NULL AND `v` <=> 'a' AND `b` <=> X'01ff' LIMIT 1;");
  EXPECT_NE(DescribeLocator(f.target.locator, f.target.quoted, f.naming).find("no FLOAT"),
            std::string::npos);
}

TEST(SqlWriterTest, NullKeyFallsBackToAllColumns) {
  Fixture f(true);
  EXPECT_EQ(*RowOpSql(f.target, f.Op(OpKind::kDelete, Image(std::nullopt, "a"), {})),
            "DELETE FROM `d`.`t` WHERE `id` <=> NULL AND `v` <=> 'a' AND `b` <=> X'01ff' LIMIT 1;");
}

TEST(SqlWriterTest, GuardedFormRequiresTheRecordedRow) {
  Fixture f(true);
  EXPECT_EQ(*GuardedRowOpSql(f.target, f.Op(OpKind::kUpdate, Image(1, "new"), Image(1, "old"))),
            "UPDATE `d`.`t` SET `v`='old' WHERE `id`=1 AND `id` <=> 1 AND `v` <=> 'new' AND "
            "`b` <=> X'01ff' LIMIT 1;");
  EXPECT_EQ(*CurrentRowSql(f.target, f.Op(OpKind::kDelete, Image(1, "a"), {})),
            "SELECT (`id` <=> 1 AND `v` <=> 'a' AND `b` <=> X'01ff') AS safeddl_matches, "
            "`d`.`t`.* FROM `d`.`t` WHERE `id`=1 LIMIT 1 FOR UPDATE");
  EXPECT_EQ(*CurrentRowSql(f.target, f.Op(OpKind::kInsert, {}, Image(1, "a"))),
            "SELECT (1) AS safeddl_matches, `d`.`t`.* FROM `d`.`t` WHERE `id`=1 LIMIT 1 FOR "
            "UPDATE");
  EXPECT_EQ(*LocateCondition(f.target, f.Op(OpKind::kDelete, Image(1, "a"), {})), "`id`=1");
}

TEST(SqlWriterTest, Latin1AsciiIsQuotedAndOtherLatin1StaysHex) {
  Fixture f(true);
  constexpr uint32_t kLatin1SwedishCi = 8;
  binlog::RowImage image = Image(1, "");
  image.values[1] = binlog::Value::String(binlog::ColumnType::kVarchar, "1-a b~", kLatin1SwedishCi);
  EXPECT_EQ(f.Literals(image)[1], "'1-a b~'");
  for (const std::string& v :
       {std::string("caf\xe9"), std::string("it's"), std::string("a\\b"), std::string("tab\t")}) {
    image.values[1] = binlog::Value::String(binlog::ColumnType::kVarchar, v, kLatin1SwedishCi);
    EXPECT_EQ(f.Literals(image)[1], "_latin1 X'" + binlog::HexEncode(v) + "'") << v;
  }
}

TEST(SqlWriterTest, PartialImagesAreRefused) {
  Fixture f(true);
  binlog::RowImage image = Image(1, "a");
  image.values[2] = binlog::Value::Absent();
  std::vector<std::string> out;
  EXPECT_EQ(ImageLiterals(f.naming, image, out).code(), StatusCode::kUnsupported);
}

// The database is quoted on its own, not cut out of `d`.`t` again: a name holding "`.`" stays
// whole.
TEST(SqlWriterTest, TargetQuotesItsDatabaseOnItsOwn) {
  auto table = std::make_shared<binlog::TableMapEvent>(*Table(true));
  table->database = "a`.`b";
  const binlog::ColumnNaming naming = binlog::ResolveColumnNaming(*table, nullptr);
  const Result<TableTarget> t = MakeTableTarget(*table, naming, {});
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->quoted_database, "`a``.``b`");
  EXPECT_EQ(t->quoted.substr(0, t->quoted_database.size() + 1), "`a``.``b`.");
}

TEST(SqlWriterTest, PositionalNamesAreRefused) {
  auto table = std::make_shared<binlog::TableMapEvent>(*Table(true));
  for (auto& c : table->columns) c.name.reset();
  table->has_column_names = false;
  const binlog::ColumnNaming naming = binlog::ResolveColumnNaming(*table, nullptr);
  const Result<TableTarget> t = MakeTableTarget(*table, naming, {});
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(t.status().message().find("no column names"), std::string::npos);
}

}  // namespace
}  // namespace safeddl::flashback
