#include "galera/online_copy.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "common/clock.h"
#include "common/files.h"
#include "common/log.h"
#include "common/strings.h"
#include "galera/capture_triggers.h"
#include "galera/ddl_spread.h"
#include "galera/flow_control.h"
#include "galera/table_locks.h"
#include "galera/toi.h"
#include "galera/trigger_check.h"
#include "mysql/connection.h"
#include "mysql/galera_status.h"
#include "mysql/quote.h"
#include "mysql/retry.h"
#include "osc/checksum.h"
#include "osc/chunk_planner.h"
#include "osc/control_start.h"
#include "osc/copier.h"
#include "osc/hooks.h"
#include "osc/inspector.h"
#include "osc/key_range.h"
#include "osc/live_settings.h"
#include "osc/progress.h"
#include "osc/session_setup.h"
#include "osc/throttler.h"
#include "schema/introspect.h"

namespace safeddl::galera {
namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kFlowLook = std::chrono::milliseconds(100);
constexpr auto kLongestPause = std::chrono::minutes(10);
constexpr auto kTellPauseAfter = std::chrono::seconds(1);
constexpr auto kProgressEvery = std::chrono::seconds(5);
constexpr long long kDefaultFcLimit = 16;  // galera-4's gcs.fc_limit
constexpr long long kMinRowBytesInWriteSet = 64;
// A range the checksum finds different is copied again in one transaction, under the load: a
// small one, like a copy chunk, is rarely aborted by the application's writes and holds few rows.
constexpr int64_t kChecksumRowsPerRange = 1000;
constexpr int kChecksumRounds = 3;
constexpr size_t kReasonsKept = 10;
// Tries at creating the capture triggers when the server misreads one (ServerMisreadATrigger) or
// a node does not hold them all (TriggersNotEverywhere); at dropping them while a node holds one.
constexpr int kTriggerAttempts = 3;
// How long a node may take to apply the triggers' DDL before it is asked what it holds.
constexpr auto kTriggersSpread = std::chrono::seconds(120);
// How long the copy waits for every node to commit its last chunk, looking every kApplyLook;
// past kApplyWaitBound it goes on to WaitForFlow, which pauses while a node is behind.
constexpr auto kApplyLook = std::chrono::milliseconds(1);
constexpr auto kApplyWaitBound = std::chrono::milliseconds(500);

// A chunk that lost to another node's write: retried.
bool LostToAnotherWrite(const Status& s) {
  switch (s.server_errno()) {
    case 1213:  // ER_LOCK_DEADLOCK: a brute-force abort, or certification failed
    case 1205:  // ER_LOCK_WAIT_TIMEOUT
    case 1180:  // ER_ERROR_DURING_COMMIT
    case 1047:  // ER_UNKNOWN_COM_ERROR: wsrep not ready for a moment
      return true;
    default:
      return false;
  }
}

class OnlineRun {
 public:
  OnlineRun(const mysql::ConnectOptions& origin, Cluster& cluster, const OnlineOptions& o)
      : origin_(origin),
        cluster_(cluster),
        o_(o),
        m_(o.migration),
        live_(m_),
        hooks_(m_.hooks_path, osc::HookVariables(m_, origin)) {
    m_.trigger_capture = true;
  }

  ~OnlineRun() { StopControls(); }

  // As gh-ost: the failure and success hooks are only reported when they fail.
  Result<OnlineReport> Run() {
    Result<OnlineReport> r = Steps();
    if (!r.ok()) {
      if (Status h = Hook("failure"); !h.ok()) LogWarning("{}", h.message());
    } else if (r->executed) {
      if (Status h = Hook("success"); !h.ok()) LogWarning("{}", h.message());
    }
    return r;
  }

 private:
  Result<OnlineReport> Steps() {
    const auto start = Clock::now();
    for (const Node& n : cluster_.nodes) report_.nodes.push_back(n.Name());
    SAFEDDL_RETURN_IF_ERROR(Hook("startup"));
    SAFEDDL_RETURN_IF_ERROR(Prepare());
    if (Status validated = Hook("validated"); !m_.execute || !validated.ok()) {
      osc::DropGhost(*ddl_, plan_).IgnoreError();
      SAFEDDL_RETURN_IF_ERROR(validated);
      report_.total_seconds = SecondsSince(start);
      return report_;
    }
    Status copied = [&]() -> Status {
      SAFEDDL_RETURN_IF_ERROR(StartControls());
      SAFEDDL_RETURN_IF_ERROR(Hook("rowcount-complete"));
      SetPhase("triggers");
      SAFEDDL_RETURN_IF_ERROR(CreateTriggers());
      SAFEDDL_RETURN_IF_ERROR(Hook("before-row-copy"));
      SAFEDDL_RETURN_IF_ERROR(Copy());
      SAFEDDL_RETURN_IF_ERROR(Hook("row-copy-complete"));
      SAFEDDL_RETURN_IF_ERROR(WhilePostponed());
      SetPhase("checksum");
      SAFEDDL_RETURN_IF_ERROR(Checksum());
      SAFEDDL_RETURN_IF_ERROR(Hook("before-cut-over"));
      SetPhase("swap");
      return Swap();
    }();
    StopControls();
    if (!copied.ok()) {
      if (swapped_) return copied;
      return Status(copied.code(), copied.message() + Abandon(), copied.server_errno(),
                    copied.sqlstate());
    }
    SetPhase("done");
    report_.executed = true;
    report_.total_seconds = SecondsSince(start);
    return report_;
  }

