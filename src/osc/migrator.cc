#include "osc/migrator.h"

#include <fmt/format.h>

#include <algorithm>
#include <future>

#include "binlog/schema_lookup.h"
#include "common/files.h"
#include "common/log.h"
#include "common/strings.h"
#include "mysql/quote.h"
#include "mysql/replication.h"
#include "mysql/retry.h"
#include "osc/checksum.h"
#include "osc/control_start.h"
#include "osc/copier.h"
#include "osc/cut_over.h"
#include "osc/deferred_indexes.h"
#include "osc/hooks.h"
#include "osc/inspector.h"
#include "osc/revert_record.h"
#include "osc/session_setup.h"
#include "osc/table_names.h"
#include "osc/unfit_values.h"
#include "schema/introspect.h"

namespace safeddl::osc {
namespace {

constexpr auto kReportInterval = std::chrono::seconds(1);
constexpr auto kDrainWait = std::chrono::milliseconds(100);
constexpr size_t kMaxRowsPerDrain = 5000;
constexpr int64_t kRowsPerChecksumRange = 10000;
constexpr int kMaxChecksumPasses = 3;
// The checksum of changed rows (changed_rows.h): at most this many distinct keys are kept, and it
// runs only while looking the keys up costs well under reading both tables whole (a key lookup
// costs about as much as reading kKeyLookupCost rows in key order).
constexpr size_t kMaxChangedKeys = 250000;
constexpr int64_t kKeyLookupCost = 20;
constexpr size_t kKeysPerChecksumBatch = 500;
// Between bounded metadata-lock waits of a native INSTANT change.
constexpr auto kInstantRetryPause = std::chrono::milliseconds(500);
constexpr auto kBacklogTimeout = std::chrono::minutes(10);
constexpr auto kPollInterval = std::chrono::milliseconds(100);

// How long a migration waits for another one's lock on the same table before it refuses.
constexpr int kMigrationLockWaitSeconds = 5;

mysql::RetryPolicy RetriesFrom(const MigrationOptions& o) {
  return mysql::RetryPolicy{
      .max_attempts = static_cast<int>(std::max<int64_t>(1, o.default_retries)),
      .initial_backoff = std::chrono::milliseconds(100),
      .max_backoff = std::chrono::milliseconds(2000)};
}

}  // namespace

Migrator::Migrator(mysql::ConnectOptions connect, MigrationOptions options, mysql::SessionLog* log,
                   ProgressFn progress, const std::atomic<bool>* cancel)
    : connect_(std::move(connect)),
      options_(std::move(options)),
      log_(log),
      progress_(std::move(progress)),
      cancel_(cancel),
      live_(options_),
      hooks_(options_.hooks_path, HookVariables(options_, connect_)),
      changed_(kMaxChangedKeys) {}

Migrator::~Migrator() {
  StopBackground();
  if (control_) control_->Stop();
}

void Migrator::Phase(const std::string& name) {
  const TimePoint now = SystemClock::Get().Now();
  report_.phase_seconds[phase_] += MillisBetween(phase_started_, now) / 1000;
  phase_ = name;
  phase_started_ = now;
  if (log_) log_->SetPhase(name);
  if (options_.execute) Report(true);  // a dry run only prints its plan
}

ProgressSnapshot Migrator::Snapshot() const {
  std::lock_guard<std::mutex> lock(snapshot_mu_);
  return snapshot_;
}

void Migrator::Report(bool force) {
  const TimePoint now = SystemClock::Get().Now();
  ProgressSnapshot p;
  p.phase = phase_;
  p.rows_copied = rows_copied_.load();
  p.rows_estimated = report_.rows_estimated;
  p.changes_applied = changes_applied_.load();
  p.backlog = capture_ ? static_cast<int64_t>(capture_->backlog()) : 0;
  p.elapsed_seconds = MillisBetween(started_, now) / 1000;
  if (phase_ == "copy") {
    p.eta_seconds = EstimateRemainingSeconds(p.rows_copied, report_.rows_estimated,
                                             MillisBetween(copy_started_.load(), now) / 1000);
  }
  if (throttler_) {
    p.throttled = throttler_->throttled();
    p.throttle_reason = throttler_->reason();
    p.throttled_seconds = throttler_->throttled_seconds();
  }
  {
    std::lock_guard<std::mutex> lock(apply_mu_);
    p.binlog_position = applied_position_.ToString();
  }
  {
    std::lock_guard<std::mutex> lock(snapshot_mu_);
    snapshot_ = p;
  }
  // gh-ost-on-status every --hooks-status-interval while the migration runs; like gh-ost, a
  // failing status hook is only reported.
  const auto status_interval = std::chrono::seconds(options_.hooks_status_interval_seconds);
  if (hooks_.enabled() && options_.execute && status_interval.count() > 0 &&
      now - last_status_hook_ >= status_interval) {
    last_status_hook_ = now;
    if (Status h = Hook("status", {{"GH_OST_STATUS", p.ToLine()}}); !h.ok()) {
      LogWarning("{}", h.message());
    }
  }
  if (!progress_ || (!force && now - last_report_ < kReportInterval)) return;
  last_report_ = now;
  progress_(p);
}

Status Migrator::CheckHealth() {
  if (cancel_ && cancel_->load()) return AbortedError("interrupted: stopping and cleaning up");
  if (live_.panic_requested()) {
    return Status(StatusCode::kAborted,
                  "panic: commanded on the control socket; stopped without cleanup");
  }
  if (FileExists(options_.panic_flag_file)) {
    return Status(StatusCode::kAborted, "panic: --panic-flag-file " + options_.panic_flag_file +
                                            " exists; stopped without cleanup");
  }
  if (throttler_) SAFEDDL_RETURN_IF_ERROR(throttler_->critical());
  std::lock_guard<std::mutex> lock(apply_mu_);
  return apply_status_;
}

Result<MigrationReport> Migrator::Run() {
  started_ = phase_started_ = last_report_ = last_status_hook_ = SystemClock::Get().Now();
  SAFEDDL_ASSIGN_OR_RETURN(report_.table, mysql::QuoteQualified(options_.database, options_.table));
  report_.dry_run = !options_.execute;
  SAFEDDL_ASSIGN_OR_RETURN(conn_, mysql::Connection::Open(connect_, log_));
  SAFEDDL_RETURN_IF_ERROR(PrepareSession(*conn_, options_));
  if (options_.migrate_on_replica || options_.test_on_replica) {
    SAFEDDL_RETURN_IF_ERROR(UseLocalGtidDomain());
  }
  if (options_.execute) SAFEDDL_RETURN_IF_ERROR(LockMigration());
  Status s = Execute();
  if (throttler_) report_.throttled_seconds = throttler_->throttled_seconds();
  report_.changes_applied = changes_applied_.load();
  if (!s.ok()) {
    const bool panic = s.message().rfind("panic:", 0) == 0;
    StopBackground();
    if (!panic) Cleanup();
    if (control_) control_->Stop();
    if (Status h = Hook("failure"); !h.ok()) LogWarning("{}", h.message());
    return s;
  }
  Phase("done");
  if (Status h = Hook("success"); !h.ok()) LogWarning("{}", h.message());
  if (control_) control_->Stop();
  report_.total_seconds = MillisBetween(started_, SystemClock::Get().Now()) / 1000;
  return report_;
}

Status Migrator::Hook(std::string_view event, const std::map<std::string, std::string>& extra) {
  if (!hooks_.enabled()) return Status::OK();
  if (event != "status") Report(/*force=*/false);  // the status hook is run from Report
  return OffThreadHook(event, extra);
}

Status Migrator::OffThreadHook(std::string_view event,
                               const std::map<std::string, std::string>& extra) const {
  if (!hooks_.enabled()) return Status::OK();
  ProgressSnapshot p = Snapshot();
  p.rows_copied = rows_copied_.load();
  const TimePoint now = SystemClock::Get().Now();
  const TimePoint copy_started = copy_started_.load();
  const bool copying = copy_started != TimePoint{};
  std::map<std::string, std::string> context =
      ProgressVariables(p, MillisBetween(started_, now) / 1000,
                        copying ? MillisBetween(copy_started, now) / 1000 : 0.0);
  for (const auto& [name, value] : extra) context[name] = value;
  return hooks_.Run(event, context);
}

Status Migrator::LockMigration() {
  // One migration per table at a time, whichever machine runs it: a named server lock held by
  // this connection for the whole run (released by the server if the process dies). Lock names
  // are limited to 64 characters, so the table's name is hashed.
  const std::string name =
      fmt::format("CONCAT('safeddl:', SHA1(CONCAT({}, '.', {})))",
                  mysql::QuoteString(options_.database), mysql::QuoteString(options_.table));
  // A few seconds of patience: the session of a run that was just killed (kill -9, then
  // --resume) holds the lock until the server notices that its client is gone.
  SAFEDDL_ASSIGN_OR_RETURN(auto got, conn_->QueryValue(fmt::format("SELECT GET_LOCK({}, {})", name,
                                                                   kMigrationLockWaitSeconds)));
  if (got.value_or("0") == "1") return Status::OK();
  SAFEDDL_ASSIGN_OR_RETURN(auto holder,
                           conn_->QueryValue(fmt::format("SELECT IS_USED_LOCK({})", name)));
  SAFEDDL_ASSIGN_OR_RETURN(std::string table,
                           mysql::QuoteQualified(options_.database, options_.table));
  return Status(StatusCode::kAlreadyExists,
                fmt::format("another safeddl migration of {} is running (server connection {}); "
                            "nothing was changed",
                            table, holder.value_or("?")));
}

Status Migrator::Execute() {
  // Before anything is created: a second migration of the table stops here, while its
  // --initially-drop-* flags could still destroy the first one's tables (gh-ost's order, too).
  if (options_.execute) SAFEDDL_RETURN_IF_ERROR(StartControl());
  SAFEDDL_RETURN_IF_ERROR(Hook("startup"));
  if (existing_) {
    plan_ = existing_->plan;
    ghost_created_ = false;
  } else {
    SAFEDDL_ASSIGN_OR_RETURN(plan_, Inspect(*conn_, options_, &report_.notes));
    // A resumed run's ghost is not this run's to drop until the checkpoint proves it is the same
    // migration.
    ghost_created_ = !options_.resume;
  }
  // Said once the table passed validation, so a refusal stays one clear line.
  if (!serving_note_.empty()) LogInfo("{}", serving_note_);
  for (const TriggerCopy& t : plan_.triggers) report_.triggers.push_back(t.new_name);
  report_.shared_key = fmt::format("{} ({})", plan_.key.original_index,
                                   JoinStrings(plan_.key.original_columns, ", "));
  report_.unchecked_columns = plan_.unchecked_columns;
  SAFEDDL_ASSIGN_OR_RETURN(mysql::ResultSet create,
                           conn_->Query("SHOW CREATE TABLE " + plan_.q_ghost));
  report_.ghost_create = create.empty() ? "" : create[0][1].value_or("");
  // The new table's CREATE names the ghost; show it under the table's own name.
  const std::string ghost_ident = *mysql::QuoteIdentifier(plan_.names.ghost);
  if (auto at = report_.ghost_create.find(ghost_ident); at != std::string::npos) {
    report_.ghost_create.replace(at, ghost_ident.size(),
                                 *mysql::QuoteIdentifier(plan_.names.original));
  }
  SAFEDDL_ASSIGN_OR_RETURN(auto estimate, OriginalTableInfo("TABLE_ROWS"));
  report_.rows_estimated = ParseInt64(estimate.value_or("0")).value_or(0);
  SAFEDDL_RETURN_IF_ERROR(Hook("validated"));

  if (!options_.execute) {
    if (ghost_created_) SAFEDDL_RETURN_IF_ERROR(DropGhost(*conn_, plan_));
    ghost_created_ = false;
    return Status::OK();
  }
  if (options_.attempt_instant_ddl && options_.test_on_replica) {
    report_.notes.push_back(
        "--attempt-instant-ddl skipped: --test-on-replica leaves the original table as it is");
  } else if (options_.attempt_instant_ddl && !options_.resume) {
    SAFEDDL_ASSIGN_OR_RETURN(bool instant, TryInstant());
    if (instant) return Status::OK();
  }
  if (options_.exact_rowcount) {
    SAFEDDL_ASSIGN_OR_RETURN(auto n, conn_->QueryValue("SELECT COUNT(*) FROM " + plan_.q_original));
    report_.rows_estimated = ParseInt64(n.value_or("0")).value_or(0);
  }
  SAFEDDL_RETURN_IF_ERROR(Hook("rowcount-complete"));

  Phase("prepare");
  if (!options_.resume) SAFEDDL_RETURN_IF_ERROR(CarryAutoIncrement());
  if (!options_.resume && !existing_) SAFEDDL_RETURN_IF_ERROR(DeferIndexes());
  SAFEDDL_RETURN_IF_ERROR(PrepareCheckpoints());
  if (resumed_) {
    deferred_indexes_ = resumed_->deferred_indexes;
    checkpoint_.deferred_indexes = deferred_indexes_;
  }
  SAFEDDL_RETURN_IF_ERROR(conn_->Execute("DROP TABLE IF EXISTS " + plan_.q_changelog));
  SAFEDDL_RETURN_IF_ERROR(conn_->Execute(ChangelogCreateStatement(plan_)));
  changelog_created_ = true;
  SAFEDDL_ASSIGN_OR_RETURN(
      heartbeat_, Heartbeat::Start(connect_, plan_,
                                   std::chrono::milliseconds(options_.heartbeat_interval_millis)));
  SAFEDDL_ASSIGN_OR_RETURN(throttler_, Throttler::Start(connect_, options_, plan_, live_));
  BinlogPosition capture_from;
  if (resumed_) {
    capture_from = resumed_->applied;
  } else if (existing_) {
    SAFEDDL_ASSIGN_OR_RETURN(capture_from, ExistingGhostStart());
  } else {
    SAFEDDL_ASSIGN_OR_RETURN(capture_from, CurrentBinlogPosition(*conn_));
  }
  SAFEDDL_RETURN_IF_ERROR(StartCapture(capture_from));

  Phase("copy");
  SAFEDDL_RETURN_IF_ERROR(Hook("before-row-copy"));
  if (resumed_ && resumed_->copy_done) {
    rows_copied_.store(resumed_->rows_copied);
    copy_done_.store(true);
  } else if (existing_) {
    copy_done_.store(true);  // the ghost holds the rows as of the capture's start
  } else {
    SAFEDDL_RETURN_IF_ERROR(
        CopyAll(resumed_ ? resumed_->copy_watermark : std::vector<std::string>{}));
  }
  SAFEDDL_RETURN_IF_ERROR(BuildDeferredIndexes());
  MaybeCheckpoint(true);
  SAFEDDL_RETURN_IF_ERROR(Hook("row-copy-complete"));
  SAFEDDL_RETURN_IF_ERROR(WaitForBacklog(kBacklogTimeout));
  if (existing_ && existing_->hold_for) {
    // Checked once before the hold, so that the swap, when asked for, is only the swap.
    Phase("checksum");
    SAFEDDL_RETURN_IF_ERROR(ChecksumUntilClean());
    SAFEDDL_ASSIGN_OR_RETURN(const bool swap, HoldForSwap());
    if (!swap) return EndHold();
    SAFEDDL_RETURN_IF_ERROR(RefuseIfUnfitValues());
  } else {
    SAFEDDL_RETURN_IF_ERROR(Postpone());
    if (options_.test_on_replica) SAFEDDL_RETURN_IF_ERROR(StopReplicationForTest());
    SAFEDDL_RETURN_IF_ERROR(RefuseIfUnfitValues());
    Phase("checksum");
    SAFEDDL_RETURN_IF_ERROR(ChecksumUntilClean());
  }
  if (existing_ && existing_->before_cut_over) {
    SAFEDDL_RETURN_IF_ERROR(existing_->before_cut_over());
  }
  SAFEDDL_RETURN_IF_ERROR(Hook("before-cut-over"));
  if (!options_.test_on_replica) {
    if (options_.analyze_ghost_table_before_cutover) AnalyzeGhost();
    Phase("cut-over");
    if (KeepsOldTable()) SAFEDDL_RETURN_IF_ERROR(PrepareRevertRecord());
    SAFEDDL_RETURN_IF_ERROR(CutOver());
  }
  Phase("cleanup");
  StopBackground();
  SAFEDDL_RETURN_IF_ERROR(DropRunTables());
  if (existing_) SAFEDDL_RETURN_IF_ERROR(conn_->Execute("DROP TABLE IF EXISTS " + plan_.q_applied));
  if (!plan_.q_unfit.empty()) {
    SAFEDDL_RETURN_IF_ERROR(conn_->Execute("DROP TABLE IF EXISTS " + plan_.q_unfit));
  }
  if (options_.test_on_replica) {
    // The rehearsal's result: the migrated copy stays beside the untouched original.
    ghost_created_ = false;
    report_.test_table = plan_.q_ghost;
    // Dropped like safeddl wrote it: in the local GTID domain, or replication breaks again.
    std::vector<std::string> drop = connect_.session_statements;
    drop.push_back("DROP TABLE " + plan_.q_ghost);
    report_.notes.push_back(fmt::format(
        "--test-on-replica: {} is unchanged and {} holds it migrated (checksum clean); {}. "
        "Compare them, then: {}{}",
        plan_.q_original, plan_.q_ghost,
        options_.test_on_replica_skip_replica_stop
            ? "replication kept running, so the original has moved on since"
            : "replication is stopped on this replica",
        JoinStrings(drop, "; "),
        options_.test_on_replica_skip_replica_stop ? "" : "; START ALL REPLICAS"));
  } else if (options_.ok_to_drop_table) {
    SAFEDDL_RETURN_IF_ERROR(conn_->Execute("DROP TABLE IF EXISTS " + plan_.q_kept_old()));
    // Records of earlier swaps describe the old table just dropped.
    SAFEDDL_RETURN_IF_ERROR(conn_->Execute("DROP TABLE IF EXISTS " + plan_.q_revert));
  } else {
    report_.old_table = plan_.q_kept_old();
    report_.revert_generation = revert_generation_;
  }
  return Status::OK();
}

Status Migrator::UseLocalGtidDomain() {
  SAFEDDL_ASSIGN_OR_RETURN(std::optional<mysql::ReplicationStatus> replica,
                           mysql::ReadReplicationStatus(*conn_));
  if (!replica) return Status::OK();  // not a replica: the inspector says so
  SAFEDDL_ASSIGN_OR_RETURN(
      mysql::ResultSet rs,
      conn_->Query("SELECT @@global.gtid_domain_id AS domain, @@global.gtid_slave_pos AS pos"));
  const auto configured = ParseInt64(rs[0].GetString("domain")).value_or(0);
  const std::vector<uint32_t> replicated = mysql::GtidDomains(rs[0].GetString("pos"));
  const uint32_t domain = mysql::LocalGtidDomain(static_cast<uint32_t>(configured), replicated);
  if (domain == configured) return Status::OK();
  // Every session opens with the domain set, this one reopened too, so that sessions opened from
  // its options (the trigger trial) write there as well.
  connect_.session_statements.push_back(fmt::format("SET SESSION gtid_domain_id = {}", domain));
  auto reopened = mysql::Connection::Open(connect_, log_);
  if (!reopened.ok()) {
    return reopened.status().WithContext(fmt::format(
        "this replica's own writes would share GTID domain {} with replication, which stops it "
        "(out-of-order GTIDs) or breaks failover: safeddl writes here in domain {}, and setting "
        "that takes SUPER (or set gtid_domain_id on this replica to a domain of its own)",
        configured, domain));
  }
  conn_ = std::move(*reopened);
  SAFEDDL_RETURN_IF_ERROR(PrepareSession(*conn_, options_));
  report_.notes.push_back(fmt::format("writes on this replica use GTID domain {} (replicated: {})",
                                      domain,
                                      JoinStrings(SplitString(rs[0].GetString("pos"), ','), ", ")));
  return Status::OK();
}

Status Migrator::StopReplicationForTest() {
  if (options_.test_on_replica_skip_replica_stop) {
    report_.notes.push_back(
        "--test-on-replica-skip-replica-stop: replication was not stopped for the checksum");
    return Status::OK();
  }
  SAFEDDL_RETURN_IF_ERROR(Hook("stop-replication"));
  // Every replicated change this server has committed is in its binlog: the checksum then
  // syncs the applier to the end of it and compares a table that no longer moves.
  SAFEDDL_RETURN_IF_ERROR(
      conn_->Execute("STOP ALL REPLICAS").WithContext("--test-on-replica: stopping replication"));
  LogInfo("--test-on-replica: replication stopped (START ALL REPLICAS resumes it)");
  return Status::OK();
}

Status Migrator::StartControl() {
  std::string ghost;
  if (auto names = MakeTableNames(options_.table, options_.force_table_names, false, "");
      names.ok()) {
    if (auto q = mysql::QuoteQualified(options_.database, names->ghost); q.ok()) ghost = *q;
  }
  {
    std::lock_guard<std::mutex> lock(snapshot_mu_);
    snapshot_.phase = phase_;  // `status` before the first phase reports
  }
  // gh-ost-on-interactive-command first, with the command's name; as in gh-ost, a hook that
  // fails refuses the command.
  SAFEDDL_ASSIGN_OR_RETURN(
      ServedControl served,
      ServeControl(
          options_, live_, ghost, [this] { return Snapshot(); },
          [this](std::string_view name) {
            return OffThreadHook("interactive-command", {{"GH_OST_COMMAND", std::string(name)}});
          }));
  control_ = std::move(served.server);
  serving_note_ = std::move(served.note);
  return Status::OK();
}

Result<bool> Migrator::TryInstant() {
  Phase("instant");
  SAFEDDL_RETURN_IF_ERROR(DropGhost(*conn_, plan_));
  ghost_created_ = false;
  SAFEDDL_RETURN_IF_ERROR(conn_->Execute(
      fmt::format("SET SESSION lock_wait_timeout = {}", options_.cut_over_lock_timeout_seconds)));
  // INSTANT only, as gh-ost: NOCOPY may still read the whole table (ADD INDEX), unthrottled.
  for (const char* algorithm : {"INSTANT"}) {
    // The metadata lock is waited for a bounded time, and the wait retried: a long transaction on
    // the table must not make the ALTER (and every query queued behind it) wait without end.
    Status s;
    int64_t waits = 0;
    for (;;) {
      s = conn_->Execute(
          fmt::format("ALTER TABLE {} {}, ALGORITHM={}", plan_.q_original, plan_.alter, algorithm));
      if (s.code() != StatusCode::kLockWaitTimeout || waits >= options_.default_retries) break;
      if (cancel_ != nullptr && cancel_->load()) return AbortedError("interrupted");
      ++waits;
      std::this_thread::sleep_for(kInstantRetryPause);
    }
    if (waits > 0) {
      report_.notes.push_back(fmt::format(
          "ALGORITHM={}: the table's metadata lock was not granted within {} s, {} time(s)",
          algorithm, options_.cut_over_lock_timeout_seconds, waits));
    }
    if (s.ok()) {
      report_.instant = true;
      report_.swapped = true;
      report_.notes.push_back(std::string("done with ALGORITHM=") + algorithm + ": no copy needed");
      return true;
    }
    report_.notes.push_back(fmt::format("ALGORITHM={} not possible: {}", algorithm, s.message()));
  }
  SAFEDDL_RETURN_IF_ERROR(conn_->Execute("SET SESSION lock_wait_timeout = DEFAULT"));
  // Back to the online copy: the ghost again.
  std::vector<std::string> notes;
  SAFEDDL_ASSIGN_OR_RETURN(plan_, Inspect(*conn_, options_, &notes));
  ghost_created_ = true;
  return false;
}

Result<std::optional<std::string>> Migrator::OriginalTableInfo(std::string_view column) {
  return conn_->QueryValue(fmt::format(
      "SELECT {} FROM information_schema.TABLES WHERE TABLE_SCHEMA = {} AND TABLE_NAME = {}",
      column, mysql::QuoteString(plan_.database), mysql::QuoteString(plan_.names.original)));
}

Status Migrator::CarryAutoIncrement() {
  // CREATE TABLE ... LIKE starts the counter at 1 and the copy moves it only to the largest id
  // copied: ids of rows deleted from the end of the table would be handed out again.
  SAFEDDL_ASSIGN_OR_RETURN(auto next, OriginalTableInfo("AUTO_INCREMENT"));
  const std::optional<uint64_t> n = next ? ParseUint64(*next) : std::nullopt;
  if (!n || *n <= 1) return Status::OK();
  return conn_->Execute(fmt::format("ALTER TABLE {} AUTO_INCREMENT = {}", plan_.q_ghost, *n));
}

Status Migrator::DeferIndexes() {
  if (options_.defer_indexes == "off") return Status::OK();
  if (options_.defer_indexes == "auto") {
    if (!options_.throttle_control_replicas.empty()) return Status::OK();
    // Before the capture starts: every binlog reader here is someone else's (a replica).
    SAFEDDL_ASSIGN_OR_RETURN(
        auto readers,
        conn_->QueryValue("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE COMMAND LIKE "
                          "'Binlog Dump%'"));
    if (readers.value_or("0") != "0") {
      report_.notes.push_back(
          "the new table's indexes are built as the copy fills it: a replica reads the binlog, "
          "and building them after the copy would hold its replication for the build's length");
      return Status::OK();
    }
  }
  SAFEDDL_ASSIGN_OR_RETURN(std::string create, schema::TableDefinition(*conn_, plan_.q_ghost));
  std::vector<std::string> clauses = DeferrableIndexes(create, plan_.ghost);
  if (clauses.empty()) return Status::OK();
  SAFEDDL_RETURN_IF_ERROR(conn_->Execute(DropDeferredIndexes(plan_.q_ghost, clauses)));
  deferred_indexes_ = std::move(clauses);
  checkpoint_.deferred_indexes = deferred_indexes_;
  return Status::OK();
}

Status Migrator::BuildDeferredIndexes() {
  if (deferred_indexes_.empty()) return Status::OK();
  Phase("indexes");
  LogInfo("building {} index(es) of the new table, left out during the copy",
          deferred_indexes_.size());
  // On a connection of its own, so that the main thread goes on reporting and can stop it.
  SAFEDDL_ASSIGN_OR_RETURN(auto build_conn, mysql::Connection::Open(connect_, log_));
  SAFEDDL_RETURN_IF_ERROR(PrepareSession(*build_conn, options_));
  SAFEDDL_ASSIGN_OR_RETURN(auto id, build_conn->QueryValue("SELECT CONNECTION_ID()"));
  const std::string sql = AddDeferredIndexes(plan_.q_ghost, deferred_indexes_);
  std::future<Status> build =
      std::async(std::launch::async, [&] { return build_conn->Execute(sql); });
  Status health;
  while (build.wait_for(kPollInterval) != std::future_status::ready) {
    if (health.ok()) {
      health = CheckHealth();
      if (!health.ok()) conn_->Execute("KILL QUERY " + id.value_or("0")).IgnoreError();
    }
    MaybeCheckpoint();
    Report();
  }
  Status built = build.get();
  SAFEDDL_RETURN_IF_ERROR(health);
  SAFEDDL_RETURN_IF_ERROR(built.WithContext("building the new table's indexes after the copy"));
  report_.notes.push_back(
      fmt::format("{} index(es) of the new table were built after the copy, in one sorted pass",
                  deferred_indexes_.size()));
  deferred_indexes_.clear();
  // A resume from here on finds the ghost complete.
  checkpoint_.deferred_indexes.clear();
  SAFEDDL_ASSIGN_OR_RETURN(checkpoint_.ghost_create,
                           schema::TableDefinition(*conn_, plan_.q_ghost));
  return Status::OK();
}

Status Migrator::PrepareCheckpoints() {
  checkpoint_.alter = options_.alter;
  SAFEDDL_ASSIGN_OR_RETURN(checkpoint_.original_create,
                           schema::TableDefinition(*conn_, plan_.q_original));
  SAFEDDL_ASSIGN_OR_RETURN(checkpoint_.ghost_create,
                           schema::TableDefinition(*conn_, plan_.q_ghost));
  if (options_.resume) {
    Result<Checkpoint> saved = LoadCheckpoint(*conn_, plan_);
    if (!saved.ok()) {
      return Status(saved.status().code(), "--resume: no usable checkpoint (" +
                                               saved.status().message() +
                                               "); run the migration without --resume and with "
                                               "--initially-drop-ghost-table");
    }
    SAFEDDL_ASSIGN_OR_RETURN(mysql::ResultSet logs, conn_->Query("SHOW BINARY LOGS"));
    std::vector<std::string> files;
    for (const mysql::Row& row : logs.rows()) files.push_back(row[0].value_or(""));
    SAFEDDL_RETURN_IF_ERROR(CheckResumable(*saved, checkpoint_, files));
    resumed_ = *saved;
    // The same migration: from here on, this run's to finish or clean up (an existing ghost is
    // never this run's to drop).
    ghost_created_ = !existing_;
    checkpoint_created_ = true;
    LogInfo("resuming: {} rows copied up to the checkpoint{}, binlog changes replayed from {}",
            saved->rows_copied, saved->copy_done ? " (the copy was done)" : "",
            saved->applied.ToString());
    report_.notes.push_back("resumed from the checkpoint at binlog " + saved->applied.ToString());
    return Status::OK();
  }
  SAFEDDL_RETURN_IF_ERROR(conn_->Execute("DROP TABLE IF EXISTS " + plan_.q_checkpoint));
  SAFEDDL_RETURN_IF_ERROR(conn_->Execute(CheckpointCreateStatement(plan_)));
  checkpoint_created_ = true;
  return Status::OK();
}

void Migrator::MaybeCheckpoint(bool force) {
  const TimePoint now = SystemClock::Get().Now();
  if (!checkpoint_created_ || !applier_ ||
      (!force && now - last_checkpoint_ < std::chrono::seconds(options_.checkpoint_seconds))) {
    return;
  }
  last_checkpoint_ = now;
  Checkpoint c = checkpoint_;
  // The watermark before the position: rows copied up to it stay copied whatever the applier
  // does next, and the position only moves forward.
  c.copy_done = copy_done_.load();
  if (watermark_) c.copy_watermark = watermark_->value();
  c.rows_copied = rows_copied_.load();
  c.changes_applied = changes_applied_.load();
  {
    std::lock_guard<std::mutex> lock(apply_mu_);
    c.applied = applied_position_;
  }
  Status s = SaveCheckpoint(*conn_, plan_, c);
  if (!s.ok()) LogWarning("could not save a checkpoint: {}", s.message());
}

void Migrator::AnalyzeGhost() {
  // Fresh index statistics for the new table before it takes the old one's place (the ghost was
  // filled row by row). Not a condition of the swap: a failure is reported and the cut-over goes
  // on. The lock wait is bounded.
  constexpr int kAnalyzeLockWaitSeconds = 10;
  Phase("analyze");
  LogInfo("analyzing {} before the cut-over (--analyze-ghost-table-before-cutover)", plan_.q_ghost);
  Result<mysql::ResultSet> analyzed =
      conn_->Query(fmt::format("SET STATEMENT lock_wait_timeout = {} FOR ANALYZE TABLE {}",
                               kAnalyzeLockWaitSeconds, plan_.q_ghost));
  std::string problem = analyzed.ok() ? "" : analyzed.status().message();
  for (size_t i = 0; analyzed.ok() && i < analyzed->size(); ++i) {
    if (EqualsIgnoreCase((*analyzed)[i].GetString("Msg_type"), "error")) {
      problem = (*analyzed)[i].GetString("Msg_text");
    }
  }
  if (!problem.empty()) {
    LogWarning("ANALYZE TABLE {} failed: {}; cutting over without it", plan_.q_ghost, problem);
    report_.notes.push_back("--analyze-ghost-table-before-cutover: ANALYZE TABLE failed (" +
                            problem + "); run it on the table after the migration");
  }
}

Status Migrator::StartCapture(const BinlogPosition& start) {
  CaptureOptions capture;
  capture.source.connect = connect_;
  capture.source.server_id = options_.replica_server_id;
  capture.source.file = start.file;
  capture.source.position = start.offset;
  capture.database = plan_.database;
  capture.table = plan_.names.original;
  SAFEDDL_ASSIGN_OR_RETURN(capture.columns,
                           binlog::ReadTableDefinition(*conn_, capture.database, capture.table));
  if (!capture.columns) {
    return NotFoundError(fmt::format("{} no longer exists: nothing to capture", plan_.q_original));
  }
  SAFEDDL_ASSIGN_OR_RETURN(capture_, ChangeCapture::Start(capture));
  applied_position_ = start;
  SAFEDDL_ASSIGN_OR_RETURN(apply_conn_, mysql::Connection::Open(connect_, log_));
  SAFEDDL_RETURN_IF_ERROR(PrepareSession(*apply_conn_, options_));
  applier_ = std::make_unique<Applier>(*apply_conn_, plan_, RetriesFrom(options_));
  if (existing_) applier_->RecordAppliedIn(options_.alter);
  // Only a run whose checksum can be of the changed rows keeps them (WhyFullChecksum).
  if (!options_.full_checksum && !existing_ && !resumed_) applier_->NoteKeysIn(&changed_);
  apply_thread_ = std::thread([this] { ApplyLoop(); });
  return Status::OK();
}

void Migrator::ApplyLoop() {
  while (!stop_apply_.load()) {
    std::optional<BinlogPosition> hold;
    {
      std::lock_guard<std::mutex> lock(apply_mu_);
      hold = hold_;
    }
    if (!hold && throttler_ && throttler_->throttled()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      continue;
    }
    Result<Drained> drained = capture_->Drain(kDrainWait, kMaxRowsPerDrain, hold);
    Status s = drained.status();
    if (s.ok() && !drained->events.empty()) {
      LogDebug("apply: {} rows events from {} transactions, up to {}", drained->events.size(),
               drained->transactions, drained->position.ToString());
      s = applier_->Apply(drained->events, &drained->position);
    }
    std::lock_guard<std::mutex> lock(apply_mu_);
    if (!s.ok()) {
      if (!stop_apply_.load()) apply_status_ = s.WithContext("applying binlog changes");
      apply_cv_.notify_all();
      return;
    }
    applied_position_ = drained->position;
    ++apply_rounds_;
    changes_applied_.store(applier_->rows_applied());
    apply_cv_.notify_all();
    if (hold && drained->events.empty()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }
}

bool Migrator::SyncApplierTo(const BinlogPosition& position, std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(apply_mu_);
  hold_ = position;
  const bool synced = apply_cv_.wait_for(lock, timeout, [&] {
    return !apply_status_.ok() || position <= applied_position_;
  }) && apply_status_.ok();
  LogDebug("sync to {}: {} (applied up to {}, reader at {})", position.ToString(),
           synced ? "reached" : "not reached", applied_position_.ToString(),
           capture_->read_position().ToString());
  return synced;
}

void Migrator::PauseApplier() {
  std::unique_lock<std::mutex> lock(apply_mu_);
  hold_ = applied_position_;
  // A round that began before the hold may still hand out what arrives during its wait: let it
  // end, so that the next one reads the hold.
  const uint64_t round = apply_rounds_;
  apply_cv_.wait_for(lock, std::chrono::seconds(10),
                     [&] { return apply_rounds_ > round || !apply_status_.ok(); });
}

void Migrator::ReleaseApplier() {
  std::lock_guard<std::mutex> lock(apply_mu_);
  hold_.reset();
}

Status Migrator::CopyAll(const std::vector<std::string>& start_after) {
  copy_started_.store(SystemClock::Get().Now());
  if (resumed_) rows_copied_.store(resumed_->rows_copied);
  SAFEDDL_ASSIGN_OR_RETURN(copy_conn_, mysql::Connection::Open(connect_, log_));
  SAFEDDL_RETURN_IF_ERROR(PrepareSession(*copy_conn_, options_));
  planner_ = std::make_unique<ChunkPlanner>(*copy_conn_, plan_, options_.chunk_size, start_after);
  watermark_ = std::make_unique<CopyWatermark>(start_after);
  SAFEDDL_RETURN_IF_ERROR(planner_->Prepare());
  MaybeCheckpoint(true);  // from here on, a killed run can be resumed

  SAFEDDL_ASSIGN_OR_RETURN(const int workers, CopyWorkers());
  std::vector<std::unique_ptr<mysql::Connection>> conns;
  for (int i = 0; i < workers; ++i) {
    SAFEDDL_ASSIGN_OR_RETURN(auto conn, mysql::Connection::Open(connect_, log_));
    SAFEDDL_RETURN_IF_ERROR(PrepareSession(*conn, options_));
    conns.push_back(std::move(conn));
  }
  // Chunks are planned one ahead of each worker (the boundary read overlaps the copy).
  prefetch_ = std::make_unique<ChunkPrefetcher>(
      [this, retry = RetriesFrom(options_)] {
        return mysql::RetryWithBackoff(retry, SystemClock::Get(), "plan a copy chunk",
                                       [&] { return planner_->Next(); });
      },
      static_cast<size_t>(workers));
  std::atomic<bool> stop{false};
  std::atomic<int> running{workers};
  std::mutex error_mu;
  Status first_error;
  std::vector<std::thread> threads;
  for (int i = 0; i < workers; ++i) {
    threads.emplace_back([&, i] {
      Status s = CopyWorker(conns[i], stop);
      if (!s.ok()) {
        std::lock_guard<std::mutex> lock(error_mu);
        if (first_error.ok()) first_error = s;
        stop.store(true);
      }
      running.fetch_sub(1);
    });
  }
  Status health;
  while (running.load() > 0) {
    health = CheckHealth();
    if (!health.ok()) {
      stop.store(true);
      break;
    }
    if (std::optional<int64_t> rows = live_.TakeChunkSizeRequest()) {
      LogInfo("chunk size set to {} rows (control socket)", *rows);
      planner_->set_chunk_size(*rows);
    }
    MaybeCheckpoint();
    Report();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  for (std::thread& t : threads) t.join();
  prefetch_.reset();
  SAFEDDL_RETURN_IF_ERROR(health);
  SAFEDDL_RETURN_IF_ERROR(first_error);
  copy_done_.store(true);
  report_.rows_copied = rows_copied_.load();
  if (reconnects_.load() > 0) {
    report_.notes.push_back(fmt::format(
        "the server closed a copy connection {} times; each time a new one copied the chunk again",
        reconnects_.load()));
  }
  if (lock_conflicts_.load() > 0) {
    report_.notes.push_back(fmt::format(
        "the copy met rows locked by the application {} times and retried them a moment later "
        "(it never waits for them, so it cannot deadlock with them)",
        lock_conflicts_.load()));
  }
  return Status::OK();
}

Result<int> Migrator::CopyWorkers() {
  const int wanted = std::max(1, options_.threads);
  if (wanted == 1) return 1;
  // INSERT ... SELECT into a table with an AUTO_INCREMENT column holds the table's AUTO-INC lock
  // for the whole statement unless innodb_autoinc_lock_mode is 2: parallel chunks would only
  // queue for it.
  SAFEDDL_ASSIGN_OR_RETURN(auto mode,
                           conn_->QueryValue("SELECT @@GLOBAL.innodb_autoinc_lock_mode"));
  if (mode.value_or("") == "2") return wanted;
  SAFEDDL_ASSIGN_OR_RETURN(
      auto autoinc,
      conn_->QueryValue(
          fmt::format("SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = {} AND "
                      "TABLE_NAME = {} AND EXTRA LIKE '%auto_increment%'",
                      mysql::QuoteString(plan_.database), mysql::QuoteString(plan_.names.ghost))));
  if (autoinc.value_or("0") == "0") return wanted;
  report_.notes.push_back(fmt::format(
      "the copy ran on one connection, not {}: the table has an AUTO_INCREMENT column and "
      "innodb_autoinc_lock_mode is {}, so each INSERT ... SELECT into it holds a table lock "
      "(innodb_autoinc_lock_mode = 2 lets chunks run in parallel); the checksum still uses {}",
      wanted, mode.value_or("?"), wanted));
  return 1;
}

Status Migrator::CopyWorker(std::unique_ptr<mysql::Connection>& conn,
                            const std::atomic<bool>& stop) {
  const mysql::RetryPolicy retry = RetriesFrom(options_);
  // One attempt at a chunk: on a fresh connection if the last one was lost.
  Status last = Status::OK();
  auto copy = [&](const KeyChunk& chunk) -> Result<ChunkResult> {
    if (last.code() == StatusCode::kConnectionLost) {
      SAFEDDL_ASSIGN_OR_RETURN(auto fresh, mysql::Connection::Open(connect_, log_));
      SAFEDDL_RETURN_IF_ERROR(PrepareSession(*fresh, options_));
      conn = std::move(fresh);
      reconnects_.fetch_add(1);
    }
    Result<ChunkResult> done = CopyChunkRows(*conn, plan_, chunk, options_.panic_on_warnings);
    last = done.status();
    if (!last.ok() && last.IsRetryable()) {
      // As in gh-ost, the hook's own failure does not stop the retry.
      if (Status h =
              OffThreadHook("batch-copy-retry", {{"GH_OST_LAST_BATCH_COPY_ERROR", last.message()}});
          !h.ok()) {
        LogWarning("{}", h.message());
      }
    }
    return done;
  };
  while (!stop.load()) {
    if (throttler_->throttled()) {
      std::this_thread::sleep_for(kPollInterval);
      continue;
    }
    SAFEDDL_ASSIGN_OR_RETURN(std::optional<KeyChunk> chunk, prefetch_->Next());
    if (!chunk) return Status::OK();
    SAFEDDL_ASSIGN_OR_RETURN(ChunkResult done,
                             mysql::RetryWithBackoff(retry, SystemClock::Get(), "copy chunk",
                                                     [&] { return copy(*chunk); }));
    rows_copied_.fetch_add(done.rows);
    lock_conflicts_.fetch_add(done.lock_conflicts);
    if (done.unverified) changed_.NoteRange({chunk->lower, chunk->upper}, done.rows);
    watermark_->Finished(chunk->seq, chunk->upper);
    planner_->Adapt(done.millis);
    live_.NoteChunkSize(planner_->chunk_size());
    if (const double nice = live_.nice_ratio(); nice > 0) {
      std::this_thread::sleep_for(
          std::chrono::microseconds(static_cast<int64_t>(done.millis * nice * 1000)));
    }
  }
  return Status::OK();
}

Status Migrator::WaitForBacklog(std::chrono::milliseconds timeout) {
  // The server's position, not the reader's: under a heavy write load the reader itself can be
  // behind, and the checksum and cut-over only hold their locks for the last stretch.
  SAFEDDL_ASSIGN_OR_RETURN(const BinlogPosition target, CurrentBinlogPosition(*conn_));
  const TimePoint deadline = SystemClock::Get().Now() + timeout;
  while (SystemClock::Get().Now() < deadline) {
    SAFEDDL_RETURN_IF_ERROR(CheckHealth());
    {
      std::unique_lock<std::mutex> lock(apply_mu_);
      if (apply_cv_.wait_for(lock, kPollInterval, [&] { return target <= applied_position_; })) {
        return Status::OK();
      }
    }
    MaybeCheckpoint();
    Report();
  }
  return TimeoutError("the applier could not catch up with the binlog within " +
                      HumanDuration(std::chrono::duration<double>(timeout).count()));
}

Status Migrator::Postpone() {
  if (!FileExists(options_.postpone_cut_over_flag_file)) return Status::OK();
  Phase("postponed");
  LogInfo(
      "cut-over postponed while {} exists (or until `unpostpone` on the control socket); the "
      "ghost table stays in sync",
      options_.postpone_cut_over_flag_file);
  SAFEDDL_RETURN_IF_ERROR(Hook("begin-postponed"));
  SAFEDDL_RETURN_IF_ERROR(
      HoldCutOver([this] { return FileExists(options_.postpone_cut_over_flag_file); }));
  if (live_.unpostpone_requested()) LogInfo("unpostponed on the control socket: cutting over");
  return WaitForBacklog(kBacklogTimeout);
}

Status Migrator::HoldCutOver(const std::function<bool()>& hold) {
  live_.set_postponing(true);
  Status health;
  while (hold() && !live_.unpostpone_requested()) {
    health = CheckHealth();
    if (!health.ok()) break;
    MaybeCheckpoint();
    Report();
    std::this_thread::sleep_for(kPollInterval);
  }
  live_.set_postponing(false);
  return health;
}

std::optional<std::string> Migrator::WhyFullChecksum(const ChangedRowsSnapshot& changed) const {
  if (options_.full_checksum) return "--checksum full";
  if (existing_) return "the new table was not copied by this run";
  if (resumed_) return "--resume: part of the copy was made by an earlier run";
  if (changed.overflowed) {
    return fmt::format("more than {} distinct rows changed during the run", kMaxChangedKeys);
  }
  const int64_t cost =
      static_cast<int64_t>(changed.keys.size()) * kKeyLookupCost + changed.range_rows;
  if (cost * 2 > rows_copied_.load()) {
    return fmt::format(
        "{} changed rows and {} rows in chunks copied with warnings: comparing them would cost "
        "about as much as reading both tables",
        changed.keys.size(), changed.range_rows);
  }
  return std::nullopt;
}

Result<std::optional<ChecksumResult>> Migrator::CompareChangedRows() {
  // Said before opening anything when it is clear already.
  if (std::optional<std::string> why = WhyFullChecksum(changed_.Snapshot())) {
    report_.checksum_full_why = *why;
    return std::optional<ChecksumResult>();
  }
  SAFEDDL_RETURN_IF_ERROR(WaitForBacklog(kBacklogTimeout));
  SAFEDDL_ASSIGN_OR_RETURN(auto original_side, mysql::Connection::Open(connect_, log_));
  SAFEDDL_ASSIGN_OR_RETURN(auto ghost_side, mysql::Connection::Open(connect_, log_));
  SAFEDDL_RETURN_IF_ERROR(PrepareSession(*original_side, options_));
  SAFEDDL_RETURN_IF_ERROR(PrepareSession(*ghost_side, options_));
  // No lock: the original is read in a snapshot at binlog point P, the ghost in one opened once
  // the applier has applied exactly up to P. The applier is paused first, so that it cannot be
  // past P when P is read; only it writes the ghost now.
  PauseApplier();
  Status opened = original_side->Execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
  Result<BinlogPosition> at =
      opened.ok() ? SnapshotBinlogPosition(*original_side) : Result<BinlogPosition>(opened);
  std::optional<ChangedRowsSnapshot> changed;
  if (at.ok()) {
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(kBacklogTimeout);
    if (!SyncApplierTo(*at, wait)) {
      opened = TimeoutError(
          fmt::format("the applier did not reach the checksum's snapshot at {}", at->ToString()));
    } else {
      changed = changed_.Snapshot();  // every change up to P is noted
      opened = ghost_side->Execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
    }
  } else {
    opened = at.status();
  }
  ReleaseApplier();
  SAFEDDL_RETURN_IF_ERROR(CheckHealth());
  SAFEDDL_RETURN_IF_ERROR(opened.WithContext("opening the checksum's snapshots"));
  if (std::optional<std::string> why = WhyFullChecksum(*changed)) {
    report_.checksum_full_why = *why;
    return std::optional<ChecksumResult>();
  }
  SAFEDDL_ASSIGN_OR_RETURN(
      ChecksumResult result,
      CompareChanged(*original_side, *ghost_side, plan_, *changed, kKeysPerChecksumBatch,
                     GhostCanLoseRowsOutsideKeys(plan_)));
  return std::optional<ChecksumResult>(std::move(result));
}

Status Migrator::ChecksumUntilClean() {
  const auto lock_timeout = std::chrono::seconds(options_.cut_over_lock_timeout_seconds);
  int max_passes = kMaxChecksumPasses;
  for (int pass = 1; pass <= max_passes; ++pass) {
    SAFEDDL_RETURN_IF_ERROR(CheckHealth());
    if (pass == 1) {
      // First the rows that can differ, when they are few enough (changed_rows.h).
      SAFEDDL_ASSIGN_OR_RETURN(std::optional<ChecksumResult> changed, CompareChangedRows());
      if (changed) {
        report_.checksum_passes = pass;
        report_.checksum_rows = changed->rows_original;
        report_.checksum_ranges = changed->ranges;
        report_.checksum_scope = "changed";
        report_.checksum_keys = changed->keys;
        if (changed->clean()) return Status::OK();
        // Nothing is copied again from this pass: a full pass finds the ranges that differ.
        LogWarning(
            "checksum of changed rows: {} of {} keys and {} of {} ranges differ ({} rows in the "
            "table, {} in the new one); comparing both tables whole",
            changed->differing_keys, changed->keys, changed->differing.size(), changed->ranges,
            changed->rows_original, changed->rows_ghost);
        ++max_passes;
        continue;
      }
    }
    // Open one snapshot of both tables at a binlog point the applier has reached: a short read
    // lock on the original while the applier syncs and the snapshot opens.
    SAFEDDL_ASSIGN_OR_RETURN(auto lock_conn, mysql::Connection::Open(connect_, log_));
    // One connection plans the ranges, --threads compare them; all in the same snapshot.
    std::vector<std::unique_ptr<mysql::Connection>> snaps;
    std::vector<mysql::Connection*> snap_ptrs;
    for (int i = 0; i <= std::max(1, options_.threads); ++i) {
      SAFEDDL_ASSIGN_OR_RETURN(auto conn, mysql::Connection::Open(connect_, log_));
      SAFEDDL_RETURN_IF_ERROR(PrepareSession(*conn, options_));
      snap_ptrs.push_back(conn.get());
      snaps.push_back(std::move(conn));
    }
    SAFEDDL_RETURN_IF_ERROR(lock_conn->Execute(
        fmt::format("SET SESSION lock_wait_timeout = {}", lock_timeout.count())));
    Status locked = mysql::RetryWithBackoff(
        RetriesFrom(options_), SystemClock::Get(), "checksum lock",
        [&] { return lock_conn->Execute("LOCK TABLES " + plan_.q_original + " READ"); });
    SAFEDDL_RETURN_IF_ERROR(locked.WithContext("locking the table briefly for the checksum"));
    SAFEDDL_ASSIGN_OR_RETURN(BinlogPosition position, CurrentBinlogPosition(*lock_conn));
    const bool synced = SyncApplierTo(
        position, std::chrono::duration_cast<std::chrono::milliseconds>(lock_timeout));
    Status snap;
    for (mysql::Connection* c : snap_ptrs) {
      if (synced && snap.ok()) snap = c->Execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
    }
    lock_conn->Execute("UNLOCK TABLES").IgnoreError();
    ReleaseApplier();
    SAFEDDL_RETURN_IF_ERROR(snap);
    if (!synced) {
      SAFEDDL_RETURN_IF_ERROR(CheckHealth());
      SAFEDDL_RETURN_IF_ERROR(WaitForBacklog(kBacklogTimeout));  // catch up unlocked, then retry
      LogWarning("checksum: the applier did not reach {} in time; trying again",
                 position.ToString());
      continue;
    }
    SAFEDDL_ASSIGN_OR_RETURN(ChecksumResult result,
                             CompareTables(snap_ptrs, plan_, kRowsPerChecksumRange));
    for (mysql::Connection* c : snap_ptrs) c->Execute("COMMIT").IgnoreError();
    report_.checksum_passes = pass;
    report_.checksum_rows = result.rows_original;
    report_.checksum_ranges = result.ranges;
    report_.checksum_scope = "full";
    report_.checksum_keys = 0;
    if (result.clean()) return Status::OK();
    if (existing_) {
      return FailedPreconditionError(fmt::format(
          "{} still differs from {} after the catch-up in {} of {} key ranges ({} rows against "
          "{}); not swapping, nothing was changed",
          plan_.q_ghost, plan_.q_original, result.differing.size(), result.ranges,
          result.rows_ghost, result.rows_original));
    }
    LogWarning(
        "checksum pass {}: {} of {} key ranges differ ({} rows in the table, {} in the "
        "new one); copying them again",
        pass, result.differing.size(), result.ranges, result.rows_original, result.rows_ghost);
    for (const KeyRangeBounds& range : result.differing)
      SAFEDDL_RETURN_IF_ERROR(RecopyRange(range));
    report_.ranges_recopied += static_cast<int64_t>(result.differing.size());
  }
  if (report_.checksum_passes == 0) {
    return TimeoutError(fmt::format(
        "the binlog applier could not catch up within the {}s lock window in {} tries (the write "
        "load outruns it); nothing was swapped",
        lock_timeout.count(), kMaxChecksumPasses));
  }
  return FailedPreconditionError(fmt::format(
      "the new table still differs from the original after {} checksum passes; not swapping",
      kMaxChecksumPasses));
}

Status Migrator::RecopyRange(const KeyRangeBounds& range) {
  SAFEDDL_ASSIGN_OR_RETURN(std::string where_original, RangePredicate(plan_.original_key, range));
  SAFEDDL_ASSIGN_OR_RETURN(std::string where_ghost, RangePredicate(plan_.ghost_key, range));
  if (!copy_conn_) {  // a resumed run whose copy was already done
    SAFEDDL_ASSIGN_OR_RETURN(copy_conn_, mysql::Connection::Open(connect_, log_));
    SAFEDDL_RETURN_IF_ERROR(PrepareSession(*copy_conn_, options_));
  }
  SAFEDDL_RETURN_IF_ERROR(copy_conn_->Execute("START TRANSACTION"));
  Status s =
      copy_conn_->Execute(fmt::format("DELETE FROM {} WHERE {}", plan_.q_ghost, where_ghost));
  if (s.ok()) s = copy_conn_->Execute(CopyStatement(plan_, where_original, /*nowait=*/false));
  if (!s.ok()) {
    copy_conn_->Execute("ROLLBACK").IgnoreError();
    return s.WithContext("copying a differing range again");
  }
  return copy_conn_->Execute("COMMIT");
}

Status Migrator::CutOver() {
  const auto lock_timeout = std::chrono::seconds(options_.cut_over_lock_timeout_seconds);
  CutOverHooks hooks;
  hooks.sync_applier_to = [this](const BinlogPosition& p, std::chrono::milliseconds t) {
    return SyncApplierTo(p, t);
  };
  hooks.release_applier = [this] { ReleaseApplier(); };
  if (!plan_.triggers.empty()) {
    hooks.prepare_ghost = [this, lock_timeout]() -> Status {
      SAFEDDL_ASSIGN_OR_RETURN(auto conn, mysql::Connection::Open(connect_));
      SAFEDDL_RETURN_IF_ERROR(
          conn->Execute(fmt::format("SET SESSION lock_wait_timeout = {}", lock_timeout.count())));
      return CreateTriggerCopies(*conn, plan_.triggers, plan_.database, plan_.q_ghost);
    };
    hooks.undo_prepare_ghost = [this] {
      auto conn = mysql::Connection::Open(connect_);
      Status s = conn.ok() ? DropTriggersOn(**conn, plan_.database, plan_.names.ghost).status()
                           : conn.status();
      if (s.ok()) return;
      // The applier must not go on with the triggers on the ghost (they would fire a second time
      // for every change): it stops here, still held, and the migration fails.
      std::lock_guard<std::mutex> lock(apply_mu_);
      stop_apply_.store(true);
      apply_status_ = s.WithContext("dropping the triggers from the ghost table");
    };
  }
  if (revert_generation_ > 0 || !plan_.q_unfit.empty()) {
    hooks.before_rename = [this](const BinlogPosition& position) -> Status {
      // Under the lock, every change is applied: the last word on values that do not fit.
      SAFEDDL_RETURN_IF_ERROR(RefuseIfUnfitValues());
      if (revert_generation_ == 0) return Status::OK();
      RevertRecord r;
      r.generation = revert_generation_;
      r.alter = options_.alter;
      r.position = position;
      r.old_table = plan_.q_rename_old_to.empty() ? plan_.names.old : plan_.names.ghost;
      r.old_create = DefinitionNamed(checkpoint_.original_create, plan_.names.original);
      r.new_create = DefinitionNamed(checkpoint_.ghost_create, plan_.names.original);
      r.mapping = plan_.mapping.shared;
      return SaveRevertRecord(*conn_, plan_, r);
    };
  }
  double backoff_seconds = 1;
  const int attempts = static_cast<int>(std::max<int64_t>(1, options_.default_retries));
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    SAFEDDL_RETURN_IF_ERROR(CheckHealth());
    SAFEDDL_RETURN_IF_ERROR(RefuseIfUnfitValues());  // one an attempt's lock found stops here
    report_.cut_over_attempts = attempt;
    SAFEDDL_ASSIGN_OR_RETURN(CutOverAttempt result,
                             AttemptCutOver(connect_, plan_, lock_timeout, hooks));
    if (result.swapped) {
      report_.swapped = true;
      report_.cut_over_stall_ms = result.stall_ms;
      ghost_created_ = false;
      return Status::OK();
    }
    if (revert_generation_ > 0) {
      SAFEDDL_RETURN_IF_ERROR(DeleteRevertRecord(*conn_, plan_, revert_generation_));
    }
    LogWarning(
        "cut-over attempt {}/{} did not swap ({}); the original table is in place; "
        "retrying in {}",
        attempt, attempts, result.failure, HumanDuration(backoff_seconds));
    const TimePoint until = SystemClock::Get().Now() +
                            std::chrono::milliseconds(static_cast<int64_t>(backoff_seconds * 1000));
    while (SystemClock::Get().Now() < until) {
      SAFEDDL_RETURN_IF_ERROR(CheckHealth());
      Report();
      std::this_thread::sleep_for(kPollInterval);
    }
    if (options_.cut_over_exponential_backoff) {
      backoff_seconds = std::min<double>(
          backoff_seconds * 2, static_cast<double>(options_.exponential_backoff_max_interval));
    }
  }
  return FailedPreconditionError(fmt::format(
      "cut-over did not succeed in {} attempts; the original table is in place and unchanged",
      attempts));
}

Status Migrator::RefuseIfUnfitValues() {
  if (plan_.q_unfit.empty()) return Status::OK();
  return RefuseIfUnfit(*conn_, plan_);
}

Result<BinlogPosition> Migrator::ExistingGhostStart() {
  // Kept when a run fails or dies: the ghost holds exactly the changes up to it, and the unfit
  // list is exact at that position.
  SAFEDDL_RETURN_IF_ERROR(conn_->Execute(AppliedPositionCreateStatement(plan_)));
  if (!plan_.q_unfit.empty()) {
    SAFEDDL_RETURN_IF_ERROR(conn_->Execute(UnfitValuesCreateStatement(plan_)));
  }
  SAFEDDL_ASSIGN_OR_RETURN(std::optional<BinlogPosition> exact,
                           LoadAppliedPosition(*conn_, plan_, options_.alter));
  if (!exact) return existing_->from;
  LogInfo("going on from binlog {}, where an earlier run stopped (changes up to there are in {})",
          exact->ToString(), plan_.q_ghost);
  report_.notes.push_back("went on from binlog " + exact->ToString() +
                          ", where an earlier run stopped");
  return *exact;
}

Result<bool> Migrator::HoldForSwap() {
  Phase("revertible");
  const TimePoint until = SystemClock::Get().Now() + *existing_->hold_for;
  LogInfo(
      "keeping {} current with every change to {} for {}; `safeddl revert --execute` (or "
      "`unpostpone` on the control socket) swaps it back at once",
      plan_.q_ghost, plan_.q_original,
      HumanDuration(static_cast<double>(existing_->hold_for->count())));
  SAFEDDL_RETURN_IF_ERROR(HoldCutOver([until] { return SystemClock::Get().Now() < until; }));
  if (!live_.unpostpone_requested()) return false;
  LogInfo("swapping back, as asked on the control socket");
  SAFEDDL_RETURN_IF_ERROR(WaitForBacklog(kBacklogTimeout));
  return true;
}

Status Migrator::EndHold() {
  Phase("cleanup");
  StopBackground();
  SAFEDDL_RETURN_IF_ERROR(DropRunTables());
  report_.hold_ended = true;
  return Status::OK();
}

Status Migrator::DropRunTables() {
  SAFEDDL_RETURN_IF_ERROR(conn_->Execute("DROP TABLE IF EXISTS " + plan_.q_changelog));
  changelog_created_ = false;
  SAFEDDL_RETURN_IF_ERROR(conn_->Execute("DROP TABLE IF EXISTS " + plan_.q_checkpoint));
  checkpoint_created_ = false;
  return Status::OK();
}

Status Migrator::PrepareRevertRecord() {
  SAFEDDL_RETURN_IF_ERROR(conn_->Execute(RevertRecordCreateStatement(plan_)));
  SAFEDDL_ASSIGN_OR_RETURN(std::vector<RevertRecord> records,
                           LoadRevertRecords(*conn_, plan_.q_revert));
  revert_generation_ = records.empty() ? 1 : records.front().generation + 1;
  return Status::OK();
}

void Migrator::StopBackground() {
  stop_apply_.store(true);
  if (capture_) capture_->Stop();
  if (apply_thread_.joinable()) apply_thread_.join();
  if (heartbeat_) heartbeat_->Stop();
  if (throttler_) throttler_->Stop();
}

void Migrator::Cleanup() {
  if (!conn_) return;
  if (changelog_created_) conn_->Execute("DROP TABLE IF EXISTS " + plan_.q_changelog).IgnoreError();
  if (checkpoint_created_) {
    conn_->Execute("DROP TABLE IF EXISTS " + plan_.q_checkpoint).IgnoreError();
  }
  if (ghost_created_) DropGhost(*conn_, plan_).IgnoreError();
}

}  // namespace safeddl::osc
