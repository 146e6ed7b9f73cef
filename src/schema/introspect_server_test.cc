// IntrospectTable against the real sandbox server, and the whole analysis chain (ALTER text ->
// ghost table -> column mapping -> shared key) on real DDL.
#include "schema/introspect.h"

#include <gtest/gtest.h>

#include "mysql/quote.h"
#include "schema/alter_parser.h"
#include "schema/column_mapping.h"
#include "testkit/testkit.h"

namespace safeddl::schema {
namespace {

using testkit::MustExecute;
using Names = std::vector<std::string>;

class IntrospectServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    conn_ = testkit::ConnectPrimary();
    ASSERT_NE(conn_, nullptr);
    db_ = testkit::UniqueDatabase(*conn_, "schema");
    databases_.push_back(db_);
  }
  void TearDown() override {
    if (conn_ == nullptr) return;
    for (const std::string& db : databases_) {
      MustExecute(*conn_, "DROP DATABASE IF EXISTS " + *mysql::QuoteIdentifier(db));
    }
  }

  // Runs `sql` with "{db}" replaced by the quoted test database.
  void Exec(std::string sql) {
    const std::string quoted = *mysql::QuoteIdentifier(db_);
    for (size_t p = sql.find("{db}"); p != std::string::npos; p = sql.find("{db}", p)) {
      sql.replace(p, 4, quoted);
    }
    MustExecute(*conn_, sql);
  }

  TableSchema MustIntrospect(std::string_view table, std::string_view db = {}) {
    auto t = IntrospectTable(*conn_, db.empty() ? std::string_view(db_) : db, table);
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    return t.ok() ? *t : TableSchema{};
  }

  std::unique_ptr<mysql::Connection> conn_;
  std::string db_;
  std::vector<std::string> databases_;
};

TEST_F(IntrospectServerTest, ColumnsOfCompoundPrimaryKeyTable) {
  Exec(
      "CREATE TABLE {db}.t (a INT NOT NULL, b VARCHAR(20) NOT NULL, c INT UNSIGNED DEFAULT 5, "
      "d ENUM('x','y') DEFAULT 'x', e VARCHAR(10) CHARACTER SET latin1 COLLATE latin1_bin, "
      "f DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), j JSON, "
      "h INT INVISIBLE DEFAULT 1, PRIMARY KEY (a, b), KEY k_c (c, d), UNIQUE KEY u_be (b, e)) "
      "ENGINE=InnoDB");
  TableSchema t = MustIntrospect("t");
  EXPECT_EQ(t.db, db_);
  EXPECT_EQ(t.name, "t");
  EXPECT_EQ(t.engine, "InnoDB");
  EXPECT_FALSE(t.partitioned);
  EXPECT_FALSE(t.system_versioned);
  EXPECT_NE(t.create_statement.find("CREATE TABLE `t`"), std::string::npos) << t.create_statement;
  ASSERT_EQ(t.columns.size(), 8u);
  Names names;
  for (const Column& c : t.columns) names.push_back(c.name);
  EXPECT_EQ(names, (Names{"a", "b", "c", "d", "e", "f", "j", "h"}));
  EXPECT_EQ(t.columns[0].ordinal, 1);
  EXPECT_EQ(t.columns[7].ordinal, 8);

  const Column& a = t.columns[0];
  EXPECT_EQ(a.data_type, "int");
  EXPECT_EQ(a.column_type, "int(11)");  // MariaDB keeps display widths
  EXPECT_FALSE(a.nullable);
  EXPECT_FALSE(a.default_value.has_value());  // NOT NULL without default: SQL NULL
  EXPECT_FALSE(a.charset.has_value());

  const Column& c = t.columns[2];
  EXPECT_EQ(c.column_type, "int(10) unsigned");
  EXPECT_TRUE(c.is_unsigned);
  EXPECT_TRUE(c.nullable);
  EXPECT_EQ(c.default_value, "5");

  const Column& d = t.columns[3];
  EXPECT_EQ(d.data_type, "enum");
  EXPECT_EQ(d.column_type, "enum('x','y')");
  EXPECT_EQ(d.default_value, "'x'");  // MariaDB: string defaults come quoted

  const Column& e = t.columns[4];
  EXPECT_EQ(e.charset, "latin1");
  EXPECT_EQ(e.collation, "latin1_bin");
  EXPECT_EQ(e.octet_length, 10u);
  EXPECT_EQ(e.default_value, "NULL");  // nullable without default: the word NULL

  EXPECT_EQ(t.columns[5].default_value, "current_timestamp(3)");
  EXPECT_EQ(t.columns[6].data_type, "longtext");  // JSON is an alias of LONGTEXT in MariaDB
  EXPECT_TRUE(t.columns[7].invisible);
  EXPECT_FALSE(t.columns[0].invisible);

  ASSERT_EQ(t.indexes.size(), 3u);
  const Index* pk = t.PrimaryKey();
  ASSERT_NE(pk, nullptr);
  EXPECT_EQ(&t.indexes[0], pk);
  EXPECT_TRUE(pk->unique);
  EXPECT_EQ(pk->columns, (Names{"a", "b"}));
  EXPECT_TRUE(pk->all_columns_not_null);
  const Index* kc = t.FindIndex("K_C");
  ASSERT_NE(kc, nullptr);
  EXPECT_FALSE(kc->unique);
  EXPECT_EQ(kc->columns, (Names{"c", "d"}));
  const Index* ube = t.FindIndex("u_be");
  ASSERT_NE(ube, nullptr);
  EXPECT_TRUE(ube->unique);
  EXPECT_FALSE(ube->all_columns_not_null);  // e is nullable
  EXPECT_TRUE(t.foreign_keys.empty());
  EXPECT_TRUE(t.referenced_by.empty());
  EXPECT_TRUE(t.triggers.empty());
}

