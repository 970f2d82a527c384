// Scenario: everything a forecast assumes, as a file a planner can read, diff and share. JSON with a
// published schema (docs/reference/forecast-scenario.schema.json); a scenario may inherit from another
// (`"inherits": "base.json"`, merged key by key, the child winning) and be compared with one
// (CompareScenarios). ImportNhpParams reads NHP `params.json` files. ParameterSampler draws one
// Monte Carlo run's parameter values, with correlations through a Gaussian copula; run 0 is the
// principal run at central values. Value types; a loaded Scenario is read-only and safe to share.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "forecast/activity_table.h"
#include "forecast/distribution.h"
#include <nlohmann/json_fwd.hpp>

namespace icb::forecast {

// How a lever's effect builds up: nothing before start_year, then a straight line to full effect
// at full_year (both financial years; full_year <= start_year means a step).
struct Phasing {
  int start_year = 0;
  int full_year = 0;
  double At(int year) const;  // 0..1
};

// Where avoided activity goes: `units_per_avoided` units of `type` for each avoided unit, at
// `cost_pence` each (or, when absent, the baseline mean unit cost of that type).
struct Receiving {
  ActivityType type = ActivityType::kCommunity;
  Distribution units_per_avoided = Distribution::Fixed(1.0);
  std::optional<double> cost_pence;
};

// Which baseline rows a lever applies to. A row matches when its type is listed and its age,
// segment and IMD quintile are in range/sets (empty sets = all). `strategy`, when set, matches rows
// tagged with that NHP strategy name instead (the table's CSR, with its sample rates).
struct RowFilter {
  std::vector<ActivityType> types;
  int min_age = 0, max_age = kMaxAge;
  std::vector<int> segments;      // B2hSegment values
  std::vector<int> imd_quintiles;
  std::string strategy;
  bool min_los_set = false;       // when set, only rows with los >= min_los / <= max_los
  int min_los = 0, max_los = 65535;
};

// Activity avoidance (NHP's binomial thinning): a share `reduction` of matching activity is avoided,
// and lands in `receiving` settings (conservation of demand). An empty `receiving` list is allowed
// only with "avoided_to": "nowhere" stated explicitly in the file (`discard` true), and is reported.
struct Mitigator {
  std::string name;
  RowFilter filter;
  Distribution reduction = Distribution::Fixed(0);  // share avoided at full effect, 0..1
  Phasing phasing;
  std::vector<Receiving> receiving;
  bool discard = false;
};

// Efficiencies (NHP): change how activity is delivered, not whether it happens.
struct Efficiency {
  enum class Kind {
    kLengthOfStay,        // each bed day of a matching spell removed with probability `value`
    kDayCaseConversion,   // elective spells become day cases with probability `value`
    kSdecConversion,      // zero-LOS non-elective spells become SDEC attendances with probability `value`
    kVirtualWard,         // bed days of matching spells become virtual-ward days with probability `value`
    kTeleOutpatient,      // outpatient attendances become tele-attendances with probability `value`
  };
  std::string name;
  Kind kind = Kind::kLengthOfStay;
  RowFilter filter;
  Distribution value = Distribution::Fixed(0);
  Phasing phasing;
};

// Prevention: a relative change in one segment transition probability (from -> to) for people in
// an age range, from `lag_years` after the baseline onwards, phased.
struct PreventionLever {
  std::string name;
  int from_segment = 0, to_segment = 0;   // B2hSegment values
  int min_age = 0, max_age = kMaxAge;
  Distribution relative_change = Distribution::Fixed(0);  // -0.1 = 10% fewer such transitions
  int lag_years = 0;
  Phasing phasing;
};

struct HousingGrowth {  // extra dwellings a year in a place, occupied by movers of a typical age mix
  std::string place;
  int from_year = 0, to_year = 0;
  double dwellings_per_year = 0;
  double persons_per_dwelling = 2.3;
};

struct Correlation {  // between two parameters named by their JSON path, e.g. "mitigators.falls.reduction"
  std::string a, b;
  double rho = 0;
};

struct CapacityAssumptions {
  double bed_occupancy = 0.92;                 // target occupancy for general and acute beds
  double theatre_cases_per_session = 3.0;      // elective and day-case spells per 4-hour session
  double clinic_attendances_per_session = 12;  // outpatient attendances per clinic session
  double ae_minutes_per_attendance = 180;      // NHP capacity-conversion defaults: 60 min minors, 240 majors
  double ae_hours_per_year = 168.0 * 52.0;
  double ae_utilisation = 0.5;
  // Units of activity per whole-time equivalent a year, by type (0 = no staff line for that type).
  std::array<double, kActivityTypeCount> units_per_wte{};
};

struct CostAssumptions {
  Distribution inflation = Distribution::Fixed(0.0);    // annual pay and price inflation
  Distribution efficiency = Distribution::Fixed(0.0);   // annual cost improvement (reduces unit cost)
  std::array<std::optional<double>, kActivityTypeCount> unit_cost_pence{};  // overrides of baseline means
  double marginal_bed_day_pence = 0;   // saving per bed day avoided by LOS efficiencies (0: the NCC
                                       // excess bed-day mean, data/forecast/README.md)
  double allocation_pence_per_head = 0;                 // ICB allocation per head in the baseline year
  Distribution allocation_growth = Distribution::Fixed(0.0);  // annual growth of the allocation per head
};

struct Scenario {
  std::string name, description;
  std::string inherits;   // path as written in the file (resolved relative to it)
  uint64_t seed = 1;
  int runs = 1000;        // Monte Carlo runs (run 0, the principal run, is extra)
  int baseline_year = 0;  // 0 = the dataset's latest complete financial year
  int horizon_year = 0;   // 0 = baseline + 10
  // Population: variants by probability (names from population_projection.h), housing growth.
  std::vector<std::pair<std::string, double>> variant_mix{{"principal", 1.0}};
  std::vector<HousingGrowth> housing;
  // Health status adjustment (NHP): ages 55-90, the age curve shifts by life-expectancy gain x ratio.
  bool health_status_adjustment = true;
  Distribution hsa_ratio = Distribution::Fixed(0.0);  // share of life-expectancy gain spent in good health
  // Segment transitions: project the segment mix with the Markov model (segment_transitions.h).
  bool segment_transitions = true;
  // Non-demographic growth, annual, by type (absent = 0).
  std::array<std::optional<Distribution>, kActivityTypeCount> non_demographic_growth{};
  std::vector<Mitigator> mitigators;
  std::vector<Efficiency> efficiencies;
  std::vector<PreventionLever> prevention;
  std::vector<Correlation> correlations;
  CapacityAssumptions capacity;
  CostAssumptions cost;
};

// Loads a scenario file, resolving `inherits` chains relative to the file (cycles refused): objects are
// merged key by key, the named arrays (mitigators, efficiencies, prevention) item by item on "name",
// and {"name": "x", "remove": true} drops an inherited item. Unknown keys are refused; errors name the
// file and the JSON path.
Result<Scenario> LoadScenario(const std::string& path);
Result<Scenario> ScenarioFromJson(const nlohmann::json& j, const std::string& where);
nlohmann::json ScenarioToJson(const Scenario& s);
// The scenario JSON Schema (draft 2020-12), as published in docs/reference/ (scenario_schema.cc).
nlohmann::json ScenarioSchema();
// Checks that every correlation names a parameter (ParameterSampler::names()) and that the matrix is
// positive definite, naming the offending pair. ScenarioFromJson calls it.
Status ValidateCorrelations(const Scenario& s, const std::string& where);

// What differs between two scenarios, one line per JSON path: "mitigators.falls.reduction: [0.05, 0.1] -> [0.1, 0.2]".
std::vector<std::string> CompareScenarios(const Scenario& a, const Scenario& b);

// Imports an NHP params.json (nhp_import.cc). `report` lists what was mapped and what could not be
// (one line each, "mapped: ..." / "not mapped: ..."); docs/reference/forecast-scenarios.md has the table.
Result<Scenario> ImportNhpParams(const std::string& path, std::vector<std::string>& report);

// One run's values of every uncertain parameter, in a fixed order (ParameterSampler::names()):
// "hsa_ratio", "non_demographic_growth.<type>" (types present), then per mitigator
// "mitigators.<name>.reduction" and its "mitigators.<name>.receiving.<i>.units_per_avoided",
// "efficiencies.<name>.value", "prevention.<name>.relative_change", "cost.inflation",
// "cost.efficiency", "cost.allocation_growth". Fixed values are included. Draws are clipped to each
// value's valid range (shares 0..1, ratios >= 0, relative changes >= -1). Read-only after construction.
class ParameterSampler {
 public:
  explicit ParameterSampler(const Scenario& s);
  // Not ok when the correlations are invalid (ScenarioFromJson refuses those already); draws are then
  // independent.
  const Status& status() const { return status_; }
  const std::vector<std::string>& names() const { return names_; }
  // Run 0: central values. Run r >= 1: quantiles of correlated uniforms; parameter i's standard normal
  // comes from CounterRng(seed, r, kParameters, FNV-1a hash of its name).
  std::vector<double> Draw(uint64_t seed, uint32_t run) const;
  // Index of a parameter by JSON path, or -1.
  int Find(const std::string& name) const;

 private:
  std::vector<std::string> names_;
  std::vector<Distribution> dists_;
  std::vector<std::vector<double>> cholesky_;  // lower-triangular factor of the correlation matrix
  // Each parameter's own random stream (a hash of its name): a parameter's draw in a run does not
  // depend on which other parameters the scenario has, so two scenarios compared with the same seed
  // share their common parameters' draws (common random numbers).
  std::vector<uint32_t> stream_keys_;
  Status status_;
};

}  // namespace icb::forecast
