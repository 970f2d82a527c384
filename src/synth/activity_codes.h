// ActivityCodes: the code lists that give synthetic activity realistic content: reasons for
// emergency admission (ICD-10, HRG root, A&E diagnosis SNOMED CT), planned procedures (OPCS-4,
// HRG root), maternity spells, outpatient specialties (treatment function codes), repeat and acute
// medicines (BNF chemical substances) and A&E diagnoses. Each row names the condition that makes it
// more likely. Declared once in activity_codes.cc; HRG roots are resolved against the National Cost
// Collection by SynthContext. Immutable static data; thread safe.
#pragma once

#include <string_view>
#include <utility>
#include <vector>

namespace icb::synth {

inline constexpr int kNoCondition = -1;

// A reason for an emergency admission. Weight = base + (person has `condition` ? condition_weight : 0).
struct NelReason {
  std::string_view name, icd10, hrg_root, ae_snomed;
  double weight;
  int condition;
  double condition_weight;
  int min_age, max_age;
  char sex;                // 'A' any, 'M', 'F'
  double terminal_weight;  // weight when choosing the reason for a terminal admission
};

// A planned (elective ordinary or day case) procedure.
struct PlannedProcedure {
  std::string_view name, icd10, opcs, hrg_root;
  bool day_case;
  double weight;
  int condition;
  double condition_weight;
  int min_age, max_age;
  char sex;
  double mean_los;  // ordinary admissions: mean length of stay, days
};

struct MaternityReason {
  std::string_view name, icd10, opcs, hrg_root, method;
  double weight;
  double mean_los;
};

// An outpatient specialty (treatment function); a share of attendances carry a procedure.
struct OpSpecialty {
  std::string_view tfc;
  double weight;
  std::vector<std::pair<int, double>> conditions;  // (condition, added weight)
  int min_age, max_age;
  char sex;
  bool cancer;             // the specialist cancer trust sees most of these
  double procedure_share;
  std::string_view procedure_hrg_root, procedure_opcs;
};

// A repeat medicine started after a condition's onset with probability `prob`; dispensed in a
// share `monthly` of months.
struct ConditionDrugRule {
  int condition;
  std::string_view bnf;
  double prob, monthly;
};

// A repeat medicine whose uptake rises with age: P(on it by age a) piecewise linear in `knots`.
struct AgeDrugRule {
  std::string_view bnf;
  char sex;
  std::vector<std::pair<double, double>> knots;
  double female_mult;  // used when sex == 'A'
};

struct AcuteDrug {
  std::string_view bnf;
  double weight_male, weight_female;
};

struct AeDiagnosis {
  std::string_view snomed;
  double weight;
  int min_age, max_age;
  int condition;
  double condition_weight;
};

struct ActivityCodes {
  std::vector<NelReason> nel_reasons;
  std::vector<PlannedProcedure> procedures;
  std::vector<MaternityReason> maternity;
  std::vector<OpSpecialty> op_specialties;
  std::vector<ConditionDrugRule> condition_drugs;
  std::vector<AgeDrugRule> age_drugs;
  std::vector<AcuteDrug> acute_drugs;
  std::vector<AeDiagnosis> ae_diagnoses;
};

const ActivityCodes& GetActivityCodes();

}  // namespace icb::synth
