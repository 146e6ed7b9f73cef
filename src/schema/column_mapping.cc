#include "schema/column_mapping.h"

#include <algorithm>
#include <optional>
#include <tuple>
#include <unordered_set>
#include <utility>

#include "common/strings.h"

namespace safeddl::schema {
namespace {

// Width assumed for a key column whose byte length information_schema does not give
// (decimal, temporal, float); larger than any integer so integers win.
constexpr uint64_t kUnknownWidthBytes = 16;

const ColumnRename* FindRename(const AlterAnalysis& alter, std::string_view from) {
  for (const ColumnRename& r : alter.renamed_columns) {
    if (EqualsIgnoreCase(r.from, from)) return &r;
  }
  return nullptr;
}

bool ContainsName(const std::vector<std::string>& names, std::string_view name) {
  return std::any_of(names.begin(), names.end(),
                     [&](const std::string& n) { return EqualsIgnoreCase(n, name); });
}

bool IsRenameTarget(const AlterAnalysis& alter, std::string_view name) {
  return std::any_of(alter.renamed_columns.begin(), alter.renamed_columns.end(),
                     [&](const ColumnRename& r) { return EqualsIgnoreCase(r.to, name); });
}

std::string Quoted(std::string_view name) {
  std::string out = "`";
  for (char c : name) {
    out.push_back(c);
    if (c == '`') out.push_back('`');
  }
  out.push_back('`');
  return out;
}

// The name `source` gets in the ghost per the ALTER; nullopt when the ALTER removes it.
std::optional<std::string> IntendedTarget(const AlterAnalysis& alter, const std::string& source) {
  if (const ColumnRename* r = FindRename(alter, source)) return r->to;
  if (ContainsName(alter.dropped_columns, source)) return std::nullopt;
  // Another column is renamed onto this name, so this one must have been dropped.
  if (IsRenameTarget(alter, source)) return std::nullopt;
  return source;
}

uint64_t IntegerBytes(std::string_view data_type) {
  if (data_type == "tinyint") return 1;
  if (data_type == "smallint") return 2;
  if (data_type == "mediumint") return 3;
  if (data_type == "int") return 4;
  return 8;  // bigint
}

uint64_t WidthBytes(const Column& c) {
  if (c.IsInteger()) return IntegerBytes(c.data_type);
  return c.octet_length.value_or(kUnknownWidthBytes);
}

bool SameType(const Column& a, const Column& b) {
  return EqualsIgnoreCase(a.column_type, b.column_type) && a.collation == b.collation;
}

// Lower rank is better: the original's PRIMARY KEY, a key the new table has as it is (not
// widened), unchanged types, fewer columns, fewer non-integers, fewer bytes.
using KeyRank = std::tuple<int, int, int, size_t, size_t, uint64_t>;

struct Candidate {
  SharedKey key;
  KeyRank rank;
};

// Why `index` is not usable in `table` as a row identity, or "" when it is.
std::string UnusableReason(const TableSchema& table, const Index& index) {
  if (!index.unique) return "not unique";
  if (index.has_prefix_part) return "indexes only a prefix of a column";
  for (const std::string& name : index.columns) {
    const Column* c = table.FindColumn(name);
    if (c == nullptr) return "names unknown column " + Quoted(name);
    if (c->IsGenerated()) return "uses generated column " + Quoted(name);
    if (!index.primary && c->nullable) return "column " + Quoted(name) + " is nullable";
  }
  return "";
}

// A usable ghost index over exactly `columns` (any order); nullptr when there is none.
const Index* FindGhostIndex(const TableSchema& ghost, const std::vector<std::string>& columns) {
  const Index* best = nullptr;
  for (const Index& index : ghost.indexes) {
    if (index.columns.size() != columns.size()) continue;
    if (!std::all_of(columns.begin(), columns.end(),
                     [&](const std::string& c) { return ContainsName(index.columns, c); })) {
      continue;
    }
    if (!UnusableReason(ghost, index).empty()) continue;
    if (best == nullptr || index.primary) best = &index;
  }
  return best;
}

// A usable ghost index that begins with exactly `columns` (any order among them) and goes on
// with more columns: a key the ALTER widened (DROP PRIMARY KEY, ADD PRIMARY KEY (id, i) over a
// PRIMARY KEY (id)). Prefers PRIMARY, then fewer columns; nullptr when there is none.
const Index* FindWiderGhostIndex(const TableSchema& ghost,
                                 const std::vector<std::string>& columns) {
  const Index* best = nullptr;
  for (const Index& index : ghost.indexes) {
    if (index.columns.size() <= columns.size()) continue;
    const bool leads = std::all_of(index.columns.begin(), index.columns.begin() + columns.size(),
                                   [&](const std::string& c) { return ContainsName(columns, c); });
    if (!leads || !UnusableReason(ghost, index).empty()) continue;
    if (best == nullptr || (index.primary && !best->primary) ||
        (index.primary == best->primary && index.columns.size() < best->columns.size())) {
      best = &index;
    }
  }
  return best;
}

// The columns a widened ghost key adds to the original key, by their original names; "" in
// `reason` when each is copied from an original column that is NOT NULL and not generated —
// then the widened key is unique and NOT NULL in the original as well (its original part
// already is), and both tables can be read and written by it.
std::vector<std::string> WideningSources(const TableSchema& original, const ColumnMapping& mapping,
                                         const Index& wider, size_t original_width,
                                         std::string* reason) {
  std::vector<std::string> sources;
  for (size_t i = original_width; i < wider.columns.size(); ++i) {
    const std::string& target = wider.columns[i];
    const std::string* source = mapping.SourceOf(target);
    const Column* c = source ? original.FindColumn(*source) : nullptr;
    if (c == nullptr) {
      *reason = "column " + Quoted(target) + " is not copied from the old table";
    } else if (c->IsGenerated()) {
      *reason = "column " + Quoted(*source) + " is generated in the old table";
    } else if (c->nullable) {
      *reason = "column " + Quoted(*source) + " is nullable in the old table";
    }
    if (!reason->empty()) {
      *reason =
          "the new table's key " + Quoted(wider.name) + " adds a column to it, but " + *reason;
      return {};
    }
    sources.push_back(*source);
  }
  return sources;
}

std::string ColumnList(const std::vector<std::string>& names) {
  std::vector<std::string> quoted;
  quoted.reserve(names.size());
  for (const std::string& n : names) quoted.push_back(Quoted(n));
  return "(" + JoinStrings(quoted, ", ") + ")";
}

}  // namespace

const std::string* ColumnMapping::TargetOf(std::string_view source) const {
  for (const SharedColumn& c : shared) {
    if (EqualsIgnoreCase(c.source, source)) return &c.target;
  }
  return nullptr;
}

const std::string* ColumnMapping::SourceOf(std::string_view target) const {
  for (const SharedColumn& c : shared) {
    if (EqualsIgnoreCase(c.target, target)) return &c.source;
  }
  return nullptr;
}

Result<ColumnMapping> MapColumns(const TableSchema& original, const TableSchema& ghost,
                                 const AlterAnalysis& alter) {
  for (const ColumnRename& r : alter.renamed_columns) {
    // A rename of a column the original lacks was accepted by the server only with IF EXISTS,
    // and did nothing; a rename target missing from the ghost means the ghost is not this ALTER's.
    if (original.FindColumn(r.from) != nullptr && ghost.FindColumn(r.to) == nullptr) {
      return InvalidArgumentError("column " + Quoted(r.from) + " is renamed to " + Quoted(r.to) +
                                  ", but the new table has no column " + Quoted(r.to));
    }
  }
  ColumnMapping mapping;
  std::unordered_set<std::string> matched_ghost;  // lower-cased ghost names with a source
  for (const Column& column : original.columns) {
    std::optional<std::string> target = IntendedTarget(alter, column.name);
    const Column* g = target ? ghost.FindColumn(*target) : nullptr;
    if (g == nullptr) {
      mapping.dropped.push_back(column.name);
      continue;
    }
    matched_ghost.insert(AsciiLower(g->name));
    if (g->IsGenerated()) continue;  // the server computes it
    if (column.IsGenerated()) {
      mapping.generated_to_stored.push_back(column.name);
      continue;
    }
    mapping.shared.push_back({column.name, g->name});
  }
  for (const Column& g : ghost.columns) {
    if (matched_ghost.count(AsciiLower(g.name)) == 0) mapping.added.push_back(g.name);
  }
  return mapping;
}

Result<SharedKey> ChooseSharedKey(const TableSchema& original, const TableSchema& ghost,
                                  const ColumnMapping& mapping) {
  std::vector<std::string> refusals;
  std::optional<Candidate> best;
  for (const Index& index : original.indexes) {
    if (!index.unique) continue;
    const std::string label = index.primary ? "PRIMARY KEY" : "key " + Quoted(index.name);
    std::string reason = UnusableReason(original, index);
    std::vector<std::string> ghost_columns;
    if (reason.empty()) {
      for (const std::string& name : index.columns) {
        const std::string* target = mapping.TargetOf(name);
        if (target == nullptr) {
          reason = "column " + Quoted(name) + " is not copied to the new table";
          break;
        }
        ghost_columns.push_back(*target);
      }
    }
    const Index* ghost_index = nullptr;
    std::vector<std::string> original_columns = index.columns;
    bool widened = false;
    if (reason.empty()) ghost_index = FindGhostIndex(ghost, ghost_columns);
    if (reason.empty() && ghost_index == nullptr) {
      reason =
          "the new table has no PRIMARY or NOT NULL UNIQUE key on " + ColumnList(ghost_columns);
      // A new key that holds this key's columns first, then more, is unique in the old table
      // too. The shared key is then the new one, with this key's columns first in this key's
      // order, so the old table is still read in this index's order (the added columns never
      // reorder rows whose leading values are unique).
      if (const Index* wider = FindWiderGhostIndex(ghost, ghost_columns)) {
        std::string why;
        std::vector<std::string> added =
            WideningSources(original, mapping, *wider, ghost_columns.size(), &why);
        if (why.empty()) {
          reason.clear();
          widened = true;
          ghost_index = wider;
          original_columns.insert(original_columns.end(), added.begin(), added.end());
          ghost_columns.insert(ghost_columns.end(), wider->columns.begin() + index.columns.size(),
                               wider->columns.end());
        } else {
          reason += "; " + why;
        }
      }
    }
    if (!reason.empty()) {
      refusals.push_back(label + ": " + reason);
      continue;
    }
    size_t changed_types = 0;
    size_t non_integers = 0;
    uint64_t width = 0;
    for (size_t i = 0; i < original_columns.size(); ++i) {
      const Column* o = original.FindColumn(original_columns[i]);
      const Column* g = ghost.FindColumn(ghost_columns[i]);
      if (!SameType(*o, *g)) ++changed_types;
      if (!o->IsInteger()) ++non_integers;
      width += WidthBytes(*o);
    }
    Candidate c;
    c.key.original_index = index.name;
    c.key.ghost_index = ghost_index->name;
    c.key.original_columns = std::move(original_columns);
    c.key.ghost_columns = std::move(ghost_columns);
    c.key.primary = index.primary;
    c.key.widened = widened;
    c.key.ordering_columns = index.columns.size();
    c.rank = KeyRank(index.primary ? 0 : 1, widened ? 1 : 0, changed_types == 0 ? 0 : 1,
                     c.key.original_columns.size(), non_integers, width);
    if (!best || c.rank < best->rank) best = std::move(c);
  }
  if (best) return std::move(best->key);
  std::string message =
      "no PRIMARY KEY or NOT NULL UNIQUE key is shared by the old and the new table " +
      Quoted(original.db) + "." + Quoted(original.name) +
      ": add one (in the table, or in the ALTER), or keep the one the ALTER removes";
  if (refusals.empty()) {
    message += " (the table has no unique key at all)";
  } else {
    message += " (" + JoinStrings(refusals, "; ") + ")";
  }
  return FailedPreconditionError(std::move(message));
}

}  // namespace safeddl::schema
