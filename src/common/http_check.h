// HTTP health checks for `--throttle-http` (gh-ost's meaning): a HEAD request to a plain http://
// URL, answered with the response's status code. Blocking, bounded by a timeout covering connect,
// send and the status line. No TLS (https:// is refused with a clear error), no redirects
// followed. Thread-safe (no shared state).
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "common/result.h"

namespace safeddl {

struct HttpUrl {
  std::string host;  // a name, an IPv4 address, or an IPv6 address without brackets
  std::string port = "80";
  std::string target = "/";  // path and query
};

// Pure. http://host[:port][/path][?query]; userinfo and fragments are refused or dropped as
// HTTP does (the fragment is never sent).
Result<HttpUrl> ParseHttpUrl(std::string_view url);

// Pure. The status code of an HTTP/1.x status line ("HTTP/1.1 200 OK").
Result<int> ParseHttpStatusLine(std::string_view line);

// HEAD `url`; the status code, or an error (unreachable, timed out, not HTTP).
Result<int> HttpHeadStatus(const std::string& url, std::chrono::milliseconds timeout);

}  // namespace safeddl
