#include "plan/native_probe.h"

#include <fmt/format.h>
#include <mysqld_error.h>

#include "common/clock.h"

namespace safeddl::plan {
namespace {

constexpr LockLevel kLockLevels[] = {LockLevel::kNone, LockLevel::kShared, LockLevel::kExclusive};

bool IsNotSupported(const Status& s) {
  return s.server_errno() == ER_ALTER_OPERATION_NOT_SUPPORTED ||
         s.server_errno() == ER_ALTER_OPERATION_NOT_SUPPORTED_REASON;
}

}  // namespace

std::string_view AlgorithmName(Algorithm a) {
  switch (a) {
    case Algorithm::kInstant:
      return "INSTANT";
    case Algorithm::kNocopy:
      return "NOCOPY";
    case Algorithm::kInplace:
      return "INPLACE";
    case Algorithm::kCopy:
      return "COPY";
  }
  return "?";
}

std::string_view LockLevelName(LockLevel l) {
  switch (l) {
    case LockLevel::kNone:
      return "NONE";
    case LockLevel::kShared:
      return "SHARED";
    case LockLevel::kExclusive:
      return "EXCLUSIVE";
  }
  return "?";
}

const AlgorithmAnswer* NativeAnswer::Best() const {
  if (!invalid.empty()) return nullptr;
  for (const AlgorithmAnswer& a : answers) {
    if (a.accepted) return &a;
  }
  return nullptr;
}

bool NativeAnswer::BlocksWrites() const {
  const AlgorithmAnswer* best = Best();
  return best == nullptr || best->lock != LockLevel::kNone;
}

Result<NativeAnswer> ProbeNativeAlgorithms(mysql::Connection& conn, ScratchSchema& scratch,
                                           std::string_view table, std::string_view original_create,
                                           std::string_view clauses) {
  NativeAnswer answer;
  const std::string target = scratch.QuotedTable(table);
  bool fresh = false;  // the copy is unaltered
  for (Algorithm algorithm : kAllAlgorithms) {
    AlgorithmAnswer a;
    a.algorithm = algorithm;
    for (LockLevel lock : kLockLevels) {
      // COPY never runs with LOCK=NONE: the server would only say so.
      if (algorithm == Algorithm::kCopy && lock == LockLevel::kNone) continue;
      if (!fresh) {
        SAFEDDL_RETURN_IF_ERROR(scratch.CreateFrom(table, original_create));
        fresh = true;
      }
      const TimePoint start = SystemClock::Get().Now();
      Status s = conn.Execute(fmt::format("ALTER TABLE {} {}, ALGORITHM={}, LOCK={}", target,
                                          clauses, AlgorithmName(algorithm), LockLevelName(lock)));
      if (s.ok()) {
        a.accepted = true;
        a.lock = lock;
        a.seconds = MillisBetween(start, SystemClock::Get().Now()) / 1000.0;
        fresh = false;
        if (answer.after_create.empty()) {
          SAFEDDL_ASSIGN_OR_RETURN(answer.after_create, scratch.ShowCreate(table));
        }
        break;
      }
      if (!IsNotSupported(s)) {
        if (s.code() == StatusCode::kConnectionLost) return s;
        answer.invalid = s.message();
        answer.answers.clear();
        return answer;
      }
      a.refusal = s.message();
    }
    answer.answers.push_back(std::move(a));
  }
  return answer;
}

}  // namespace safeddl::plan
