#include "osc/changed_rows.h"

namespace safeddl::osc {

void ChangedRows::NoteKeys(const std::vector<KeyLiterals>& keys) {
  std::lock_guard<std::mutex> lock(mu_);
  if (overflowed_) return;
  for (const KeyLiterals& key : keys) {
    keys_.insert(key);
    if (keys_.size() > max_keys_) {
      overflowed_ = true;
      keys_.clear();
      return;
    }
  }
}

void ChangedRows::NoteRange(KeyRangeBounds range, int64_t rows) {
  std::lock_guard<std::mutex> lock(mu_);
  ranges_.push_back(std::move(range));
  range_rows_ += rows;
}

ChangedRowsSnapshot ChangedRows::Snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  return {std::vector<KeyLiterals>(keys_.begin(), keys_.end()), ranges_, range_rows_, overflowed_};
}

}  // namespace safeddl::osc
