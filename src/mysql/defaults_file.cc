#include "mysql/defaults_file.h"

#include <algorithm>
#include <array>

#include "common/strings.h"

namespace safeddl::mysql {
namespace {

constexpr std::array<std::string_view, 4> kClientGroups = {"client", "client-server",
                                                           "client-mariadb", "safeddl"};

std::string Unquote(std::string_view v) {
  if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front()) {
    return std::string(v.substr(1, v.size() - 2));
  }
  return std::string(v);
}

}  // namespace

std::map<std::string, std::string> ParseClientOptions(std::string_view text) {
  std::map<std::string, std::string> out;
  bool in_client_group = false;
  for (const std::string& raw : SplitString(text, '\n')) {
    std::string_view line = TrimWhitespace(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';' || line.front() == '!') continue;
    if (line.front() == '[') {
      const std::string group = AsciiLower(TrimWhitespace(line.substr(1, line.find(']') - 1)));
      in_client_group =
          std::find(kClientGroups.begin(), kClientGroups.end(), group) != kClientGroups.end();
      continue;
    }
    if (!in_client_group) continue;
    const size_t eq = line.find('=');
    std::string key = AsciiLower(TrimWhitespace(line.substr(0, eq)));
    std::replace(key.begin(), key.end(), '-', '_');
    if (key == "password") continue;
    out[key] = eq == std::string_view::npos ? "" : Unquote(TrimWhitespace(line.substr(eq + 1)));
  }
  return out;
}

}  // namespace safeddl::mysql
