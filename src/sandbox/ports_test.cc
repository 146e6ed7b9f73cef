#include "sandbox/ports.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace safeddl::sandbox {
namespace {

TEST(PortsTest, BoundPortIsNotFreeAndIsSkipped) {
  // Take an ephemeral port and keep it bound.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(::listen(fd, 1), 0);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const unsigned port = ntohs(addr.sin_port);

  EXPECT_FALSE(IsPortFree(port));
  Result<std::vector<unsigned>> ports = FindFreePorts(port, 2);
  ASSERT_TRUE(ports.ok());
  ASSERT_EQ(ports->size(), 2u);
  EXPECT_GT((*ports)[0], port);
  EXPECT_LT((*ports)[0], (*ports)[1]);
  ::close(fd);
}

TEST(PortsTest, FailsWhenTooFewPortsRemain) {
  EXPECT_EQ(FindFreePorts(65535, 5).status().code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace safeddl::sandbox
