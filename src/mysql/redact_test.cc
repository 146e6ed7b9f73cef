#include "mysql/redact.h"

#include <gtest/gtest.h>

namespace safeddl::mysql {
namespace {

TEST(RedactTest, IdentifiedBy) {
  EXPECT_EQ(RedactSecrets("CREATE USER 'u'@'h' IDENTIFIED BY 's3cret'"),
            "CREATE USER 'u'@'h' IDENTIFIED BY '***'");
  EXPECT_EQ(RedactSecrets("alter user x identified by \"p'w\""),
            "alter user x identified by '***'");
}

TEST(RedactTest, PasswordFunctionsAndReplicationOptions) {
  EXPECT_EQ(RedactSecrets("SET PASSWORD = PASSWORD('abc')"), "SET PASSWORD = PASSWORD('***')");
  EXPECT_EQ(RedactSecrets("CHANGE MASTER TO MASTER_USER='r', MASTER_PASSWORD='x''y'"),
            "CHANGE MASTER TO MASTER_USER='r', MASTER_PASSWORD='***'");
  EXPECT_EQ(RedactSecrets("IDENTIFIED VIA ed25519 USING PASSWORD('pw')"),
            "IDENTIFIED VIA ed25519 USING PASSWORD('***')");
  EXPECT_EQ(RedactSecrets("IDENTIFIED WITH mysql_native_password AS '*ABC'"),
            "IDENTIFIED WITH mysql_native_password AS '***'");
}

TEST(RedactTest, LeavesOrdinaryLiteralsAlone) {
  const std::string sql = "SELECT * FROM t WHERE alias = 'keep' AND b = 'x\\'y'";
  EXPECT_EQ(RedactSecrets(sql), sql);
}

}  // namespace
}  // namespace safeddl::mysql