  void Progress(const std::string& line) {
    if (o_.progress) o_.progress(line);
  }

  // A signal, `panic` on the control socket or --panic-flag-file: the run stops before the swap.
  // Unlike gh-ost's panic, which leaves everything as it is, the triggers and the ghost are then
  // dropped as after any failure: the triggers would keep doubling the application's writes into
  // a table nobody copies to any more.
  Status CheckCancel() const {
    if (o_.cancel != nullptr && o_.cancel->load()) {
      return AbortedError("interrupted before the swap");
    }
    if (live_.panic_requested()) return AbortedError("panic: commanded on the control socket");
    if (!m_.panic_flag_file.empty() && FileExists(m_.panic_flag_file)) {
      return AbortedError("panic: --panic-flag-file " + m_.panic_flag_file + " exists");
    }
    return Status::OK();
  }

  // gh-ost's controls while the run executes: its throttling (osc/throttler.h: the flag files,
  // --max-load and --critical-load on the node safeddl connected to, --throttle-query,
  // --throttle-http, the lag of that node's own asynchronous replicas, `throttle` on the socket)
  // and its control socket (status, chunk-size, nice-ratio, throttle, unpostpone, panic...).
  // Galera's flow control is watched apart (WaitForFlow).
  Status StartControls() {
    SAFEDDL_ASSIGN_OR_RETURN(throttler_, osc::Throttler::Start(origin_, m_, no_heartbeat_, live_));
    SAFEDDL_RETURN_IF_ERROR(throttler_->critical());  // before any trigger
    // gh-ost-on-interactive-command first; as in gh-ost, a hook that fails refuses the command.
    SAFEDDL_ASSIGN_OR_RETURN(
        osc::ServedControl served,
        osc::ServeControl(
            m_, live_, plan_.q_ghost, [this] { return Snapshot(); },
            [this](std::string_view name) {
              return Hook("interactive-command", {{"GH_OST_COMMAND", std::string(name)}});
            }));
    control_ = std::move(served.server);
    if (!served.note.empty()) Progress(served.note);
    return Status::OK();
  }

  void StopControls() {
    if (control_) control_->Stop();
    if (throttler_) throttler_->Stop();
  }

  // gh-ost's hooks (--hooks-path, osc/hooks.h), at the points the binlog copy runs them; any
  // thread. An error stops the run (before the swap: the table as it was).
  Status Hook(std::string_view event, const std::map<std::string, std::string>& extra = {}) const {
    if (!hooks_.enabled()) return Status::OK();
    double copy_seconds = 0;
    {
      std::lock_guard<std::mutex> lock(snapshot_mu_);
      if (copy_start_ != Clock::time_point{}) copy_seconds = SecondsSince(copy_start_);
    }
    std::map<std::string, std::string> context =
        osc::ProgressVariables(Snapshot(), SecondsSince(start_), copy_seconds);
    for (const auto& [name, value] : extra) context[name] = value;
    return hooks_.Run(event, context);
  }

  // gh-ost-on-status every --hooks-status-interval while the copy runs or waits (between chunks,
  // and while held); only reported when it fails, as in gh-ost.
  void StatusHook() {
    const auto interval = std::chrono::seconds(m_.hooks_status_interval_seconds);
    if (!hooks_.enabled() || interval.count() <= 0) return;
    if (Clock::now() - last_status_hook_ < interval) return;
    last_status_hook_ = Clock::now();
    if (Status h = Hook("status", {{"GH_OST_STATUS", Snapshot().ToLine()}}); !h.ok()) {
      LogWarning("{}", h.message());
    }
  }

  void SetPhase(const std::string& phase) {
    std::lock_guard<std::mutex> lock(snapshot_mu_);
    phase_ = phase;
    if (phase == "copy") copy_start_ = Clock::now();
  }

  // For `status` on the control socket (its thread).
  osc::ProgressSnapshot Snapshot() const {
    osc::ProgressSnapshot p;
    std::lock_guard<std::mutex> lock(snapshot_mu_);
    p.phase = phase_;
    p.rows_copied = rows_copied_.load();
    p.rows_estimated = report_.rows_estimated;  // set before the controls start
    p.elapsed_seconds = SecondsSince(start_);
    if (phase_ == "copy") {
      p.eta_seconds =
          osc::EstimateRemainingSeconds(p.rows_copied, p.rows_estimated, SecondsSince(copy_start_));
    }
    if (!flow_pause_.empty()) {
      p.throttled = true;
      p.throttle_reason = flow_pause_;
    } else if (throttler_) {
      p.throttled = throttler_->throttled();
      p.throttle_reason = throttler_->reason();
    }
    p.throttled_seconds = throttled_seconds_.load();
    return p;
  }

  // gh-ost's throttling, between chunks: returns once it lets go. Critical load stops the run
  // (before the swap: the table as it was).
  Status WaitForThrottle() {
    if (!throttler_) return Status::OK();
    SAFEDDL_RETURN_IF_ERROR(throttler_->critical());
    if (!throttler_->throttled()) return Status::OK();
    if (report_.throttle_reasons.size() < kReasonsKept) {
      report_.throttle_reasons.push_back(throttler_->reason());
    }
    ++report_.pauses;
    const auto start = Clock::now();
    SAFEDDL_RETURN_IF_ERROR(throttler_->WaitWhileThrottled("the online copy", [this] {
      StatusHook();
      return CheckCancel();
    }));
    AddThrottled(SecondsSince(start));
    Progress(fmt::format("copy resumed after {:.1f} s", SecondsSince(start)));
    return Status::OK();
  }

