#include "osc/copy_watermark.h"

#include <gtest/gtest.h>

namespace safeddl::osc {
namespace {

using Key = std::vector<std::string>;

TEST(CopyWatermarkTest, StartsEmptyOrAtTheResumePoint) {
  EXPECT_TRUE(CopyWatermark().value().empty());
  EXPECT_EQ(CopyWatermark(Key{"42"}).value(), Key{"42"});
}

TEST(CopyWatermarkTest, InOrderChunksMoveItEachTime) {
  CopyWatermark w;
  w.Finished(0, {"10"});
  EXPECT_EQ(w.value(), Key{"10"});
  w.Finished(1, {"20"});
  EXPECT_EQ(w.value(), Key{"20"});
}

TEST(CopyWatermarkTest, AGapHoldsItUntilFilled) {
  CopyWatermark w(Key{"5"});
  w.Finished(1, {"20"});
  w.Finished(2, {"30"});
  EXPECT_EQ(w.value(), Key{"5"});  // chunk 0 still running: rows 6..10 may be missing
  w.Finished(4, {"50"});
  w.Finished(0, {"10"});
  EXPECT_EQ(w.value(), (Key{"30"}));  // 0, 1, 2 done; 3 is not
  w.Finished(3, {"40"});
  EXPECT_EQ(w.value(), (Key{"50"}));
  EXPECT_EQ(w.finished_chunks(), 5);
}

TEST(CopyWatermarkTest, CompoundKeys) {
  CopyWatermark w;
  w.Finished(0, {"1", "abc"});
  EXPECT_EQ(w.value(), (Key{"1", "abc"}));
}

}  // namespace
}  // namespace safeddl::osc
