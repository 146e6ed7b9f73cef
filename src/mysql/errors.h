// Maps MySQL/MariaDB error numbers (server errors from <mysqld_error.h>, client-library errors
// from <errmsg.h>) to safeddl StatusCodes, so callers can ask `IsRetryable()` or test the class
// instead of comparing magic numbers. Pure functions, thread-safe.
#pragma once

#include <string_view>

#include "common/status.h"

struct st_mysql;

namespace safeddl::mysql {

// The StatusCode for a server or client-library errno (kServerError when not specially known).
StatusCode ClassifyErrno(unsigned errnum);

// Whether the server said the table a statement names does not exist (ER_NO_SUCH_TABLE).
bool IsMissingTable(const Status& status);

// A connection attempt's failure that says no server answers there (refused, no route, unknown
// host, dropped during the handshake), as opposed to one that answers and refuses this client
// (access denied, too many connections, host blocked).
bool IsServerUnreachable(const Status& status);

// Whether the server refused a value that the column it was written to cannot hold (too long, out
// of range, not in the column's charset or type, NULL for a NOT NULL column): errors that strict
// sql_mode raises where a non-strict one converts the value with a warning.
bool IsValueThatDoesNotFit(const Status& status);

// A Status from the last error on `handle`: code by ClassifyErrno, message prefixed by `context`
// when non-empty, errno and SQLSTATE attached.
Status StatusFromHandle(st_mysql* handle, std::string_view context);

}  // namespace safeddl::mysql
