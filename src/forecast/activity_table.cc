#include "forecast/activity_table.h"

#include <fmt/format.h>

namespace icb::forecast {
namespace {

struct TypeInfo {
  std::string_view name, label, unit;
};
// One declaration per type: the scenario file names, report labels and units.
constexpr TypeInfo kTypes[kActivityTypeCount] = {
    {"ae", "A&E attendances", "attendances"},
    {"elective", "Elective ordinary admissions", "spells"},
    {"day_case", "Day cases", "spells"},
    {"non_elective", "Non-elective admissions", "spells"},
    {"maternity", "Maternity admissions", "spells"},
    {"op_first", "Outpatient first attendances", "attendances"},
    {"op_follow_up", "Outpatient follow-up attendances", "attendances"},
    {"op_tele", "Outpatient tele-attendances", "attendances"},
    {"sdec", "Same-day emergency care attendances", "attendances"},
    {"virtual_ward", "Virtual ward days", "days"},
    {"gp", "GP practice appointments", "appointments"},
    {"community", "Community service contacts", "contacts"},
    {"mental_health", "Mental health service contacts", "contacts"},
    {"social_care", "Adult social care long-term support", "person-weeks"},
    {"prescribing", "Prescription items", "items"},
};

const TypeInfo& Info(ActivityType t) {
  const auto i = static_cast<size_t>(t);
  return kTypes[i < static_cast<size_t>(kActivityTypeCount) ? i : 0];
}

}  // namespace

std::string_view ActivityTypeName(ActivityType t) { return Info(t).name; }
std::string_view ActivityTypeLabel(ActivityType t) { return Info(t).label; }
std::string_view ActivityTypeUnit(ActivityType t) { return Info(t).unit; }

Result<ActivityType> ParseActivityType(std::string_view name) {
  std::string allowed;
  for (int i = 0; i < kActivityTypeCount; ++i) {
    if (kTypes[i].name == name) return static_cast<ActivityType>(i);
    if (i) allowed += ", ";
    allowed += kTypes[i].name;
  }
  return Status::InvalidInput(fmt::format("unknown activity type \"{}\": expected one of {}", name, allowed));
}

bool HasLengthOfStay(ActivityType t) {
  return t == ActivityType::kElective || t == ActivityType::kNonElective || t == ActivityType::kMaternity;
}

void ActivityTable::AddRow(ActivityType t, int a, int s, int imd, int seg, int pl, int prov, double n, int l,
                           double cost) {
  type.push_back(static_cast<uint8_t>(t));
  age.push_back(static_cast<uint8_t>(a < 0 ? 0 : (a > kMaxAge ? kMaxAge : a)));
  sex.push_back(static_cast<uint8_t>(s));
  imd_quintile.push_back(static_cast<uint8_t>(imd));
  segment.push_back(static_cast<uint8_t>(seg));
  place.push_back(static_cast<uint16_t>(pl));
  provider.push_back(static_cast<uint16_t>(prov));
  count.push_back(n);
  los.push_back(static_cast<uint16_t>(l < 0 ? 0 : (l > 65535 ? 65535 : l)));
  cost_pence.push_back(cost);
}

void ActivityTable::AddStrategy(int strategy, float sample_rate) {
  strategy_ids.push_back(static_cast<uint16_t>(strategy));
  strategy_rates.push_back(sample_rate);
}

void ActivityTable::EndRow() { strategy_offsets.push_back(strategy_ids.size()); }

int ActivityTable::StrategyIndex(std::string_view name) {
  for (size_t i = 0; i < strategy_names.size(); ++i) {
    if (strategy_names[i] == name) return static_cast<int>(i);
  }
  strategy_names.emplace_back(name);
  return static_cast<int>(strategy_names.size() - 1);
}

Status ActivityTable::Validate() const {
  const size_t n = type.size();
  if (age.size() != n || sex.size() != n || imd_quintile.size() != n || segment.size() != n ||
      place.size() != n || provider.size() != n || count.size() != n || los.size() != n ||
      cost_pence.size() != n) {
    return Status::Internal(fmt::format("activity table: column lengths differ ({} rows of type)", n));
  }
  if (strategy_offsets.size() != n + 1 || strategy_offsets.front() != 0 ||
      strategy_offsets.back() != strategy_ids.size() || strategy_rates.size() != strategy_ids.size()) {
    return Status::Internal(fmt::format("activity table: strategy CSR does not match {} rows", n));
  }
  for (size_t r = 0; r < n; ++r) {
    if (strategy_offsets[r] > strategy_offsets[r + 1]) {
      return Status::Internal(fmt::format("activity table: strategy offsets decrease at row {}", r));
    }
    if (type[r] >= kActivityTypeCount) return Status::InvalidInput(fmt::format("activity table row {}: type {} out of range", r, type[r]));
    if (age[r] > kMaxAge) return Status::InvalidInput(fmt::format("activity table row {}: age {} above {}", r, age[r], kMaxAge));
    if (sex[r] >= kSexes) return Status::InvalidInput(fmt::format("activity table row {}: sex {} is not 0 or 1", r, sex[r]));
    if (imd_quintile[r] > 5) return Status::InvalidInput(fmt::format("activity table row {}: IMD quintile {} above 5", r, imd_quintile[r]));
    if (segment[r] > 8) return Status::InvalidInput(fmt::format("activity table row {}: segment {} above 8", r, segment[r]));
    if (!place_names.empty() && place[r] >= place_names.size()) {
      return Status::InvalidInput(fmt::format("activity table row {}: place {} without a name", r, place[r]));
    }
    if (!provider_names.empty() && provider[r] >= provider_names.size()) {
      return Status::InvalidInput(fmt::format("activity table row {}: provider {} without a name", r, provider[r]));
    }
    if (!(count[r] >= 0)) return Status::InvalidInput(fmt::format("activity table row {}: count is negative or not a number", r));
    if (!(cost_pence[r] >= 0)) return Status::InvalidInput(fmt::format("activity table row {}: cost is negative or not a number", r));
  }
  for (size_t i = 0; i < strategy_ids.size(); ++i) {
    if (strategy_ids[i] >= strategy_names.size()) {
      return Status::InvalidInput(fmt::format("activity table: strategy id {} without a name", strategy_ids[i]));
    }
    if (!(strategy_rates[i] >= 0 && strategy_rates[i] <= 1)) {
      return Status::InvalidInput(fmt::format("activity table: strategy sample rate {} outside [0, 1]", strategy_rates[i]));
    }
  }
  return Status::Ok();
}

ActivityTotals SumActivity(const ActivityTable& t) {
  ActivityTotals s;
  for (size_t r = 0; r < t.size(); ++r) {
    const int ty = t.type[r];
    s.units[ty] += t.count[r];
    s.bed_days[ty] += t.count[r] * t.los[r];
    s.cost_pence[ty] += t.count[r] * t.cost_pence[r];
  }
  return s;
}

}  // namespace icb::forecast
