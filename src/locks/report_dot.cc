#include <fmt/format.h>

#include "locks/report.h"

namespace safeddl::locks {
namespace {

// A DOT string literal: quotes and backslashes escaped, newlines as \n.
std::string DotString(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::string RenderDot(const UnblockReport& r) {
  std::string out = "digraph mdl {\n  rankdir=LR;\n  node [shape=box, fontname=\"monospace\"];\n";
  for (const Pileup& p : r.graph->pileups) {
    const std::string table_node = DotString("table " + p.table.ToString());
    out += fmt::format("  {} [shape=cylinder];\n", table_node);
    std::string root_target = table_node;
    for (const Holder& h : p.holders) {
      out += fmt::format(
          "  s{} [label={}, color=red];\n", h.session_id,
          DotString(fmt::format("{}\n{} root blocker", h.session_id, EvidenceName(h.evidence))));
      out += fmt::format("  s{} -> {} [label=\"holds\"];\n", h.session_id, table_node);
    }
    if (p.ddl_id) {
      out += fmt::format("  s{} [label={}, color=orange];\n", *p.ddl_id,
                         DotString(fmt::format("{}\nDDL{}", *p.ddl_id,
                                               p.ddl_waiting ? " (waiting)" : " (running)")));
      if (p.ddl_waiting) {
        for (const Holder& h : p.holders) {
          out += fmt::format("  s{} -> s{} [label=\"waits for\"];\n", *p.ddl_id, h.session_id);
        }
      } else {
        out += fmt::format("  s{} -> {} [label=\"holds\"];\n", *p.ddl_id, table_node);
      }
      root_target = fmt::format("s{}", *p.ddl_id);
    }
    for (const Waiter& w : p.queued) {
      out += fmt::format("  s{} [label={}];\n", w.session_id,
                         DotString(fmt::format("{}\n{}", w.session_id, w.verb)));
      out += fmt::format("  s{} -> {} [label=\"queued\"];\n", w.session_id, root_target);
    }
  }
  return out + "}\n";
}

}  // namespace safeddl::locks
