// Capacity and unit costs: turns a year's activity into the capacity it needs (beds at a target
// occupancy, theatre and clinic sessions, A&E spaces, virtual-ward beds, whole-time-equivalent staff
// from activity per WTE), and reads the default unit costs of data/forecast/default_unit_costs.csv
// (NCC 2023/24 derived, with stated assumptions for SDEC, virtual wards and the marginal bed day).
// Pure functions; thread-safe.
#pragma once

#include <array>
#include <string>

#include "core/status.h"
#include "forecast/activity_table.h"
#include "forecast/scenario.h"

namespace icb::forecast {

// Default unit cost of every activity type in pence, from `path` (empty: default_unit_costs.csv in
// DefaultForecastDataDir()); errors name the file, line and column; every type must be present.
Result<std::array<double, kActivityTypeCount>> LoadDefaultUnitCosts(const std::string& path = "");
// The marginal bed-day cost in pence (the file's `marginal_bed_day` row), for LOS efficiencies.
Result<double> LoadMarginalBedDayPence(const std::string& path = "");

struct CapacityYear {
  double beds = 0;              // general and acute beds: elective + non-elective + maternity bed days / (365 x occupancy)
  double theatre_sessions = 0;  // (elective + day-case spells) / cases per session
  double clinic_sessions = 0;   // (first + follow-up face-to-face attendances) / attendances per session
  double ae_spaces = 0;         // attendances x minutes / 60 / (open hours a year x utilisation)
  double virtual_ward_beds = 0; // virtual-ward days / (365 x occupancy)
  std::array<double, kActivityTypeCount> wte{};  // units / units_per_wte (0 where no rate is given)
};

// Capacity for one year's units and bed days by type (ActivityTotals' arrays).
CapacityYear ComputeCapacity(const std::array<double, kActivityTypeCount>& units,
                             const std::array<double, kActivityTypeCount>& bed_days, const CapacityAssumptions& a);

}  // namespace icb::forecast
