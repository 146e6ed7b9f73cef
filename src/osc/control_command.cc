#include "osc/control_command.h"

#include <array>
#include <utility>

#include "common/strings.h"

namespace safeddl::osc {
namespace {

struct VerbName {
  std::string_view name;
  ControlVerb verb;
};

constexpr std::array kVerbs = {
    VerbName{"help", ControlVerb::kHelp},
    VerbName{"?", ControlVerb::kHelp},
    VerbName{"status", ControlVerb::kStatus},
    VerbName{"info", ControlVerb::kStatus},
    VerbName{"sup", ControlVerb::kSup},
    VerbName{"coordinates", ControlVerb::kCoordinates},
    VerbName{"chunk-size", ControlVerb::kChunkSize},
    VerbName{"max-lag-millis", ControlVerb::kMaxLagMillis},
    VerbName{"max-load", ControlVerb::kMaxLoad},
    VerbName{"critical-load", ControlVerb::kCriticalLoad},
    VerbName{"nice-ratio", ControlVerb::kNiceRatio},
    VerbName{"throttle-query", ControlVerb::kThrottleQuery},
    VerbName{"throttle-http", ControlVerb::kThrottleHttp},
    VerbName{"throttle-control-replicas", ControlVerb::kThrottleControlReplicas},
    VerbName{"throttle", ControlVerb::kThrottle},
    VerbName{"pause", ControlVerb::kThrottle},
    VerbName{"suspend", ControlVerb::kThrottle},
    VerbName{"no-throttle", ControlVerb::kNoThrottle},
    VerbName{"unthrottle", ControlVerb::kNoThrottle},
    VerbName{"resume", ControlVerb::kNoThrottle},
    VerbName{"continue", ControlVerb::kNoThrottle},
    VerbName{"unpostpone", ControlVerb::kUnpostpone},
    VerbName{"no-postpone", ControlVerb::kUnpostpone},
    VerbName{"cut-over", ControlVerb::kUnpostpone},
    VerbName{"panic", ControlVerb::kPanic},
};

// Go's strconv.Unquote for the simple case gh-ost users write: "..." with \" and \\ escapes.
std::string Unquote(std::string_view s) {
  if (s.size() < 2 || s.front() != '"' || s.back() != '"') return std::string(s);
  std::string out;
  for (size_t i = 1; i + 1 < s.size(); ++i) {
    if (s[i] == '\\' && i + 2 < s.size()) ++i;
    out.push_back(s[i]);
  }
  return out;
}

}  // namespace

std::string_view ControlCommandName(std::string_view line) {
  return TrimWhitespace(line.substr(0, line.find('=')));
}

Result<ControlCommand> ParseControlCommand(std::string_view line) {
  const size_t eq = line.find('=');
  const std::string_view name = ControlCommandName(line);
  if (name.empty()) return InvalidArgumentError("empty command (try: help)");
  ControlCommand command;
  command.name = std::string(name);
  if (eq != std::string_view::npos) {
    command.argument = Unquote(TrimWhitespace(line.substr(eq + 1)));
    command.question = command.argument == "?";
  }
  for (const VerbName& v : kVerbs) {
    if (v.name == name) {
      command.verb = v.verb;
      return command;
    }
  }
  return InvalidArgumentError("unknown command: " + command.name + " (try: help)");
}

std::string ControlHelpText() {
  return R"(available commands:
status                               # a detailed status message
sup                                  # a one-line status message
coordinates                          # the binlog position applied up to
chunk-size=<rows>                    # set a new chunk size (10..100000)
nice-ratio=<ratio>                   # sleep ratio x each chunk's time after it (0..100)
max-lag-millis=<millis>              # set a new replica lag threshold
max-load=<load>                      # set new max-load thresholds (Threads_running=50,...)
critical-load=<load>                 # set new critical-load thresholds
throttle-query=<query>               # set a new throttle query (empty: none)
throttle-http=<url>                  # set a new throttle URL (empty: none)
throttle-control-replicas=<replicas> # set the replicas to watch (host:port,...)
throttle                             # force throttling
no-throttle                          # end forced throttling (other reasons may still apply)
unpostpone                           # stop postponing the cut-over; cut over now
cut-over                             # the same as unpostpone
panic                                # stop at once, without cleanup
help                                 # this message
- use '?' as argument to get a value rather than set it, e.g. "max-load=?"
)";
}

}  // namespace safeddl::osc
