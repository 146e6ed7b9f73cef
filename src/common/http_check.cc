#include "common/http_check.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/clock.h"
#include "common/strings.h"
#include "common/unique_fd.h"

namespace safeddl {
namespace {

int MillisLeft(TimePoint deadline) {
  const double left = MillisBetween(SystemClock::Get().Now(), deadline);
  return left <= 0 ? 0 : static_cast<int>(left) + 1;
}

// Waits until `fd` is ready for `events`; false on time-out.
bool WaitFor(int fd, short events, TimePoint deadline) {
  pollfd p{fd, events, 0};
  for (;;) {
    const int left = MillisLeft(deadline);
    if (left == 0) return false;
    const int n = ::poll(&p, 1, left);
    if (n > 0) return true;
    if (n == 0) return false;
    if (errno != EINTR) return false;
  }
}

Result<int> Connect(const HttpUrl& url, TimePoint deadline) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (int rc = ::getaddrinfo(url.host.c_str(), url.port.c_str(), &hints, &found); rc != 0) {
    return IoError("cannot resolve " + url.host + ": " + ::gai_strerror(rc));
  }
  std::string last_error = "no address";
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                            a->ai_protocol);
    if (fd < 0) continue;
    if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0 || errno == EINPROGRESS) {
      int err = 0;
      socklen_t len = sizeof(err);
      if (WaitFor(fd, POLLOUT, deadline) &&
          ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0) {
        ::freeaddrinfo(found);
        return fd;
      }
      last_error = err != 0 ? std::strerror(err) : "timed out";
    } else {
      last_error = std::strerror(errno);
    }
    ::close(fd);
  }
  ::freeaddrinfo(found);
  return IoError("cannot connect to " + url.host + ":" + url.port + ": " + last_error);
}

}  // namespace

Result<HttpUrl> ParseHttpUrl(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (AsciiLower(url.substr(0, 8)) == "https://") {
    return UnsupportedError("--throttle-http: https:// URLs are not supported; use http://");
  }
  if (AsciiLower(url.substr(0, kScheme.size())) != kScheme) {
    return InvalidArgumentError("--throttle-http: not an http:// URL: " + std::string(url));
  }
  std::string_view rest = url.substr(kScheme.size());
  if (const size_t hash = rest.find('#'); hash != std::string_view::npos) rest = rest.substr(0, hash);
  const size_t slash = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, slash);
  HttpUrl out;
  if (slash != std::string_view::npos) {
    out.target = std::string(rest.substr(slash));
    if (out.target[0] == '?') out.target = "/" + out.target;
  }
  if (authority.find('@') != std::string_view::npos) {
    return InvalidArgumentError("--throttle-http: credentials in the URL are not supported");
  }
  if (!authority.empty() && authority[0] == '[') {  // [IPv6]:port
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      return InvalidArgumentError("--throttle-http: unclosed [ in " + std::string(url));
    }
    out.host = std::string(authority.substr(1, close - 1));
    authority = authority.substr(close + 1);
    if (!authority.empty() && authority[0] != ':') {
      return InvalidArgumentError("--throttle-http: bad host in " + std::string(url));
    }
    if (!authority.empty()) out.port = std::string(authority.substr(1));
  } else {
    const size_t colon = authority.find(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) out.port = std::string(authority.substr(colon + 1));
  }
  if (out.host.empty()) return InvalidArgumentError("--throttle-http: no host in " + std::string(url));
  const auto port = ParseInt64(out.port);
  if (!port || *port < 1 || *port > 65535) {
    return InvalidArgumentError("--throttle-http: bad port in " + std::string(url));
  }
  for (char c : out.target) {
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) {
      return InvalidArgumentError("--throttle-http: the URL's path has spaces or control bytes");
    }
  }
  return out;
}

Result<int> ParseHttpStatusLine(std::string_view line) {
  // HTTP-version SP 3DIGIT [SP reason]
  if (line.substr(0, 5) != "HTTP/" || line.size() < 12 || line[8] != ' ') {
    return IoError("not an HTTP response: " + std::string(line.substr(0, 40)));
  }
  const std::string_view code = line.substr(9, 3);
  int status = 0;
  for (char c : code) {
    if (c < '0' || c > '9') return IoError("bad HTTP status line: " + std::string(line));
    status = status * 10 + (c - '0');
  }
  if (line.size() > 12 && line[12] != ' ') {
    return IoError("bad HTTP status line: " + std::string(line));
  }
  return status;
}

Result<int> HttpHeadStatus(const std::string& url, std::chrono::milliseconds timeout) {
  SAFEDDL_ASSIGN_OR_RETURN(HttpUrl u, ParseHttpUrl(url));
  const TimePoint deadline = SystemClock::Get().Now() + timeout;
  SAFEDDL_ASSIGN_OR_RETURN(int fd, Connect(u, deadline));
  UniqueFd socket(fd);
  const bool v6 = u.host.find(':') != std::string::npos;
  const std::string host = (v6 ? "[" + u.host + "]" : u.host) + (u.port == "80" ? "" : ":" + u.port);
  const std::string request = "HEAD " + u.target + " HTTP/1.1\r\nHost: " + host +
                              "\r\nUser-Agent: safeddl\r\nConnection: close\r\n\r\n";
  for (size_t sent = 0; sent < request.size();) {
    if (!WaitFor(fd, POLLOUT, deadline)) return IoError("HTTP request to " + url + " timed out");
    const ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno != EAGAIN && errno != EINTR) {
      return IoError(std::string("sending to ") + url + ": " + std::strerror(errno));
    }
    if (n > 0) sent += static_cast<size_t>(n);
  }
  std::string response;
  constexpr size_t kMaxStatusLine = 1024;
  while (response.find("\r\n") == std::string::npos) {
    if (response.size() > kMaxStatusLine) return IoError("HTTP status line too long from " + url);
    if (!WaitFor(fd, POLLIN, deadline)) return IoError("no HTTP answer from " + url + " in time");
    char buf[512];
    const ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
    if (n == 0) {
      if (response.empty()) return IoError(url + " closed the connection without answering");
      break;
    }
    if (n < 0 && errno != EAGAIN && errno != EINTR) {
      return IoError(std::string("reading from ") + url + ": " + std::strerror(errno));
    }
    if (n > 0) response.append(buf, static_cast<size_t>(n));
  }
  return ParseHttpStatusLine(response.substr(0, response.find("\r\n")));
}

}  // namespace safeddl
