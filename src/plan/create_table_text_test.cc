#include "plan/create_table_text.h"

#include <gtest/gtest.h>

namespace safeddl::plan {
namespace {

// SHOW CREATE TABLE from MariaDB 10.11.19 for a table with hostile names: a doubled backtick in
// the table, column and key names, a column name holding a raw newline, a COMMENT with a quote,
// a comma, parentheses, an escaped newline and backslash, an application-time period, every kind
// of key, and a table COMMENT that reads like an AUTO_INCREMENT option.
constexpr std::string_view kRich = R"sql(CREATE TABLE `we``ird tab` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `a``b, (c)` varchar(20) DEFAULT 'x,y' COMMENT 'it''s, (a) \n \\ b''',
  `new
line` int(11) DEFAULT NULL,
  `pid` int(11) DEFAULT NULL,
  `s` date NOT NULL,
  `e` date NOT NULL,
  `g` point NOT NULL,
  `t` text DEFAULT NULL,
  PERIOD FOR `p` (`s`, `e`),
  PRIMARY KEY (`id`),
  UNIQUE KEY `u``1` (`a``b, (c)`(5)),
  KEY `k` (`pid`,`new
line`),
  SPATIAL KEY `sp` (`g`),
  FULLTEXT KEY `ft` (`t`),
  CONSTRAINT `fk9` FOREIGN KEY (`pid`) REFERENCES `p9` (`id`) ON DELETE CASCADE,
  CONSTRAINT `ck` CHECK (`pid` > 0 and `a``b, (c)` <> ')')
) ENGINE=InnoDB AUTO_INCREMENT=42 DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci COMMENT='AUTO_INCREMENT=7, (x)')sql";

ParsedCreateTable MustParse(std::string_view text) {
  auto parsed = ParseCreateTable(text);
  EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
  return parsed.ok() ? *parsed : ParsedCreateTable{};
}

void ExpectInvalid(std::string_view text, std::string_view message_part) {
  auto parsed = ParseCreateTable(text);
  ASSERT_FALSE(parsed.ok()) << text;
  EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(parsed.status().message().find(message_part), std::string::npos)
      << parsed.status().message();
}

TEST(CreateTableTextTest, ParsesColumnsWithHostileNamesAndStrings) {
  const ParsedCreateTable t = MustParse(kRich);
  EXPECT_EQ(t.name, "we`ird tab");
  ASSERT_EQ(t.columns.size(), 8u);
  EXPECT_EQ(t.columns[0].name, "id");
  EXPECT_EQ(t.columns[0].definition, "int(11) NOT NULL AUTO_INCREMENT");
  EXPECT_EQ(t.columns[1].name, "a`b, (c)");
  EXPECT_EQ(t.columns[1].definition, R"(varchar(20) DEFAULT 'x,y' COMMENT 'it''s, (a) \n \\ b''')");
  EXPECT_EQ(t.columns[2].name, "new\nline");
  EXPECT_EQ(t.columns[2].definition, "int(11) DEFAULT NULL");
  EXPECT_EQ(t.columns[7].name, "t");
  EXPECT_EQ(t.columns[7].definition, "text DEFAULT NULL");
}

