#include "common/status.h"

#include <gtest/gtest.h>

#include "common/result.h"

namespace safeddl {
namespace {

TEST(StatusTest, DefaultIsOk) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.ToString(), "ok");
}

TEST(StatusTest, CarriesServerErrnoAndSqlstate) {
  Status s(StatusCode::kLockWaitTimeout, "Lock wait timeout exceeded", 1205, "HY000");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.server_errno(), 1205u);
  EXPECT_EQ(s.ToString(),
            "lock_wait_timeout: Lock wait timeout exceeded (errno 1205, SQLSTATE HY000)");
}

TEST(StatusTest, RetryableClasses) {
  EXPECT_TRUE(Status(StatusCode::kLockWaitTimeout, "x").IsRetryable());
  EXPECT_TRUE(Status(StatusCode::kDeadlock, "x").IsRetryable());
  EXPECT_TRUE(Status(StatusCode::kConnectionLost, "x").IsRetryable());
  EXPECT_FALSE(Status(StatusCode::kAccessDenied, "x").IsRetryable());
  EXPECT_FALSE(Status(StatusCode::kServerError, "x").IsRetryable());
  EXPECT_FALSE(UnsupportedError("fk").IsRetryable());
}

TEST(StatusTest, WithContextPrefixesAndKeepsCode) {
  Status s = NotFoundError("table `t` does not exist").WithContext("validating");
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.message(), "validating: table `t` does not exist");
  EXPECT_TRUE(Status::OK().WithContext("x").ok());
}

Result<int> Half(int x) {
  if (x % 2 != 0) return InvalidArgumentError("odd");
  return x / 2;
}

Result<int> Quarter(int x) {
  SAFEDDL_ASSIGN_OR_RETURN(int h, Half(x));
  SAFEDDL_ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

TEST(ResultTest, AssignOrReturnPropagates) {
  ASSERT_TRUE(Quarter(8).ok());
  EXPECT_EQ(*Quarter(8), 2);
  Result<int> r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "odd");
}

}  // namespace
}  // namespace safeddl
