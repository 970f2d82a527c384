// Population projection: a cohort-component model by place, sex and single year of age (0..100+),
// the method of ONS's subnational projections. Each year: survive (life-table qx with an annual
// improvement), age by one year, add births (age-specific fertility of women 15-49, sex ratio at
// birth, infants surviving to the year's end), subtract out-migrants (rates by place/sex/age), add
// in-migrants (counts by place/sex/age) and housing-growth movers. The baseline and the component
// rates are estimated from the dataset's registered population (registrations, births and deaths
// seen in it) against national reference schedules in data/reference/ (ONS national life tables)
// and data/forecast/ (ONS age-specific fertility). Variants (principal, high, low, ...) change
// fertility, mortality improvement and migration. docs/reference/forecast-population.md states the
// method, the equations and a worked example. Pure functions of their inputs; thread-safe.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "core/status.h"
#include "data/dataset.h"
#include "forecast/population_grid.h"
#include "forecast/scenario.h"

namespace icb::forecast {

// Rules of the rate estimation (documented in docs/reference/forecast-population.md).
inline constexpr int kMinDeathsForLocalSmr = 100;        // else the place uses the ICB-wide SMR
inline constexpr int kMinBirthsForLocalFertility = 100;  // else the place uses the ICB-wide ratio
inline constexpr double kMigrationPriorPersonYears = 50; // credibility weight of the ICB-wide rate
inline constexpr int kBirthRegistrationDays = 122;       // first registration within ~3 months of birth
inline constexpr int kDeathDeregistrationDays = 31;      // a registration ending this close to death is a death
inline constexpr int kMigrationBands = 19;               // 0-4, 5-9, ..., 85-89, 90+

struct ComponentRates {
  int places = 0;
  std::vector<std::string> place_names;
  std::vector<double> qx;             // [place][sex][age]: probability of dying within the year
  std::vector<double> fertility;      // [place][age]: births a year per woman of that age (0 outside 15..49)
  std::vector<double> out_migration;  // [place][sex][age]: probability of moving away within the year
  std::vector<double> in_migrants;    // [place][sex][age]: people moving in a year
  double male_births_share = 0.5122;  // ONS: about 105 boys per 100 girls
  // How each was estimated, for the report (no person-level values).
  std::vector<std::string> notes;
  // The estimates behind the rates (empty when rates are built by hand).
  std::vector<double> icb_qx;         // [sex][age]: national qx x ICB-wide SMR (life expectancy gain)
  std::vector<double> smr;            // [place][sex]: the SMR applied (the place's own or the ICB's)
  std::array<double, kSexes> icb_smr{1.0, 1.0};
  std::array<double, kSexes> deaths{};        // observed deaths in the window, ICB-wide
  double births = 0;                  // births seen in the window, ICB-wide
  double gfr = 0;                     // births a year per woman aged 15-44, ICB-wide
  std::vector<double> fertility_ratio;  // [place]: observed / expected births on the national schedule
};

// National schedules the estimation scales: ONS life table (qx, mx by sex and age 0..100) and the
// ONS age-specific fertility schedule interpolated to single years 15..49 (births per woman).
struct ComponentReference {
  std::array<std::array<double, kAges>, kSexes> qx{}, mx{};
  std::array<double, kAges> asfr{};
  std::string life_table_source, asfr_source;  // file names, for the notes
};
// data/reference and data/forecast of the source tree.
std::string DefaultReferenceDir();
std::string DefaultForecastDataDir();
// Reads ons_national_life_tables_england_2017-2019.csv from reference_dir and ons_asfr_england.csv
// from forecast_dir; errors name the file, line and column.
Result<ComponentReference> LoadComponentReference(const std::string& reference_dir,
                                                  const std::string& forecast_dir);
// Single-year rates 15..44 from 5-year group rates (mass-preserving linear interpolation between
// group midpoints); `group_rates` are per woman for 15-19, 20-24, ..., 40-44.
std::array<double, kAges> InterpolateAsfr(const std::array<double, 6>& group_rates);

struct ProjectionVariant {
  std::string name;                     // "principal", "high", "low", "no_migration", ...
  double fertility_multiplier = 1.0;
  double mortality_improvement = 0.01;  // annual proportional fall in qx
  double in_migration_multiplier = 1.0;
  double out_migration_multiplier = 1.0;
};
// The standard variants, with their documented values.
std::vector<ProjectionVariant> StandardVariants();
Result<ProjectionVariant> FindVariant(const std::string& name);

// The registered population alive on `as_at` (day number) by place, sex and age.
PopulationGrid RegisteredPopulation(const Dataset& ds, int32_t as_at);

// Component rates from the `years` financial years before `baseline_year` (deaths, births, moves).
Result<ComponentRates> EstimateComponentRates(const Dataset& ds, int baseline_year, int years);
// The same against given national schedules.
Result<ComponentRates> EstimateComponentRates(const Dataset& ds, int baseline_year, int years,
                                              const ComponentReference& reference);

struct PopulationProjection {
  int baseline_year = 0;
  std::string variant;
  std::vector<PopulationGrid> years;  // [0] = baseline, [k] = 1 April of baseline_year + k
  std::vector<double> births, deaths, in_migrants, out_migrants;  // during year k -> k+1 (size years-1)
  std::vector<double> housing_movers;  // the part of in_migrants that is housing growth
  std::vector<std::string> notes;      // e.g. a housing place that is not in the grid
};

// InvalidInput when the grid and the rates do not describe the same places (names and sizes).
Status CheckProjectionInputs(const PopulationGrid& base, const ComponentRates& rates);

// Projects `horizon` years ahead. Housing growth adds movers with the in-migrants' age/sex profile.
// Precondition: CheckProjectionInputs(base, rates).ok().
PopulationProjection ProjectPopulation(const PopulationGrid& base, const ComponentRates& rates,
                                       const ProjectionVariant& variant, int baseline_year, int horizon,
                                       const std::vector<HousingGrowth>& housing = {});

// Period life expectancy at 65 by sex in each projected year (qx with the variant's improvement),
// minus the baseline's: [year_index * 2 + sex], year_index 0..horizon (index 0 is 0).
// Uses rates.icb_qx, or the unweighted mean of the places' qx when it is empty.
std::vector<double> LifeExpectancyGain(const ComponentRates& rates, const ProjectionVariant& variant, int horizon);
// Period life expectancy at `age` from single-year qx 0..100 (100 an open group with a constant
// hazard -ln(1 - q100); deaths mid-year). For LifeExpectancyGain and its tests.
double PeriodLifeExpectancy(const double* qx, int age);

}  // namespace icb::forecast
