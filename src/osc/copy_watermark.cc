#include "osc/copy_watermark.h"

namespace safeddl::osc {

void CopyWatermark::Finished(int64_t seq, std::vector<std::string> upper) {
  std::lock_guard<std::mutex> lock(mu_);
  ++finished_;
  ahead_[seq] = std::move(upper);
  for (auto it = ahead_.begin(); it != ahead_.end() && it->first == next_;
       it = ahead_.erase(it)) {
    value_ = std::move(it->second);
    ++next_;
  }
}

std::vector<std::string> CopyWatermark::value() const {
  std::lock_guard<std::mutex> lock(mu_);
  return value_;
}

int64_t CopyWatermark::finished_chunks() const {
  std::lock_guard<std::mutex> lock(mu_);
  return finished_;
}

}  // namespace safeddl::osc
