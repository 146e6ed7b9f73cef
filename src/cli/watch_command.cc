#include "cli/watch_command.h"

#include "cli/unblock_command.h"

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <map>
#include <set>

#include "common/clock.h"
#include "common/log.h"
#include "common/strings.h"
#include "locks/actions.h"
#include "locks/diagnose.h"
#include "locks/galera_context.h"
#include "locks/metrics.h"
#include "locks/metrics_server.h"
#include "locks/rate_limiter.h"
#include "locks/report.h"

namespace safeddl::cli {
namespace {

constexpr auto kHour = std::chrono::hours(1);
constexpr auto kSleepSlice = std::chrono::milliseconds(50);
// After acting on a table, give the kill this long to take effect before judging it again.
constexpr auto kActionCooldown = std::chrono::seconds(2);

std::atomic<bool> g_stop{false};

extern "C" void OnStopSignal(int) { g_stop = true; }

void InstallStopHandlers() {
  struct sigaction sa {};
  sa.sa_handler = OnStopSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
}

struct TableState {
  TimePoint first_seen;
  std::optional<TimePoint> last_action;
  std::string last_note;  // the last wait/nothing-safe note logged, to log it once
};

class Watcher {
 public:
  Watcher(const WatchOptions& o, mysql::Connection& conn)
      : o_(o), conn_(&conn), limiter_(static_cast<size_t>(o.max_actions_per_hour), kHour) {}

  Status Poll(locks::WatchMetrics& metrics);
  // After a reconnect: polls go to `conn` (pileup ages and the action budget carry over).
  void UseConnection(mysql::Connection& conn) { conn_ = &conn; }

 private:
  void Emit(nlohmann::json event) {
    if (!o_.json) return;
    event["time"] = UtcTimestampNow();
    fmt::print("{}\n", event.dump());
    std::fflush(stdout);
  }
  Status MaybeAct(const locks::Diagnosis& d, size_t i, TableState& st,
                  locks::WatchMetrics& metrics);
  // On a Galera node: local transactions rolled back by conflicting writes from other nodes
  // since the last poll.
  void NoteBruteForceAborts(long long total) {
    if (last_bf_aborts_ && total > *last_bf_aborts_) {
      const long long n = total - *last_bf_aborts_;
      LogWarning(
          "watch: {} local transaction(s) rolled back by conflicting writes from other Galera "
          "nodes (BF aborts) since the last poll: the application sees deadlock errors",
          n);
      Emit({{"event", "bf_aborts"}, {"count", n}, {"total", total}});
    }
    last_bf_aborts_ = total;
  }

