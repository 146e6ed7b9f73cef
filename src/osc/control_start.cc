#include "osc/control_start.h"

#include <fmt/format.h>

#include "common/log.h"
#include "osc/control_command.h"
#include "osc/control_handler.h"

namespace safeddl::osc {

Result<ServedControl> ServeControl(const MigrationOptions& options, LiveSettings& live,
                                   const std::string& q_ghost,
                                   std::function<ProgressSnapshot()> snapshot,
                                   std::function<Status(std::string_view name)> before_command) {
  ControlServerOptions o;
  o.socket_path = options.serve_socket_file.empty()
                      ? DefaultControlSocketPath(options.database, options.table)
                      : options.serve_socket_file;
  o.drop_stale_socket = options.initially_drop_socket_file;
  o.tcp_port = options.serve_tcp_port;
  std::string serving = "unix socket " + o.socket_path;
  if (o.tcp_port > 0) serving += fmt::format(", TCP 127.0.0.1:{}", o.tcp_port);
  ControlContext context = MakeControlContext(options, serving);
  context.ghost = q_ghost;
  context.snapshot = std::move(snapshot);
  Result<std::unique_ptr<ControlServer>> server =
      ControlServer::Start(o, [&live, context = std::move(context),
                               before = std::move(before_command)](std::string_view line) {
        const std::string_view name = ControlCommandName(line);
        if (before && !name.empty()) {
          if (Status s = before(name); !s.ok()) {
            return fmt::format("error: {}; the command was not carried out\n", s.message());
          }
        }
        return HandleControlLine(line, live, context);
      });
  if (!server.ok()) {
    const StatusCode code = server.status().code();
    if (options.serve_socket_file.empty() &&
        (code == StatusCode::kInvalidArgument || code == StatusCode::kIoError)) {
      LogWarning("not serving control commands: {}; name a socket with --serve-socket-file",
                 server.status().message());
      return ServedControl{};
    }
    return server.status();
  }
  ServedControl out;
  out.server = std::move(*server);
  out.note = fmt::format("serving control commands on {} (try: echo status | nc -U {})", serving,
                         o.socket_path);
  return out;
}

}  // namespace safeddl::osc
