#include "binlog/file_event_stream.h"

#include <filesystem>

namespace safeddl::binlog {

Result<std::unique_ptr<FileEventStream>> FileEventStream::Open(const std::string& path,
                                                               Options options) {
  SAFEDDL_ASSIGN_OR_RETURN(std::unique_ptr<BinlogFileReader> reader, BinlogFileReader::Open(path));
  std::string name = std::filesystem::path(path).filename().string();
  return std::unique_ptr<FileEventStream>(
      new FileEventStream(std::move(reader), std::move(name), std::move(options)));
}

FileEventStream::FileEventStream(std::unique_ptr<BinlogFileReader> reader, std::string name,
                                 Options options)
    : reader_(std::move(reader)),
      name_(std::move(name)),
      options_(std::move(options)),
      thread_([this] { Read(); }) {}

FileEventStream::~FileEventStream() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

bool FileEventStream::Push(Batch& batch) {
  std::unique_lock lock(mu_);
  changed_.wait(lock, [&] { return stopping_ || queue_.size() < kMaxQueuedBatches; });
  if (stopping_) return false;
  queue_.push_back(std::move(batch));
  batch = Batch();
  changed_.notify_all();
  return true;
}

void FileEventStream::Read() {
  EventParser parser(options_.parser);
  bool seek_pending = options_.start > kBinlogMagic.size();
  Batch batch;
  size_t bytes = 0;
  auto finish = [&](Status end) {
    batch.last = true;
    batch.end = std::move(end);
    Push(batch);
  };
  while (true) {
    Result<std::optional<RawEvent>> raw = reader_->Next();
    if (!raw.ok()) return finish(raw.status());
    if (!*raw) return finish(Status::OK());
    Result<Event> event = parser.Parse((*raw)->bytes, (*raw)->offset);
    if (!event.ok()) return finish(event.status().WithContext(name_));
    if (seek_pending) {
      // The FORMAT_DESCRIPTION is needed to read the rest; then jump.
      seek_pending = false;
      Status s = reader_->Seek(options_.start);
      if (!s.ok()) return finish(std::move(s));
      continue;
    }
    bytes += (*raw)->bytes.size();
    batch.events.push_back(std::move(event).value());
    if (bytes >= kBatchBytes) {
      if (!Push(batch)) return;
      bytes = 0;
    }
  }
}

Result<std::optional<Event>> FileEventStream::Next() {
  while (next_ == current_.events.size()) {
    if (current_.last) {
      if (!current_.end.ok()) return current_.end;
      return std::optional<Event>();
    }
    std::unique_lock lock(mu_);
    changed_.wait(lock, [&] { return !queue_.empty(); });
    current_ = std::move(queue_.front());
    queue_.pop_front();
    next_ = 0;
    changed_.notify_all();
  }
  return std::optional<Event>(std::move(current_.events[next_++]));
}

}  // namespace safeddl::binlog
