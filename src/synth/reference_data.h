// ReferenceData: the public reference tables the synthetic ICB is grounded in (NHS Greater
// Manchester LSOAs, Census 2021 age/sex/ethnicity, IMD 2025, QOF 2022-23 practices and
// prevalence, ONS life tables, the National Cost Collection 2023/24, England activity rates and
// the generator's code lists), loaded from data/reference (see its README.md for provenance).
// Loaded once, then read-only: safe to share across threads.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace icb::synth {

inline constexpr int kConditionCount = 21;  // data/types.h kQofConditions
inline constexpr int kMaxAge = 100;         // single years 0..100 (100 = 100 and over)
inline constexpr int kEthnicStated = 16;    // NHS ethnic categories A..S

// Counts of people by sex (0 male, 1 female) and single year of age.
struct AgeSexTable {
  std::array<std::array<double, kMaxAge + 1>, 2> count{};
  double Total() const;
};

struct LsoaRef {
  std::string code, name, sub_icb_code, lad_code, lad_name;
  int imd_decile = 5;
  double residents = 0;   // Census 2021 usual residents (TS021 total)
  int lad = -1;           // index into ReferenceData::lads
  int sub_icb = -1;       // index into ReferenceData::sub_icbs
  int sape = -1;          // index into ReferenceData::sape (LSOA age/sex estimates), or -1
  std::array<double, kEthnicStated> ethnic_counts{};  // residents by NHS ethnic category A..S
};

struct LadRef {
  std::string code, name;
  AgeSexTable census;     // Census 2021 usual residents, 90+ spread over 90..100 by life-table lx
  int acute = -1, community = -1, mental_health = -1, local_authority = -1;  // provider indexes
};

struct SubIcbRef {
  std::string code, name;
  int lad = -1;
  std::vector<int> practices;  // indexes into ReferenceData::practices
};

// One QOF 2022-23 register of one practice.
struct QofEntry {
  double register_count = 0;
  double list_size = 0;   // denominator: registered patients in the register's age group
  int min_age = 0;        // PATIENT_LIST_TYPE: TOTAL 0, 06OV 6, 16OV 16, 17OV 17, 18OV 18, 50OV 50
};

struct PracticeRef {
  std::string code, name, pcn_code, pcn_name, sub_icb_code, place_name;
  int sub_icb = -1;
  double list_size = 0;   // QOF 2022-23 total list size
  std::array<QofEntry, kConditionCount> qof{};
};

struct ProviderRef {
  std::string code, name, type;
};

struct NccRow {
  std::string department, code, description;
  double activity = 0, unit_cost = 0;
};

struct ActivityTarget {
  std::string measure, pod, unit, source, source_year;
  double rate_per_1000 = 0;
};

struct ConditionCodeRef {
  int condition = 0;
  char sex = 'A';   // 'A' any, 'M', 'F'
  double weight = 1;
  std::string snomed, icd10, term;
};

struct DrugRef {
  std::string bnf, name;
  int64_t nic_pence = 0;
};

struct ReferenceData {
  std::string dir;
  std::vector<LsoaRef> lsoas;
  std::vector<LadRef> lads;
  std::vector<SubIcbRef> sub_icbs;
  std::vector<PracticeRef> practices;
  std::vector<ProviderRef> providers;
  std::vector<AgeSexTable> sape;  // ONS mid-2022 LSOA estimates (Trafford)
  std::array<std::array<double, kMaxAge + 1>, 2> qx{}, lx{};  // ONS life table 2017-19 [sex][age]
  std::vector<NccRow> ncc;
  std::vector<ActivityTarget> targets;
  std::vector<ConditionCodeRef> condition_codes;
  std::vector<DrugRef> drugs;
  std::map<std::string, int64_t, std::less<>> unit_costs_pence;
  std::string icb_code = "QOP";

  const ActivityTarget* Target(std::string_view measure) const;
  int ProviderIndex(std::string_view code) const;  // -1 if absent
  int DrugIndex(std::string_view bnf) const;       // -1 if absent
  int64_t UnitCostPence(std::string_view item) const;  // -1 if absent
};

// Loads every reference file from `dir`; errors name the file and what is wrong.
Result<ReferenceData> LoadReferenceData(const std::string& dir);
// The data/reference directory of the source tree (the ICB_REFERENCE_DIR compile definition).
std::string DefaultReferenceDir();

}  // namespace icb::synth
