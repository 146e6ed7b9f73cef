#include "flashback/spool_record.h"

#include "common/byte_reader.h"

namespace safeddl::flashback {
namespace {

void PutField(std::string& out, std::string_view field) {
  const auto n = static_cast<uint32_t>(field.size());
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
  out.append(field);
}

}  // namespace

void EncodeRecord(const SpoolRecord& record, std::string& out) {
  out.push_back(static_cast<char>(record.type));
  PutField(out, record.text);
  PutField(out, record.guarded);
  PutField(out, record.check);
  PutField(out, record.row);
}

Result<SpoolRecord> DecodeRecord(std::string_view bytes) {
  ByteReader r(bytes);
  SpoolRecord record;
  SAFEDDL_ASSIGN_OR_RETURN(uint8_t type, r.ReadU8());
  if (type < static_cast<uint8_t>(RecordType::kOpen) ||
      type > static_cast<uint8_t>(RecordType::kClose)) {
    return CorruptionError("flashback spool: unknown record type " + std::to_string(type));
  }
  record.type = static_cast<RecordType>(type);
  for (std::string* field : {&record.text, &record.guarded, &record.check, &record.row}) {
    SAFEDDL_ASSIGN_OR_RETURN(uint32_t n, r.ReadU32());
    SAFEDDL_ASSIGN_OR_RETURN(std::string_view s, r.ReadBytes(n));
    field->assign(s);
  }
  if (r.remaining() != 0) return CorruptionError("flashback spool: trailing bytes in a record");
  return record;
}

}  // namespace safeddl::flashback
