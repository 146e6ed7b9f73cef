#include "cli/argv_scrub.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace safeddl::cli {
namespace {

struct Argv {
  explicit Argv(std::vector<std::string> a) : storage(std::move(a)) {
    for (auto& s : storage) ptrs.push_back(s.data());
  }
  std::vector<std::string> storage;
  std::vector<char*> ptrs;
};

TEST(ArgvScrubTest, ScrubsBothForms) {
  Argv a({"safeddl", "check", "--password=hunter2", "--user", "u", "--password", "s3cr3t", "--host",
          "h"});
  EXPECT_EQ(ScrubPasswordArgs(static_cast<int>(a.ptrs.size()), a.ptrs.data()), 2);
  EXPECT_STREQ(a.ptrs[2], "--password=xxxxxxx");
  EXPECT_STREQ(a.ptrs[4], "u");
  EXPECT_STREQ(a.ptrs[6], "xxxxxx");
  EXPECT_STREQ(a.ptrs[8], "h");
}

TEST(ArgvScrubTest, ScrubsOtherPasswordFlagsButNotLookalikes) {
  Argv a({"safeddl", "--replication-password=abc", "--password-file", "/x", "--", "--password=z"});
  EXPECT_EQ(ScrubPasswordArgs(static_cast<int>(a.ptrs.size()), a.ptrs.data()), 1);
  EXPECT_STREQ(a.ptrs[1], "--replication-password=xxx");
  EXPECT_STREQ(a.ptrs[3], "/x");
  EXPECT_STREQ(a.ptrs[5], "--password=z");  // after "--" arguments are not flags
}

}  // namespace
}  // namespace safeddl::cli
