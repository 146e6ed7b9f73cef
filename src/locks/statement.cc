#include "locks/statement.h"

#include <cctype>

#include "common/strings.h"

namespace safeddl::locks {
namespace {

struct Token {
  std::string text;     // as written (identifiers unquoted)
  std::string upper;    // upper-cased, for keyword matching; empty for quoted identifiers
  bool quoted = false;  // was `backticked` (never a keyword)
  bool IsWord(std::string_view w) const { return !quoted && upper == w; }
};

bool IsIdentChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '$' ||
         static_cast<unsigned char>(c) >= 0x80;
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& ch : out) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return out;
}

// Words, backticked identifiers and single punctuation; comments and string literals skipped
// (a literal becomes one "'" token).
std::vector<Token> Tokenize(std::string_view sql, size_t max_tokens) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < sql.size() && out.size() < max_tokens) {
    const char c = sql[i];
    if (std::isspace(static_cast<unsigned char>(c)) != 0) {
      ++i;
    } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      const size_t end = sql.find("*/", i + 2);
      i = end == std::string_view::npos ? sql.size() : end + 2;
    } else if ((c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') || c == '#') {
      const size_t end = sql.find('\n', i);
      i = end == std::string_view::npos ? sql.size() : end + 1;
    } else if (c == '`') {
      Token t{"", "", true};
      ++i;
      while (i < sql.size()) {
        if (sql[i] == '`') {
          if (i + 1 < sql.size() && sql[i + 1] == '`') {
            t.text += '`';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        t.text += sql[i++];
      }
      out.push_back(std::move(t));
    } else if (c == '\'' || c == '"') {
      ++i;
      while (i < sql.size() && sql[i] != c) i += (sql[i] == '\\') ? 2 : 1;
      ++i;
      out.push_back(Token{"'", "'", false});
    } else if (IsIdentChar(c)) {
      size_t j = i;
      while (j < sql.size() && IsIdentChar(sql[j])) ++j;
      const std::string_view word = sql.substr(i, j - i);
      out.push_back(Token{std::string(word), Upper(word), false});
      i = j;
    } else {
      out.push_back(Token{std::string(1, c), std::string(1, c), false});
      ++i;
    }
  }
  return out;
}

class Reader {
 public:
  Reader(std::vector<Token> tokens, std::string_view default_schema)
      : tokens_(std::move(tokens)), default_schema_(default_schema) {}

  bool AtEnd() const { return pos_ >= tokens_.size(); }
  bool Peek(std::string_view w) const { return !AtEnd() && tokens_[pos_].IsWord(w); }
  bool Accept(std::string_view w) {
    if (!Peek(w)) return false;
    ++pos_;
    return true;
  }
  void SkipAny(std::initializer_list<std::string_view> words) {
    bool again = true;
    while (again) {
      again = false;
      for (std::string_view w : words) again = again || Accept(w);
    }
  }
  // Advances to just after the next occurrence of keyword `w`; false when none.
  bool SkipPast(std::string_view w) {
    while (!AtEnd()) {
      if (tokens_[pos_++].IsWord(w)) return true;
    }
    return false;
  }
  // Advances to just after the next `p` punctuation; false when none.
  bool SkipPastPunct(std::string_view p) {
    while (!AtEnd()) {
      if (!tokens_[pos_].quoted && tokens_[pos_++].text == p) return true;
    }
    return false;
  }
  // Reads `name` or `schema.name`; false when the next token is not an identifier.
  bool ReadTable(TableName& out) {
    if (AtEnd() || !IsName(tokens_[pos_])) return false;
    std::string first = tokens_[pos_++].text;
    if (!AtEnd() && !tokens_[pos_].quoted && tokens_[pos_].text == "." &&
        pos_ + 1 < tokens_.size() && IsName(tokens_[pos_ + 1])) {
      out.schema = std::move(first);
      out.name = tokens_[pos_ + 1].text;
      pos_ += 2;
    } else {
      out.schema = std::string(default_schema_);
      out.name = std::move(first);
    }
    return true;
  }

 private:
  static bool IsName(const Token& t) {
    return t.quoted || (!t.text.empty() && IsIdentChar(t.text[0]));
  }

  std::vector<Token> tokens_;
  std::string_view default_schema_;
  size_t pos_ = 0;
};

constexpr size_t kMaxTokens = 512;

}  // namespace

std::string TableName::ToString() const { return schema.empty() ? name : schema + "." + name; }

