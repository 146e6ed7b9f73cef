// FileEventStream on hand-built binlog files: every event in order across many batches, a start
// offset, the error after the events before it, and destruction while the reader waits for room.
#include "binlog/file_event_stream.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "binlog/test_util.h"

namespace safeddl::binlog {
namespace {

using testing::MakeEvent;
using testing::MakeFormatDescription;
using testing::PutLe;

// A FORMAT_DESCRIPTION and then `n` XID events whose xids count 1..n (enough for several
// batches), with CRC32. `offsets` gets each XID event's offset.
std::string MakeFile(size_t n, std::vector<uint64_t>& offsets) {
  std::string file(kBinlogMagic);
  file += MakeFormatDescription(true, file.size());
  std::string padding(200, 'p');  // bigger events: fewer of them fill a batch
  for (size_t i = 1; i <= n; ++i) {
    std::string body;
    PutLe(body, i, 8);
    offsets.push_back(file.size());
    // XID bodies are 8 bytes; an unknown event type carries the padding between them.
    file += MakeEvent(EventType::kXid, body, file.size(), {.crc = true});
    file += MakeEvent(static_cast<EventType>(200), padding, file.size(), {.crc = true});
  }
  return file;
}

std::string WriteTemp(const std::string& bytes) {
  char path[] = "/tmp/safeddl_stream_testXXXXXX";
  const int fd = mkstemp(path);
  EXPECT_GE(fd, 0);
  close(fd);
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

// The xids of the XID events the stream hands out, and how it ended.
std::vector<uint64_t> Xids(FileEventStream& stream, Status& end) {
  std::vector<uint64_t> xids;
  while (true) {
    Result<std::optional<Event>> ev = stream.Next();
    if (!ev.ok()) {
      end = ev.status();
      return xids;
    }
    if (!*ev) return xids;
    if (const auto* xid = (*ev)->As<XidEvent>()) xids.push_back(xid->xid);
  }
}

constexpr size_t kEvents = 20000;  // about 5 MB: many batches

TEST(FileEventStreamTest, EveryEventInOrder) {
  std::vector<uint64_t> offsets;
  const std::string path = WriteTemp(MakeFile(kEvents, offsets));
  auto stream = FileEventStream::Open(path, {});
  ASSERT_TRUE(stream.ok()) << stream.status().ToString();
  Status end;
  const std::vector<uint64_t> xids = Xids(**stream, end);
  EXPECT_TRUE(end.ok()) << end.ToString();
  ASSERT_EQ(xids.size(), kEvents);
  for (size_t i = 0; i < kEvents; ++i) ASSERT_EQ(xids[i], i + 1) << i;
  // The end is sticky.
  Result<std::optional<Event>> again = (*stream)->Next();
  EXPECT_TRUE(again.ok() && !*again);
  std::remove(path.c_str());
}

TEST(FileEventStreamTest, StartsAtAnOffset) {
  std::vector<uint64_t> offsets;
  const std::string path = WriteTemp(MakeFile(100, offsets));
  auto stream = FileEventStream::Open(path, {.start = offsets[41]});
  ASSERT_TRUE(stream.ok()) << stream.status().ToString();
  Result<std::optional<Event>> first = (*stream)->Next();
  ASSERT_TRUE(first.ok() && *first);
  EXPECT_EQ((*first)->offset, offsets[41]);
  ASSERT_NE((*first)->As<XidEvent>(), nullptr);
  EXPECT_EQ((*first)->As<XidEvent>()->xid, 42u);
  std::remove(path.c_str());
}

TEST(FileEventStreamTest, ErrorComesAfterTheEventsBeforeIt) {
  std::vector<uint64_t> offsets;
  std::string file = MakeFile(kEvents, offsets);
  file[offsets[15000] + kEventHeaderLength] ^= 1;  // breaks that event's CRC
  const std::string path = WriteTemp(file);
  auto stream = FileEventStream::Open(path, {});
  ASSERT_TRUE(stream.ok()) << stream.status().ToString();
  Status end;
  const std::vector<uint64_t> xids = Xids(**stream, end);
  EXPECT_EQ(xids.size(), 15000u);  // xids 1..15000: all before the broken one
  EXPECT_EQ(end.code(), StatusCode::kCorruption);
  const std::string name = path.substr(path.rfind('/') + 1);
  EXPECT_EQ(end.message().rfind(name + ": ", 0), 0u) << end.message();
  EXPECT_NE(end.message().find(std::to_string(offsets[15000])), std::string::npos) << end.message();
  // The error is sticky.
  EXPECT_EQ((*stream)->Next().status().ToString(), end.ToString());
  std::remove(path.c_str());
}

TEST(FileEventStreamTest, DestroyedWhileTheReaderWaits) {
  std::vector<uint64_t> offsets;
  const std::string path = WriteTemp(MakeFile(kEvents, offsets));
  for (int taken : {0, 1, 5000}) {
    auto stream = FileEventStream::Open(path, {});
    ASSERT_TRUE(stream.ok()) << stream.status().ToString();
    for (int i = 0; i < taken; ++i) ASSERT_TRUE((*stream)->Next().ok());
    // Destroying the stream here must not hang or crash (the reader is blocked on a full queue).
  }
  std::remove(path.c_str());
}

TEST(FileEventStreamTest, MissingFile) {
  EXPECT_EQ(FileEventStream::Open("/nonexistent/x", {}).status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace safeddl::binlog
