// icb_forecast_bench: times the demand model (forecast/demand_model.h RunForecast) on an NHP-shaped
// synthetic workload (forecast_workload.h): an NHP-sized provider (100,000 spells, 256 runs, NHP's
// sample parameters) or national scale (--spells 17600000). Prints the seconds spent building the
// workload, running the model and summarising, the peak resident memory (getrusage), and the
// headline P10/mean/P90 of inpatient admissions, bed days, outpatient and A&E attendances at the
// horizon. --export-csv writes the workload for the Python reference (forecast_nhp_numpy.py).
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "core/parallel.h"
#include "forecast/demand_model.h"
#include "forecast_workload.h"

namespace icb::forecast {
namespace {

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

double PeakRssMib() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

// Population by place, sex and age growing at a constant annual rate per age band: enough for the
// demographic step to have work to do without a dataset.
PopulationProjection FixedGrowthProjection(const WorkloadShape& shape, const std::string& variant, int places,
                                           const std::vector<std::string>& place_names, int baseline_year,
                                           int horizon, bool grow) {
  PopulationProjection p;
  p.baseline_year = baseline_year;
  p.variant = variant;
  for (int k = 0; k <= horizon; ++k) {
    PopulationGrid g(places, place_names);
    for (int q = 0; q < places; ++q) {
      for (int sex = 0; sex < kSexes; ++sex) {
        for (int age = 0; age <= kMaxAge; ++age) {
          double base = age < 90 ? 1000.0 : 1000.0 * std::pow(0.8, age - 89);
          g.at(q, sex, age) = base * (grow ? std::pow(1.0 + AnnualGrowth(shape, age), k) : 1.0);
        }
      }
    }
    p.years.push_back(std::move(g));
  }
  const size_t steps = static_cast<size_t>(std::max(horizon, 0));
  p.births.assign(steps, 0.0);
  p.deaths.assign(steps, 0.0);
  p.in_migrants.assign(steps, 0.0);
  p.out_migrants.assign(steps, 0.0);
  return p;
}

// Quantile of type 7 (R's default; NHP's outputs use the same) of sorted values.
double Quantile7(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  double h = (static_cast<double>(sorted.size()) - 1) * q;
  size_t lo = static_cast<size_t>(std::floor(h));
  size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

struct Headline {
  std::string name;
  std::vector<ActivityType> types;
  Measure measure;
};

int Main(int argc, char** argv) {
  CLI::App app{"Times the forecast demand model on an NHP-shaped synthetic workload."};
  int64_t spells = 100000;
  int runs = 256, threads = 0, providers = -1, places = -1, horizon = 0;
  uint64_t seed = 84308;
  bool horizon_only = false, compact = false, growth = false;
  std::string scenario_path, nhp_params, export_csv, shape_path;
  app.add_option("--spells", spells, "inpatient spells (NHP's IP_N; A&E = 1.2x, OP = 10x before aggregation)");
  app.add_option("--runs", runs, "Monte Carlo runs (run 0, the principal, is extra)");
  app.add_option("--threads", threads, "worker threads (0 = all cores)");
  app.add_option("--providers", providers, "sites/providers (default 3, or 130 from 1,000,000 spells)");
  app.add_option("--places", places, "places of residence (default 5, or 42 from 1,000,000 spells)");
  app.add_option("--horizon", horizon, "horizon financial year (default: the scenario's)");
  app.add_option("--seed", seed, "workload seed (NHP's sample seed by default)");
  app.add_flag("--horizon-only", horizon_only, "model only the horizon year, as NHP does");
  app.add_flag("--compact", compact, "merge identical rows first (CompactActivity)");
  app.add_flag("--population-growth", growth, "constant annual growth by age band (bench/forecast_workload.json)");
  app.add_option("--scenario", scenario_path, "scenario JSON file");
  app.add_option("--nhp-params", nhp_params, "NHP params.json to import (default tests/data/forecast/nhp_params_sample.json)");
  app.add_option("--shape", shape_path, "workload shape file (default bench/forecast_workload.json beside the source)");
  app.add_option("--export-csv", export_csv, "write the workload as CSV for bench/forecast_nhp_numpy.py");
  app.footer(
      "Examples:\n"
      "  icb_forecast_bench --runs 256 --threads 2 --population-growth\n"
      "  icb_forecast_bench --spells 17600000 --runs 256 --horizon-only --population-growth\n"
      "  icb_forecast_bench --export-csv /tmp/fw --runs 0");
  CLI11_PARSE(app, argc, argv);
  if (providers < 0) providers = spells >= 1000000 ? 130 : 3;
  if (places < 0) places = spells >= 1000000 ? 42 : 5;
  if (shape_path.empty()) shape_path = std::string(ICB_SOURCE_DIR) + "/bench/forecast_workload.json";
  SetThreadCount(threads);

  // Scenario.
  Scenario scenario;
  std::vector<std::string> import_report;
  if (!scenario_path.empty()) {
    auto s = LoadScenario(scenario_path);
    if (!s.ok()) return std::fprintf(stderr, "error: %s\n", s.status().message().c_str()), 1;
    scenario = std::move(*s);
  } else {
    if (nhp_params.empty()) nhp_params = std::string(ICB_SOURCE_DIR) + "/tests/data/forecast/nhp_params_sample.json";
    auto s = ImportNhpParams(nhp_params, import_report);
    if (!s.ok()) return std::fprintf(stderr, "error: %s\n", s.status().message().c_str()), 1;
    scenario = std::move(*s);
  }
  scenario.runs = runs;
  if (scenario.baseline_year == 0) scenario.baseline_year = 2023;
  if (horizon > 0) scenario.horizon_year = horizon;
  if (scenario.horizon_year == 0) scenario.horizon_year = scenario.baseline_year + 10;
  const int years_ahead = scenario.horizon_year - scenario.baseline_year;

  // Workload.
  auto shape = LoadWorkloadShape(shape_path);
  if (!shape.ok()) return std::fprintf(stderr, "error: %s\n", shape.status().message().c_str()), 1;
  auto t0 = std::chrono::steady_clock::now();
  WorkloadOptions wo;
  wo.ip_spells = spells;
  wo.providers = providers;
  wo.places = places;
  wo.seed = seed;
  wo.baseline_year = scenario.baseline_year;
  ActivityTable table = GenerateWorkload(*shape, wo);
  const double build_s = Seconds(t0);
  if (Status st = table.Validate(); !st.ok()) return std::fprintf(stderr, "error: %s\n", st.message().c_str()), 6;
  const ActivityTotals base = SumActivity(table);
  int ip_rows = 0;
  for (size_t r = 0; r < table.size(); ++r) ip_rows += HasLengthOfStay(static_cast<ActivityType>(table.type[r])) ||
                                                       table.type[r] == static_cast<uint8_t>(ActivityType::kDayCase);
  std::printf("workload: %zu rows (%d inpatient spells, %zu aggregated A&E/outpatient rows), %zu strategy tags, %zu strategy names\n",
              table.size(), ip_rows, table.size() - static_cast<size_t>(ip_rows), table.strategy_ids.size(),
              table.strategy_names.size());
  std::printf("baseline: A&E %.0f, outpatient %.0f, providers %d, places %d\n",
              base.units[static_cast<int>(ActivityType::kAe)],
              base.units[static_cast<int>(ActivityType::kOpFirst)] + base.units[static_cast<int>(ActivityType::kOpFollowUp)] +
                  base.units[static_cast<int>(ActivityType::kOpTele)],
              providers, places);
  // How many of the scenario's mitigators and efficiencies find tagged rows in the workload.
  {
    int mitigators = static_cast<int>(scenario.mitigators.size()), efficiencies = static_cast<int>(scenario.efficiencies.size());
    int tagged = 0, by_strategy = 0;
    auto known = [&](const std::string& name) {
      return std::find(table.strategy_names.begin(), table.strategy_names.end(), name) != table.strategy_names.end();
    };
    for (const auto& m : scenario.mitigators) by_strategy += !m.filter.strategy.empty(), tagged += known(m.filter.strategy);
    for (const auto& e : scenario.efficiencies) by_strategy += !e.filter.strategy.empty(), tagged += known(e.filter.strategy);
    std::printf("scenario: %d mitigators + %d efficiencies (%d by NHP strategy, %d of them tagged in the workload), %d runs, %d -> %d\n",
                mitigators, efficiencies, by_strategy, tagged, scenario.runs, scenario.baseline_year, scenario.horizon_year);
  }
  if (!export_csv.empty()) {
    if (Status st = WriteWorkloadCsv(table, export_csv); !st.ok()) return std::fprintf(stderr, "error: %s\n", st.message().c_str()), 3;
    std::printf("wrote %s/rows.csv and strategies.csv\n", export_csv.c_str());
  }
  double compact_s = 0;
  if (compact) {
    auto tc = std::chrono::steady_clock::now();
    const size_t before = table.size();
    table = CompactActivity(table);
    compact_s = Seconds(tc);
    std::printf("compacted: %zu -> %zu rows in %.3f s\n", before, table.size(), compact_s);
  }
  if (runs <= 0) {
    std::printf("RESULT build_s=%.3f run_s=0 summarise_s=0 peak_rss_mib=%.1f threads=%d rows=%zu\n", build_s, PeakRssMib(),
                ThreadCount(), table.size());
    return 0;
  }

  // Context: one projection per population variant of the scenario.
  DemandContext context;
  for (const auto& [variant, probability] : scenario.variant_mix) {
    (void)probability;
    context.variants.push_back(FixedGrowthProjection(*shape, variant, places, table.place_names,
                                                     scenario.baseline_year, years_ahead, growth));
  }
  context.baseline_population_by_age_sex.assign(static_cast<size_t>(kSexes) * kAges, 0.0);
  for (int q = 0; q < places; ++q) {
    for (int sex = 0; sex < kSexes; ++sex) {
      for (int age = 0; age <= kMaxAge; ++age) {
        context.baseline_population_by_age_sex[static_cast<size_t>(sex) * kAges + age] += context.variants[0].years[0].at(q, sex, age);
      }
    }
  }
  context.le_gain.assign(context.variants.size(), std::vector<double>(static_cast<size_t>(years_ahead + 1) * 2, 0.0));
  for (int t = 0; t < kActivityTypeCount; ++t) {
    if (base.units[t] > 0) context.default_unit_cost_pence[t] = base.cost_pence[t] / base.units[t];
  }
  context.default_unit_cost_pence[static_cast<int>(ActivityType::kSdec)] = 60000;
  context.default_unit_cost_pence[static_cast<int>(ActivityType::kVirtualWard)] = 25000;
  context.default_unit_cost_pence[static_cast<int>(ActivityType::kCommunity)] = 9000;
  context.default_unit_cost_pence[static_cast<int>(ActivityType::kGp)] = 4200;

  RunOptions options;
  options.runs = runs;
  options.horizon_year = scenario.horizon_year;
  options.horizon_only = horizon_only;
  auto t1 = std::chrono::steady_clock::now();
  auto result = RunForecast(table, context, scenario, options);
  const double run_s = Seconds(t1);
  if (!result.ok()) return std::fprintf(stderr, "error: %s\n", result.status().message().c_str()), 6;

  auto t2 = std::chrono::steady_clock::now();
  const ForecastResult& r = *result;
  const int h = r.years() - 1;
  const std::vector<Headline> headlines = {
      {"IP admissions", {ActivityType::kElective, ActivityType::kDayCase, ActivityType::kNonElective, ActivityType::kMaternity}, Measure::kUnits},
      {"IP bed days", {ActivityType::kElective, ActivityType::kNonElective, ActivityType::kMaternity}, Measure::kBedDays},
      {"OP attendances", {ActivityType::kOpFirst, ActivityType::kOpFollowUp, ActivityType::kOpTele}, Measure::kUnits},
      {"A&E attendances", {ActivityType::kAe}, Measure::kUnits},
  };
  std::vector<std::string> lines;
  for (const auto& hl : headlines) {
    std::vector<double> v;
    for (int run = 1; run <= r.runs; ++run) {
      double s = 0;
      for (ActivityType t : hl.types) s += r.Total(run, h, t, hl.measure);
      v.push_back(s);
    }
    double baseline = 0, principal = 0, mean = 0;
    for (ActivityType t : hl.types) baseline += r.Total(0, 0, t, hl.measure), principal += r.Total(0, h, t, hl.measure);
    for (double x : v) mean += x;
    mean /= std::max<size_t>(v.size(), 1);
    std::sort(v.begin(), v.end());
    char buf[256];
    std::snprintf(buf, sizeof buf, "  %-16s baseline %12.0f  principal %12.0f  P10 %12.0f  mean %12.0f  P90 %12.0f", hl.name.c_str(),
                  baseline, principal, Quantile7(v, 0.1), mean, Quantile7(v, 0.9));
    lines.emplace_back(buf);
  }
  const double summarise_s = Seconds(t2);

  std::printf("horizon %d, %d runs + principal, threads %d%s:\n", r.horizon_year, r.runs, ThreadCount(),
              horizon_only ? ", horizon only" : "");
  for (const auto& l : lines) std::printf("%s\n", l.c_str());
  std::printf("seconds: build %.3f, run %.3f, summarise %.3f; peak RSS %.1f MiB\n", build_s, run_s, summarise_s, PeakRssMib());
  std::printf("RESULT build_s=%.3f compact_s=%.3f run_s=%.3f summarise_s=%.3f peak_rss_mib=%.1f threads=%d rows=%zu runs=%d\n",
              build_s, compact_s, run_s, summarise_s, PeakRssMib(), ThreadCount(), table.size(), r.runs);
  return 0;
}

}  // namespace
}  // namespace icb::forecast

int main(int argc, char** argv) { return icb::forecast::Main(argc, argv); }
