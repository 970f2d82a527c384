// Population and activity profile of a dataset: the first thing an ICB analyst asks of new data.
// ComputeProfile reads a Dataset once, in parallel over persons (fixed chunks, per-chunk counters
// combined in chunk order, so results do not depend on the thread count), and returns a Report of
// aggregate tables: population pyramids (residents; registered), deprivation, ethnicity, practice
// list sizes, places and sub-ICBs, QOF long-term condition registers with recorded prevalence,
// activity and cost by setting, point of delivery and financial year with rates per 1,000
// person-years, and a data-quality summary from the ingest's dq_report.json. Exact definitions:
// docs/reference/profile.md. Output holds counts only (no person-level values) but no small-number
// suppression is applied yet. Stateless; thread safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/date.h"
#include "core/status.h"
#include "data/dataset.h"
#include "report/report.h"

namespace icb {

struct ProfileOptions {
  int32_t as_at = kNoDate;        // day number of the snapshot date; kNoDate: the last event date
  std::string dataset_label;      // shown in the report metadata (e.g. the dataset path)
  std::string generation;         // the published generation read ("gen-000002"), if any
  // The generation's dq_report.json, when there is one; a data-quality section is added from it.
  std::optional<nlohmann::json> dq_report;
  std::string dq_report_problem;  // why dq_report.json could not be read, if it could not
};

// The profile of `ds` as a Report. InvalidInput when there is no as_at and no events to take one
// from.
Result<report::Report> ComputeProfile(const Dataset& ds, const ProfileOptions& options);

// Loads the published dataset `dir` (its live generation and dq_report.json when present) and
// profiles it. NotFound / Corrupt as DatasetDir::Load.
Result<report::Report> ProfileDatasetDir(const std::string& dir, ProfileOptions options);

// ---- definitions, exposed for tests and other modules ----

inline constexpr int kAgeBandCount = 19;  // 0-4, 5-9, ..., 85-89, 90+
// The 5-year band of a whole-years age: 0 for 0-4 ... 17 for 85-89, 18 for 90+.
int AgeBand(int age_years);
std::string AgeBandLabel(int band);       // "0-4", ..., "85-89", "90+"

// Alive on `day`: born on or before it, and no death before it (death on `day` counts as alive).
bool AliveOn(int32_t birth, int32_t death, int32_t day);
// Days in [from, to] (inclusive) on which someone born `birth` and dying `death` (kNoDate: alive)
// was alive, birth day and death day included; 0 when the ranges do not meet.
int64_t DaysAlive(int32_t birth, int32_t death, int32_t from, int32_t to);

// Days in [from, to] on which the person was alive and registered with any practice (overlapping
// registrations counted once). Registrations must be sorted by start, as in a Dataset.
int64_t DaysRegistered(const RegistrationTable& r, size_t person, int32_t birth, int32_t death, int32_t from,
                       int32_t to);

// Financial year (1 April - 31 March) containing `day`, named by its starting calendar year.
int FinancialYearOf(Date day);
Date FinancialYearStart(int fy);          // 1 April fy
Date FinancialYearEnd(int fy);            // 31 March fy+1
std::string FinancialYearLabel(int fy);   // 2023 -> "2023/24"

// QOF 2022-23 register definitions: the denominator age group of each register.
struct QofRegisterInfo {
  std::string_view code;        // GROUP_CODE
  std::string_view label;
  std::string_view list_type;   // PATIENT_LIST_TYPE: TOTAL, 06OV, 16OV, 17OV, 18OV, 50OV
  int min_age;                  // 0 for TOTAL
};
// Indexed like kQofConditions.
const QofRegisterInfo& QofRegister(uint8_t condition);

}  // namespace icb
