#include "binlog/ddl_check.h"

#include <cctype>
#include <string>
#include <vector>

namespace safeddl::binlog {
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

bool IsDdlStatement(std::string_view query) {
  size_t i = 0;
  while (i < query.size()) {
    if (std::isspace(static_cast<unsigned char>(query[i]))) {
      ++i;
    } else if (query.substr(i, 2) == "/*") {
      const size_t end = query.find("*/", i + 2);
      if (end == std::string_view::npos) return false;
      i = end + 2;
    } else {
      break;
    }
  }
  size_t j = i;
  while (j < query.size() && std::isalpha(static_cast<unsigned char>(query[j]))) ++j;
  std::string word(query.substr(i, j - i));
  for (char& ch : word) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return word == "CREATE" || word == "ALTER" || word == "DROP" || word == "RENAME" ||
         word == "TRUNCATE";
}

bool StatementAltersTable(std::string_view statement, std::string_view default_database,
                          std::string_view database, std::string_view table) {
  std::vector<Token> tokens;
  for (Token& t : Tokenize(statement)) {
    if (!t.text.empty()) tokens.push_back(std::move(t));  // drop punctuation and literals
  }
  size_t i = 0;
  const auto keyword = [&](std::string_view word) {
    if (i < tokens.size() && IsKeyword(tokens[i], word)) {
      ++i;
      return true;
    }
    return false;
  };
  if (keyword("ALTER")) {
    keyword("ONLINE");
    keyword("IGNORE");
    if (!keyword("TABLE")) return false;
  } else if (keyword("TRUNCATE")) {
    keyword("TABLE");
  } else {
    return false;
  }
  if (keyword("IF")) keyword("EXISTS");
  if (i >= tokens.size()) return false;
  if (i + 2 < tokens.size() && tokens[i + 1].dot) {
    return SameName(tokens[i].text, database) && SameName(tokens[i + 2].text, table);
  }
  return SameName(default_database, database) && SameName(tokens[i].text, table);
}

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

}  // namespace safeddl::binlog
