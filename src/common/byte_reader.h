// ByteReader: a bounds-checked cursor over bytes that some other party owns.
//
// Every binary format safeddl parses (binlog events, row images) is read through this class and
// never with raw pointer arithmetic. Each read either returns the value and advances, or returns a
// kCorruption Status naming the absolute offset of the failed read, the bytes needed and the bytes
// left ("truncated at offset 37: need 4 bytes, 2 left"); a failed read does not advance.
//
// Ownership: the reader only views `data`; the bytes must outlive the reader and every
// string_view it returns. Thread-compatible (one reader per thread), cheap to copy: copying a
// reader forks the cursor.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include "common/result.h"
#include "common/status.h"

namespace safeddl {

class ByteReader {
 public:
  // `base_offset` is the absolute position of data[0] (for example the event's position in its
  // binlog file); error messages report base_offset + local offset.
  explicit ByteReader(std::string_view data, uint64_t base_offset = 0)
      : data_(data), base_offset_(base_offset) {}
  // The reader keeps a view: a temporary string would be gone before the first read.
  template <typename S, typename = std::enable_if_t<std::is_same_v<S, std::string>>>
  explicit ByteReader(S&& temporary, uint64_t base_offset = 0) = delete;

  // Absolute offset of the next byte to read.
  uint64_t offset() const { return base_offset_ + pos_; }
  // Offset of the next byte relative to the start of `data`.
  size_t position() const { return pos_; }
  size_t remaining() const { return data_.size() - pos_; }
  bool empty() const { return pos_ == data_.size(); }
  // The unread bytes, without consuming them.
  std::string_view Peek() const { return data_.substr(pos_); }

  Result<uint8_t> ReadU8();
  Result<uint16_t> ReadU16();  // little-endian
  Result<uint32_t> ReadU24();
  Result<uint32_t> ReadU32();
  Result<uint64_t> ReadU48();
  Result<uint64_t> ReadU64();
  // Little-endian unsigned integer of `n` bytes, 1 <= n <= 8 (n outside that range is an
  // InvalidArgument error, not a crash).
  Result<uint64_t> ReadUintLe(size_t n);
  // Big-endian unsigned integer of `n` bytes, 1 <= n <= 8 (DECIMAL and temporal row values).
  Result<uint64_t> ReadUintBe(size_t n);
  // Sign-extended little-endian integer of `n` bytes, 1 <= n <= 8.
  Result<int64_t> ReadIntLe(size_t n);

  // MySQL's length-encoded ("packed") integer: < 0xfb is the value itself, 0xfc/0xfd/0xfe are
  // followed by 2/3/8 bytes. 0xfb (the NULL marker of result sets) and 0xff are corruption here.
  Result<uint64_t> ReadPackedInt();

  // Exactly `n` bytes.
  Result<std::string_view> ReadBytes(uint64_t n);
  // A packed-int length followed by that many bytes.
  Result<std::string_view> ReadPackedString();
  // A `len_bytes`-byte little-endian length followed by that many bytes.
  Result<std::string_view> ReadLengthPrefixed(size_t len_bytes);
  // Bytes up to (not including) the next NUL; the NUL is consumed. Corruption without a NUL.
  Result<std::string_view> ReadNulTerminated();
  // Everything that is left.
  std::string_view ReadRest();

  Status Skip(uint64_t n);

  // The Status a read of `need` bytes at the current position would fail with.
  Status TruncatedError(uint64_t need) const;

 private:
  Status Require(uint64_t n) const { return n <= remaining() ? Status::OK() : TruncatedError(n); }

  std::string_view data_;
  uint64_t base_offset_ = 0;
  size_t pos_ = 0;
};

}  // namespace safeddl
