#include "schema/table_schema.h"

#include <array>

#include "common/strings.h"

namespace safeddl::schema {

std::string_view GeneratedKindName(GeneratedKind kind) {
  switch (kind) {
    case GeneratedKind::kNone:
      return "none";
    case GeneratedKind::kVirtual:
      return "virtual";
    case GeneratedKind::kStored:
      return "stored";
  }
  return "unknown";
}

std::string_view TriggerTimingName(TriggerTiming timing) {
  return timing == TriggerTiming::kBefore ? "BEFORE" : "AFTER";
}

std::string_view TriggerEventName(TriggerEvent event) {
  switch (event) {
    case TriggerEvent::kInsert:
      return "INSERT";
    case TriggerEvent::kUpdate:
      return "UPDATE";
    case TriggerEvent::kDelete:
      return "DELETE";
  }
  return "UNKNOWN";
}

bool Column::IsInteger() const {
  static constexpr std::array<std::string_view, 5> kIntegerTypes = {"tinyint", "smallint",
                                                                    "mediumint", "int", "bigint"};
  for (std::string_view t : kIntegerTypes) {
    if (EqualsIgnoreCase(data_type, t)) return true;
  }
  return false;
}

const Column* TableSchema::FindColumn(std::string_view column) const {
  for (const Column& c : columns) {
    if (EqualsIgnoreCase(c.name, column)) return &c;
  }
  return nullptr;
}

const Index* TableSchema::FindIndex(std::string_view index) const {
  for (const Index& i : indexes) {
    if (EqualsIgnoreCase(i.name, index)) return &i;
  }
  return nullptr;
}

const Index* TableSchema::PrimaryKey() const {
  for (const Index& i : indexes) {
    if (i.primary) return &i;
  }
  return nullptr;
}

}  // namespace safeddl::schema
