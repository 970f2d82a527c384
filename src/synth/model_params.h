// ModelParams: every parameter of the synthetic ICB's ground-truth model, declared once here
// with its default value (DefaultModelParams) and written out whole to the truth directory's
// model.json. docs/synthetic-icb.md explains each. The calibrated constants (condition and
// activity scale factors, per-practice QOF factors, mortality normalisation, in-migration rate)
// are filled in by Calibrate() before generation. A plain value; copy it to share across threads.
#pragma once

#include <array>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "synth/reference_data.h"

namespace icb::synth {

inline constexpr int kAgeBands = 20;   // <1, 1-4, 5-9, ..., 85-89, 90+
inline constexpr int kModelYears = 5;  // year factors are given for FY 2020/21 .. 2024/25
inline constexpr int kFirstFactorYear = 2020;
// Age band (0..19) of an age in whole years.
inline int AgeBand(int age) { return age < 1 ? 0 : age < 5 ? 1 : age >= 90 ? 19 : age / 5 + 1; }

// Activity measures with a rate model. The first eleven are the England targets they are
// calibrated to (data/reference/england_activity_rates.csv); kRxAcute is calibrated so that total
// prescription items (repeat + acute) meet the items target.
enum class Measure : int {
  kGp = 0, kAe, kNel, kEl, kDc, kMat, kOpFirst, kOpFollowUp, kCommunity, kMentalHealth,
  kSocialCare, kRxAcute, kCount
};
inline constexpr int kMeasureCount = static_cast<int>(Measure::kCount);
inline constexpr int M(Measure m) { return static_cast<int>(m); }

// A person-year rate: k * year_factor * age_rate[sex][band] * exp(sum of condition log
// multipliers, capped) * exp(frailty_coef * (FI - 0.1)) * exp(deprivation_coef * (5.5 - decile) / 4.5)
// * (1 + history_nel * min(prior-year emergency admissions, 4)) * Zg^z_general * Za^z_acute * Zm^z_mental.
struct MeasureParams {
  std::string name;       // the target measure name in england_activity_rates.csv
  std::array<std::array<double, kAgeBands>, 2> age_rate{};  // per person-year [sex 0 male, 1 female]
  std::array<double, kConditionCount> condition_log_mult{};
  double frailty_coef = 0, deprivation_coef = 0;
  double z_general = 0, z_acute = 0, z_mental = 0;
  double history_nel = 0;  // + per emergency admission in the previous financial year (max 4)
  std::array<double, kModelYears> year_factor{1, 1, 1, 1, 1};  // FY 2020/21 .. 2024/25
  double k = 1;            // calibrated scale
};

// Cumulative onset model of one QOF condition: P(onset by age a) = min(cap, k * practice factor
// * G(a) * sex * deprivation * ethnicity * product of parent multipliers present at that time).
struct ConditionParams {
  std::vector<std::pair<double, double>> knots;  // (age in years, G): piecewise linear, non-decreasing
  double male_mult = 1;
  double deprivation_coef = 0;     // exp(coef * (5.5 - decile) / 4.5)
  double south_asian_mult = 1;     // ethnic categories H, J, K, L
  double black_mult = 1;           // ethnic categories M, N, P
  std::vector<std::pair<int, double>> parents;  // (condition index, multiplier once it is present)
  double frailty_weight = 0;       // added to the frailty index while present
  double mortality_log_hr = 0;     // log hazard ratio for death while present
  double k = 1;                    // calibrated scale
};

struct ModelParams {
  std::string version = "synthetic-icb-model/1";
  std::array<ConditionParams, kConditionCount> conditions;
  std::array<int, kConditionCount> condition_order{};  // parents before children
  std::array<MeasureParams, kMeasureCount> measures;
  double condition_log_mult_cap = 2.5;
  double onset_cap = 0.97;

  // Person-level heterogeneity: Gamma(shape, 1/shape), mean 1.
  double z_general_shape = 2.5, z_acute_shape = 1.5, z_mental_shape = 0.4;

  // Frailty index: base(age) + condition weights + person effect, clipped to [0, 0.95].
  double frailty_age_start = 40, frailty_age_slope = 0.0022, frailty_person_sd = 0.035;

  // Mortality: q = qx(age, sex) * exp(sum log HR + frailty_coef (FI-0.1) + dep) / norm[sex][band].
  double mortality_frailty_coef = 3.0, mortality_deprivation_coef = 0.3;
  std::array<std::array<double, kAgeBands>, 2> mortality_norm{};  // calibrated

  // Population flows.
  std::array<double, kAgeBands> out_migration_rate{};  // per year, by age band
  double in_migration_rate = 0.029;  // in-migrants per start person per year (calibrated)
  double birth_rate = 0.0115;        // births per start person per year (GM crude birth rate, assumed)
  double practice_move_rate = 0.03;  // practice changes per person-year within the sub-ICB
  double registration_gap_prob = 0.01, death_deduction_lag_prob = 0.02;
  double ethnicity_not_stated = 0.05, ethnicity_not_known = 0.01;  // shares recorded as Z and 99
  double male_birth_share = 0.512;

  // Emergency admissions.
  double terminal_admission_prob = 0.45;  // a death is preceded by a terminal emergency admission
  double transfer_share = 0.01;           // method 81 transfers, as a share of the emergency rate
  double ae_linked_share = 0.72;          // emergency admissions via A&E (method 21)

  // Social care: long-term support onsets follow Measure::kSocialCare as a hazard.
  double sc_prevalent_years = 2.5;        // prevalence at entry = 1 - exp(-hazard * this)
  double sc_residential_move_rate = 0.12; // home-based to residential or nursing, per year
  double reablement_prob = 0.10;          // after an emergency discharge at 65+

  // GP appointments not attended, and outpatient rows not attended, as shares of attended.
  double gp_dna_share = 0.045, op_dna_share = 0.07, op_cancelled_share = 0.09;

  // Seasonality by calendar month (Jan..Dec), normalised over the year.
  std::array<double, 12> season_acute{}, season_planned{};

  // Per-practice QOF factors [practice][condition] (calibrated; 1 until then).
  std::vector<std::array<double, kConditionCount>> practice_factor;

  // Calibration bookkeeping, written to model.json.
  nlohmann::json calibration;

  nlohmann::json ToJson() const;
};

ModelParams DefaultModelParams(size_t practice_count);
const char* MeasureName(Measure m);

}  // namespace icb::synth
