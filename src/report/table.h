// Table: one titled, typed table of aggregate results, the unit every report writer (terminal,
// CSV, JSON, XLSX) renders. Columns are declared once with a kind (text, integer, decimal with a
// number of places, percentage) and rows hold one Cell per column. A Table holds aggregates only,
// never person-level values. Plain value type: build it on one thread, then read it from any.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace icb::report {

enum class ColumnKind : uint8_t {
  kText,      // a label
  kInteger,   // a count or whole amount; written with thousands separators on screen
  kDecimal,   // a real number shown with `places` decimal places
  kPercent,   // a percentage in percent units (12.5 means 12.5%), shown with `places` places
};
std::string_view ColumnKindName(ColumnKind k);  // "text", "integer", "decimal", "percent"
std::optional<ColumnKind> ParseColumnKind(std::string_view name);

struct Column {
  std::string name;      // machine name: CSV header, JSON key ("age_band", "cost_gbp")
  std::string label;     // heading on screen and in XLSX ("Age band", "Cost (GBP)")
  ColumnKind kind = ColumnKind::kText;
  int places = 0;        // decimal places for kDecimal and kPercent
  bool operator==(const Column&) const = default;
};

// One value: empty (no value), text, a whole number or a real number. Integer columns hold
// int64_t, decimal and percent columns hold double, text columns hold std::string.
using Cell = std::variant<std::monostate, std::string, int64_t, double>;

// A horizontal bar drawn beside a numeric column on screen (e.g. the two sides of a population
// pyramid). Bars of one table share one scale; a left bar grows leftwards from the right edge.
struct Bar {
  size_t column = 0;
  bool grows_left = false;
  bool operator==(const Bar&) const = default;
};

class Table {
 public:
  Table() = default;
  // `name` is the file stem and sheet name: lower case letters, digits and '_', at most 31.
  Table(std::string name, std::string title);

  Table& AddText(std::string name, std::string label);
  Table& AddInteger(std::string name, std::string label);
  Table& AddDecimal(std::string name, std::string label, int places);
  Table& AddPercent(std::string name, std::string label, int places = 1);
  // Draws a bar for numeric column `column` in the terminal rendering.
  Table& AddBar(size_t column, bool grows_left = false);

  // Appends a row; it must have one cell per column, each of the column's kind or empty (a
  // mismatch is a programming error and asserts).
  void AddRow(std::vector<Cell> row);

  const std::string& name() const { return name_; }
  const std::string& title() const { return title_; }
  const std::vector<Column>& columns() const { return columns_; }
  const std::vector<std::vector<Cell>>& rows() const { return rows_; }
  const std::vector<Bar>& bars() const { return bars_; }
  size_t row_count() const { return rows_.size(); }
  // Index of the column named `name`, or nullopt.
  std::optional<size_t> ColumnIndex(std::string_view name) const;

  // Notes printed under the table (definitions, exclusions, caveats), one line each.
  std::vector<std::string>& footnotes() { return footnotes_; }
  const std::vector<std::string>& footnotes() const { return footnotes_; }

  bool operator==(const Table&) const = default;

 private:
  std::string name_, title_;
  std::vector<Column> columns_;
  std::vector<std::vector<Cell>> rows_;
  std::vector<Bar> bars_;
  std::vector<std::string> footnotes_;
};

// Whether `name` is a valid table name (non-empty, [a-z0-9_], at most 31 characters).
bool IsValidTableName(std::string_view name);

// Cell text as written to CSV: "" when empty, integers plain ("12345"), decimals and percentages
// with the column's places ("12.50"), text as is. Used by the CSV and terminal writers.
std::string PlainCellText(const Column& column, const Cell& cell);
// Cell text for people: integers and decimals with thousands separators ("12,345.6"),
// percentages with a "%" sign ("12.5%"), empty cells as "-".
std::string DisplayCellText(const Column& column, const Cell& cell);
// Digits of a whole number grouped in threes: 1234567 -> "1,234,567", -1000 -> "-1,000".
std::string GroupThousands(int64_t value);

}  // namespace icb::report
