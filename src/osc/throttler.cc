#include "osc/throttler.h"

#include <fmt/format.h>

#include "common/clock.h"
#include "common/files.h"
#include "common/http_check.h"
#include "common/log.h"
#include "common/strings.h"
#include "mysql/quote.h"
#include "mysql/replication.h"
#include "osc/heartbeat.h"
#include "osc/load_thresholds.h"

namespace safeddl::osc {
namespace {

std::vector<std::string> StatusNames(const MigrationOptions& options) {
  std::vector<std::string> names;
  for (const auto* t : {&options.max_load, &options.critical_load}) {
    for (const auto& [name, limit] : *t) names.push_back(mysql::QuoteString(name));
  }
  return names;
}

}  // namespace

Result<std::unique_ptr<Throttler>> Throttler::Start(const mysql::ConnectOptions& primary,
                                                    const MigrationOptions& options,
                                                    const MigrationPlan& plan, LiveSettings& live) {
  std::unique_ptr<Throttler> t(new Throttler(primary, options, plan, live));
  t->replicas_generation_ = live.replicas_generation();
  SAFEDDL_ASSIGN_OR_RETURN(t->primary_, mysql::Connection::Open(primary));
  std::vector<std::string> specs = options.throttle_control_replicas;
  if (specs.empty()) {
    Result<std::vector<std::string>> hosts = mysql::ListReplicaAddresses(*t->primary_);
    if (hosts.ok()) {
      specs = std::move(*hosts);
    } else {
      LogInfo(
          "cannot list replicas ({}): replica lag is not watched; name them with "
          "--throttle-control-replicas",
          hosts.status().message());
    }
  }
  SAFEDDL_RETURN_IF_ERROR(t->ConnectReplicas(specs, /*tolerate_unreachable=*/false));
  if (options.throttle_control_replicas.empty()) live.NoteDiscoveredReplicas(specs);
  if (!t->replica_names_.empty()) {
    LogInfo("watching replica lag on {} (--max-lag-millis {})",
            JoinStrings(t->replica_names_, ", "), options.max_lag_millis);
  }
  // The first check before anything may copy: a throttle (or critical load) in force at the
  // start holds from the first chunk on.
  TimePoint first = SystemClock::Get().Now();
  const std::chrono::milliseconds http_interval(
      std::max<int64_t>(10, options.throttle_http_interval_millis));
  const std::chrono::milliseconds http_timeout(
      std::max<int64_t>(1, options.throttle_http_timeout_millis));
  t->CheckHttpOnce(http_timeout);
  t->CheckOnce(first);
  t->thread_ = std::thread([p = t.get()] { p->Loop(); });
  t->http_thread_ = std::thread(
      [p = t.get(), http_interval, http_timeout] { p->HttpLoop(http_interval, http_timeout); });
  return t;
}

Status Throttler::ConnectReplicas(const std::vector<std::string>& specs,
                                  bool tolerate_unreachable) {
  std::vector<std::unique_ptr<mysql::Connection>> conns;
  for (const std::string& spec : specs) {
    Result<mysql::ConnectOptions> o = mysql::ReplicaConnectOptions(primary_options_, spec);
    Result<std::unique_ptr<mysql::Connection>> conn =
        o.ok() ? mysql::Connection::Open(*o)
               : Result<std::unique_ptr<mysql::Connection>>(o.status());
    if (!conn.ok()) {
      Status s = conn.status().WithContext("connecting to replica " + spec + " to watch its lag");
      if (!tolerate_unreachable) return s;
      LogWarning("{} (its lag counts as unknown, which throttles)", s.message());
      conns.push_back(nullptr);
      continue;
    }
    conns.push_back(std::move(*conn));
  }
  replicas_ = std::move(conns);
  std::lock_guard<std::mutex> lock(mu_);
  replica_names_ = specs;
  return Status::OK();
}

void Throttler::Stop() {
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
  if (http_thread_.joinable()) http_thread_.join();
}

void Throttler::CheckHttpOnce(std::chrono::milliseconds timeout) {
  const std::string url = live_.throttle_http();
  std::optional<int> status;
  std::string error;
  if (!url.empty()) {
    Result<int> answer = HttpHeadStatus(url, timeout);
    if (answer.ok()) {
      status = *answer;
    } else {
      error = answer.status().message();
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  http_url_ = url;
  http_status_ = status;
  http_error_ = error;
}

void Throttler::HttpLoop(std::chrono::milliseconds interval, std::chrono::milliseconds timeout) {
  while (!stop_.load()) {
    // Sleep in short steps so Stop() need not wait a long interval.
    const TimePoint until = SystemClock::Get().Now() + interval;
    while (!stop_.load() && SystemClock::Get().Now() < until) {
      std::this_thread::sleep_for(
          std::min<std::chrono::milliseconds>(interval, std::chrono::milliseconds(20)));
    }
    if (!stop_.load()) CheckHttpOnce(timeout);
  }
}

ThrottleInputs Throttler::Observe() {
  live_.ApplyTo(options_);
  if (const uint64_t g = live_.replicas_generation(); g != replicas_generation_) {
    replicas_generation_ = g;
    const std::vector<std::string> specs = live_.throttle_control_replicas();
    LogInfo("now watching replica lag on: {}", specs.empty() ? "none" : JoinStrings(specs, ", "));
    ConnectReplicas(specs, /*tolerate_unreachable=*/true).IgnoreError();
  }
  ThrottleInputs in;
  in.requested = live_.throttle_requested();
  in.flag_file_present = FileExists(options_.throttle_flag_file);
  in.additional_flag_file_present = FileExists(options_.throttle_additional_flag_file);
  const std::vector<std::string> names = StatusNames(options_);
  if (!names.empty()) {
    auto rs = primary_->Query(
        fmt::format("SELECT VARIABLE_NAME, VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS "
                    "WHERE VARIABLE_NAME IN ({})",
                    JoinStrings(names, ", ")));
    std::map<std::string, int64_t> status;
    if (rs.ok()) {
      for (const mysql::Row& r : rs->rows()) {
        status[r.GetString("VARIABLE_NAME")] = r.GetInt("VARIABLE_VALUE").value_or(0);
      }
    }
    in.max_load_exceeded = FirstExceeded(options_.max_load, status);
    in.critical_load_exceeded = FirstExceeded(options_.critical_load, status);
  }
  if (!options_.throttle_query.empty()) {
    auto v = primary_->QueryValue(options_.throttle_query);
    if (v.ok() && v->has_value()) in.throttle_query_value = ParseInt64(**v).value_or(1);
    if (!v.ok()) in.throttle_query_value = 1;  // a failing throttle query throttles
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!options_.throttle_http.empty() && http_url_ == options_.throttle_http) {
      in.http_status = http_status_;
      in.http_error = http_error_;
    }
  }
  for (size_t i = 0; i < replicas_.size(); ++i) {
    auto lag = replicas_[i] ? ReadHeartbeatLagMillis(*replicas_[i], plan_)
                            : Result<int64_t>(IoError("not connected"));
    in.replica_lags.push_back(
        {replica_names_[i], lag.ok() ? std::optional<int64_t>(*lag) : std::nullopt});
  }
  return in;
}

void Throttler::Loop() {
  TimePoint last = SystemClock::Get().Now();
  while (!stop_.load()) {
    std::this_thread::sleep_for(kThrottleCheckInterval);
    CheckOnce(last);
  }
}

void Throttler::CheckOnce(TimePoint& last) {
  ThrottleInputs in = Observe();
  ThrottleDecision d = DecideThrottle(in, options_);
  if (d.critical && options_.critical_load_interval_millis > 0) {
    // gh-ost: bail out only if the load is still critical after the interval.
    std::this_thread::sleep_for(std::chrono::milliseconds(options_.critical_load_interval_millis));
    d.critical = DecideThrottle(Observe(), options_).critical;
  }
  const TimePoint now = SystemClock::Get().Now();
  std::lock_guard<std::mutex> lock(mu_);
  if (decision_.throttle) throttled_ms_ += MillisBetween(last, now);
  decision_ = d;
  lags_ = in.replica_lags;
  if (d.critical && critical_.ok()) {
    critical_ = AbortedError("--critical-load reached: " + d.critical_reason);
  }
  last = now;
}

Status Throttler::WaitWhileThrottled(std::string_view who,
                                     const std::function<Status()>& meanwhile) const {
  bool told = false;
  while (throttled()) {
    SAFEDDL_RETURN_IF_ERROR(critical());
    if (!told) {
      LogInfo("{} throttled ({})", who, reason());
      told = true;
    }
    if (meanwhile) SAFEDDL_RETURN_IF_ERROR(meanwhile());
    std::this_thread::sleep_for(kThrottleCheckInterval);
  }
  return critical();
}

bool Throttler::throttled() const {
  std::lock_guard<std::mutex> lock(mu_);
  return decision_.throttle;
}

std::string Throttler::reason() const {
  std::lock_guard<std::mutex> lock(mu_);
  return decision_.reason;
}

Status Throttler::critical() const {
  std::lock_guard<std::mutex> lock(mu_);
  return critical_;
}

double Throttler::throttled_seconds() const {
  std::lock_guard<std::mutex> lock(mu_);
  return throttled_ms_ / 1000;
}

std::vector<ReplicaLag> Throttler::lags() const {
  std::lock_guard<std::mutex> lock(mu_);
  return lags_;
}

}  // namespace safeddl::osc
