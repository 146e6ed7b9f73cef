// libFuzzer target for the binlog event parser: the input is a stream of concatenated events
// (a binlog file without its 4-byte magic). Each event is framed by its header's size, parsed,
// and every decoded row value is rendered to JSON and SQL. Any crash, sanitizer report or hang
// is a bug; Corruption statuses are the expected outcome for garbage.
//
// Build and run (clang only):
//   cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
//         -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSAFEDDL_FUZZ=ON
//   cmake --build build-fuzz --target event_parser_fuzz
//   mkdir -p corpus && tail -c +5 /path/to/a/mariadb-bin.000001 > corpus/seed
//   ./build-fuzz/src/binlog/event_parser_fuzz corpus -max_total_time=300 -rss_limit_mb=2048
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "binlog/event_header.h"
#include "binlog/event_parser.h"
#include "binlog/transaction.h"
#include "binlog/value.h"

namespace {

void RenderRows(const safeddl::binlog::RowsEvent& rows) {
  for (const auto& change : rows.rows) {
    for (const auto* image : {&change.before, &change.after}) {
      for (const auto& v : image->values) {
        (void)safeddl::binlog::ToJson(v);
        (void)safeddl::binlog::ToSqlLiteral(v);
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace safeddl::binlog;  // NOLINT: local to the fuzz entry point
  std::string_view in(reinterpret_cast<const char*>(data), size);
  // Checksums would reject almost every mutation; verify them only for inputs with an odd size
  // so both paths are explored.
  EventParser parser(EventParserOptions{.verify_checksums = (size % 2) == 1});
  TransactionGrouper grouper;
  uint64_t offset = 4;
  while (in.size() >= kEventHeaderLength) {
    auto header = ParseEventHeader(in, offset);
    if (!header.ok() || header->event_size > in.size()) break;
    std::string_view event = in.substr(0, header->event_size);
    auto ev = parser.Parse(event, offset);
    if (ev.ok()) {
      if (const auto* rows = ev->As<RowsEvent>()) RenderRows(*rows);
      (void)grouper.Add(std::move(ev).value());
    }
    in.remove_prefix(header->event_size);
    offset += header->event_size;
  }
  return 0;
}
