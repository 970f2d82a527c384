// Forecast report: turns a ForecastResult into the tables and charts a planner reads: a headline
// summary by activity type (baseline, principal, mean, P10, P50, P90 at the horizon), year-by-year
// trajectories with fan charts, the additive waterfall of change, cost by segment, IMD quintile and
// place, capacity (beds, sessions, A&E spaces, WTE), cost per head against the allocation, avoided
// activity and where it went, and the population. Baseline counts pass disclosure control and the
// projected values derived from them are suppressed with them. Pure function; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "forecast/demand_model.h"
#include "forecast/forecast_pipeline.h"
#include "forecast/scenario.h"
#include "report/report.h"

namespace icb::forecast {

report::Report BuildForecastReport(const ForecastResult& result, const PreparedForecast& prepared,
                                   const Scenario& scenario, const std::string& dataset_label);

// Adds a comparison table (and chart) of two scenarios' horizon results to `report`.
void AddScenarioComparison(report::Report& report, const ForecastResult& a, const Scenario& sa,
                           const ForecastResult& b, const Scenario& sb);

}  // namespace icb::forecast
