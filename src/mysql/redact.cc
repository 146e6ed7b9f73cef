#include "mysql/redact.h"

#include <array>
#include <cctype>

#include "common/strings.h"

namespace safeddl::mysql {
namespace {

// Keywords after which the next string literal is a secret.
constexpr std::array<std::string_view, 5> kSecretMarkers = {"identified by", "using", "as",
                                                            "password", "master_password"};

// Returns the end (one past the closing quote) of the quoted literal starting at `pos`, handling
// doubled quotes and backslash escapes; npos when unterminated.
size_t LiteralEnd(std::string_view sql, size_t pos) {
  const char quote = sql[pos];
  for (size_t i = pos + 1; i < sql.size(); ++i) {
    if (sql[i] == '\\') {
      ++i;
    } else if (sql[i] == quote) {
      if (i + 1 < sql.size() && sql[i + 1] == quote) {
        ++i;
      } else {
        return i + 1;
      }
    }
  }
  return std::string_view::npos;
}

// True when one of the markers ends shortly before `pos` with only spaces, '=', '(' between.
bool PrecededBySecretMarker(const std::string& lower, size_t pos) {
  size_t i = pos;
  while (i > 0 && (std::isspace(static_cast<unsigned char>(lower[i - 1])) || lower[i - 1] == '=' ||
                   lower[i - 1] == '(')) {
    --i;
  }
  const std::string_view before = std::string_view(lower).substr(0, i);
  for (std::string_view marker : kSecretMarkers) {
    std::string_view m = TrimWhitespace(marker);
    if (before.size() < m.size() || before.substr(before.size() - m.size()) != m) continue;
    // The marker must be a whole word: `alias = 'x'` is not `as 'x'`.
    const size_t start = before.size() - m.size();
    if (start == 0) return true;
    const unsigned char prev = static_cast<unsigned char>(before[start - 1]);
    if (!std::isalnum(prev) && prev != '_' && prev != '`') return true;
  }
  return false;
}

}  // namespace

std::string RedactSecrets(std::string_view sql) {
  const std::string lower = AsciiLower(sql);
  std::string out;
  out.reserve(sql.size());
  size_t i = 0;
  while (i < sql.size()) {
    const char c = sql[i];
    if (c == '\'' || c == '"') {
      const size_t end = LiteralEnd(sql, i);
      const size_t stop = end == std::string_view::npos ? sql.size() : end;
      if (PrecededBySecretMarker(lower, i)) {
        out += "'***'";
      } else {
        out.append(sql.substr(i, stop - i));
      }
      i = stop;
      continue;
    }
    out += c;
    ++i;
  }
  return out;
}

}  // namespace safeddl::mysql
