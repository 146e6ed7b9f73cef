#include "plan/reverse_alter.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string_view>
#include <utility>

#include "common/strings.h"
#include "mysql/quote.h"

namespace safeddl::plan {
namespace {

// ---------------------------------------------------------------------------------------------
// Tokens of one line of SHOW CREATE output (a definition, or the table options).

enum class PieceKind { kWord, kIdentifier, kString, kSymbol };

struct Piece {
  PieceKind kind = PieceKind::kWord;
  std::string text;  // an identifier's unquoted name; the bytes as written otherwise
  size_t begin = 0;  // byte range in the line
  size_t end = 0;
  // Parentheses open around the piece; a '(' and its ')' count as outside.
  int depth = 0;

  bool IsWord(std::string_view w) const {
    return kind == PieceKind::kWord && EqualsIgnoreCase(text, w);
  }
  bool IsSymbol(char c) const { return kind == PieceKind::kSymbol && text[0] == c; }
};

bool IsWordByte(unsigned char c) {
  return std::isalnum(c) != 0 || c == '_' || c == '$' || c >= 0x80;
}

// Position just past the quoted run opening at s[pos] (` identifier, ' or " string, the closing
// character doubled inside, backslash escapes in strings); s.size() when it is not closed.
size_t SkipQuoted(std::string_view s, size_t pos) {
  const char quote = s[pos];
  size_t i = pos + 1;
  while (i < s.size()) {
    if (quote != '`' && s[i] == '\\') {
      i += 2;
      continue;
    }
    if (s[i] == quote) {
      if (i + 1 < s.size() && s[i + 1] == quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    ++i;
  }
  return s.size();
}

std::vector<Piece> Tokenize(std::string_view s) {
  std::vector<Piece> out;
  int depth = 0;
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (std::isspace(c) != 0) {
      ++i;
      continue;
    }
    Piece p;
    p.begin = i;
    p.depth = depth;
    if (c == '`') {
      i = SkipQuoted(s, i);
      p.kind = PieceKind::kIdentifier;
      for (size_t k = p.begin + 1; k < i && !(k + 1 == i && s[k] == '`'); ++k) {
        p.text.push_back(s[k]);
        if (s[k] == '`') ++k;  // doubled
      }
    } else if (c == '\'' || c == '"') {
      i = SkipQuoted(s, i);
      p.kind = PieceKind::kString;
      p.text = std::string(s.substr(p.begin, i - p.begin));
    } else if (IsWordByte(c)) {
      while (i < s.size() && IsWordByte(static_cast<unsigned char>(s[i]))) ++i;
      p.text = std::string(s.substr(p.begin, i - p.begin));
    } else {
      p.kind = PieceKind::kSymbol;
      p.text = std::string(1, static_cast<char>(c));
      ++i;
      if (c == '(') ++depth;
      if (c == ')' && depth > 0) p.depth = --depth;
    }
    p.end = i;
    out.push_back(std::move(p));
  }
  return out;
}

std::string Quoted(std::string_view name) { return *mysql::QuoteIdentifier(name); }

// ---------------------------------------------------------------------------------------------
// Column names the change renamed, after name -> before name, and identifiers rewritten with it.

using NameMap = std::vector<std::pair<std::string, std::string>>;

const std::string* Lookup(const NameMap& map, std::string_view name) {
  for (const auto& [from, to] : map) {
    if (EqualsIgnoreCase(from, name)) return &to;
  }
  return nullptr;
}

// Which identifiers of a line name columns of the table itself.
enum class ColumnScope {
  kAll,         // a column definition (generated expressions, DEFAULT expressions, CHECK)
  kInParens,    // an index or a CHECK constraint: not the name that comes before the '('
  kFirstGroup,  // a foreign key: its own columns, not the referenced table's
};

// `line` with the identifiers in `scope` renamed per `map`: how the server rewrites a key, a
// constraint or an expression when a CHANGE renames a column.
std::string MapIdentifiers(std::string_view line, const NameMap& map, ColumnScope scope) {
  if (map.empty()) return std::string(line);
  std::string out;
  size_t copied = 0;
  int groups = 0;
  for (const Piece& p : Tokenize(line)) {
    if (p.IsSymbol('(') && p.depth == 0) ++groups;
    if (p.kind != PieceKind::kIdentifier) continue;
    const bool in_scope = scope == ColumnScope::kAll ||
                          (scope == ColumnScope::kInParens && p.depth > 0) ||
                          (scope == ColumnScope::kFirstGroup && p.depth > 0 && groups == 1);
    if (!in_scope) continue;
    const std::string* to = Lookup(map, p.text);
    if (to == nullptr) continue;
    out.append(line.substr(copied, p.begin - copied));
    out.append(Quoted(*to));
    copied = p.end;
  }
  out.append(line.substr(copied));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Table options: "ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci COMMENT='x'".

struct TableOption {
  std::string key;    // "ENGINE", "DEFAULT CHARSET", "`page_compressed`" (engine options lower)
  std::string name;   // as written: "ROW_FORMAT", "`page_compressed`"
  std::string value;  // as written: "InnoDB", "'it''s'"
  std::string text;   // the whole item: "ROW_FORMAT=COMPACT"
};

std::vector<TableOption> ParseOptions(std::string_view s) {
  const std::vector<Piece> pieces = Tokenize(s);
  std::vector<TableOption> out;
  size_t i = 0;
  while (i < pieces.size()) {
    const size_t first = i;
    std::vector<std::string> words;  // the name: keywords upper case, `engine_option` lower
    while (i < pieces.size() && !pieces[i].IsSymbol('=')) {
      const Piece& p = pieces[i];
      if (p.kind == PieceKind::kIdentifier) {
        words.push_back(Quoted(AsciiLower(p.text)));
      } else {
        std::string w = p.text;
        for (char& c : w) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        words.push_back(std::move(w));
      }
      ++i;
      if (words.size() == 3 && words[0] == "WITH" && words[1] == "SYSTEM" &&
          words[2] == "VERSIONING") {
        break;
      }
    }
    TableOption o;
    const size_t name_end = i == first ? pieces[first].begin : pieces[i - 1].end;
    o.name = std::string(s.substr(pieces[first].begin, name_end - pieces[first].begin));
    o.key = JoinStrings(words, " ");
    size_t end = name_end;
    if (i < pieces.size() && pieces[i].IsSymbol('=')) {
      ++i;
      if (i < pieces.size()) {
        const size_t value_begin = pieces[i].begin;
        if (pieces[i].IsSymbol('(')) {
          const int depth = pieces[i].depth;
          ++i;
          while (i < pieces.size() && !(pieces[i].IsSymbol(')') && pieces[i].depth == depth)) ++i;
        }
        end = i < pieces.size() ? pieces[i].end : s.size();
        o.value = std::string(s.substr(value_begin, end - value_begin));
        ++i;
      }
    }
    o.text = std::string(s.substr(pieces[first].begin, end - pieces[first].begin));
    if (!o.key.empty()) out.push_back(std::move(o));
  }
  return out;
}

const TableOption* FindOption(const std::vector<TableOption>& options, std::string_view key) {
  for (const TableOption& o : options) {
    if (o.key == key) return &o;
  }
  return nullptr;
}

// The value that takes an option the change added back to "not set"; nullopt when ALTER TABLE
// has no such value (PAGE_CHECKSUM, which Aria sets, stays once set: =DEFAULT keeps it).
std::optional<std::string> ResetValue(const TableOption& o) {
  if (!o.key.empty() && o.key[0] == '`') return "DEFAULT";  // an engine-defined option
  static const std::map<std::string_view, std::string_view> kResets = {
      {"COMMENT", "''"},
      {"CONNECTION", "''"},
      {"ROW_FORMAT", "DEFAULT"},
      {"PACK_KEYS", "DEFAULT"},
      {"STATS_PERSISTENT", "DEFAULT"},
      {"STATS_AUTO_RECALC", "DEFAULT"},
      {"STATS_SAMPLE_PAGES", "DEFAULT"},
      {"TRANSACTIONAL", "DEFAULT"},
      {"MIN_ROWS", "0"},
      {"MAX_ROWS", "0"},
      {"AVG_ROW_LENGTH", "0"},
      {"KEY_BLOCK_SIZE", "0"},
      {"CHECKSUM", "0"},
      {"DELAY_KEY_WRITE", "0"},
      {"INSERT_METHOD", "NO"},
  };
  auto it = kResets.find(o.key);
  if (it == kResets.end()) return std::nullopt;
  return std::string(it->second);
}

struct TableDefaults {
  std::string charset;    // DEFAULT CHARSET=
  std::string collation;  // COLLATE=, empty when not shown (the charset's default)
};

TableDefaults DefaultsOf(const std::vector<TableOption>& options) {
  TableDefaults d;
  if (const TableOption* o = FindOption(options, "DEFAULT CHARSET")) d.charset = o->value;
  if (const TableOption* o = FindOption(options, "COLLATE")) d.collation = o->value;
  return d;
}

constexpr std::string_view kSystemVersioning = "WITH SYSTEM VERSIONING";

// The name of an application-time period line ("PERIOD FOR `p` (`s`, `e`)"); nullopt for any
// other line, PERIOD FOR SYSTEM_TIME included.
std::optional<std::string> ApplicationPeriod(std::string_view line) {
  const std::vector<Piece> pieces = Tokenize(line);
  if (pieces.size() < 3 || !pieces[0].IsWord("PERIOD") || !pieces[1].IsWord("FOR") ||
      pieces[2].kind != PieceKind::kIdentifier) {
    return std::nullopt;
  }
  return pieces[2].text;
}

// ---------------------------------------------------------------------------------------------
// Columns.

constexpr std::array<std::string_view, 8> kTextTypes = {
    "char", "varchar", "tinytext", "text", "mediumtext", "longtext", "enum", "set"};

// A column definition as the server holds it: SHOW CREATE leaves out the character set and
// collation when they are the table's defaults, so the same text can mean two columns.
struct ColumnFacts {
  std::string bare;       // the definition without CHARACTER SET x / COLLATE y
  std::string charset;    // text types: the column's own, else the table's; empty otherwise
  std::string collation;  // likewise; empty: the charset's default
  bool nullable = true;

  bool SameDefinition(const ColumnFacts& o) const {
    return bare == o.bare && charset == o.charset && collation == o.collation;
  }
};

ColumnFacts FactsOf(std::string_view definition, const TableDefaults& defaults) {
  const std::vector<Piece> pieces = Tokenize(definition);
  ColumnFacts f;
  bool is_text = false;
  if (!pieces.empty() && pieces[0].kind == PieceKind::kWord) {
    const std::string type = AsciiLower(pieces[0].text);
    is_text = std::find(kTextTypes.begin(), kTextTypes.end(), type) != kTextTypes.end();
  }
  std::optional<std::string> charset;
  std::optional<std::string> collation;
  std::vector<std::pair<size_t, size_t>> cut;  // byte ranges to leave out of `bare`
  for (size_t i = 0; i < pieces.size(); ++i) {
    const Piece& p = pieces[i];
    if (p.depth != 0) continue;
    if (p.IsWord("NOT") && i + 1 < pieces.size() && pieces[i + 1].IsWord("NULL")) {
      f.nullable = false;
    } else if (p.IsWord("CHARACTER") && i + 2 < pieces.size() && pieces[i + 1].IsWord("SET")) {
      charset = pieces[i + 2].text;
      cut.emplace_back(p.begin, pieces[i + 2].end);
      i += 2;
    } else if (p.IsWord("COLLATE") && i + 1 < pieces.size()) {
      collation = pieces[i + 1].text;
      cut.emplace_back(p.begin, pieces[i + 1].end);
      i += 1;
    }
  }
  size_t copied = 0;
  for (auto [begin, end] : cut) {
    size_t keep_end = begin;
    if (keep_end > copied && definition[keep_end - 1] == ' ') --keep_end;  // the space before
    f.bare.append(definition.substr(copied, keep_end - copied));
    copied = end;
  }
  f.bare.append(definition.substr(copied));
  if (is_text) {
    if (charset) {
      f.charset = *charset;
      f.collation = collation.value_or("");
    } else if (collation) {
      f.charset = defaults.charset;
      f.collation = *collation;
    } else {
      f.charset = defaults.charset;
      f.collation = defaults.collation;
    }
  }
  return f;
}

// Indexes of a longest strictly increasing subsequence of `values`.
std::vector<size_t> LongestIncreasing(const std::vector<size_t>& values) {
  const size_t n = values.size();
  std::vector<size_t> length(n, 1);
  std::vector<size_t> prev(n, n);
  size_t best = n;
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (values[j] < values[i] && length[j] + 1 > length[i]) {
        length[i] = length[j] + 1;
        prev[i] = j;
      }
    }
    if (best == n || length[i] > length[best]) best = i;
  }
  std::vector<size_t> out;
  for (size_t i = best; i != n; i = prev[i]) out.push_back(i);
  std::reverse(out.begin(), out.end());
  return out;
}

// ---------------------------------------------------------------------------------------------
// Keys and constraints.

enum class KeyGroup { kIndex, kForeign, kCheck };

KeyGroup GroupOf(CreateKeyKind kind) {
  switch (kind) {
    case CreateKeyKind::kForeign:
      return KeyGroup::kForeign;
    case CreateKeyKind::kCheck:
      return KeyGroup::kCheck;
    default:
      return KeyGroup::kIndex;
  }
}

ColumnScope ScopeOf(CreateKeyKind kind) {
  return kind == CreateKeyKind::kForeign ? ColumnScope::kFirstGroup : ColumnScope::kInParens;
}

std::vector<const CreateKey*> KeysOf(const ParsedCreateTable& table, KeyGroup group) {
  std::vector<const CreateKey*> out;
  for (const CreateKey& k : table.keys) {
    if (GroupOf(k.kind) == group) out.push_back(&k);
  }
  return out;
}

const CreateKey* FindIndex(const ParsedCreateTable& table, std::string_view name) {
  for (const CreateKey& k : table.keys) {
    if (GroupOf(k.kind) == KeyGroup::kIndex && EqualsIgnoreCase(k.name, name)) return &k;
  }
  return nullptr;
}

std::string KeyBlockSize(const std::vector<TableOption>& options) {
  const TableOption* o = FindOption(options, "KEY_BLOCK_SIZE");
  return o != nullptr ? o->value : "0";
}

bool IsIgnored(std::string_view index_line) {
  for (const Piece& p : Tokenize(index_line)) {
    if (p.depth == 0 && p.IsWord("IGNORED")) return true;
  }
  return false;
}

// An index line without its KEY_BLOCK_SIZE=n and IGNORED, followed by the block size the index
// has (its own, else the table's `table_size`). IGNORED is set apart: ALTER INDEX changes it in
// place, and the server takes "DROP INDEX k, ADD KEY k (...)" with the same parts for no change
// at all when nothing else changes, keeping the flag.
std::string IndexIdentity(std::string_view line, std::string_view table_size) {
  const std::vector<Piece> pieces = Tokenize(line);
  std::string out;
  std::string size(table_size);
  size_t copied = 0;
  const auto cut = [&](size_t begin, size_t end) {
    if (begin > copied && line[begin - 1] == ' ') --begin;  // with the space before
    out.append(line.substr(copied, begin - copied));
    copied = end;
  };
  for (size_t i = 0; i < pieces.size(); ++i) {
    const Piece& p = pieces[i];
    if (p.depth != 0) continue;
    if (p.IsWord("KEY_BLOCK_SIZE") && i + 2 < pieces.size() && pieces[i + 1].IsSymbol('=')) {
      size = pieces[i + 2].text;
      cut(p.begin, pieces[i + 2].end);
      i += 2;
    } else if (p.IsWord("IGNORED")) {
      cut(p.begin, p.end);
    }
  }
  out.append(line.substr(copied));
  return fmt::format("{}|{}", out, size);
}

// Where the server puts an index when it sorts a table's keys (sql_table.cc, sort_keys): unique
// ones first (a long UNIQUE ... USING HASH after all others; then the ones whose columns are all
// NOT NULL; PRIMARY first among those; whole-column ones before prefix ones), then the others
// with FULLTEXT last; inside one class, the order the ALTER left them in (kept keys in their
// order, then added keys in the order of the clauses).
using KeyClass = std::array<int, 5>;

KeyClass ClassOf(const CreateKey& key, const ParsedCreateTable& table,
                 const TableDefaults& defaults) {
  if (key.kind != CreateKeyKind::kPrimary && key.kind != CreateKeyKind::kUnique) {
    return {1, key.kind == CreateKeyKind::kFulltext ? 1 : 0, 0, 0, 0};
  }
  const std::vector<Piece> pieces = Tokenize(key.definition);
  bool nullable = false;
  bool prefix = false;
  bool long_hash = false;
  size_t i = 0;
  while (i < pieces.size() && !(pieces[i].depth == 0 && pieces[i].IsSymbol('('))) ++i;
  for (++i; i < pieces.size() && pieces[i].depth > 0; ++i) {  // the column list
    const Piece& p = pieces[i];
    if (p.depth != 1 || p.kind != PieceKind::kIdentifier) continue;
    if (const CreateColumn* c = table.FindColumn(p.text)) {
      if (FactsOf(c->definition, defaults).nullable) nullable = true;
    }
    if (i + 1 < pieces.size() && pieces[i + 1].IsSymbol('(')) prefix = true;
  }
  for (; i + 1 < pieces.size(); ++i) {
    if (pieces[i].depth == 0 && pieces[i].IsWord("USING") && pieces[i + 1].IsWord("HASH")) {
      long_hash = true;
    }
  }
  if (long_hash) return {0, 1, 0, 0, 0};
  return {0, 0, nullable ? 1 : 0, key.kind == CreateKeyKind::kPrimary ? 0 : 1, prefix ? 1 : 0};
}

std::string DropClause(const CreateKey& key) {
  switch (key.kind) {
    case CreateKeyKind::kPrimary:
      return "DROP PRIMARY KEY";
    case CreateKeyKind::kForeign:
      return fmt::format("DROP FOREIGN KEY {}", Quoted(key.name));
    case CreateKeyKind::kCheck:
      return fmt::format("DROP CONSTRAINT {}", Quoted(key.name));
    default:
      return fmt::format("DROP INDEX {}", Quoted(key.name));
  }
}

struct KeyPlan {
  std::vector<const CreateKey*> drops;  // keys of the changed table
  std::vector<const CreateKey*> adds;   // keys of the original table, in its order
};

// The keys of one group to drop and to add so that the group ends up as in `before`, given the
// class each before-key sorts in (nullopt: the server orders the group by itself, by name).
KeyPlan PlanKeys(const std::vector<const CreateKey*>& before,
                 const std::vector<const CreateKey*>& after,
                 const std::function<std::string(const CreateKey&)>& before_identity,
                 const std::function<std::string(const CreateKey&)>& after_identity,
                 const std::vector<std::optional<KeyClass>>& classes) {
  KeyPlan plan;
  std::vector<bool> readd(before.size(), false);
  std::vector<const CreateKey*> match(before.size(), nullptr);
  std::vector<size_t> after_pos(before.size(), 0);
  for (size_t i = 0; i < before.size(); ++i) {
    for (size_t j = 0; j < after.size(); ++j) {
      if (EqualsIgnoreCase(after[j]->name, before[i]->name)) {
        match[i] = after[j];
        after_pos[i] = j;
        break;
      }
    }
    readd[i] = match[i] == nullptr || after_identity(*match[i]) != before_identity(*before[i]);
  }
  // A re-added key goes to the end of its class: the kept keys of a class must be the first
  // ones of that class in `before`, in the changed table's order.
  struct ClassState {
    size_t last_pos = 0;
    bool any = false;
    bool broken = false;
  };
  std::map<KeyClass, ClassState> states;
  for (size_t i = 0; i < before.size(); ++i) {
    if (!classes[i]) continue;
    ClassState& st = states[*classes[i]];
    if (st.broken || readd[i] || (st.any && after_pos[i] < st.last_pos)) {
      st.broken = true;
      readd[i] = true;
      continue;
    }
    st.any = true;
    st.last_pos = after_pos[i];
  }
  for (const CreateKey* a : after) {
    bool keep = false;
    for (size_t i = 0; i < before.size(); ++i) {
      if (match[i] == a && !readd[i]) keep = true;
    }
    if (!keep) plan.drops.push_back(a);
  }
  for (size_t i = 0; i < before.size(); ++i) {
    if (readd[i]) plan.adds.push_back(before[i]);
  }
  return plan;
}

bool SameKey(const CreateKey* a, const CreateKey* b) { return EqualsIgnoreCase(a->name, b->name); }

// ---------------------------------------------------------------------------------------------

class Reverser {
 public:
  Reverser(const ParsedCreateTable& before, const ParsedCreateTable& after,
           const std::vector<schema::ColumnRename>& renames)
      : before_(before),
        after_(after),
        renames_(renames),
        before_options_(ParseOptions(before.table_options)),
        after_options_(ParseOptions(after.table_options)),
        before_defaults_(DefaultsOf(before_options_)),
        after_defaults_(DefaultsOf(after_options_)) {}

