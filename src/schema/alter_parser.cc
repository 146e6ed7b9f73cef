#include "schema/alter_parser.h"

#include <array>
#include <utility>

#include "common/strings.h"
#include "schema/alter_lexer.h"

namespace safeddl::schema {
namespace {

constexpr std::string_view kPrimaryIndexName = "PRIMARY";

// Reserved words that, after ADD or DROP, start something other than a column (a column with
// such a name must be backtick-quoted, so a bare word here is never a column).
constexpr std::array<std::string_view, 10> kReservedNonColumnWords = {
    "INDEX",   "KEY",      "UNIQUE",  "PRIMARY", "CONSTRAINT",
    "FOREIGN", "FULLTEXT", "SPATIAL", "CHECK",   "PARTITION"};

template <size_t N>
bool IsOneOf(const Token& t, const std::array<std::string_view, N>& words) {
  for (std::string_view w : words) {
    if (t.IsWord(w)) return true;
  }
  return false;
}

// Non-reserved words start something else only with the right next word: a column may be named
// `period`, `system` or `vector` without quotes.
bool IsNonColumnStart(const Token& t, const Token* next) {
  if (IsOneOf(t, kReservedNonColumnWords)) return true;
  if (next == nullptr) return false;
  return (t.IsWord("PERIOD") && next->IsWord("FOR")) ||
         (t.IsWord("SYSTEM") && next->IsWord("VERSIONING")) ||
         (t.IsWord("VECTOR") && (next->IsWord("INDEX") || next->IsWord("KEY")));
}

// A read cursor over the tokens of one clause, [pos, end).
class Cursor {
 public:
  Cursor(const std::vector<Token>& tokens, size_t begin, size_t end)
      : tokens_(tokens), pos_(begin), end_(end) {}

  bool AtEnd() const { return pos_ >= end_; }
  size_t pos() const { return pos_; }
  const Token* Peek(size_t ahead = 0) const {
    return pos_ + ahead < end_ ? &tokens_[pos_ + ahead] : nullptr;
  }
  bool PeekWord(std::string_view w, size_t ahead = 0) const {
    const Token* t = Peek(ahead);
    return t != nullptr && t->IsWord(w);
  }
  // Consumes the word when it is next.
  bool Accept(std::string_view w) {
    if (!PeekWord(w)) return false;
    ++pos_;
    return true;
  }
  bool AcceptSymbol(char c) {
    const Token* t = Peek();
    if (t == nullptr || !t->IsSymbol(c)) return false;
    ++pos_;
    return true;
  }
  // Consumes "IF EXISTS" / "IF NOT EXISTS" when next.
  void AcceptIfExists() {
    if (!PeekWord("IF")) return;
    if (PeekWord("EXISTS", 1)) {
      pos_ += 2;
    } else if (PeekWord("NOT", 1) && PeekWord("EXISTS", 2)) {
      pos_ += 3;
    }
  }
  // Consumes a name (word or backtick identifier); nullopt (nothing consumed) otherwise.
  std::optional<std::string> Name() {
    const Token* t = Peek();
    if (t == nullptr || !t->IsName()) return std::nullopt;
    ++pos_;
    return t->text;
  }
  // Consumes "name" or "db.name", returned as written ("db.name").
  std::optional<std::string> QualifiedName() {
    std::optional<std::string> first = Name();
    if (!first) return std::nullopt;
    const Token* dot = Peek();
    const Token* second = Peek(1);
    if (dot != nullptr && dot->IsSymbol('.') && second != nullptr && second->IsName()) {
      pos_ += 2;
      return *first + "." + second->text;
    }
    return first;
  }
  void Skip(size_t n) { pos_ += n; }

 private:
  const std::vector<Token>& tokens_;
  size_t pos_;
  size_t end_;
};

class Analyzer {
 public:
  explicit Analyzer(LexedAlter lexed) : lexed_(std::move(lexed)) {}

  Result<AlterAnalysis> Run() {
    std::vector<Token>& tokens = lexed_.tokens;
    // One trailing ';' is harmless (pasted from a runbook); any other means several statements.
    if (!tokens.empty() && tokens.back().IsSymbol(';')) tokens.pop_back();
    for (const Token& t : tokens) {
      if (t.IsSymbol(';')) {
        return InvalidArgumentError(
            "the ALTER holds more than one statement (';' outside a string): give one ALTER only");
      }
    }
    size_t start = SkipAlterTablePrefix();
    SAFEDDL_RETURN_IF_ERROR(SplitClauses(start));
    std::vector<std::string> kept;
    for (size_t i = 0; i < clauses_.size(); ++i) {
      Cursor cur(tokens, clauses_[i].first, clauses_[i].second);
      StripOptions(cur, /*first_clause=*/i == 0);
      if (cur.AtEnd()) continue;
      const size_t text_begin = tokens[cur.pos()].begin;
      const size_t text_end = tokens[clauses_[i].second - 1].end;
      const std::string text = lexed_.clean_text.substr(text_begin, text_end - text_begin);
      AnalyzeClause(cur, text);
      kept.push_back(text);
    }
    out_.ghost_alter = JoinStrings(kept, ", ");
    return std::move(out_);
  }

