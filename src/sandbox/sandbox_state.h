// The JSON form of a SandboxInfo, as stored in sandbox.json and printed by `sandbox up --json`.
// Pure functions, thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "sandbox/sandbox.h"

namespace safeddl::sandbox {

nlohmann::json ToJson(const SandboxInfo& info);
Result<SandboxInfo> FromJson(const nlohmann::json& j);

}  // namespace safeddl::sandbox