TEST_F(IntrospectServerTest, UniqueKeysAndTheSharedKey) {
  Exec("CREATE TABLE {db}.nn (id INT NOT NULL, v INT, UNIQUE KEY uk (id))");
  Exec("CREATE TABLE {db}.nul (id INT NULL, v INT, UNIQUE KEY uk (id))");
  Exec("CREATE TABLE {db}.pre (s VARCHAR(100) NOT NULL, UNIQUE KEY us (s(10)))");
  TableSchema nn = MustIntrospect("nn");
  EXPECT_EQ(nn.PrimaryKey(), nullptr);
  ASSERT_EQ(nn.indexes.size(), 1u);
  EXPECT_TRUE(nn.indexes[0].unique);
  EXPECT_TRUE(nn.indexes[0].all_columns_not_null);
  ColumnMapping identity = *MapColumns(nn, nn, AlterAnalysis{});
  auto key = ChooseSharedKey(nn, nn, identity);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(key->original_index, "uk");

  TableSchema nul = MustIntrospect("nul");
  ASSERT_EQ(nul.indexes.size(), 1u);
  EXPECT_FALSE(nul.indexes[0].all_columns_not_null);
  auto none = ChooseSharedKey(nul, nul, *MapColumns(nul, nul, AlterAnalysis{}));
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(none.status().message().find("column `id` is nullable"), std::string::npos)
      << none.status().message();

  TableSchema pre = MustIntrospect("pre");
  ASSERT_EQ(pre.indexes.size(), 1u);
  EXPECT_TRUE(pre.indexes[0].has_prefix_part);
}