  void AddThrottled(double seconds) {
    report_.throttled_seconds += seconds;
    throttled_seconds_.store(report_.throttled_seconds);
  }

  // Calls `attempt` until it succeeds, fails for another reason than losing to another write
  // (LostToAnotherWrite), or has been retried migration.default_retries times, pausing a little
  // longer each time; counts the retries in `retries` when given.
  Status RetryLostWrites(const std::function<Status()>& attempt, long long* retries = nullptr) {
    mysql::RetryPolicy policy;
    policy.max_attempts = static_cast<int>(m_.default_retries) + 1;
    policy.initial_backoff = std::chrono::milliseconds(20);
    policy.max_backoff = std::chrono::seconds(1);
    policy.multiplier = 1.5;
    policy.retryable = LostToAnotherWrite;
    return mysql::RetryWithBackoff(policy, SystemClock::Get(), "a write on Galera", attempt,
                                   retries);
  }

  Result<std::unique_ptr<mysql::Connection>> OpenPrepared() {
    SAFEDDL_ASSIGN_OR_RETURN(auto conn, mysql::Connection::Open(origin_));
    SAFEDDL_RETURN_IF_ERROR(osc::PrepareSession(*conn, m_));
    return conn;
  }

  ToiOptions GateOptions() const {
    ToiOptions t;
    t.database = m_.database;
    t.table = m_.table;
    t.max_wait = o_.max_wait;
    t.long_transaction = o_.long_transaction;
    t.progress = o_.progress;
    return t;
  }

  // Every node ready; a run's leftover triggers dropped (or refused); the plan, with the ghost
  // created and altered (in total order, like every DDL here); the write-set limits.
  Status Prepare() {
    SAFEDDL_RETURN_IF_ERROR(Refresh(cluster_));
    for (const Node& n : cluster_.nodes) {
      const std::string why = NodeNotReady(n.status, cluster_.expected_size);
      if (!why.empty()) {
        return FailedPreconditionError(
            fmt::format("{} is {}: the online copy needs every node Synced. Nothing was changed",
                        n.Name(), why));
      }
    }
    SAFEDDL_ASSIGN_OR_RETURN(ddl_, OpenPrepared());
    SAFEDDL_RETURN_IF_ERROR(UseToiSession(*ddl_, o_.max_wait));
    SAFEDDL_ASSIGN_OR_RETURN(table_, ResolveTable(*ddl_, m_.database, m_.table));
    SAFEDDL_RETURN_IF_ERROR(ClearLeftoverTriggers());
    SAFEDDL_ASSIGN_OR_RETURN(plan_, osc::Inspect(*ddl_, m_, &report_.notes));
    report_.statement = fmt::format("ALTER TABLE {} {}", plan_.q_original, plan_.alter);
    SAFEDDL_ASSIGN_OR_RETURN(auto estimate,
                             ddl_->QueryValue(fmt::format(
                                 "SELECT TABLE_ROWS FROM information_schema.TABLES WHERE "
                                 "TABLE_SCHEMA = {} AND TABLE_NAME = {}",
                                 mysql::QuoteString(m_.database), mysql::QuoteString(m_.table))));
    report_.rows_estimated = ParseInt64(estimate.value_or("0")).value_or(0);
    Status limits = [&]() -> Status {
      SAFEDDL_ASSIGN_OR_RETURN(triggers_, CaptureTriggers(plan_));
      for (const CaptureTrigger& t : triggers_) report_.triggers.push_back(t.create);
      return Limits();
    }();
    if (!limits.ok()) osc::DropGhost(*ddl_, plan_).IgnoreError();
    return limits;
  }

  // Triggers with the names this run uses, on the table: left by a run that was killed.
  Status ClearLeftoverTriggers() {
    SAFEDDL_ASSIGN_OR_RETURN(osc::TableNames names,
                             osc::MakeTableNames(m_.table, m_.force_table_names, false, ""));
    SAFEDDL_ASSIGN_OR_RETURN(
        auto rows,
        ddl_->Query(fmt::format(
            "SELECT TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = {} AND "
            "TRIGGER_NAME IN ({}, {}, {}) ORDER BY TRIGGER_NAME",
            mysql::QuoteString(m_.database), mysql::QuoteString(names.ghost + "_ins"),
            mysql::QuoteString(names.ghost + "_upd"), mysql::QuoteString(names.ghost + "_del"))));
    std::vector<std::string> left;
    for (const mysql::Row& r : rows.rows()) left.push_back(r[0].value_or(""));
    if (left.empty()) return Status::OK();
    if (!m_.initially_drop_ghost_table) {
      return AlreadyExistsError(fmt::format(
          "the triggers {} of an earlier online copy are still on the database '{}' (a run that "
          "was killed?): pass --initially-drop-ghost-table to drop them with its ghost table",
          JoinStrings(left, ", "), m_.database));
    }
    SAFEDDL_RETURN_IF_ERROR(
        WaitUntilClear(cluster_, table_, GateOptions(), "dropping the earlier run's triggers")
            .status());
    for (const std::string& name : left) {
      SAFEDDL_ASSIGN_OR_RETURN(std::string q, mysql::QuoteQualified(m_.database, name));
      SAFEDDL_RETURN_IF_ERROR(ddl_->Execute("DROP TRIGGER IF EXISTS " + q));
    }
    report_.notes.push_back("dropped the triggers left by an earlier run: " +
                            JoinStrings(left, ", "));
    return Status::OK();
  }

