#include "forecast/forecast_pipeline.h"

#include <algorithm>
#include <fmt/format.h>

#include "core/date.h"
#include "forecast/baseline_builder.h"
#include "forecast/capacity.h"

namespace icb::forecast {

namespace {

int FirstFinancialYear(const Dataset& ds) {
  const int32_t first = ds.FirstEventDate();
  if (first == kNoDate) return 0;
  int y = 1900;
  // The first 1 April on or after the first event.
  for (y = 1900; y < 2200; ++y)
    if (Date::FromCivil(y, 4, 1).days() >= first) break;
  return y;
}

}  // namespace

Status PrepareForecast(const Dataset& ds, const ScoringConfig& config, const Scenario& scenario,
                       const PrepareOptions& options, PreparedForecast& p) {
  p = PreparedForecast{};
  const int latest = LatestCompleteYear(ds);
  p.baseline_year = options.baseline_year ? options.baseline_year
                    : scenario.baseline_year ? scenario.baseline_year
                                             : latest;
  if (p.baseline_year == 0 || p.baseline_year > latest)
    return Status::InvalidInput(fmt::format(
        "baseline year {}/{:02d}: the dataset's latest complete financial year is {}/{:02d}", p.baseline_year,
        (p.baseline_year + 1) % 100, latest, (latest + 1) % 100));
  p.horizon_year = options.horizon_year ? options.horizon_year
                   : scenario.horizon_year ? scenario.horizon_year
                                           : p.baseline_year + 10;
  if (p.horizon_year <= p.baseline_year || p.horizon_year > p.baseline_year + 50)
    return Status::InvalidInput(fmt::format("horizon year {} must be 1 to 50 years after the baseline year {}",
                                            p.horizon_year, p.baseline_year));
  const int horizon = p.horizon_year - p.baseline_year;

  auto baseline = BuildBaselineActivity(ds, config, p.baseline_year);
  if (!baseline.ok()) return baseline.status();
  p.baseline = std::move(*baseline);

  const int32_t as_at = Date::FromCivil(p.baseline_year, 4, 1).days();
  p.population = RegisteredPopulation(ds, as_at);
  const int first = FirstFinancialYear(ds);
  const int rate_years = std::max(1, std::min(options.rate_years, p.baseline_year - first));
  auto rates = EstimateComponentRates(ds, p.baseline_year, rate_years);
  if (!rates.ok()) return rates.status();
  p.rates = std::move(*rates);
  for (const auto& n : p.rates.notes) p.notes.push_back(n);

  DemandContext& c = p.context;
  for (const auto& [name, probability] : scenario.variant_mix) {
    auto variant = FindVariant(name);
    if (!variant.ok()) return variant.status();
    (void)probability;
    p.variant_names.push_back(name);
    c.variants.push_back(ProjectPopulation(p.population, p.rates, *variant, p.baseline_year, horizon, scenario.housing));
    c.le_gain.push_back(LifeExpectancyGain(p.rates, *variant, horizon));
  }
  c.baseline_population_by_age_sex.assign(static_cast<size_t>(kSexes) * kAges, 0.0);
  for (int place = 0; place < p.population.places; ++place)
    for (int sex = 0; sex < kSexes; ++sex)
      for (int age = 0; age < kAges; ++age)
        c.baseline_population_by_age_sex[static_cast<size_t>(sex) * kAges + static_cast<size_t>(age)] +=
            p.population.at(place, sex, age);

  if (scenario.segment_transitions) {
    const int years = std::max(1, std::min(options.transition_years, p.baseline_year - first));
    auto model = EstimateTransitions(ds, config, SegmentScheme::kBridgesToHealth, p.baseline_year, years);
    if (!model.ok()) return model.status();
    p.transitions = std::move(*model);
    p.has_transitions = true;
    auto shares = BaselineSegmentShares(ds, config, SegmentScheme::kBridgesToHealth, p.baseline_year);
    if (!shares.ok()) return shares.status();
    c.baseline_segment_shares = std::move(*shares);
    c.transitions = &p.transitions;
    p.notes.push_back(fmt::format("Segment transitions (Bridges to Health) estimated from {} year pair(s) ending {}/{:02d}",
                                  years, p.baseline_year, (p.baseline_year + 1) % 100));
  }
  auto costs = LoadDefaultUnitCosts();
  if (!costs.ok()) return costs.status();
  c.default_unit_cost_pence = *costs;
  return Status::Ok();
}

}  // namespace icb::forecast
