// OutputBuffer: a growable byte buffer for rendered output that hot loops write through a raw
// pointer after one capacity check (std::string checks and NUL-terminates on every append).
//
//   char* p = out.Reserve(bound);   // room for at least `bound` bytes
//   ... write at most `bound` bytes at p, advancing it ...
//   out.Commit(p);
//
// The buffer owns its storage; pointers from Reserve are invalidated by the next Reserve, Append
// or Clear. Not thread-safe.
#pragma once

#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>

namespace safeddl::binlog {

class OutputBuffer {
 public:
  explicit OutputBuffer(size_t capacity = size_t{1} << 16)
      : data_(std::make_unique_for_overwrite<char[]>(capacity)), capacity_(capacity) {}

  // Where the next byte goes, with at least `n` bytes of room.
  char* Reserve(size_t n) {
    if (capacity_ - size_ < n) Grow(n);
    return data_.get() + size_;
  }
  // Takes the bytes written since Reserve, up to `end`.
  void Commit(char* end) { size_ = static_cast<size_t>(end - data_.get()); }

  void Append(std::string_view s) {
    char* p = Reserve(s.size());
    std::memcpy(p, s.data(), s.size());
    Commit(p + s.size());
  }

  // Drops everything after the first `size` bytes. REQUIRES: size <= this->size().
  void Truncate(size_t size) { size_ = size; }
  void Clear() { size_ = 0; }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::string_view view() const { return {data_.get(), size_}; }

 private:
  static constexpr size_t kMinGrowth = 64;

  void Grow(size_t n) {
    size_t capacity = capacity_ < kMinGrowth ? kMinGrowth : capacity_ * 2;
    while (capacity - size_ < n) capacity *= 2;
    auto data = std::make_unique_for_overwrite<char[]>(capacity);
    std::memcpy(data.get(), data_.get(), size_);
    data_ = std::move(data);
    capacity_ = capacity;
  }

  std::unique_ptr<char[]> data_;
  size_t capacity_ = 0;
  size_t size_ = 0;
};

}  // namespace safeddl::binlog
