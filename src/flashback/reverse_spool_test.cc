// The reverse spool: records come back newest first (or oldest first), in memory and spilled to
// a temporary file past the memory limit; and the record encoding round-trips.
#include "flashback/reverse_spool.h"

#include <gtest/gtest.h>

#include "flashback/spool_record.h"

namespace safeddl::flashback {
namespace {

std::vector<std::string> ReadAll(ReverseSpool& spool, SpoolOrder order) {
  std::vector<std::string> out;
  EXPECT_TRUE(spool
                  .ForEach(order,
                           [&](std::string_view r) {
                             out.emplace_back(r);
                             return Status::OK();
                           })
                  .ok());
  return out;
}

void Fill(ReverseSpool& spool, int n, size_t size) {
  for (int i = 0; i < n; ++i) {
    std::string r = std::to_string(i);
    r.resize(size, 'x');
    ASSERT_TRUE(spool.Append(r).ok());
  }
}

void ExpectOrders(ReverseSpool& spool, int n) {
  const std::vector<std::string> newest = ReadAll(spool, SpoolOrder::kNewestFirst);
  const std::vector<std::string> oldest = ReadAll(spool, SpoolOrder::kOldestFirst);
  ASSERT_EQ(newest.size(), static_cast<size_t>(n));
  ASSERT_EQ(oldest.size(), static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    EXPECT_EQ(std::stoi(oldest[i]), i);
    EXPECT_EQ(std::stoi(newest[i]), n - 1 - i);
  }
}

TEST(ReverseSpoolTest, InMemory) {
  ReverseSpool spool(1ull << 30);
  Fill(spool, 5000, 1000);  // several blocks
  EXPECT_EQ(spool.spilled_bytes(), 0u);
  EXPECT_EQ(spool.records(), 5000u);
  ExpectOrders(spool, 5000);
}

TEST(ReverseSpoolTest, SpillsPastTheMemoryLimit) {
  ReverseSpool spool(kSpoolBlockBytes);  // one block in memory, the rest on disk
  Fill(spool, 5000, 1000);
  EXPECT_GT(spool.spilled_bytes(), 2 * kSpoolBlockBytes);
  ExpectOrders(spool, 5000);
}

TEST(ReverseSpoolTest, RecordLargerThanABlock) {
  ReverseSpool spool(0);
  Fill(spool, 3, kSpoolBlockBytes * 2);
  ExpectOrders(spool, 3);
}

TEST(SpoolRecordTest, RoundTrip) {
  SpoolRecord statement;
  statement.type = RecordType::kStatement;
  statement.text = std::string_view("DELETE \0...;", 12);
  std::string bytes;
  EncodeRecord(statement, bytes);
  SpoolRecord out;
  ASSERT_TRUE(DecodeRecord(bytes, out).ok());
  EXPECT_EQ(out.type, RecordType::kStatement);
  EXPECT_EQ(out.text, statement.text);

  SpoolRecord change;
  change.type = RecordType::kChange;
  change.table = 70000;
  change.op.kind = OpKind::kUpdate;
  change.op.current = {"1", "'new'", "NULL"};
  change.op.target = {"1", "'old'", std::string_view("X'\0'", 4)};
  change.original = OpKind::kUpdate;
  change.position = "bin.000001:4";
  bytes.clear();
  EncodeRecord(change, bytes);
  ASSERT_TRUE(DecodeRecord(bytes, out).ok());
  EXPECT_EQ(out.type, RecordType::kChange);
  EXPECT_EQ(out.table, 70000u);
  EXPECT_EQ(out.op.kind, OpKind::kUpdate);
  EXPECT_EQ(out.op.current, change.op.current);
  EXPECT_EQ(out.op.target, change.op.target);
  EXPECT_EQ(out.original, OpKind::kUpdate);
  EXPECT_EQ(out.position, change.position);

  EXPECT_EQ(DecodeRecord(std::string_view(bytes).substr(0, bytes.size() - 1), out).code(),
            StatusCode::kCorruption);
  EXPECT_EQ(DecodeRecord("\x09", out).code(), StatusCode::kCorruption);
  bytes[5] = 9;  // the operation kind
  EXPECT_EQ(DecodeRecord(bytes, out).code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace safeddl::flashback
