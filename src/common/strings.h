// Small string utilities shared by every layer. Pure functions, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace safeddl {

std::string_view TrimWhitespace(std::string_view s);
std::vector<std::string> SplitString(std::string_view s, char sep);
std::string JoinStrings(const std::vector<std::string>& parts, std::string_view sep);
std::string AsciiLower(std::string_view s);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
// Parses an entire string as a base-10 integer; nullopt on junk or overflow.
std::optional<long long> ParseInt64(std::string_view s);
std::optional<unsigned long long> ParseUint64(std::string_view s);
// Reads a whole file; nullopt when it cannot be read.
std::optional<std::string> ReadFileToString(const std::string& path);

}  // namespace safeddl
