#include "mysql/session_log.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "mysql/redact.h"

namespace safeddl::mysql {

Result<std::unique_ptr<SessionLog>> SessionLog::Open(const std::string& path) {
  std::FILE* file = nullptr;
  if (!path.empty()) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
      return IoError(fmt::format("cannot open session log '{}': {}", path, std::strerror(errno)));
    }
    file = ::fdopen(fd, "w");
    if (file == nullptr) {
      ::close(fd);
      return IoError(fmt::format("cannot open session log '{}'", path));
    }
  }
  std::unique_ptr<SessionLog> log(new SessionLog(file));
  log->phases_.push_back(PhaseTiming{"connect"});
  return log;
}

SessionLog::~SessionLog() {
  if (file_ != nullptr) std::fclose(file_);
}

PhaseTiming& SessionLog::CurrentPhaseLocked() { return phases_[current_]; }

void SessionLog::SetPhase(std::string_view phase) {
  std::lock_guard<std::mutex> lock(mu_);
  const TimePoint now = SystemClock::Get().Now();
  CurrentPhaseLocked().wall_ms += MillisBetween(phase_started_, now);
  phase_started_ = now;
  for (size_t i = 0; i < phases_.size(); ++i) {
    if (phases_[i].phase == phase) {
      current_ = i;
      return;
    }
  }
  phases_.push_back(PhaseTiming{std::string(phase)});
  current_ = phases_.size() - 1;
}

void SessionLog::Record(uint64_t connection_id, std::string_view sql, double duration_ms,
                        int64_t rows_affected, unsigned warnings, const Status& outcome) {
  std::lock_guard<std::mutex> lock(mu_);
  PhaseTiming& phase = CurrentPhaseLocked();
  ++phase.statements;
  phase.statement_ms += duration_ms;
  if (!outcome.ok()) ++phase.errors;
  if (file_ == nullptr) return;
  nlohmann::json line = {
      {"ts", UtcTimestampNow()},
      {"phase", phase.phase},
      {"conn", connection_id},
      {"sql", RedactSecrets(sql)},
      {"ms", static_cast<double>(static_cast<int64_t>(duration_ms * 1000)) / 1000},
      {"rows", rows_affected},
      {"warnings", warnings},
  };
  if (!outcome.ok()) {
    line["error"] = {{"code", StatusCodeName(outcome.code())},
                     {"errno", outcome.server_errno()},
                     {"message", RedactSecrets(outcome.message())}};
  }
  const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::fwrite(text.data(), 1, text.size(), file_);
  std::fputc('\n', file_);
  std::fflush(file_);
}

std::vector<PhaseTiming> SessionLog::Phases() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<PhaseTiming> out = phases_;
  out[current_].wall_ms += MillisBetween(phase_started_, SystemClock::Get().Now());
  return out;
}

std::string SessionLog::Summary() const {
  std::string out = "phase timings:\n";
  for (const PhaseTiming& p : Phases()) {
    if (p.statements == 0 && p.wall_ms < 1) continue;
    out += fmt::format("  {:<12} {:>7} statements {:>8} in statements {:>8} wall{}\n", p.phase,
                       p.statements, HumanDuration(p.statement_ms / 1000),
                       HumanDuration(p.wall_ms / 1000),
                       p.errors ? fmt::format("  ({} failed)", p.errors) : "");
  }
  return out;
}

}  // namespace safeddl::mysql
