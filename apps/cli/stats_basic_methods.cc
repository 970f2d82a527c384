// icb stats proportion | rate | mean | quantile: the per-group methods on plain aggregate input.
#include <cmath>
#include <memory>

#include "apps/cli/stats_command.h"
#include "stats/crude_rate.h"
#include "stats/mean.h"
#include "stats/proportion.h"
#include "stats/quantiles.h"

namespace icb::cli {
namespace {

struct RatioArgs {
  StatsCommonArgs common;
  double multiplier = 0;
};

// Proportion and rate share everything but the statistic: sum x and n per group, then compute.
int RunRatio(const RatioArgs& args, bool proportion) {
  int rc = 0;
  auto levels = ParseLevels(args.common, rc);
  if (!levels) return rc;
  auto input = ReadStatsInput(args.common, rc);
  if (!input) return rc;
  auto groups = GroupInput(*input, args.common.group_col, /*per_row_when_absent=*/true);
  if (!groups.ok()) return ReportError(groups.status());
  auto xcol = input->Column(args.common.numerator_col);
  if (!xcol.ok()) return ReportError(xcol.status());
  auto ncol = input->Column(args.common.denominator_col);
  if (!ncol.ok()) return ReportError(ncol.status());

  const size_t ng = groups->rows.size();
  std::vector<double> xs(ng, 0.0), ns(ng, 0.0);
  for (size_t g = 0; g < ng; ++g) {
    for (size_t r : groups->rows[g]) {
      auto x = ReadNumber(*input, r, *xcol);
      if (!x.ok()) return ReportError(x.status());
      auto n = ReadNumber(*input, r, *ncol);
      if (!n.ok()) return ReportError(n.status());
      // A missing value makes the group's sum missing (as R's sum without na.rm).
      xs[g] += x->has_value() ? **x : stats::kNaN;
      ns[g] += n->has_value() ? **n : stats::kNaN;
      if (n->has_value() && **n == 0 && groups->rows[g].size() == 1)
        return ReportError(Status::InvalidInput(input->Where(r) + " column " + std::to_string(*ncol + 1) + " (" +
                                                args.common.denominator_col + "): the denominator must be greater than zero"));
    }
  }
  const bool x_whole = AllWhole(xs), n_whole = AllWhole(ns);
  report::Table table(proportion ? "proportion" : "rate", proportion ? "Proportions" : "Crude rates");
  AddGroupColumns(table, *input, *groups);
  AddAggregateColumn(table, args.common.numerator_col, x_whole);
  AddAggregateColumn(table, args.common.denominator_col, n_whole);
  std::vector<std::string> based_on;
  if (x_whole) based_on.push_back(args.common.numerator_col);
  if (n_whole) based_on.push_back(args.common.denominator_col);
  AddEstimateColumns(table, *levels, based_on);
  for (size_t g = 0; g < ng; ++g) {
    stats::Estimate e;
    if (std::isnan(xs[g]) || std::isnan(ns[g])) {
      // Same statistic text as a computed row; no method without a count.
      auto text = proportion ? stats::Proportion(0, 1, *levels, args.multiplier)
                             : stats::CrudeRate(0, 1, *levels, args.multiplier);
      e = stats::NotAvailable(*levels, text.ok() ? text->statistic : "", proportion ? "Wilson" : "",
                              "missing numerator or denominator");
    } else {
      auto r = proportion ? stats::Proportion(xs[g], ns[g], *levels, args.multiplier)
                          : stats::CrudeRate(xs[g], ns[g], *levels, args.multiplier);
      if (!r.ok()) {
        const auto& rows = groups->rows[g];
        std::string where = rows.size() == 1 ? input->Where(rows.front())
                                             : input->source() + " " + GroupLabel(*input, *groups, g);
        return ReportError(Status::InvalidInput(where + ": " + r.status().message()));
      }
      e = std::move(*r);
    }
    std::vector<report::Cell> row;
    AppendGroupCells(row, *input, *groups, g);
    row.push_back(AggregateCell(xs[g], x_whole));
    row.push_back(AggregateCell(ns[g], n_whole));
    AppendEstimateCells(row, e);
    table.AddRow(std::move(row));
  }
  return WriteStatsOutput(table, args.common);
}

RunFn SetupProportion(CLI::App& stats) {
  auto args = std::make_shared<RatioArgs>();
  args->multiplier = 1;
  auto* sub = stats.add_subcommand("proportion", "Proportion x/n with Wilson score confidence limits (phe_proportion)");
  AddStatsCommonOptions(sub, args->common);
  sub->add_option("--multiplier", args->multiplier, "Multiply the proportion and limits (default 1; 100 for a percentage)");
  sub->footer(
      "Input columns: group (optional: rows with the same group are summed first), numerator, denominator.\n"
      "Errors: numerator < 0, denominator <= 0, numerator > denominator (naming the row or group).\n"
      "Example:\n"
      "  icb stats proportion --input uptake.csv --multiplier 100 --confidence 0.95,0.998\n"
      "Definitions: docs/reference/stats.md#proportion");
  return [args] { return RunRatio(*args, true); };
}

RunFn SetupRate(CLI::App& stats) {
  auto args = std::make_shared<RatioArgs>();
  args->multiplier = 100000;
  auto* sub = stats.add_subcommand("rate", "Crude rate x/n x multiplier, exact Poisson limits for x < 10, Byars for x >= 10 (phe_rate)");
  AddStatsCommonOptions(sub, args->common);
  sub->add_option("--multiplier", args->multiplier, "Rate per this many (default 100000)");
  sub->footer(
      "Input columns: group (optional: rows with the same group are summed first), numerator, denominator.\n"
      "A numerator above its denominator is allowed (events per person-year can exceed 1).\n"
      "Example:\n"
      "  icb stats rate --input admissions.csv --multiplier 1000\n"
      "Definitions: docs/reference/stats.md#crude-rate");
  return [args] { return RunRatio(*args, false); };
}

struct MeanArgs {
  StatsCommonArgs common;
  std::string value_col = "value";
};

int RunMean(const MeanArgs& args) {
  int rc = 0;
  auto levels = ParseLevels(args.common, rc);
  if (!levels) return rc;
  auto input = ReadStatsInput(args.common, rc);
  if (!input) return rc;
  auto groups = GroupInput(*input, args.common.group_col, /*per_row_when_absent=*/false);
  if (!groups.ok()) return ReportError(groups.status());
  auto vcol = input->Column(args.value_col);
  if (!vcol.ok()) return ReportError(vcol.status());
  report::Table table("mean", "Means");
  AddGroupColumns(table, *input, *groups);
  table.AddDecimal("value_sum", "value_sum", 6);
  table.AddInteger("value_count", "value_count");
  table.AddDecimal("stdev", "stdev", 6);
  AddEstimateColumns(table, *levels, {});
  for (size_t g = 0; g < groups->rows.size(); ++g) {
    std::vector<double> values;
    for (size_t r : groups->rows[g]) {
      auto v = ReadNumber(*input, r, *vcol, /*allow_negative=*/true);
      if (!v.ok()) return ReportError(v.status());
      values.push_back(v->has_value() ? **v : stats::kNaN);
    }
    auto m = stats::Mean(values, *levels);
    if (!m.ok()) return ReportError(Status::InvalidInput(input->source() + " " + GroupLabel(*input, *groups, g) + ": " +
                                                         m.status().message()));
    std::vector<report::Cell> row;
    AppendGroupCells(row, *input, *groups, g);
    row.push_back(NumberCell(m->value_sum));
    row.push_back(m->value_count);
    row.push_back(NumberCell(m->stdev));
    AppendEstimateCells(row, m->estimate);
    table.AddRow(std::move(row));
  }
  return WriteStatsOutput(table, args.common);
}

RunFn SetupMean(CLI::App& stats) {
  auto args = std::make_shared<MeanArgs>();
  auto* sub = stats.add_subcommand("mean", "Mean of a value per group with a Student's t interval (phe_mean)");
  AddStatsCommonOptions(sub, args->common);
  sub->add_option("--value-col", args->value_col, "Column holding the values (default: value)");
  sub->footer(
      "Input columns: group (optional; without it the whole file is one group), value. Values may be negative.\n"
      "A missing value (empty or NA) makes the group's mean NA, as phe_mean (no na.rm).\n"
      "Example:\n"
      "  icb stats mean --input bmi.csv --value-col bmi --group-col practice\n"
      "Definitions: docs/reference/stats.md#mean");
  return [args] { return RunMean(*args); };
}

struct QuantileArgs {
  StatsCommonArgs common;
  std::string value_col = "value";
  int nquantiles = 10;
  bool invert = true;
};

int RunQuantile(const QuantileArgs& args) {
  int rc = 0;
  auto input = ReadStatsInput(args.common, rc);
  if (!input) return rc;
  auto groups = GroupInput(*input, args.common.group_col, /*per_row_when_absent=*/false);
  if (!groups.ok()) return ReportError(groups.status());
  auto vcol = input->Column(args.value_col);
  if (!vcol.ok()) return ReportError(vcol.status());
  std::vector<std::optional<int>> quantile(input->row_count());
  for (size_t g = 0; g < groups->rows.size(); ++g) {
    std::vector<double> values;
    for (size_t r : groups->rows[g]) {
      auto v = ReadNumber(*input, r, *vcol, /*allow_negative=*/true);
      if (!v.ok()) return ReportError(v.status());
      values.push_back(v->has_value() ? **v : stats::kNaN);
    }
    auto q = stats::AssignQuantiles(values, args.nquantiles, args.invert);
    if (!q.ok()) return ReportError(Status::InvalidInput(input->source() + " " + GroupLabel(*input, *groups, g) + ": " +
                                                         q.status().message()));
    size_t non_missing = 0;
    for (double v : values) non_missing += !std::isnan(v);
    if (non_missing < static_cast<size_t>(args.nquantiles))
      std::fprintf(stderr, "icb: warning: %s %s has fewer values than quantiles: quantiles are NA\n",
                   input->source().c_str(), GroupLabel(*input, *groups, g).c_str());
    for (size_t i = 0; i < groups->rows[g].size(); ++i) quantile[groups->rows[g][i]] = (*q)[i];
  }
  report::Table table("quantile", "Quantiles");
  for (const auto& h : input->header()) table.AddText(h, h);
  table.AddInteger("quantile", "quantile");
  table.AddInteger("nquantiles", "nquantiles");
  table.AddText("qinverted", "qinverted");
  for (size_t r = 0; r < input->row_count(); ++r) {
    std::vector<report::Cell> row;
    for (size_t c = 0; c < input->header().size(); ++c) row.push_back(input->cell(r, c));
    if (quantile[r]) row.push_back(static_cast<int64_t>(*quantile[r]));
    else row.push_back(std::monostate{});
    row.push_back(static_cast<int64_t>(args.nquantiles));
    row.push_back(args.invert ? "lowest quantile represents highest values" : "lowest quantile represents lowest values");
    table.AddRow(std::move(row));
  }
  return WriteStatsOutput(table, args.common);
}

RunFn SetupQuantile(CLI::App& stats) {
  auto args = std::make_shared<QuantileArgs>();
  auto* sub = stats.add_subcommand("quantile", "Assign quantiles (e.g. deprivation deciles) to areas within groups (phe_quantile)");
  AddStatsCommonOptions(sub, args->common);
  sub->add_option("--value-col", args->value_col, "Column holding the values to rank (default: value)");
  sub->add_option("--nquantiles", args->nquantiles, "Number of quantiles (default 10)")->check(CLI::PositiveNumber);
  sub->add_flag("--invert,!--no-invert", args->invert,
                "Quantile 1 holds the highest values (default; e.g. IMD score: 1 = most deprived); --no-invert: the lowest");
  sub->footer(
      "Input columns: the value column; group (optional: quantiles are assigned within each group). Every input\n"
      "column is written back with quantile, nquantiles and qinverted added. Ties take the lowest rank; a group\n"
      "with fewer values than quantiles gets NA (empty) quantiles with a warning; missing values get NA.\n"
      "Example:\n"
      "  icb stats quantile --input lsoa_imd.csv --value-col imd_score --group-col la --nquantiles 5\n"
      "Definitions: docs/reference/stats.md#quantiles");
  return [args] { return RunQuantile(*args); };
}

}  // namespace
}  // namespace icb::cli

ICB_REGISTER_STATS_METHOD(proportion, icb::cli::SetupProportion);
ICB_REGISTER_STATS_METHOD(rate, icb::cli::SetupRate);
ICB_REGISTER_STATS_METHOD(mean, icb::cli::SetupMean);
ICB_REGISTER_STATS_METHOD(quantile, icb::cli::SetupQuantile);
