#include "osc/deferred_indexes.h"

#include <gtest/gtest.h>

namespace safeddl::osc {
namespace {

schema::Index MakeIndex(std::string name, std::vector<std::string> columns, bool unique = false,
                        std::string type = "BTREE") {
  schema::Index i;
  i.name = std::move(name);
  i.columns = std::move(columns);
  i.unique = unique;
  i.primary = i.name == "PRIMARY";
  i.type = std::move(type);
  return i;
}

schema::TableSchema Table() {
  schema::TableSchema t;
  for (const char* name : {"id", "k", "c", "g", "u"}) {
    schema::Column c;
    c.name = name;
    t.columns.push_back(c);
  }
  t.columns[3].generated = schema::GeneratedKind::kVirtual;
  t.indexes = {MakeIndex("PRIMARY", {"id"}, true), MakeIndex("uq", {"u"}, true),
               MakeIndex("k`1", {"k"}), MakeIndex("kc", {"k", "c"}), MakeIndex("kg", {"g"})};
  return t;
}

constexpr char kCreate[] =
    "CREATE TABLE `_t_gho` (\n"
    "  `id` int(11) NOT NULL,\n"
    "  `k` int(11) NOT NULL,\n"
    "  `c` varchar(20) DEFAULT NULL,\n"
    "  `g` int(11) GENERATED ALWAYS AS (`k` * 2) VIRTUAL,\n"
    "  `u` int(11) DEFAULT NULL,\n"
    "  PRIMARY KEY (`id`),\n"
    "  UNIQUE KEY `uq` (`u`),\n"
    "  KEY `k``1` (`k`),\n"
    "  KEY `kc` (`k`,`c`(10)) COMMENT 'prefix',\n"
    "  KEY `kg` (`g`)\n"
    ") ENGINE=InnoDB DEFAULT CHARSET=latin1";

TEST(DeferredIndexesTest, PlainIndexesOverStoredColumnsOnly) {
  const std::vector<std::string> clauses = DeferrableIndexes(kCreate, Table());
  EXPECT_EQ(clauses, (std::vector<std::string>{"KEY `k``1` (`k`)",
                                               "KEY `kc` (`k`,`c`(10)) COMMENT 'prefix'"}));
  EXPECT_EQ(DeferredIndexName(clauses[0]), "k`1");
  EXPECT_EQ(DropDeferredIndexes("`d`.`_t_gho`", clauses),
            "ALTER TABLE `d`.`_t_gho` DROP KEY `k``1`, DROP KEY `kc`");
  EXPECT_EQ(AddDeferredIndexes("`d`.`_t_gho`", clauses),
            "ALTER TABLE `d`.`_t_gho` ADD KEY `k``1` (`k`), ADD KEY `kc` (`k`,`c`(10)) COMMENT "
            "'prefix', ALGORITHM=INPLACE, LOCK=NONE");
}

TEST(DeferredIndexesTest, NoneBesideAFulltextIndex) {
  schema::TableSchema t = Table();
  t.indexes.push_back(MakeIndex("ft", {"c"}, false, "FULLTEXT"));
  EXPECT_TRUE(DeferrableIndexes(kCreate, t).empty());
}

TEST(DeferredIndexesTest, NamesOnlyOfPlainKeys) {
  EXPECT_EQ(DeferredIndexName("UNIQUE KEY `u` (`u`)"), "");
  EXPECT_EQ(DeferredIndexName("KEY `unterminated"), "");
  EXPECT_EQ(DeferredIndexName("KEY `a b` (`a`)"), "a b");
}

}  // namespace
}  // namespace safeddl::osc