  // Rows per chunk within every node's wsrep_max_ws_rows and wsrep_max_ws_size (half of each, as
  // a margin), and gcs.fc_limit for the flow-control pause.
  Status Limits() {
    for (const Node& n : cluster_.nodes) {
      auto smallest = [](long long& into, long long v) {
        if (v > 0 && (into == 0 || v < into)) into = v;
      };
      smallest(report_.max_ws_rows, n.status.max_ws_rows);
      smallest(report_.max_ws_size, n.status.max_ws_size);
    }
    SAFEDDL_ASSIGN_OR_RETURN(
        auto avg, ddl_->QueryValue(fmt::format(
                      "SELECT AVG_ROW_LENGTH FROM information_schema.TABLES WHERE TABLE_SCHEMA = "
                      "{} AND TABLE_NAME = {}",
                      mysql::QuoteString(m_.database), mysql::QuoteString(m_.table))));
    const long long row_bytes =
        std::max(kMinRowBytesInWriteSet, 2 * ParseInt64(avg.value_or("0")).value_or(0));
    long long cap = 100000;  // gh-ost's largest --chunk-size
    if (report_.max_ws_rows > 0) cap = std::min(cap, std::max(1LL, report_.max_ws_rows / 2));
    if (report_.max_ws_size > 0) {
      cap = std::min(cap, std::max(1LL, report_.max_ws_size / 2 / row_bytes));
    }
    report_.chunk_size_cap = cap;
    SAFEDDL_ASSIGN_OR_RETURN(auto provider,
                             ddl_->QueryValue("SELECT @@global.wsrep_provider_options"));
    const std::optional<std::string> fc =
        mysql::ProviderOption(provider.value_or(""), "gcs.fc_limit");
    report_.fc_limit = fc ? std::max(1LL, ParseInt64(*fc).value_or(0)) : kDefaultFcLimit;
    if (m_.chunk_size > cap) {
      report_.notes.push_back(fmt::format(
          "chunks of at most {} rows: each is one write set, within wsrep_max_ws_rows {} and "
          "wsrep_max_ws_size {} (half of each)",
          cap, report_.max_ws_rows, report_.max_ws_size));
    }
    return Status::OK();
  }

  // The triggers, created in total order and then seen on every node. When the server misreads
  // one, or a node does not hold them all (its applier failed a CREATE TRIGGER and Galera went
  // on: galera/trigger_check.h), writes may have reached the table without reaching the ghost:
  // the triggers are dropped, the ghost emptied (the copy has not started) and the triggers
  // created again, kTriggerAttempts tries in all.
  Status CreateTriggers() {
    SAFEDDL_RETURN_IF_ERROR(
        WaitUntilClear(cluster_, table_, GateOptions(), "creating the capture triggers").status());
    Progress(fmt::format("creating {} capture triggers on {} (total order)", triggers_.size(),
                         plan_.q_original));
    for (int attempt = 1;; ++attempt) {
      Status s = CreateEachTrigger();
      if (!s.ok() && !ServerMisreadATrigger(s)) return s;
      std::string what;
      if (s.ok()) {
        SAFEDDL_ASSIGN_OR_RETURN(long long seqno, ReadLastCommitted(*ddl_));
        SAFEDDL_ASSIGN_OR_RETURN(std::vector<NodeDifference> wrong,
                                 TriggersNotOnEveryNode(/*present=*/true, seqno));
        if (wrong.empty()) break;
        what = "a node does not hold the capture triggers its applier was given (" +
               DescribeDifferences(wrong) + ")";
      } else {
        what = fmt::format("the server misread a capture trigger ({})", s.message());
      }
      if (attempt == kTriggerAttempts) {
        return FailedPreconditionError(
            fmt::format("{}, {} times: giving up before the copy", what, kTriggerAttempts));
      }
      const std::string note = what + ": dropped them, emptied the ghost and created them again";
      report_.notes.push_back(note);
      Progress(note);
      // On failure the error says why they were being dropped; Abandon drops them again and
      // says what is left.
      if (!DropTriggers().ok()) {
        return FailedPreconditionError(what + ": dropping them to create them again failed");
      }
      SAFEDDL_RETURN_IF_ERROR(EmptyGhost());
    }
    const std::string note =
        "statements the application prepared server-side (COM_STMT_PREPARE) on this table "
        "before the triggers were created may fail with \"Deadlock found\" on Galera while the "
        "triggers exist (seen on MariaDB 10.11: about one in two); reconnecting the application's "
        "pools prepares them again and avoids it";
    report_.notes.push_back(note);
    Progress("note: " + note);
    return Status::OK();
  }

  Status CreateEachTrigger() {
    for (const CaptureTrigger& t : triggers_) {
      // Issued is enough: a DDL in total order reaches the other nodes even when it fails here.
      triggers_issued_ = true;
      SAFEDDL_RETURN_IF_ERROR(
          ddl_->Execute(t.create).WithContext("creating the capture trigger " + t.name));
    }
    return Status::OK();
  }

  // The nodes that hold other than every capture trigger (`present`) or none of them, once they
  // have committed `seqno` (at or past this run's last DDL); empty when none does.
  Result<std::vector<NodeDifference>> TriggersNotOnEveryNode(bool present, long long seqno) {
    return TriggersNotEverywhere(cluster_, plan_, triggers_, present, seqno, kTriggersSpread);
  }

