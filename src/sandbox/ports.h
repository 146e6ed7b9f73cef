// Loopback TCP port probing for sandbox servers. Thread-safe.
#pragma once

#include <vector>

#include "common/result.h"

namespace safeddl::sandbox {

// True when nothing listens on 127.0.0.1:`port` and it can be bound now.
bool IsPortFree(unsigned port);

// `count` distinct free ports, the lowest ones at or above `first`.
Result<std::vector<unsigned>> FindFreePorts(unsigned first, int count);

}  // namespace safeddl::sandbox
