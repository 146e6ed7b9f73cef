// Migrator: runs one online ALTER end to end — inspect, (instant attempt), ghost and changelog,
// binlog capture, chunked copy with continuous apply, postponement, checksum, cut-over, cleanup —
// and reports what happened.
//
// Threads: the caller's thread runs the phases; --threads workers copy chunks (and compare them
// in the checksum); one thread applies captured changes;
// the capture, heartbeat, throttler and control socket run their own. The control socket reaches
// the migration only through LiveSettings and the progress snapshot (snapshot_mu_). On any failure
// before the swap, the original table is untouched and the helper tables are dropped (except after
// a panic, which leaves everything as it is, like gh-ost). Run() is called once.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "common/clock.h"
#include "common/result.h"
#include "mysql/connection.h"
#include "mysql/session_log.h"
#include "osc/applier.h"
#include "osc/binlog_position.h"
#include "osc/change_capture.h"
#include "osc/changed_rows.h"
#include "osc/checkpoint.h"
#include "osc/checksum.h"
#include "osc/chunk_planner.h"
#include "osc/chunk_prefetch.h"
#include "osc/control_server.h"
#include "osc/copy_watermark.h"
#include "osc/heartbeat.h"
#include "osc/hooks.h"
#include "osc/live_settings.h"
#include "osc/migration_options.h"
#include "osc/migration_plan.h"
#include "osc/migration_report.h"
#include "osc/progress.h"
#include "osc/throttler.h"

namespace safeddl::osc {

// A migration onto a "ghost" that already exists and holds the original's rows as they were at
// binlog position `from` — safeddl revert's, whose ghost is the old table a cut-over kept. No
// ALTER is inspected and nothing is copied: the changes since `from` are applied, then the
// checksum (a range that differs stops the run: nothing is copied again) and the cut-over, as
// for any migration. The ghost is never dropped, whatever happens.
struct ExistingGhost {
  MigrationPlan plan;
  BinlogPosition from;
  // Optional: runs after the clean checksum, before the cut-over; an error stops the run with
  // the table untouched (a revert checks there again what going back would lose).
  std::function<Status()> before_cut_over;
  // Optional (alter --revertible): after the catch-up and a clean checksum, keep the ghost current
  // and hold the swap until `unpostpone` on the control socket, for at most this long; then end
  // without swapping (report.hold_ended), the exact applied position kept so that a later run
  // goes on from it.
  std::optional<std::chrono::seconds> hold_for;
};

class Migrator {
 public:
  using ProgressFn = std::function<void(const ProgressSnapshot&)>;

  // `log` (may be null) and `cancel` (may be null; set it to stop the run cleanly, e.g. on
  // SIGINT) must outlive the Migrator.
  Migrator(mysql::ConnectOptions connect, MigrationOptions options, mysql::SessionLog* log,
           ProgressFn progress, const std::atomic<bool>* cancel);
  ~Migrator();

  // Makes the run a migration onto `ghost` (before Run()).
  void ContinueOnto(ExistingGhost ghost) { existing_ = std::move(ghost); }

  Result<MigrationReport> Run();

 private:
  Status LockMigration();
  // Runs the hooks of `event` (osc/hooks.h) with the migration's progress and `extra` in their
  // environment, after bringing the progress up to date. Main thread only.
  Status Hook(std::string_view event, const std::map<std::string, std::string>& extra = {});
  // The same with the progress as last reported: for the copy workers and the control thread.
  Status OffThreadHook(std::string_view event,
                       const std::map<std::string, std::string>& extra) const;
  Status Execute();
  Result<bool> TryInstant();
  // A column of the original's information_schema.TABLES row (`column` is a constant name).
  Result<std::optional<std::string>> OriginalTableInfo(std::string_view column);
  Status CarryAutoIncrement();
  // Leaves the ghost's deferrable indexes out for the copy (deferred_indexes.h), when
  // --defer-indexes allows; notes them in the checkpoint.
  Status DeferIndexes();
  // Builds the indexes left out, after the copy, while the applier goes on.
  Status BuildDeferredIndexes();
  Status PrepareCheckpoints();
  void MaybeCheckpoint(bool force = false);
  Status StartCapture(const BinlogPosition& start);
  Status CopyAll(const std::vector<std::string>& start_after);
  Result<int> CopyWorkers();
  // Copies chunks until the range is handed out or `stop`; reopens `conn` when the server drops
  // it, and runs gh-ost-on-batch-copy-retry before each retry of a chunk.
  Status CopyWorker(std::unique_ptr<mysql::Connection>& conn, const std::atomic<bool>& stop);
  Status WaitForBacklog(std::chrono::milliseconds timeout);
  Status Postpone();
  // Keeps the ghost current while `hold()` is true and no `unpostpone` was asked for on the
  // control socket (which sees the run as postponing); stops on a health error.
  Status HoldCutOver(const std::function<bool()>& hold);
  Status ChecksumUntilClean();
  // Why the first checksum pass may not compare only what changed (changed_rows.h); nullopt: it
  // may.
  std::optional<std::string> WhyFullChecksum(const ChangedRowsSnapshot& changed) const;
  // The first checksum pass over what changed, without a lock; nullopt (and
  // report_.checksum_full_why said) when a full pass must be made instead.
  Result<std::optional<ChecksumResult>> CompareChangedRows();
  Status RecopyRange(const KeyRangeBounds& range);
  // gh-ost's --analyze-ghost-table-before-cutover: ANALYZE TABLE on the ghost; a failure is a
  // note, not an error.
  void AnalyzeGhost();
  Status CutOver();
  // The revert record of the swap (osc/revert_record.h): its table, and the generation after
  // the newest one there. Not with --ok-to-drop-table (no old table to go back to).
  Status PrepareRevertRecord();
  // A revert's refusal to swap while rows hold values its old table cannot hold (plan.q_unfit).
  Status RefuseIfUnfitValues();
  // Where the capture onto an existing ghost starts: its exact applied position from an earlier
  // run of the same migration, else ExistingGhost::from.
  Result<BinlogPosition> ExistingGhostStart();
  // ExistingGhost::hold_for: true when the swap is asked for, false when the time is up.
  Result<bool> HoldForSwap();
  // Ends a hold that was not asked to swap: helpers dropped but the applied position.
  Status EndHold();
  // Drops the changelog and the checkpoint once the run no longer needs them.
  Status DropRunTables();
  bool KeepsOldTable() const { return !options_.ok_to_drop_table && !options_.test_on_replica; }
  void StopBackground();
  void Cleanup();
  Status CheckHealth();
  // On a replica (--migrate-on-replica, --test-on-replica): safeddl's own binlogged writes go to
  // a GTID domain replication does not use (mysql::LocalGtidDomain), on every session; reopens
  // conn_.
  Status UseLocalGtidDomain();
  // --test-on-replica: stops this replica's replication before the checksum (unless
  // --test-on-replica-skip-replica-stop), after the stop-replication hook.
  Status StopReplicationForTest();
  Status StartControl();
  ProgressSnapshot Snapshot() const;
  void Phase(const std::string& name);
  void Report(bool force = false);

