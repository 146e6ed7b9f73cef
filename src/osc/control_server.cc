#include "osc/control_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <utility>

#include "common/log.h"
#include "common/unique_fd.h"

namespace safeddl::osc {
namespace {

constexpr int kListenBacklog = 16;
constexpr int kClientTimeoutMillis = 2000;  // a client that sends no line in time is dropped
constexpr size_t kMaxLineBytes = 64 * 1024;

std::string Errno(const std::string& what) { return what + ": " + std::strerror(errno); }

Result<sockaddr_un> UnixAddress(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof(addr.sun_path)) {
    return InvalidArgumentError(
        fmt::format("--serve-socket-file '{}': a socket path must be 1 to {} bytes", path,
                    sizeof(addr.sun_path) - 1));
  }
  std::memcpy(addr.sun_path, path.data(), path.size());
  return addr;
}

// Writes all of `data`; false when the peer went away.
bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// Reads up to the first newline (or EOF); nullopt on time-out or error.
std::optional<std::string> ReadLine(int fd, int timeout_millis) {
  std::string line;
  char buf[512];
  while (line.size() < kMaxLineBytes) {
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, timeout_millis);
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return std::nullopt;
    const ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return std::nullopt;
    if (n == 0) return line;
    line.append(buf, static_cast<size_t>(n));
    if (const size_t nl = line.find('\n'); nl != std::string::npos) {
      line.resize(nl);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      return line;
    }
  }
  return line;
}

bool IsSocket(const std::string& path, bool* exists) {
  struct stat st {};
  *exists = ::lstat(path.c_str(), &st) == 0;
  return *exists && S_ISSOCK(st.st_mode);
}

// Whether a process listens on the socket file at `path`: connect() reaches a listener (true), or
// the kernel refuses it (false: whoever bound the file is gone — a run that was killed leaves
// its file behind). Anything else (no permission to connect, say) cannot tell a live owner from
// a dead one: an error, so that the file is left alone.
Result<bool> HasListener(const sockaddr_un& addr, const std::string& path) {
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return IoError(Errno("creating a socket"));
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) == 0) {
    return true;
  }
  switch (errno) {
    case ECONNREFUSED:
    case ENOENT:  // removed meanwhile: nobody's
      return false;
    case EAGAIN:  // a full backlog: someone listens
      return true;
    default:
      return FailedPreconditionError(fmt::format(
          "--serve-socket-file {} exists and it cannot be told whether a live process serves on "
          "it ({}): not touching it; remove it if it is a leftover",
          path, std::strerror(errno)));
  }
}

Result<int> ListenUnix(const ControlServerOptions& o) {
  SAFEDDL_ASSIGN_OR_RETURN(sockaddr_un addr, UnixAddress(o.socket_path));
  bool exists = false;
  const bool is_socket = IsSocket(o.socket_path, &exists);
  if (exists) {
    if (!is_socket) {
      return FailedPreconditionError(fmt::format(
          "--serve-socket-file {} exists and is not a socket: not touching it", o.socket_path));
    }
    SAFEDDL_ASSIGN_OR_RETURN(bool live, HasListener(addr, o.socket_path));
    if (live) {
      // Refused whatever the options say: removing it would leave that migration without its
      // interactive commands. Its answer, when it gives one, says whose socket it is.
      if (SendControlCommand(o.socket_path, "sup").ok()) {
        return FailedPreconditionError(fmt::format(
            "another migration is serving on {} (it answers there): refusing to start; check it "
            "with `echo status | nc -U {}`",
            o.socket_path, o.socket_path));
      }
      return FailedPreconditionError(fmt::format(
          "a live process listens on {} (it accepts connections but did not answer): refusing "
          "to take the socket over; name another with --serve-socket-file",
          o.socket_path));
    }
    // Nobody listens: the file of a run that died (kill -9 leaves it). A run of its own table is
    // already kept out by the migration's server lock; this one takes the file over.
    if (::unlink(o.socket_path.c_str()) != 0 && errno != ENOENT) {
      return IoError(Errno("removing the stale socket file " + o.socket_path));
    }
    LogInfo("took over the socket file {}: nobody listened on it (left by a run that died){}",
            o.socket_path, o.drop_stale_socket ? " (--initially-drop-socket-file)" : "");
  }
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return IoError(Errno("creating the control socket"));
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0) {
    return IoError(Errno("binding the control socket " + o.socket_path));
  }
  if (::listen(fd.get(), kListenBacklog) != 0) {
    const std::string message = Errno("listening on " + o.socket_path);
    ::unlink(o.socket_path.c_str());
    return IoError(message);
  }
  return fd.release();
}

