// ReverseSpool: an append-only sequence of records that can be read back newest first (or
// oldest first) with bounded memory. This is what puts undo in the right order: the binlog's row
// changes read backwards are rows newest first within each event, events newest first within
// each transaction, and transactions newest first.
//
// Records go into blocks of about kSpoolBlockBytes. Sealed blocks stay in memory while their
// total is under the memory limit; past it they are written to an anonymous temporary file
// (deleted when the spool goes), and only the block index (one entry per block) stays in memory.
// Reading back loads one block at a time. Not thread-safe.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace safeddl::flashback {

inline constexpr uint64_t kSpoolBlockBytes = 1 << 20;

enum class SpoolOrder : uint8_t { kNewestFirst, kOldestFirst };

class ReverseSpool {
 public:
  // `memory_limit`: bytes of sealed blocks kept in memory before spilling to disk.
  explicit ReverseSpool(uint64_t memory_limit);
  ~ReverseSpool();
  ReverseSpool(const ReverseSpool&) = delete;
  ReverseSpool& operator=(const ReverseSpool&) = delete;

  // Appends one record. IoError when the temporary file cannot be written.
  Status Append(std::string_view record);

  // Calls `visit` for every record in `order`; stops at the first error it returns. The view is
  // valid during the call only. May be called more than once.
  Status ForEach(SpoolOrder order, const std::function<Status(std::string_view)>& visit);

  uint64_t records() const { return records_; }
  uint64_t bytes() const { return bytes_; }
  uint64_t spilled_bytes() const { return spilled_bytes_; }

 private:
  struct Block {
    std::string data;  // in memory when !on_disk
    bool on_disk = false;
    uint64_t file_offset = 0;
    uint64_t size = 0;
  };

  Status Seal();
  Status Load(const Block& block, std::string& buffer) const;
  static Status VisitBlock(std::string_view data, SpoolOrder order,
                           const std::function<Status(std::string_view)>& visit);

  uint64_t memory_limit_;
  uint64_t in_memory_ = 0;
  std::vector<Block> blocks_;
  std::string current_;
  std::FILE* file_ = nullptr;
  uint64_t file_size_ = 0;
  uint64_t records_ = 0;
  uint64_t bytes_ = 0;
  uint64_t spilled_bytes_ = 0;
};

}  // namespace safeddl::flashback
