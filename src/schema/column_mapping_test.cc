#include "schema/column_mapping.h"

#include <gtest/gtest.h>

namespace safeddl::schema {
namespace {

using Names = std::vector<std::string>;

Column Col(std::string name, std::string type, bool nullable = false,
           GeneratedKind generated = GeneratedKind::kNone) {
  Column c;
  c.name = std::move(name);
  c.column_type = type;
  c.data_type = type.substr(0, type.find('('));
  c.nullable = nullable;
  c.generated = generated;
  if (c.data_type == "varchar") c.octet_length = 4 * 64;
  if (c.data_type == "char") c.octet_length = 4 * 8;
  return c;
}

// Builds a table; `indexes` get all_columns_not_null computed from the columns.
TableSchema Table(std::vector<Column> columns, std::vector<Index> indexes) {
  TableSchema t;
  t.db = "db";
  t.name = "t";
  for (size_t i = 0; i < columns.size(); ++i) columns[i].ordinal = static_cast<int>(i + 1);
  t.columns = std::move(columns);
  for (Index& idx : indexes) {
    idx.all_columns_not_null = true;
    for (const std::string& c : idx.columns) {
      const Column* col = t.FindColumn(c);
      if (col == nullptr || col->nullable) idx.all_columns_not_null = false;
    }
  }
  t.indexes = std::move(indexes);
  return t;
}

Index Pk(Names columns) {
  Index i;
  i.name = "PRIMARY";
  i.primary = true;
  i.unique = true;
  i.columns = std::move(columns);
  return i;
}

Index Uk(std::string name, Names columns) {
  Index i;
  i.name = std::move(name);
  i.unique = true;
  i.columns = std::move(columns);
  return i;
}

Index Key(std::string name, Names columns) {
  Index i = Uk(std::move(name), std::move(columns));
  i.unique = false;
  return i;
}

AlterAnalysis Alter(std::string_view text) {
  auto a = AnalyzeAlter(text);
  EXPECT_TRUE(a.ok()) << a.status().ToString();
  return a.ok() ? *a : AlterAnalysis{};
}

Names Sources(const ColumnMapping& m) {
  Names out;
  for (const SharedColumn& c : m.shared) out.push_back(c.source + "->" + c.target);
  return out;
}

TEST(MapColumnsTest, AddDropRenameAndModify) {
  TableSchema o = Table(
      {Col("id", "int(11)"), Col("a", "int(11)"), Col("d", "text", true), Col("x", "varchar(64)")},
      {Pk({"id"})});
  TableSchema g = Table({Col("id", "int(11)"), Col("b", "varchar(10)"), Col("y", "varchar(64)"),
                         Col("c", "int(11)", true)},
                        {Pk({"id"})});
  auto m = MapColumns(o, g,
                      Alter("ADD COLUMN c INT, DROP COLUMN d, CHANGE COLUMN a b VARCHAR(10), "
                            "RENAME COLUMN x TO y"));
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(Sources(*m), (Names{"id->id", "a->b", "x->y"}));
  EXPECT_EQ(m->dropped, Names{"d"});
  EXPECT_EQ(m->added, Names{"c"});
  EXPECT_EQ(*m->TargetOf("A"), "b");
  EXPECT_EQ(*m->SourceOf("y"), "x");
  EXPECT_EQ(m->TargetOf("d"), nullptr);
}

TEST(MapColumnsTest, CaseOnlyChangeStillMaps) {
  TableSchema o = Table({Col("id", "int(11)"), Col("name", "text")}, {Pk({"id"})});
  TableSchema g = Table({Col("ID", "int(11)"), Col("Name", "text")}, {Pk({"ID"})});
  auto m = MapColumns(o, g, Alter("CHANGE name Name TEXT, CHANGE id ID INT"));
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(Sources(*m), (Names{"id->ID", "name->Name"}));
}

TEST(MapColumnsTest, SwapOfTwoColumnNames) {
  TableSchema o =
      Table({Col("id", "int(11)"), Col("a", "int(11)"), Col("b", "text")}, {Pk({"id"})});
  TableSchema g =
      Table({Col("id", "int(11)"), Col("b", "int(11)"), Col("a", "text")}, {Pk({"id"})});
  auto m = MapColumns(o, g, Alter("RENAME COLUMN a TO b, RENAME COLUMN b TO a"));
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(Sources(*m), (Names{"id->id", "a->b", "b->a"}));
}

TEST(MapColumnsTest, RenameOntoADroppedColumnsName) {
  TableSchema o =
      Table({Col("id", "int(11)"), Col("a", "int(11)"), Col("b", "text")}, {Pk({"id"})});
  TableSchema g = Table({Col("id", "int(11)"), Col("b", "int(11)")}, {Pk({"id"})});
  auto m = MapColumns(o, g, Alter("DROP COLUMN b, CHANGE a b INT"));
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(Sources(*m), (Names{"id->id", "a->b"}));
  EXPECT_EQ(m->dropped, Names{"b"});
  EXPECT_TRUE(m->added.empty());
}

TEST(MapColumnsTest, DroppedAndAddedAgainIsANewColumn) {
  TableSchema o = Table({Col("id", "int(11)"), Col("v", "int(11)")}, {Pk({"id"})});
  TableSchema g = Table({Col("id", "int(11)"), Col("v", "bigint(20)")}, {Pk({"id"})});
  auto m = MapColumns(o, g, Alter("DROP COLUMN v, ADD COLUMN v BIGINT"));
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(Sources(*m), (Names{"id->id"}));
  EXPECT_EQ(m->dropped, Names{"v"});
  EXPECT_EQ(m->added, Names{"v"});
}

TEST(MapColumnsTest, GeneratedColumnsAreNeverCopied) {
  TableSchema o = Table({Col("id", "int(11)"), Col("a", "int(11)"),
                         Col("v", "int(11)", true, GeneratedKind::kVirtual),
                         Col("s", "int(11)", true, GeneratedKind::kStored), Col("p", "int(11)")},
                        {Pk({"id"})});
  TableSchema g = Table(
      {Col("id", "int(11)"), Col("a", "int(11)"), Col("v", "int(11)", true, GeneratedKind::kStored),
       Col("s", "int(11)"), Col("p", "int(11)", true, GeneratedKind::kVirtual)},
      {Pk({"id"})});
  auto m = MapColumns(o, g, Alter("MODIFY v INT AS (a) STORED, MODIFY s INT, MODIFY p INT AS (a)"));
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(Sources(*m), (Names{"id->id", "a->a"}));
  EXPECT_EQ(m->generated_to_stored, Names{"s"});
  EXPECT_TRUE(m->dropped.empty());
  EXPECT_TRUE(m->added.empty());
}

TEST(MapColumnsTest, RenameTargetMissingFromGhostIsAnError) {
  TableSchema o = Table({Col("id", "int(11)"), Col("a", "int(11)")}, {Pk({"id"})});
  TableSchema g = Table({Col("id", "int(11)"), Col("a", "int(11)")}, {Pk({"id"})});
  auto m = MapColumns(o, g, Alter("CHANGE a b INT"));
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(m.status().message().find("no column `b`"), std::string::npos) << m.status().message();
  // A rename of a column the original lacks did nothing (IF EXISTS): ignored.
  EXPECT_TRUE(MapColumns(o, g, Alter("CHANGE IF EXISTS zz b INT")).ok());
}

// --- ChooseSharedKey ---

Result<SharedKey> Choose(const TableSchema& o, const TableSchema& g, std::string_view alter) {
  auto m = MapColumns(o, g, Alter(alter));
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  if (!m.ok()) return m.status();
  return ChooseSharedKey(o, g, *m);
}

void ExpectNoKey(const Result<SharedKey>& k, std::string_view part) {
  ASSERT_FALSE(k.ok());
  EXPECT_EQ(k.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(k.status().message().find("no PRIMARY KEY or NOT NULL UNIQUE key is shared"),
            std::string::npos)
      << k.status().message();
  EXPECT_NE(k.status().message().find(part), std::string::npos) << k.status().message();
}

TEST(ChooseSharedKeyTest, PrefersPrimary) {
  TableSchema t =
      Table({Col("id", "bigint(20)"), Col("u", "tinyint(4)")}, {Uk("u", {"u"}), Pk({"id"})});
  auto k = Choose(t, t, "ENGINE=InnoDB");
  ASSERT_TRUE(k.ok()) << k.status().ToString();
  EXPECT_TRUE(k->primary);
  EXPECT_EQ(k->original_index, "PRIMARY");
  EXPECT_EQ(k->ghost_index, "PRIMARY");
  EXPECT_EQ(k->original_columns, Names{"id"});
}

TEST(ChooseSharedKeyTest, CompoundPrimaryWithRenamedColumn) {
  TableSchema o =
      Table({Col("a", "int(11)"), Col("b", "int(11)"), Col("v", "text", true)}, {Pk({"a", "b"})});
  TableSchema g =
      Table({Col("a", "int(11)"), Col("bb", "int(11)"), Col("v", "text", true)}, {Pk({"a", "bb"})});
  auto k = Choose(o, g, "CHANGE b bb INT NOT NULL");
  ASSERT_TRUE(k.ok()) << k.status().ToString();
  EXPECT_EQ(k->original_columns, (Names{"a", "b"}));
  EXPECT_EQ(k->ghost_columns, (Names{"a", "bb"}));
  EXPECT_EQ(k->ordering_columns, 2u);
  EXPECT_FALSE(k->widened);
}

TEST(ChooseSharedKeyTest, NotNullUniqueWhenNoPrimary) {
  TableSchema t = Table({Col("email", "varchar(64)"), Col("n", "int(11)", true)},
                        {Key("kn", {"n"}), Uk("uk_email", {"email"})});
  auto k = Choose(t, t, "ADD COLUMN z INT");
  ASSERT_TRUE(k.ok()) << k.status().ToString();
  EXPECT_FALSE(k->primary);
  EXPECT_EQ(k->original_index, "uk_email");
}

TEST(ChooseSharedKeyTest, PrefersFewerIntegerNarrowerColumns) {
  TableSchema t = Table(
      {Col("s", "varchar(64)"), Col("big", "bigint(20)"), Col("small", "int(11)"),
       Col("x", "int(11)"), Col("y", "int(11)")},
      {Uk("u_s", {"s"}), Uk("u_xy", {"x", "y"}), Uk("u_big", {"big"}), Uk("u_small", {"small"})});
  auto k = Choose(t, t, "FORCE");
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(k->original_index, "u_small");
}

TEST(ChooseSharedKeyTest, PrimaryChangedToAnotherSharedKey) {
  // PRIMARY(id) becomes UNIQUE(id); PRIMARY moves to (uuid).
  TableSchema o =
      Table({Col("id", "int(11)"), Col("uuid", "char(36)")}, {Pk({"id"}), Uk("u_uuid", {"uuid"})});
  TableSchema g =
      Table({Col("id", "int(11)"), Col("uuid", "char(36)")}, {Pk({"uuid"}), Uk("u_id", {"id"})});
  auto k = Choose(o, g, "DROP PRIMARY KEY, ADD PRIMARY KEY (uuid), ADD UNIQUE u_id (id)");
  ASSERT_TRUE(k.ok()) << k.status().ToString();
  EXPECT_EQ(k->original_index, "PRIMARY");
  EXPECT_EQ(k->ghost_index, "u_id");
}

TEST(ChooseSharedKeyTest, NullableUniqueOnlyIsRefused) {
  TableSchema t = Table({Col("a", "int(11)", true), Col("b", "int(11)")}, {Uk("ua", {"a"})});
  ExpectNoKey(Choose(t, t, "FORCE"), "key `ua`: column `a` is nullable");
}

TEST(ChooseSharedKeyTest, NoUniqueKeyAtAll) {
  TableSchema t = Table({Col("a", "int(11)")}, {Key("ka", {"a"})});
  ExpectNoKey(Choose(t, t, "FORCE"), "no unique key at all");
}

TEST(ChooseSharedKeyTest, DroppedPrimaryKeyAndNothingElse) {
  TableSchema o = Table({Col("id", "int(11)"), Col("v", "int(11)")}, {Pk({"id"})});
  TableSchema g = Table({Col("id", "int(11)"), Col("v", "int(11)")}, {});
  ExpectNoKey(Choose(o, g, "DROP PRIMARY KEY"),
              "PRIMARY KEY: the new table has no PRIMARY or NOT NULL UNIQUE key on (`id`)");
}

TEST(ChooseSharedKeyTest, KeyOverDroppedColumnIsRefused) {
  TableSchema o = Table({Col("id", "int(11)"), Col("v", "int(11)")}, {Uk("uid", {"id"})});
  TableSchema g = Table({Col("v", "int(11)")}, {});
  ExpectNoKey(Choose(o, g, "DROP id"), "key `uid`: column `id` is not copied");
}

TEST(ChooseSharedKeyTest, GeneratedAndPrefixKeysAreRefused) {
  Index prefix = Uk("u_p", {"s"});
  prefix.has_prefix_part = true;
  TableSchema t = Table({Col("a", "int(11)"), Col("g", "int(11)", false, GeneratedKind::kStored),
                         Col("s", "varchar(64)")},
                        {Uk("u_g", {"g"}), prefix});
  auto k = Choose(t, t, "FORCE");
  ExpectNoKey(k, "key `u_g`: uses generated column `g`");
  ExpectNoKey(k, "key `u_p`: indexes only a prefix");
}

TEST(ChooseSharedKeyTest, GhostKeyMadeNullableIsRefused) {
  TableSchema o = Table({Col("a", "int(11)")}, {Uk("ua", {"a"})});
  TableSchema g = Table({Col("a", "int(11)", true)}, {Uk("ua", {"a"})});
  ExpectNoKey(Choose(o, g, "MODIFY a INT NULL"), "key `ua`: the new table has no");
}

TEST(ChooseSharedKeyTest, PrefersKeyWhoseTypesDoNotChange) {
  TableSchema o =
      Table({Col("a", "int(11)"), Col("b", "int(11)")}, {Uk("ua", {"a"}), Uk("ub", {"b"})});
  TableSchema g =
      Table({Col("a", "bigint(20)"), Col("b", "bigint(20)")}, {Uk("ua", {"a"}), Uk("ub", {"b"})});
  g.columns[1].column_type = "int(11)";
  g.columns[1].data_type = "int";
  auto k = Choose(o, g, "MODIFY a BIGINT NOT NULL");
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(k->original_index, "ub");
}

TEST(ChooseSharedKeyTest, PrimaryKeyWidenedByAColumnIsShared) {
  // gh-ost's "drop primary key, add primary key (id, i)": (id, i) is unique in the old table
  // too, because id is; the new key drives copy, apply and checksum.
  TableSchema o = Table({Col("id", "bigint(20)"), Col("i", "int(11)"), Col("v", "text", true)},
                        {Pk({"id"}), Key("k_i", {"i"})});
  TableSchema g = Table({Col("id", "bigint(20)"), Col("i", "int(11)"), Col("v", "text", true)},
                        {Pk({"id", "i"}), Key("k_i", {"i"})});
  auto k = Choose(o, g, "DROP PRIMARY KEY, ADD PRIMARY KEY (id, i)");
  ASSERT_TRUE(k.ok()) << k.status().ToString();
  EXPECT_EQ(k->original_index, "PRIMARY");
  EXPECT_EQ(k->ghost_index, "PRIMARY");
  EXPECT_EQ(k->original_columns, (Names{"id", "i"}));
  EXPECT_EQ(k->ghost_columns, (Names{"id", "i"}));
  EXPECT_TRUE(k->primary);
  EXPECT_TRUE(k->widened);
  EXPECT_EQ(k->ordering_columns, 1u);
}

TEST(ChooseSharedKeyTest, WidenedKeyKeepsTheOldKeysOrderAndRenames) {
  // UNIQUE (a, b) becomes UNIQUE (b, a, cc) with c renamed to cc: the key is read in the old
  // index's order (a, b), then the added column.
  TableSchema o =
      Table({Col("a", "int(11)"), Col("b", "int(11)"), Col("c", "int(11)")}, {Uk("u", {"a", "b"})});
  TableSchema g = Table({Col("a", "int(11)"), Col("b", "int(11)"), Col("cc", "int(11)")},
                        {Uk("u2", {"b", "a", "cc"})});
  auto k = Choose(o, g, "DROP KEY u, CHANGE c cc INT NOT NULL, ADD UNIQUE u2 (b, a, cc)");
  ASSERT_TRUE(k.ok()) << k.status().ToString();
  EXPECT_EQ(k->original_index, "u");
  EXPECT_EQ(k->ghost_index, "u2");
  EXPECT_EQ(k->original_columns, (Names{"a", "b", "c"}));
  EXPECT_EQ(k->ghost_columns, (Names{"a", "b", "cc"}));
  EXPECT_FALSE(k->primary);
  EXPECT_TRUE(k->widened);
  EXPECT_EQ(k->ordering_columns, 2u);
}

TEST(ChooseSharedKeyTest, AKeyTheNewTableKeepsWinsOverAWidenedOne) {
  TableSchema o = Table({Col("id", "int(11)"), Col("i", "int(11)")}, {Pk({"id"})});
  TableSchema g =
      Table({Col("id", "int(11)"), Col("i", "int(11)")}, {Pk({"id", "i"}), Uk("u_id", {"id"})});
  auto k = Choose(o, g, "DROP PRIMARY KEY, ADD PRIMARY KEY (id, i), ADD UNIQUE u_id (id)");
  ASSERT_TRUE(k.ok()) << k.status().ToString();
  EXPECT_EQ(k->ghost_index, "u_id");
  EXPECT_EQ(k->original_columns, Names{"id"});
  EXPECT_FALSE(k->widened);
  // The old PRIMARY, widened, still wins over a secondary unique key kept as it is (clustered
  // reads on both sides).
  TableSchema o2 = Table({Col("id", "int(11)"), Col("i", "int(11)"), Col("e", "varchar(64)")},
                         {Pk({"id"}), Uk("u_e", {"e"})});
  TableSchema g2 = Table({Col("id", "int(11)"), Col("i", "int(11)"), Col("e", "varchar(64)")},
                         {Pk({"id", "i"}), Uk("u_e", {"e"})});
  auto k2 = Choose(o2, g2, "DROP PRIMARY KEY, ADD PRIMARY KEY (id, i)");
  ASSERT_TRUE(k2.ok()) << k2.status().ToString();
  EXPECT_EQ(k2->ghost_index, "PRIMARY");
  EXPECT_TRUE(k2->widened);
}

TEST(ChooseSharedKeyTest, WideningByAColumnThatCannotIdentifyOldRowsIsRefused) {
  // Nullable in the old table (the new PRIMARY KEY makes it NOT NULL).
  TableSchema o = Table({Col("id", "int(11)"), Col("i", "int(11)", true)}, {Pk({"id"})});
  TableSchema g = Table({Col("id", "int(11)"), Col("i", "int(11)")}, {Pk({"id", "i"})});
  ExpectNoKey(Choose(o, g, "DROP PRIMARY KEY, ADD PRIMARY KEY (id, i)"),
              "PRIMARY KEY: the new table has no PRIMARY or NOT NULL UNIQUE key on (`id`); the "
              "new table's key `PRIMARY` adds a column to it, but column `i` is nullable in the "
              "old table");
  // A column the ALTER adds: the old table has no value for it.
  TableSchema o2 = Table({Col("id", "int(11)")}, {Pk({"id"})});
  TableSchema g2 = Table({Col("id", "int(11)"), Col("z", "int(11)")}, {Pk({"id", "z"})});
  ExpectNoKey(
      Choose(o2, g2, "ADD COLUMN z INT NOT NULL, DROP PRIMARY KEY, ADD PRIMARY KEY (id, z)"),
      "column `z` is not copied from the old table");
  // Generated in the old table, stored in the new one: not copied either.
  TableSchema o3 = Table({Col("id", "int(11)"), Col("s", "int(11)", false, GeneratedKind::kStored)},
                         {Pk({"id"})});
  TableSchema g3 = Table({Col("id", "int(11)"), Col("s", "int(11)")}, {Pk({"id", "s"})});
  ExpectNoKey(Choose(o3, g3, "MODIFY s INT NOT NULL, DROP PRIMARY KEY, ADD PRIMARY KEY (id, s)"),
              "column `s` is not copied from the old table");
}

TEST(ChooseSharedKeyTest, ASupersetThatDoesNotBeginWithTheOldKeyIsRefused) {
  // (i, id) holds id, but the old table could not be read in its order through any index.
  TableSchema o = Table({Col("id", "int(11)"), Col("i", "int(11)")}, {Pk({"id"})});
  TableSchema g = Table({Col("id", "int(11)"), Col("i", "int(11)")}, {Pk({"i", "id"})});
  ExpectNoKey(Choose(o, g, "DROP PRIMARY KEY, ADD PRIMARY KEY (i, id)"),
              "PRIMARY KEY: the new table has no PRIMARY or NOT NULL UNIQUE key on (`id`)");
}

}  // namespace
}  // namespace safeddl::schema
