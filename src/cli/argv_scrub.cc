#include "cli/argv_scrub.h"

#include <cstring>
#include <string_view>

namespace safeddl::cli {
namespace {

// A flag whose value is a secret: --password, --replication-password, ...
bool IsPasswordFlag(std::string_view flag) {
  return flag.substr(0, 2) == "--" && flag.size() >= 10 &&
         flag.substr(flag.size() - 8) == "password";
}

void Blank(char* s) {
  for (; *s != '\0'; ++s) *s = 'x';
}

}  // namespace

int ScrubPasswordArgs(int argc, char** argv) {
  int scrubbed = 0;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg(argv[i]);
    if (arg == "--") break;
    const size_t eq = arg.find('=');
    if (eq != std::string_view::npos) {
      if (IsPasswordFlag(arg.substr(0, eq)) && eq + 1 < arg.size()) {
        Blank(argv[i] + eq + 1);
        ++scrubbed;
      }
    } else if (IsPasswordFlag(arg) && i + 1 < argc) {
      Blank(argv[++i]);
      ++scrubbed;
    }
  }
  return scrubbed;
}

}  // namespace safeddl::cli
