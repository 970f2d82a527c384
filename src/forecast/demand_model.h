// Demand model: NHP's Monte Carlo semantics over an ActivityTable, year by year to the horizon.
// For each run (run 0 = principal at central values, no noise; runs 1..N Monte Carlo), the run's
// parameters are drawn (ParameterSampler), a population variant is chosen, and for each year:
//   1. expected activity = baseline count x demographic growth (projected / baseline population of
//      the row's place, sex and age) x segment-mix change x health-status adjustment x
//      non-demographic growth (compounded) ;
//   2. Poisson resampling of each row (runs >= 1);
//   3. activity avoidance: binomial thinning by each matching mitigator (phased); every avoided unit
//      is re-homed to its receiving settings with a conversion ratio and unit cost;
//   4. efficiencies: binomial length-of-stay reduction, day-case, SDEC, virtual-ward and tele
//      conversions (converted activity moves type, it is not lost);
//   5. costs with inflation and efficiency; capacity (capacity.h).
// Random streams come from CounterRng(seed, run, stream, year/row block): results are identical at
// any thread count. Runs are spread over cores (core/parallel.h). The result holds every run's
// totals by year, type and measure, and horizon-year breakdowns, so quantiles are exact.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "forecast/activity_table.h"
#include "forecast/population_projection.h"
#include "forecast/scenario.h"
#include "forecast/segment_transitions.h"

namespace icb::forecast {

// Demographic growth of a row is the projection's ratio for its place and sex over the single years of
// age within this many years of its own (clipped at 0 and 100+): five single years in all.
inline constexpr int kDemographyWindow = 2;

enum class Measure : uint8_t { kUnits = 0, kBedDays = 1, kCostPence = 2 };
inline constexpr int kMeasureCount = 3;

// What the model needs besides the baseline and the scenario. Projections are per variant, in the
// order of scenario.variant_mix; `segments` may be null (no segment transitions).
struct DemandContext {
  std::vector<PopulationProjection> variants;
  const TransitionModel* transitions = nullptr;
  std::vector<double> baseline_segment_shares;   // [sex][age][state] as BaselineSegmentShares
  std::vector<double> baseline_population_by_age_sex;  // [sex][age], for the HSA age curves
  // Gain in life expectancy at 65 since the baseline, by variant: [variant][year_index * 2 + sex]
  // (LifeExpectancyGain in population_projection.h); drives the health-status adjustment.
  std::vector<std::vector<double>> le_gain;
  // Unit cost of each type where the scenario gives none and the baseline has no rows of it (SDEC,
  // virtual wards, tele-outpatients): LoadDefaultUnitCosts() in capacity.h.
  std::array<double, kActivityTypeCount> default_unit_cost_pence{};
  // Saving per bed day removed by a length-of-stay or virtual-ward efficiency when the scenario's
  // cost.marginal_bed_day_pence is 0 (the NCC excess bed-day mean). When both are 0 the saving is
  // the row type's baseline cost per bed day (mean spell cost / mean length of stay).
  double marginal_bed_day_pence = 0;
};

struct RunOptions {
  int runs = -1;          // -1: the scenario's
  int horizon_year = 0;   // 0: the scenario's
  bool progress = false;  // progress bar on stderr
  // Simulate the horizon year only (NHP's behaviour; for very large tables). The totals of the
  // years in between are NaN; year 0 (baseline) and the horizon are filled.
  bool horizon_only = false;
};

// Steps of the additive waterfall, in the order they are applied.
enum class Step : uint8_t {
  kBaseline = 0, kDemographic, kSegmentMix, kHealthStatus, kNonDemographic, kResampling,
  kAvoided, kReceived, kEfficiencies, kPrice, kHorizon
};
inline constexpr int kStepCount = 11;
std::string_view StepName(Step s);

struct ForecastResult {
  int baseline_year = 0, horizon_year = 0, runs = 0;   // runs excludes run 0
  std::vector<std::string> place_names;
  // totals[((run * years + year) * kActivityTypeCount + type) * kMeasureCount + measure]
  // run 0 = principal; years = horizon - baseline + 1 (year index 0 = baseline).
  std::vector<double> totals;
  // Horizon-year breakdowns per run: by segment (9), IMD quintile (6), place: units and cost.
  std::vector<double> by_segment, by_imd, by_place;  // [run][group][type][units,cost]
  // Waterfall per run at the horizon: [run][type][step] units (steps sum exactly: baseline +
  // each change, added in step order, = horizon = the horizon year's total); and cost in pence
  // likewise. Steps up to kEfficiencies are costed at baseline prices; kPrice is inflation and
  // cost improvement (0 for units).
  std::vector<double> waterfall_units, waterfall_cost;
  // Avoided hospital activity and where it went, at the horizon: [run][mitigator] avoided units,
  // [run][mitigator][type] received units and their cost.
  std::vector<std::string> mitigator_names;
  std::vector<uint8_t> mitigator_discard;   // 1 where the mitigator sends avoided activity nowhere
  std::vector<double> avoided_units, received_units, received_cost;
  // Population in each year of each run (the variant the run drew).
  std::vector<double> population;  // [run][year]
  std::vector<int> run_variant;    // index into the scenario's variant_mix
  bool horizon_only = false;       // years between baseline and horizon were not simulated (NaN)
  // Scenario parameters the sampler did not know by name (held at their central value), and other
  // notes for the report.
  std::vector<std::string> notes;

  int years() const { return horizon_year - baseline_year + 1; }
  double Total(int run, int year_index, ActivityType t, Measure m) const;
};

// Runs the model: run 0 (principal) and runs 1..N, in parallel over runs, identical at any thread count.
Result<ForecastResult> RunForecast(const ActivityTable& baseline, const DemandContext& context,
                                   const Scenario& scenario, const RunOptions& options);

// Summary over runs 1..N of one series: mean, P10, P50, P90 (type 7 quantiles), and the principal run.
struct Summary { double principal = 0, mean = 0, p10 = 0, p50 = 0, p90 = 0; };
Summary Summarise(const ForecastResult& r, int year_index, ActivityType t, Measure m);

// Merges rows identical in every column and in their strategy list (ids and sample rates), summing
// counts. Exact for the principal run (every step is linear in the count) and for resampling (a sum
// of Poissons is Poisson; thinning commutes with it); in Monte Carlo runs a merged row shares one
// draw of whether each strategy applies. Row order: first appearance.
ActivityTable CompactActivity(const ActivityTable& table);

}  // namespace icb::forecast
