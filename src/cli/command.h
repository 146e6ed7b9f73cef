// How subcommands plug into main: each subcommand file has an options struct, a
// `SetupX(CLI::App& parent, CommandSlot& slot)` that adds the subcommand and binds its flags,
// and a `RunX(const XOptions&)` that does the work and never sees the parser. Setup stores a
// closure calling RunX in the slot when the subcommand is chosen; main runs it after parsing.
#pragma once

#include <functional>

#include "common/status.h"

namespace safeddl::cli {

using CommandSlot = std::function<Status()>;

}  // namespace safeddl::cli
