// Lexer for the text of an ALTER TABLE: splits it into tokens while respecting backtick-quoted
// identifiers, string literals and comments, and produces a copy of the text with comments
// blanked out (so clauses can later be cut and joined without a `--` comment swallowing the
// next one). Executable comments (`/*! ... */`, `/*M!100100 ... */`) are kept as SQL: their
// markers are blanked, their content lexed.
//
// Assumes the server's default sql_mode for literals: backslash escapes inside strings, and
// double quotes delimiting strings (ANSI_QUOTES off). Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace safeddl::schema {

enum class TokenKind {
  kWord,              // unquoted identifier, keyword or number: ADD, c1, 10
  kQuotedIdentifier,  // `a``b` (text holds the unquoted name a`b)
  kString,            // 'x' or "x" (text holds the raw literal, quotes included)
  kSymbol,            // one punctuation character: ( ) , ; = . and the like
};

struct Token {
  TokenKind kind = TokenKind::kWord;
  std::string text;
  size_t begin = 0;  // byte range in LexedAlter::clean_text
  size_t end = 0;

  bool IsWord(std::string_view keyword) const;  // an unquoted word equal ignoring case
  bool IsSymbol(char c) const {
    return kind == TokenKind::kSymbol && text.size() == 1 && text[0] == c;
  }
  // An identifier in name position: an unquoted word or a backtick-quoted identifier.
  bool IsName() const { return kind == TokenKind::kWord || kind == TokenKind::kQuotedIdentifier; }
};

struct LexedAlter {
  std::string clean_text;  // the input with comments replaced by spaces
  std::vector<Token> tokens;
};

// Errors (kInvalidArgument): an unterminated string, quoted identifier or comment.
Result<LexedAlter> LexAlter(std::string_view text);

}  // namespace safeddl::schema