TEST_F(IntrospectServerTest, GeneratedColumns) {
  Exec(
      "CREATE TABLE {db}.g (id INT PRIMARY KEY, a INT, v INT AS (a * 2) VIRTUAL, "
      "s INT AS (a + 1) STORED, p INT AS (a + 2) PERSISTENT, KEY kv (v))");
  TableSchema t = MustIntrospect("g");
  ASSERT_EQ(t.columns.size(), 5u);
  EXPECT_EQ(t.columns[1].generated, GeneratedKind::kNone);
  EXPECT_EQ(t.columns[2].generated, GeneratedKind::kVirtual);
  EXPECT_EQ(t.columns[2].generation_expression, "`a` * 2");
  EXPECT_EQ(t.columns[3].generated, GeneratedKind::kStored);
  EXPECT_EQ(t.columns[4].generated, GeneratedKind::kStored);
  EXPECT_TRUE(t.columns[1].generation_expression.empty());
  // information_schema says 'NULL' (the word) as their default; they have none.
  EXPECT_FALSE(t.columns[2].default_value.has_value());
  EXPECT_EQ(t.columns[1].default_value, "NULL");
}

TEST_F(IntrospectServerTest, ForeignKeysBothSidesAndTrigger) {
  Exec("CREATE TABLE {db}.p (id INT PRIMARY KEY, x INT NOT NULL, y INT NOT NULL, UNIQUE (x, y))");
  Exec(
      "CREATE TABLE {db}.c (id INT PRIMARY KEY, pid INT, px INT, py INT, "
      "CONSTRAINT fk_p FOREIGN KEY (pid) REFERENCES p (id) ON DELETE CASCADE, "
      "CONSTRAINT fk_xy FOREIGN KEY (px, py) REFERENCES p (x, y) ON UPDATE SET NULL)");
  Exec("CREATE TRIGGER {db}.trg_c BEFORE UPDATE ON {db}.c FOR EACH ROW SET NEW.pid = NEW.pid");
  Exec("CREATE TRIGGER {db}.trg_c2 AFTER DELETE ON {db}.c FOR EACH ROW SET @x = 1");

  TableSchema c = MustIntrospect("c");
  ASSERT_EQ(c.foreign_keys.size(), 2u);
  const ForeignKey& fk = c.foreign_keys[0];
  EXPECT_EQ(fk.name, "fk_p");
  EXPECT_EQ(fk.child_db, db_);
  EXPECT_EQ(fk.child_table, "c");
  EXPECT_EQ(fk.child_columns, Names{"pid"});
  EXPECT_EQ(fk.parent_db, db_);
  EXPECT_EQ(fk.parent_table, "p");
  EXPECT_EQ(fk.parent_columns, Names{"id"});
  EXPECT_EQ(fk.on_delete, "CASCADE");
  EXPECT_EQ(fk.on_update, "RESTRICT");
  EXPECT_EQ(c.foreign_keys[1].child_columns, (Names{"px", "py"}));
  EXPECT_EQ(c.foreign_keys[1].parent_columns, (Names{"x", "y"}));
  EXPECT_EQ(c.foreign_keys[1].on_update, "SET NULL");
  EXPECT_TRUE(c.referenced_by.empty());
  // InnoDB adds an index for each foreign key that lacks one.
  EXPECT_NE(c.FindIndex("fk_p"), nullptr);

  ASSERT_EQ(c.triggers.size(), 2u);
  EXPECT_EQ(c.triggers[0].name, "trg_c2");
  EXPECT_EQ(c.triggers[0].timing, TriggerTiming::kAfter);
  EXPECT_EQ(c.triggers[0].event, TriggerEvent::kDelete);
  EXPECT_EQ(c.triggers[1].name, "trg_c");
  EXPECT_EQ(c.triggers[1].timing, TriggerTiming::kBefore);
  EXPECT_EQ(c.triggers[1].event, TriggerEvent::kUpdate);
  // What recreating it takes (alter --include-triggers).
  EXPECT_EQ(c.triggers[1].body, "SET NEW.pid = NEW.pid");
  EXPECT_NE(c.triggers[1].definer.find('@'), std::string::npos) << c.triggers[1].definer;
  EXPECT_FALSE(c.triggers[1].sql_mode.empty());
  EXPECT_FALSE(c.triggers[1].collation_connection.empty());

  TableSchema p = MustIntrospect("p");
  EXPECT_TRUE(p.foreign_keys.empty());
  ASSERT_EQ(p.referenced_by.size(), 2u);
  EXPECT_EQ(p.referenced_by[0].name, "fk_p");
  EXPECT_EQ(p.referenced_by[0].child_table, "c");
  EXPECT_EQ(p.referenced_by[1].child_columns, (Names{"px", "py"}));
  EXPECT_TRUE(p.triggers.empty());
}

