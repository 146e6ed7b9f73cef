// ChangedRows: what the checksum must compare when it does not read both tables whole — the
// keys of every row change the applier wrote to the ghost, and the copy chunks the server did not
// copy faithfully (a warning other than a duplicate of the shared key, copier.h).
//
// Why that is enough (docs/alter.md, "The checksum"): a row the application never changed after
// the capture started, in a chunk the server copied without a warning, was copied by the
// server's own INSERT ... SELECT and has not moved since on either side; every other row is here.
// The checksum also compares both tables' row counts, which catches rows the ghost lost or gained
// outside these keys (a REPLACE removing a row over a new UNIQUE key, a write to the ghost by
// another session).
//
// Bounded: past `max_keys` distinct keys the keys are dropped and overflowed() is set; the
// checksum then reads both tables whole. Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "osc/key_range.h"

namespace safeddl::osc {

// A key as the applier renders it: one SQL literal per shared-key column.
using KeyLiterals = std::vector<std::string>;

struct ChangedRowsSnapshot {
  std::vector<KeyLiterals> keys;       // distinct, in literal order
  std::vector<KeyRangeBounds> ranges;  // chunks to compare whole
  int64_t range_rows = 0;              // rows the copy put into those chunks
  bool overflowed = false;
};

class ChangedRows {
 public:
  explicit ChangedRows(size_t max_keys) : max_keys_(max_keys) {}

  void NoteKeys(const std::vector<KeyLiterals>& keys);
  void NoteRange(KeyRangeBounds range, int64_t rows);
  ChangedRowsSnapshot Snapshot() const;

 private:
  const size_t max_keys_;
  mutable std::mutex mu_;
  std::set<KeyLiterals> keys_;
  std::vector<KeyRangeBounds> ranges_;
  int64_t range_rows_ = 0;
  bool overflowed_ = false;
};

}  // namespace safeddl::osc