  // Drops the capture triggers, once the table is free on every node (a DDL in total order on
  // the table), when any was issued.
  Status DropTriggers() {
    if (!triggers_issued_) return Status::OK();
    SAFEDDL_RETURN_IF_ERROR(
        WaitUntilClear(cluster_, table_, GateOptions(), "dropping the capture triggers").status());
    return DropTriggersEverywhere();
  }

  // The DROP TRIGGERs, issued again (kTriggerAttempts times in all) while a node still holds one.
  // MariaDB puts a DROP TRIGGER IF EXISTS into the cluster's order only when the trigger is on the
  // node it is issued on; elsewhere it is a no-op that no other node sees. When the origin lacks
  // a trigger that other nodes hold (its CREATE failed there, as when MariaDB misreads a trigger,
  // but not on their appliers), the drop issued on the origin leaves it there, so the next try
  // issues it on each node that still holds one (in total order from there).
  Status DropTriggersEverywhere() {
    std::vector<mysql::Connection*> issue_on = {ddl_.get()};
    std::vector<NodeDifference> left;
    for (int attempt = 1; attempt <= kTriggerAttempts; ++attempt) {
      long long seqno = 0;
      for (mysql::Connection* conn : issue_on) {
        for (const std::string& drop : DropCaptureTriggers(plan_, triggers_)) {
          SAFEDDL_RETURN_IF_ERROR(conn->Execute(drop));
        }
        SAFEDDL_ASSIGN_OR_RETURN(long long at, ReadLastCommitted(*conn));
        seqno = std::max(seqno, at);
      }
      SAFEDDL_ASSIGN_OR_RETURN(left, TriggersNotOnEveryNode(/*present=*/false, seqno));
      if (left.empty()) {
        triggers_issued_ = false;
        return Status::OK();
      }
      issue_on.clear();
      for (const NodeDifference& d : left) {
        mysql::Connection& conn = *cluster_.nodes[d.index].conn;
        SAFEDDL_RETURN_IF_ERROR(UseToiSession(conn, o_.max_wait));
        issue_on.push_back(&conn);
      }
    }
    return FailedPreconditionError(
        fmt::format("dropped the capture triggers {} times, and a node still holds one ({})",
                    kTriggerAttempts, DescribeDifferences(left)));
  }

  // Deletes the ghost's rows (the triggers' only, before the copy), a write set at a time.
  Status EmptyGhost() {
    for (;;) {
      SAFEDDL_RETURN_IF_ERROR(RetryLostWrites([&] {
        return ddl_->Execute(
            fmt::format("DELETE FROM {} LIMIT {}", plan_.q_ghost, report_.chunk_size_cap));
      }));
      if (ddl_->affected_rows() == 0) return Status::OK();
    }
  }

  Result<std::vector<FlowSample>> SampleFlow() {
    std::vector<FlowSample> out;
    for (Node& n : cluster_.nodes) {
      Result<FlowSample> s = ReadFlowSample(*n.conn, n.Name());
      if (!s.ok()) return s.status().WithContext(n.Name() + " cannot be asked for flow control");
      out.push_back(std::move(*s));
    }
    return out;
  }

  // Returns once the cluster keeps up: see galera/flow_control.h.
  // `now`: a sample just taken.
  Status WaitForFlow(std::vector<FlowSample> now) {
    std::string reason = FlowPauseReason(flow_, now, report_.fc_limit);
    flow_ = std::move(now);
    if (reason.empty()) return Status::OK();
    if (report_.throttle_reasons.size() < kReasonsKept) report_.throttle_reasons.push_back(reason);
    ++report_.pauses;
    // Short pauses (most last one look) go into the progress lines' totals; a long one is told
    // as it happens, with its reason.
    const auto start = Clock::now();
    bool told = false;
    while (!reason.empty()) {
      {
        std::lock_guard<std::mutex> lock(snapshot_mu_);
        flow_pause_ = reason;
      }
      SAFEDDL_RETURN_IF_ERROR(CheckCancel());
      StatusHook();
      if (Clock::now() - start > kLongestPause) {
        return FailedPreconditionError(fmt::format(
            "the cluster has not kept up for {} minutes ({}): stopping the copy",
            std::chrono::duration_cast<std::chrono::minutes>(kLongestPause).count(), reason));
      }
      if (!told && Clock::now() - start >= kTellPauseAfter) {
        Progress("copy paused: " + reason);
        told = true;
      }
      std::this_thread::sleep_for(kFlowLook);
      SAFEDDL_ASSIGN_OR_RETURN(now, SampleFlow());
      reason = FlowPauseReason(flow_, now, report_.fc_limit, /*paused=*/true);
      flow_ = std::move(now);
    }
    {
      std::lock_guard<std::mutex> lock(snapshot_mu_);
      flow_pause_.clear();
    }
    AddThrottled(SecondsSince(start));
    if (told) Progress(fmt::format("copy resumed after {:.1f} s", SecondsSince(start)));
    return Status::OK();
  }

  // How long the copy waited for the nodes to commit a chunk, and whether it had to ask again
  // (then the flow is sampled again before the next chunk).
  struct ApplyWait {
    double ms = 0;
    bool asked = false;
  };

