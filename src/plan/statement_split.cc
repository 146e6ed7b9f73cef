#include "plan/statement_split.h"

#include <algorithm>
#include <array>
#include <cstddef>

#include <fmt/format.h>

#include "common/strings.h"
#include "mysql/quote.h"
#include "schema/alter_lexer.h"

namespace safeddl::plan {
namespace {

using schema::LexedAlter;
using schema::Token;
using schema::TokenKind;

constexpr std::string_view kAccepted =
    "plan accepts ALTER TABLE, CREATE/DROP/RENAME TABLE, CREATE/DROP INDEX and USE";

// Reserved words that cannot be an unquoted table or index name: met where a name is due, they
// mean the name is missing ("ALTER TABLE ADD COLUMN c INT", "CREATE INDEX ON t (a)").
constexpr std::array<std::string_view, 26> kReservedWords = {
    "ADD",    "ALTER", "AS",      "CHANGE", "CREATE", "DROP",   "FROM",    "FULLTEXT", "IF",
    "IGNORE", "INDEX", "KEY",     "LIKE",   "LOCK",   "ON",     "PRIMARY", "RENAME",   "REPLACE",
    "SELECT", "SET",   "SPATIAL", "TABLE",  "TO",     "UNIQUE", "USING",   "WHERE"};

bool IsReserved(const Token& t) {
  return std::any_of(kReservedWords.begin(), kReservedWords.end(),
                     [&t](std::string_view w) { return t.IsWord(w); });
}

// The lexer's whitespace (alter_lexer.cc).
bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Finds where each token of a LexedAlter starts in the text it was lexed from, for line numbers.
// The lexer copies tokens and whitespace verbatim and blanks each comment (of any length) to one
// space, so walking the text token by token only needs its comment rules. When closing quotes
// were appended to the text to end an unterminated construct, `overrun()` is the start of the
// first token or comment that reaches past the original `original_size` bytes.
class TokenLocator {
 public:
  TokenLocator(std::string_view text, size_t original_size)
      : in_(text), original_size_(original_size) {}

  Result<std::vector<size_t>> Run(const LexedAlter& lexed) {
    std::vector<size_t> starts;
    starts.reserve(lexed.tokens.size());
    for (const Token& t : lexed.tokens) {
      SkipGap();
      const std::string_view raw =
          std::string_view(lexed.clean_text).substr(t.begin, t.end - t.begin);
      if (in_.substr(pos_, raw.size()) != raw) {
        return InternalError(
            fmt::format("statement split: token \"{}\" not found at byte {}", raw, pos_));
      }
      starts.push_back(pos_);
      Note(pos_, pos_ + raw.size());
      pos_ += raw.size();
    }
    SkipGap();
    return starts;
  }

  std::optional<size_t> overrun() const { return overrun_; }

 private:
  char Peek(size_t ahead) const { return pos_ + ahead < in_.size() ? in_[pos_ + ahead] : '\0'; }

  void Note(size_t begin, size_t end) {
    if (end > original_size_ && !overrun_) overrun_ = begin;
  }

  // Skips whitespace, comments and executable-comment markers up to the next token.
  void SkipGap() {
    while (pos_ < in_.size()) {
      const char c = in_[pos_];
      if (IsSpace(c)) {
        ++pos_;
      } else if (c == '#' ||
                 (c == '-' && Peek(1) == '-' &&
                  (pos_ + 2 >= in_.size() || static_cast<unsigned char>(in_[pos_ + 2]) <= ' '))) {
        const size_t end = in_.find('\n', pos_);
        pos_ = end == std::string_view::npos ? in_.size() : end;
      } else if (c == '/' && Peek(1) == '*') {
        size_t marker = 0;
        if (Peek(2) == '!') {
          marker = 3;
        } else if (Peek(2) == 'M' && Peek(3) == '!') {
          marker = 4;
        }
        if (marker > 0) {
          while (IsDigit(Peek(marker))) ++marker;
          executable_start_ = pos_;
          pos_ += marker;
          continue;
        }
        const size_t end = in_.find("*/", pos_ + 2);
        const size_t after = end == std::string_view::npos ? in_.size() : end + 2;
        Note(pos_, after);
        pos_ = after;
      } else if (c == '*' && Peek(1) == '/' && executable_start_) {
        Note(*executable_start_, pos_ + 2);
        executable_start_.reset();
        pos_ += 2;
      } else {
        return;
      }
    }
  }

