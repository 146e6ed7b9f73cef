// Reads the client groups ([client], [client-server], [client-mariadb], [safeddl]) of a my.cnf
// file, so messages can name the user/host/port a --defaults-file selects. The connector itself
// reads the file for connecting; this reader is for describing only and skips `password`.
// Pure function over the file's text; thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace safeddl::mysql {

// Option name (dashes as underscores) -> value; later groups and lines win, as in the connector.
std::map<std::string, std::string> ParseClientOptions(std::string_view text);

}  // namespace safeddl::mysql
