// BinlogFileReader: streams the raw events of a local binlog file (magic "\xfebin") one at a
// time, for EventParser to decode. The file is read in large blocks (kReadBlock); memory is
// bounded by one block or the largest event, whichever is bigger.
//
// Owns the open file; not thread-safe (one reader per thread). The view returned by Next() is
// valid until the next call to Next() or the reader's destruction.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace safeddl::binlog {

inline constexpr std::string_view kBinlogMagic =
    "\xfe"
    "bin";

struct RawEvent {
  std::string_view bytes;  // the whole event, header through checksum
  uint64_t offset = 0;     // position of bytes[0] in the file
};

class BinlogFileReader {
 public:
  // Bytes asked of the file per read.
  static constexpr size_t kReadBlock = size_t{1} << 20;

  // Opens `path` and checks the magic. NotFound / IoError when it cannot be read, Corruption when
  // it is not a binlog file.
  static Result<std::unique_ptr<BinlogFileReader>> Open(const std::string& path);

  ~BinlogFileReader();
  BinlogFileReader(const BinlogFileReader&) = delete;
  BinlogFileReader& operator=(const BinlogFileReader&) = delete;

  // The next event, or nullopt at a clean end of file. A partial event at the end (a file still
  // being written, or cut short) is a Corruption naming its offset.
  Result<std::optional<RawEvent>> Next();

  // Continues reading at `offset` (an event boundary, e.g. a saved position). REQUIRES: >= 4.
  Status Seek(uint64_t offset);

  const std::string& path() const { return path_; }
  uint64_t offset() const { return offset_; }  // position of the next event

 private:
  BinlogFileReader(std::string path, std::FILE* file) : path_(std::move(path)), file_(file) {}

  // Makes at least `need` unread bytes available (fewer only at end of file: then false).
  Result<bool> Fill(size_t need);

  std::string path_;
  std::FILE* file_ = nullptr;
  uint64_t offset_ = 0;  // file position of buffer_[begin_]
  std::string buffer_;   // read-ahead: bytes [begin_, end_) are unread
  size_t begin_ = 0;
  size_t end_ = 0;
};

}  // namespace safeddl::binlog
