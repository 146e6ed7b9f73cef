#include "binlog/column_naming.h"

#include <fmt/format.h>

namespace safeddl::binlog {
namespace {

std::vector<std::string> PositionalNames(size_t n) {
  std::vector<std::string> names;
  names.reserve(n);
  for (size_t i = 0; i < n; ++i) names.push_back(fmt::format("@{}", i + 1));
  return names;
}

}  // namespace

std::string_view NameSourceName(NameSource source) {
  switch (source) {
    case NameSource::kMetadata:
      return "metadata";
    case NameSource::kSchema:
      return "schema";
    case NameSource::kPosition:
      return "position";
  }
  return "position";
}

ColumnNaming ResolveColumnNaming(const TableMapEvent& table,
                                 const std::vector<SchemaColumn>* schema) {
  const size_t n = table.columns.size();
  ColumnNaming naming;
  naming.unsigned_from_schema.assign(n, false);
  bool schema_fits = false;
  if (schema != nullptr) {
    naming.mismatch = SchemaMismatch(table, *schema);
    schema_fits = naming.mismatch.empty();
  }
  if (table.has_column_names) {
    naming.source = NameSource::kMetadata;
    naming.names.reserve(n);
    for (size_t i = 0; i < n; ++i) {
      naming.names.push_back(table.columns[i].name.value_or(fmt::format("@{}", i + 1)));
    }
  } else if (schema_fits) {
    naming.source = NameSource::kSchema;
    for (const SchemaColumn& c : *schema) naming.names.push_back(c.name);
  } else {
    naming.source = NameSource::kPosition;
    naming.names = PositionalNames(n);
  }
  if (table.has_primary_key) {
    for (const PrimaryKeyPart& part : table.primary_key) {
      // A prefix key part does not identify the row by itself; use every column instead.
      if (part.prefix_length != 0 || part.column >= n) {
        naming.primary_key.clear();
        break;
      }
      naming.primary_key.push_back(part.column);
    }
  } else if (schema_fits) {
    for (size_t i = 0; i < n; ++i) {
      if ((*schema)[i].primary_key) naming.primary_key.push_back(static_cast<uint32_t>(i));
    }
  }
  if (!table.has_signedness && schema_fits) {
    for (size_t i = 0; i < n; ++i) {
      naming.unsigned_from_schema[i] = (*schema)[i].is_unsigned && table.columns[i].IsNumeric();
    }
  }
  return naming;
}

}  // namespace safeddl::binlog
