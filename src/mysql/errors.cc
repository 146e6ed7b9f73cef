#include "mysql/errors.h"

#include <errmsg.h>
#include <mysql.h>
#include <mysqld_error.h>

#include <string>

namespace safeddl::mysql {

StatusCode ClassifyErrno(unsigned errnum) {
  switch (errnum) {
    case 0:
      return StatusCode::kOk;
    case ER_LOCK_WAIT_TIMEOUT:
      return StatusCode::kLockWaitTimeout;
    case ER_LOCK_DEADLOCK:
      return StatusCode::kDeadlock;
    case ER_ACCESS_DENIED_ERROR:
    case ER_DBACCESS_DENIED_ERROR:
    case ER_TABLEACCESS_DENIED_ERROR:
    case ER_COLUMNACCESS_DENIED_ERROR:
    case ER_SPECIFIC_ACCESS_DENIED_ERROR:
    case ER_PROCACCESS_DENIED_ERROR:
    case ER_KILL_DENIED_ERROR:
    case ER_ACCESS_DENIED_NO_PASSWORD_ERROR:
      return StatusCode::kAccessDenied;
    case ER_NO_SUCH_TABLE:
    case ER_BAD_TABLE_ERROR:
    case ER_BAD_DB_ERROR:
    case ER_BAD_FIELD_ERROR:
    case ER_NO_SUCH_THREAD:
      return StatusCode::kNotFound;
    case ER_TABLE_EXISTS_ERROR:
    case ER_DB_CREATE_EXISTS:
      return StatusCode::kAlreadyExists;
    case ER_QUERY_INTERRUPTED:
    case ER_STATEMENT_TIMEOUT:
      return StatusCode::kInterrupted;
    case CR_CONNECTION_ERROR:
    case CR_CONN_HOST_ERROR:
    case CR_UNKNOWN_HOST:
    case CR_IPSOCK_ERROR:
    case CR_SERVER_HANDSHAKE_ERR:
    case ER_CON_COUNT_ERROR:
    case ER_HOST_IS_BLOCKED:
    case ER_HOST_NOT_PRIVILEGED:
      return StatusCode::kCannotConnect;
    case CR_SERVER_GONE_ERROR:
    case CR_SERVER_LOST:
    case CR_SERVER_LOST_EXTENDED:
    case ER_CONNECTION_KILLED:
    case ER_SERVER_SHUTDOWN:
    case ER_NET_READ_INTERRUPTED:
    case ER_NET_READ_ERROR:
    case ER_NET_ERROR_ON_WRITE:
      return StatusCode::kConnectionLost;
    default:
      return StatusCode::kServerError;
  }
}

bool IsMissingTable(const Status& status) { return status.server_errno() == ER_NO_SUCH_TABLE; }

bool IsServerUnreachable(const Status& status) {
  switch (status.server_errno()) {
    case CR_CONNECTION_ERROR:
    case CR_CONN_HOST_ERROR:
    case CR_UNKNOWN_HOST:
    case CR_IPSOCK_ERROR:
    case CR_SERVER_GONE_ERROR:
    case CR_SERVER_LOST:
      return true;
    default:
      return false;
  }
}

bool IsValueThatDoesNotFit(const Status& status) {
  switch (status.server_errno()) {
    case ER_BAD_NULL_ERROR:
    case ER_WARN_NULL_TO_NOTNULL:
    case ER_WARN_DATA_OUT_OF_RANGE:
    case WARN_DATA_TRUNCATED:
    case ER_TRUNCATED_WRONG_VALUE:
    case ER_TRUNCATED_WRONG_VALUE_FOR_FIELD:
    case ER_DATA_TOO_LONG:
    case ER_CANNOT_CONVERT_CHARACTER:
      return true;
    default:
      return false;
  }
}

Status StatusFromHandle(st_mysql* handle, std::string_view context) {
  const unsigned errnum = mysql_errno(handle);
  std::string message = mysql_error(handle);
  if (message.empty()) message = "unknown error";
  if (!context.empty()) message = std::string(context) + ": " + message;
  StatusCode code = ClassifyErrno(errnum);
  if (code == StatusCode::kOk) code = StatusCode::kServerError;
  return Status(code, std::move(message), errnum, mysql_sqlstate(handle));
}

}  // namespace safeddl::mysql
