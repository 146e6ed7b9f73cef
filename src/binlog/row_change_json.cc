#include "binlog/row_change_json.h"

#include <fmt/format.h>

#include <ctime>

#include "binlog/column_decoder.h"

namespace safeddl::binlog {
namespace {

std::string_view KindName(RowsKind kind) {
  switch (kind) {
    case RowsKind::kInsert:
      return "insert";
    case RowsKind::kUpdate:
      return "update";
    case RowsKind::kDelete:
      return "delete";
  }
  return "insert";
}

void AppendImage(std::string& out, std::string_view key, const RowImage& image,
                 const ColumnNaming& naming) {
  out += ",\"";
  out += key;
  out += "\":{";
  bool first = true;
  for (size_t i = 0; i < image.values.size(); ++i) {
    const Value& raw = image.values[i];
    if (raw.is_absent()) continue;
    if (!first) out.push_back(',');
    first = false;
    AppendJsonString(
        out, i < naming.names.size() ? std::string_view(naming.names[i]) : std::string_view("@?"));
    out.push_back(':');
    if (i < naming.unsigned_from_schema.size() && naming.unsigned_from_schema[i]) {
      AppendJson(out, ReinterpretUnsigned(raw));
    } else {
      AppendJson(out, raw);
    }
  }
  out.push_back('}');
}

void AppendName(std::string& out, std::string_view name) {
  if (IsValidUtf8(name)) {
    AppendJsonString(out, name);
  } else {
    AppendJsonString(out, HexEncode(name));
  }
}

}  // namespace

Value NamedValue(const ColumnNaming& naming, const RowImage& image, size_t i) {
  const Value& raw = image.values[i];
  if (i < naming.unsigned_from_schema.size() && naming.unsigned_from_schema[i]) {
    return ReinterpretUnsigned(raw);
  }
  return raw;
}

std::string FormatEventTime(uint32_t timestamp) {
  const std::time_t t = timestamp;
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::string JsonChangePrefix(const ChangeContext& context, const RowsEvent& event) {
  std::string out = "{\"gtid\":";
  if (context.gtid != nullptr) {
    out.push_back('"');
    out += context.gtid->ToString();
    out.push_back('"');
  } else {
    out += "null";
  }
  out += ",\"file\":";
  AppendName(out, context.file);
  out += fmt::format(",\"pos\":{},\"ts\":\"{}\",\"db\":", context.pos,
                     FormatEventTime(context.timestamp));
  AppendName(out, event.table ? std::string_view(event.table->database) : std::string_view());
  out += ",\"table\":";
  AppendName(out, event.table ? std::string_view(event.table->table) : std::string_view());
  out += ",\"type\":\"";
  out += KindName(event.kind);
  out.push_back('"');
  return out;
}

void AppendJsonRowChange(std::string& out, std::string_view prefix, const RowsEvent& event,
                         const RowChange& change, const ColumnNaming& naming) {
  out += prefix;
  if (event.kind != RowsKind::kInsert) AppendImage(out, "before", change.before, naming);
  if (event.kind != RowsKind::kDelete) AppendImage(out, "after", change.after, naming);
  if (naming.source != NameSource::kMetadata) {
    out += ",\"names\":\"";
    out += NameSourceName(naming.source);
    out.push_back('"');
  }
  out += "}\n";
}

void AppendJsonRowChange(std::string& out, const ChangeContext& context, const RowsEvent& event,
                         const RowChange& change, const ColumnNaming& naming) {
  AppendJsonRowChange(out, JsonChangePrefix(context, event), event, change, naming);
}

}  // namespace safeddl::binlog
