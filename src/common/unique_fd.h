// UniqueFd: owns a file descriptor (a socket, a file) and closes it when it goes out of scope.
// Move-only in spirit: not copyable; release() hands the descriptor over. Not thread-safe.
#pragma once

#include <unistd.h>

#include <utility>

namespace safeddl {

class UniqueFd {
 public:
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() {
    if (fd_ >= 0) ::close(fd_);
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

}  // namespace safeddl
