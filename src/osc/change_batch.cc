#include "osc/change_batch.h"

#include <algorithm>

namespace safeddl::osc {

void ChangeBatch::Insert(KeyedRow after) {
  ++seen_;
  std::vector<std::string> origin = OriginOf(after.key);
  Upsert(std::move(after), std::move(origin));
}

std::vector<std::string> ChangeBatch::OriginOf(const std::vector<std::string>& key) const {
  auto it = final_.find(key);
  if (it == final_.end()) return key;  // untouched so far in the batch: the row's own key
  return it->second.is_delete ? std::vector<std::string>{} : it->second.origin;
}

void ChangeBatch::Upsert(KeyedRow after, std::vector<std::string> origin) {
  Final& f = final_[after.key];
  f.is_delete = false;
  f.sequence = next_sequence_++;
  f.row = std::move(after);
  f.origin = std::move(origin);
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
  f.origin.clear();
}

void ChangeBatch::Update(KeyedRow before, KeyedRow after) {
  ++seen_;
  std::vector<std::string> origin = OriginOf(before.key);
  if (before.key != after.key) Remove(std::move(before));
  Upsert(std::move(after), std::move(origin));
}

std::vector<const ChangeBatch::Final*> ChangeBatch::Picked(bool deletes) const {
  std::vector<const Final*> picked;
  for (const auto& [key, f] : final_) {
    if (f.is_delete == deletes) picked.push_back(&f);
  }
  std::sort(picked.begin(), picked.end(),
            [](const Final* a, const Final* b) { return a->sequence < b->sequence; });
  return picked;
}

std::vector<std::vector<std::string>> ChangeBatch::Deletes() const {
  std::vector<std::vector<std::string>> out;
  for (const Final* f : Picked(true)) out.push_back(f->row.key);
  return out;
}

std::vector<KeyedRow> ChangeBatch::Upserts() const {
  std::vector<KeyedRow> out;
  for (const Final* f : Picked(false)) out.push_back(f->row);
  return out;
}

std::vector<std::vector<std::string>> ChangeBatch::Origins() const {
  std::vector<std::vector<std::string>> out;
  for (const Final* f : Picked(false)) out.push_back(f->origin);
  return out;
}

void ChangeBatch::Clear() {
  final_.clear();
  seen_ = 0;
}

}  // namespace safeddl::osc
