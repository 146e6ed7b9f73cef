#include "osc/changed_rows.h"

#include <gtest/gtest.h>

namespace safeddl::osc {
namespace {

TEST(ChangedRowsTest, KeysAreDistinctAndBounded) {
  ChangedRows rows(3);
  rows.NoteKeys({{"2"}, {"1"}, {"2"}});
  rows.NoteRange({{"10"}, {"20"}}, 7);
  ChangedRowsSnapshot s = rows.Snapshot();
  EXPECT_EQ(s.keys, (std::vector<KeyLiterals>{{"1"}, {"2"}}));
  ASSERT_EQ(s.ranges.size(), 1u);
  EXPECT_EQ(s.ranges[0].upper, std::vector<std::string>{"20"});
  EXPECT_EQ(s.range_rows, 7);
  EXPECT_FALSE(s.overflowed);
  rows.NoteKeys({{"3"}, {"4"}});  // the fourth distinct key is one too many
  s = rows.Snapshot();
  EXPECT_TRUE(s.overflowed);
  EXPECT_TRUE(s.keys.empty());
  rows.NoteKeys({{"5"}});  // nothing is kept once over the bound
  EXPECT_TRUE(rows.Snapshot().keys.empty());
}

}  // namespace
}  // namespace safeddl::osc
