// Actions: carry out a Decision's kills — only when asked to (execute = true), and only on the
// session the decision was about: each target is re-read just before its KILL, and skipped when
// it has moved on (gone, a new statement, another transaction), so a stale snapshot never kills
// a session that has since become something else.
//
// REQUIRES: `conn` is a session of this process (its own id is never a target; the policy
// guarantees that). Not thread-safe beyond the Connection's own rules.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "locks/policy.h"

namespace safeddl::mysql {
class Connection;
}

namespace safeddl::locks {

enum class KillResult {
  kDryRun,   // execute was false: printed, not run
  kKilled,   // KILL ran
  kGone,     // the session ended before the KILL
  kChanged,  // the session moved on since the snapshot: skipped
  kFailed,   // the server refused (privileges) or the connection failed
};
std::string_view KillResultName(KillResult result);

struct KillOutcome {
  KillTarget target;
  KillResult result = KillResult::kDryRun;
  std::string detail;  // why skipped / the server's error
};

// Runs (or with execute=false only lists) the kills, in order. Stops at the first failure that
// is not about the target itself (a broken connection, access denied) and returns it.
Result<std::vector<KillOutcome>> ExecuteKills(mysql::Connection& conn,
                                              const std::vector<KillTarget>& kills, bool execute);

}  // namespace safeddl::locks
