// ActivityTable: the forecast's baseline, one row per unit of modelled activity or per cell of
// aggregated activity, in columns. It is the shape of NHP's model data (inpatient spells row by row
// with their length of stay; outpatient and A&E activity as counts) widened to every setting in the
// dataset (GP, community, mental health, social care, prescribing) and to the dimensions an ICB plans
// by (single year of age, sex, IMD quintile, Bridges to Health segment, place, provider).
// Mitigators (NHP's "types of potentially mitigatable activity") that apply to a row are listed in
// CSR form with NHP's per-row sample rate. Built once (baseline_builder.h, or a benchmark generator),
// then read-only: concurrent reads are safe. Holds no person identifiers.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace icb::forecast {

// What a row counts. The hospital types follow NHP's points of delivery; the receiving types are
// where avoided or converted hospital activity lands (conservation of demand).
enum class ActivityType : uint8_t {
  kAe = 0,             // A&E attendances (arrivals)
  kElective = 1,       // elective ordinary admissions (spells; bed days = spells x LOS)
  kDayCase = 2,        // day cases (spells)
  kNonElective = 3,    // non-elective admissions (spells; bed days)
  kMaternity = 4,      // maternity admissions (spells; bed days)
  kOpFirst = 5,        // outpatient first attendances (face to face)
  kOpFollowUp = 6,     // outpatient follow-up attendances (face to face)
  kOpTele = 7,         // outpatient tele-attendances (converted from face to face)
  kSdec = 8,           // same-day emergency care attendances (converted from zero-LOS admissions)
  kVirtualWard = 9,    // virtual ward days (converted from bed days)
  kGp = 10,            // GP practice appointments
  kCommunity = 11,     // community service contacts
  kMentalHealth = 12,  // mental health service contacts
  kSocialCare = 13,    // adult social care: person-weeks of long-term support
  kPrescribing = 14,   // prescription items
};
inline constexpr int kActivityTypeCount = 15;
std::string_view ActivityTypeName(ActivityType t);   // "ae", "elective", ... (scenario files use these)
std::string_view ActivityTypeLabel(ActivityType t);  // "A&E attendances", ...
std::string_view ActivityTypeUnit(ActivityType t);   // "attendances", "spells", "contacts", ...
// Parses a name as written by ActivityTypeName; error names the allowed values.
Result<ActivityType> ParseActivityType(std::string_view name);
// True for admitted types whose rows carry a length of stay (elective, non-elective, maternity).
bool HasLengthOfStay(ActivityType t);

inline constexpr int kMaxAge = 100;    // single years 0..99, and 100 = "100 and over"
inline constexpr int kSexes = 2;       // 0 male, 1 female (persons of other or unknown sex are
                                       // apportioned by the builder and documented)

struct ActivityTable {
  int baseline_year = 0;               // financial year starting 1 April of this year
  // Rows.
  std::vector<uint8_t> type;           // ActivityType
  std::vector<uint8_t> age;            // 0..kMaxAge at the activity date
  std::vector<uint8_t> sex;            // 0 male, 1 female
  std::vector<uint8_t> imd_quintile;   // 1 (most deprived) .. 5; 0 unknown
  std::vector<uint8_t> segment;        // B2hSegment at the baseline year's start (0 = not known)
  std::vector<uint16_t> place;         // index into place_names
  std::vector<uint16_t> provider;      // index into provider_names
  std::vector<double> count;           // units in the baseline year (spells, attendances, ...)
  std::vector<uint16_t> los;           // days per spell for HasLengthOfStay types, else 0
  std::vector<double> cost_pence;      // baseline cost of one unit on this row (bed-day costs
                                       // included in the spell cost), in pence
  // Mitigators that apply to each row: strategy_ids[strategy_offsets[r] .. strategy_offsets[r+1]),
  // each with NHP's sample rate (the chance the strategy applies to that row in a run).
  std::vector<uint64_t> strategy_offsets{0};
  std::vector<uint16_t> strategy_ids;  // index into strategy_names
  std::vector<float> strategy_rates;
  // Dictionaries.
  std::vector<std::string> place_names, provider_names, strategy_names;

  size_t size() const { return type.size(); }
  // Appends a row (no strategies yet); then AddStrategy for each mitigator that applies, then
  // EndRow. Keeps the columns and the CSR in step.
  void AddRow(ActivityType t, int age, int sex, int imd_quintile, int segment, int place, int provider,
              double count, int los, double cost_pence);
  void AddStrategy(int strategy, float sample_rate);
  void EndRow();
  // Index of a strategy name, adding it if new.
  int StrategyIndex(std::string_view name);
  // Checks column lengths, CSR offsets and ranges; for tests and after building.
  Status Validate() const;
};

// Totals of a table by type: units, bed days (units x LOS) and cost in pence.
struct ActivityTotals {
  std::array<double, kActivityTypeCount> units{}, bed_days{}, cost_pence{};
};
ActivityTotals SumActivity(const ActivityTable& t);

}  // namespace icb::forecast
