#include "core/row_diff.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace servicedesk {
namespace {

std::string quoted(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

// ------------------------------------------------------------ append_json_string

TEST(AppendJsonString, PlainText) {
  EXPECT_EQ(quoted("hello"), R"("hello")");
  EXPECT_EQ(quoted(""), R"("")");
}

TEST(AppendJsonString, AppendsToExistingText) {
  std::string out = "x=";
  append_json_string(out, "a");
  append_json_string(out, "b");
  EXPECT_EQ(out, R"(x="a""b")");
}

TEST(AppendJsonString, QuotesAndBackslashes) {
  EXPECT_EQ(quoted(R"(say "hi")"), R"("say \"hi\"")");
  EXPECT_EQ(quoted(R"(C:\temp\)"), R"("C:\\temp\\")");
  EXPECT_EQ(quoted(R"(\")"), R"("\\\"")");
}

TEST(AppendJsonString, NamedControlCharacters) {
  EXPECT_EQ(quoted("a\nb\tc\rd\be\ff"), R"("a\nb\tc\rd\be\ff")");
}

TEST(AppendJsonString, OtherControlCharactersAsUnicodeEscapes) {
  EXPECT_EQ(quoted(std::string_view("\x00", 1)), R"("\u0000")");
  EXPECT_EQ(quoted("\x01\x1f"), R"("\u0001\u001f")");
  EXPECT_EQ(quoted("\x0b"), R"("\u000b")");
  EXPECT_EQ(quoted("\x1b[0m"), R"("\u001b[0m")");
}

TEST(AppendJsonString, PrintableAsciiAndDeleteAreRaw) {
  EXPECT_EQ(quoted(" ~/'<>&"), R"(" ~/'<>&")");
  EXPECT_EQ(quoted("\x7f"), "\"\x7f\"");
}

TEST(AppendJsonString, UnicodePassesThrough) {
  EXPECT_EQ(quoted("Grüße, 東京 🚀"), "\"Grüße, 東京 🚀\"");
  EXPECT_EQ(quoted("\u2028\u2029"), "\"\u2028\u2029\"");  // valid JSON unescaped
}

// ------------------------------------------------------------ row_object

TEST(RowObject, EveryFieldInOrder) {
  std::array<Field, 4> row = {Field{"id", "7"}, Field{"title", R"("VPN")"},
                              Field{"assignee_id", std::nullopt},
                              Field{"metadata", R"({"a": [1]})"}};
  EXPECT_EQ(row_object(row),
            R"({"id": 7, "title": "VPN", "assignee_id": null, "metadata": {"a": [1]}})");
}

TEST(RowObject, EmptyRow) { EXPECT_EQ(row_object({}), "{}"); }

TEST(RowObject, NamesAreEscaped) {
  std::array<Field, 1> row = {Field{"we\"ird\\name", "1"}};
  EXPECT_EQ(row_object(row), R"({"we\"ird\\name": 1})");
}

TEST(RowObject, EmptyStringValueIsNotNull) {
  std::array<Field, 2> row = {Field{"a", R"("")"}, Field{"b", std::nullopt}};
  EXPECT_EQ(row_object(row), R"({"a": "", "b": null})");
}

// ------------------------------------------------------------ row_diff

constexpr std::array<std::string_view, 1> kIgnoreUpdatedAt = {"updated_at"};

TEST(RowDiff, OnlyChangedColumns) {
  std::array<Field, 4> before = {Field{"id", "1"}, Field{"status", R"("submitted")"},
                                 Field{"priority", R"("low")"}, Field{"title", R"("x")"}};
  std::array<Field, 4> after = {Field{"id", "1"}, Field{"status", R"("in_progress")"},
                                Field{"priority", R"("low")"}, Field{"title", R"("y")"}};
  RowDiff d = row_diff(before, after, {});
  EXPECT_FALSE(d.empty);
  EXPECT_EQ(d.old_values, R"({"status": "submitted", "title": "x"})");
  EXPECT_EQ(d.new_values, R"({"status": "in_progress", "title": "y"})");
}

TEST(RowDiff, IgnoredColumnsNeverAppear) {
  std::array<Field, 2> before = {Field{"title", R"("x")"}, Field{"updated_at", R"("2024-01-01")"}};
  std::array<Field, 2> after = {Field{"title", R"("y")"}, Field{"updated_at", R"("2024-01-02")"}};
  RowDiff d = row_diff(before, after, kIgnoreUpdatedAt);
  EXPECT_EQ(d.old_values, R"({"title": "x"})");
  EXPECT_EQ(d.new_values, R"({"title": "y"})");
}

TEST(RowDiff, OnlyIgnoredChangesIsEmpty) {
  std::array<Field, 2> before = {Field{"title", R"("x")"}, Field{"updated_at", R"("2024-01-01")"}};
  std::array<Field, 2> after = {Field{"title", R"("x")"}, Field{"updated_at", R"("2024-01-02")"}};
  RowDiff d = row_diff(before, after, kIgnoreUpdatedAt);
  EXPECT_TRUE(d.empty);
  EXPECT_EQ(d.old_values, "{}");
  EXPECT_EQ(d.new_values, "{}");
}

TEST(RowDiff, IdenticalRowsAreEmpty) {
  std::array<Field, 3> row = {Field{"id", "1"}, Field{"a", std::nullopt}, Field{"b", R"("z")"}};
  RowDiff d = row_diff(row, row, {});
  EXPECT_TRUE(d.empty);
  EXPECT_EQ(d.old_values, "{}");
  EXPECT_EQ(d.new_values, "{}");
}

TEST(RowDiff, NullVersusValue) {
  std::array<Field, 2> before = {Field{"assignee_id", std::nullopt}, Field{"comment", R"("")"}};
  std::array<Field, 2> after = {Field{"assignee_id", "1001"}, Field{"comment", std::nullopt}};
  RowDiff d = row_diff(before, after, {});
  EXPECT_FALSE(d.empty);
  EXPECT_EQ(d.old_values, R"({"assignee_id": null, "comment": ""})");
  EXPECT_EQ(d.new_values, R"({"assignee_id": 1001, "comment": null})");
}

TEST(RowDiff, JsonNullTextDiffersFromSqlNull) {
  // A jsonb column holding JSON null is rendered "null"; SQL NULL is nullopt.
  std::array<Field, 1> before = {Field{"metadata", "null"}};
  std::array<Field, 1> after = {Field{"metadata", std::nullopt}};
  RowDiff d = row_diff(before, after, {});
  EXPECT_FALSE(d.empty);
  EXPECT_EQ(d.old_values, R"({"metadata": null})");
}

TEST(RowDiff, ComparesTextExactly) {
  std::array<Field, 1> before = {Field{"n", "1.0"}};
  std::array<Field, 1> after = {Field{"n", "1.00"}};
  EXPECT_FALSE(row_diff(before, after, {}).empty);
}

TEST(RowDiff, WidthMismatchIsAnInternalError) {
  std::array<Field, 2> before = {Field{"a", "1"}, Field{"b", "2"}};
  std::array<Field, 1> after = {Field{"a", "1"}};
  try {
    (void)row_diff(before, after, {});
    FAIL() << "expected an Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), sqlstate::kInternal);
    EXPECT_NE(e.detail().find("2"), std::string::npos);
    EXPECT_NE(e.detail().find("1"), std::string::npos);
    EXPECT_FALSE(e.hint().empty());
  }
}

TEST(RowDiff, EmptyRows) {
  RowDiff d = row_diff({}, {}, {});
  EXPECT_TRUE(d.empty);
  EXPECT_EQ(d.old_values, "{}");
}

}  // namespace
}  // namespace servicedesk
