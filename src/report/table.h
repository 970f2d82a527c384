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
  // Disclosure roles, read by the one disclosure filter (src/governance/disclosure.h):
  // a count of people or events (small counts redacted, others rounded), and the count columns
  // a derived value (rate, ratio, share, interval, cost) is computed from: it is redacted when
  // any of them is.
  bool is_count = false;
  std::vector<std::string> based_on;
  bool operator==(const Column&) const = default;
};

// A value withheld by disclosure control (written "*" in CSV, on screen and in XLSX, and as the
// string "redacted" in JSON).
struct Redacted {
  bool operator==(const Redacted&) const = default;
};
inline constexpr std::string_view kRedactedText = "*";

// One value: empty (no value), text, a whole number, a real number, or redacted. Integer columns
// hold int64_t, decimal and percent columns hold double, text columns hold std::string; any
// numeric column may hold Redacted.
using Cell = std::variant<std::monostate, std::string, int64_t, double, Redacted>;

// A horizontal bar drawn beside a numeric column on screen (e.g. the two sides of a population
// pyramid). Bars of one table share one scale; a left bar grows leftwards from the right edge.
struct Bar {
  size_t column = 0;
  bool grows_left = false;
  bool operator==(const Bar&) const = default;
};

// How the server's egress filter (src/server/egress.h) restates a row's values from its published
// (perturbed, rounded) counts, so that no value reveals the true count it was computed from. The
// row's columns are found by name: "numerator", "denominator", "expected", "value", "method" and
// the interval columns stats::LowerColumn/UpperColumn(levels, i).
enum class RestateAs : uint8_t {
  kRatio,            // default: each value x (published first count / true first count) /
                     // (published other count / true other count) for the counts it is based on
  kProportion,       // value and Wilson intervals recomputed from the published numerator and denominator
  kCrudeRate,        // value and Poisson (exact/Byars) intervals from the published counts
  kRatioToExpected,  // indirectly standardised ratio: expected scaled with the denominator, then as kCrudeRate
  kAsComputed,       // not a function of the counts alone (life expectancy, mean cost): left as computed
};
struct RowStatistic {
  RestateAs restate = RestateAs::kRatio;
  double multiplier = 1;        // per 100, per 1,000, ...
  std::vector<double> levels;   // confidence levels of the interval columns
  bool operator==(const RowStatistic&) const = default;
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
  // An integer column holding a count of people or events: subject to disclosure control.
  Table& AddCount(std::string name, std::string label);
  // Declares that the most recently added column is computed from the named count columns of the
  // same row (a rate from its numerator and denominator): it is redacted when any of them is.
  Table& BasedOn(std::vector<std::string> count_columns);
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
  // Marks the most recently added row as the total of the rows above it, back to the previous
  // total row: disclosure control recomputes its counts from the rounded cells.
  void MarkTotalRow();
  bool IsTotalRow(size_t row) const;
  const std::vector<size_t>& total_rows() const { return total_rows_; }
  // Mutable access for filters that rewrite cells in place (disclosure control).
  std::vector<std::vector<Cell>>& mutable_rows() { return rows_; }
  size_t row_count() const { return rows_.size(); }
  // Index of the column named `name`, or nullopt.
  std::optional<size_t> ColumnIndex(std::string_view name) const;

  // Cell keys (cell-key perturbation, src/governance/cell_key.h): the sum modulo 256 of the record
  // keys of the people or events counted in a count cell. Held for the server's egress filter and
  // never written by any writer; Egress::Release removes them.
  void SetCellKey(size_t row, size_t column, uint32_t key);
  // The key of a cell, or nullopt when none was set.
  std::optional<uint32_t> CellKey(size_t row, size_t column) const;
  bool has_cell_keys() const { return !cell_keys_.empty(); }
  // How the egress filter restates row `row`'s values (see RowStatistic).
  void SetRowStatistic(size_t row, RowStatistic statistic);
  // The declared statistic of a row, or nullptr (restated as RestateAs::kRatio).
  const RowStatistic* RowStatisticOf(size_t row) const;
  // Drops the cell keys and row statistics (before a report leaves the server).
  void ClearEgressHints();

  // Notes printed under the table (definitions, exclusions, caveats), one line each.
  std::vector<std::string>& footnotes() { return footnotes_; }
  const std::vector<std::string>& footnotes() const { return footnotes_; }

  bool operator==(const Table&) const = default;

 private:
  std::string name_, title_;
  std::vector<Column> columns_;
  std::vector<std::vector<Cell>> rows_;
  std::vector<Bar> bars_;
  std::vector<size_t> total_rows_;  // ascending
  std::vector<std::string> footnotes_;
  std::vector<std::vector<int32_t>> cell_keys_;           // [row][column]; -1: none
  std::vector<std::optional<RowStatistic>> row_statistics_;  // [row]
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
