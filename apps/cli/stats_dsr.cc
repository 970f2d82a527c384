// icb stats dsr: directly standardised rates per group (stats/dsr.h), input rows per age band
// matched to the standard population by their age_band label.
#include <cmath>
#include <memory>
#include <optional>

#include "apps/cli/stats_command.h"
#include "stats/dsr.h"
#include "stats/standard_population.h"

namespace icb::cli {
namespace {

struct DsrArgs {
  StatsCommonArgs common;
  std::string age_band_col = "age_band";
  std::string standard;  // empty: ESP 2013
  double multiplier = 100000;
  std::string frequency_col;  // non-empty: non-independent events, numerator = persons
};

int RunDsr(const DsrArgs& args) {
  int rc = 0;
  auto levels = ParseLevels(args.common, rc);
  if (!levels) return rc;
  auto standard = args.standard.empty() ? stats::Esp2013() : stats::LoadStandardPopulation(args.standard);
  if (!standard.ok()) return ReportError(standard.status());
  const std::string standard_name = args.standard.empty() ? stats::Esp2013Path() : args.standard;
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
  std::optional<size_t> fcol;
  if (!args.frequency_col.empty()) {
    auto c = input->Column(args.frequency_col);
    if (!c.ok()) return ReportError(c.status());
    fcol = *c;
  }

  const size_t bands = standard->age_bands.size();
  std::vector<stats::DsrEstimate> results;
  for (size_t g = 0; g < groups->rows.size(); ++g) {
    std::vector<double> events(bands, 0.0), population(bands, stats::kNaN);
    std::vector<bool> seen(bands, false);
    std::vector<stats::DsrFrequencyRow> frequency_rows;
    for (size_t r : groups->rows[g]) {
      const auto band = standard->Find(input->cell(r, *bcol));
      if (!band)
        return ReportError(Status::InvalidInput(input->Where(r) + " column " + std::to_string(*bcol + 1) + " (" +
                                                args.age_band_col + "): age band '" + input->cell(r, *bcol) +
                                                "' is not in the standard population " + standard_name));
      if (seen[*band] && !fcol)
        return ReportError(Status::InvalidInput(input->Where(r) + ": age band '" + input->cell(r, *bcol) +
                                                "' appears twice in " + GroupLabel(*input, *groups, g)));
      auto x = ReadNumber(*input, r, *xcol);  // missing events count as 0 (as calculate_dsr)
      if (!x.ok()) return ReportError(x.status());
      auto n = ReadRequiredNumber(*input, r, *ncol);
      if (!n.ok()) return ReportError(n.status());
      if (*n <= 0)
        return ReportError(Status::InvalidInput(input->Where(r) + " column " + std::to_string(*ncol + 1) + " (" +
                                                args.common.denominator_col + "): the population must be greater than zero"));
      if (seen[*band] && population[*band] != *n)
        return ReportError(Status::InvalidInput(input->Where(r) + " column " + std::to_string(*ncol + 1) + " (" +
                                                args.common.denominator_col + "): rows of age band '" +
                                                input->cell(r, *bcol) + "' must share one population"));
      seen[*band] = true;
      population[*band] = *n;
      if (fcol) {
        auto f = ReadRequiredNumber(*input, r, *fcol);
        if (!f.ok()) return ReportError(f.status());
        if (*f <= 0)
          return ReportError(Status::InvalidInput(input->Where(r) + " column " + std::to_string(*fcol + 1) + " (" +
                                                  args.frequency_col + "): the event frequency must be greater than zero"));
        frequency_rows.push_back({*band, *f, x->has_value() ? **x : 0.0});
      } else {
        events[*band] = x->has_value() ? **x : 0.0;
      }
    }
    for (size_t b = 0; b < bands; ++b)
      if (!seen[b])
        return ReportError(Status::InvalidInput(input->source() + ": " + GroupLabel(*input, *groups, g) +
                                                " has no row for age band '" + standard->age_bands[b] + "' of " +
                                                standard_name));
    auto d = fcol ? stats::DsrNonIndependent(frequency_rows, population, standard->population, *levels, args.multiplier)
                  : stats::Dsr(events, population, standard->population, *levels, args.multiplier);
    if (!d.ok()) return ReportError(Status::InvalidInput(input->source() + " " + GroupLabel(*input, *groups, g) + ": " +
                                                         d.status().message()));
    results.push_back(std::move(*d));
  }
  std::vector<double> counts, pops;
  for (const auto& r : results) {
    counts.push_back(r.total_count);
    pops.push_back(r.total_pop);
  }
  const bool x_whole = AllWhole(counts), n_whole = AllWhole(pops);
  report::Table table("dsr", "Directly standardised rates");
  AddGroupColumns(table, *input, *groups);
  AddAggregateColumn(table, "total_count", x_whole);
  AddAggregateColumn(table, "total_pop", n_whole);
  std::vector<std::string> based_on;
  if (x_whole) based_on.push_back("total_count");
  if (n_whole) based_on.push_back("total_pop");
  AddEstimateColumns(table, *levels, based_on);
  for (size_t g = 0; g < results.size(); ++g) {
    std::vector<report::Cell> row;
    AppendGroupCells(row, *input, *groups, g);
    row.push_back(AggregateCell(results[g].total_count, x_whole));
    row.push_back(AggregateCell(results[g].total_pop, n_whole));
    AppendEstimateCells(row, results[g].estimate);
    table.AddRow(std::move(row));
  }
  return WriteStatsOutput(table, args.common);
}

RunFn SetupDsr(CLI::App& stats) {
  auto args = std::make_shared<DsrArgs>();
  auto* sub = stats.add_subcommand(
      "dsr", "Directly standardised rate with Dobson confidence limits, ESP 2013 by default (calculate_dsr)");
  AddStatsCommonOptions(sub, args->common);
  sub->add_option("--age-band-col", args->age_band_col, "Age band column (default: age_band)");
  sub->add_option("--standard", args->standard,
                  "Standard population CSV with columns age_band,population (default: ESP 2013, bands 0-4 .. 85-89, 90+)");
  sub->add_option("--multiplier", args->multiplier, "Rate per this many (default 100000)");
  sub->add_option("--event-frequency-col", args->frequency_col,
                  "Non-independent events: this column holds the events per person, the numerator the number of "
                  "persons with that many (several rows per age band; confidence adjusted as calculate_dsr "
                  "independent_events = FALSE)");
  sub->footer(
      "Input columns: group (optional), age_band, numerator (events), denominator (population): one row per\n"
      "age band of the standard in each group, matched by label. An empty or NA numerator counts as 0; a missing\n"
      "or non-positive denominator is an error. Total count < 10: value and limits NA, statistic\n"
      "\"dsr NA for total count < 10\".\n"
      "Example:\n"
      "  icb stats dsr --input deaths_by_age.csv --confidence 0.95,0.998\n"
      "Definitions: docs/reference/stats.md#directly-standardised-rate");
  return [args] { return RunDsr(*args); };
}

}  // namespace
}  // namespace icb::cli

ICB_REGISTER_STATS_METHOD(dsr, icb::cli::SetupDsr);
