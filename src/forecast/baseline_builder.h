// Baseline builder: turns one financial year of the dataset into the forecast's ActivityTable.
// Inpatient spells stay row by row (NHP's shape: each spell keeps its length of stay); other
// activity is aggregated into cells of type x single age x sex x IMD quintile x B2H segment x place x
// provider x the set of strategies that apply. Segments are as at the year's start
// (context/segmentation.h). Unit costs are the dataset's own event costs (NCC-priced). Social care is
// person-weeks of long-term support in the year. Mitigator tags: rules from
// data/forecast/strategies.csv (e.g. ACSC emergency admissions, zero-LOS emergency spells, frail
// elderly, outpatient follow-ups, frequent A&E attenders) attach NHP-style strategy names.
// One parallel pass over persons in fixed chunks merged in chunk order: the table does not depend on
// the thread count. Definitions: docs/reference/forecast-baseline.md. Reads person-level rows; the
// table it returns holds none.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "context/codelist.h"
#include "context/segmentation.h"
#include "core/status.h"
#include "data/dataset.h"
#include "forecast/activity_table.h"

namespace icb::forecast {

// The latest financial year (start year) fully covered by the dataset's events: its 1 April is on or
// after the first event date and its 31 March on or before the last. 0 when there is none.
int LatestCompleteYear(const Dataset& ds);

Result<ActivityTable> BuildBaselineActivity(const Dataset& ds, const ScoringConfig& config, int baseline_year);

// The forecast's sex index of a person: data Sex male -> 0, female -> 1; other or unknown sexes
// alternate by person index (even -> 0, odd -> 1), so the split is deterministic and close to half.
inline int ForecastSex(uint8_t data_sex, uint32_t person) {
  if (data_sex == static_cast<uint8_t>(Sex::kMale)) return 0;
  if (data_sex == static_cast<uint8_t>(Sex::kFemale)) return 1;
  return static_cast<int>(person & 1u);
}

// One rule of data/forecast/strategies.csv: a row gets the strategy when every stated condition holds.
struct StrategyRule {
  std::string name;
  std::vector<ActivityType> types;       // required
  int min_age = 0, max_age = kMaxAge;
  int max_los = -1;                      // -1: any
  std::vector<int> segments;             // B2H segments at the year's start; empty: any
  std::string diagnosis_list;            // code list path relative to the data directory; empty: none
  bool diagnosis_any = false;            // false: primary diagnosis; true: any diagnosis of the spell
  bool no_procedure = false;             // spells with no primary procedure
  int min_ae_attendances = 0;            // the person's A&E attendances in the year (0: no condition)
  std::string ae_arrival_mode;           // A&E arrival mode code ("1" ambulance); empty: any
  float sample_rate = 1.0f;
  std::string source;
  CodeList codes;                        // loaded diagnosis_list
};
// Loads `path` (strategies.csv) and the code lists it names (relative to `data_dir`, the directory
// holding forecast/ and indicators/). Errors name file, line and column.
Result<std::vector<StrategyRule>> LoadStrategyRules(const std::string& path, const std::string& data_dir);

}  // namespace icb::forecast