TEST_F(IntrospectServerTest, ParentInAnotherDatabaseAndSelfReference) {
  const std::string other = testkit::UniqueDatabase(*conn_, "schema_other");
  databases_.push_back(other);
  const std::string qother = *mysql::QuoteIdentifier(other);
  MustExecute(*conn_, "CREATE TABLE " + qother + ".p (id INT PRIMARY KEY)");
  Exec(
      "CREATE TABLE {db}.tree (id INT PRIMARY KEY, parent INT, ext INT, "
      "FOREIGN KEY (parent) REFERENCES tree (id), FOREIGN KEY (ext) REFERENCES " +
      qother + ".p (id))");
  TableSchema tree = MustIntrospect("tree");
  ASSERT_EQ(tree.foreign_keys.size(), 2u);
  ASSERT_EQ(tree.referenced_by.size(), 1u);  // itself
  EXPECT_EQ(tree.referenced_by[0].child_table, "tree");
  TableSchema p = MustIntrospect("p", other);
  ASSERT_EQ(p.referenced_by.size(), 1u);
  EXPECT_EQ(p.referenced_by[0].child_db, db_);
  EXPECT_EQ(p.referenced_by[0].child_table, "tree");
}

TEST_F(IntrospectServerTest, HostileIdentifiers) {
  const std::string hostile_db = db_ + "`db ü";
  databases_.push_back(hostile_db);
  const std::string qdb = *mysql::QuoteIdentifier(hostile_db);
  const std::string table = "we`ird tä'ble\"; --";
  const std::string qt = qdb + "." + *mysql::QuoteIdentifier(table);
  MustExecute(*conn_, "CREATE DATABASE " + qdb);
  MustExecute(*conn_, "CREATE TABLE " + qt +
                          " (`co``l umn` INT NOT NULL, `ü€` VARCHAR(5) DEFAULT 'it''s', "
                          "`select` INT, PRIMARY KEY (`co``l umn`), UNIQUE KEY `i``x ü` (`ü€`))");
  MustExecute(*conn_, "CREATE TRIGGER " + qdb + ".`tr``g ü` BEFORE INSERT ON " + qt +
                          " FOR EACH ROW SET NEW.`select` = 1");
  auto t = IntrospectTable(*conn_, hostile_db, table);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->db, hostile_db);
  EXPECT_EQ(t->name, table);
  ASSERT_EQ(t->columns.size(), 3u);
  EXPECT_EQ(t->columns[0].name, "co`l umn");
  EXPECT_EQ(t->columns[1].name, "ü€");
  EXPECT_EQ(t->columns[1].default_value, "'it''s'");
  EXPECT_EQ(t->columns[2].name, "select");
  ASSERT_NE(t->FindIndex("i`x ü"), nullptr);
  EXPECT_EQ(t->FindIndex("i`x ü")->columns, Names{"ü€"});
  EXPECT_EQ(t->PrimaryKey()->columns, Names{"co`l umn"});
  ASSERT_EQ(t->triggers.size(), 1u);
  EXPECT_EQ(t->triggers[0].name, "tr`g ü");
}