  // Apply thread.
  void ApplyLoop();
  bool SyncApplierTo(const BinlogPosition& position, std::chrono::milliseconds timeout);
  // Holds the applier where it is (once the round it may be in has ended) until the next
  // SyncApplierTo or ReleaseApplier.
  void PauseApplier();
  void ReleaseApplier();

  mysql::ConnectOptions connect_;
  MigrationOptions options_;
  mysql::SessionLog* log_;
  ProgressFn progress_;
  const std::atomic<bool>* cancel_;
  LiveSettings live_;
  Hooks hooks_;

  MigrationReport report_;
  MigrationPlan plan_;
  std::optional<ExistingGhost> existing_;
  int64_t revert_generation_ = 0;  // the record this run's swap writes; 0: none
  bool ghost_created_ = false;
  bool changelog_created_ = false;
  bool checkpoint_created_ = false;
  std::vector<std::string> deferred_indexes_;  // left out of the ghost until the copy is done
  std::optional<Checkpoint> resumed_;          // the checkpoint this run goes on from (--resume)
  Checkpoint checkpoint_;                      // the constant part of this run's checkpoints
  TimePoint last_checkpoint_;
  std::unique_ptr<mysql::Connection> conn_;
  std::unique_ptr<mysql::Connection> copy_conn_;
  std::unique_ptr<ChangeCapture> capture_;
  std::unique_ptr<Heartbeat> heartbeat_;
  std::unique_ptr<Throttler> throttler_;
  std::unique_ptr<ChunkPlanner> planner_;
  std::unique_ptr<ChunkPrefetcher> prefetch_;  // during the copy: plans chunks ahead of it
  std::unique_ptr<CopyWatermark> watermark_;
  std::atomic<int64_t> rows_copied_{0};
  ChangedRows changed_;  // what the checksum compares when it need not read both tables whole
  std::atomic<int64_t> lock_conflicts_{0};
  std::atomic<int64_t> reconnects_{0};  // copy connections reopened after the server closed them
  std::atomic<bool> copy_done_{false};
  std::string phase_ = "inspect";
  TimePoint started_;
  TimePoint phase_started_;
  std::atomic<TimePoint> copy_started_{};  // read by the hooks of other threads
  TimePoint last_report_;
  TimePoint last_status_hook_;
  std::unique_ptr<ControlServer> control_;
  std::string serving_note_;  // where the control socket is, logged after validation
  mutable std::mutex snapshot_mu_;
  ProgressSnapshot snapshot_;  // the latest Report(), for the control socket

  std::unique_ptr<mysql::Connection> apply_conn_;
  std::unique_ptr<Applier> applier_;
  std::thread apply_thread_;
  std::atomic<bool> stop_apply_{false};
  std::atomic<int64_t> changes_applied_{0};
  std::mutex apply_mu_;
  std::condition_variable apply_cv_;
  BinlogPosition applied_position_;
  uint64_t apply_rounds_ = 0;  // apply loop rounds ended (PauseApplier)
  std::optional<BinlogPosition> hold_;
  Status apply_status_;
};

}  // namespace safeddl::osc
