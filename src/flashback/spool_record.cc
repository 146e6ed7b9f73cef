#include "flashback/spool_record.h"

#include "common/byte_reader.h"

namespace safeddl::flashback {
namespace {

void PutU32(std::string& out, uint32_t n) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
}

void PutField(std::string& out, std::string_view field) {
  PutU32(out, static_cast<uint32_t>(field.size()));
  out.append(field);
}

void PutImage(std::string& out, const std::vector<std::string_view>& image) {
  PutU32(out, static_cast<uint32_t>(image.size()));
  for (std::string_view literal : image) PutField(out, literal);
}

Status GetField(ByteReader& r, std::string_view& field) {
  SAFEDDL_ASSIGN_OR_RETURN(uint32_t n, r.ReadU32());
  SAFEDDL_ASSIGN_OR_RETURN(field, r.ReadBytes(n));
  return Status::OK();
}

Status GetImage(ByteReader& r, std::vector<std::string_view>& image) {
  SAFEDDL_ASSIGN_OR_RETURN(uint32_t n, r.ReadU32());
  if (n > r.remaining() / 4) return CorruptionError("flashback spool: bad column count");
  image.resize(n);
  for (std::string_view& literal : image) SAFEDDL_RETURN_IF_ERROR(GetField(r, literal));
  return Status::OK();
}

Result<OpKind> GetKind(ByteReader& r) {
  SAFEDDL_ASSIGN_OR_RETURN(uint8_t kind, r.ReadU8());
  if (kind > static_cast<uint8_t>(OpKind::kDelete)) {
    return CorruptionError("flashback spool: unknown row operation " + std::to_string(kind));
  }
  return static_cast<OpKind>(kind);
}

}  // namespace

void EncodeRecord(const SpoolRecord& record, std::string& out) {
  out.push_back(static_cast<char>(record.type));
  if (record.type != RecordType::kChange) {
    PutField(out, record.text);
    return;
  }
  PutU32(out, record.table);
  out.push_back(static_cast<char>(record.op.kind));
  out.push_back(static_cast<char>(record.original));
  PutField(out, record.position);
  PutImage(out, record.op.current);
  PutImage(out, record.op.target);
}

Status DecodeRecord(std::string_view bytes, SpoolRecord& out) {
  ByteReader r(bytes);
  SAFEDDL_ASSIGN_OR_RETURN(uint8_t type, r.ReadU8());
  if (type < static_cast<uint8_t>(RecordType::kOpen) ||
      type > static_cast<uint8_t>(RecordType::kChange)) {
    return CorruptionError("flashback spool: unknown record type " + std::to_string(type));
  }
  out.type = static_cast<RecordType>(type);
  if (out.type != RecordType::kChange) {
    SAFEDDL_RETURN_IF_ERROR(GetField(r, out.text));
  } else {
    out.text = {};
    SAFEDDL_ASSIGN_OR_RETURN(out.table, r.ReadU32());
    SAFEDDL_ASSIGN_OR_RETURN(out.op.kind, GetKind(r));
    SAFEDDL_ASSIGN_OR_RETURN(out.original, GetKind(r));
    SAFEDDL_RETURN_IF_ERROR(GetField(r, out.position));
    SAFEDDL_RETURN_IF_ERROR(GetImage(r, out.op.current));
    SAFEDDL_RETURN_IF_ERROR(GetImage(r, out.op.target));
  }
  if (r.remaining() != 0) return CorruptionError("flashback spool: trailing bytes in a record");
  return Status::OK();
}

}  // namespace safeddl::flashback