  const WatchOptions& o_;
  mysql::Connection* conn_;
  locks::RateLimiter limiter_;
  std::map<locks::TableName, TableState> tables_;
  std::optional<long long> last_bf_aborts_;
};

Status Watcher::MaybeAct(const locks::Diagnosis& d, size_t i, TableState& st,
                         locks::WatchMetrics& metrics) {
  const locks::Pileup& p = d.graph.pileups[i];
  const locks::Decision& dec = d.decisions[i];
  const TimePoint now = SystemClock::Get().Now();
  if (p.oldest_wait_seconds < o_.act_after_seconds) return Status::OK();
  if (st.last_action && now - *st.last_action < kActionCooldown) return Status::OK();
  const std::string table = p.table.ToString();
  if (dec.kills.empty()) {
    const std::string note = fmt::format("{}: {}", locks::ActionKindName(dec.action),
                                         dec.reasons.empty() ? "" : dec.reasons.front());
    if (note != st.last_note) {
      LogWarning("watch: {} blocked {}, not acting: {}", table,
                 HumanDuration(p.oldest_wait_seconds), note);
      st.last_note = note;
      Emit({{"event", "no_action"},
            {"table", table},
            {"action", locks::ActionKindName(dec.action)},
            {"reasons", dec.reasons},
            {"spared", dec.spared}});
    }
    return Status::OK();
  }
  if (!limiter_.Allows(now)) {
    const std::string note = "rate limit";
    if (note != st.last_note) {
      LogWarning("watch: {} blocked, action withheld: --max-actions-per-hour {} reached", table,
                 o_.max_actions_per_hour);
      st.last_note = note;
      Emit({{"event", "action_withheld"}, {"table", table}, {"reason", "max-actions-per-hour"}});
    }
    return Status::OK();
  }
  if (Status s = locks::CheckCanKill(*conn_, dec.kills); !s.ok()) {
    LogError("watch: {}", s.message());
    st.last_action = now;
    return Status::OK();
  }
  SAFEDDL_ASSIGN_OR_RETURN(std::vector<locks::KillOutcome> outcomes,
                           locks::ExecuteKills(*conn_, dec.kills, /*execute=*/true));
  limiter_.Record(now);
  st.last_action = now;
  for (const locks::KillOutcome& out : outcomes) {
    LogWarning("watch: {} blocked {}: {} -> {} ({}); because {}; cost: {}", table,
               HumanDuration(p.oldest_wait_seconds), out.target.Sql(),
               locks::KillResultName(out.result), locks::ActionKindName(dec.action),
               JoinStrings(dec.reasons, "; "), out.target.cost);
    if (out.result == locks::KillResult::kKilled) {
      ++metrics.actions_total[std::string(locks::ActionKindName(dec.action))];
    }
    Emit({{"event", "action"},
          {"table", table},
          {"action", locks::ActionKindName(dec.action)},
          {"sql", out.target.Sql()},
          {"result", locks::KillResultName(out.result)},
          {"detail", out.detail},
          {"blocked_seconds", p.oldest_wait_seconds},
          {"reasons", dec.reasons},
          {"cost", out.target.cost}});
  }
  return Status::OK();
}

Status Watcher::Poll(locks::WatchMetrics& metrics) {
  locks::DiagnoseOptions d;
  d.filter = {o_.database, o_.table};
  d.collect.own_session_ids = {conn_->id()};
  d.collect.ignore_lock_sources = o_.no_lock_sources;
  d.policy = o_.policy;
  d.read_schema = false;
  SAFEDDL_ASSIGN_OR_RETURN(locks::Diagnosis diag, locks::Diagnose(*conn_, d));
  SAFEDDL_ASSIGN_OR_RETURN(std::optional<mysql::GaleraStatus> galera,
                           mysql::ReadGaleraStatus(*conn_));
  if (galera) {
    locks::AddGaleraContext(*galera, diag.snapshot, diag.graph, diag.decisions);
    NoteBruteForceAborts(galera->bf_aborts);
  }
  ++metrics.polls;
  metrics.Update(diag.graph);
  const TimePoint now = SystemClock::Get().Now();
  std::set<locks::TableName> seen;
  for (size_t i = 0; i < diag.graph.pileups.size(); ++i) {
    const locks::Pileup& p = diag.graph.pileups[i];
    seen.insert(p.table);
    auto [it, inserted] = tables_.try_emplace(p.table, TableState{now, std::nullopt, {}});
    if (inserted) {
      std::string roots;
      for (const locks::Holder& h : p.holders) {
        roots += fmt::format(" {}({})", h.session_id, locks::EvidenceName(h.evidence));
      }
      LogWarning("watch: pileup on {}: {} waiting, oldest {}, DDL {}, root blocker(s):{}",
                 p.table.ToString(), p.WaiterCount(), HumanDuration(p.oldest_wait_seconds),
                 p.ddl_id ? std::to_string(*p.ddl_id) : "none", roots.empty() ? " none" : roots);
      nlohmann::json e = locks::PileupToJson(diag.snapshot, p);
      e["event"] = "pileup";
      Emit(std::move(e));
    }
    if (o_.auto_act) SAFEDDL_RETURN_IF_ERROR(MaybeAct(diag, i, it->second, metrics));
  }
  for (auto it = tables_.begin(); it != tables_.end();) {
    if (seen.contains(it->first)) {
      ++it;
      continue;
    }
    const double lasted = MillisBetween(it->second.first_seen, now) / 1000.0;
    LogInfo("watch: {} clear: writes flow again (pileup seen for {})", it->first.ToString(),
            HumanDuration(lasted));
    Emit({{"event", "cleared"}, {"table", it->first.ToString()}, {"seen_seconds", lasted}});
    it = tables_.erase(it);
  }
  return Status::OK();
}

}  // namespace

void SetupWatch(CLI::App& parent, CommandSlot& slot) {
  auto opts = std::make_shared<WatchOptions>();
  CLI::App* cmd = parent.add_subcommand(
      "watch",
      "Watch for metadata-lock pileups; report them (stderr, --json lines on stdout), serve "
      "Prometheus metrics, and with --auto unblock by policy. SIGTERM stops it.");
  AddConnectionFlags(*cmd, opts->connection);
  cmd->add_option("--interval", opts->interval_seconds, "Seconds between polls")
      ->capture_default_str()
      ->check(CLI::Range(0.05, 3600.0));
  cmd->add_flag("--auto", opts->auto_act, "Apply the unblock policy by itself");
  cmd->add_option("--act-after", opts->act_after_seconds,
                  "With --auto: act once writes on a table have been blocked this many seconds")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--max-actions-per-hour", opts->max_actions_per_hour,
                  "With --auto: at most this many kills in any hour")
      ->capture_default_str()
      ->check(CLI::Range(0, 1000));
  cmd->add_option("--metrics-port", opts->metrics_port,
                  "Serve Prometheus metrics on 127.0.0.1:PORT")
      ->check(CLI::Range(1, 65535));
  cmd->add_flag("--json", opts->json, "Print events as JSON lines on stdout");
  cmd->add_option("--database", opts->database, "Only pileups on tables of this schema");
  cmd->add_option("--table", opts->table, "Only pileups on this table");
  cmd->add_flag("--install-mdl-plugin", opts->install_mdl_plugin,
                "INSTALL SONAME 'metadata_lock_info' first (MariaDB)");
  cmd->add_flag("--no-lock-sources", opts->no_lock_sources,
                "Ignore METADATA_LOCK_INFO and performance_schema: infer holders");
  AddPolicyFlags(*cmd, opts->policy);
  cmd->callback([opts, &slot] { slot = [opts] { return RunWatch(*opts); }; });
}

