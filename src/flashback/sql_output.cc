#include "flashback/sql_output.h"

#include "flashback/spool_record.h"
#include "flashback/sql_writer.h"

namespace safeddl::flashback {
namespace {

constexpr size_t kFlushBytes = 1 << 16;

Status Flush(std::string& buffer, std::FILE* out) {
  if (buffer.empty()) return Status::OK();
  const bool ok = std::fwrite(buffer.data(), 1, buffer.size(), out) == buffer.size();
  buffer.clear();
  return ok ? Status::OK() : IoError("cannot write the SQL output");
}

}  // namespace

Status WriteSqlScript(ReverseSpool& spool, SpoolOrder order, const std::vector<std::string>& header,
                      std::FILE* out) {
  std::string buffer;
  for (const std::string& line : header) buffer += "-- " + line + "\n";
  buffer += SessionPreamble();
  bool in_transaction = false;
  SpoolRecord record;
  SAFEDDL_RETURN_IF_ERROR(spool.ForEach(order, [&](std::string_view bytes) -> Status {
    SAFEDDL_RETURN_IF_ERROR(DecodeRecord(bytes, record));
    if (record.type == RecordType::kChange) {
      return InternalError("flashback SQL output: the spool holds row changes, not statements");
    }
    if (record.type == RecordType::kStatement) {
      buffer += record.text;
      buffer += '\n';
    } else if (!in_transaction) {
      buffer += "\n-- ";
      buffer += record.text;
      buffer += "\nBEGIN;\n";
      in_transaction = true;
    } else {
      buffer += "COMMIT;\n";
      in_transaction = false;
    }
    if (buffer.size() >= kFlushBytes) return Flush(buffer, out);
    return Status::OK();
  }));
  SAFEDDL_RETURN_IF_ERROR(Flush(buffer, out));
  if (std::fflush(out) != 0) return IoError("cannot write the SQL output");
  return Status::OK();
}

}  // namespace safeddl::flashback
