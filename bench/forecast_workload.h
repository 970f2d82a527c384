// Forecast benchmark workload: a synthetic, NHP-shaped ActivityTable for timing the demand model
// at provider and national scale without real data. Sizing follows NHP's synthetic data generator
// (IP_N inpatient spells row by row with a length of stay per point of delivery; A&E = 1.2 x IP_N
// and outpatients = 10 x IP_N attendances before aggregation, kept as count rows by age, sex, IMD
// quintile, place, provider/site and first vs follow-up). Inpatient rows carry NHP's strategy tags
// (activity avoidance and efficiencies, with sample rates); outpatient and A&E rows carry the
// strategies of their kind. The shape (mix, age, sex, deprivation, LOS, strategy shares) is data:
// bench/forecast_workload.json. Deterministic from a seed. Benchmark code, not part of the engine.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "forecast/activity_table.h"

namespace icb::forecast {

// A strategy a share of eligible inpatient spells carries (NHP's ip_*_strategies tables).
struct WorkloadIpStrategy {
  std::string name;
  bool efficiency = false;             // avoidance otherwise
  std::array<bool, kActivityTypeCount> pods{};
  int min_age = 0, max_age = kMaxAge, min_los = 0, max_los = 65535;
  double share = 0;                    // chance an eligible spell carries it
  double rate_lo = 1, rate_hi = 1;     // NHP sample rate, uniform in [lo, hi]
};

struct WorkloadPod {  // one inpatient point of delivery, or the A&E / outpatient population
  ActivityType type = ActivityType::kElective;
  double share = 0, female_share = 0.5;
  int min_age = 0, max_age = kMaxAge;
  std::vector<double> age_band_weights;
  std::array<double, 5> imd_weights{};
  double los_zero_share = 1, los_mean_if_positive = 1;
  double cost_gbp = 0;
};

struct WorkloadShape {
  std::vector<int> age_band_lower;
  int adult_min_age = 18;
  std::vector<WorkloadPod> ip_pods;
  WorkloadPod ae, op;
  double ae_per_ip = 1.2, op_per_ip = 10, ae_ambulance_share = 0.25;
  std::vector<std::pair<std::string, double>> ae_categories;  // strategy stem ("" = none), share
  double op_surgical_share = 0.5, op_procedure_share = 0.2, op_tele_share = 0.12;
  double op_first_cost_gbp = 0, op_follow_up_cost_gbp = 0, op_tele_cost_gbp = 0;
  struct OpStage { ActivityType type; std::string strategy; double share; };
  std::vector<OpStage> op_stages;
  std::string op_tele_strategy;
  double home_place_share = 0.8;
  std::vector<double> provider_shares_if_three;
  std::vector<WorkloadIpStrategy> ip_strategies;
  std::vector<int> growth_band_lower;   // --population-growth
  std::vector<double> growth_annual;
};

// Reads bench/forecast_workload.json; errors name the file and the key.
Result<WorkloadShape> LoadWorkloadShape(const std::string& path);

struct WorkloadOptions {
  int64_t ip_spells = 100000;
  int providers = 3;       // sites (NHP's synthetic sitetret a, b, c)
  int places = 5;          // places of residence (population projection areas)
  uint64_t seed = 84308;   // NHP's sample seed
  int baseline_year = 2023;
};

// Generates the table: IP rows first (one per spell), then A&E, then outpatient count rows.
ActivityTable GenerateWorkload(const WorkloadShape& shape, const WorkloadOptions& options);

// Writes rows.csv (row,type,age,sex,imd,place,provider,count,los) and strategies.csv
// (row,strategy,rate) into `dir` for the Python reference (bench/forecast_nhp_numpy.py).
Status WriteWorkloadCsv(const ActivityTable& table, const std::string& dir);

// Annual growth of the population at `age` under the shape's --population-growth table.
double AnnualGrowth(const WorkloadShape& shape, int age);

}  // namespace icb::forecast
