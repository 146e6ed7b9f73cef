// ProbeNativeAlgorithms: which ALGORITHM the server accepts for an ALTER, and the weakest LOCK
// each needs, asked of the server itself on an empty copy of the table in plan's scratch schema
// (never the user's table): ALGORITHM=INSTANT, NOCOPY, INPLACE and COPY, each with LOCK=NONE,
// then SHARED, then EXCLUSIVE, until one is accepted. The copy is made again after every accepted
// attempt. The definition the change produces (SHOW CREATE of the altered copy) comes with the
// answer: it is exact, whatever the ALTER's text.
//
// A refusal with "not supported" (ER_ALTER_OPERATION_NOT_SUPPORTED[_REASON]) is an answer; any
// other error means the server refuses the ALTER itself (a missing column, bad syntax), returned
// as `invalid`. Not thread-safe (one connection).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "plan/scratch_schema.h"

namespace safeddl::plan {

// In order of preference: INSTANT changes metadata only; NOCOPY does not rebuild the table but may
// still read it all (ADD INDEX builds the index); INPLACE rebuilds or builds
// inside the engine; COPY copies every row into a new table.
enum class Algorithm { kInstant, kNocopy, kInplace, kCopy };
inline constexpr Algorithm kAllAlgorithms[] = {Algorithm::kInstant, Algorithm::kNocopy,
                                               Algorithm::kInplace, Algorithm::kCopy};
std::string_view AlgorithmName(Algorithm a);  // "INSTANT", "NOCOPY", "INPLACE", "COPY"

enum class LockLevel { kNone, kShared, kExclusive };
std::string_view LockLevelName(LockLevel l);  // "NONE", "SHARED", "EXCLUSIVE"

struct AlgorithmAnswer {
  Algorithm algorithm = Algorithm::kCopy;
  bool accepted = false;
  LockLevel lock = LockLevel::kExclusive;  // the weakest accepted, when accepted
  std::string refusal;                     // the server's reason, when refused
  double seconds = 0;                      // how long the accepted ALTER took on the empty copy
};

struct NativeAnswer {
  std::vector<AlgorithmAnswer> answers;  // one per algorithm, in kAllAlgorithms order
  // Set when the server refused the ALTER itself: its message. Nothing else is meaningful then.
  std::string invalid;
  std::string after_create;  // SHOW CREATE TABLE of the altered copy

  // The first accepted algorithm in order of preference; nullptr when none (or invalid).
  const AlgorithmAnswer* Best() const;
  // True when the best algorithm lets writes through while it runs (LOCK=NONE). INSTANT and
  // NOCOPY and INPLACE still need a moment's exclusive metadata lock at the start and end.
  bool BlocksWrites() const;
};

// `table` is the copy's name in `scratch` (created from `original_create` for every attempt);
// `clauses` the ALTER's clauses without ALGORITHM/LOCK. Errors: the connection's, and a scratch
// schema that cannot be written.
Result<NativeAnswer> ProbeNativeAlgorithms(mysql::Connection& conn, ScratchSchema& scratch,
                                           std::string_view table, std::string_view original_create,
                                           std::string_view clauses);

}  // namespace safeddl::plan