 private:
  // "ALTER [ONLINE] [IGNORE] TABLE [IF EXISTS] [db.]t": records the name, returns the index of
  // the first token after it (0 when there is no such prefix).
  size_t SkipAlterTablePrefix() {
    const std::vector<Token>& tokens = lexed_.tokens;
    Cursor cur(tokens, 0, tokens.size());
    if (!cur.Accept("ALTER")) return 0;
    cur.Accept("ONLINE");
    const bool ignore = cur.Accept("IGNORE");
    if (!cur.Accept("TABLE")) return 0;
    cur.AcceptIfExists();
    std::optional<std::string> first = cur.Name();
    if (!first) return 0;
    if (ignore) {
      out_.unsupported_clauses.push_back(
          "ALTER IGNORE (it silently deletes rows that duplicate a new unique key)");
    }
    if (cur.AcceptSymbol('.')) {
      std::optional<std::string> second = cur.Name();
      if (second) {
        out_.named_db = *first;
        out_.named_table = *second;
        return cur.pos();
      }
    }
    out_.named_table = *first;
    return cur.pos();
  }

  // Cuts tokens [start, end) at commas outside parentheses.
  Status SplitClauses(size_t start) {
    const std::vector<Token>& tokens = lexed_.tokens;
    if (start >= tokens.size()) return Status::OK();
    int depth = 0;
    size_t clause_begin = start;
    for (size_t i = start; i < tokens.size(); ++i) {
      const Token& t = tokens[i];
      if (t.IsSymbol('(')) {
        ++depth;
      } else if (t.IsSymbol(')')) {
        if (--depth < 0) return InvalidArgumentError("unbalanced ')' in the ALTER");
      } else if (t.IsSymbol(',') && depth == 0) {
        SAFEDDL_RETURN_IF_ERROR(AddClause(clause_begin, i));
        clause_begin = i + 1;
      }
    }
    if (depth != 0) return InvalidArgumentError("unbalanced '(' in the ALTER");
    return AddClause(clause_begin, tokens.size());
  }

  Status AddClause(size_t begin, size_t end) {
    if (begin >= end) {
      return InvalidArgumentError(
          "empty clause in the ALTER (two commas in a row, or a comma at the start or end)");
    }
    clauses_.emplace_back(begin, end);
    return Status::OK();
  }

  // Text of tokens [begin, end) of the clean text.
  std::string TextOf(size_t begin, size_t end) const {
    const std::vector<Token>& tokens = lexed_.tokens;
    return lexed_.clean_text.substr(tokens[begin].begin, tokens[end - 1].end - tokens[begin].begin);
  }

  // Removes leading ALGORITHM [=] x, LOCK [=] x, and (first clause) WAIT n / NOWAIT.
  void StripOptions(Cursor& cur, bool first_clause) {
    while (!cur.AtEnd()) {
      const size_t begin = cur.pos();
      if (cur.PeekWord("ALGORITHM") || cur.PeekWord("LOCK")) {
        const Token* value = cur.Peek(1);
        size_t length = 2;
        if (value != nullptr && value->IsSymbol('=')) length = 3;
        if (cur.Peek(length - 1) == nullptr) return;  // a column named `algorithm`?: leave it
        cur.Skip(length);
      } else if (first_clause && cur.PeekWord("NOWAIT")) {
        cur.Skip(1);
      } else if (first_clause && cur.PeekWord("WAIT") && cur.Peek(1) != nullptr &&
                 ParseInt64(cur.Peek(1)->text).has_value()) {
        cur.Skip(2);
      } else {
        return;
      }
      out_.stripped_clauses.push_back(TextOf(begin, cur.pos()));
    }
  }