  std::string_view in_;
  size_t original_size_;
  size_t pos_ = 0;
  std::optional<size_t> executable_start_;  // where the open /*! comment began
  std::optional<size_t> overrun_;
};

// Where the unterminated string, identifier or comment that LexAlter refused begins: with the
// right closing quote appended the text lexes, and the construct is the one reaching past the
// original end. nullopt when no closer helps (nested executable comments).
std::optional<size_t> FindUnterminated(std::string_view text) {
  constexpr std::array<std::string_view, 7> kClosers = {" '",    " \"",    "`",   " */",
                                                        " ' */", " \" */", "` */"};
  for (std::string_view closer : kClosers) {
    std::string closed = fmt::format("{}{}", text, closer);
    Result<LexedAlter> lexed = schema::LexAlter(closed);
    if (!lexed.ok()) continue;
    TokenLocator locator(closed, text.size());
    if (!locator.Run(*lexed).ok()) continue;
    if (locator.overrun()) return locator.overrun();
  }
  return std::nullopt;
}

// 1-based line of byte offsets in a text.
class LineIndex {
 public:
  explicit LineIndex(std::string_view text) {
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\n') newlines_.push_back(i);
    }
  }
  int LineOf(size_t offset) const {
    return 1 + static_cast<int>(std::lower_bound(newlines_.begin(), newlines_.end(), offset) -
                                newlines_.begin());
  }

 private:
  std::vector<size_t> newlines_;
};

// The lexer's message names "the ALTER"; here the text is a change file.
std::string LexerMessage(const Status& status) {
  std::string message = status.message();
  constexpr std::string_view kAlterSuffix = " in the ALTER";
  if (message.size() >= kAlterSuffix.size() &&
      message.compare(message.size() - kAlterSuffix.size(), kAlterSuffix.size(), kAlterSuffix) ==
          0) {
    message.resize(message.size() - kAlterSuffix.size());
  }
  return message + " in the change file";
}

// Parses the tokens [begin, end) of one statement (no ';').
class StatementParser {
 public:
  StatementParser(const LexedAlter& lexed, size_t begin, size_t end, int line,
                  std::string& current_db)
      : lexed_(lexed),
        begin_(begin),
        end_(end),
        pos_(begin),
        line_(line),
        current_db_(current_db) {}

  // The statement; nullopt for USE, which only changes the current database.
  Result<std::optional<SchemaStatement>> Run() {
    out_.line = line_;
    out_.sql = TextOf(begin_, end_);
    if (Accept("USE")) {
      SAFEDDL_RETURN_IF_ERROR(ParseUse());
      return std::optional<SchemaStatement>();
    }
    SAFEDDL_RETURN_IF_ERROR(Dispatch());
    return std::optional<SchemaStatement>(std::move(out_));
  }

 private:
  // ---- Reading tokens.

  bool AtEnd() const { return pos_ >= end_; }
  const Token* Peek(size_t ahead = 0) const {
    return pos_ + ahead < end_ ? &lexed_.tokens[pos_ + ahead] : nullptr;
  }
  bool PeekWord(std::string_view w, size_t ahead = 0) const {
    const Token* t = Peek(ahead);
    return t != nullptr && t->IsWord(w);
  }
  bool PeekSymbol(char c, size_t ahead = 0) const {
    const Token* t = Peek(ahead);
    return t != nullptr && t->IsSymbol(c);
  }
  bool Accept(std::string_view w) {
    if (!PeekWord(w)) return false;
    ++pos_;
    return true;
  }
  bool AcceptSymbol(char c) {
    if (!PeekSymbol(c)) return false;
    ++pos_;
    return true;
  }
  bool AcceptIfExists() {
    if (!PeekWord("IF") || !PeekWord("EXISTS", 1)) return false;
    pos_ += 2;
    return true;
  }
  bool AcceptIfNotExists() {
    if (!PeekWord("IF") || !PeekWord("NOT", 1) || !PeekWord("EXISTS", 2)) return false;
    pos_ += 3;
    return true;
  }
  // WAIT n / NOWAIT: how long to wait for the metadata lock; plan does not need it.
  bool AcceptWait(std::string* text = nullptr) {
    size_t length = 0;
    if (PeekWord("NOWAIT")) {
      length = 1;
    } else if (PeekWord("WAIT") && Peek(1) != nullptr && ParseInt64(Peek(1)->text).has_value()) {
      length = 2;
    } else {
      return false;
    }
    if (text != nullptr) *text = TextOf(pos_, pos_ + length);
    pos_ += length;
    return true;
  }

