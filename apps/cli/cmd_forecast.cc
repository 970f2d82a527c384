// icb forecast: population, demand, capacity and cost projections for a published dataset under a
// scenario file (src/forecast/). Prints a summary at the horizon and, with --out, writes every table
// (CSV, JSON, XLSX) and chart (fan charts, waterfalls, cost by segment) after disclosure control.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "apps/cli/command.h"
#include "apps/cli/report_output.h"
#include "context/segmentation.h"
#include "data/dataset_dir.h"
#include "forecast/capacity.h"
#include "forecast/demand_model.h"
#include "forecast/forecast_pipeline.h"
#include "forecast/forecast_report.h"
#include "forecast/scenario.h"

namespace {

struct ForecastArgs {
  std::string dataset, scenario, nhp_params, compare;
  int runs = -1, horizon = 0, baseline = 0;
  bool show_scenario = false, no_progress = false;
  icb::cli::ReportOutputArgs output;
};

icb::Result<icb::forecast::Scenario> LoadOne(const std::string& scenario, const std::string& nhp, bool quiet) {
  if (!nhp.empty()) {
    std::vector<std::string> lines;
    auto s = icb::forecast::ImportNhpParams(nhp, lines);
    if (!s.ok()) return s.status();
    if (!quiet) {
      std::fprintf(stderr, "icb: imported NHP parameters from %s:\n", nhp.c_str());
      for (const auto& l : lines) std::fprintf(stderr, "  %s\n", l.c_str());
    }
    return s;
  }
  return icb::forecast::LoadScenario(scenario);
}

icb::cli::RunFn Setup(CLI::App& app) {
  auto args = std::make_shared<ForecastArgs>();
  auto* sub = app.add_subcommand(
      "forecast",
      "Project population, activity in every setting, capacity and cost to a horizon year under a scenario "
      "(Monte Carlo, NHP semantics, year-by-year trajectories)");
  sub->add_option("DATASET", args->dataset, "Published dataset directory (made by icb ingest)")->required();
  auto* scen = sub->add_option("--scenario", args->scenario, "Scenario JSON file (see data/forecast/scenarios/)");
  auto* nhp = sub->add_option("--nhp-params", args->nhp_params, "Run an NHP params.json instead (imported; what "
                                                                 "cannot be mapped is listed)");
  scen->excludes(nhp);
  sub->add_option("--runs", args->runs, "Monte Carlo runs (default: the scenario's)")->check(CLI::Range(0, 100000));
  sub->add_option("--horizon", args->horizon, "Horizon financial year, e.g. 2035 for 2035/36 (default: the scenario's)");
  sub->add_option("--baseline", args->baseline, "Baseline financial year (default: the latest complete year)");
  sub->add_option("--compare", args->compare, "A second scenario file to run and compare at the horizon");
  sub->add_flag("--show-scenario", args->show_scenario, "Print the resolved scenario (inheritance applied) as JSON");
  sub->add_flag("--no-progress", args->no_progress, "No progress bar");
  icb::cli::AddReportOptions(sub, args->output);
  sub->footer(
      "Examples:\n"
      "  icb forecast icb-data --scenario data/forecast/scenarios/baseline.json\n"
      "  icb forecast icb-data --scenario data/forecast/scenarios/hospital_to_community.json --runs 1000 --out fc/\n"
      "  icb forecast icb-data --scenario data/forecast/scenarios/nhp_like.json \\\n"
      "      --compare data/forecast/scenarios/hospital_to_community.json --out compare/\n"
      "  icb forecast icb-data --nhp-params params.json --runs 256\n"
      "Same seed, same results at any --threads. Method: docs/reference/forecast-demand.md; scenario files:\n"
      "docs/reference/forecast-scenarios.md (schema: docs/reference/forecast-scenario.schema.json).");
  return [args]() -> int {
    if (args->scenario.empty() && args->nhp_params.empty()) {
      std::fprintf(stderr, "icb: forecast: give --scenario FILE or --nhp-params FILE\n");
      return 64;
    }
    auto scenario = LoadOne(args->scenario, args->nhp_params, args->output.quiet);
    if (!scenario.ok()) return icb::cli::ReportError(scenario.status());
    if (args->show_scenario)
      std::printf("%s\n", icb::forecast::ScenarioToJson(*scenario).dump(2).c_str());
    std::optional<icb::forecast::Scenario> other;
    if (!args->compare.empty()) {
      auto o = icb::forecast::LoadScenario(args->compare);
      if (!o.ok()) return icb::cli::ReportError(o.status());
      other = std::move(*o);
      if (!args->output.quiet) {
        std::fprintf(stderr, "icb: %s vs %s:\n", scenario->name.c_str(), other->name.c_str());
        for (const auto& l : icb::forecast::CompareScenarios(*scenario, *other)) std::fprintf(stderr, "  %s\n", l.c_str());
      }
    }
    auto config = icb::LoadDefaultScoringConfig();
    if (!config.ok()) return icb::cli::ReportError(config.status());
    auto gen = icb::DatasetDir::Current(args->dataset);
    if (!gen.ok()) return icb::cli::ReportError(gen.status());
    auto ds = icb::Dataset::Load((std::filesystem::path(*gen) / icb::DatasetDir::kSnapshotFile).string());
    if (!ds.ok()) return icb::cli::ReportError(ds.status());

    icb::forecast::RunOptions ro;
    ro.runs = args->runs;
    ro.horizon_year = args->horizon;
    ro.progress = !args->no_progress && !args->output.quiet;
    icb::forecast::PrepareOptions po;
    po.baseline_year = args->baseline;
    po.horizon_year = args->horizon;
    auto run = [&](const icb::forecast::Scenario& s, icb::forecast::PreparedForecast& prepared)
        -> icb::Result<icb::forecast::ForecastResult> {
      ICB_RETURN_IF_ERROR(icb::forecast::PrepareForecast(*ds, *config, s, po, prepared));
      icb::forecast::RunOptions o = ro;
      o.horizon_year = prepared.horizon_year;
      icb::forecast::Scenario with_costs = s;
      if (with_costs.cost.marginal_bed_day_pence <= 0) {
        auto bed_day = icb::forecast::LoadMarginalBedDayPence();
        if (!bed_day.ok()) return bed_day.status();
        with_costs.cost.marginal_bed_day_pence = *bed_day;
      }
      return icb::forecast::RunForecast(prepared.baseline, prepared.context, with_costs, o);
    };
    auto prepared = std::make_unique<icb::forecast::PreparedForecast>();
    auto result = run(*scenario, *prepared);
    if (!result.ok()) return icb::cli::ReportError(result.status());
    auto report = icb::forecast::BuildForecastReport(*result, *prepared, *scenario, args->dataset);
    if (other) {
      auto prepared_b = std::make_unique<icb::forecast::PreparedForecast>();
      auto rb = run(*other, *prepared_b);
      if (!rb.ok()) return icb::cli::ReportError(rb.status());
      icb::forecast::AddScenarioComparison(report, *result, *scenario, *rb, *other);
    }
    return icb::cli::EmitReport(report, args->output);
  };
}

}  // namespace

ICB_REGISTER_COMMAND(forecast, Setup);
