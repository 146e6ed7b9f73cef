// The control socket's transport, without a server: a fake handler behind a real Unix socket.
#include "osc/control_server.h"

#include <fmt/format.h>

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

namespace safeddl::osc {
namespace {

std::string TempSocketPath(const char* name) {
  return fmt::format("/tmp/safeddl-ctl-{}-{}.sock", ::getpid(), name);
}

ControlServer::Handler Echo() {
  return [](std::string_view line) { return "got <" + std::string(line) + ">\n"; };
}

TEST(ControlServerTest, AnswersOneLinePerConnectionAndRemovesTheFile) {
  const std::string path = TempSocketPath("echo");
  {
    auto server = ControlServer::Start({.socket_path = path}, Echo());
    ASSERT_TRUE(server.ok()) << server.status().message();
    for (const char* line : {"status", "chunk-size=250", ""}) {
      auto answer = SendControlCommand(path, line);
      ASSERT_TRUE(answer.ok()) << answer.status().message();
      EXPECT_EQ(*answer, std::string("got <") + line + ">\n");
    }
    // A client that sends no newline but closes its side still gets its answer.
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path.data(), path.size());
    ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    ASSERT_EQ(::write(fd, "sup", 3), 3);
    ::shutdown(fd, SHUT_WR);
    char buf[64] = {};
    EXPECT_EQ(std::string(buf, static_cast<size_t>(::read(fd, buf, sizeof(buf)))), "got <sup>\n");
    ::close(fd);
  }
  EXPECT_NE(::access(path.c_str(), F_OK), 0) << "socket file left behind";
}

TEST(ControlServerTest, RefusesALiveServerAndDropsAStaleFileOnlyWhenAsked) {
  const std::string path = TempSocketPath("live");
  auto first = ControlServer::Start({.socket_path = path}, Echo());
  ASSERT_TRUE(first.ok());
  auto second = ControlServer::Start({.socket_path = path, .drop_stale_socket = true}, Echo());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(second.status().message().find("another migration is serving"), std::string::npos);
  EXPECT_TRUE(SendControlCommand(path, "sup").ok()) << "the refused start broke the first";
  (*first)->Stop();

  // A stale socket file: bound, never served.
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.data(), path.size());
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ::close(fd);
  auto stale = ControlServer::Start({.socket_path = path}, Echo());
  ASSERT_FALSE(stale.ok());
  EXPECT_NE(stale.status().message().find("--initially-drop-socket-file"), std::string::npos);
  auto dropped = ControlServer::Start({.socket_path = path, .drop_stale_socket = true}, Echo());
  ASSERT_TRUE(dropped.ok()) << dropped.status().message();
  EXPECT_EQ(*SendControlCommand(path, "x"), "got <x>\n");
}

TEST(ControlServerTest, RefusesAPathThatIsNotASocketOrTooLong) {
  const std::string path = TempSocketPath("file");
  std::FILE* f = std::fopen(path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fclose(f);
  auto s = ControlServer::Start({.socket_path = path, .drop_stale_socket = true}, Echo());
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("is not a socket"), std::string::npos);
  EXPECT_EQ(::access(path.c_str(), F_OK), 0) << "a regular file must never be removed";
  ::unlink(path.c_str());
  auto long_path = ControlServer::Start({.socket_path = "/tmp/" + std::string(200, 'x')}, Echo());
  EXPECT_EQ(long_path.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace safeddl::osc