  Result<ReverseAlter> Run() {
    SAFEDDL_RETURN_IF_ERROR(MatchColumns());
    PlanColumns();
    PlanAllKeys();
    PlanOptions();
    PlanRest();
    std::vector<std::string> clauses;
    for (auto* list : {&drop_constraints_, &drop_indexes_, &drop_columns_, &columns_, &periods_,
                       &add_indexes_, &add_constraints_, &options_}) {
      clauses.insert(clauses.end(), list->begin(), list->end());
    }
    out_.clauses = JoinStrings(clauses, ", ");
    // Partitioning follows the other clauses without a comma (MariaDB's grammar: the ALTER's
    // list, then PARTITION BY ... or REMOVE PARTITIONING).
    if (!partitioning_.empty()) {
      if (!out_.clauses.empty()) out_.clauses.push_back(' ');
      out_.clauses.append(partitioning_);
    }
    return std::move(out_);
  }

 private:
  // Pairs each column of `after` with the column of `before` it comes from.
  Status MatchColumns() {
    for (const schema::ColumnRename& r : renames_) {
      if (before_.FindColumn(r.from) == nullptr || after_.FindColumn(r.to) == nullptr) {
        return InvalidArgumentError(
            fmt::format("the rename of column {} to {} does not match the two table definitions",
                        Quoted(r.from), Quoted(r.to)));
      }
    }
    source_.assign(after_.columns.size(), std::nullopt);
    target_.assign(before_.columns.size(), std::nullopt);
    for (size_t j = 0; j < after_.columns.size(); ++j) {
      const std::string& name = after_.columns[j].name;
      std::optional<std::string> from;
      for (const schema::ColumnRename& r : renames_) {
        if (EqualsIgnoreCase(r.to, name)) from = r.from;
      }
      if (!from) {
        const bool renamed_away = std::any_of(
            renames_.begin(), renames_.end(),
            [&](const schema::ColumnRename& r) { return EqualsIgnoreCase(r.from, name); });
        if (!renamed_away) from = name;
      }
      if (!from) continue;
      for (size_t i = 0; i < before_.columns.size(); ++i) {
        if (!target_[i] && EqualsIgnoreCase(before_.columns[i].name, *from)) {
          source_[j] = i;
          target_[i] = j;
          break;
        }
      }
    }
    for (size_t i = 0; i < before_.columns.size(); ++i) {
      if (target_[i] && after_.columns[*target_[i]].name != before_.columns[i].name) {
        renamed_.emplace_back(after_.columns[*target_[i]].name, before_.columns[i].name);
      }
    }
    return Status::OK();
  }

