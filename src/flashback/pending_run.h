// PendingRun: the row operations the executor has gathered for one multi-row statement — a run
// of consecutive operations of one MultiRowKind on one table, each on a different row, up to a
// row and a byte limit. It keeps the encoded spool records (copies) and decodes them again when
// the run is sent, so its memory is bounded by the limits. Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "common/result.h"
#include "flashback/batch_sql.h"
#include "flashback/spool_record.h"

namespace safeddl::flashback {

class PendingRun {
 public:
  PendingRun(size_t max_rows, size_t max_bytes) : max_rows_(max_rows), max_bytes_(max_bytes) {}

  bool empty() const { return records_.empty(); }
  size_t size() const { return records_.size(); }
  uint32_t table() const { return table_; }
  MultiRowKind kind() const { return kind_; }

  // True when an operation of `kind` on `table` on the row `identity` (RowIdentity) may join:
  // the run is empty, or of the same table and kind, below its limits and without that row.
  bool Accepts(uint32_t table, MultiRowKind kind, const std::string& identity) const;

  // Adds the encoded record `bytes`. REQUIRES: Accepts(table, kind, identity).
  void Add(uint32_t table, MultiRowKind kind, std::string identity, std::string_view bytes);

  // The operations of the stored records, in the order they were added (views into this run's
  // storage: valid until the next Add or Clear).
  Status DecodeOps(std::vector<LiteralOp>& out) const;

  // The encoded records, in the order they were added.
  const std::vector<std::string>& records() const { return records_; }
  // Moves the records out; Clear() next.
  std::vector<std::string> TakeRecords() { return std::move(records_); }

  void Clear();

 private:
  size_t max_rows_;
  size_t max_bytes_;
  uint32_t table_ = 0;
  MultiRowKind kind_ = MultiRowKind::kNone;
  size_t bytes_ = 0;
  std::vector<std::string> records_;
  std::unordered_set<std::string> rows_;
};

}  // namespace safeddl::flashback