TEST(CreateTableTextTest, ParsesKeysAndConstraintsInTheServersOrder) {
  const ParsedCreateTable t = MustParse(kRich);
  ASSERT_EQ(t.keys.size(), 7u);
  EXPECT_EQ(t.keys[0].kind, CreateKeyKind::kPrimary);
  EXPECT_EQ(t.keys[0].name, "PRIMARY");
  EXPECT_EQ(t.keys[0].definition, "PRIMARY KEY (`id`)");
  EXPECT_EQ(t.keys[1].kind, CreateKeyKind::kUnique);
  EXPECT_EQ(t.keys[1].name, "u`1");
  EXPECT_EQ(t.keys[1].definition, "UNIQUE KEY `u``1` (`a``b, (c)`(5))");
  EXPECT_EQ(t.keys[2].kind, CreateKeyKind::kPlain);
  EXPECT_EQ(t.keys[2].name, "k");
  EXPECT_EQ(t.keys[2].definition, "KEY `k` (`pid`,`new\nline`)");
  EXPECT_EQ(t.keys[3].kind, CreateKeyKind::kSpatial);
  EXPECT_EQ(t.keys[3].name, "sp");
  EXPECT_EQ(t.keys[4].kind, CreateKeyKind::kFulltext);
  EXPECT_EQ(t.keys[4].name, "ft");
  EXPECT_EQ(t.keys[5].kind, CreateKeyKind::kForeign);
  EXPECT_EQ(t.keys[5].name, "fk9");
  EXPECT_EQ(t.keys[5].definition,
            "CONSTRAINT `fk9` FOREIGN KEY (`pid`) REFERENCES `p9` (`id`) ON DELETE CASCADE");
  EXPECT_EQ(t.keys[6].kind, CreateKeyKind::kCheck);
  EXPECT_EQ(t.keys[6].name, "ck");
  EXPECT_EQ(t.keys[6].definition, "CONSTRAINT `ck` CHECK (`pid` > 0 and `a``b, (c)` <> ')')");
}

TEST(CreateTableTextTest, KeepsOtherLinesAndDropsOnlyTheAutoIncrementOption) {
  const ParsedCreateTable t = MustParse(kRich);
  EXPECT_EQ(t.other_lines, std::vector<std::string>{"PERIOD FOR `p` (`s`, `e`)"});
  EXPECT_EQ(t.table_options,
            "ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci "
            "COMMENT='AUTO_INCREMENT=7, (x)'");
  EXPECT_EQ(t.partitioning, "");
}

TEST(CreateTableTextTest, FindsColumnsAndKeysIgnoringCase) {
  const ParsedCreateTable t = MustParse(kRich);
  ASSERT_NE(t.FindColumn("PID"), nullptr);
  EXPECT_EQ(t.FindColumn("PID")->name, "pid");
  EXPECT_NE(t.FindColumn("A`B, (C)"), nullptr);
  EXPECT_EQ(t.FindColumn("nope"), nullptr);
  ASSERT_NE(t.FindKey("primary"), nullptr);
  EXPECT_EQ(t.FindKey("primary")->kind, CreateKeyKind::kPrimary);
  ASSERT_NE(t.FindKey("FK9"), nullptr);
  EXPECT_EQ(t.FindKey("FK9")->kind, CreateKeyKind::kForeign);
  EXPECT_EQ(t.FindKey("nope"), nullptr);
}