  void PlanColumns() {
    for (size_t j = 0; j < after_.columns.size(); ++j) {
      if (!source_[j]) {
        drop_columns_.push_back(fmt::format("DROP COLUMN {}", Quoted(after_.columns[j].name)));
      }
    }
    // Columns that keep their place: a longest run of kept columns already in the original
    // order. Every other column is put back with FIRST / AFTER.
    std::vector<size_t> order;  // before-indexes of kept columns, in the changed table's order
    for (size_t j = 0; j < after_.columns.size(); ++j) {
      if (source_[j]) order.push_back(*source_[j]);
    }
    std::vector<bool> in_place(before_.columns.size(), false);
    for (size_t k : LongestIncreasing(order)) in_place[order[k]] = true;
    // In before order, so that each AFTER names a column already placed: the server resolves
    // AFTER against the columns it has placed so far, clause by clause.
    for (size_t i = 0; i < before_.columns.size(); ++i) {
      const CreateColumn& b = before_.columns[i];
      const std::string position =
          i == 0 ? " FIRST" : fmt::format(" AFTER {}", Quoted(before_.columns[i - 1].name));
      if (!target_[i]) {
        columns_.push_back(
            fmt::format("ADD COLUMN {} {}{}", Quoted(b.name), b.definition, position));
        out_.lossy_reasons.push_back(
            fmt::format("column {} was dropped: its values are gone", Quoted(b.name)));
        continue;
      }
      const CreateColumn& a = after_.columns[*target_[i]];
      const ColumnFacts before_facts = FactsOf(b.definition, before_defaults_);
      const ColumnFacts after_facts =
          FactsOf(MapIdentifiers(a.definition, renamed_, ColumnScope::kAll), after_defaults_);
      const bool changed = !before_facts.SameDefinition(after_facts);
      if (changed) out_.changed_columns.push_back(b.name);
      if (!changed && a.name == b.name && in_place[i]) continue;
      columns_.push_back(fmt::format("CHANGE COLUMN {} {} {}{}", Quoted(a.name), Quoted(b.name),
                                     b.definition, in_place[i] ? "" : position));
    }
  }

