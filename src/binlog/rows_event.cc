#include "binlog/rows_event.h"

#include <fmt/format.h>

#include "binlog/column_decoder.h"
#include "binlog/compression.h"

namespace safeddl::binlog {

namespace {

constexpr uint8_t kOldRowsPostHeaderLength = 6;
constexpr uint8_t kRowsV1PostHeaderLength = 8;
constexpr uint16_t kV2ExtraLengthSelf = 2;

Result<std::vector<bool>> ReadBitmap(ByteReader& r, uint64_t bits) {
  SAFEDDL_ASSIGN_OR_RETURN(std::string_view bytes, r.ReadBytes((bits + 7) / 8));
  std::vector<bool> out(bits);
  for (uint64_t i = 0; i < bits; ++i) out[i] = (static_cast<uint8_t>(bytes[i / 8]) >> (i % 8)) & 1;
  return out;
}

Result<RowImage> ReadImage(ByteReader& r, const TableMapEvent& tm,
                           const std::vector<bool>& present) {
  uint64_t present_count = 0;
  for (bool p : present) present_count += p ? 1 : 0;
  SAFEDDL_ASSIGN_OR_RETURN(std::string_view nulls, r.ReadBytes((present_count + 7) / 8));
  RowImage image;
  image.values.resize(tm.columns.size());
  uint64_t k = 0;  // index among present columns
  for (size_t i = 0; i < present.size(); ++i) {
    if (!present[i]) continue;
    const bool is_null = (static_cast<uint8_t>(nulls[k / 8]) >> (k % 8)) & 1;
    ++k;
    const ColumnDef& col = tm.columns[i];
    if (is_null) {
      image.values[i] = Value::Null(col.type);
      continue;
    }
    const uint64_t at = r.offset();
    Result<Value> v = DecodeColumnValue(r, col);
    if (!v.ok()) {
      return v.status().WithContext(fmt::format("`{}`.`{}` column {} ({}) at offset {}",
                                                tm.database, tm.table, i,
                                                col.name.value_or(ColumnTypeName(col.type)), at));
    }
    image.values[i] = std::move(v).value();
  }
  return image;
}

Status ReadRows(ByteReader r, const RowsEvent& ev, std::vector<RowChange>& out) {
  const TableMapEvent& tm = *ev.table;
  while (!r.empty()) {
    const size_t before = r.position();
    RowChange change;
    if (ev.kind != RowsKind::kInsert) {
      SAFEDDL_ASSIGN_OR_RETURN(change.before, ReadImage(r, tm, ev.before_columns));
    }
    if (ev.kind != RowsKind::kDelete) {
      SAFEDDL_ASSIGN_OR_RETURN(change.after, ReadImage(r, tm, ev.after_columns));
    }
    if (r.position() == before) {
      // Only possible for a zero-column image; without this check the loop would never end.
      return CorruptionError(
          fmt::format("rows event: empty row image with {} bytes left at offset {}", r.remaining(),
                      r.offset()));
    }
    out.push_back(std::move(change));
  }
  return Status::OK();
}

}  // namespace

Result<RowsEvent> ParseRowsEvent(ByteReader body, const RowsEventTraits& traits,
                                 uint8_t post_header_len, const TableMaps& tables,
                                 RowsDecoding decoding) {
  RowsEvent ev;
  ev.kind = traits.kind;
  const uint64_t start = body.offset();
  const size_t id_len = post_header_len == kOldRowsPostHeaderLength ? 4 : 6;
  SAFEDDL_ASSIGN_OR_RETURN(ev.table_id, body.ReadUintLe(id_len));
  SAFEDDL_ASSIGN_OR_RETURN(ev.flags, body.ReadU16());
  if (traits.v2) {
    const uint64_t at = body.offset();
    SAFEDDL_ASSIGN_OR_RETURN(uint16_t extra_len, body.ReadU16());
    if (extra_len < kV2ExtraLengthSelf) {
      return CorruptionError(
          fmt::format("rows event: extra-data length {} at offset {}", extra_len, at));
    }
    SAFEDDL_RETURN_IF_ERROR(body.Skip(extra_len - kV2ExtraLengthSelf));
  } else if (post_header_len > kRowsV1PostHeaderLength) {
    SAFEDDL_RETURN_IF_ERROR(body.Skip(post_header_len - kRowsV1PostHeaderLength));
  }
  const uint64_t count_at = body.offset();
  SAFEDDL_ASSIGN_OR_RETURN(ev.column_count, body.ReadPackedInt());

  auto it = tables.find(ev.table_id);
  if (it == tables.end()) {
    return CorruptionError(fmt::format(
        "rows event at offset {}: table id {} has no preceding TABLE_MAP", start, ev.table_id));
  }
  ev.table = it->second;
  if (ev.column_count > ev.table->columns.size()) {
    return CorruptionError(fmt::format(
        "rows event at offset {}: {} columns but the table map of `{}`.`{}` has {}", count_at,
        ev.column_count, ev.table->database, ev.table->table, ev.table->columns.size()));
  }
  if (ev.kind != RowsKind::kInsert) {
    SAFEDDL_ASSIGN_OR_RETURN(ev.before_columns, ReadBitmap(body, ev.column_count));
  }
  if (ev.kind == RowsKind::kInsert) {
    SAFEDDL_ASSIGN_OR_RETURN(ev.after_columns, ReadBitmap(body, ev.column_count));
  } else if (ev.kind == RowsKind::kUpdate) {
    SAFEDDL_ASSIGN_OR_RETURN(ev.after_columns, ReadBitmap(body, ev.column_count));
  }
  if (!traits.compressed && decoding == RowsDecoding::kValues) {
    // Decode in place: no copy of the row images.
    SAFEDDL_RETURN_IF_ERROR(ReadRows(body, ev, ev.rows));
    return ev;
  }
  EncodedRows& encoded = ev.encoded.emplace();
  if (traits.compressed) {
    const uint64_t at = body.offset();
    SAFEDDL_ASSIGN_OR_RETURN(encoded.bytes, DecompressMariaDbPayload(body));
    encoded.context =
        fmt::format("decompressed rows of the event at offset {} (payload at {})", start, at);
  } else {
    encoded.offset = body.offset();
    encoded.bytes = std::string(body.ReadRest());
  }
  if (decoding == RowsDecoding::kValues) {
    SAFEDDL_ASSIGN_OR_RETURN(ev.rows, DecodeRows(ev));
    ev.encoded.reset();
  }
  return ev;
}

Result<std::vector<RowChange>> DecodeRows(const RowsEvent& event) {
  std::vector<RowChange> rows;
  const EncodedRows& encoded = *event.encoded;
  Status s = ReadRows(ByteReader(encoded.bytes, encoded.offset), event, rows);
  if (!s.ok()) return encoded.context.empty() ? s : s.WithContext(encoded.context);
  return rows;
}

}  // namespace safeddl::binlog
