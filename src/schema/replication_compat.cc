#include "schema/replication_compat.h"

#include <algorithm>
#include <vector>

#include "schema/alter_lexer.h"
#include "schema/alter_parser.h"

namespace safeddl::schema {
namespace {

using Clause = std::vector<Token>;

// Top-level clauses: tokens between commas outside parentheses.
std::vector<Clause> SplitClauses(const std::vector<Token>& tokens) {
  std::vector<Clause> clauses(1);
  int depth = 0;
  for (const Token& t : tokens) {
    if (t.IsSymbol('(')) ++depth;
    if (t.IsSymbol(')')) --depth;
    if (depth == 0 && t.IsSymbol(',')) {
      clauses.emplace_back();
      continue;
    }
    clauses.back().push_back(t);
  }
  return clauses;
}

bool Has(const Clause& c, std::string_view word, size_t from = 0) {
  int depth = 0;
  for (size_t i = from; i < c.size(); ++i) {
    if (c[i].IsSymbol('(')) ++depth;
    if (c[i].IsSymbol(')')) --depth;
    if (depth == 0 && c[i].IsWord(word)) return true;
  }
  return false;
}

// "" when replication carries the clause, else why not. `same_columns`: no column may be added
// either.
std::string Problem(const Clause& c, bool same_columns) {
  if (c.empty()) return "";
  auto word = [&](size_t i, std::string_view w) { return i < c.size() && c[i].IsWord(w); };
  static constexpr std::string_view kOptions[] = {
      "COMMENT",          "ROW_FORMAT",        "KEY_BLOCK_SIZE",     "FORCE",
      "STATS_PERSISTENT", "STATS_AUTO_RECALC", "STATS_SAMPLE_PAGES", "PAGE_CHECKSUM"};
  if (std::any_of(std::begin(kOptions), std::end(kOptions),
                  [&](std::string_view o) { return word(0, o); })) {
    return "";
  }
  if (word(0, "ENGINE")) {
    const Token& v = c.back();
    return v.IsWord("InnoDB") ? "" : "another engine on the replicas than on the source";
  }
  if (word(0, "ADD")) {
    size_t i = 1;
    if (word(i, "CONSTRAINT")) {
      ++i;
      if (i < c.size() && c[i].IsName() && !word(i, "UNIQUE") && !word(i, "PRIMARY") &&
          !word(i, "FOREIGN") && !word(i, "CHECK")) {
        ++i;
      }
    }
    if (word(i, "UNIQUE") || word(i, "PRIMARY")) {
      return "a unique key on the replicas first: a write the source accepts could break them";
    }
    if (word(i, "FOREIGN")) return "a foreign key";
    if (word(i, "CHECK")) return "a check constraint: a write the source accepts could fail";
    if (word(i, "PARTITION")) return "partitioning";
    if (word(i, "INDEX") || word(i, "KEY") || word(i, "FULLTEXT") || word(i, "SPATIAL")) {
      return "";
    }
    if (same_columns) {
      return "a column added: while the nodes differ they apply each other's rows, which must "
             "have the same columns";
    }
    if (word(i, "COLUMN")) ++i;
    if (Has(c, "FIRST", i) || Has(c, "AFTER", i)) {
      return "a column added elsewhere than at the end: rows events name columns by position";
    }
    if (Has(c, "UNIQUE", i) || Has(c, "PRIMARY", i)) {
      return "a column with a unique key: a write the source accepts could break the replicas";
    }
    return "";
  }
  if (word(0, "DROP")) {
    if (word(1, "PRIMARY")) return "the primary key dropped";
    if ((word(1, "INDEX") || word(1, "KEY")) && !(c.size() > 2 && c[2].text == "PRIMARY")) {
      return "";
    }
    return "a column, key or constraint dropped: rows events name columns by position";
  }
  if (word(0, "MODIFY") || word(0, "CHANGE") || word(0, "ALTER")) {
    return "a column changed: its rows as the source writes them may not fit it";
  }
  if (word(0, "RENAME")) return "a rename";
  return "not known to be carried by row-based replication";
}

Result<ReplicationCompat> Check(std::string_view alter_text, bool same_columns) {
  SAFEDDL_ASSIGN_OR_RETURN(AlterAnalysis analysis, AnalyzeAlter(alter_text));
  SAFEDDL_ASSIGN_OR_RETURN(LexedAlter lexed, LexAlter(analysis.ghost_alter));
  ReplicationCompat out;
  for (const Clause& c : SplitClauses(lexed.tokens)) {
    if (std::string problem = Problem(c, same_columns); !problem.empty()) {
      out.clause = lexed.clean_text.substr(c.front().begin, c.back().end - c.front().begin);
      out.reason = std::move(problem);
      return out;
    }
  }
  out.carried = !analysis.empty();
  if (!out.carried) out.reason = "nothing to change";
  return out;
}

}  // namespace

Result<ReplicationCompat> ReplicationCarries(std::string_view alter_text) {
  return Check(alter_text, /*same_columns=*/false);
}

Result<ReplicationCompat> RowImagesUnchanged(std::string_view alter_text) {
  return Check(alter_text, /*same_columns=*/true);
}

}  // namespace safeddl::schema
