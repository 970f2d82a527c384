// Forecast pipeline: from a published dataset and a scenario to a ForecastResult, in the order a
// planner would do it by hand: the baseline year's activity (baseline_builder.h), the registered
// population and its component rates, one population projection per variant in the scenario's mix
// (population_projection.h), segment transitions (segment_transitions.h), then the Monte Carlo
// demand model (demand_model.h). Keeps the intermediate pieces for the report. Not thread-safe
// across calls on one object; each call is independent.
#pragma once

#include <string>
#include <vector>

#include "context/segmentation.h"
#include "core/status.h"
#include "data/dataset.h"
#include "forecast/activity_table.h"
#include "forecast/demand_model.h"
#include "forecast/population_projection.h"
#include "forecast/scenario.h"
#include "forecast/segment_transitions.h"

namespace icb::forecast {

struct PreparedForecast {
  int baseline_year = 0, horizon_year = 0;
  ActivityTable baseline;
  PopulationGrid population;        // registered population on 1 April of the baseline year
  ComponentRates rates;
  std::vector<std::string> variant_names;  // in the order of DemandContext::variants
  TransitionModel transitions;
  bool has_transitions = false;
  DemandContext context;            // points into this object (transitions): do not copy
  std::vector<std::string> notes;   // how each piece was estimated (no person-level values)
};

struct PrepareOptions {
  int baseline_year = 0;   // 0: the scenario's, else the dataset's latest complete year
  int horizon_year = 0;    // 0: the scenario's, else baseline + 10
  int rate_years = 3;      // years of history for component rates (fewer if the data are shorter)
  int transition_years = 2;
};

// Builds everything RunForecast needs. `prepared` must outlive the RunForecast call.
Status PrepareForecast(const Dataset& ds, const ScoringConfig& config, const Scenario& scenario,
                       const PrepareOptions& options, PreparedForecast& prepared);

}  // namespace icb::forecast