Result<int> ListenTcp(int port, int* bound_port) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return IoError(Errno("creating the control TCP socket"));
  const int one = 1;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);  // loopback only: the commands are not guarded
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::listen(fd.get(), kListenBacklog) != 0) {
    return IoError(Errno(fmt::format("--serve-tcp-port: listening on 127.0.0.1:{}", port)));
  }
  socklen_t len = sizeof(addr);
  ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&addr), &len);
  *bound_port = ntohs(addr.sin_port);
  return fd.release();
}

}  // namespace

std::string DefaultControlSocketPath(const std::string& database, const std::string& table) {
  std::string path = fmt::format("gh-ost.{}.{}.sock", database, table);
  std::replace(path.begin(), path.end(), '/', '_');  // quoted identifiers may hold a slash
  return "/tmp/" + path;
}

Result<std::unique_ptr<ControlServer>> ControlServer::Start(const ControlServerOptions& options,
                                                            Handler handler) {
  std::unique_ptr<ControlServer> s(new ControlServer());
  s->handler_ = std::move(handler);
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) != 0) return IoError(Errno("creating a pipe"));
  s->wake_read_ = pipe_fds[0];
  s->wake_write_ = pipe_fds[1];
  SAFEDDL_ASSIGN_OR_RETURN(s->unix_fd_, ListenUnix(options));
  s->socket_path_ = options.socket_path;
  if (options.tcp_port > 0) {
    Result<int> tcp = ListenTcp(options.tcp_port, &s->tcp_port_);
    if (!tcp.ok()) return tcp.status();  // the destructor removes the socket file
    s->tcp_fd_ = *tcp;
  }
  s->thread_ = std::thread([p = s.get()] { p->Loop(); });
  return s;
}

ControlServer::~ControlServer() { Stop(); }

void ControlServer::Stop() {
  if (stopped_.exchange(true)) return;
  if (wake_write_ >= 0) {
    const char byte = 0;
    (void)!::write(wake_write_, &byte, 1);
  }
  if (thread_.joinable()) thread_.join();
  for (int* fd : {&unix_fd_, &tcp_fd_, &wake_read_, &wake_write_}) {
    if (*fd >= 0) ::close(*fd);
    *fd = -1;
  }
  if (!socket_path_.empty()) ::unlink(socket_path_.c_str());
}

void ControlServer::Loop() {
  while (!stopped_.load()) {
    pollfd fds[3] = {{wake_read_, POLLIN, 0}, {unix_fd_, POLLIN, 0}, {tcp_fd_, POLLIN, 0}};
    const nfds_t n = tcp_fd_ >= 0 ? 3 : 2;
    if (::poll(fds, n, -1) < 0) {
      if (errno == EINTR) continue;
      LogWarning("control socket: {}; no longer serving", Errno("poll"));
      return;
    }
    if (fds[0].revents != 0) return;
    for (nfds_t i = 1; i < n; ++i) {
      if ((fds[i].revents & POLLIN) == 0) continue;
      const int client = ::accept4(fds[i].fd, nullptr, nullptr, SOCK_CLOEXEC);
      if (client < 0) continue;
      Serve(client);
      ::close(client);
    }
  }
}

void ControlServer::Serve(int client) {
  std::optional<std::string> line = ReadLine(client, kClientTimeoutMillis);
  if (!line) return;
  WriteAll(client, handler_(*line));
}

Result<std::string> SendControlCommand(const std::string& socket_path, std::string_view line) {
  SAFEDDL_ASSIGN_OR_RETURN(sockaddr_un addr, UnixAddress(socket_path));
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return IoError(Errno("creating a socket"));
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0) {
    return IoError(Errno("connecting to " + socket_path));
  }
  if (!WriteAll(fd.get(), std::string(line) + "\n")) {
    return IoError(Errno("writing to " + socket_path));
  }
  std::string answer;
  char buf[4096];
  for (;;) {
    pollfd p{fd.get(), POLLIN, 0};
    const int ready = ::poll(&p, 1, kClientTimeoutMillis);
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return TimeoutError("no answer from " + socket_path);
    const ssize_t n = ::recv(fd.get(), buf, sizeof(buf), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return IoError(Errno("reading from " + socket_path));
    if (n == 0) return answer;
    answer.append(buf, static_cast<size_t>(n));
  }
}

}  // namespace safeddl::osc
