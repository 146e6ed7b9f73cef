// Removes secrets from SQL text before it is logged or shown: the string literal after
// IDENTIFIED BY / IDENTIFIED VIA|WITH ... USING|AS, PASSWORD(...), MASTER_PASSWORD= and
// PASSWORD= becomes '***'. Pure function, thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace safeddl::mysql {

std::string RedactSecrets(std::string_view sql);

}  // namespace safeddl::mysql
