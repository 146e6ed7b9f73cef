#include "plan/value_fit.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

// The predicates below were also run on MariaDB 10.11 (a safeddl sandbox, default and --stock
// settings): for each case a table of edge values, the rows each predicate selects, compared
// with the rows a strict ALTER (one row at a time) refuses, the rows a non-strict ALTER changes,
// and the same for INSERT IGNORE ... SELECT under STRICT_ALL_TABLES (safeddl's copy). Values
// noted next to a case are from those runs: "flags" are the rows the predicates select, and
// they were exactly the refused or changed ones.

namespace safeddl::plan {
namespace {

using schema::Column;
using Strings = std::vector<std::string>;

// A column as introspection gives it: data_type from the column type, UNSIGNED noted.
Column Col(std::string_view column_type, bool nullable = false) {
  Column c;
  c.name = "c";
  c.column_type = std::string(column_type);
  c.data_type = c.column_type.substr(0, c.column_type.find_first_of("( "));
  c.is_unsigned = c.column_type.find(" unsigned") != std::string::npos;
  c.nullable = nullable;
  return c;
}

Column Text(std::string_view column_type, std::string_view charset = "utf8mb4") {
  Column c = Col(column_type);
  c.charset = std::string(charset);
  c.collation = std::string(charset) + "_bin";
  return c;
}

Strings Kinds(const FitAnalysis& f) {
  Strings out;
  for (const FitCheck& c : f.checks) out.push_back(c.kind);
  return out;
}

// The predicate of the only check of `kind` ("" when there is none; fails when there are more).
std::string Predicate(const FitAnalysis& f, std::string_view kind) {
  std::string out;
  int n = 0;
  for (const FitCheck& c : f.checks) {
    if (c.kind != kind) continue;
    out = c.predicate;
    ++n;
  }
  EXPECT_LE(n, 1) << kind;
  return out;
}

std::string Detail(const FitAnalysis& f, std::string_view kind) {
  for (const FitCheck& c : f.checks) {
    if (c.kind == kind) return c.detail;
  }
  return "";
}

void ExpectNoChecks(const Column& before, const Column& after) {
  FitAnalysis f = CheckValueFit(before, after);
  EXPECT_TRUE(f.checks.empty()) << before.column_type << " -> " << after.column_type << ": "
                                << f.checks.front().predicate;
  EXPECT_EQ(f.unchecked, "") << before.column_type << " -> " << after.column_type;
}

TEST(ValueFitTest, NullIntoNotNull) {
  FitAnalysis f = CheckValueFit(Col("int(11)", true), Col("int(11)", false));
  ASSERT_EQ(Kinds(f), Strings{"null_into_not_null"});
  EXPECT_EQ(f.checks[0].predicate, "`c` IS NULL");
  EXPECT_EQ(f.checks[0].detail, "NULL does not fit NOT NULL int(11)");
  EXPECT_EQ(f.unchecked, "");
  // Whatever the types: with an unmodelled change too, beside the type checks.
  f = CheckValueFit(Text("varchar(10)"), Col("int(11)"));
  EXPECT_TRUE(f.checks.empty());
  Column nullable = Text("varchar(10)");
  nullable.nullable = true;
  f = CheckValueFit(nullable, Col("int(11)"));
  EXPECT_EQ(Kinds(f), Strings{"null_into_not_null"});
  EXPECT_NE(f.unchecked, "");
  // Server: INT NULL -> TINYINT NOT NULL over (NULL, 300, 3) flags rows 1 and 2.
  f = CheckValueFit(Col("int(11)", true), Col("tinyint(4)"));
  EXPECT_EQ(Kinds(f), (Strings{"null_into_not_null", "out_of_range"}));
  // NOT NULL -> NULL, or NULL -> NULL: nothing.
  ExpectNoChecks(Col("int(11)"), Col("int(11)", true));
  ExpectNoChecks(Col("int(11)", true), Col("int(11)", true));
}

TEST(ValueFitTest, ColumnNameIsQuoted) {
  Column before = Col("int(11)", true);
  before.name = "we`ird";
  Column after = Col("int(11)");
  after.name = "renamed";
  EXPECT_EQ(Predicate(CheckValueFit(before, after), "null_into_not_null"), "`we``ird` IS NULL");
}

TEST(ValueFitTest, IntegerNarrowed) {
  // Server: INT -> TINYINT over (0, 127, 128, -128, -129, 2147483647, NULL) flags 128, -129,
  // 2147483647, as a strict ALTER refuses them.
  FitAnalysis f = CheckValueFit(Col("int(11)"), Col("tinyint(4)"));
  ASSERT_EQ(Kinds(f), Strings{"out_of_range"});
  EXPECT_EQ(f.checks[0].predicate, "`c` > 127 OR `c` < -128");
  EXPECT_EQ(f.checks[0].detail, "values above 127 or below -128 do not fit tinyint(4)");
  EXPECT_EQ(
      Predicate(CheckValueFit(Col("bigint(20)"), Col("mediumint(8) unsigned")), "out_of_range"),
      "`c` > 16777215 OR `c` < 0");
  EXPECT_EQ(Predicate(CheckValueFit(Col("bigint(20)"), Col("smallint(6)")), "out_of_range"),
            "`c` > 32767 OR `c` < -32768");
}

TEST(ValueFitTest, IntegerSignednessChanged) {
  FitAnalysis f = CheckValueFit(Col("int(11)"), Col("int(10) unsigned"));
  EXPECT_EQ(Predicate(f, "out_of_range"), "`c` < 0");
  EXPECT_EQ(Detail(f, "out_of_range"), "values below 0 do not fit int(10) unsigned");
  EXPECT_EQ(Predicate(CheckValueFit(Col("int(10) unsigned"), Col("int(11)")), "out_of_range"),
            "`c` > 2147483647");
  EXPECT_EQ(Predicate(CheckValueFit(Col("bigint(20) unsigned"), Col("bigint(20)")), "out_of_range"),
            "`c` > 9223372036854775807");
  // Widening to an unsigned type still refuses negatives.
  EXPECT_EQ(Predicate(CheckValueFit(Col("int(11)"), Col("bigint(20) unsigned")), "out_of_range"),
            "`c` < 0");
}

TEST(ValueFitTest, IntegerWidenedHasNoChecks) {
  ExpectNoChecks(Col("smallint(6)"), Col("int(11)"));
  ExpectNoChecks(Col("int(11)"), Col("bigint(20)"));
  ExpectNoChecks(Col("tinyint(3) unsigned"), Col("smallint(6)"));
  ExpectNoChecks(Col("int(10) unsigned"), Col("bigint(20)"));
  ExpectNoChecks(Col("int(10)"), Col("int(11)"));  // display width only
  ExpectNoChecks(Col("int(10) unsigned"), Col("int(10) unsigned zerofill"));
  ExpectNoChecks(Col("int(11)"), Col("decimal(10,0)"));
  ExpectNoChecks(Col("bigint(20)"), Col("decimal(20,0)"));
  ExpectNoChecks(Col("int(11)"), Col("double"));
  ExpectNoChecks(Col("mediumint(8) unsigned"), Col("float"));  // exact below 2^24
}

TEST(ValueFitTest, DecimalNarrowed) {
  // Server: DECIMAL(10,3) -> DECIMAL(5,2): 999.995, -999.995, 1000 refused (out of range after
  // rounding); 999.994, 1.235, -1.235, 0.005, -0.005 rounded (a note, not refused); 999.99,
  // 1.230, 0.001 (-> 0.00 is a change: flagged) ...
  FitAnalysis f = CheckValueFit(Col("decimal(10,3)"), Col("decimal(5,2)"));
  ASSERT_EQ(Kinds(f), (Strings{"out_of_range", "rounded"}));
  EXPECT_EQ(f.checks[0].predicate, "ROUND(`c`, 2) > 999.99 OR ROUND(`c`, 2) < -999.99");
  EXPECT_EQ(f.checks[0].detail, "values above 999.99 or below -999.99 do not fit decimal(5,2)");
  EXPECT_EQ(f.checks[1].predicate, "`c` <> ROUND(`c`, 2)");
  EXPECT_EQ(f.checks[1].detail, "values with more than 2 decimals are rounded to fit decimal(5,2)");
  // Fewer integer digits only.
  f = CheckValueFit(Col("decimal(6,2)"), Col("decimal(6,3)"));
  EXPECT_EQ(Kinds(f), Strings{"out_of_range"});
  EXPECT_EQ(f.checks[0].predicate, "`c` > 999.999 OR `c` < -999.999");
  // All digits decimals.
  EXPECT_EQ(Predicate(CheckValueFit(Col("decimal(4,2)"), Col("decimal(2,2)")), "out_of_range"),
            "`c` > 0.99 OR `c` < -0.99");
  ExpectNoChecks(Col("decimal(10,2)"), Col("decimal(12,2)"));
  ExpectNoChecks(Col("decimal(10,2)"), Col("decimal(11,3)"));
  ExpectNoChecks(Col("decimal(5,2) unsigned"), Col("decimal(5,2)"));
}

TEST(ValueFitTest, DecimalIntoUnsignedRefusesEveryNegative) {
  // Server: -0.004 -> DECIMAL(5,2) UNSIGNED is refused though it rounds to 0.00.
  FitAnalysis f = CheckValueFit(Col("decimal(10,3)"), Col("decimal(5,2) unsigned"));
  EXPECT_EQ(Predicate(f, "out_of_range"), "ROUND(`c`, 2) > 999.99 OR `c` < 0");
  EXPECT_EQ(Predicate(f, "rounded"), "`c` <> ROUND(`c`, 2)");
  EXPECT_EQ(
      Predicate(CheckValueFit(Col("decimal(5,2)"), Col("decimal(5,2) unsigned")), "out_of_range"),
      "`c` < 0");
}

TEST(ValueFitTest, IntegerAndDecimal) {
  FitAnalysis f = CheckValueFit(Col("int(11)"), Col("decimal(5,2)"));
  EXPECT_EQ(Kinds(f), Strings{"out_of_range"});
  EXPECT_EQ(f.checks[0].predicate, "`c` > 999.99 OR `c` < -999.99");
  // Server: DECIMAL(6,2) -> TINYINT: 127.5 and -128.5 refused, 1.5 -> 2, 2.5 -> 3, -2.5 -> -3,
  // 0.4 -> 0 (half away from zero, as ROUND() of a decimal).
  f = CheckValueFit(Col("decimal(6,2)"), Col("tinyint(4)"));
  EXPECT_EQ(Kinds(f), (Strings{"out_of_range", "rounded"}));
  EXPECT_EQ(f.checks[0].predicate, "ROUND(`c`) > 127 OR ROUND(`c`) < -128");
  EXPECT_EQ(f.checks[1].predicate, "`c` <> ROUND(`c`)");
  EXPECT_EQ(f.checks[1].detail, "values with a fractional part are rounded to fit tinyint(4)");
  // No rounding needed, range fits: nothing.
  ExpectNoChecks(Col("decimal(9,0)"), Col("int(11)"));
  // Range fits, fractions round.
  f = CheckValueFit(Col("decimal(6,2)"), Col("int(11)"));
  EXPECT_EQ(Kinds(f), Strings{"rounded"});
  f = CheckValueFit(Col("decimal(6,2)"), Col("int(10) unsigned"));
  EXPECT_EQ(Predicate(f, "out_of_range"), "`c` < 0");
}

TEST(ValueFitTest, DoubleIntoInteger) {
  // Server: DOUBLE -> TINYINT: 0.5 -> 0, 1.5 -> 2, 2.5 -> 2, 126.5 -> 126 (half to even, as
  // ROUND() of a double); 127.5 and 1e300 refused.
  FitAnalysis f = CheckValueFit(Col("double"), Col("tinyint(4)"));
  EXPECT_EQ(Kinds(f), (Strings{"out_of_range", "rounded"}));
  EXPECT_EQ(f.checks[0].predicate, "ROUND(`c`) > 127 OR ROUND(`c`) < -128");
  EXPECT_EQ(f.checks[1].predicate, "`c` <> ROUND(`c`)");
  // 2^63 - 1 is no double: the bound is 2^63. Server: 9.223372036854776e18 becomes
  // 9223372036854775807 silently; 9.223372036854775e18 is exact.
  f = CheckValueFit(Col("double"), Col("bigint(20)"));
  EXPECT_EQ(Predicate(f, "out_of_range"),
            "ROUND(`c`) >= 9223372036854775808 OR ROUND(`c`) < -9223372036854775808");
  // A native ALTER converts through a signed integer: refuses 1.844674407370955e19.
  f = CheckValueFit(Col("double"), Col("bigint(20) unsigned"));
  EXPECT_EQ(Predicate(f, "out_of_range"), "ROUND(`c`) >= 9223372036854775808 OR ROUND(`c`) < 0");
  EXPECT_NE(Detail(f, "out_of_range").find("native ALTER"), std::string::npos);
  // FLOAT sources are the same.
  EXPECT_EQ(Predicate(CheckValueFit(Col("float"), Col("int(11)")), "rounded"), "`c` <> ROUND(`c`)");
}

TEST(ValueFitTest, DoubleAndFloatIntoDecimal) {
  // Server: DOUBLE -> DECIMAL(5,2): 999.995, -999.995, 999.996, 1e300 refused; 0.125 -> 0.13,
  // 2.675 -> 2.68 (the double's shortest text rounded half up, as CAST), 1e-40 -> 0.00.
  FitAnalysis f = CheckValueFit(Col("double"), Col("decimal(5,2)"));
  EXPECT_EQ(Predicate(f, "out_of_range"),
            "CAST(`c` AS DECIMAL(65, 2)) > 999.99 OR CAST(`c` AS DECIMAL(65, 2)) < -999.99");
  EXPECT_EQ(Predicate(f, "rounded"), "`c` <> CAST(`c` AS DECIMAL(65, 2))");
  // A FLOAT is compared as a float: 0.1 -> 0.10 is no change, 0.125 -> 0.13 is.
  f = CheckValueFit(Col("float"), Col("decimal(6,2)"));
  EXPECT_EQ(Predicate(f, "rounded"), "`c` <> CAST(CAST(`c` AS DECIMAL(65, 2)) AS FLOAT)");
  // DECIMAL(65, s) clips to the new maximum itself. Server: 1e35 refused, 9.999999999999999e34
  // fits DECIMAL(65,30).
  f = CheckValueFit(Col("double"), Col("decimal(65,30)"));
  const std::string max = std::string(35, '9') + "." + std::string(30, '9');
  EXPECT_EQ(Predicate(f, "out_of_range"), "CAST(`c` AS DECIMAL(65, 30)) >= " + max +
                                              " OR CAST(`c` AS DECIMAL(65, 30)) <= -" + max);
  // UNSIGNED refuses -0.001 (server) though it rounds to 0.00.
  f = CheckValueFit(Col("double"), Col("decimal(5,2) unsigned"));
  EXPECT_EQ(Predicate(f, "out_of_range"), "CAST(`c` AS DECIMAL(65, 2)) > 999.99 OR `c` < 0");
}

TEST(ValueFitTest, IntoFloatOrDouble) {
  // Server: BIGINT -> DOUBLE changes 9007199254740993 and -9007199254740993, not 2^53.
  EXPECT_EQ(Predicate(CheckValueFit(Col("bigint(20)"), Col("double")), "rounded"),
            "`c` <> CAST(CAST(`c` AS DOUBLE) AS DECIMAL(20, 0))");
  // Server: INT -> FLOAT changes 16777217, -16777217, 2147483647.
  EXPECT_EQ(Predicate(CheckValueFit(Col("int(11)"), Col("float")), "rounded"),
            "`c` <> CAST(CAST(`c` AS FLOAT) AS DECIMAL(20, 0))");
  // Server: DECIMAL(20,2) -> DOUBLE changes 123456789012345678.91, not 1234567890123.45.
  EXPECT_EQ(Predicate(CheckValueFit(Col("decimal(20,2)"), Col("double")), "rounded"),
            "`c` <> CAST(CAST(`c` AS DOUBLE) AS DECIMAL(20, 2))");
  ExpectNoChecks(Col("decimal(15,2)"), Col("double"));
  ExpectNoChecks(Col("float"), Col("double"));
  ExpectNoChecks(Col("decimal(6,2)"), Col("float"));
  EXPECT_NE(CheckValueFit(Col("decimal(10,2)"), Col("float")).unchecked, "");
  EXPECT_NE(CheckValueFit(Col("double"), Col("float")).unchecked, "");
  FitAnalysis f = CheckValueFit(Col("int(11)"), Col("float(5,2)"));
  EXPECT_TRUE(f.checks.empty());
  EXPECT_NE(f.unchecked.find("FLOAT(M,D)"), std::string::npos);
}

TEST(ValueFitTest, CharactersNarrowed) {
  // Server: VARCHAR(10) -> VARCHAR(3) flags 'abcd', 'ab  ' (spaces cut: changed, not refused),
  // 'áéíó', '😀😀😀😀'; not 'abc', 'ab ', '😀😀😀'.
  FitAnalysis f = CheckValueFit(Text("varchar(10)"), Text("varchar(3)"));
  ASSERT_EQ(Kinds(f), Strings{"truncated"});
  EXPECT_EQ(f.checks[0].predicate, "CHAR_LENGTH(`c`) > 3");
  EXPECT_EQ(f.checks[0].detail, "values longer than 3 characters are cut to fit varchar(3)");
  EXPECT_EQ(Predicate(CheckValueFit(Text("char(8)"), Text("char(4)")), "truncated"),
            "CHAR_LENGTH(`c`) > 4");
  EXPECT_EQ(Predicate(CheckValueFit(Text("text"), Text("varchar(100)")), "truncated"),
            "CHAR_LENGTH(`c`) > 100");
  ExpectNoChecks(Text("varchar(3)"), Text("varchar(10)"));
  ExpectNoChecks(Text("char(4)"), Text("varchar(4)"));
  ExpectNoChecks(Text("varchar(20)"), Text("text"));
  ExpectNoChecks(Text("tinytext", "latin1"), Text("varchar(300)"));
}

TEST(ValueFitTest, TextTypesCountBytesInTheNewCharset) {
  // Server: VARCHAR(300) utf8mb4 -> TINYTEXT flags REPEAT('a', 256), REPEAT('é', 128), not
  // REPEAT('é', 127).
  FitAnalysis f = CheckValueFit(Text("varchar(300)"), Text("tinytext"));
  EXPECT_EQ(Predicate(f, "truncated"), "LENGTH(`c`) > 255");
  EXPECT_EQ(Detail(f, "truncated"),
            "values longer than 255 bytes in utf8mb4 are cut to fit tinytext");
  // Server: TEXT latin1 -> TINYTEXT utf8mb4 flags REPEAT('é', 128) (256 bytes in utf8mb4).
  f = CheckValueFit(Text("text", "latin1"), Text("tinytext"));
  EXPECT_EQ(Predicate(f, "truncated"), "LENGTH(CONVERT(`c` USING utf8mb4)) > 255");
  EXPECT_EQ(Kinds(f), Strings{"truncated"});  // latin1 -> utf8mb4 loses no character
  // 100 latin1 characters may take 300 bytes in utf8mb4 ('€'): checked.
  EXPECT_EQ(Predicate(CheckValueFit(Text("varchar(100)", "latin1"), Text("tinytext")), "truncated"),
            "LENGTH(CONVERT(`c` USING utf8mb4)) > 255");
  EXPECT_EQ(Predicate(CheckValueFit(Text("longtext"), Text("mediumtext")), "truncated"),
            "LENGTH(`c`) > 16777215");
  ExpectNoChecks(Text("varchar(20)"), Text("tinytext"));  // 80 bytes at most
  ExpectNoChecks(Text("mediumtext"), Text("longtext"));
}

TEST(ValueFitTest, CharDropsTrailingSpaces) {
  // Server: VARCHAR(20) -> CHAR(20) changes 'ab  ' (to 'ab'), not ' ab' or 'a\tb'.
  FitAnalysis f = CheckValueFit(Text("varchar(20)"), Text("char(20)"));
  ASSERT_EQ(Kinds(f), Strings{"truncated"});
  EXPECT_EQ(f.checks[0].predicate, "CHAR_LENGTH(RTRIM(`c`)) < CHAR_LENGTH(`c`)");
  EXPECT_EQ(f.checks[0].detail, "trailing spaces are dropped by char(20)");
  ExpectNoChecks(Text("char(8)"), Text("char(10)"));
}

TEST(ValueFitTest, BinaryStrings) {
  // Server: BINARY(8) -> BINARY(4) refuses 'ab' too: it is 'ab' and six zero bytes.
  FitAnalysis f = CheckValueFit(Col("binary(8)"), Col("binary(4)"));
  ASSERT_EQ(Kinds(f), Strings{"truncated"});
  EXPECT_EQ(f.checks[0].predicate, "LENGTH(`c`) > 4");
  EXPECT_EQ(f.checks[0].detail,
            "values longer than 4 bytes are cut to fit binary(4) (binary(8) values are always "
            "8 bytes, zero padding included)");
  // Server: VARBINARY(8) -> BINARY(4): 'abcde' refused, 'ab' and '' padded with zero bytes.
  f = CheckValueFit(Col("varbinary(8)"), Col("binary(4)"));
  EXPECT_EQ(Kinds(f), (Strings{"truncated", "padded"}));
  EXPECT_EQ(Predicate(f, "padded"), "LENGTH(`c`) < 4");
  // Server: every BINARY(4) value gets four more zero bytes in BINARY(8).
  f = CheckValueFit(Col("binary(4)"), Col("binary(8)"));
  EXPECT_EQ(Kinds(f), Strings{"padded"});
  EXPECT_EQ(Predicate(f, "padded"), "LENGTH(`c`) < 8");
  EXPECT_EQ(Predicate(CheckValueFit(Col("blob"), Col("tinyblob")), "truncated"),
            "LENGTH(`c`) > 255");
  ExpectNoChecks(Col("binary(4)"), Col("varbinary(8)"));
  ExpectNoChecks(Col("varbinary(8)"), Col("blob"));
}

TEST(ValueFitTest, BetweenTextAndBytes) {
  // Server: VARBINARY -> VARCHAR utf8mb4 refuses X'FF' and X'61E282', keeps X'C3A9', X'00'.
  FitAnalysis f = CheckValueFit(Col("varbinary(10)"), Text("varchar(10)"));
  ASSERT_EQ(Kinds(f), Strings{"unconvertible"});
  EXPECT_EQ(f.checks[0].predicate, "`c` <> CAST(CONVERT(`c` USING utf8mb4) AS BINARY)");
  EXPECT_EQ(Predicate(CheckValueFit(Col("varbinary(10)"), Text("varchar(2)")), "truncated"),
            "CHAR_LENGTH(CONVERT(`c` USING utf8mb4)) > 2");
  EXPECT_NE(CheckValueFit(Col("varbinary(10)"), Text("varchar(10)", "ucs2")).unchecked, "");
  // Text becomes its bytes: utf8mb4 'éééééé' is 12 bytes.
  f = CheckValueFit(Text("varchar(10)"), Col("varbinary(10)"));
  EXPECT_EQ(Kinds(f), Strings{"truncated"});
  EXPECT_EQ(f.checks[0].predicate, "LENGTH(`c`) > 10");
  ExpectNoChecks(Text("varchar(10)", "latin1"), Col("varbinary(10)"));
}

TEST(ValueFitTest, CharsetChange) {
  // Server: latin1 -> ascii flags 'á' and X'80' ('€'), not 'abc', '?', 'a '.
  FitAnalysis f = CheckValueFit(Text("varchar(10)", "latin1"), Text("varchar(10)", "ascii"));
  ASSERT_EQ(Kinds(f), Strings{"unconvertible"});
  EXPECT_EQ(f.checks[0].predicate,
            "CAST(`c` AS BINARY) <> CAST(CONVERT(CONVERT(`c` USING ascii) USING latin1) AS "
            "BINARY)");
  EXPECT_EQ(f.checks[0].detail, "characters that ascii cannot hold are refused or become '?'");
  // Server: utf8mb4 -> latin1 flags '😀' and 'ā', not '€' (latin1 is cp1252), '?', 'abc'.
  EXPECT_EQ(
      Predicate(CheckValueFit(Text("varchar(10)"), Text("varchar(10)", "latin1")), "unconvertible"),
      "CAST(`c` AS BINARY) <> CAST(CONVERT(CONVERT(`c` USING latin1) USING utf8mb4) AS "
      "BINARY)");
  EXPECT_EQ(Kinds(CheckValueFit(Text("varchar(10)"), Text("varchar(10)", "utf8mb3"))),
            Strings{"unconvertible"});
  // Server: CHAR(10) utf8mb4 -> CHAR(3) latin1 refuses 'abcd' and 'ā'.
  EXPECT_EQ(Kinds(CheckValueFit(Text("char(10)"), Text("char(3)", "latin1"))),
            (Strings{"truncated", "unconvertible"}));
  ExpectNoChecks(Text("varchar(10)", "latin1"), Text("varchar(10)"));
  ExpectNoChecks(Text("varchar(10)", "utf8mb3"), Text("varchar(10)"));
  ExpectNoChecks(Text("varchar(10)", "ascii"), Text("varchar(10)", "latin1"));
  ExpectNoChecks(Text("varchar(10)", "latin1"), Text("varchar(10)", "utf8"));
  ExpectNoChecks(Text("varchar(10)", "utf8"), Text("varchar(10)", "utf8mb3"));
  // A collation change alone changes no value.
  Column ci = Text("varchar(10)");
  ci.collation = "utf8mb4_general_ci";
  ExpectNoChecks(Text("varchar(10)"), ci);
}

TEST(ValueFitTest, EnumLabels) {
  // Server: values move by label, matched with the collation, and a number not found is taken
  // as a position: '1' became 'b', '3' became '2', 'A' became 'a', silently; '2', 'b' and the
  // error value '' stayed.
  FitAnalysis f = CheckValueFit(Text("enum('1','2','3','A','b')"), Text("enum('b','a','2','x')"));
  ASSERT_EQ(Kinds(f), Strings{"not_in_list"});
  EXPECT_EQ(f.checks[0].predicate, "`c` + 0 IN (1, 3, 4)");
  EXPECT_EQ(f.checks[0].detail,
            "'1', '3', 'A' are not in enum('b','a','2','x') (labels match exactly)");
  // Server: 'zz' refused (strict) or blanked.
  f = CheckValueFit(Text("enum('a','zz')"), Text("enum('a','b')"));
  EXPECT_EQ(Predicate(f, "not_in_list"), "`c` + 0 IN (2)");
  EXPECT_EQ(Detail(f, "not_in_list"), "'zz' is not in enum('a','b') (labels match exactly)");
  // Labels as information_schema quotes them.
  EXPECT_EQ(
      Predicate(CheckValueFit(Text("enum('it''s','back\\\\slash','x')"), Text("enum('x','it''s')")),
                "not_in_list"),
      "`c` + 0 IN (2)");
  ExpectNoChecks(Text("enum('a','b')"), Text("enum('a','b','c')"));
  ExpectNoChecks(Text("enum('a','b')"), Text("enum('b','a')"));
}

TEST(ValueFitTest, SetMembers) {
  // Server: SET('a','b','c','D') -> SET('c','a','d'): 'a,b' refused, 'D' became 'd'; 'a,c'
  // keeps its members (shown as 'c,a').
  FitAnalysis f = CheckValueFit(Text("set('a','b','c','D')"), Text("set('c','a','d')"));
  ASSERT_EQ(Kinds(f), Strings{"not_in_list"});
  EXPECT_EQ(f.checks[0].predicate, "(`c` + 0) & 10 <> 0");
  // An ENUM label is a SET value when its members are, in order: 'x,y' is, 'y,x' and 'a,a' are
  // not (server: 'y,x' became 'x,y', 'a,a' became 'a', 'b' refused).
  f = CheckValueFit(Text("enum('a','x,y','b','y,x','a,a','')"), Text("set('a','x','y')"));
  EXPECT_EQ(Predicate(f, "not_in_list"), "`c` + 0 IN (3, 4, 5)");
  f = CheckValueFit(Text("set('a','b')"), Text("enum('a','b')"));
  EXPECT_TRUE(f.checks.empty());
  EXPECT_NE(f.unchecked, "");
}

TEST(ValueFitTest, TextIntoEnum) {
  // Server: VARCHAR -> ENUM('a','b','é'): '' and 'c' refused; 'A', 'a ', '2', 'É' changed.
  FitAnalysis f = CheckValueFit(Text("varchar(10)"), Text("enum('a','b','é')"));
  ASSERT_EQ(Kinds(f), Strings{"not_in_list"});
  EXPECT_EQ(f.checks[0].predicate,
            "CAST(CONVERT(`c` USING utf8mb4) AS BINARY) NOT IN ('a', 'b', CONVERT(X'C3A9' USING "
            "utf8mb4))");
}

TEST(ValueFitTest, EnumIntoText) {
  FitAnalysis f = CheckValueFit(Text("enum('small','medium','large')"), Text("varchar(5)"));
  EXPECT_EQ(Kinds(f), Strings{"truncated"});
  EXPECT_EQ(f.checks[0].predicate, "CHAR_LENGTH(`c`) > 5");
  ExpectNoChecks(Text("enum('small','medium','large')"), Text("varchar(6)"));
  // A SET value may hold all members: 'a,bb' is 4 characters.
  EXPECT_EQ(Kinds(CheckValueFit(Text("set('a','bb')"), Text("varchar(3)"))), Strings{"truncated"});
  ExpectNoChecks(Text("set('a','bb')"), Text("varchar(4)"));
  EXPECT_EQ(Kinds(CheckValueFit(Text("enum('é')"), Text("varchar(5)", "ascii"))),
            Strings{"unconvertible"});
}

TEST(ValueFitTest, FractionalSeconds) {
  // Server: DATETIME(6) -> DATETIME(3) changes .123456, .000500, 9999-12-31 23:59:59.999999 and
  // keeps .123000 (TIME_ROUND_FRACTIONAL or not).
  FitAnalysis f = CheckValueFit(Col("datetime(6)"), Col("datetime(3)"));
  ASSERT_EQ(Kinds(f), Strings{"rounded"});
  EXPECT_EQ(f.checks[0].predicate, "MICROSECOND(`c`) % 1000 <> 0");
  EXPECT_EQ(f.checks[0].detail,
            "values with more than 3 fractional-second digits are rounded to fit datetime(3)");
  EXPECT_EQ(Predicate(CheckValueFit(Col("datetime(6)"), Col("datetime")), "rounded"),
            "MICROSECOND(`c`) <> 0");
  EXPECT_EQ(Predicate(CheckValueFit(Col("time(6)"), Col("time(4)")), "rounded"),
            "MICROSECOND(`c`) % 100 <> 0");
  EXPECT_EQ(Predicate(CheckValueFit(Col("timestamp(6)"), Col("timestamp(2)")), "rounded"),
            "MICROSECOND(`c`) % 10000 <> 0");
  ExpectNoChecks(Col("datetime(3)"), Col("datetime(6)"));
  ExpectNoChecks(Col("time"), Col("time(2)"));
}

TEST(ValueFitTest, DatesAndTimes) {
  FitAnalysis f = CheckValueFit(Col("datetime(3)"), Col("date"));
  ASSERT_EQ(Kinds(f), Strings{"truncated"});
  EXPECT_EQ(f.checks[0].predicate, "TIME(`c`) <> '00:00:00'");
  EXPECT_EQ(f.checks[0].detail, "values with a time of day other than 00:00:00 lose it in date");
  ExpectNoChecks(Col("date"), Col("datetime"));
  f = CheckValueFit(Col("datetime"), Col("timestamp"));
  EXPECT_TRUE(f.checks.empty());
  EXPECT_NE(f.unchecked.find("time zone"), std::string::npos);
  EXPECT_NE(CheckValueFit(Col("timestamp"), Col("date")).unchecked, "");
  EXPECT_NE(CheckValueFit(Col("time"), Col("datetime")).unchecked, "");
}

TEST(ValueFitTest, NumbersAndDatesIntoText) {
  // Server: INT -> VARCHAR(3) refuses 1000 and -100, keeps 999 and -99.
  FitAnalysis f = CheckValueFit(Col("int(11)"), Text("varchar(3)"));
  ASSERT_EQ(Kinds(f), Strings{"truncated"});
  EXPECT_EQ(f.checks[0].predicate, "CHAR_LENGTH(`c`) > 3");
  ExpectNoChecks(Col("int(11)"), Text("varchar(11)"));
  ExpectNoChecks(Col("int(10) unsigned"), Text("varchar(10)", "latin1"));
  ExpectNoChecks(Col("bigint(20)"), Text("tinytext"));
  // ZEROFILL pads to the display width: '00255'.
  EXPECT_EQ(Kinds(CheckValueFit(Col("tinyint(5) unsigned zerofill"), Text("varchar(4)"))),
            Strings{"truncated"});
  // '-99.99': 6 characters; '-0.99' for DECIMAL(2,2).
  EXPECT_EQ(Kinds(CheckValueFit(Col("decimal(5,2)"), Text("char(5)"))), Strings{"truncated"});
  ExpectNoChecks(Col("decimal(5,2)"), Text("char(7)"));
  ExpectNoChecks(Col("decimal(2,2)"), Text("char(5)"));
  EXPECT_EQ(Kinds(CheckValueFit(Col("datetime"), Text("varchar(10)"))), Strings{"truncated"});
  ExpectNoChecks(Col("datetime"), Text("varchar(19)"));
  EXPECT_EQ(Kinds(CheckValueFit(Col("datetime(3)"), Text("varchar(19)"))), Strings{"truncated"});
  EXPECT_NE(CheckValueFit(Col("double"), Text("varchar(10)")).unchecked, "");
  EXPECT_NE(CheckValueFit(Col("timestamp"), Text("varchar(30)")).unchecked, "");
}

TEST(ValueFitTest, Bits) {
  FitAnalysis f = CheckValueFit(Col("bit(8)"), Col("bit(4)"));
  ASSERT_EQ(Kinds(f), Strings{"out_of_range"});
  EXPECT_EQ(f.checks[0].predicate, "`c` + 0 > 15");
  EXPECT_EQ(Predicate(CheckValueFit(Col("bit(8)"), Col("tinyint(4)")), "out_of_range"),
            "`c` + 0 > 127");
  ExpectNoChecks(Col("bit(8)"), Col("tinyint(3) unsigned"));
  ExpectNoChecks(Col("bit(4)"), Col("bit(8)"));
  EXPECT_NE(CheckValueFit(Col("int(11)"), Col("bit(8)")).unchecked, "");
}

TEST(ValueFitTest, UnmodelledChangesAreUncheckedWithAReason) {
  FitAnalysis f = CheckValueFit(Text("varchar(10)"), Col("int(11)"));
  EXPECT_TRUE(f.checks.empty());
  EXPECT_EQ(f.unchecked,
            "varchar(10) -> int(11) is not checked against the data: a conversion between type "
            "families");
  EXPECT_NE(CheckValueFit(Col("year(4)"), Col("smallint(6)")).unchecked, "");
  EXPECT_NE(CheckValueFit(Col("int(11)"), Col("datetime")).unchecked, "");
  EXPECT_NE(CheckValueFit(Col("geometry"), Col("point")).unchecked, "");
  EXPECT_NE(CheckValueFit(Text("varchar(36)"), Col("uuid")).unchecked, "");
}

TEST(ValueFitTest, IdenticalAndGeneratedHaveNoChecks) {
  ExpectNoChecks(Col("uuid"), Col("uuid"));
  ExpectNoChecks(Col("year(4)"), Col("year(4)"));
  ExpectNoChecks(Text("enum('a','b')"), Text("enum('a','b')"));
  ExpectNoChecks(Text("longtext"), Text("longtext"));
  Column generated = Col("tinyint(4)");
  generated.generated = schema::GeneratedKind::kStored;
  ExpectNoChecks(Col("int(11)", true), generated);
}

}  // namespace
}  // namespace safeddl::plan
