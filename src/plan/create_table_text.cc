#include "plan/create_table_text.h"

#include <fmt/format.h>

#include <cstddef>
#include <optional>
#include <utility>

#include "common/strings.h"

namespace safeddl::plan {
namespace {

constexpr std::string_view kCreatePrefix = "CREATE TABLE ";
constexpr std::string_view kAutoIncrement = "AUTO_INCREMENT=";

struct KeyPrefix {
  std::string_view text;  // the line's start, up to the key's name
  CreateKeyKind kind;
};

// Index lines name the key right after these words; PRIMARY KEY and CONSTRAINT are read apart.
constexpr KeyPrefix kIndexPrefixes[] = {
    {"UNIQUE KEY ", CreateKeyKind::kUnique},
    {"KEY ", CreateKeyKind::kPlain},
    {"FULLTEXT KEY ", CreateKeyKind::kFulltext},
    {"SPATIAL KEY ", CreateKeyKind::kSpatial},
};

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// Position just past the quoted run opening at text[pos] (` identifier, ' or " string: the
// closing character doubled stays inside, and a backslash escapes the next byte in strings);
// npos when it is not closed.
size_t SkipQuoted(std::string_view text, size_t pos) {
  const char quote = text[pos];
  size_t i = pos + 1;
  while (i < text.size()) {
    if (quote != '`' && text[i] == '\\') {
      i += 2;
      continue;
    }
    if (text[i] == quote) {
      if (i + 1 < text.size() && text[i + 1] == quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    ++i;
  }
  return std::string_view::npos;
}

bool IsQuote(char c) { return c == '`' || c == '\'' || c == '"'; }

// The first '\n' at or after `pos` outside quotes (text.size() when there is none); npos when a
// quote is not closed. The server writes newlines inside strings as \n, but an identifier may
// hold a raw one.
size_t LineEnd(std::string_view text, size_t pos) {
  size_t i = pos;
  while (i < text.size()) {
    if (text[i] == '\n') return i;
    if (IsQuote(text[i])) {
      i = SkipQuoted(text, i);
      if (i == std::string_view::npos) return i;
      continue;
    }
    ++i;
  }
  return text.size();
}

// Reads the backtick identifier at text[pos]: its unquoted name, and `pos` moved past it.
std::optional<std::string> ReadIdentifier(std::string_view text, size_t& pos) {
  if (pos >= text.size() || text[pos] != '`') return std::nullopt;
  const size_t end = SkipQuoted(text, pos);
  if (end == std::string_view::npos) return std::nullopt;
  std::string name;
  for (size_t i = pos + 1; i + 1 < end; ++i) {
    name.push_back(text[i]);
    if (text[i] == '`') ++i;  // doubled
  }
  pos = end;
  return name;
}

// `options` without its AUTO_INCREMENT=n item (only at top level: a COMMENT may hold the words).
std::string WithoutAutoIncrement(std::string_view options) {
  size_t i = 0;
  while (i < options.size()) {
    if (IsQuote(options[i])) {
      i = SkipQuoted(options, i);
      if (i == std::string_view::npos) break;
      continue;
    }
    const bool item_start = i == 0 || options[i - 1] == ' ';
    if (item_start && options.substr(i, kAutoIncrement.size()) == kAutoIncrement) {
      size_t end = i + kAutoIncrement.size();
      while (end < options.size() && options[end] >= '0' && options[end] <= '9') ++end;
      if (end > i + kAutoIncrement.size() && (end == options.size() || options[end] == ' ')) {
        // Take the item with the space that separates it from its neighbours.
        size_t begin = i;
        if (begin > 0) {
          --begin;
        } else if (end < options.size()) {
          ++end;
        }
        return std::string(options.substr(0, begin)) + std::string(options.substr(end));
      }
    }
    ++i;
  }
  return std::string(options);
}

Status NotShowCreate(std::string_view why) {
  return InvalidArgumentError(
      fmt::format("not a SHOW CREATE TABLE text of MariaDB's shape: {}", why));
}

// Where the parts of a SHOW CREATE text are, for ComparableCreate.
struct Layout {
  size_t name_begin = 0;  // the quoted table name
  size_t name_end = 0;
  size_t options_begin = 0;  // the text after ") " on the closing line
  size_t options_end = 0;
};

// Classifies one definition line (no leading spaces, no trailing comma).
Status AddDefinition(std::string_view line, ParsedCreateTable& out) {
  if (line.empty()) return NotShowCreate("an empty definition line");
  if (line[0] == '`') {
    size_t pos = 0;
    std::optional<std::string> name = ReadIdentifier(line, pos);
    if (!name || pos >= line.size() || line[pos] != ' ') {
      return NotShowCreate(fmt::format("a column line without a definition: {}", line));
    }
    out.columns.push_back(CreateColumn{std::move(*name), std::string(line.substr(pos + 1))});
    return Status::OK();
  }
  if (StartsWith(line, "PRIMARY KEY ")) {
    out.keys.push_back(CreateKey{CreateKeyKind::kPrimary, "PRIMARY", std::string(line)});
    return Status::OK();
  }
  for (const KeyPrefix& prefix : kIndexPrefixes) {
    if (!StartsWith(line, prefix.text)) continue;
    size_t pos = prefix.text.size();
    std::optional<std::string> name = ReadIdentifier(line, pos);
    if (!name) return NotShowCreate(fmt::format("a key without a quoted name: {}", line));
    out.keys.push_back(CreateKey{prefix.kind, std::move(*name), std::string(line)});
    return Status::OK();
  }
  if (StartsWith(line, "CONSTRAINT ")) {
    size_t pos = std::string_view("CONSTRAINT ").size();
    std::optional<std::string> name = ReadIdentifier(line, pos);
    if (!name) return NotShowCreate(fmt::format("a constraint without a quoted name: {}", line));
    const std::string_view rest = line.substr(pos);
    if (StartsWith(rest, " FOREIGN KEY ")) {
      out.keys.push_back(CreateKey{CreateKeyKind::kForeign, std::move(*name), std::string(line)});
      return Status::OK();
    }
    if (StartsWith(rest, " CHECK ")) {
      out.keys.push_back(CreateKey{CreateKeyKind::kCheck, std::move(*name), std::string(line)});
      return Status::OK();
    }
  }
  out.other_lines.emplace_back(line);
  return Status::OK();
}

Result<ParsedCreateTable> Parse(std::string_view text, Layout* layout) {
  ParsedCreateTable out;
  if (!StartsWith(text, kCreatePrefix)) return NotShowCreate("it does not start with CREATE TABLE");
  size_t pos = kCreatePrefix.size();
  const size_t name_begin = pos;
  std::optional<std::string> name = ReadIdentifier(text, pos);
  if (!name) {
    return NotShowCreate("the table name is not backtick-quoted (is sql_quote_show_create off?)");
  }
  out.name = std::move(*name);
  if (text.substr(pos, 3) != " (\n") return NotShowCreate("no \" (\" line break after the name");
  if (layout != nullptr) {
    layout->name_begin = name_begin;
    layout->name_end = pos;
  }
  pos += 3;
  while (true) {
    if (pos >= text.size()) return NotShowCreate("no closing ')' line");
    if (text[pos] == ')') break;
    const size_t end = LineEnd(text, pos);
    if (end == std::string_view::npos) return NotShowCreate("an unterminated quote");
    if (end == text.size()) return NotShowCreate("no closing ')' line");
    std::string_view line = text.substr(pos, end - pos);
    if (!StartsWith(line, "  ")) {
      return NotShowCreate(fmt::format("a definition line not indented by two spaces: {}", line));
    }
    line.remove_prefix(2);
    if (!line.empty() && line.back() == ',') line.remove_suffix(1);
    SAFEDDL_RETURN_IF_ERROR(AddDefinition(line, out));
    pos = end + 1;
  }
  if (out.columns.empty()) return NotShowCreate("no column");
  // ") ENGINE=..." up to the end of that line; the partitioning follows on the next lines.
  size_t options_begin = pos + 1;
  if (options_begin < text.size() && text[options_begin] == ' ') ++options_begin;
  const size_t options_end = LineEnd(text, options_begin);
  if (options_end == std::string_view::npos) return NotShowCreate("an unterminated quote");
  if (layout != nullptr) {
    layout->options_begin = options_begin;
    layout->options_end = options_end;
  }
  out.table_options =
      WithoutAutoIncrement(TrimWhitespace(text.substr(options_begin, options_end - options_begin)));
  if (options_end < text.size()) {
    out.partitioning = std::string(TrimWhitespace(text.substr(options_end)));
  }
  return out;
}

}  // namespace

const CreateColumn* ParsedCreateTable::FindColumn(std::string_view column) const {
  for (const CreateColumn& c : columns) {
    if (EqualsIgnoreCase(c.name, column)) return &c;
  }
  return nullptr;
}

const CreateKey* ParsedCreateTable::FindKey(std::string_view key) const {
  for (const CreateKey& k : keys) {
    if (EqualsIgnoreCase(k.name, key)) return &k;
  }
  return nullptr;
}

Result<ParsedCreateTable> ParseCreateTable(std::string_view show_create) {
  return Parse(show_create, nullptr);
}

std::string ComparableCreate(std::string_view show_create) {
  const std::string_view text = TrimWhitespace(show_create);
  Layout layout;
  if (!Parse(text, &layout).ok()) return std::string(text);
  std::string out(text.substr(0, layout.name_begin));
  out.append(text.substr(layout.name_end + 1, layout.options_begin - layout.name_end - 1));
  out.append(WithoutAutoIncrement(
      text.substr(layout.options_begin, layout.options_end - layout.options_begin)));
  out.append(text.substr(layout.options_end));
  return out;
}

}  // namespace safeddl::plan
