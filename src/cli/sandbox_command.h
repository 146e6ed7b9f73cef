// `safeddl sandbox up|down|list`: throwaway local MariaDB servers (src/sandbox).
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "cli/command.h"

namespace safeddl::cli {

struct SandboxOptions {
  std::string name = "default";
  std::string dir;  // folder holding sandboxes; empty: sandbox::DefaultRoot()
  unsigned port = 0;
  int replicas = 0;
  int galera = 0;  // nodes of a Galera cluster
  bool performance_schema = false;
  bool stock = false;
  bool keep = false;
  bool json = false;
};

void SetupSandbox(CLI::App& parent, CommandSlot& slot);

Status RunSandboxUp(const SandboxOptions& options);
Status RunSandboxDown(const SandboxOptions& options);
Status RunSandboxList(const SandboxOptions& options);

}  // namespace safeddl::cli
