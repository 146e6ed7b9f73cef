// Small questions about the file system that several layers ask (flag files, sockets).
#pragma once

#include <string>

namespace safeddl {

// Whether something (a file, directory, socket...) exists at `path`; false for an empty path.
bool FileExists(const std::string& path);

}  // namespace safeddl
