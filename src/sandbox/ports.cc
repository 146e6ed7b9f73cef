#include "sandbox/ports.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace safeddl::sandbox {
namespace {
constexpr unsigned kMaxPort = 65535;
}  // namespace

bool IsPortFree(unsigned port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  // No SO_REUSEADDR: a port in TIME_WAIT counts as busy, as it would for mariadbd.
  const bool free = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  ::close(fd);
  return free;
}

Result<std::vector<unsigned>> FindFreePorts(unsigned first, int count) {
  std::vector<unsigned> ports;
  for (unsigned p = first; p <= kMaxPort && static_cast<int>(ports.size()) < count; ++p) {
    if (IsPortFree(p)) ports.push_back(p);
  }
  if (static_cast<int>(ports.size()) < count) {
    return FailedPreconditionError(fmt::format("no {} free ports at or above {}", count, first));
  }
  return ports;
}

}  // namespace safeddl::sandbox
