// Status: the outcome of an operation that can fail, as a value.
//
// Errors never travel as exceptions across library boundaries: every fallible function returns a
// Status or a Result<T> (result.h). A Status carries a code naming the domain of the failure, a
// human message, and, for failures reported by a MySQL/MariaDB server or client library, the
// server's errno and SQLSTATE. `cli/main.cc` is the only place that turns a Status into an exit
// code. Status is a small value type; copies are independent and thread-compatible.
#pragma once

#include <string>
#include <string_view>

namespace safeddl {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // the caller (usually the user) asked for something malformed
  kNotFound,            // a table, file, sandbox, ... that should exist does not
  kAlreadyExists,       // something that must not exist yet does
  kUnsupported,         // understood, but safeddl refuses to do it (e.g. foreign keys)
  kFailedPrecondition,  // the server or table is not in a state that allows the operation
  kCorruption,          // bytes that do not parse (binlog events, files)
  kIoError,             // local file or process error
  kCannotConnect,       // no connection could be established
  kConnectionLost,      // an established connection broke
  kAccessDenied,        // authentication or privilege failure
  kLockWaitTimeout,     // lock_wait_timeout / innodb_lock_wait_timeout expired
  kDeadlock,            // the server chose this transaction as a deadlock victim
  kInterrupted,         // the statement was killed or hit max_statement_time
  kServerError,         // any other error the server reported
  kTimeout,             // a client-side deadline expired
  kAborted,             // stopped on purpose (user panic, signal, critical load)
  kInternal,            // a bug in safeddl
};

// Returns a stable lower-case name for `code` ("lock_wait_timeout"); used in JSON output.
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message, unsigned server_errno = 0,
         std::string sqlstate = {});

  static Status OK() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // The MySQL/MariaDB error number (server or client library), 0 when not from a server.
  unsigned server_errno() const { return server_errno_; }
  const std::string& sqlstate() const { return sqlstate_; }

  // True when repeating the same operation later may succeed: lock wait timeouts, deadlocks,
  // lost connections, client time-outs. Everything else needs a change before a retry helps.
  bool IsRetryable() const;

  // "lock_wait_timeout: <message> (errno 1205, SQLSTATE HY000)".
  std::string ToString() const;

  // Returns a copy whose message is "<context>: <message>"; OK stays OK.
  Status WithContext(std::string_view context) const;

  // Explicitly discards a Status whose failure is acceptable at this call site.
  void IgnoreError() const {}

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  unsigned server_errno_ = 0;
  std::string sqlstate_;
};

inline bool operator==(const Status& a, const Status& b) {
  return a.code() == b.code() && a.message() == b.message();
}

Status InvalidArgumentError(std::string message);
Status NotFoundError(std::string message);
Status AlreadyExistsError(std::string message);
Status UnsupportedError(std::string message);
Status FailedPreconditionError(std::string message);
Status CorruptionError(std::string message);
Status IoError(std::string message);
Status TimeoutError(std::string message);
Status AbortedError(std::string message);
Status InternalError(std::string message);

}  // namespace safeddl

// Returns from the enclosing function when `expr` (a Status) is not OK.
#define SAFEDDL_RETURN_IF_ERROR(expr)                  \
  do {                                                 \
    ::safeddl::Status safeddl_status_ = (expr);        \
    if (!safeddl_status_.ok()) return safeddl_status_; \
  } while (0)
