#include "mysql/errors.h"

#include <errmsg.h>
#include <gtest/gtest.h>
#include <mysqld_error.h>

namespace safeddl::mysql {
namespace {

TEST(ErrorsTest, ClassifiesByDomain) {
  EXPECT_EQ(ClassifyErrno(ER_LOCK_WAIT_TIMEOUT), StatusCode::kLockWaitTimeout);
  EXPECT_EQ(ClassifyErrno(ER_LOCK_DEADLOCK), StatusCode::kDeadlock);
  EXPECT_EQ(ClassifyErrno(CR_SERVER_LOST), StatusCode::kConnectionLost);
  EXPECT_EQ(ClassifyErrno(CR_SERVER_GONE_ERROR), StatusCode::kConnectionLost);
  EXPECT_EQ(ClassifyErrno(CR_CONN_HOST_ERROR), StatusCode::kCannotConnect);
  EXPECT_EQ(ClassifyErrno(CR_UNKNOWN_HOST), StatusCode::kCannotConnect);
  EXPECT_EQ(ClassifyErrno(ER_ACCESS_DENIED_ERROR), StatusCode::kAccessDenied);
  EXPECT_EQ(ClassifyErrno(ER_SPECIFIC_ACCESS_DENIED_ERROR), StatusCode::kAccessDenied);
  EXPECT_EQ(ClassifyErrno(ER_NO_SUCH_TABLE), StatusCode::kNotFound);
  EXPECT_EQ(ClassifyErrno(ER_QUERY_INTERRUPTED), StatusCode::kInterrupted);
  EXPECT_EQ(ClassifyErrno(ER_PARSE_ERROR), StatusCode::kServerError);
}

TEST(ErrorsTest, RetryabilityFollowsClass) {
  EXPECT_TRUE(Status(ClassifyErrno(ER_LOCK_DEADLOCK), "x").IsRetryable());
  EXPECT_TRUE(Status(ClassifyErrno(CR_SERVER_LOST), "x").IsRetryable());
  EXPECT_FALSE(Status(ClassifyErrno(ER_ACCESS_DENIED_ERROR), "x").IsRetryable());
  EXPECT_FALSE(Status(ClassifyErrno(ER_PARSE_ERROR), "x").IsRetryable());
}

TEST(ErrorsTest, ValuesThatDoNotFitAreTheStrictModeConversionErrors) {
  for (unsigned e : {ER_DATA_TOO_LONG, ER_WARN_DATA_OUT_OF_RANGE, WARN_DATA_TRUNCATED,
                     ER_TRUNCATED_WRONG_VALUE_FOR_FIELD, ER_BAD_NULL_ERROR}) {
    EXPECT_TRUE(IsValueThatDoesNotFit(Status(ClassifyErrno(e), "x", e))) << e;
  }
  for (unsigned e : {unsigned{ER_DUP_ENTRY}, unsigned{ER_LOCK_DEADLOCK},
                     unsigned{ER_NO_SUCH_TABLE}}) {
    EXPECT_FALSE(IsValueThatDoesNotFit(Status(ClassifyErrno(e), "x", e))) << e;
  }
}

}  // namespace
}  // namespace safeddl::mysql