  // A key of `after` written as the same key of `before` would be: columns renamed back.
  std::string AfterKeyText(const CreateKey& key) const {
    return MapIdentifiers(key.definition, renamed_, ScopeOf(key.kind));
  }

  void PlanAllKeys() {
    const auto before_text = [](const CreateKey& k) { return k.definition; };
    const auto after_text = [this](const CreateKey& k) { return AfterKeyText(k); };
    // Indexes. An index takes the table's KEY_BLOCK_SIZE when it is made, and keeps it (shown
    // only where it differs from the table's): compare the sizes they have, not the texts.
    {
      const std::string before_size = KeyBlockSize(before_options_);
      const std::string after_size = KeyBlockSize(after_options_);
      const std::vector<const CreateKey*> before = KeysOf(before_, KeyGroup::kIndex);
      std::vector<std::optional<KeyClass>> classes;
      for (const CreateKey* k : before) classes.push_back(ClassOf(*k, before_, before_defaults_));
      const KeyPlan plan = PlanKeys(
          before, KeysOf(after_, KeyGroup::kIndex),
          [&](const CreateKey& k) { return IndexIdentity(k.definition, before_size); },
          [&](const CreateKey& k) { return IndexIdentity(AfterKeyText(k), after_size); }, classes);
      for (const CreateKey* k : plan.drops) drop_indexes_.push_back(DropClause(*k));
      for (const CreateKey* k : plan.adds) add_indexes_.push_back("ADD " + k->definition);
      // Kept indexes whose IGNORED flag the change switched.
      for (const CreateKey* b : before) {
        if (std::find(plan.adds.begin(), plan.adds.end(), b) != plan.adds.end()) continue;
        const CreateKey* a = FindIndex(after_, b->name);
        if (a == nullptr || IsIgnored(a->definition) == IsIgnored(b->definition)) continue;
        add_indexes_.push_back(fmt::format("ALTER INDEX {} {}", Quoted(b->name),
                                           IsIgnored(b->definition) ? "IGNORED" : "NOT IGNORED"));
      }
    }
    // Foreign keys: the server lists them by name, whatever the order they were added in. One
    // ALTER cannot drop and add a foreign key of the same name (InnoDB: duplicate name).
    {
      const std::vector<const CreateKey*> before = KeysOf(before_, KeyGroup::kForeign);
      const std::vector<const CreateKey*> after = KeysOf(after_, KeyGroup::kForeign);
      const KeyPlan plan = PlanKeys(before, after, before_text, after_text,
                                    std::vector<std::optional<KeyClass>>(before.size()));
      for (const CreateKey* k : plan.drops) {
        const bool same_name = std::any_of(plan.adds.begin(), plan.adds.end(),
                                           [&](const CreateKey* b) { return SameKey(b, k); });
        if (!same_name) drop_constraints_.push_back(DropClause(*k));
      }
      for (const CreateKey* k : plan.adds) {
        const bool same_name = std::any_of(plan.drops.begin(), plan.drops.end(),
                                           [&](const CreateKey* a) { return SameKey(a, k); });
        if (same_name) {
          out_.lossy_reasons.push_back(fmt::format(
              "foreign key {} was changed and is not put back (one ALTER cannot drop and add a "
              "foreign key of the same name): run ALTER TABLE ... DROP FOREIGN KEY {}, then "
              "ALTER TABLE ... ADD {}",
              Quoted(k->name), Quoted(k->name), k->definition));
        } else {
          add_constraints_.push_back("ADD " + k->definition);
        }
      }
    }
    // CHECK constraints: kept ones in their order, added ones after them.
    {
      const std::vector<const CreateKey*> before = KeysOf(before_, KeyGroup::kCheck);
      const KeyPlan plan =
          PlanKeys(before, KeysOf(after_, KeyGroup::kCheck), before_text, after_text,
                   std::vector<std::optional<KeyClass>>(before.size(), KeyClass{}));
      for (const CreateKey* k : plan.drops) drop_constraints_.push_back(DropClause(*k));
      for (const CreateKey* k : plan.adds) add_constraints_.push_back("ADD " + k->definition);
    }
  }