  void AnalyzeClause(Cursor& cur, const std::string& text) {
    if (cur.Accept("ADD")) {
      AnalyzeAdd(cur);
    } else if (cur.Accept("DROP")) {
      AnalyzeDrop(cur);
    } else if (cur.Accept("CHANGE")) {
      cur.Accept("COLUMN");
      cur.AcceptIfExists();
      std::optional<std::string> from = cur.Name();
      std::optional<std::string> to = cur.Name();
      if (from && to) {
        if (!EqualsIgnoreCase(*from, *to)) out_.renamed_columns.push_back({*from, *to});
        out_.modified_columns.push_back(*to);
      }
    } else if (cur.Accept("MODIFY")) {
      cur.Accept("COLUMN");
      cur.AcceptIfExists();
      if (std::optional<std::string> name = cur.Name()) out_.modified_columns.push_back(*name);
    } else if (cur.Accept("RENAME")) {
      AnalyzeRename(cur);
    } else if (cur.PeekWord("DISCARD") || cur.PeekWord("IMPORT") ||
               ((cur.PeekWord("TRUNCATE") || cur.PeekWord("EXCHANGE")) &&
                cur.PeekWord("PARTITION", 1))) {
      out_.unsupported_clauses.push_back(text);
    }
  }

  void AnalyzeAdd(Cursor& cur) {
    const bool column_keyword = cur.Accept("COLUMN");
    cur.AcceptIfExists();
    const Token* next = cur.Peek();
    if (next == nullptr) return;
    if (next->IsSymbol('(')) {
      AnalyzeAddColumnList(cur);
      return;
    }
    if (!column_keyword && IsNonColumnStart(*next, cur.Peek(1))) {
      if (cur.Accept("CONSTRAINT")) {
        if (!cur.PeekWord("PRIMARY")) cur.Name();  // the optional constraint symbol
      }
      if (cur.PeekWord("PRIMARY")) out_.adds_primary_key = true;
      return;
    }
    if (std::optional<std::string> name = cur.Name()) out_.added_columns.push_back(*name);
  }

  // ADD [COLUMN] (c1 def, c2 def, ...): the first name of each top-level element.
  void AnalyzeAddColumnList(Cursor& cur) {
    cur.AcceptSymbol('(');
    int depth = 0;
    bool expect_name = true;
    for (const Token* t = cur.Peek(); t != nullptr; cur.Skip(1), t = cur.Peek()) {
      if (t->IsSymbol('(')) {
        ++depth;
      } else if (t->IsSymbol(')')) {
        if (depth-- == 0) return;
      } else if (t->IsSymbol(',') && depth == 0) {
        expect_name = true;
        continue;
      }
      if (expect_name && depth == 0 && t->IsName() && !IsNonColumnStart(*t, cur.Peek(1))) {
        out_.added_columns.push_back(t->text);
      }
      expect_name = false;
    }
  }

  void AnalyzeDrop(Cursor& cur) {
    if (cur.PeekWord("PRIMARY") && cur.PeekWord("KEY", 1)) {
      out_.drops_primary_key = true;
      return;
    }
    if (cur.Accept("INDEX") || cur.Accept("KEY") || cur.Accept("CONSTRAINT")) {
      cur.AcceptIfExists();
      std::optional<std::string> name = cur.Name();
      if (name && EqualsIgnoreCase(*name, kPrimaryIndexName)) out_.drops_primary_key = true;
      return;
    }
    const bool column_keyword = cur.Accept("COLUMN");
    const Token* next = cur.Peek();
    if (next == nullptr) return;
    if (!column_keyword && IsNonColumnStart(*next, cur.Peek(1))) return;
    cur.AcceptIfExists();
    if (std::optional<std::string> name = cur.Name()) out_.dropped_columns.push_back(*name);
  }

  void AnalyzeRename(Cursor& cur) {
    if (cur.Accept("COLUMN")) {
      cur.AcceptIfExists();
      std::optional<std::string> from = cur.Name();
      if (!from || !cur.Accept("TO")) return;
      std::optional<std::string> to = cur.Name();
      if (to && !EqualsIgnoreCase(*from, *to)) out_.renamed_columns.push_back({*from, *to});
      return;
    }
    if (cur.PeekWord("INDEX") || cur.PeekWord("KEY")) return;
    if (!cur.Accept("TO")) cur.Accept("AS");
    out_.renames_table = true;
    out_.new_table_name = cur.QualifiedName().value_or("");
  }

  LexedAlter lexed_;
  std::vector<std::pair<size_t, size_t>> clauses_;  // token ranges [first, second)
  AlterAnalysis out_;
};

}  // namespace

Result<AlterAnalysis> AnalyzeAlter(std::string_view alter_text) {
  SAFEDDL_ASSIGN_OR_RETURN(LexedAlter lexed, LexAlter(alter_text));
  return Analyzer(std::move(lexed)).Run();
}

}  // namespace safeddl::schema