namespace {

// Opens a new connection for `session`, retrying with backoff until it works, the server refuses
// the credentials (returned), or a stop signal (session.conn stays null).
Status Reconnect(Session& session, locks::MetricsServer* metrics_server,
                 locks::WatchMetrics& metrics) {
  session.conn.reset();
  auto backoff = std::chrono::milliseconds(250);
  while (!g_stop) {
    Result<std::unique_ptr<mysql::Connection>> conn =
        mysql::Connection::Open(session.options, session.log.get());
    if (conn.ok()) {
      session.conn = std::move(*conn);
      return Status::OK();
    }
    if (conn.status().code() == StatusCode::kAccessDenied) return conn.status();
    ++metrics.poll_errors;
    if (metrics_server) metrics_server->Publish(locks::RenderPrometheus(metrics));
    const TimePoint until = SystemClock::Get().Now() + backoff;
    while (!g_stop && SystemClock::Get().Now() < until) SystemClock::Get().SleepFor(kSleepSlice);
    backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
  }
  return Status::OK();
}

}  // namespace

Status RunWatch(const WatchOptions& o) {
  g_stop = false;
  InstallStopHandlers();
  SAFEDDL_ASSIGN_OR_RETURN(Session session, OpenSession(o.connection));
  SAFEDDL_RETURN_IF_ERROR(locks::CheckCanSeeSessions(*session.conn));
  SAFEDDL_RETURN_IF_ERROR(locks::CheckFilterExists(*session.conn, {o.database, o.table}));
  if (o.install_mdl_plugin) SAFEDDL_RETURN_IF_ERROR(locks::InstallMdlPlugin(*session.conn));
  std::unique_ptr<locks::MetricsServer> metrics_server;
  if (o.metrics_port != 0) {
    SAFEDDL_ASSIGN_OR_RETURN(metrics_server, locks::MetricsServer::Start(o.metrics_port));
    LogInfo("watch: metrics on http://127.0.0.1:{}/metrics", metrics_server->port());
  }
  LogInfo("watch: polling every {}{}", HumanDuration(o.interval_seconds),
          o.auto_act ? fmt::format(", acting after {} blocked (at most {} per hour)",
                                   HumanDuration(o.act_after_seconds), o.max_actions_per_hour)
                     : ", report only");
  Watcher watcher(o, *session.conn);
  locks::WatchMetrics metrics;
  const auto interval =
      std::chrono::duration_cast<Duration>(std::chrono::duration<double>(o.interval_seconds));
  while (!g_stop) {
    const TimePoint next = SystemClock::Get().Now() + interval;
    Status s = watcher.Poll(metrics);
    if (!s.ok()) {
      ++metrics.poll_errors;
      if (s.code() == StatusCode::kAccessDenied) return s.WithContext("watch");
      if (s.code() == StatusCode::kConnectionLost) {
        // A watchdog that exits when the server restarts or kills it is no watchdog: reconnect,
        // with backoff, until stopped.
        LogWarning("watch: lost the server ({}); reconnecting", s.message());
        s = Reconnect(session, metrics_server.get(), metrics);
        if (!s.ok()) return s.WithContext("watch");
        if (session.conn) {
          watcher.UseConnection(*session.conn);
          LogInfo("watch: reconnected (session {})", session.conn->id());
        }
        continue;
      }
      LogWarning("watch: poll failed: {}", s.message());
    }
    if (metrics_server) metrics_server->Publish(locks::RenderPrometheus(metrics));
    while (!g_stop && SystemClock::Get().Now() < next) SystemClock::Get().SleepFor(kSleepSlice);
  }
  LogInfo("watch: stopped by signal after {} polls", metrics.polls);
  return Status::OK();
}

}  // namespace safeddl::cli
