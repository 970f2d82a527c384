// icb stats life-expectancy: period life expectancy per group (stats/life_expectancy.h) from deaths
// and populations in the 20 bands 0, 1-4, 5-9, ..., 85-89, 90+.
#include <cmath>
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "apps/cli/stats_command.h"
#include "stats/life_expectancy.h"

namespace icb::cli {
namespace {

struct LeArgs {
  StatsCommonArgs common;
  std::string age_band_col = "age_band";
  double at_age = -1;  // < 0: every start age
};

int RunLe(const LeArgs& args) {
  int rc = 0;
  auto levels = ParseLevels(args.common, rc);
  if (!levels) return rc;
  auto input = ReadStatsInput(args.common, rc);
  if (!input) return rc;
  auto groups = GroupInput(*input, args.common.group_col, /*per_row_when_absent=*/false);
  if (!groups.ok()) return ReportError(groups.status());
  auto bcol = input->Column(args.age_band_col);
  if (!bcol.ok()) return ReportError(bcol.status());
  auto xcol = input->Column(args.common.numerator_col);
  if (!xcol.ok()) return ReportError(xcol.status());
  auto ncol = input->Column(args.common.denominator_col);
  if (!ncol.ok()) return ReportError(ncol.status());
  std::optional<double> at_age;
  if (args.at_age >= 0) at_age = args.at_age;

  report::Table table("life_expectancy", "Life expectancy");
  AddGroupColumns(table, *input, *groups);
  table.AddInteger("age", "age");
  AddEstimateColumns(table, *levels, {});
  for (size_t g = 0; g < groups->rows.size(); ++g) {
    std::vector<double> ages, deaths, pops;
    for (size_t r : groups->rows[g]) {
      const auto age = stats::ParseStartAge(input->cell(r, *bcol));
      if (!age)
        return ReportError(Status::InvalidInput(input->Where(r) + " column " + std::to_string(*bcol + 1) + " (" +
                                                args.age_band_col + "): expected an age band starting with its age "
                                                "(0, 1-4, 5-9, ..., 90+)"));
      auto d = ReadRequiredNumber(*input, r, *xcol);
      if (!d.ok()) return ReportError(d.status());
      auto p = ReadRequiredNumber(*input, r, *ncol);
      if (!p.ok()) return ReportError(p.status());
      ages.push_back(*age);
      deaths.push_back(*d);
      pops.push_back(*p);
    }
    auto rows = stats::LifeExpectancy(ages, deaths, pops, *levels, at_age);
    if (!rows.ok()) return ReportError(Status::InvalidInput(input->source() + " " + GroupLabel(*input, *groups, g) +
                                                            ": " + rows.status().message()));
    for (const auto& le : *rows) {
      if (!le.estimate.note.empty())
        std::fprintf(stderr, "icb: warning: %s %s age %g: %s\n", input->source().c_str(),
                     GroupLabel(*input, *groups, g).c_str(), le.start_age, le.estimate.note.c_str());
      std::vector<report::Cell> row;
      AppendGroupCells(row, *input, *groups, g);
      row.push_back(static_cast<int64_t>(le.start_age));
      AppendEstimateCells(row, le.estimate);
      table.AddRow(std::move(row));
    }
  }
  return WriteStatsOutput(table, args.common);
}

RunFn SetupLe(CLI::App& stats) {
  auto args = std::make_shared<LeArgs>();
  auto* sub = stats.add_subcommand(
      "life-expectancy",
      "Period life expectancy, Chiang II abridged life table with Silcocks confidence limits (phe_life_expectancy)");
  AddStatsCommonOptions(sub, args->common);
  sub->add_option("--age-band-col", args->age_band_col, "Age band column (default: age_band)");
  sub->add_option("--at-age", args->at_age, "Only the life expectancy at this start age (default: every start age)");
  sub->footer(
      "Input columns: group (optional), age_band, numerator (deaths), denominator (population): the 20 bands\n"
      "0, 1-4, 5-9, ..., 85-89, 90+ per group, in any order (labels are read by their first number).\n"
      "A group with negative deaths, a population <= 0, deaths above population, not exactly the 20 bands, or a\n"
      "total population of 5000 or less gets NA values (with a warning); when the 95% interval is wider than\n"
      "20 years the value is NA and the limits are kept.\n"
      "Examples:\n"
      "  icb stats life-expectancy --input le.csv\n"
      "  icb stats life-expectancy --input le.csv --at-age 65 --group-col area,sex\n"
      "Definitions: docs/reference/stats.md#life-expectancy");
  return [args] { return RunLe(*args); };
}

}  // namespace
}  // namespace icb::cli

ICB_REGISTER_STATS_METHOD(life_expectancy, icb::cli::SetupLe);
