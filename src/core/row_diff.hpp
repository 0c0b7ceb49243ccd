// Row images for the audit trail (SPEC section 7): whole rows on insert and
// delete, only the changed columns on update. The glue renders each column
// value to a JSON fragment; the core compares and assembles the objects.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace servicedesk {

// One column of a row: its name and its value as a JSON fragment
// (nullopt = SQL NULL, rendered as JSON null).
struct Field {
  std::string_view name;
  std::optional<std::string_view> json;
};

// Appends `s` to `out` as a JSON string literal (quotes and escapes included).
// Invalid UTF-8 cannot reach here from PostgreSQL, but bytes below 0x20 and
// the characters JSON forbids raw are escaped.
void append_json_string(std::string& out, std::string_view s);

// {"name": value, ...} for every field, in order.
std::string row_object(std::span<const Field> row);

struct RowDiff {
  std::string old_values;  // JSON object of the changed columns' old values
  std::string new_values;  // JSON object of the changed columns' new values
  bool empty = true;       // nothing changed (ignored columns aside)
};

// Compares two images of the same row, field by field (same order and names).
// Columns listed in `ignored` (e.g. updated_at) never appear in the diff.
RowDiff row_diff(std::span<const Field> old_row, std::span<const Field> new_row,
                 std::span<const std::string_view> ignored);

}  // namespace servicedesk