std::string_view StatementKindName(StatementKind kind) {
  switch (kind) {
    case StatementKind::kNone:
      return "none";
    case StatementKind::kDdl:
      return "ddl";
    case StatementKind::kWrite:
      return "write";
    case StatementKind::kRead:
      return "read";
    case StatementKind::kLockTables:
      return "lock_tables";
    case StatementKind::kOther:
      return "other";
  }
  return "other";
}

StatementInfo ParseStatement(std::string_view sql, std::string_view default_schema) {
  StatementInfo out;
  if (TrimWhitespace(sql).empty()) return out;
  Reader r(Tokenize(sql, kMaxTokens), default_schema);
  out.kind = StatementKind::kOther;
  TableName t;
  auto add_one = [&] {
    if (r.ReadTable(t)) out.tables.push_back(t);
  };
  if (r.Accept("ALTER")) {
    r.SkipAny({"ONLINE", "IGNORE"});
    if (r.Accept("TABLE")) {
      out.kind = StatementKind::kDdl;
      out.verb = "ALTER TABLE";
      r.SkipAny({"IF", "EXISTS"});
      add_one();
    }
  } else if (r.Accept("CREATE")) {
    r.SkipAny({"OR", "REPLACE", "ONLINE", "OFFLINE", "UNIQUE", "FULLTEXT", "SPATIAL", "TEMPORARY"});
    if (r.Accept("INDEX")) {
      out.kind = StatementKind::kDdl;
      out.verb = "CREATE INDEX";
      if (r.SkipPast("ON")) add_one();
    } else if (r.Accept("TABLE")) {
      out.kind = StatementKind::kDdl;
      out.verb = "CREATE TABLE";
      r.SkipAny({"IF", "NOT", "EXISTS"});
      add_one();
    }
  } else if (r.Accept("DROP")) {
    r.SkipAny({"ONLINE", "OFFLINE", "TEMPORARY"});
    if (r.Accept("INDEX")) {
      out.kind = StatementKind::kDdl;
      out.verb = "DROP INDEX";
      if (r.SkipPast("ON")) add_one();
    } else if (r.Accept("TABLE")) {
      out.kind = StatementKind::kDdl;
      out.verb = "DROP TABLE";
      r.SkipAny({"IF", "EXISTS"});
      add_one();
    }
  } else if (r.Accept("RENAME")) {
    if (r.Accept("TABLE")) {
      out.kind = StatementKind::kDdl;
      out.verb = "RENAME TABLE";
      r.SkipAny({"IF", "EXISTS"});
      while (r.ReadTable(t)) {  // a TO b, c TO d
        out.tables.push_back(t);
        if (!r.Accept("TO") || !r.ReadTable(t)) break;
        out.tables.push_back(t);
        if (!r.SkipPastPunct(",")) break;
      }
    }
  } else if (r.Accept("TRUNCATE")) {
    r.Accept("TABLE");
    out.kind = StatementKind::kDdl;
    out.verb = "TRUNCATE TABLE";
    add_one();
  } else if (r.Accept("OPTIMIZE")) {
    r.SkipAny({"NO_WRITE_TO_BINLOG", "LOCAL"});
    if (r.Accept("TABLE")) {
      out.kind = StatementKind::kDdl;
      out.verb = "OPTIMIZE TABLE";
      add_one();
    }
  } else if (r.Accept("INSERT") || r.Accept("REPLACE")) {
    out.kind = StatementKind::kWrite;
    out.verb = "INSERT";
    r.SkipAny({"LOW_PRIORITY", "DELAYED", "HIGH_PRIORITY", "IGNORE", "INTO"});
    add_one();
  } else if (r.Accept("UPDATE")) {
    out.kind = StatementKind::kWrite;
    out.verb = "UPDATE";
    r.SkipAny({"LOW_PRIORITY", "IGNORE"});
    add_one();
  } else if (r.Accept("DELETE")) {
    out.kind = StatementKind::kWrite;
    out.verb = "DELETE";
    if (r.SkipPast("FROM")) add_one();
  } else if (r.Accept("SELECT")) {
    out.kind = StatementKind::kRead;
    out.verb = "SELECT";
    if (r.SkipPast("FROM")) add_one();
  } else if (r.Accept("LOCK")) {
    if (r.Accept("TABLES") || r.Accept("TABLE")) {
      out.kind = StatementKind::kLockTables;
      out.verb = "LOCK TABLES";
      while (r.ReadTable(t)) {
        out.tables.push_back(t);
        if (!r.SkipPastPunct(",")) break;  // alias, READ [LOCAL], [LOW_PRIORITY] WRITE
      }
    }
  }
  return out;
}

}  // namespace safeddl::locks