  void PlanOptions() {
    for (const TableOption& b : before_options_) {
      if (b.key == "DEFAULT CHARSET" || b.key == "COLLATE") continue;
      const TableOption* a = FindOption(after_options_, b.key);
      if (a != nullptr && a->text == b.text) continue;
      if (b.key == kSystemVersioning) {
        options_.push_back("ADD SYSTEM VERSIONING");
        out_.lossy_reasons.push_back(
            "system versioning was removed: the history rows it kept are gone");
        continue;
      }
      options_.push_back(b.text);
    }
    const TableOption* before_charset = FindOption(before_options_, "DEFAULT CHARSET");
    const TableOption* before_collate = FindOption(before_options_, "COLLATE");
    if (before_defaults_.charset != after_defaults_.charset ||
        before_defaults_.collation != after_defaults_.collation) {
      if (before_charset != nullptr) options_.push_back(before_charset->text);
      if (before_collate != nullptr) options_.push_back(before_collate->text);
    }
    for (const TableOption& a : after_options_) {
      if (FindOption(before_options_, a.key) != nullptr) continue;
      if (a.key == "DEFAULT CHARSET" || a.key == "COLLATE") continue;
      if (a.key == kSystemVersioning) {
        options_.push_back("DROP SYSTEM VERSIONING");
        out_.lossy_reasons.push_back(
            "system versioning was added: dropping it deletes the history rows kept since");
        continue;
      }
      std::optional<std::string> reset = ResetValue(a);
      if (!reset) {
        out_.lossy_reasons.push_back(
            fmt::format("table option {} was added and cannot be taken back", a.text));
        continue;
      }
      options_.push_back(fmt::format("{}={}", a.name, *reset));
    }
  }

