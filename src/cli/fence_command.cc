#include "cli/fence_command.h"

#include <fmt/format.h>

#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "common/clock.h"
#include "common/log.h"
#include "topology/fence.h"

namespace safeddl::cli {
namespace {

using nlohmann::json;

json AccountsJson(const std::vector<topology::Account>& accounts) {
  json j = json::array();
  for (const topology::Account& a : accounts) j.push_back({{"user", a.user}, {"host", a.host}});
  return j;
}

json SessionsJson(const std::vector<topology::EndedSession>& sessions) {
  json j = json::array();
  for (const topology::EndedSession& s : sessions) {
    j.push_back({{"id", s.id}, {"user", s.user}, {"host", s.host}, {"command", s.command}});
  }
  return j;
}

json FenceJson(const topology::FenceRecord& f) {
  auto or_null = [](const std::string& s) { return s.empty() ? json(nullptr) : json(s); };
  return {{"id", f.id},
          {"created_at", or_null(f.created_at)},
          {"created_by", or_null(f.created_by)},
          {"expires_at", or_null(f.expires_at)},
          {"lock_accounts", f.lock_accounts},
          {"read_only_before", f.read_only_before ? json(*f.read_only_before) : json(nullptr)},
          {"event_scheduler_before",
           f.event_scheduler_before ? json(*f.event_scheduler_before) : json(nullptr)},
          {"event", or_null(f.event)},
          {"lifted_at", or_null(f.lifted_at)},
          {"lifted_by", or_null(f.lifted_by)},
          {"restored_at", or_null(f.restored_at)},
          {"accounts", AccountsJson(f.accounts)}};
}

std::string Names(const std::vector<topology::Account>& accounts) {
  std::string out;
  for (const topology::Account& a : accounts) {
    out += (out.empty() ? "" : ", ") + topology::AccountText(a);
  }
  return out.empty() ? "none" : out;
}

}  // namespace

void SetupFence(CLI::App& parent, CommandSlot& slot) {
  auto opts = std::make_shared<FenceCommandOptions>();
  CLI::App* cmd = parent.add_subcommand(
      "fence",
      "Keep application accounts out of this server for a window: `fence on` locks every account "
      "but the allowed ones, safeddl's own and administrative ones, and ends their sessions after "
      "a grace period (or with --read-only stops writes); `fence off` puts back exactly what it "
      "changed; `fence status` shows it. Changes stay on this server (not binlogged).\n"
      "Exit status: 0 done, 1 refused or failed (nothing left changed), 2 connection or "
      "privileges, 64 usage.");
  CLI::App* on = cmd->add_subcommand("on", "Put the fence on");
  CLI::App* off = cmd->add_subcommand("off", "Lift the fence: unlock, put settings back");
  CLI::App* status = cmd->add_subcommand("status", "Show the fence and what it holds");
  on->add_option("--allow", opts->allow,
                 "Accounts kept open: user@host or user (all its hosts), comma-separated; "
                 "repeatable");
  on->add_flag("--read-only", opts->read_only,
               "Set read_only instead of locking accounts: applications stay connected and can "
               "read, nobody without READ_ONLY ADMIN writes");
  on->add_flag("--lock-accounts", opts->lock_accounts,
               "With --read-only: lock the accounts as well (the default without --read-only)");
  on->add_option("--expire", opts->expire,
                 "Lift the fence by itself after this long (e.g. 30m), even if safeddl is gone: a "
                 "server-side event does it");
  on->add_option("--grace", opts->grace,
                 "How long the locked accounts' sessions may finish before they are ended")
      ->capture_default_str();
  on->add_flag("--dry-run", opts->dry_run, "Say what the fence would do; change nothing");
  for (CLI::App* sub : {on, off, status}) {
    AddConnectionFlags(*sub, opts->connection);
    sub->add_flag("--json", opts->json, "Print the result as JSON");
  }
  cmd->require_subcommand(1);
  cmd->callback([opts, on, off, &slot] {
    if (on->parsed()) {
      slot = [opts] { return RunFenceOn(*opts); };
    } else if (off->parsed()) {
      slot = [opts] { return RunFenceOff(*opts); };
    } else {
      slot = [opts] { return RunFenceStatus(*opts); };
    }
  });
}

Status RunFenceOn(const FenceCommandOptions& o) {
  topology::FenceRequest request;
  for (const std::string& list : o.allow) {
    SAFEDDL_ASSIGN_OR_RETURN(std::vector<topology::AccountPattern> p,
                             topology::ParseAccountPatterns(list));
    request.allow.insert(request.allow.end(), p.begin(), p.end());
  }
  request.read_only = o.read_only;
  request.lock_accounts = !o.read_only || o.lock_accounts;
  if (o.lock_accounts && !o.read_only) {
    return InvalidArgumentError(
        "--lock-accounts goes with --read-only (without it, accounts "
        "are locked anyway)");
  }
  if (!o.expire.empty()) {
    SAFEDDL_ASSIGN_OR_RETURN(std::chrono::seconds expire, ParseDurationFlag("--expire", o.expire));
    if (expire.count() == 0) return InvalidArgumentError("--expire must be longer than 0");
    request.expire = expire;
  }
  SAFEDDL_ASSIGN_OR_RETURN(request.grace, ParseDurationFlag("--grace", o.grace));
  request.dry_run = o.dry_run;
  request.wait_grace = [](std::chrono::seconds d) {
    if (d.count() > 0) {
      LogInfo("fence: accounts locked; their sessions may finish for {} before they are ended",
              HumanDuration(static_cast<double>(d.count())));
    }
    std::this_thread::sleep_for(d);
  };
  SAFEDDL_ASSIGN_OR_RETURN(Session session, OpenSession(o.connection));
  SAFEDDL_ASSIGN_OR_RETURN(topology::FenceOnReport r, topology::FenceOn(*session.conn, request));
  const topology::FenceRecord& f = r.fence;
  if (o.json) {
    json kept = json::array();
    for (const topology::KeptOpen& k : r.kept_open) {
      kept.push_back({{"user", k.account.user}, {"host", k.account.host}, {"reason", k.reason}});
    }
    json j = {{"dry_run", r.dry_run},
              {"fence", FenceJson(f)},
              {"locked", AccountsJson(r.locked)},
              {"kept_open", kept},
              {"sessions_ended", SessionsJson(r.ended)},
              {"read_only", r.read_only_now}};
    fmt::print("{}\n", j.dump(2));
  } else {
    if (r.dry_run) {
      fmt::print("dry run: nothing changed; the fence would do this:\n");
    } else {
      fmt::print("fence {} is on:\n", f.id);
    }
    fmt::print("  {} {} account(s): {}\n", r.dry_run ? "would lock" : "locked", r.locked.size(),
               Names(r.locked));
    for (const topology::KeptOpen& k : r.kept_open) {
      fmt::print("  kept open: {} ({})\n", topology::AccountText(k.account), k.reason);
    }
    if (f.read_only_before) {
      fmt::print("  read_only: {} (was OFF)\n", r.dry_run ? "would be set ON" : "ON");
    }
    if (!r.dry_run) {
      fmt::print("  sessions ended after the grace period: {}\n", r.ended.size());
    }
    if (!f.expires_at.empty()) {
      fmt::print("  expires at {} UTC (a server-side event lifts it{})\n", f.expires_at,
                 !f.event_scheduler_before ? ""
                 : r.dry_run               ? "; the event scheduler would be turned on for it"
                                           : "; the event scheduler was turned on for it");
    }
    if (!r.dry_run) fmt::print("  lift it with: safeddl fence off\n");
  }
  std::fflush(stdout);
  return Status::OK();
}

Status RunFenceOff(const FenceCommandOptions& o) {
  SAFEDDL_ASSIGN_OR_RETURN(Session session, OpenSession(o.connection));
  SAFEDDL_ASSIGN_OR_RETURN(topology::FenceOffReport r, topology::FenceOff(*session.conn));
  if (o.json) {
    json j = {{"fence", r.fence ? FenceJson(*r.fence) : json(nullptr)},
              {"unlocked", AccountsJson(r.unlocked)},
              {"read_only_restored", r.read_only_restored},
              {"event_scheduler_restored", r.event_scheduler_restored},
              {"lifted_by_expiry", r.lifted_by_expiry}};
    fmt::print("{}\n", j.dump(2));
  } else if (!r.fence) {
    fmt::print("no fence is on\n");
  } else {
    fmt::print("fence {} lifted{}:\n", r.fence->id,
               r.lifted_by_expiry
                   ? fmt::format(" (its expiry had lifted it at {} UTC)", r.fence->lifted_at)
                   : "");
    if (!r.lifted_by_expiry) {
      fmt::print("  unlocked {} account(s): {}\n", r.unlocked.size(), Names(r.unlocked));
    }
    if (r.read_only_restored) fmt::print("  read_only back to {}\n", *r.fence->read_only_before);
    if (r.event_scheduler_restored) {
      fmt::print("  event_scheduler back to {}\n", *r.fence->event_scheduler_before);
    }
  }
  std::fflush(stdout);
  return Status::OK();
}

Status RunFenceStatus(const FenceCommandOptions& o) {
  SAFEDDL_ASSIGN_OR_RETURN(Session session, OpenSession(o.connection));
  SAFEDDL_ASSIGN_OR_RETURN(topology::FenceStatus s, topology::GetFenceStatus(*session.conn));
  if (o.json) {
    json j = {{"fence", s.fence ? FenceJson(*s.fence) : json(nullptr)},
              {"on", s.on},
              {"pending_restore", s.pending_restore},
              {"still_locked", AccountsJson(s.still_locked)},
              {"event_present", s.event_present},
              {"read_only", s.read_only_now},
              {"event_scheduler", s.event_scheduler_now},
              {"sessions", SessionsJson(s.sessions)}};
    fmt::print("{}\n", j.dump(2));
  } else if (!s.fence) {
    fmt::print("no fence has been put on this server\n");
  } else {
    const topology::FenceRecord& f = *s.fence;
    if (s.on) {
      fmt::print("fence {} is ON since {} UTC (by {}){}\n", f.id, f.created_at, f.created_by,
                 f.expires_at.empty() ? "" : fmt::format(", expires at {} UTC", f.expires_at));
      fmt::print("  locked by it: {} account(s), {} still locked: {}\n", f.accounts.size(),
                 s.still_locked.size(), Names(s.still_locked));
      fmt::print("  sessions of those accounts connected now: {}\n", s.sessions.size());
      if (!f.event.empty()) {
        fmt::print("  expiry event: {}\n", s.event_present ? "present" : "MISSING");
      }
    } else if (s.pending_restore) {
      fmt::print(
          "fence {} was lifted by its expiry at {} UTC; event_scheduler is still {} (it "
          "was {}): `safeddl fence off` puts it back\n",
          f.id, f.lifted_at, s.event_scheduler_now, f.event_scheduler_before.value_or("?"));
    } else {
      fmt::print("no fence is on (the last, fence {}, was lifted at {} UTC by {})\n", f.id,
                 f.lifted_at, f.lifted_by);
    }
    fmt::print("  read_only: {}, event_scheduler: {}\n", s.read_only_now == "1" ? "ON" : "OFF",
               s.event_scheduler_now);
  }
  std::fflush(stdout);
  return Status::OK();
}

}  // namespace safeddl::cli
