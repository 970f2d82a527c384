// icb stats funnel: funnel plot limits and significance for proportions, ratios and rates
// (src/stats/funnel.h; PHE Technical Guide "Funnel plots", PHEindicatormethods semantics).
#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <memory>
#include <string>

#include "apps/cli/stats_command.h"
#include "report/chart.h"
#include "stats/funnel.h"

namespace icb::cli {
namespace {

struct FunnelArgs {
  StatsCommonArgs common;
  std::string type, ratio_type = "isr", rate_type = "dsr", rate_col = "rate", limits_out, chart_out;
  double multiplier = 0;  // 0: 100 for proportions, 100000 for rates
  double years = 1;
  bool exact_poisson = false;
};

int RunFunnel(const FunnelArgs& args) {
  int rc = 0;
  auto input = ReadStatsInput(args.common, rc);
  if (!input) return rc;
  stats::FunnelOptions o;
  o.statistic = args.type == "proportion" ? stats::FunnelStatistic::kProportion
              : args.type == "ratio"      ? stats::FunnelStatistic::kRatio
                                          : stats::FunnelStatistic::kRate;
  o.ratio_type = args.ratio_type == "count" ? stats::FunnelRatioType::kCount : stats::FunnelRatioType::kIsr;
  o.rate_type = args.rate_type == "crude" ? stats::FunnelRateType::kCrude : stats::FunnelRateType::kDsr;
  o.poisson = args.exact_poisson ? stats::FunnelPoisson::kExact : stats::FunnelPoisson::kPheBisection;
  o.multiplier = args.multiplier > 0 ? args.multiplier : (o.statistic == stats::FunnelStatistic::kRate ? 100000 : 100);
  o.years_of_data = args.years;
  const bool rate = o.statistic == stats::FunnelStatistic::kRate;

  auto groups = GroupInput(*input, args.common.group_col, /*per_row_when_absent=*/true);
  if (!groups.ok()) return ReportError(groups.status());
  auto xcol = input->Column(args.common.numerator_col);
  if (!xcol.ok()) return ReportError(xcol.status());
  auto ncol = input->Column(args.common.denominator_col);
  if (!ncol.ok() && !rate) return ReportError(ncol.status());
  auto rcol = input->Column(args.rate_col);
  if (rate && !rcol.ok() && !(o.rate_type == stats::FunnelRateType::kCrude && ncol.ok()))
    return ReportError(rcol.status());

  const size_t ng = groups->rows.size();
  std::vector<stats::FunnelUnit> units(ng);
  std::vector<double> xs(ng), ns(ng, stats::kNaN);
  for (size_t g = 0; g < ng; ++g) {
    const auto& rows = groups->rows[g];
    if (rate && rows.size() > 1)
      return ReportError(Status::InvalidInput(input->source() + " " + GroupLabel(*input, *groups, g) +
                                              ": rates cannot be summed; give one row per unit"));
    double x = 0, n = 0;
    bool have_n = ncol.ok();
    for (size_t r : rows) {
      auto xv = ReadRequiredNumber(*input, r, *xcol);
      if (!xv.ok()) return ReportError(xv.status());
      x += *xv;
      if (ncol.ok() && !rate) {
        auto nv = ReadRequiredNumber(*input, r, *ncol);
        if (!nv.ok()) return ReportError(nv.status());
        n += *nv;
      } else if (ncol.ok()) {
        auto nv = ReadNumber(*input, r, *ncol);  // optional for rates
        if (!nv.ok()) return ReportError(nv.status());
        if (nv->has_value()) n += **nv; else have_n = false;
      }
    }
    units[g].numerator = xs[g] = x;
    if (have_n) units[g].denominator = ns[g] = n;
    if (rate && rcol.ok()) {
      auto rv = ReadNumber(*input, rows.front(), *rcol);
      if (!rv.ok()) return ReportError(rv.status());
      units[g].rate = rv->value_or(stats::kNaN);
    }
  }
  auto result = stats::CalculateFunnel(units, o);
  if (!result.ok()) {
    // "funnel: unit K: ..." names unit K, which is group K: name its input row (or group) instead.
    const std::string& msg = result.status().message();
    size_t unit = 0;
    if (std::sscanf(msg.c_str(), "funnel: unit %zu:", &unit) == 1 && unit >= 1 && unit <= ng) {
      const auto& rows = groups->rows[unit - 1];
      const std::string where = rows.size() == 1 ? input->Where(rows.front())
                                                 : input->source() + " " + GroupLabel(*input, *groups, unit - 1);
      return ReportError(Status::InvalidInput(where + msg.substr(msg.find(':', 8))));
    }
    return ReportError(Status::InvalidInput(input->source() + ": " + msg));
  }

  const bool x_whole = AllWhole(xs), n_whole = ncol.ok() && AllWhole(ns);
  report::Table table("funnel", "Funnel plot: units with their limits and significance");
  AddGroupColumns(table, *input, *groups);
  AddAggregateColumn(table, args.common.numerator_col, x_whole);
  std::vector<std::string> based_on;
  if (x_whole) based_on.push_back(args.common.numerator_col);
  if (ncol.ok()) {
    AddAggregateColumn(table, args.common.denominator_col, n_whole);
    if (n_whole) based_on.push_back(args.common.denominator_col);
  }
  auto add = [&](const std::string& name, const std::string& label) {
    table.AddDecimal(name, label, 6);
    if (!based_on.empty()) table.BasedOn(based_on);
  };
  add("value", "Value");
  if (rate) add("denominator_derived", "Denominator derived (per year)");
  add("lower_2s_limit", "Lower 95% limit at this denominator");
  add("upper_2s_limit", "Upper 95% limit at this denominator");
  add("lower_3s_limit", "Lower 99.8% limit at this denominator");
  add("upper_3s_limit", "Upper 99.8% limit at this denominator");
  table.AddDecimal("baseline", "Baseline", 6);
  table.AddText("significance", "Significance");
  table.AddText("statistic", "Statistic");
  table.AddText("method", "Method");
  const std::string method = o.statistic == stats::FunnelStatistic::kProportion ? "Wilson"
                             : args.exact_poisson                              ? "Poisson (exact chi-square)"
                                                                               : "Poisson";
  for (size_t g = 0; g < ng; ++g) {
    const auto& u = result->units[g];
    std::vector<report::Cell> row;
    AppendGroupCells(row, *input, *groups, g);
    row.push_back(AggregateCell(xs[g], x_whole));
    if (ncol.ok()) row.push_back(AggregateCell(ns[g], n_whole));
    row.push_back(NumberCell(u.value));
    if (rate) row.push_back(NumberCell(u.denominator_derived));
    row.push_back(NumberCell(u.limits95.lower));
    row.push_back(NumberCell(u.limits95.upper));
    row.push_back(NumberCell(u.limits998.lower));
    row.push_back(NumberCell(u.limits998.upper));
    row.push_back(NumberCell(result->baseline));
    row.push_back(std::string(stats::FunnelSignificanceLabel(u.significance)));
    row.push_back(result->statistic);
    row.push_back(method);
    table.AddRow(std::move(row));
  }
  if (int code = WriteStatsOutput(table, args.common); code != 0) return code;
  if (!args.chart_out.empty()) {
    report::ChartSpec spec;
    spec.name = "funnel";
    spec.title = "Funnel plot: " + result->statistic;
    spec.description = fmt::format("Funnel plot of {} units ({}) against the baseline {:.4g}, with 95% and 99.8% limits",
                                   ng, result->statistic, result->baseline);
    spec.kind = report::ChartKind::kFunnel;
    spec.x = rate ? "denominator_derived" : args.common.denominator_col;
    spec.y = {"value"};
    spec.limits = {"lower_2s_limit", "upper_2s_limit", "lower_3s_limit", "upper_3s_limit"};
    spec.target = "baseline";
    if (int code = WriteStatsChart(table, spec, args.common, args.chart_out); code != 0) return code;
  }
  if (args.limits_out.empty()) return 0;

  // The 100-row limit table, named as calculate_funnel_limits names its columns.
  report::Table limits("funnel_limits", "Funnel plot limits (100 points)");
  const bool ratio = o.statistic == stats::FunnelStatistic::kRatio;
  limits.AddDecimal(o.statistic == stats::FunnelStatistic::kProportion ? "denominator" : (ratio ? "observed_events" : "events"),
                    "Axis", 6);
  const char* x_name = ratio ? "exp_events" : "population_1_year";
  for (const char* side : {"lower_2s", "upper_2s", "lower_3s", "upper_3s"}) {
    if (o.statistic != stats::FunnelStatistic::kProportion)
      limits.AddDecimal(std::string(side) + "_" + x_name, std::string(side) + " " + x_name, 6);
    limits.AddDecimal(std::string(side) + "_limit", std::string(side) + " limit", 6);
  }
  limits.AddDecimal("baseline", "Baseline", 6);
  limits.AddText("statistic", "Statistic");
  limits.AddText("method", "Method");
  for (const auto& l : result->limits) {
    std::vector<report::Cell> row{NumberCell(l.axis)};
    const std::pair<double, double> parts[] = {{l.lower95_x, l.lower95}, {l.upper95_x, l.upper95},
                                               {l.lower998_x, l.lower998}, {l.upper998_x, l.upper998}};
    for (const auto& [x, v] : parts) {
      if (o.statistic != stats::FunnelStatistic::kProportion) row.push_back(NumberCell(x));
      row.push_back(NumberCell(v));
    }
    row.push_back(NumberCell(l.baseline));
    row.push_back(result->statistic);
    row.push_back(method);
    limits.AddRow(std::move(row));
  }
  StatsCommonArgs limits_args = args.common;
  limits_args.out = args.limits_out;
  return WriteStatsOutput(limits, limits_args);
}

RunFn SetupFunnel(CLI::App& stats) {
  auto args = std::make_shared<FunnelArgs>();
  auto* sub = stats.add_subcommand(
      "funnel", "Funnel plot limits (95% and 99.8%) and each unit's significance: proportions, ratios, rates");
  AddStatsCommonOptions(sub, args->common);
  sub->add_option("--type", args->type, "proportion, ratio or rate")
      ->required()
      ->check(CLI::IsMember({"proportion", "ratio", "rate"}));
  sub->add_option("--ratio-type", args->ratio_type, "Ratios as isr (O/E x 100, default) or count (O/E - 1)")
      ->check(CLI::IsMember({"isr", "count"}));
  sub->add_option("--rate-type", args->rate_type, "dsr (default; units with < 10 events not applicable) or crude")
      ->check(CLI::IsMember({"dsr", "crude"}));
  sub->add_option("--rate-col", args->rate_col, "Rate column for --type rate (default rate), already x multiplier");
  sub->add_option("--multiplier", args->multiplier, "Per this many (default 100 for proportions, 100000 for rates)");
  sub->add_option("--years", args->years, "Years of data behind each rate (the axis's population is per year)");
  sub->add_flag("--exact-poisson", args->exact_poisson,
                "Exact chi-square Poisson limits instead of PHE's Excel bisection (differences < 5e-5)");
  sub->add_option("--limits-out", args->limits_out, "Also write the 100-row limit table (the funnel's lines) here");
  sub->add_option("--chart-out", args->chart_out, "Also draw the funnel plot as an SVG file here");
  sub->footer(
      "Input columns: group (optional unit label), numerator and denominator (proportion: x of n; ratio: observed\n"
      "and expected events, e.g. --numerator-col obs --denominator-col expected; rate: events, the rate in\n"
      "--rate-col, and optionally the population, needed for crude units with 0 events).\n"
      "Output: one row per unit with its value, the funnel's limits at its own denominator and its significance\n"
      "(High/Low (0.001) beyond 99.8%, High/Low (0.025) beyond 95%, Not significant).\n"
      "Examples:\n"
      "  icb stats funnel --input practices.csv --type proportion --limits-out funnel_lines.csv\n"
      "  icb stats funnel --input smr.csv --type ratio --numerator-col obs --denominator-col expected\n"
      "  icb stats funnel --input dsr.csv --type rate --rate-type dsr --numerator-col events --years 3\n"
      "Definitions: docs/reference/stats-variation.md#funnel-plots");
  return [args] { return RunFunnel(*args); };
}

}  // namespace
}  // namespace icb::cli

ICB_REGISTER_STATS_METHOD(funnel, icb::cli::SetupFunnel);
