#include "mysql/replication.h"

#include <gtest/gtest.h>

namespace safeddl::mysql {
namespace {

TEST(GtidDomainsTest, ReadsEachEntrysDomain) {
  EXPECT_EQ(GtidDomains("0-3311-23"), std::vector<uint32_t>({0}));
  EXPECT_EQ(GtidDomains("0-1-100, 2-5-7,17-1-1"), std::vector<uint32_t>({0, 2, 17}));
  EXPECT_TRUE(GtidDomains("").empty());
  EXPECT_EQ(GtidDomains("x-1-1,3-1-1,-1-2"), std::vector<uint32_t>({3}));
}

TEST(LocalGtidDomainTest, KeepsAConfiguredDomainNothingReplicates) {
  EXPECT_EQ(LocalGtidDomain(5, {0}), 5u);
  EXPECT_EQ(LocalGtidDomain(0, {}), 0u);
}

TEST(LocalGtidDomainTest, MovesOffAReplicatedDomain) {
  EXPECT_EQ(LocalGtidDomain(0, {0}), 1u);
  EXPECT_EQ(LocalGtidDomain(0, {0, 1, 2, 4}), 3u);
  EXPECT_EQ(LocalGtidDomain(1, {1, 0}), 2u);
}

}  // namespace
}  // namespace safeddl::mysql
