// ControlServer: gh-ost's interactive interface — a Unix socket (and optionally a TCP port on
// 127.0.0.1) where a client writes one command line and gets the answer, after which the server
// closes the connection (`echo status | nc -U /tmp/gh-ost.db.t.sock`). What a line means is the
// handler's business (HandleControlLine); this file only moves bytes.
//
// Owns its listening sockets, the socket file and one thread that serves connections one at a
// time. Stop() (also the destructor) ends the thread and removes the socket file; idempotent.
// The handler runs on the server's thread.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "common/result.h"

namespace safeddl::osc {

// gh-ost's default socket path: /tmp/gh-ost.<database>.<table>.sock ('/' in a name becomes '_').
std::string DefaultControlSocketPath(const std::string& database, const std::string& table);

struct ControlServerOptions {
  std::string socket_path;  // required
  // --initially-drop-socket-file. A stale file is taken over with or without it; it only shows in
  // the note that says so.
  bool drop_stale_socket = false;
  int tcp_port = 0;  // --serve-tcp-port; 0: none
};

class ControlServer {
 public:
  using Handler = std::function<std::string(std::string_view line)>;

  // Binds and starts serving. Refuses (FailedPrecondition) when a live process listens on the
  // socket file — another migration — whatever the options say, and a path that is not a
  // socket. A stale socket file (nobody listens on it: left by a run that died, e.g. kill -9) is
  // taken over: removed and bound again, with a note in the log.
  static Result<std::unique_ptr<ControlServer>> Start(const ControlServerOptions& options,
                                                      Handler handler);
  ~ControlServer();
  void Stop();

  const std::string& socket_path() const { return socket_path_; }
  int tcp_port() const { return tcp_port_; }  // the bound port (0: none)

 private:
  ControlServer() = default;
  void Loop();
  void Serve(int client);

  std::string socket_path_;
  int tcp_port_ = 0;
  Handler handler_;
  int unix_fd_ = -1;
  int tcp_fd_ = -1;
  int wake_read_ = -1;  // a pipe: Stop() writes a byte to wake the poll
  int wake_write_ = -1;
  std::atomic<bool> stopped_{false};
  std::thread thread_;
};

// A client: sends `line`, returns the whole answer. For probing an existing socket and for tests.
Result<std::string> SendControlCommand(const std::string& socket_path, std::string_view line);

}  // namespace safeddl::osc
