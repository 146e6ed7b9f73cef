#include "cli/exit_codes.h"

namespace safeddl::cli {

int ExitCodeFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk:
      return kExitOk;
    case StatusCode::kCannotConnect:
    case StatusCode::kConnectionLost:
    case StatusCode::kAccessDenied:
      return kExitConnection;
    case StatusCode::kInvalidArgument:
      return kExitUsage;
    default:
      return kExitFailure;
  }
}

}  // namespace safeddl::cli
