// HttpStub: a tiny HTTP/1.1 server on 127.0.0.1 for tests of HTTP checks (--throttle-http). It
// answers every request with the status code set last (0: reads the request and never answers),
// one request per connection, and counts the requests and keeps the last request's head.
// Thread-safe: set_status() and the accessors may be called while it serves.
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <thread>

namespace safeddl::testkit {

class HttpStub {
 public:
  explicit HttpStub(int status);
  ~HttpStub();
  HttpStub(const HttpStub&) = delete;
  HttpStub& operator=(const HttpStub&) = delete;

  void set_status(int status) { status_.store(status); }
  std::string url(const std::string& path = "/") const;
  int port() const { return port_; }
  int requests() const { return requests_.load(); }
  std::string last_request() const;

 private:
  void Serve();
  void Answer(int fd);

  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<int> status_;
  std::atomic<int> requests_{0};
  std::atomic<bool> stop_{false};
  mutable std::mutex mu_;
  std::string last_request_;
  std::thread thread_;
};

}  // namespace safeddl::testkit
