// Which ALTERs row-based replication carries between the old and the new definition.
#include "schema/replication_compat.h"

#include <gtest/gtest.h>

namespace safeddl::schema {
namespace {

bool Carried(std::string_view alter) {
  Result<ReplicationCompat> r = ReplicationCarries(alter);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() && r->carried;
}

TEST(ReplicationCompat, ColumnsAtTheEndIndexesAndOptionsAreCarried) {
  EXPECT_TRUE(Carried("ADD COLUMN note VARCHAR(10) NOT NULL DEFAULT 'a,b'"));
  EXPECT_TRUE(Carried("ADD note INT, ADD (x INT, y INT)"));
  EXPECT_TRUE(Carried("ADD INDEX (v), ADD KEY k2 (a, b), DROP INDEX old_k"));
  EXPECT_TRUE(Carried("ADD FULLTEXT (t)"));
  EXPECT_TRUE(Carried("ENGINE=InnoDB, ROW_FORMAT=DYNAMIC, COMMENT 'x'"));
  EXPECT_TRUE(Carried("FORCE"));
  EXPECT_TRUE(Carried("ADD COLUMN c INT COMMENT 'first, after'"));  // words inside a string
  EXPECT_TRUE(Carried("ALTER TABLE t ADD COLUMN c INT, ALGORITHM=INSTANT"));
}

TEST(ReplicationCompat, EverythingElseIsRefusedWithTheClause) {
  Result<ReplicationCompat> r = ReplicationCarries("ADD INDEX (a), ADD COLUMN c INT AFTER id");
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->carried);
  EXPECT_EQ(r->clause, "ADD COLUMN c INT AFTER id");
  EXPECT_NE(r->reason.find("elsewhere than at the end"), std::string::npos);
  EXPECT_FALSE(Carried("ADD COLUMN c INT FIRST"));
  EXPECT_FALSE(Carried("ADD UNIQUE KEY (a)"));
  EXPECT_FALSE(Carried("ADD CONSTRAINT u UNIQUE (a)"));
  EXPECT_FALSE(Carried("ADD COLUMN c INT UNIQUE"));
  EXPECT_FALSE(Carried("ADD PRIMARY KEY (a)"));
  EXPECT_FALSE(Carried("DROP COLUMN a"));
  EXPECT_FALSE(Carried("DROP PRIMARY KEY"));
  EXPECT_FALSE(Carried("MODIFY a BIGINT"));
  EXPECT_FALSE(Carried("CHANGE a b INT"));
  EXPECT_FALSE(Carried("ADD FOREIGN KEY (a) REFERENCES p (id)"));
  EXPECT_FALSE(Carried("ENGINE=Aria"));
  EXPECT_FALSE(Carried("ALGORITHM=INSTANT"));  // nothing to change
}

TEST(ReplicationCompat, SameColumnsForRollingChangesBetweenNodesThatReplicateBothWays) {
  auto same = [](std::string_view alter) {
    Result<ReplicationCompat> r = RowImagesUnchanged(alter);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() && r->carried;
  };
  EXPECT_TRUE(same("ADD INDEX (v), DROP INDEX old_k"));
  EXPECT_TRUE(same("ENGINE=InnoDB"));
  EXPECT_TRUE(same("FORCE"));
  EXPECT_TRUE(same("COMMENT 'x'"));
  Result<ReplicationCompat> r = RowImagesUnchanged("ADD INDEX (a), ADD COLUMN c INT");
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->carried);
  EXPECT_EQ(r->clause, "ADD COLUMN c INT");
  EXPECT_NE(r->reason.find("same columns"), std::string::npos);
  EXPECT_FALSE(same("ADD c INT"));
  EXPECT_FALSE(same("ADD UNIQUE KEY (a)"));
  EXPECT_FALSE(same("MODIFY a BIGINT"));
  EXPECT_FALSE(same("DROP COLUMN a"));
  // Async replication still takes a column at the end.
  EXPECT_TRUE(Carried("ADD COLUMN c INT"));
}

}  // namespace
}  // namespace safeddl::schema
