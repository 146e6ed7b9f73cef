// A fence that outlives nobody: `fence on --expire` leaves a one-time server-side EVENT that
// lifts the fence at its time even when safeddl is killed or its machine is gone. The event
// unlocks the accounts the fence locked and puts read_only back, out of the binlog like the fence
// itself. It needs the event scheduler: turned on for it when it is OFF and no other event
// would start with it (the fence records that, and `fence off` turns it off again).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "common/result.h"
#include "mysql/connection.h"
#include "topology/fence_store.h"

namespace safeddl::topology {

// The event's name for fence `id`: expire_<id> (in kFenceSchema).
std::string ExpiryEventName(uint64_t id);

// CREATE EVENT for `fence` (its id, accounts and read_only_before as they will be once the
// fence is on), firing `after` from now. Pure.
std::string ExpiryEventStatement(const FenceRecord& fence, std::chrono::seconds after);

// Whether the event scheduler can run an expiry event: "" when it is ON, "OFF" when it is off and
// may be turned on (no other enabled event would start), or an error saying what to do.
Result<std::string> SchedulerForExpiry(mysql::Connection& conn);

}  // namespace safeddl::topology
