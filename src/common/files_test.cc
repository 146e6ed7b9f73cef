// FileExists: what the flag files and sockets are checked with.
#include "common/files.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <string>

namespace safeddl {
namespace {

TEST(FileExistsTest, SaysWhetherSomethingIsThere) {
  EXPECT_FALSE(FileExists(""));
  EXPECT_TRUE(FileExists("/"));
  std::string path = "/tmp/safeddl-files-test-XXXXXX";
  const int fd = ::mkstemp(path.data());
  ASSERT_GE(fd, 0);
  ::close(fd);
  EXPECT_TRUE(FileExists(path));
  ASSERT_EQ(std::remove(path.c_str()), 0);
  EXPECT_FALSE(FileExists(path));
}

}  // namespace
}  // namespace safeddl
