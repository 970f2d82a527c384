// icb stats spc: XmR statistical process control charts in the Making Data Count style
// (src/stats/spc.h; NHSRplotthedots 0.2.2 semantics, with the MDC tools' differences as options).
#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <memory>
#include <set>
#include <tuple>
#include <string>

#include "apps/cli/stats_command.h"
#include "report/chart.h"
#include "stats/spc.h"

namespace icb::cli {
namespace {

struct SpcArgs {
  StatsCommonArgs common;
  std::string date_col = "date", value_col = "value", improvement = "increase", target, rebase, preset = "NHSRplotthedots-0.2.2";
  std::string summary_out, chart_out, screen_outliers, tie_breaks_trend, two_sigma_beyond;
  int baseline = 0, run_length = 0;
};

Result<bool> ParseBool(const std::string& option, const std::string& text) {
  if (text == "true" || text == "yes" || text == "1") return true;
  if (text == "false" || text == "no" || text == "0") return false;
  return Status::InvalidInput(option + ": expected true or false, got '" + text + "'");
}

int RunSpc(const SpcArgs& args) {
  int rc = 0;
  auto options = stats::SpcPreset(args.preset);
  if (!options.ok()) return ReportError(options.status());
  stats::SpcOptions o = *options;
  auto dir = stats::ParseSpcImprovement(args.improvement);
  if (!dir.ok()) return ReportError(dir.status());
  o.improvement = *dir;
  for (auto [name, text, field] : {std::tuple{"--screen-outliers", &args.screen_outliers, &o.screen_outliers},
                                   std::tuple{"--tie-breaks-trend", &args.tie_breaks_trend, &o.tie_breaks_trend},
                                   std::tuple{"--two-sigma-beyond", &args.two_sigma_beyond, &o.two_sigma_includes_beyond}}) {
    if (text->empty()) continue;
    auto b = ParseBool(name, *text);
    if (!b.ok()) return ReportError(b.status());
    *field = *b;
  }
  if (args.run_length > 0) o.run_length = args.run_length;
  if (args.baseline > 0) o.fix_after_n_points = args.baseline;
  if (!args.target.empty()) {
    char* end = nullptr;
    const double t = std::strtod(args.target.c_str(), &end);
    if (end == args.target.c_str() || *end != '\0' || !std::isfinite(t))
      return ReportError(Status::InvalidInput("--target: expected a number, got '" + args.target + "'"));
    o.target = t;
  }

  auto input = ReadStatsInput(args.common, rc);
  if (!input) return rc;
  auto dcol = input->Column(args.date_col);
  if (!dcol.ok() && args.date_col == "date") dcol = input->Column("period");
  if (!dcol.ok()) return ReportError(dcol.status());
  auto vcol = input->Column(args.value_col);
  if (!vcol.ok()) return ReportError(vcol.status());
  auto fcol = input->Column(args.common.group_col);
  if (!fcol.ok() && args.common.group_col != "group") return ReportError(fcol.status());

  std::set<std::string> rebase_dates;
  for (size_t start = 0; start < args.rebase.size();) {
    const size_t comma = args.rebase.find(',', start);
    const std::string d = args.rebase.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!d.empty()) rebase_dates.insert(d);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  std::set<std::string> unused = rebase_dates;
  std::vector<stats::SpcPoint> points;
  std::vector<double> values;
  for (size_t r = 0; r < input->row_count(); ++r) {
    stats::SpcPoint p;
    p.period = input->cell(r, *dcol);
    if (p.period.empty())
      return ReportError(Status::InvalidInput(input->Where(r) + " column " + std::to_string(*dcol + 1) + " (" +
                                              input->header()[*dcol] + "): missing date or period"));
    auto v = ReadRequiredNumber(*input, r, *vcol, /*allow_negative=*/true);
    if (!v.ok()) return ReportError(v.status());
    p.value = *v;
    if (fcol.ok()) p.facet = input->cell(r, *fcol);
    p.rebase = rebase_dates.count(p.period) > 0;
    unused.erase(p.period);
    points.push_back(p);
    values.push_back(p.value);
  }
  if (!unused.empty())
    return ReportError(Status::InvalidInput("--rebase: " + *unused.begin() + " is not a date or period of " + input->source()));
  auto result = stats::CalculateSpc(points, o);
  if (!result.ok()) return ReportError(Status::InvalidInput(input->source() + ": " + result.status().message()));
  for (const auto& w : result->warnings) std::fprintf(stderr, "icb: warning: %s\n", w.c_str());

  const bool whole = AllWhole(values);
  report::Table table("spc", "Statistical process control (XmR)");
  if (fcol.ok()) table.AddText(input->header()[*fcol], input->header()[*fcol]);
  table.AddText(input->header()[*dcol], input->header()[*dcol]);
  AddAggregateColumn(table, args.value_col, whole);
  table.AddInteger("rebase_group", "Rebase group");
  for (const char* c : {"mean", "lpl", "upl", "near_lpl", "near_upl"}) table.AddDecimal(c, c, 6);
  table.AddText("outside_limits", "Outside limits");
  table.AddInteger("relative_to_mean", "Relative to mean");
  table.AddText("close_to_limits", "Close to limits");
  table.AddText("special_cause", "Special cause");
  table.AddText("point_type", "Point type");
  if (o.target) table.AddDecimal("target", "Target", 6);
  for (const auto& p : result->points) {
    std::vector<report::Cell> row;
    if (fcol.ok()) row.push_back(p.facet);
    row.push_back(p.period);
    row.push_back(AggregateCell(p.value, whole));
    row.push_back(static_cast<int64_t>(p.rebase_group));
    for (double d : {p.mean, p.lpl, p.upl, p.near_lower, p.near_upper}) row.push_back(NumberCell(d));
    row.push_back(std::string(p.outside_limits ? "TRUE" : "FALSE"));
    row.push_back(static_cast<int64_t>(p.relative_to_mean));
    row.push_back(std::string(p.close_to_limits ? "TRUE" : "FALSE"));
    row.push_back(stats::SpcRuleLabel(p.rule, o.run_length));
    row.push_back(std::string(stats::SpcPointTypeName(p.point_type)));
    if (o.target) row.push_back(NumberCell(*o.target));
    table.AddRow(std::move(row));
  }
  if (int code = WriteStatsOutput(table, args.common); code != 0) return code;
  if (!args.chart_out.empty()) {
    if (result->facets.size() > 1)
      return ReportError(Status::InvalidInput("--chart-out draws one chart: give input with one group (facet)"));
    report::ChartSpec spec;
    spec.name = "spc";
    spec.title = "SPC chart: " + args.value_col;
    spec.description = fmt::format("XmR chart of {} points ({}), variation: {}{}", result->points.size(), args.preset,
                                   result->facets.empty() ? "" : result->facets[0].variation,
                                   result->facets.empty() || result->facets[0].assurance.empty()
                                       ? "" : ", assurance: " + result->facets[0].assurance);
    spec.kind = report::ChartKind::kSpc;
    spec.x = input->header()[*dcol];
    spec.y = {args.value_col};
    spec.limits = {"mean", "lpl", "upl"};
    spec.series = "point_type";
    if (o.target) spec.target = "target";
    spec.improvement = args.improvement == "neutral" ? "" : args.improvement;
    if (int code = WriteStatsChart(table, spec, args.common, args.chart_out); code != 0) return code;
  }
  if (args.summary_out.empty()) return 0;

  report::Table summary("spc_summary", "SPC summary: variation and assurance icons");
  summary.AddText("facet", "Facet");
  summary.AddInteger("n", "Points");
  for (const char* c : {"mean", "lpl", "upl"}) summary.AddDecimal(c, c, 6);
  for (const char* c : {"common_cause", "special_cause_improvement", "special_cause_concern", "special_cause_neutral"})
    summary.AddInteger(c, c);
  summary.AddText("variation_icon", "Variation");
  summary.AddText("assurance_icon", "Assurance");
  summary.AddText("options", "Options");
  const std::string opts = fmt::format("preset {}; screen_outliers {}; run_length {}; two_sigma_includes_beyond {}; "
                                       "tie_breaks_trend {}; baseline {}",
                                       args.preset, o.screen_outliers, o.run_length, o.two_sigma_includes_beyond,
                                       o.tie_breaks_trend, o.fix_after_n_points > 0 ? std::to_string(o.fix_after_n_points) : "all");
  for (const auto& f : result->facets) {
    summary.AddRow({f.facet, static_cast<int64_t>(f.n), NumberCell(f.mean), NumberCell(f.lpl), NumberCell(f.upl),
                    static_cast<int64_t>(f.common_cause), static_cast<int64_t>(f.special_cause_improvement),
                    static_cast<int64_t>(f.special_cause_concern), static_cast<int64_t>(f.special_cause_neutral),
                    f.variation, f.assurance, opts});
  }
  StatsCommonArgs summary_args = args.common;
  summary_args.out = args.summary_out;
  return WriteStatsOutput(summary, summary_args);
}

RunFn SetupSpc(CLI::App& stats) {
  auto args = std::make_shared<SpcArgs>();
  auto* sub = stats.add_subcommand(
      "spc", "XmR statistical process control chart, Making Data Count style: limits, special causes, icons");
  AddStatsCommonOptions(sub, args->common);
  sub->add_option("--date-col", args->date_col, "Date or period column, sortable as text, e.g. 2024-03 (default date, else period)");
  sub->add_option("--value-col", args->value_col, "Value column (default value)");
  sub->add_option("--improvement", args->improvement, "Improvement direction: increase (default), decrease or neutral")
      ->check(CLI::IsMember({"increase", "decrease", "neutral"}));
  sub->add_option("--target", args->target, "Target value, for the assurance icon");
  sub->add_option("--rebase", args->rebase, "Dates (comma-separated) that start new limits, e.g. 2023-04-01,2024-04-01");
  sub->add_option("--baseline", args->baseline, "Fix the limits on the first N points of each group (N >= 12)");
  sub->add_option("--preset", args->preset, "NHSRplotthedots-0.2.2 (default) or MDC-Excel-current")
      ->check(CLI::IsMember({"NHSRplotthedots-0.2.2", "MDC-Excel-current"}));
  sub->add_option("--screen-outliers", args->screen_outliers, "true/false: drop moving ranges >= 3.267 x their mean once");
  sub->add_option("--run-length", args->run_length, "Points in a run or trend (default 7; MDC tools also offer 6)");
  sub->add_option("--two-sigma-beyond", args->two_sigma_beyond,
                  "true/false: the 2-in-3 rule also counts points beyond the limits (MDC since Nov 2023)");
  sub->add_option("--tie-breaks-trend", args->tie_breaks_trend, "true/false: equal consecutive values break a trend");
  sub->add_option("--summary-out", args->summary_out, "Also write one row per facet: variation and assurance icons");
  sub->add_option("--chart-out", args->chart_out, "Also draw the chart (one facet) as an SVG file here");
  sub->footer(
      "Input columns: date (or period), value, and optionally group (one chart per group).\n"
      "Output per point: mean, lpl, upl (mean -/+ 2.66 x average moving range), near_lpl/near_upl (two thirds of\n"
      "the way), the special-cause rule (beyond a limit > 7-point trend > 2 of 3 near a limit > run of 7) and the\n"
      "point type relative to the improvement direction.\n"
      "Examples:\n"
      "  icb stats spc --input ae_4hr.csv --improvement increase --target 0.95 --summary-out icons.csv\n"
      "  icb stats spc --input admissions.csv --improvement decrease --rebase 2023-04-01 --preset MDC-Excel-current\n"
      "Definitions: docs/reference/stats-variation.md#spc");
  return [args] { return RunSpc(*args); };
}

}  // namespace
}  // namespace icb::cli

ICB_REGISTER_STATS_METHOD(spc, icb::cli::SetupSpc);
