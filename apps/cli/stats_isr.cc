// icb stats isr: indirectly standardised ratios (default) or rates (--rate) per group
// (stats/indirect_standardisation.h), with reference rates by age band from --reference.
#include <cmath>
#include <memory>

#include "apps/cli/stats_command.h"
#include "stats/indirect_standardisation.h"

namespace icb::cli {
namespace {

struct IsrArgs {
  StatsCommonArgs common;
  std::string age_band_col = "age_band";
  std::string reference;
  bool rate = false;
  double multiplier = stats::kNaN;  // default 100 (ratio) or 100000 (rate)
};

int RunIsr(const IsrArgs& args) {
  int rc = 0;
  auto levels = ParseLevels(args.common, rc);
  if (!levels) return rc;
  const double multiplier = std::isnan(args.multiplier) ? (args.rate ? 100000.0 : 100.0) : args.multiplier;
  auto ref = stats::InputTable::Read(args.reference);
  if (!ref.ok()) return ReportError(ref.status());
  auto rb = ref->Column("age_band");
  if (!rb.ok()) return ReportError(rb.status());
  auto rx = ref->Column("numerator");
  if (!rx.ok()) return ReportError(rx.status());
  auto rn = ref->Column("denominator");
  if (!rn.ok()) return ReportError(rn.status());
  std::vector<std::string> bands;
  std::vector<double> ref_x, ref_n;
  for (size_t r = 0; r < ref->row_count(); ++r) {
    const std::string& band = ref->cell(r, *rb);
    for (const auto& b : bands)
      if (b == band) return ReportError(Status::InvalidInput(ref->Where(r) + ": age band '" + band + "' appears twice"));
    auto x = ReadNumber(*ref, r, *rx);  // missing reference events count as 0
    if (!x.ok()) return ReportError(x.status());
    auto n = ReadRequiredNumber(*ref, r, *rn);
    if (!n.ok()) return ReportError(n.status());
    if (*n <= 0)
      return ReportError(Status::InvalidInput(ref->Where(r) + " column " + std::to_string(*rn + 1) +
                                              " (denominator): the reference population must be greater than zero"));
    bands.push_back(band);
    ref_x.push_back(x->has_value() ? **x : 0.0);
    ref_n.push_back(*n);
  }
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

  std::vector<stats::IsrEstimate> results;
  for (size_t g = 0; g < groups->rows.size(); ++g) {
    std::vector<double> x(bands.size(), 0.0), n(bands.size(), 0.0);
    std::vector<bool> seen(bands.size(), false);
    for (size_t r : groups->rows[g]) {
      size_t b = 0;
      while (b < bands.size() && bands[b] != input->cell(r, *bcol)) ++b;
      if (b == bands.size())
        return ReportError(Status::InvalidInput(input->Where(r) + " column " + std::to_string(*bcol + 1) + " (" +
                                                args.age_band_col + "): age band '" + input->cell(r, *bcol) +
                                                "' is not in the reference " + args.reference));
      if (seen[b])
        return ReportError(Status::InvalidInput(input->Where(r) + ": age band '" + bands[b] + "' appears twice in " +
                                                GroupLabel(*input, *groups, g)));
      seen[b] = true;
      auto xv = ReadNumber(*input, r, *xcol);  // missing counts as 0 (as calculate_ISRatio)
      if (!xv.ok()) return ReportError(xv.status());
      auto nv = ReadNumber(*input, r, *ncol);
      if (!nv.ok()) return ReportError(nv.status());
      x[b] = xv->has_value() ? **xv : 0.0;
      n[b] = nv->has_value() ? **nv : 0.0;
    }
    auto e = args.rate ? stats::IsRate(x, n, ref_x, ref_n, *levels, multiplier)
                       : stats::IsRatio(x, n, ref_x, ref_n, *levels, multiplier);
    if (!e.ok()) return ReportError(Status::InvalidInput(input->source() + " " + GroupLabel(*input, *groups, g) + ": " +
                                                         e.status().message()));
    results.push_back(std::move(*e));
  }
  std::vector<double> observed;
  for (const auto& r : results) observed.push_back(r.observed);
  const bool x_whole = AllWhole(observed);
  report::Table table(args.rate ? "israte" : "isratio",
                      args.rate ? "Indirectly standardised rates" : "Indirectly standardised ratios");
  AddGroupColumns(table, *input, *groups);
  AddAggregateColumn(table, "observed", x_whole);
  table.AddDecimal("expected", "expected", 6);
  if (x_whole) table.BasedOn({"observed"});
  if (args.rate) {
    table.AddDecimal("reference_rate", "reference_rate", 6);
  }
  AddEstimateColumns(table, *levels, x_whole ? std::vector<std::string>{"observed"} : std::vector<std::string>{});
  for (size_t g = 0; g < results.size(); ++g) {
    std::vector<report::Cell> row;
    AppendGroupCells(row, *input, *groups, g);
    row.push_back(AggregateCell(results[g].observed, x_whole));
    row.push_back(NumberCell(results[g].expected));
    if (args.rate) row.push_back(NumberCell(results[g].reference_rate));
    AppendEstimateCells(row, results[g].estimate);
    table.AddRow(std::move(row));
  }
  return WriteStatsOutput(table, args.common);
}

RunFn SetupIsr(CLI::App& stats) {
  auto args = std::make_shared<IsrArgs>();
  auto* sub = stats.add_subcommand(
      "isr", "Indirectly standardised ratio (O/E x 100, e.g. SMR) or, with --rate, rate (calculate_ISRatio, calculate_ISRate)");
  AddStatsCommonOptions(sub, args->common);
  sub->add_option("--reference", args->reference,
                  "Reference CSV with columns age_band,numerator,denominator (reference events and population)")
      ->required();
  sub->add_option("--age-band-col", args->age_band_col, "Age band column of --input (default: age_band)");
  sub->add_flag("--rate", args->rate, "Give the indirectly standardised rate instead of the ratio");
  sub->add_option("--multiplier", args->multiplier, "Ratio x this (default 100), or rate per this (default 100000)");
  sub->footer(
      "Input columns: group (optional), age_band, numerator (observed events), denominator (population), one row\n"
      "per age band, matched to the reference by label; bands absent from a group count as 0. Empty or NA\n"
      "numerators and denominators count as 0. Limits: exact Poisson for O < 10, Byars for O >= 10, divided by E.\n"
      "Examples:\n"
      "  icb stats isr --input deaths.csv --reference england.csv\n"
      "  icb stats isr --input deaths.csv --reference england.csv --rate --confidence 0.95,0.998\n"
      "Definitions: docs/reference/stats.md#indirect-standardisation");
  return [args] { return RunIsr(*args); };
}

}  // namespace
}  // namespace icb::cli

ICB_REGISTER_STATS_METHOD(isr, icb::cli::SetupIsr);