  // The clean text of tokens [begin, end), as written.
  std::string TextOf(size_t begin, size_t end) const {
    const std::vector<Token>& tokens = lexed_.tokens;
    return lexed_.clean_text.substr(tokens[begin].begin, tokens[end - 1].end - tokens[begin].begin);
  }
  std::string RawText(const Token& t) const {
    return lexed_.clean_text.substr(t.begin, t.end - t.begin);
  }

  // A name (not a reserved word) at the cursor, consumed; nullopt otherwise.
  std::optional<std::string> Name() {
    const Token* t = Peek();
    if (t == nullptr || !t->IsName() || t->text.empty() || IsReserved(*t)) return std::nullopt;
    ++pos_;
    return t->text;
  }

  // "t" or "db.t" (after the '.', any word is a name, as for the server).
  std::optional<TableRef> TableName() {
    const size_t start = pos_;
    std::optional<std::string> first = Name();
    if (!first) return std::nullopt;
    if (!AcceptSymbol('.')) return TableRef{current_db_, *first};
    const Token* second = Peek();
    if (second == nullptr || !second->IsName() || second->text.empty()) {
      pos_ = start;
      return std::nullopt;
    }
    ++pos_;
    return TableRef{*first, second->text};
  }

  Result<TableRef> RequireTable(std::string_view after) {
    std::optional<TableRef> t = TableName();
    if (!t) return Error(fmt::format("no table name after {}{}", after, Found()));
    return *t;
  }

  Result<std::string> RequireIndexName() {
    std::optional<std::string> name = Name();
    if (!name) return Error(fmt::format("no index name after INDEX{}", Found()));
    Result<std::string> quoted = mysql::QuoteIdentifier(*name);
    if (!quoted.ok()) return Error(quoted.status().message());
    return quoted;
  }

  // ---- Messages.

  // The statement's leading words and names ("INSERT INTO t VALUES ..."), for messages.
  std::string FirstWords() const {
    constexpr size_t kMaxWords = 4;
    std::vector<std::string> words;
    size_t i = begin_;
    for (; i < end_ && words.size() < kMaxWords; ++i) {
      const Token& t = lexed_.tokens[i];
      if (!t.IsName() && !words.empty()) break;
      words.push_back(RawText(t));
    }
    if (i < end_) words.push_back("...");
    return JoinStrings(words, " ");
  }

  // " (found X)" for the token at the cursor, or "" at the end.
  std::string Found() const {
    const Token* t = Peek();
    return t == nullptr ? std::string() : fmt::format(" (found \"{}\")", RawText(*t));
  }

  Status Error(std::string_view problem) const {
    return InvalidArgumentError(fmt::format("line {}: \"{}\": {}", line_, FirstWords(), problem));
  }

  Status NotUnderstood(std::string_view note = {}) const {
    return Error(fmt::format("not a schema change plan understands{}; {}", note, kAccepted));
  }

  Status ExpectEnd(std::string_view where) const {
    if (AtEnd()) return Status::OK();
    return Error(fmt::format("unexpected \"{}\" in {}", RawText(*Peek()), where));
  }

  // ---- Statements.