TEST(CreateTableTextTest, ReadsMultiLinePartitioning) {
  // MariaDB 10.11.19, PARTITION BY RANGE with a partition COMMENT holding a comma.
  const ParsedCreateTable t = MustParse(R"sql(CREATE TABLE `t` (
  `id` int(11) NOT NULL,
  `d` date NOT NULL,
  PRIMARY KEY (`id`,`d`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci
 PARTITION BY RANGE (year(`d`))
(PARTITION `p0` VALUES LESS THAN (2000) COMMENT = 'a,b' ENGINE = InnoDB,
 PARTITION `p1` VALUES LESS THAN MAXVALUE ENGINE = InnoDB))sql");
  EXPECT_EQ(t.table_options, "ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci");
  EXPECT_EQ(t.partitioning,
            "PARTITION BY RANGE (year(`d`))\n"
            "(PARTITION `p0` VALUES LESS THAN (2000) COMMENT = 'a,b' ENGINE = InnoDB,\n"
            " PARTITION `p1` VALUES LESS THAN MAXVALUE ENGINE = InnoDB)");
}

TEST(CreateTableTextTest, AutoIncrementAsTheOnlyOrFirstOption) {
  EXPECT_EQ(MustParse("CREATE TABLE `t` (\n  `a` int(11)\n) AUTO_INCREMENT=3").table_options, "");
  EXPECT_EQ(
      MustParse("CREATE TABLE `t` (\n  `a` int(11)\n) AUTO_INCREMENT=3 ENGINE=X").table_options,
      "ENGINE=X");
  // Not the option: a longer name, a non-number.
  EXPECT_EQ(MustParse("CREATE TABLE `t` (\n  `a` int(11)\n) X_AUTO_INCREMENT=3").table_options,
            "X_AUTO_INCREMENT=3");
}

TEST(CreateTableTextTest, RefusesTextsOfAnotherShape) {
  ExpectInvalid("", "CREATE TABLE");
  ExpectInvalid("CREATE VIEW `v` AS select 1", "CREATE TABLE");
  ExpectInvalid("CREATE TABLE t (\n  `a` int(11)\n) ENGINE=InnoDB", "sql_quote_show_create");
  ExpectInvalid("CREATE TABLE `t` (`a` int(11)) ENGINE=InnoDB", "line break");
  ExpectInvalid("CREATE TABLE `t` (\n  `a` int(11),\n", "closing");
  ExpectInvalid("CREATE TABLE `t` (\n  `a` int(11) COMMENT 'x\n) ENGINE=InnoDB", "unterminated");
  ExpectInvalid("CREATE TABLE `t` (\n  `a``\n) ENGINE=InnoDB", "unterminated");
  ExpectInvalid("CREATE TABLE `t` (\n) ENGINE=InnoDB", "no column");
  ExpectInvalid("CREATE TABLE `t` (\n`a` int(11)\n) ENGINE=InnoDB", "two spaces");
  ExpectInvalid("CREATE TABLE `t` (\n  `a`\n) ENGINE=InnoDB", "without a definition");
  ExpectInvalid("CREATE TABLE `t` (\n  `a` int,\n  KEY k (`a`)\n) ENGINE=InnoDB", "quoted name");
}

TEST(CreateTableTextTest, ComparableCreateDropsTheNameAndAutoIncrement) {
  const std::string a = ComparableCreate(
      "CREATE TABLE `t` (\n  `id` int(11) NOT NULL AUTO_INCREMENT,\n  PRIMARY KEY (`id`)\n"
      ") ENGINE=InnoDB AUTO_INCREMENT=5 DEFAULT CHARSET=latin1 COMMENT='AUTO_INCREMENT=9'\n");
  EXPECT_EQ(a,
            "CREATE TABLE (\n  `id` int(11) NOT NULL AUTO_INCREMENT,\n  PRIMARY KEY (`id`)\n"
            ") ENGINE=InnoDB DEFAULT CHARSET=latin1 COMMENT='AUTO_INCREMENT=9'");
  EXPECT_EQ(a, ComparableCreate("CREATE TABLE `_t_new` (\n  `id` int(11) NOT NULL AUTO_INCREMENT,\n"
                                "  PRIMARY KEY (`id`)\n) ENGINE=InnoDB DEFAULT CHARSET=latin1 "
                                "COMMENT='AUTO_INCREMENT=9'"));
  EXPECT_NE(a, ComparableCreate("CREATE TABLE `t` (\n  `id` int(11) NOT NULL AUTO_INCREMENT,\n"
                                "  PRIMARY KEY (`id`)\n) ENGINE=InnoDB DEFAULT CHARSET=latin1 "
                                "COMMENT='AUTO_INCREMENT=8'"));
}

TEST(CreateTableTextTest, ComparableCreateKeepsPartitioningAndOddTexts) {
  EXPECT_EQ(
      ComparableCreate("CREATE TABLE `t` (\n  `a` int(11)\n) ENGINE=InnoDB "
                       "AUTO_INCREMENT=2\n PARTITION BY HASH (`a`)\nPARTITIONS 2"),
      "CREATE TABLE (\n  `a` int(11)\n) ENGINE=InnoDB\n PARTITION BY HASH (`a`)\nPARTITIONS 2");
  // Not the server's shape: compared as it is.
  EXPECT_EQ(ComparableCreate("CREATE VIEW `v` AS select 1"), "CREATE VIEW `v` AS select 1");
}

}  // namespace
}  // namespace safeddl::plan
