#include "forecast/capacity.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "forecast/forecast_data_csv.h"
#include "forecast/population_projection.h"

namespace icb::forecast {
namespace {

constexpr double kDaysPerYear = 365.0;

struct UnitCostFile {
  std::array<double, kActivityTypeCount> pence{};
  double marginal_bed_day_pence = 0;
};

Result<UnitCostFile> ReadUnitCosts(const std::string& path_in) {
  const std::string path = path_in.empty() ? DefaultForecastDataDir() + "/default_unit_costs.csv" : path_in;
  auto csv = ReadForecastDataCsv(path, {"type", "cost_pence"});
  if (!csv.ok()) return csv.status();
  UnitCostFile out;
  std::array<bool, kActivityTypeCount> seen{};
  bool bed_day = false;
  const int type_col = csv->Column("type"), cost_col = csv->Column("cost_pence");
  for (size_t r = 0; r < csv->rows.size(); ++r) {
    const std::string& name = csv->rows[r][type_col];
    const std::string& text = csv->rows[r][cost_col];
    char* end = nullptr;
    errno = 0;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || errno != 0 || !std::isfinite(v) || v < 0)
      return Status::InvalidInput(csv->Where(r, "cost_pence") + ": expected a cost in pence >= 0");
    if (name == "marginal_bed_day") {
      out.marginal_bed_day_pence = v;
      bed_day = true;
      continue;
    }
    auto t = ParseActivityType(name);
    if (!t.ok()) return Status::InvalidInput(csv->Where(r, "type") + ": " + t.status().message());
    out.pence[static_cast<int>(*t)] = v;
    seen[static_cast<int>(*t)] = true;
  }
  for (int t = 0; t < kActivityTypeCount; ++t)
    if (!seen[t])
      return Status::InvalidInput(path + ": no row for type '" + std::string(ActivityTypeName(static_cast<ActivityType>(t))) + "'");
  if (!bed_day) return Status::InvalidInput(path + ": no row for type 'marginal_bed_day'");
  return out;
}

}  // namespace

Result<std::array<double, kActivityTypeCount>> LoadDefaultUnitCosts(const std::string& path) {
  auto f = ReadUnitCosts(path);
  if (!f.ok()) return f.status();
  return f->pence;
}

Result<double> LoadMarginalBedDayPence(const std::string& path) {
  auto f = ReadUnitCosts(path);
  if (!f.ok()) return f.status();
  return f->marginal_bed_day_pence;
}

CapacityYear ComputeCapacity(const std::array<double, kActivityTypeCount>& units,
                             const std::array<double, kActivityTypeCount>& bed_days, const CapacityAssumptions& a) {
  auto u = [&](ActivityType t) { return units[static_cast<int>(t)]; };
  auto bd = [&](ActivityType t) { return bed_days[static_cast<int>(t)]; };
  CapacityYear c;
  const double bed_year = kDaysPerYear * a.bed_occupancy;
  if (bed_year > 0) {
    c.beds = (bd(ActivityType::kElective) + bd(ActivityType::kNonElective) + bd(ActivityType::kMaternity)) / bed_year;
    c.virtual_ward_beds = u(ActivityType::kVirtualWard) / bed_year;
  }
  if (a.theatre_cases_per_session > 0)
    c.theatre_sessions = (u(ActivityType::kElective) + u(ActivityType::kDayCase)) / a.theatre_cases_per_session;
  if (a.clinic_attendances_per_session > 0)
    c.clinic_sessions = (u(ActivityType::kOpFirst) + u(ActivityType::kOpFollowUp)) / a.clinic_attendances_per_session;
  const double space_hours = a.ae_hours_per_year * a.ae_utilisation;
  if (space_hours > 0) c.ae_spaces = u(ActivityType::kAe) * a.ae_minutes_per_attendance / 60.0 / space_hours;
  for (int t = 0; t < kActivityTypeCount; ++t)
    if (a.units_per_wte[t] > 0) c.wte[t] = units[t] / a.units_per_wte[t];
  return c;
}

}  // namespace icb::forecast
