// SynthContext: everything the person simulator reads and nothing it writes: the reference data,
// the model parameters, the data period, and tables derived once from them (samplers for where
// people live, their age, sex, ethnicity and practice; HRG variants and unit costs from the
// National Cost Collection; resolved code lists). Built once by Create(); Calibrate() then sets
// the calibrated parameters; from then on it is read-only and shared by all worker threads.
#pragma once

#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "synth/activity_codes.h"
#include "synth/model_params.h"
#include "synth/reference_data.h"
#include "synth/rng.h"

namespace icb::synth {

// National Cost Collection departments the generator costs activity against.
enum class CostDept : int { kNelShort = 0, kNelLong, kElective, kDaycase, kOpProcedure, kCount };

// HRG variants of a root (e.g. EB03 -> EB03A..EB03E) in one NCC department, with their national
// activity (used as sampling weights) and the age range their description states.
class HrgCatalog {
 public:
  explicit HrgCatalog(const ReferenceData& ref);
  // Group of variants for `root` in `dept`; -1 if the schedule has none.
  int Group(CostDept dept, std::string_view root);
  // An NCC row of the group for a patient of `age`; `u` in [0,1) and `complexity` >= 0 (number of
  // comorbidities) push the choice towards the more complex (earlier-lettered) variants.
  int Pick(int group, int age, double u, int complexity) const;
  // The NCC row for an exact department name and currency code, or -1.
  int Row(std::string_view department, std::string_view code) const;
  std::string_view Code(int row) const { return ref_.ncc[static_cast<size_t>(row)].code; }
  int64_t CostPence(int row) const { return cost_pence_[static_cast<size_t>(row)]; }

 private:
  struct Variant {
    int row;
    int min_age, max_age;
    double activity;
  };
  const ReferenceData& ref_;
  std::vector<int64_t> cost_pence_;
  std::vector<std::pair<int, int>> age_range_;  // per NCC row, from its description
  std::vector<std::vector<Variant>> groups_;
};

// The data period: financial years from 1 April of start_year.
struct Period {
  int start_year = 2020, years = 5;
  int32_t start = 0, end = 0;      // days; end exclusive (1 April after the last year)
  std::vector<int32_t> fy_start;   // years + 1 boundaries
  std::vector<int32_t> month_start;  // every calendar month boundary in the period (12 * years + 1)
  int32_t qof_date = 0;            // prevalence date: 31 March 2023 if in the period, else the last day
  int target_fy = 0;               // the financial year calibrated to England's 2022-23 rates
  std::string FyLabel(int fy) const;  // "2023/24"
  int FyOf(int32_t day) const;        // index of the financial year holding `day`, -1 outside
};

struct ResolvedReason {
  int hrg_short = -1, hrg_long = -1;  // NEL short stay / long stay groups
};

class SynthContext {
 public:
  static Result<std::unique_ptr<SynthContext>> Create(const ReferenceData& ref, int start_year, int years);

  const ReferenceData& ref;
  ModelParams params;
  Period period;
  HrgCatalog hrg;
  const ActivityCodes& codes;

  // Samplers.
  DiscreteSampler lsoa_by_residents;
  std::vector<DiscreteSampler> lad_age_sex, lad_migrant_age_sex, sape_age_sex;  // cells sex * 101 + age
  std::vector<DiscreteSampler> lsoa_ethnic;          // 16 stated categories A..S
  std::vector<DiscreteSampler> sub_icb_practice;     // by list size; values index sub_icbs[].practices
  std::array<std::array<std::vector<int>, 2>, kConditionCount> condition_codes;  // [cond][sex] -> code rows
  std::array<std::array<DiscreteSampler, 2>, kConditionCount> condition_code_sampler;
  std::vector<int> acute_providers;                  // ACUTE trusts other than the cancer centre
  int cancer_centre = -1;

  // Resolved code lists.
  std::vector<ResolvedReason> nel_hrg;                // per nel_reasons row
  std::vector<int> procedure_hrg;                     // per procedures row (EL or DC department)
  std::vector<std::array<int, 2>> maternity_hrg;      // per maternity row (short, long)
  std::vector<int> op_procedure_hrg;                  // per op_specialties row, -1 none
  std::vector<int> condition_drug_index, age_drug_index, acute_drug_index;
  std::vector<int> ae_hrg_rows;                       // VB01Z..VB11Z
  std::vector<double> ae_hrg_activity;
  DiscreteSampler ae_hrg_major, ae_hrg_admitted;     // type 01/02 attendances; those admitted
  DiscreteSampler maternity_sampler;
  int ae_died_hrg = -1;
  std::array<int, 4> op_attendance_rows{};            // WF01A (FU F2F), WF01B (first F2F), WF01C, WF01D
  std::array<int, 4> op_multiprof_rows{};             // WF02A..WF02D
  int mh_contact_row = -1, talking_therapy_row = -1;
  std::array<int, 10> community_adult_rows{}, community_child_rows{};  // by contract service index
  std::array<int64_t, 6> gp_cost_pence{};             // GP F2F, GP remote, GP home, other F2F, other remote
  std::array<int64_t, 8> social_care_weekly_pence{};  // by contract support setting index
  int64_t residential_18_64_weekly_pence = 0;

 private:
  SynthContext(const ReferenceData& r, int start_year, int years);
  Status Resolve();
};

}  // namespace icb::synth