  // Waits until every node has committed write set `seqno` (a chunk's, or a later one), within
  // kApplyWaitBound. A node `sample` shows there already is not asked again.
  Result<ApplyWait> WaitUntilApplied(long long seqno, const std::vector<FlowSample>& sample) {
    const auto start = Clock::now();
    ApplyWait out;
    for (size_t i = 0; i < cluster_.nodes.size(); ++i) {
      Node& n = cluster_.nodes[i];
      if (i < sample.size() && sample[i].last_committed >= seqno) continue;
      out.asked = true;
      for (;;) {
        Result<long long> at = ReadLastCommitted(*n.conn);
        if (!at.ok()) return at.status().WithContext(n.Name() + " cannot be asked for its seqno");
        if (*at >= seqno || Clock::now() - start > kApplyWaitBound) break;
        SAFEDDL_RETURN_IF_ERROR(CheckCancel());
        std::this_thread::sleep_for(kApplyLook);
      }
    }
    out.ms = SecondsSince(start) * 1000.0;
    report_.apply_wait_seconds += out.ms / 1000.0;
    report_.apply_wait_max_ms = std::max(report_.apply_wait_max_ms, out.ms);
    return out;
  }

  Status Copy() {
    const auto start = Clock::now();
    SAFEDDL_ASSIGN_OR_RETURN(auto copy_conn, OpenPrepared());
    SAFEDDL_ASSIGN_OR_RETURN(auto planner_conn, OpenPrepared());
    osc::ChunkPlanner planner(*planner_conn, plan_,
                              std::min<int64_t>(m_.chunk_size, report_.chunk_size_cap));
    SAFEDDL_RETURN_IF_ERROR(planner.Prepare());
    SAFEDDL_ASSIGN_OR_RETURN(flow_, SampleFlow());
    const std::vector<FlowSample> at_start = flow_;
    SetPhase("copy");
    long long last_seqno = 0;     // the write set of the last chunk
    long long earlier_seqno = 0;  // of the one before
    double last_millis = -1;      // the last chunk's time, once it has one
    auto last_progress = Clock::now();
    for (;;) {
      SAFEDDL_RETURN_IF_ERROR(CheckCancel());
      // Two chunks in flight at most: the last one, and the one before, which every node must
      // have committed before the next chunk starts; the last chunk's size is judged with this
      // wait. Then the flow, in a sample taken after the wait.
      SAFEDDL_ASSIGN_OR_RETURN(std::vector<FlowSample> sample, SampleFlow());
      SAFEDDL_ASSIGN_OR_RETURN(ApplyWait applied, WaitUntilApplied(earlier_seqno, sample));
      if (applied.asked) {
        SAFEDDL_ASSIGN_OR_RETURN(sample, SampleFlow());
      }
      SAFEDDL_RETURN_IF_ERROR(WaitForFlow(std::move(sample)));
      SAFEDDL_RETURN_IF_ERROR(WaitForThrottle());
      if (last_millis >= 0) planner.Adapt(last_millis + applied.ms);
      if (std::optional<int64_t> rows = live_.TakeChunkSizeRequest()) {
        planner.set_chunk_size(*rows);
        Progress(fmt::format("chunk size set to {} rows (control socket){}",
                             std::min<int64_t>(*rows, report_.chunk_size_cap),
                             *rows > report_.chunk_size_cap ? ", the write-set limits' cap" : ""));
      }
      if (planner.chunk_size() > report_.chunk_size_cap) {
        planner.set_chunk_size(report_.chunk_size_cap);
      }
      live_.NoteChunkSize(planner.chunk_size());
      SAFEDDL_ASSIGN_OR_RETURN(std::optional<osc::KeyChunk> chunk, planner.Next());
      if (!chunk) break;
      osc::ChunkResult r;
      Status copied = RetryLostWrites(
          [&]() -> Status {
            SAFEDDL_ASSIGN_OR_RETURN(
                r, osc::CopyChunkRows(*copy_conn, plan_, *chunk, m_.panic_on_warnings));
            return Status::OK();
          },
          &report_.chunk_retries);
      if (!copied.ok()) return copied.WithContext(fmt::format("copy chunk {}", chunk->seq));
      report_.rows_copied += r.rows;
      rows_copied_.store(report_.rows_copied);
      ++report_.chunks;
      earlier_seqno = last_seqno;
      SAFEDDL_ASSIGN_OR_RETURN(last_seqno, ReadLastCommitted(*copy_conn));
      last_millis = r.millis;
      // gh-ost's --nice-ratio (the control socket may change it): a pause of that many times the
      // chunk's time after each chunk.
      if (const double nice = live_.nice_ratio(); nice > 0) {
        const double nice_ms = r.millis * nice;
        std::this_thread::sleep_for(
            std::chrono::microseconds(static_cast<int64_t>(nice_ms * 1000)));
        report_.nice_seconds += nice_ms / 1000.0;
      }
      StatusHook();
      if (Clock::now() - last_progress >= kProgressEvery) {
        last_progress = Clock::now();
        Progress(fmt::format(
            "copied {} rows of about {} in {} chunks ({} retried; paused {} time(s), {:.1f} s)",
            report_.rows_copied, report_.rows_estimated, report_.chunks, report_.chunk_retries,
            report_.pauses, report_.throttled_seconds));
      }
    }
    SAFEDDL_ASSIGN_OR_RETURN(std::vector<FlowSample> end, SampleFlow());
    for (size_t i = 0; i < end.size() && i < at_start.size(); ++i) {
      report_.cert_failures += end[i].cert_failures - at_start[i].cert_failures;
    }
    if (!end.empty() && !at_start.empty()) {
      report_.flow_control_paused_ms = (end[0].paused_ns - at_start[0].paused_ns) / 1000000;
    }
    report_.copy_seconds = SecondsSince(start);
    Progress(fmt::format("copied {} rows in {} chunks in {:.1f} s", report_.rows_copied,
                         report_.chunks, report_.copy_seconds));
    return Status::OK();
  }

