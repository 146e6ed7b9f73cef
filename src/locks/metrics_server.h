// MetricsServer: a tiny HTTP/1.0 listener on 127.0.0.1 that answers every GET with the latest
// Prometheus text (watch --metrics-port). One background thread; Publish() may be called from
// any thread (the text is swapped under a mutex). Stop() (or the destructor) joins the thread.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/result.h"

namespace safeddl::locks {

class MetricsServer {
 public:
  // Binds 127.0.0.1:`port` (0: any free port) and starts serving.
  static Result<std::unique_ptr<MetricsServer>> Start(unsigned port);
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;
  ~MetricsServer();

  void Publish(std::string text);
  unsigned port() const { return port_; }
  void Stop();

 private:
  MetricsServer(int fd, unsigned port);
  void Serve();

  int fd_;
  unsigned port_;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::string text_;
  std::thread thread_;
};

}  // namespace safeddl::locks