  Status Dispatch() {
    if (PeekWord("ALTER")) {
      size_t k = 1;
      if (PeekWord("ONLINE", k)) ++k;
      if (PeekWord("IGNORE", k)) ++k;
      if (!PeekWord("TABLE", k)) return NotUnderstood();
      pos_ += k + 1;
      return ParseAlterTable();
    }
    if (PeekWord("CREATE")) {
      size_t k = 1;
      const bool or_replace = PeekWord("OR", k) && PeekWord("REPLACE", k + 1);
      if (or_replace) k += 2;
      out_.or_replace = or_replace;
      if (PeekWord("TEMPORARY", k) && PeekWord("TABLE", k + 1)) return TemporaryTable();
      if (PeekWord("TABLE", k)) {
        pos_ += k + 1;
        return ParseCreateTable();
      }
      std::string_view index_kind;
      for (std::string_view kind : {"UNIQUE", "FULLTEXT", "SPATIAL"}) {
        if (PeekWord(kind, k) && PeekWord("INDEX", k + 1)) {
          index_kind = kind;
          ++k;
        }
      }
      if (PeekWord("INDEX", k)) {
        pos_ += k + 1;
        return ParseCreateIndex(index_kind);
      }
      return NotUnderstood();
    }
    if (PeekWord("DROP")) {
      if (PeekWord("TEMPORARY", 1) && (PeekWord("TABLE", 2) || PeekWord("TABLES", 2))) {
        return TemporaryTable();
      }
      if (PeekWord("TABLE", 1) || PeekWord("TABLES", 1)) {
        pos_ += 2;
        return ParseDropTable();
      }
      if (PeekWord("INDEX", 1)) {
        pos_ += 2;
        return ParseDropIndex();
      }
      return NotUnderstood();
    }
    if (PeekWord("RENAME") && (PeekWord("TABLE", 1) || PeekWord("TABLES", 1))) {
      pos_ += 2;
      return ParseRenameTable();
    }
    if (PeekWord("DELIMITER")) {
      return NotUnderstood(
          " (DELIMITER is a mysql client command, used for stored programs, which are not schema "
          "changes)");
    }
    return NotUnderstood();
  }

  Status TemporaryTable() const {
    return Error(fmt::format(
        "a temporary table exists only in the session that creates it: there is nothing to plan; "
        "{}",
        kAccepted));
  }

  Status ParseUse() {
    std::optional<std::string> db = Name();
    if (!db) return Error(fmt::format("no database name after USE{}", Found()));
    SAFEDDL_RETURN_IF_ERROR(ExpectEnd("USE"));
    current_db_ = *db;
    return Status::OK();
  }

  // ALTER [ONLINE] [IGNORE] TABLE [IF EXISTS] t clauses
  Status ParseAlterTable() {
    out_.kind = StatementKind::kAlterTable;
    out_.if_exists = AcceptIfExists();
    SAFEDDL_ASSIGN_OR_RETURN(TableRef table, RequireTable("TABLE"));
    out_.tables.push_back(std::move(table));
    if (AtEnd()) return Error("no change after the table name");
    out_.alter_clauses = TextOf(pos_, end_);
    return Status::OK();
  }

  // CREATE [OR REPLACE] TABLE [IF NOT EXISTS] t {(definition) [options] [AS SELECT] | LIKE other
  // | (LIKE other) | [AS] SELECT}
  Status ParseCreateTable() {
    out_.kind = StatementKind::kCreateTable;
    SAFEDDL_RETURN_IF_ERROR(ReadIfNotExists());
    SAFEDDL_ASSIGN_OR_RETURN(TableRef table, RequireTable("TABLE"));
    out_.tables.push_back(std::move(table));
    if (AtEnd()) return Error("no definition after the table name (columns, LIKE or AS SELECT)");
    const bool parenthesized = PeekSymbol('(') && PeekWord("LIKE", 1);
    if (parenthesized) ++pos_;
    if (!Accept("LIKE")) return Status::OK();
    SAFEDDL_ASSIGN_OR_RETURN(TableRef like, RequireTable("LIKE"));
    out_.like = std::move(like);
    if (parenthesized && !AcceptSymbol(')')) {
      return Error(fmt::format("no ')' after (LIKE {}{}", out_.like->table, Found()));
    }
    return ExpectEnd("CREATE TABLE ... LIKE");
  }

  Status ReadIfNotExists() {
    out_.if_not_exists = AcceptIfNotExists();
    if (out_.if_not_exists && out_.or_replace) {
      return Error("OR REPLACE and IF NOT EXISTS cannot be combined");
    }
    return Status::OK();
  }

  // ALGORITHM [=] x and LOCK [=] y at the cursor, as ", ALGORITHM=x" clauses; false when neither
  // is next.
  Result<bool> AcceptAlgorithmOrLock(std::string& clauses) {
    std::string_view option;
    if (PeekWord("ALGORITHM")) {
      option = "ALGORITHM";
    } else if (PeekWord("LOCK")) {
      option = "LOCK";
    } else {
      return false;
    }
    ++pos_;
    AcceptSymbol('=');
    const Token* value = Peek();
    if (value == nullptr || value->kind != TokenKind::kWord) {
      return Error(fmt::format("no value after {}{}", option, Found()));
    }
    ++pos_;
    clauses += fmt::format(", {}={}", option, value->text);
    return true;
  }

