// ChartSpec: a chart declared on a Report, drawn from one of its tables after disclosure control,
// so a picture can never show what its table may not. The spec names columns, not values; the
// renderers (report/svg_writer.h for one chart, report/html_writer.h for a self-contained HTML
// report with every table and chart) read the table. Kinds: population pyramid, bar chart (e.g.
// segment mix), points with interval bars (an indicator by IMD decile), funnel plot, SPC (XmR)
// chart, line chart, fan chart (a central line in a shaded band, for forecasts) and waterfall. Rows marked as total rows are not drawn (a points chart uses the first as
// its reference line). Definitions and examples: docs/reference/charts.md. Plain value type.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace icb::report {

enum class ChartKind : uint8_t {
  kPyramid,              // x: band label column; y: {left (male) count, right (female) count}
  kBar,                  // x: category column; y: one or more value columns (grouped bars)
  kPointsWithIntervals,  // x: category column; y: {value}; lower/upper: interval columns
                         //   (optional); `target`: reference line column (else the total row)
  kFunnel,               // x: denominator column; y: {value}; limits: {lower95, upper95, lower99.8, upper99.8}
                         //   columns, one row per unit; `target` the centre line column
  kSpc,                  // x: date/period column; y: {value}; limits: {mean, lower process limit,
                         //   upper process limit}; `series` optional point-type column for colouring
                         //   (NHSRplotthedots names: special_cause_improvement, special_cause_concern,
                         //   special_cause_neutral, common_cause); `target` optional target column;
                         //   `improvement` "increase", "decrease" or "" (neutral)
  kLine,                 // x: period column; y: one or more series columns, or y: {value} with
                         //   `series` naming the column whose values split the rows into lines
  kFan,                  // x: period column; y: {central value}; lower/upper: the band (e.g. P10, P90);
                         //   `series` optional column splitting rows into several fans
  kWaterfall,            // x: step label column; y: {value}: the first row is the starting level, the
                         //   last row the end level (bars from zero), the rows between are changes
                         //   drawn from the running total; the changes must add up to the end level
};
// "pyramid", "bar", "points", "funnel", "spc", "line", "fan", "waterfall".
std::string_view ChartKindName(ChartKind kind);
std::optional<ChartKind> ParseChartKind(std::string_view name);

struct ChartSpec {
  std::string name;                 // file stem: [a-z0-9_]{1,31}
  std::string title;
  std::string description;          // text alternative for screen readers (also the SVG <desc>)
  ChartKind kind = ChartKind::kBar;
  std::string table;                // a table of the same Report
  std::string x;                    // column names, as documented per kind above
  std::vector<std::string> y;
  std::string lower, upper;
  std::vector<std::string> limits;
  std::string target;
  std::string series;
  std::string x_label, y_label;     // axis titles; empty: the columns' labels
  std::string improvement;          // SPC only: "increase", "decrease" or "" (no direction)
  // Optional row filter: when filter_column is set, only rows whose value in it (as displayed)
  // is one of filter_values are drawn (e.g. one indicator of a long table).
  std::string filter_column;
  std::vector<std::string> filter_values;
  bool operator==(const ChartSpec&) const = default;
};

// Whether `name` is a valid chart name (the same rule as table names: [a-z0-9_]{1,31}).
bool IsValidChartName(std::string_view name);

}  // namespace icb::report
