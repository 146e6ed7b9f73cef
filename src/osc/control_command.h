// The control socket's command language, gh-ost's (doc/interactive-commands.md): one line,
// "name" or "name=argument"; the argument may be double-quoted; "name=?" asks for the current
// value instead of setting it; gh-ost's aliases (pause, resume, no-postpone, ...) are accepted.
// Parsing only — ControlHandler carries commands out. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace safeddl::osc {

enum class ControlVerb {
  kHelp,
  kStatus,       // "status", "info": the full status
  kSup,          // one line
  kCoordinates,  // the binlog position applied up to
  kChunkSize,
  kMaxLagMillis,
  kMaxLoad,
  kCriticalLoad,
  kNiceRatio,
  kThrottleQuery,
  kThrottleHttp,
  kThrottleControlReplicas,
  kThrottle,
  kNoThrottle,
  kUnpostpone,  // "unpostpone", "no-postpone", "cut-over"
  kPanic,
};

struct ControlCommand {
  ControlVerb verb = ControlVerb::kHelp;
  std::string name;  // as typed, for messages
  std::string argument;
  bool question = false;  // "name=?"
};

// The command's name as typed: what comes before '=', trimmed (empty for an empty line).
std::string_view ControlCommandName(std::string_view line);

// InvalidArgument for an empty line or an unknown command ("unknown command: frobnicate").
Result<ControlCommand> ParseControlCommand(std::string_view line);

// The `help` text.
std::string ControlHelpText();

}  // namespace safeddl::osc