  // CREATE [OR REPLACE] [UNIQUE|FULLTEXT|SPATIAL] INDEX [IF NOT EXISTS] i [USING type] ON t
  // (columns) [WAIT n|NOWAIT] [index options] [ALGORITHM [=] x] [LOCK [=] y]
  Status ParseCreateIndex(std::string_view index_kind) {
    out_.kind = StatementKind::kCreateIndex;
    SAFEDDL_RETURN_IF_ERROR(ReadIfNotExists());
    SAFEDDL_ASSIGN_OR_RETURN(std::string index, RequireIndexName());
    std::string type;  // USING BTREE before ON: an index option like the others
    if (PeekWord("USING") && Peek(1) != nullptr && Peek(1)->kind == TokenKind::kWord) {
      type = TextOf(pos_, pos_ + 2);
      pos_ += 2;
    }
    if (!Accept("ON")) {
      return Error(fmt::format(
          "no ON after the index name{} (CREATE INDEX name ON table (columns))", Found()));
    }
    SAFEDDL_ASSIGN_OR_RETURN(TableRef table, RequireTable("ON"));
    out_.tables.push_back(std::move(table));
    SAFEDDL_ASSIGN_OR_RETURN(std::string columns, ColumnList());

    std::vector<std::string> options;
    if (!type.empty()) options.push_back(std::move(type));
    std::string wait;
    std::string trailing;  // ", ALGORITHM=x, LOCK=y"
    size_t run = pos_;     // first token of the current run of index options
    while (!AtEnd()) {
      const size_t here = pos_;
      SAFEDDL_ASSIGN_OR_RETURN(bool algorithm_or_lock, AcceptAlgorithmOrLock(trailing));
      if (!algorithm_or_lock && !AcceptWait(&wait)) {
        ++pos_;
        continue;
      }
      if (run < here) options.push_back(TextOf(run, here));
      run = pos_;
    }
    if (run < pos_) options.push_back(TextOf(run, pos_));

    std::string add =
        fmt::format("ADD {}{}INDEX {}{} {}", index_kind, index_kind.empty() ? "" : " ",
                    out_.if_not_exists ? "IF NOT EXISTS " : "", index, columns);
    for (const std::string& option : options) add += " " + option;
    std::string clauses = wait.empty() ? std::string() : wait + " ";
    // OR REPLACE drops an index of that name first; one ALTER can drop and re-add a name.
    if (out_.or_replace) clauses += fmt::format("DROP INDEX IF EXISTS {}, ", index);
    out_.alter_clauses = clauses + add + trailing;
    return Status::OK();
  }

  // "(a, b(10) DESC)" at the cursor, as written.
  Result<std::string> ColumnList() {
    if (!PeekSymbol('(')) return Error(fmt::format("no (columns) after the table name{}", Found()));
    const size_t open = pos_;
    int depth = 0;
    for (; pos_ < end_; ++pos_) {
      if (PeekSymbol('(')) {
        ++depth;
      } else if (PeekSymbol(')') && --depth == 0) {
        ++pos_;
        return TextOf(open, pos_);
      }
    }
    return Error("unbalanced '(' in the column list");
  }

  // DROP INDEX [IF EXISTS] i ON t [WAIT n|NOWAIT] [ALGORITHM [=] x] [LOCK [=] y]
  Status ParseDropIndex() {
    out_.kind = StatementKind::kDropIndex;
    out_.if_exists = AcceptIfExists();
    SAFEDDL_ASSIGN_OR_RETURN(std::string index, RequireIndexName());
    if (!Accept("ON")) {
      return Error(fmt::format("no ON after the index name{} (DROP INDEX name ON table)", Found()));
    }
    SAFEDDL_ASSIGN_OR_RETURN(TableRef table, RequireTable("ON"));
    out_.tables.push_back(std::move(table));
    std::string wait;
    std::string trailing;
    while (!AtEnd()) {
      SAFEDDL_ASSIGN_OR_RETURN(bool algorithm_or_lock, AcceptAlgorithmOrLock(trailing));
      if (!algorithm_or_lock && !AcceptWait(&wait)) return ExpectEnd("DROP INDEX");
    }
    out_.alter_clauses = fmt::format("{}DROP INDEX {}{}{}", wait.empty() ? "" : wait + " ",
                                     out_.if_exists ? "IF EXISTS " : "", index, trailing);
    return Status::OK();
  }

