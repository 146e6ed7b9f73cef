#include "osc/throttler.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include "common/clock.h"
#include "common/log.h"
#include "common/strings.h"
#include "mysql/quote.h"
#include "osc/heartbeat.h"
#include "osc/load_thresholds.h"

namespace safeddl::osc {
namespace {

bool FileExists(const std::string& path) {
  struct stat st {};
  return !path.empty() && ::stat(path.c_str(), &st) == 0;
}

// "host[:port]" -> options reaching that replica with the primary's credentials.
Result<mysql::ConnectOptions> ReplicaOptions(const mysql::ConnectOptions& primary,
                                             const std::string& spec) {
  mysql::ConnectOptions o = primary;
  o.socket.clear();
  const size_t colon = spec.rfind(':');
  o.host = spec.substr(0, colon);
  o.port = 3306;
  if (colon != std::string::npos) {
    auto port = ParseUint64(spec.substr(colon + 1));
    if (!port || *port == 0 || *port > 65535) {
      return InvalidArgumentError("--throttle-control-replicas: bad port in '" + spec + "'");
    }
    o.port = static_cast<unsigned>(*port);
  }
  return o;
}

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
                                                    const MigrationPlan& plan) {
  std::unique_ptr<Throttler> t(new Throttler(options, plan));
  SAFEDDL_ASSIGN_OR_RETURN(t->primary_, mysql::Connection::Open(primary));
  std::vector<std::string> specs = options.throttle_control_replicas;
  if (specs.empty()) {
    auto hosts = t->primary_->Query(std::string(t->primary_->server().ShowReplicaHostsStatement()));
    if (hosts.ok()) {
      for (const mysql::Row& r : hosts->rows()) {
        const std::string host = r.GetString("Host");
        if (!host.empty()) specs.push_back(host + ":" + r.GetString("Port", "3306"));
      }
    } else {
      LogInfo(
          "cannot list replicas ({}): replica lag is not watched; name them with "
          "--throttle-control-replicas",
          hosts.status().message());
    }
  }
  for (const std::string& spec : specs) {
    SAFEDDL_ASSIGN_OR_RETURN(mysql::ConnectOptions o, ReplicaOptions(primary, spec));
    auto conn = mysql::Connection::Open(o);
    if (!conn.ok()) {
      return conn.status().WithContext("connecting to replica " + spec + " to watch its lag");
    }
    t->replicas_.push_back(std::move(*conn));
    t->replica_names_.push_back(spec);
  }
  t->thread_ = std::thread([p = t.get()] { p->Loop(); });
  return t;
}

void Throttler::Stop() {
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
}

ThrottleInputs Throttler::Observe() {
  ThrottleInputs in;
  in.requested = requested_.load();
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
  for (size_t i = 0; i < replicas_.size(); ++i) {
    auto lag = ReadHeartbeatLagMillis(*replicas_[i], plan_);
    in.replica_lags.push_back(
        {replica_names_[i], lag.ok() ? std::optional<int64_t>(*lag) : std::nullopt});
  }
  return in;
}

void Throttler::Loop() {
  TimePoint last = SystemClock::Get().Now();
  while (!stop_.load()) {
    ThrottleInputs in = Observe();
    ThrottleDecision d = DecideThrottle(in, options_);
    if (d.critical && options_.critical_load_interval_millis > 0) {
      // gh-ost: bail out only if the load is still critical after the interval.
      std::this_thread::sleep_for(
          std::chrono::milliseconds(options_.critical_load_interval_millis));
      d.critical = DecideThrottle(Observe(), options_).critical;
    }
    const TimePoint now = SystemClock::Get().Now();
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (decision_.throttle) throttled_ms_ += MillisBetween(last, now);
      decision_ = d;
      lags_ = in.replica_lags;
      if (d.critical && critical_.ok()) {
        critical_ = AbortedError("--critical-load reached: " + d.critical_reason);
      }
    }
    last = now;
    std::this_thread::sleep_for(kThrottleCheckInterval);
  }
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