  // Both tables compared range by range, each range in one snapshot, where the triggers keep
  // them equal. Ranges that differ are copied again and everything compared again, up to
  // kChecksumRounds times; a difference that is still there stops the run.
  Status Checksum() {
    const int64_t rows_per_range =
        std::max<int64_t>(1, std::min<int64_t>(kChecksumRowsPerRange, report_.chunk_size_cap / 2));
    for (int round = 1;; ++round) {
      std::vector<std::unique_ptr<mysql::Connection>> conns;
      std::vector<mysql::Connection*> raw;
      for (int i = 0; i < 2; ++i) {
        SAFEDDL_ASSIGN_OR_RETURN(auto c, OpenPrepared());
        SAFEDDL_RETURN_IF_ERROR(
            c->Execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ"));
        SAFEDDL_RETURN_IF_ERROR(c->Execute("START TRANSACTION WITH CONSISTENT SNAPSHOT"));
        raw.push_back(c.get());
        conns.push_back(std::move(c));
      }
      SAFEDDL_ASSIGN_OR_RETURN(osc::ChecksumResult sum,
                               osc::CompareTables(raw, plan_, rows_per_range));
      for (auto& c : conns) c->Execute("COMMIT").IgnoreError();
      report_.checksum_ranges = sum.ranges;
      report_.checksum_rows = sum.rows_original;
      if (sum.clean()) {
        Progress(
            fmt::format("checksum: {} rows in {} ranges, equal", sum.rows_original, sum.ranges));
        return Status::OK();
      }
      const std::string found = fmt::format(
          "the checksum found the ghost table different from {} ({} rows against {}, {} of {} "
          "key ranges differ)",
          plan_.q_original, sum.rows_ghost, sum.rows_original, sum.differing.size(), sum.ranges);
      if (round == kChecksumRounds) {
        return CorruptionError(found + fmt::format(", still after {} rounds of copying them "
                                                   "again: not swapping (please report this)",
                                                   kChecksumRounds - 1));
      }
      Progress(found + ": copying them again");
      SAFEDDL_RETURN_IF_ERROR(CopyAgain(sum.differing));
      report_.ranges_copied_again += static_cast<long long>(sum.differing.size());
    }
  }

  // Each range's ghost rows replaced by the original's, in one transaction (within the write-set
  // limits: a range holds at most half a chunk).
  Status CopyAgain(const std::vector<osc::KeyRangeBounds>& ranges) {
    SAFEDDL_ASSIGN_OR_RETURN(auto conn, OpenPrepared());
    for (const osc::KeyRangeBounds& range : ranges) {
      SAFEDDL_ASSIGN_OR_RETURN(std::string where_ghost,
                               osc::RangePredicate(plan_.ghost_key, range));
      SAFEDDL_ASSIGN_OR_RETURN(std::string where_original,
                               osc::RangePredicate(plan_.original_key, range));
      Status copied = RetryLostWrites([&]() -> Status {
        Status s = [&]() -> Status {
          SAFEDDL_RETURN_IF_ERROR(conn->Execute("BEGIN"));
          SAFEDDL_RETURN_IF_ERROR(
              conn->Execute(fmt::format("DELETE FROM {} WHERE {}", plan_.q_ghost, where_ghost)));
          SAFEDDL_RETURN_IF_ERROR(
              conn->Execute(osc::CopyStatement(plan_, where_original, /*nowait=*/false)));
          return conn->Execute("COMMIT");
        }();
        if (!s.ok()) conn->Execute("ROLLBACK").IgnoreError();
        return s;
      });
      if (!copied.ok()) return copied.WithContext("copying a differing range again");
    }
    return Status::OK();
  }

  // gh-ost's --postpone-cut-over-flag-file, after the copy and before the checksum and the swap:
  // the triggers keep the new table current meanwhile.
  Status WhilePostponed() {
    const std::string& flag = m_.postpone_cut_over_flag_file;
    if (!FileExists(flag)) return Status::OK();
    SetPhase("postponed");
    SAFEDDL_RETURN_IF_ERROR(Hook("begin-postponed"));
    Progress(
        fmt::format("swap postponed while {} exists (the triggers keep the new table "
                    "current): delete it, or send `unpostpone` on the control socket, to swap",
                    flag));
    live_.set_postponing(true);
    Status s = [&]() -> Status {
      while (FileExists(flag) && !live_.unpostpone_requested()) {
        SAFEDDL_RETURN_IF_ERROR(CheckCancel());
        std::this_thread::sleep_for(kFlowLook);
      }
      return Status::OK();
    }();
    live_.set_postponing(false);
    if (s.ok() && live_.unpostpone_requested()) Progress("unpostponed on the control socket");
    return s;
  }

  // One RENAME in total order, once nothing on any node would make it wait.
  Status Swap() {
    SAFEDDL_ASSIGN_OR_RETURN(ToiGate gate,
                             WaitUntilClear(cluster_, table_, GateOptions(), "the swap"));
    report_.swap_rounds = gate.rounds;
    report_.swap_gate_seconds = gate.seconds;
    const std::string rename = fmt::format("RENAME TABLE {} TO {}, {} TO {}", plan_.q_original,
                                           plan_.q_old, plan_.q_ghost, plan_.q_original);
    Progress("swapping: " + rename + " (total order)");
    const auto start = Clock::now();
    SAFEDDL_RETURN_IF_ERROR(ddl_->Execute(rename).WithContext("the swap"));
    report_.rename_seconds = SecondsSince(start);
    swapped_ = true;
    // The triggers went with the old table; nothing writes there any more.
    Status dropped = DropTriggersEverywhere();
    if (!dropped.ok()) {
      LogWarning("after the swap, dropping the capture triggers on {}: {}; run {}", plan_.q_old,
                 dropped.message(), JoinStrings(DropCaptureTriggers(plan_, triggers_), "; "));
    }
    report_.old_table = plan_.q_old;
    if (m_.ok_to_drop_table) {
      Status s = ddl_->Execute("DROP TABLE " + plan_.q_old);
      if (s.ok()) {
        report_.old_table.clear();
      } else {
        LogWarning("after the swap, the old table {} could not be dropped: {}", plan_.q_old,
                   s.message());
      }
    }
    SAFEDDL_ASSIGN_OR_RETURN(std::string def, schema::TableDefinition(*ddl_, plan_.q_original));
    SAFEDDL_ASSIGN_OR_RETURN(long long seqno, ReadLastCommitted(*ddl_));
    return WaitForDefinitionEverywhere(cluster_, plan_.q_original, def, seqno);
  }

  // Before the swap: the triggers go (a DDL in total order on the table, so only once every
  // node is clear), then the ghost they write to. Says what it did, for the error.
  std::string Abandon() {
    if (!ddl_) return "";
    Status dropped = DropTriggers();
    if (!dropped.ok()) {
      return fmt::format(
          ". The capture triggers are still on {} (every write to it also writes {}), since {}. "
          "Once the table is free on every node, run on each node that holds one: {}; then DROP "
          "TABLE {} (or run safeddl again with --initially-drop-ghost-table)",
          plan_.q_original, plan_.q_ghost, dropped.message(),
          JoinStrings(DropCaptureTriggers(plan_, triggers_), "; "), plan_.q_ghost);
    }
    Status s = osc::DropGhost(*ddl_, plan_);
    if (!s.ok()) {
      return fmt::format(
          ". The capture triggers were dropped, the ghost table {} not ({}): drop it",
          plan_.q_ghost, s.message());
    }
    return ". The capture triggers and the ghost table were dropped: the table is as it was";
  }

  const mysql::ConnectOptions& origin_;
  Cluster& cluster_;
  const OnlineOptions& o_;
  osc::MigrationOptions m_;
  osc::LiveSettings live_;  // what the control socket changes
  const osc::Hooks hooks_;
  const Clock::time_point start_ = Clock::now();
  Clock::time_point last_status_hook_ = start_;
  OnlineReport report_;
  std::unique_ptr<mysql::Connection> ddl_;
  TableNames table_;
  osc::MigrationPlan plan_;
  std::vector<CaptureTrigger> triggers_;
  bool triggers_issued_ = false;  // a CREATE TRIGGER was issued since the last drop
  std::vector<FlowSample> flow_;
  bool swapped_ = false;
  // The throttler's plan: no changelog table, so a replica's lag is its Seconds_Behind_Master.
  const osc::MigrationPlan no_heartbeat_{};
  std::unique_ptr<osc::Throttler> throttler_;
  std::unique_ptr<osc::ControlServer> control_;
  // What `status` shows (Snapshot, from the control socket's thread).
  mutable std::mutex snapshot_mu_;
  std::string phase_ = "prepare";
  Clock::time_point copy_start_;
  std::string flow_pause_;  // why the copy waits for the cluster now; empty when it does not
  std::atomic<long long> rows_copied_{0};
  std::atomic<double> throttled_seconds_{0};
};

}  // namespace

nlohmann::json OnlineReport::ToJson() const {
  return {{"method", "online"},
          {"statement", statement},
          {"nodes", nodes},
          {"notes", notes},
          {"triggers", triggers},
          {"executed", executed},
          {"max_ws_rows", max_ws_rows},
          {"max_ws_size", max_ws_size},
          {"chunk_size_cap", chunk_size_cap},
          {"fc_limit", fc_limit},
          {"rows_copied", rows_copied},
          {"chunks", chunks},
          {"chunk_retries", chunk_retries},
          {"cert_failures", cert_failures},
          {"pauses", pauses},
          {"throttled_seconds", throttled_seconds},
          {"throttle_reasons", throttle_reasons},
          {"flow_control_paused_ms", flow_control_paused_ms},
          {"apply_wait_seconds", apply_wait_seconds},
          {"apply_wait_max_ms", apply_wait_max_ms},
          {"nice_seconds", nice_seconds},
          {"copy_seconds", copy_seconds},
          {"rows_estimated", rows_estimated},
          {"checksum_ranges", checksum_ranges},
          {"checksum_rows", checksum_rows},
          {"ranges_copied_again", ranges_copied_again},
          {"swap_rounds", swap_rounds},
          {"swap_gate_seconds", swap_gate_seconds},
          {"rename_seconds", rename_seconds},
          {"old_table", old_table},
          {"total_seconds", total_seconds}};
}

Result<OnlineReport> RunOnlineCopy(const mysql::ConnectOptions& origin, Cluster& cluster,
                                   const OnlineOptions& options) {
  OnlineRun run(origin, cluster, options);
  return run.Run();
}

}  // namespace safeddl::galera