  // DROP TABLE[S] [IF EXISTS] t1[, t2 ...] [WAIT n|NOWAIT] [RESTRICT|CASCADE]
  Status ParseDropTable() {
    out_.kind = StatementKind::kDropTable;
    out_.if_exists = AcceptIfExists();
    do {
      SAFEDDL_ASSIGN_OR_RETURN(TableRef table, RequireTable(out_.tables.empty() ? "TABLE" : "','"));
      out_.tables.push_back(std::move(table));
    } while (AcceptSymbol(','));
    AcceptWait();
    if (!Accept("RESTRICT")) Accept("CASCADE");
    return ExpectEnd("DROP TABLE");
  }

  // RENAME TABLE[S] [IF EXISTS] a [WAIT n|NOWAIT] TO b[, c TO d ...]
  Status ParseRenameTable() {
    out_.kind = StatementKind::kRenameTable;
    out_.if_exists = AcceptIfExists();
    do {
      SAFEDDL_ASSIGN_OR_RETURN(TableRef from, RequireTable(out_.renames.empty() ? "TABLE" : "','"));
      AcceptWait();
      if (!Accept("TO")) {
        return Error(fmt::format("no TO after {}{} (RENAME TABLE a TO b)", from.table, Found()));
      }
      SAFEDDL_ASSIGN_OR_RETURN(TableRef to, RequireTable("TO"));
      out_.renames.emplace_back(std::move(from), std::move(to));
    } while (AcceptSymbol(','));
    return ExpectEnd("RENAME TABLE");
  }

  const LexedAlter& lexed_;
  size_t begin_;
  size_t end_;
  size_t pos_;
  int line_;
  std::string& current_db_;
  SchemaStatement out_;
};

}  // namespace

std::string_view StatementKindName(StatementKind kind) {
  switch (kind) {
    case StatementKind::kAlterTable:
      return "ALTER TABLE";
    case StatementKind::kCreateTable:
      return "CREATE TABLE";
    case StatementKind::kDropTable:
      return "DROP TABLE";
    case StatementKind::kRenameTable:
      return "RENAME TABLE";
    case StatementKind::kCreateIndex:
      return "CREATE INDEX";
    case StatementKind::kDropIndex:
      return "DROP INDEX";
  }
  return "unknown statement";
}

Result<std::vector<SchemaStatement>> SplitStatements(std::string_view text) {
  const LineIndex lines(text);
  Result<LexedAlter> lexed = schema::LexAlter(text);
  if (!lexed.ok()) {
    const std::string message = LexerMessage(lexed.status());
    if (std::optional<size_t> at = FindUnterminated(text)) {
      return InvalidArgumentError(fmt::format("line {}: {}", lines.LineOf(*at), message));
    }
    return InvalidArgumentError(message);
  }
  SAFEDDL_ASSIGN_OR_RETURN(std::vector<size_t> starts, TokenLocator(text, text.size()).Run(*lexed));

  std::vector<SchemaStatement> out;
  std::string current_db;
  const std::vector<Token>& tokens = lexed->tokens;
  size_t begin = 0;
  for (size_t i = 0; i <= tokens.size(); ++i) {
    if (i < tokens.size() && !tokens[i].IsSymbol(';')) continue;
    if (i > begin) {  // else an empty statement (";;")
      StatementParser parser(*lexed, begin, i, lines.LineOf(starts[begin]), current_db);
      SAFEDDL_ASSIGN_OR_RETURN(std::optional<SchemaStatement> statement, parser.Run());
      if (statement) out.push_back(std::move(*statement));
    }
    begin = i + 1;
  }
  if (out.empty()) {
    return InvalidArgumentError(fmt::format(
        "the change file holds no schema statement (only comments, USE or empty statements); {}",
        kAccepted));
  }
  return out;
}

Result<SchemaStatement> AlterTableStatement(const std::string& db, const std::string& table,
                                            const std::string& clauses) {
  SchemaStatement s;
  s.kind = StatementKind::kAlterTable;
  s.tables.push_back({db, table});
  s.alter_clauses = clauses;
  SAFEDDL_ASSIGN_OR_RETURN(std::string quoted, mysql::QuoteQualified(db, table));
  s.sql = fmt::format("ALTER TABLE {} {}", quoted, clauses);
  return s;
}

}  // namespace safeddl::plan
