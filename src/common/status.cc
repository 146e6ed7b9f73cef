#include "common/status.h"

#include <fmt/format.h>

namespace safeddl {

std::string_view StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return "ok";
    case StatusCode::kInvalidArgument:
      return "invalid_argument";
    case StatusCode::kNotFound:
      return "not_found";
    case StatusCode::kAlreadyExists:
      return "already_exists";
    case StatusCode::kUnsupported:
      return "unsupported";
    case StatusCode::kFailedPrecondition:
      return "failed_precondition";
    case StatusCode::kCorruption:
      return "corruption";
    case StatusCode::kIoError:
      return "io_error";
    case StatusCode::kCannotConnect:
      return "cannot_connect";
    case StatusCode::kConnectionLost:
      return "connection_lost";
    case StatusCode::kAccessDenied:
      return "access_denied";
    case StatusCode::kLockWaitTimeout:
      return "lock_wait_timeout";
    case StatusCode::kDeadlock:
      return "deadlock";
    case StatusCode::kInterrupted:
      return "interrupted";
    case StatusCode::kServerError:
      return "server_error";
    case StatusCode::kTimeout:
      return "timeout";
    case StatusCode::kAborted:
      return "aborted";
    case StatusCode::kInternal:
      return "internal";
  }
  return "unknown";
}

Status::Status(StatusCode code, std::string message, unsigned server_errno, std::string sqlstate)
    : code_(code),
      message_(std::move(message)),
      server_errno_(server_errno),
      sqlstate_(std::move(sqlstate)) {}

bool Status::IsRetryable() const {
  switch (code_) {
    case StatusCode::kLockWaitTimeout:
    case StatusCode::kDeadlock:
    case StatusCode::kConnectionLost:
    case StatusCode::kTimeout:
      return true;
    default:
      return false;
  }
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  std::string out = fmt::format("{}: {}", StatusCodeName(code_), message_);
  if (server_errno_ != 0) {
    out += fmt::format(" (errno {}", server_errno_);
    if (!sqlstate_.empty()) out += fmt::format(", SQLSTATE {}", sqlstate_);
    out += ")";
  }
  return out;
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  return Status(code_, fmt::format("{}: {}", context, message_), server_errno_, sqlstate_);
}

Status InvalidArgumentError(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
Status NotFoundError(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
Status AlreadyExistsError(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
Status UnsupportedError(std::string m) { return {StatusCode::kUnsupported, std::move(m)}; }
Status FailedPreconditionError(std::string m) {
  return {StatusCode::kFailedPrecondition, std::move(m)};
}
Status CorruptionError(std::string m) { return {StatusCode::kCorruption, std::move(m)}; }
Status IoError(std::string m) { return {StatusCode::kIoError, std::move(m)}; }
Status TimeoutError(std::string m) { return {StatusCode::kTimeout, std::move(m)}; }
Status AbortedError(std::string m) { return {StatusCode::kAborted, std::move(m)}; }
Status InternalError(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

}  // namespace safeddl
