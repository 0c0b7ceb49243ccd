#include "core/no_postgres.hpp"
#include "core/row_diff.hpp"

#include <algorithm>

#include "core/error.hpp"

namespace servicedesk {

void append_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 0xF]);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
}

namespace {

void append_member(std::string& out, const Field& f) {
  if (out.size() > 1) out += ", ";
  append_json_string(out, f.name);
  out += ": ";
  if (f.json) {
    out += *f.json;
  } else {
    out += "null";
  }
}

}  // namespace

std::string row_object(std::span<const Field> row) {
  std::string out = "{";
  for (const Field& f : row) append_member(out, f);
  out += "}";
  return out;
}

RowDiff row_diff(std::span<const Field> old_row, std::span<const Field> new_row,
                 std::span<const std::string_view> ignored) {
  if (old_row.size() != new_row.size()) {
    throw Error(sqlstate::kInternal, "row images of different widths cannot be compared",
                "old row has " + std::to_string(old_row.size()) + " columns, new row has " +
                    std::to_string(new_row.size()),
                "Report this as a bug in servicedesk.");
  }
  RowDiff diff;
  diff.old_values = "{";
  diff.new_values = "{";
  for (std::size_t i = 0; i < old_row.size(); ++i) {
    const Field& o = old_row[i];
    const Field& n = new_row[i];
    if (o.json == n.json) continue;  // both NULL, or the same text
    if (std::find(ignored.begin(), ignored.end(), n.name) != ignored.end()) continue;
    append_member(diff.old_values, o);
    append_member(diff.new_values, n);
    diff.empty = false;
  }
  diff.old_values += "}";
  diff.new_values += "}";
  return diff;
}

}  // namespace servicedesk