  void PlanRest() {
    // Other lines: an application-time PERIOD is put back; anything else (PERIOD FOR
    // SYSTEM_TIME with its explicit ROW START / ROW END columns) is only reported.
    for (const std::string& line : after_.other_lines) {
      const std::string mapped = MapIdentifiers(line, renamed_, ColumnScope::kInParens);
      if (std::find(before_.other_lines.begin(), before_.other_lines.end(), mapped) !=
          before_.other_lines.end()) {
        continue;
      }
      if (std::optional<std::string> period = ApplicationPeriod(line)) {
        drop_columns_.insert(drop_columns_.begin(),
                             fmt::format("DROP PERIOD FOR {}", Quoted(*period)));
      } else {
        out_.lossy_reasons.push_back(
            fmt::format("the change added \"{}\": it is not taken back", line));
      }
    }
    for (const std::string& line : before_.other_lines) {
      const bool kept = std::any_of(
          after_.other_lines.begin(), after_.other_lines.end(), [&](const std::string& a) {
            return MapIdentifiers(a, renamed_, ColumnScope::kInParens) == line;
          });
      if (kept) continue;
      if (ApplicationPeriod(line)) {
        periods_.push_back("ADD " + line);
      } else {
        out_.lossy_reasons.push_back(
            fmt::format("the change removed \"{}\": it is not put back", line));
      }
    }
    if (before_.partitioning != after_.partitioning) {
      partitioning_ = before_.partitioning.empty() ? "REMOVE PARTITIONING" : before_.partitioning;
    }
  }

  const ParsedCreateTable& before_;
  const ParsedCreateTable& after_;
  const std::vector<schema::ColumnRename>& renames_;
  const std::vector<TableOption> before_options_;
  const std::vector<TableOption> after_options_;
  const TableDefaults before_defaults_;
  const TableDefaults after_defaults_;

  std::vector<std::optional<size_t>> source_;  // per after-column: its before-column
  std::vector<std::optional<size_t>> target_;  // per before-column: its after-column
  NameMap renamed_;                            // after name -> before name, where they differ

  std::vector<std::string> drop_constraints_;
  std::vector<std::string> drop_indexes_;
  std::vector<std::string> drop_columns_;
  std::vector<std::string> columns_;
  std::vector<std::string> periods_;
  std::vector<std::string> add_indexes_;
  std::vector<std::string> add_constraints_;
  std::vector<std::string> options_;
  std::string partitioning_;
  ReverseAlter out_;
};

}  // namespace

Result<ReverseAlter> ReverseOfChange(const ParsedCreateTable& before,
                                     const ParsedCreateTable& after,
                                     const std::vector<schema::ColumnRename>& renames) {
  return Reverser(before, after, renames).Run();
}

}  // namespace safeddl::plan
