#include "osc/change_batch.h"

#include <gtest/gtest.h>

namespace safeddl::osc {
namespace {

KeyedRow Row(std::string key, std::string value = "") {
  return KeyedRow{
      {std::move(key)},
      value.empty() ? std::vector<std::string>{} : std::vector<std::string>{std::move(value)}};
}

TEST(ChangeBatchTest, KeepsOnlyTheLastStateOfEachKey) {
  ChangeBatch b;
  b.Insert(Row("1", "a"));
  b.Update(Row("1", "a"), Row("1", "b"));
  b.Insert(Row("2", "x"));
  b.Delete(Row("2"));
  EXPECT_EQ(b.changes_seen(), 4u);
  ASSERT_EQ(b.Upserts().size(), 1u);
  EXPECT_EQ(b.Upserts()[0].values[0], "b");
  ASSERT_EQ(b.Deletes().size(), 1u);
  EXPECT_EQ(b.Deletes()[0][0], "2");
}

TEST(ChangeBatchTest, KeyChangeDeletesOldKeyUpsertsNew) {
  ChangeBatch b;
  b.Update(Row("1", "v"), Row("9", "v"));
  ASSERT_EQ(b.Deletes().size(), 1u);
  EXPECT_EQ(b.Deletes()[0][0], "1");
  ASSERT_EQ(b.Upserts().size(), 1u);
  EXPECT_EQ(b.Upserts()[0].key[0], "9");
  // The old key coming back later wins over its delete.
  b.Insert(Row("1", "w"));
  EXPECT_TRUE(b.Deletes().empty());
  EXPECT_EQ(b.Upserts().size(), 2u);
}

TEST(ChangeBatchTest, UpsertsFollowTheOrderOfTheirLastChange) {
  // A moves off unique value x, B takes x, then A changes again: B's final write precedes A's.
  ChangeBatch b;
  b.Update(Row("A", "x"), Row("A", "y"));
  b.Insert(Row("B", "x"));
  b.Update(Row("A", "y"), Row("A", "z"));
  const auto ups = b.Upserts();
  ASSERT_EQ(ups.size(), 2u);
  EXPECT_EQ(ups[0].key[0], "B");
  EXPECT_EQ(ups[1].key[0], "A");
  EXPECT_EQ(ups[1].values[0], "z");
  b.Clear();
  EXPECT_TRUE(b.empty());
}

TEST(ChangeBatchTest, OriginsNameTheKeyEachRowHadBeforeTheBatch) {
  ChangeBatch b;
  b.Update(Row("1", "a"), Row("1", "b"));  // an update: the same row
  b.Delete(Row("2"));
  b.Insert(Row("2", "new"));  // a new row under a deleted key
  b.Update(Row("3", "p"), Row("4", "p"));
  b.Update(Row("4", "p"), Row("5", "p"));  // moved twice: still row 3
  b.Insert(Row("3", "q"));                 // key 3 left by the move, taken by a new row
  b.Insert(Row("9", "n"));                 // a key the batch had not seen
  const auto ups = b.Upserts();
  const auto origins = b.Origins();
  ASSERT_EQ(ups.size(), 5u);
  ASSERT_EQ(origins.size(), 5u);
  const std::vector<std::pair<std::string, std::string>> want = {
      {"1", "1"}, {"2", ""}, {"5", "3"}, {"3", ""}, {"9", "9"}};
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(ups[i].key[0], want[i].first);
    EXPECT_EQ(origins[i].empty() ? "" : origins[i][0], want[i].second) << ups[i].key[0];
  }
  ASSERT_EQ(b.Deletes().size(), 1u);  // 4 (3 and 2 were written again)
  EXPECT_EQ(b.Deletes()[0][0], "4");
}

}  // namespace
}  // namespace safeddl::osc
