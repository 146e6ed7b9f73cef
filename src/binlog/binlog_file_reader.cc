#include "binlog/binlog_file_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "binlog/event_header.h"
#include "common/byte_reader.h"

namespace safeddl::binlog {

Result<std::unique_ptr<BinlogFileReader>> BinlogFileReader::Open(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    const int err = errno;
    std::string msg = fmt::format("cannot open binlog {}: {}", path, std::strerror(err));
    return err == ENOENT ? NotFoundError(std::move(msg)) : IoError(std::move(msg));
  }
  // Reads are whole blocks into our own buffer: stdio's would only add a copy.
  std::setvbuf(f, nullptr, _IONBF, 0);
  std::unique_ptr<BinlogFileReader> reader(new BinlogFileReader(path, f));
  SAFEDDL_ASSIGN_OR_RETURN(bool whole, reader->Fill(kBinlogMagic.size()));
  if (!whole || std::string_view(reader->buffer_.data(), kBinlogMagic.size()) != kBinlogMagic) {
    return CorruptionError(fmt::format("{} is not a binlog file (bad magic at offset 0)", path));
  }
  reader->begin_ = kBinlogMagic.size();
  reader->offset_ = kBinlogMagic.size();
  return reader;
}

BinlogFileReader::~BinlogFileReader() {
  if (file_ != nullptr) std::fclose(file_);
}

Status BinlogFileReader::Seek(uint64_t offset) {
  if (offset < kBinlogMagic.size()) {
    return InvalidArgumentError(fmt::format("binlog position {} is inside the file magic", offset));
  }
  if (fseeko(file_, static_cast<off_t>(offset), SEEK_SET) != 0) {
    return IoError(fmt::format("cannot seek {} to {}: {}", path_, offset, std::strerror(errno)));
  }
  offset_ = offset;
  begin_ = end_ = 0;
  return Status::OK();
}

Result<bool> BinlogFileReader::Fill(size_t need) {
  if (end_ - begin_ >= need) return true;
  // Keep the unread tail, at the front of a buffer big enough for `need` and a full block.
  const size_t unread = end_ - begin_;
  if (begin_ > 0) std::memmove(buffer_.data(), buffer_.data() + begin_, unread);
  begin_ = 0;
  end_ = unread;
  if (buffer_.size() < need || buffer_.size() < kReadBlock) {
    buffer_.resize(std::max(need, kReadBlock));
  }
  while (end_ < need) {
    const size_t got = std::fread(buffer_.data() + end_, 1, buffer_.size() - end_, file_);
    end_ += got;
    if (got == 0) {
      if (std::ferror(file_)) {
        return IoError(fmt::format("read error in {} at offset {}", path_, offset_ + end_));
      }
      return false;
    }
  }
  return true;
}

Result<std::optional<RawEvent>> BinlogFileReader::Next() {
  SAFEDDL_ASSIGN_OR_RETURN(bool whole_header, Fill(kEventHeaderLength));
  const std::string_view unread(buffer_.data() + begin_, end_ - begin_);
  if (!whole_header) {
    if (unread.empty()) return std::optional<RawEvent>();
    return ByteReader(unread, offset_).TruncatedError(kEventHeaderLength).WithContext(path_);
  }
  SAFEDDL_ASSIGN_OR_RETURN(EventHeader header, ParseEventHeader(unread, offset_));
  SAFEDDL_ASSIGN_OR_RETURN(bool whole_event, Fill(header.event_size));
  if (!whole_event) {
    return CorruptionError(fmt::format("{}: truncated event at offset {}: need {} bytes, {} left",
                                       path_, offset_, header.event_size, end_ - begin_));
  }
  RawEvent ev{std::string_view(buffer_.data() + begin_, header.event_size), offset_};
  begin_ += header.event_size;
  offset_ += header.event_size;
  return std::optional<RawEvent>(ev);
}

}  // namespace safeddl::binlog
