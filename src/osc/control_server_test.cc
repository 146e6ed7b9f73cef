// The control socket's transport, without a server: a fake handler behind a real Unix socket.
#include "osc/control_server.h"

#include <fmt/format.h>

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
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

// A socket bound at `path` through a descriptor of its own (not a ControlServer).
int BindAt(const std::string& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.data(), path.size());
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0) << path;
  return fd;
}

TEST(ControlServerTest, RefusesALiveServerWhateverTheOptions) {
  const std::string path = TempSocketPath("live");
  auto first = ControlServer::Start({.socket_path = path}, Echo());
  ASSERT_TRUE(first.ok());
  for (bool drop : {false, true}) {
    auto second = ControlServer::Start({.socket_path = path, .drop_stale_socket = drop}, Echo());
    ASSERT_FALSE(second.ok());
    EXPECT_EQ(second.status().code(), StatusCode::kFailedPrecondition);
    EXPECT_NE(second.status().message().find("another migration is serving on " + path +
                                             " (it answers there): refusing to start"),
              std::string::npos)
        << second.status().message();
    EXPECT_TRUE(SendControlCommand(path, "sup").ok()) << "the refused start broke the first";
  }
  (*first)->Stop();
}

TEST(ControlServerTest, RefusesAListenerThatDoesNotAnswer) {
  // Alive but silent (busy, or not a migration): still not ours to take.
  const std::string path = TempSocketPath("mute");
  const int fd = BindAt(path);
  ASSERT_EQ(::listen(fd, 4), 0);
  auto s = ControlServer::Start({.socket_path = path}, Echo());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.status().message().find("a live process listens on " + path), std::string::npos)
      << s.status().message();
  EXPECT_EQ(::access(path.c_str(), F_OK), 0) << "a live listener's socket file was removed";
  ::close(fd);
  ::unlink(path.c_str());
}

TEST(ControlServerTest, TakesAStaleSocketFileOver) {
  // A socket file whose process died without removing it (kill -9): it listened, then its
  // descriptor was closed by the kernel. And one that was bound and never listened on.
  const std::string path = TempSocketPath("stale");
  for (bool listened : {true, false}) {
    SCOPED_TRACE(listened ? "listened, then died" : "bound, never served");
    const int fd = BindAt(path);
    if (listened) {
      ASSERT_EQ(::listen(fd, 4), 0);
    }
    ::close(fd);
    ASSERT_EQ(::access(path.c_str(), F_OK), 0);
    auto server = ControlServer::Start({.socket_path = path}, Echo());
    ASSERT_TRUE(server.ok()) << server.status().message();
    EXPECT_EQ(*SendControlCommand(path, "x"), "got <x>\n");
    (*server)->Stop();
    EXPECT_NE(::access(path.c_str(), F_OK), 0);
  }
  // --initially-drop-socket-file changes nothing about that.
  ::close(BindAt(path));
  auto dropped = ControlServer::Start({.socket_path = path, .drop_stale_socket = true}, Echo());
  ASSERT_TRUE(dropped.ok()) << dropped.status().message();
  EXPECT_EQ(*SendControlCommand(path, "y"), "got <y>\n");
}

// A port nobody listens on now (the kernel's pick for a throwaway socket).
int FreeTcpPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

TEST(ControlServerTest, AlsoServesTcpOnLoopback) {
  const std::string path = TempSocketPath("tcp");
  const int port = FreeTcpPort();
  auto server = ControlServer::Start({.socket_path = path, .tcp_port = port}, Echo());
  ASSERT_TRUE(server.ok()) << server.status().message();
  EXPECT_EQ((*server)->tcp_port(), port);
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(::write(fd, "status\n", 7), 7);
  std::string answer;
  char buf[64];
  for (ssize_t n; (n = ::read(fd, buf, sizeof(buf))) > 0;) answer.append(buf, n);
  ::close(fd);
  EXPECT_EQ(answer, "got <status>\n");
  EXPECT_EQ(*SendControlCommand(path, "sup"), "got <sup>\n");
}

TEST(ControlServerTest, DefaultPathIsGhOsts) {
  EXPECT_EQ(DefaultControlSocketPath("shop", "orders"), "/tmp/gh-ost.shop.orders.sock");
  EXPECT_EQ(DefaultControlSocketPath("a/b", "c"), "/tmp/gh-ost.a_b.c.sock");
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