TEST_F(IntrospectServerTest, MissingTableIsNotFound) {
  auto t = IntrospectTable(*conn_, db_, "nope");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(t.status().message(), "table `" + db_ + "`.`nope` does not exist");
  auto no_db = IntrospectTable(*conn_, "no_such_db_x", "t");
  ASSERT_FALSE(no_db.ok());
  EXPECT_EQ(no_db.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(no_db.status().message(), "table `no_such_db_x`.`t` does not exist");
  auto empty = IntrospectTable(*conn_, db_, "");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(IntrospectServerTest, ViewsAndSequencesAreRefused) {
  Exec("CREATE TABLE {db}.base (id INT PRIMARY KEY)");
  Exec("CREATE VIEW {db}.v AS SELECT id FROM {db}.base");
  Exec("CREATE SEQUENCE {db}.s");
  auto v = IntrospectTable(*conn_, db_, "v");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(v.status().message().find("is a view"), std::string::npos) << v.status().message();
  auto s = IntrospectTable(*conn_, db_, "s");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(s.status().message().find("is a sequence"), std::string::npos) << s.status().message();
}

TEST_F(IntrospectServerTest, PartitionedAndSystemVersioned) {
  Exec("CREATE TABLE {db}.part (id INT PRIMARY KEY) PARTITION BY HASH (id) PARTITIONS 3");
  Exec("CREATE TABLE {db}.ver (id INT PRIMARY KEY, v INT) WITH SYSTEM VERSIONING");
  EXPECT_TRUE(MustIntrospect("part").partitioned);
  TableSchema ver = MustIntrospect("ver");
  EXPECT_TRUE(ver.system_versioned);
  EXPECT_FALSE(ver.partitioned);
}

// The chain `safeddl alter` runs: analyse the ALTER, apply it to an empty ghost, introspect both,
// map the columns, choose the key.
TEST_F(IntrospectServerTest, AlterOnGhostThenMapAndChooseKey) {
  Exec(
      "CREATE TABLE {db}.orders (id BIGINT NOT NULL, region CHAR(2) NOT NULL, a INT, d TEXT, "
      "x VARCHAR(10), doubled INT AS (a * 2) VIRTUAL, PRIMARY KEY (id, region), "
      "UNIQUE KEY u_x (x))");
  auto alter = AnalyzeAlter(
      "ADD COLUMN c INT NOT NULL DEFAULT 0, DROP COLUMN d, CHANGE COLUMN a b BIGINT, "
      "RENAME COLUMN x TO y, ALGORITHM=INPLACE, LOCK=NONE, ENGINE=InnoDB");
  ASSERT_TRUE(alter.ok()) << alter.status().ToString();
  Exec("CREATE TABLE {db}._orders_gho LIKE {db}.orders");
  // doubled refers to a, renamed: the ghost's generated column must follow.
  Exec("ALTER TABLE {db}._orders_gho " + alter->ghost_alter +
       ", MODIFY doubled BIGINT AS (b * 2) VIRTUAL");
  TableSchema original = MustIntrospect("orders");
  TableSchema ghost = MustIntrospect("_orders_gho");
  auto mapping = MapColumns(original, ghost, *alter);
  ASSERT_TRUE(mapping.ok()) << mapping.status().ToString();
  Names shared;
  for (const SharedColumn& s : mapping->shared) shared.push_back(s.source + "->" + s.target);
  EXPECT_EQ(shared, (Names{"id->id", "region->region", "a->b", "x->y"}));
  EXPECT_EQ(mapping->dropped, Names{"d"});
  EXPECT_EQ(mapping->added, Names{"c"});
  auto key = ChooseSharedKey(original, ghost, *mapping);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_TRUE(key->primary);
  EXPECT_EQ(key->ghost_columns, (Names{"id", "region"}));

  // Dropping the primary key leaves only the nullable u_x: no usable key.
  Exec("ALTER TABLE {db}._orders_gho DROP PRIMARY KEY");
  TableSchema ghost2 = MustIntrospect("_orders_gho");
  auto none = ChooseSharedKey(original, ghost2, *MapColumns(original, ghost2, *alter));
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("PRIMARY KEY: the new table has no"), std::string::npos)
      << none.status().message();
}

}  // namespace
}  // namespace safeddl::schema
