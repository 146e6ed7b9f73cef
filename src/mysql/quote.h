// SQL quoting: every identifier and every user-supplied value that goes into a statement passes
// through here. Identifiers are wrapped in backticks with embedded backticks doubled (any
// Unicode, NUL refused). String literals that are not plain printable ASCII are sent as hex
// (`CONVERT(X'..' USING utf8mb4)`), so their meaning never depends on sql_mode
// (NO_BACKSLASH_ESCAPES, ANSI_QUOTES). Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace safeddl::mysql {

// `name` with backticks doubled. Fails for an empty name or one containing NUL, which the server
// cannot store either.
Result<std::string> QuoteIdentifier(std::string_view name);

// `schema`.`table` (or just `table` when schema is empty).
Result<std::string> QuoteQualified(std::string_view schema, std::string_view table);

// A string literal for a utf8mb4 value: 'abc' for plain printable ASCII without quotes or
// backslashes, else CONVERT(X'616263' USING utf8mb4).
std::string QuoteString(std::string_view value);

// A literal for arbitrary bytes: X'00ff' (X'' for the empty string).
std::string QuoteBytes(std::string_view value);

}  // namespace safeddl::mysql
