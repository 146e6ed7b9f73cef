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
  const SpoolRecord in{RecordType::kRow, "DELETE ...;", "DELETE ... AND ...;", "SELECT ...",
                       std::string("row\0x", 5)};
  std::string bytes;
  EncodeRecord(in, bytes);
  Result<SpoolRecord> out = DecodeRecord(bytes);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->type, in.type);
  EXPECT_EQ(out->text, in.text);
  EXPECT_EQ(out->guarded, in.guarded);
  EXPECT_EQ(out->check, in.check);
  EXPECT_EQ(out->row, in.row);
  EXPECT_EQ(DecodeRecord(bytes.substr(0, bytes.size() - 1)).status().code(),
            StatusCode::kCorruption);
  EXPECT_EQ(DecodeRecord("\x09").status().code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace safeddl::flashback
