// QUERY_EVENT (2) and MariaDB's QUERY_COMPRESSED_EVENT (165): statement text with its default
// database — BEGIN / COMMIT / ROLLBACK around row events, DDL, and statement-format DML.
// The status variables block is skipped by its announced length, never interpreted.
// Plain value type and pure function: thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "common/byte_reader.h"
#include "common/result.h"

namespace safeddl::binlog {

// Minimal post-header: thread_id u32, exec_time u32, db_len u8, error_code u16, status_len u16.
inline constexpr uint8_t kQueryPostHeaderLength = 13;

struct QueryEvent {
  uint32_t thread_id = 0;
  uint32_t exec_time = 0;
  uint16_t error_code = 0;
  std::string database;
  std::string query;

  bool IsBegin() const;     // "BEGIN"
  bool IsCommit() const;    // "COMMIT"
  bool IsRollback() const;  // "ROLLBACK" (a non-transactional group that was rolled back)
};

// `post_header_len` comes from the FORMAT_DESCRIPTION event (13 on every current server); any
// extra post-header bytes are skipped. `compressed` selects QUERY_COMPRESSED_EVENT decoding.
Result<QueryEvent> ParseQueryEvent(ByteReader body, uint8_t post_header_len, bool compressed);

}  // namespace safeddl::binlog
