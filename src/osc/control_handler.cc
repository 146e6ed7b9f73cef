#include "osc/control_handler.h"

#include <fmt/format.h>

#include <charconv>
#include <optional>

#include "common/clock.h"
#include "common/files.h"
#include "common/http_check.h"
#include "common/log.h"
#include "common/strings.h"
#include "mysql/quote.h"
#include "osc/control_command.h"
#include "osc/load_thresholds.h"

namespace safeddl::osc {
namespace {

constexpr char kThrottleHint[] =
    "# note: throttle only as long as the binary logs are kept: the migration needs them\n";

std::string FileState(const std::string& path) {
  if (path.empty()) return "none";
  return path + (FileExists(path) ? " (exists)" : " (absent)");
}

std::string OrNone(const std::string& s) { return s.empty() ? "none" : s; }

std::optional<double> ParseDouble(std::string_view s) {
  double v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

std::string Error(const std::string& message) { return "error: " + message + "\n"; }

Result<int64_t> IntegerArgument(const ControlCommand& c) {
  auto v = ParseInt64(c.argument);
  if (!v) return InvalidArgumentError(c.name + "=" + c.argument + ": not an integer");
  return static_cast<int64_t>(*v);
}

// "cut-over" / "panic" name the table when --force-named-* asks for it; a wrong name never counts.
Status CheckNamed(const ControlCommand& c, bool forced, const std::string& table) {
  if (c.argument.empty() && forced) {
    return InvalidArgumentError(
        fmt::format("'{}' must name the table ({}={}) because of --force-named-{}", c.name, c.name,
                    table, c.verb == ControlVerb::kPanic ? "panic" : "cut-over"));
  }
  if (!c.argument.empty() && c.argument != table) {
    return InvalidArgumentError(fmt::format(
        "'{}' names table {} but the migrated table is {}; ignored", c.name, c.argument, table));
  }
  return Status::OK();
}

std::string Sup(const ControlContext& context) {
  return context.snapshot ? context.snapshot().ToLine() + "\n" : "starting\n";
}

}  // namespace

ControlContext MakeControlContext(const MigrationOptions& options, const std::string& serving) {
  ControlContext c;
  c.database = options.database;
  c.table = options.table;
  c.serving = serving;
  c.force_named_cut_over = options.force_named_cut_over;
  c.force_named_panic = options.force_named_panic;
  c.throttle_flag_file = options.throttle_flag_file;
  c.throttle_additional_flag_file = options.throttle_additional_flag_file;
  c.postpone_cut_over_flag_file = options.postpone_cut_over_flag_file;
  c.binlog_capture = !options.trigger_capture;
  return c;
}

std::string ControlStatusText(const LiveSettings& live, const ControlContext& context) {
  const ProgressSnapshot p = context.snapshot ? context.snapshot() : ProgressSnapshot{};
  Result<std::string> table = mysql::QuoteQualified(context.database, context.table);
  std::string out = fmt::format("# Migrating {}{}\n", table.ok() ? *table : context.table,
                                context.ghost.empty() ? "" : "; ghost table " + context.ghost);
  out += fmt::format("# chunk-size: {}; max-lag-millis: {}ms; nice-ratio: {}\n", live.chunk_size(),
                     live.max_lag_millis(), live.nice_ratio());
  out += fmt::format("# max-load: {}; critical-load: {}\n",
                     OrNone(FormatLoadThresholds(live.max_load())),
                     OrNone(FormatLoadThresholds(live.critical_load())));
  out += fmt::format("# throttle-query: {}; throttle-http: {}; throttle-control-replicas: {}\n",
                     OrNone(live.throttle_query()), OrNone(live.throttle_http()),
                     OrNone(JoinStrings(live.throttle_control_replicas(), ",")));
  out += fmt::format("# throttle flag file: {}; additional flag file: {}\n",
                     FileState(context.throttle_flag_file),
                     FileState(context.throttle_additional_flag_file));
  out += fmt::format("# postpone cut-over flag file: {}{}\n",
                     FileState(context.postpone_cut_over_flag_file),
                     live.postponing() ? "; postponing the cut-over (unpostpone to go on)" : "");
  if (!context.serving.empty()) out += "# Serving on " + context.serving + "\n";
  out += p.throttled ? "# throttled: " + p.throttle_reason + "\n" : "# not throttled\n";
  out += p.ToLine();
  if (context.binlog_capture) out += "; binlog applied up to " + OrNone(p.binlog_position);
  out += fmt::format("; throttled {} in all\n", HumanDuration(p.throttled_seconds));
  return out;
}

std::string HandleControlLine(std::string_view line, LiveSettings& live,
                              const ControlContext& context) {
  Result<ControlCommand> parsed = ParseControlCommand(line);
  if (!parsed.ok()) return Error(parsed.status().message());
  const ControlCommand& c = *parsed;
  const bool read_only = c.question || c.verb == ControlVerb::kHelp ||
                         c.verb == ControlVerb::kStatus || c.verb == ControlVerb::kSup ||
                         c.verb == ControlVerb::kCoordinates;
  if (!read_only) LogInfo("control socket: {}", TrimWhitespace(line));
  const auto status = [&] { return ControlStatusText(live, context); };
  const std::string hint = context.binlog_capture ? kThrottleHint : "";
  switch (c.verb) {
    case ControlVerb::kHelp:
      return ControlHelpText();
    case ControlVerb::kStatus:
      return status();
    case ControlVerb::kSup:
      return Sup(context);
    case ControlVerb::kCoordinates: {
      if (!c.argument.empty() && !c.question) return Error("coordinates are read-only");
      const ProgressSnapshot p = context.snapshot ? context.snapshot() : ProgressSnapshot{};
      return OrNone(p.binlog_position) + "\n";
    }
    case ControlVerb::kChunkSize: {
      if (c.question) return fmt::format("{}\n", live.chunk_size());
      auto n = IntegerArgument(c);
      if (!n.ok()) return Error(n.status().message());
      live.RequestChunkSize(*n);
      return status();
    }
    case ControlVerb::kMaxLagMillis: {
      if (c.question) return fmt::format("{}\n", live.max_lag_millis());
      auto n = IntegerArgument(c);
      if (!n.ok()) return Error(n.status().message());
      live.set_max_lag_millis(*n);
      return status();
    }
    case ControlVerb::kNiceRatio: {
      if (c.question) return fmt::format("{}\n", live.nice_ratio());
      auto r = ParseDouble(c.argument);
      if (!r) return Error(c.name + "=" + c.argument + ": not a number");
      live.set_nice_ratio(*r);
      return status();
    }
    case ControlVerb::kMaxLoad:
    case ControlVerb::kCriticalLoad: {
      const bool max = c.verb == ControlVerb::kMaxLoad;
      if (c.question) {
        return FormatLoadThresholds(max ? live.max_load() : live.critical_load()) + "\n";
      }
      auto t = ParseLoadThresholds(c.argument, c.name);
      if (!t.ok()) return Error(t.status().message());
      max ? live.set_max_load(std::move(*t)) : live.set_critical_load(std::move(*t));
      return status();
    }
    case ControlVerb::kThrottleQuery:
      if (c.question) return live.throttle_query() + "\n";
      live.set_throttle_query(c.argument);
      return hint + status();
    case ControlVerb::kThrottleHttp:
      if (c.question) return live.throttle_http() + "\n";
      if (!c.argument.empty()) {
        if (auto url = ParseHttpUrl(c.argument); !url.ok()) return Error(url.status().message());
      }
      live.set_throttle_http(c.argument);
      return hint + status();
    case ControlVerb::kThrottleControlReplicas: {
      if (c.question) return JoinStrings(live.throttle_control_replicas(), ",") + "\n";
      std::vector<std::string> replicas;
      for (const std::string& r : SplitString(c.argument, ',')) {
        if (!TrimWhitespace(r).empty()) replicas.emplace_back(TrimWhitespace(r));
      }
      live.set_throttle_control_replicas(std::move(replicas));
      return status();
    }
    case ControlVerb::kThrottle:
      live.set_throttle_requested(true);
      return hint + status();
    case ControlVerb::kNoThrottle:
      live.set_throttle_requested(false);
      return status();
    case ControlVerb::kUnpostpone: {
      if (Status s = CheckNamed(c, context.force_named_cut_over, context.table); !s.ok()) {
        return Error(s.message());
      }
      if (!live.postponing()) {
        return "the cut-over is not being postponed now: nothing to unpostpone\n";
      }
      live.RequestUnpostpone();
      return "Unpostponed: cutting over\n" + status();
    }
    case ControlVerb::kPanic: {
      if (Status s = CheckNamed(c, context.force_named_panic, context.table); !s.ok()) {
        return Error(s.message());
      }
      live.RequestPanic();
      return "panic: stopping now, without cleanup\n";
    }
  }
  return Error("unhandled command " + c.name);
}

}  // namespace safeddl::osc
