// Exit codes of the safeddl binary, and the one mapping from a Status to an exit code.
//   0   success (for `check`: ready; for `alter`: complete and verified)
//   1   the operation failed or the server is not ready; the user's data is untouched
//   2   cannot connect, access denied, or the connection was lost
//   64  usage error: unknown flag, bad value (EX_USAGE)
#pragma once

#include "common/status.h"

namespace safeddl::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitConnection = 2;
inline constexpr int kExitUsage = 64;

int ExitCodeFor(const Status& status);

}  // namespace safeddl::cli
