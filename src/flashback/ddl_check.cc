#include "flashback/ddl_check.h"

#include <cctype>
#include <string>
#include <vector>

namespace safeddl::flashback {
namespace {

struct Token {
  std::string text;
  bool quoted = false;
  bool dot = false;
};

bool IdentifierChar(unsigned char c) {
  return std::isalnum(c) != 0 || c == '_' || c == '$' || c >= 0x80;
}

std::vector<Token> Tokenize(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '`') {
      Token t;
      t.quoted = true;
      ++i;
      while (i < s.size()) {
        if (s[i] == '`') {
          if (i + 1 < s.size() && s[i + 1] == '`') {
            t.text.push_back('`');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        t.text.push_back(s[i++]);
      }
      out.push_back(std::move(t));
    } else if (c == '\'' || c == '"') {  // skip string literals
      const char quote = s[i++];
      while (i < s.size() && s[i] != quote) i += s[i] == '\\' ? 2 : 1;
      ++i;
      out.push_back(Token{});
    } else if (c == '.') {
      out.push_back(Token{".", false, true});
      ++i;
    } else if (IdentifierChar(c)) {
      Token t;
      while (i < s.size() && IdentifierChar(static_cast<unsigned char>(s[i])))
        t.text.push_back(s[i++]);
      out.push_back(std::move(t));
    } else {
      if (std::isspace(c) == 0) out.push_back(Token{});
      ++i;
    }
  }
  return out;
}

bool SameName(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

bool IsKeyword(const Token& t, std::string_view word) {
  return !t.quoted && SameName(t.text, word);
}

}  // namespace

bool StatementTouchesTable(std::string_view statement, std::string_view default_database,
                           std::string_view database, std::string_view table) {
  const std::vector<Token> tokens = Tokenize(statement);
  for (size_t i = 0; i < tokens.size(); ++i) {
    const Token& t = tokens[i];
    if (t.dot || t.text.empty()) continue;
    const bool after_dot = i > 0 && tokens[i - 1].dot;
    const bool before_dot = i + 1 < tokens.size() && tokens[i + 1].dot;
    if (before_dot && i + 2 < tokens.size() && SameName(t.text, database) &&
        SameName(tokens[i + 2].text, table)) {
      return true;
    }
    if (!after_dot && !before_dot && SameName(t.text, table) &&
        SameName(default_database, database)) {
      return true;
    }
    if ((IsKeyword(t, "DATABASE") || IsKeyword(t, "SCHEMA")) && !after_dot) {
      size_t j = i + 1;
      if (j + 1 < tokens.size() && IsKeyword(tokens[j], "IF")) j += 2;  // IF [NOT] EXISTS
      if (j < tokens.size() && IsKeyword(tokens[j], "EXISTS")) ++j;
      if (j < tokens.size() && SameName(tokens[j].text, database)) return true;
    }
  }
  return false;
}

}  // namespace safeddl::flashback
