// Starting a migration's control socket from its options (--serve-socket-file, gh-ost's default
// path, --serve-tcp-port, --initially-drop-socket-file): shared by the binlog copy (migrator.h)
// and Galera's online copy (galera/online_copy.h), which serve the same commands.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "osc/control_server.h"
#include "osc/live_settings.h"
#include "osc/migration_options.h"
#include "osc/progress.h"

namespace safeddl::osc {

struct ServedControl {
  std::unique_ptr<ControlServer> server;  // null: not serving (a warning said why)
  std::string note;  // "serving control commands on ... (try: echo status | nc -U ...)"
};

// Serves HandleControlLine against `live`. `q_ghost`: the ghost table, quoted, for the status
// header; `snapshot`: the migration's progress, callable from the server's thread.
// `before_command` (may be empty) runs before each command with its name; an error refuses the
// command (gh-ost-on-interactive-command). The default path that cannot be bound (too long for a
// socket, a missing directory) costs the commands, not the migration: a warning, and no server.
// Errors: another migration answering on the socket; a path the user named that cannot be bound.
Result<ServedControl> ServeControl(
    const MigrationOptions& options, LiveSettings& live, const std::string& q_ghost,
    std::function<ProgressSnapshot()> snapshot,
    std::function<Status(std::string_view name)> before_command = nullptr);

}  // namespace safeddl::osc
