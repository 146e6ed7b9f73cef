#include "locks/metrics_server.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace safeddl::locks {
namespace {

constexpr int kBacklog = 8;
constexpr int kPollMillis = 200;
constexpr size_t kRequestBufferBytes = 2048;

void WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return;
    data.remove_prefix(static_cast<size_t>(n));
  }
}

}  // namespace

Result<std::unique_ptr<MetricsServer>> MetricsServer::Start(unsigned port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return IoError(fmt::format("metrics socket: {}", std::strerror(errno)));
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::listen(fd, kBacklog) != 0) {
    const std::string err = std::strerror(errno);
    ::close(fd);
    return IoError(fmt::format("cannot listen on 127.0.0.1:{} for metrics: {}", port, err));
  }
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  std::unique_ptr<MetricsServer> server(new MetricsServer(fd, ntohs(addr.sin_port)));
  server->thread_ = std::thread([s = server.get()] { s->Serve(); });
  return server;
}

MetricsServer::MetricsServer(int fd, unsigned port) : fd_(fd), port_(port) {}

MetricsServer::~MetricsServer() { Stop(); }

void MetricsServer::Publish(std::string text) {
  std::lock_guard<std::mutex> lock(mu_);
  text_ = std::move(text);
}

void MetricsServer::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

void MetricsServer::Serve() {
  while (!stop_) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, kPollMillis) <= 0) continue;
    const int client = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    // Read (and ignore) the request head; every path serves the metrics.
    pollfd c{client, POLLIN, 0};
    if (::poll(&c, 1, kPollMillis) > 0) {
      char buf[kRequestBufferBytes];
      (void)!::recv(client, buf, sizeof(buf), 0);
    }
    std::string body;
    {
      std::lock_guard<std::mutex> lock(mu_);
      body = text_;
    }
    WriteAll(client, fmt::format("HTTP/1.0 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\n"
                                 "Content-Length: {}\r\nConnection: close\r\n\r\n{}",
                                 body.size(), body));
    ::close(client);
  }
}

}  // namespace safeddl::locks
