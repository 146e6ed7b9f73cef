#include "cli/exit_codes.h"

#include <gtest/gtest.h>

namespace safeddl::cli {
namespace {

TEST(ExitCodesTest, ConnectionProblemsAreTwo) {
  EXPECT_EQ(ExitCodeFor(Status(StatusCode::kCannotConnect, "x")), kExitConnection);
  EXPECT_EQ(ExitCodeFor(Status(StatusCode::kAccessDenied, "x")), kExitConnection);
  EXPECT_EQ(ExitCodeFor(Status(StatusCode::kConnectionLost, "x")), kExitConnection);
}

TEST(ExitCodesTest, OthersAreFailureOrUsage) {
  EXPECT_EQ(ExitCodeFor(Status::OK()), kExitOk);
  EXPECT_EQ(ExitCodeFor(FailedPreconditionError("not ready")), kExitFailure);
  EXPECT_EQ(ExitCodeFor(UnsupportedError("fk")), kExitFailure);
  EXPECT_EQ(ExitCodeFor(InvalidArgumentError("bad flag")), kExitUsage);
}

}  // namespace
}  // namespace safeddl::cli
