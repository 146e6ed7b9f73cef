#include "osc/change_batch.h"

#include <algorithm>

namespace safeddl::osc {

void ChangeBatch::Insert(KeyedRow after) {
  ++seen_;
  Upsert(std::move(after));
}

void ChangeBatch::Upsert(KeyedRow after) {
  Final& f = final_[after.key];
  f.is_delete = false;
  f.sequence = next_sequence_++;
  f.row = std::move(after);
}

void ChangeBatch::Delete(KeyedRow before) {
  ++seen_;
  Remove(std::move(before));
}

void ChangeBatch::Remove(KeyedRow before) {
  Final& f = final_[before.key];
  f.is_delete = true;
  f.sequence = next_sequence_++;
  f.row = KeyedRow{before.key, {}};
}

void ChangeBatch::Update(KeyedRow before, KeyedRow after) {
  ++seen_;
  if (before.key != after.key) Remove(std::move(before));
  Upsert(std::move(after));
}

std::vector<std::vector<std::string>> ChangeBatch::Deletes() const {
  std::vector<const Final*> picked;
  for (const auto& [key, f] : final_) {
    if (f.is_delete) picked.push_back(&f);
  }
  std::sort(picked.begin(), picked.end(),
            [](const Final* a, const Final* b) { return a->sequence < b->sequence; });
  std::vector<std::vector<std::string>> out;
  for (const Final* f : picked) out.push_back(f->row.key);
  return out;
}

std::vector<KeyedRow> ChangeBatch::Upserts() const {
  std::vector<const Final*> picked;
  for (const auto& [key, f] : final_) {
    if (!f.is_delete) picked.push_back(&f);
  }
  std::sort(picked.begin(), picked.end(),
            [](const Final* a, const Final* b) { return a->sequence < b->sequence; });
  std::vector<KeyedRow> out;
  for (const Final* f : picked) out.push_back(f->row);
  return out;
}

void ChangeBatch::Clear() {
  final_.clear();
  seen_ = 0;
}

}  // namespace safeddl::osc
