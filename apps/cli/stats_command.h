// `icb stats <method>`: each statistical method is a sub-subcommand in its own stats_<method>.cc,
// registered with ICB_REGISTER_STATS_METHOD (like ICB_REGISTER_COMMAND). The setup function gets
// the `stats` subcommand, adds its own subcommand and options (--input is common: use
// AddStatsCommonOptions), and returns the function that runs it. Output is CSV with
// PHEindicatormethods column names, to stdout or to --out FILE (written atomically), numbers with
// 15 significant digits (not the table's display places) and empty cells for NA. Counts pass
// disclosure control (--disclosure, default standard) like every other aggregate output.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "apps/cli/command.h"
#include "report/chart.h"
#include "report/table.h"
#include "stats/estimate.h"
#include "stats/input_table.h"

namespace icb::cli {

// Options every method takes.
struct StatsCommonArgs {
  std::string input;                  // --input FILE.csv (required)
  std::string out;                    // --out FILE.csv (default: stdout)
  std::string confidence = "0.95";    // --confidence 0.95 | 0.998 | 0.95,0.998
  std::string group_col = "group";    // --group-col
  std::string numerator_col = "numerator";      // --numerator-col
  std::string denominator_col = "denominator";  // --denominator-col
  std::string disclosure = "standard";          // --disclosure standard | strict | none
};
void AddStatsCommonOptions(CLI::App* method, StatsCommonArgs& args);

// Reads --input (stats/input_table.h), reporting errors as the CLI does; nullopt after printing.
std::optional<stats::InputTable> ReadStatsInput(const StatsCommonArgs& args, int& exit_code);
// Writes `table` as CSV to args.out (atomically) or stdout, after disclosure control; returns the
// exit code.
int WriteStatsOutput(const report::Table& table, const StatsCommonArgs& args);
// Writes `spec` drawn from `table` (after the same disclosure control as the CSV) as an SVG file at
// `path` (atomically); returns the exit code.
int WriteStatsChart(const report::Table& table, report::ChartSpec spec, const StatsCommonArgs& args,
                    const std::string& path);

int RegisterStatsMethod(const char* name, SetupFn setup);

// ---- Helpers shared by the method files -------------------------------------------------------

// The rows of the input split into groups by the comma-separated column names in `group_spec`
// (in order of first appearance). When none of the columns exists and `group_spec` is the default
// "group": each row is its own group (per_row_when_absent) or the whole file is one group.
struct StatsGroups {
  std::vector<size_t> key_columns;            // input columns that name a group (may be empty)
  std::vector<std::vector<size_t>> rows;      // input rows of each group
};
Result<StatsGroups> GroupInput(const stats::InputTable& input, const std::string& group_spec,
                               bool per_row_when_absent);
// "<group values joined by ', '>" for messages (aggregate labels such as area codes).
std::string GroupLabel(const stats::InputTable& input, const StatsGroups& groups, size_t g);

// A cell as a number: InvalidInput naming file, line and column for text or (unless allowed) a
// negative value; nullopt for an empty/NA cell.
Result<std::optional<double>> ReadNumber(const stats::InputTable& input, size_t row, size_t col,
                                         bool allow_negative = false);
// As ReadNumber, but a missing value is an error naming file, line and column.
Result<double> ReadRequiredNumber(const stats::InputTable& input, size_t row, size_t col,
                                  bool allow_negative = false);

// Adds the group columns of `groups` to `table` (text).
void AddGroupColumns(report::Table& table, const stats::InputTable& input, const StatsGroups& groups);
// Appends group g's key cells to `row`.
void AppendGroupCells(std::vector<report::Cell>& row, const stats::InputTable& input, const StatsGroups& groups,
                      size_t g);
// Adds an input aggregate column: a disclosure-controlled count when every value is a whole
// number, a decimal otherwise.
void AddAggregateColumn(report::Table& table, const std::string& name, bool whole_numbers);
// A cell for an aggregate column added by AddAggregateColumn.
report::Cell AggregateCell(double value, bool whole_numbers);
// Adds value, the limit columns for `levels`, confidence, statistic and method; value and limits
// are BasedOn `based_on` (the count columns they are computed from).
void AddEstimateColumns(report::Table& table, const std::vector<double>& levels,
                        const std::vector<std::string>& based_on);
void AppendEstimateCells(std::vector<report::Cell>& row, const stats::Estimate& estimate);
// A decimal cell: empty for NaN.
report::Cell NumberCell(double value);
// Whether every value is a whole number (NaN ignored).
bool AllWhole(const std::vector<double>& values);
// Parses --confidence, printing the error; nullopt after printing (exit code set to 64).
std::optional<std::vector<double>> ParseLevels(const StatsCommonArgs& args, int& exit_code);

}  // namespace icb::cli

#define ICB_REGISTER_STATS_METHOD(name, setup) \
  static const int icb_registered_stats_##name = ::icb::cli::RegisterStatsMethod(#name, setup)
