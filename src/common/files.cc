#include "common/files.h"

#include <sys/stat.h>

namespace safeddl {

bool FileExists(const std::string& path) {
  struct stat st {};
  return !path.empty() && ::stat(path.c_str(), &st) == 0;
}

}  // namespace safeddl
