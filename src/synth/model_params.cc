#include "synth/model_params.h"

#include <cmath>

#include "data/types.h"

namespace icb::synth {
namespace {

enum C : int {
  AF = 0, AST, CAN, CHD, CKD, COPD, DEM, DEP, DM, EP, HF, HYP, LD, MH, NDH, OB, OST, PAD, PC, RA, STIA
};

using Band = std::array<double, kAgeBands>;
using Cond = std::array<double, kConditionCount>;

// Female rate = male rate * multiplier.
std::array<Band, 2> Sexed(const Band& male, const Band& female_mult) {
  std::array<Band, 2> r{};
  for (int b = 0; b < kAgeBands; ++b) {
    r[0][b] = male[b];
    r[1][b] = male[b] * female_mult[b];
  }
  return r;
}
Band Flat(double v) {
  Band b;
  b.fill(v);
  return b;
}

MeasureParams Measure_(const char* name, std::array<Band, 2> rate, Cond cond, double frailty, double dep,
                       double zg, double za, double zm, std::array<double, kModelYears> years) {
  MeasureParams m;
  m.name = name;
  m.age_rate = rate;
  m.condition_log_mult = cond;
  m.frailty_coef = frailty;
  m.deprivation_coef = dep;
  m.z_general = zg;
  m.z_acute = za;
  m.z_mental = zm;
  m.year_factor = years;
  return m;
}

void SetConditions(ModelParams& p) {
  auto set = [&](int c, std::vector<std::pair<double, double>> knots, double male, double dep, double sa,
                 double black, std::vector<std::pair<int, double>> parents, double frailty, double mort) {
    auto& x = p.conditions[c];
    x.knots = std::move(knots);
    x.male_mult = male;
    x.deprivation_coef = dep;
    x.south_asian_mult = sa;
    x.black_mult = black;
    x.parents = std::move(parents);
    x.frailty_weight = frailty;
    x.mortality_log_hr = mort;
  };
  // Knots: approximate share of women ever diagnosed by age (decile 5, White); scaled by calibration.
  set(OB, {{17.5, 0}, {18, 0.05}, {30, 0.12}, {45, 0.16}, {60, 0.19}, {75, 0.19}}, 0.95, 0.20, 1.0, 1.2, {}, 0.02, 0.05);
  set(NDH, {{17.5, 0}, {20, 0.002}, {30, 0.01}, {40, 0.03}, {50, 0.07}, {60, 0.12}, {70, 0.17}, {80, 0.20}},
      1.1, 0.10, 1.8, 1.3, {{OB, 1.5}}, 0.01, 0.0);
  set(DM, {{10, 0}, {17, 0.002}, {30, 0.01}, {40, 0.03}, {50, 0.07}, {60, 0.13}, {70, 0.19}, {80, 0.22}},
      1.3, 0.25, 2.2, 1.6, {{OB, 2.0}, {NDH, 3.0}}, 0.04, 0.25);
  set(HYP, {{15, 0}, {20, 0.002}, {30, 0.01}, {40, 0.05}, {50, 0.14}, {60, 0.28}, {70, 0.45}, {80, 0.60}, {90, 0.68}},
      1.1, 0.05, 1.0, 1.4, {{OB, 1.4}, {DM, 1.5}}, 0.02, 0.0);
  set(AF, {{25, 0}, {40, 0.002}, {50, 0.007}, {60, 0.025}, {70, 0.06}, {80, 0.13}, {90, 0.20}},
      1.4, -0.05, 0.8, 0.7, {{HYP, 1.5}}, 0.04, 0.2);
  set(CHD, {{30, 0}, {35, 0.001}, {45, 0.008}, {55, 0.03}, {65, 0.07}, {75, 0.13}, {85, 0.20}, {95, 0.24}},
      1.8, 0.20, 1.5, 0.8, {{DM, 1.6}, {HYP, 1.5}}, 0.04, 0.2);
  set(STIA, {{30, 0}, {40, 0.002}, {50, 0.006}, {60, 0.015}, {70, 0.035}, {80, 0.07}, {90, 0.10}},
      1.2, 0.15, 1.1, 1.3, {{HYP, 1.5}, {AF, 2.0}, {DM, 1.3}}, 0.05, 0.25);
  set(CKD, {{25, 0}, {30, 0.001}, {50, 0.01}, {60, 0.03}, {70, 0.08}, {80, 0.20}, {90, 0.35}},
      0.85, 0.10, 1.2, 1.3, {{DM, 2.0}, {HYP, 1.8}}, 0.04, 0.3);
  set(HF, {{35, 0}, {40, 0.001}, {50, 0.003}, {60, 0.008}, {70, 0.02}, {80, 0.05}, {90, 0.10}},
      1.4, 0.20, 1.0, 1.2, {{CHD, 2.5}, {HYP, 1.5}, {AF, 2.0}}, 0.06, 0.6);
  set(PAD, {{35, 0}, {40, 0.0005}, {50, 0.002}, {60, 0.006}, {70, 0.013}, {80, 0.022}, {90, 0.03}},
      1.6, 0.20, 0.8, 0.8, {{DM, 2.0}, {CHD, 1.5}}, 0.04, 0.3);
  set(DEM, {{55, 0}, {60, 0.002}, {65, 0.006}, {70, 0.015}, {75, 0.035}, {80, 0.07}, {85, 0.14}, {90, 0.25}, {95, 0.35}},
      0.9, 0.05, 1.0, 1.0, {{STIA, 1.7}}, 0.08, 0.7);
  set(AST, {{1, 0}, {3, 0.02}, {6, 0.05}, {10, 0.07}, {20, 0.075}, {40, 0.08}, {60, 0.085}, {80, 0.09}},
      0.9, 0.10, 1.0, 1.0, {}, 0.02, 0.0);
  set(CAN, {{15, 0}, {20, 0.001}, {40, 0.006}, {50, 0.02}, {60, 0.045}, {70, 0.09}, {80, 0.14}, {90, 0.17}},
      1.0, -0.03, 0.6, 0.8, {}, 0.03, 0.5);
  set(COPD, {{30, 0}, {35, 0.001}, {45, 0.008}, {55, 0.025}, {65, 0.05}, {75, 0.08}, {85, 0.10}},
      1.1, 0.45, 0.5, 0.5, {}, 0.05, 0.5);
  set(DEP, {{11, 0}, {18, 0.05}, {25, 0.15}, {35, 0.20}, {45, 0.22}, {60, 0.23}, {80, 0.24}},
      0.55, 0.20, 0.7, 0.6, {}, 0.02, 0.1);
  set(EP, {{0, 0}, {1, 0.001}, {10, 0.004}, {20, 0.007}, {40, 0.009}, {60, 0.011}, {80, 0.013}},
      1.1, 0.10, 1.0, 1.0, {}, 0.03, 0.3);
  set(LD, {{0, 0}, {2, 0.002}, {10, 0.006}, {20, 0.008}}, 1.5, 0.15, 1.0, 1.0, {}, 0.05, 0.6);
  set(MH, {{14, 0}, {20, 0.004}, {30, 0.01}, {40, 0.013}, {60, 0.015}, {80, 0.016}},
      1.1, 0.35, 1.2, 1.8, {}, 0.03, 0.5);
  set(OST, {{45, 0}, {50, 0.001}, {60, 0.004}, {70, 0.01}, {80, 0.02}, {90, 0.03}},
      0.15, 0.0, 1.0, 0.5, {}, 0.04, 0.1);
  set(RA, {{15, 0}, {20, 0.001}, {40, 0.004}, {60, 0.01}, {80, 0.016}}, 0.4, 0.05, 1.0, 1.0, {}, 0.04, 0.1);
  set(PC, {{30, 0}, {40, 0.0003}, {60, 0.002}, {70, 0.005}, {80, 0.012}, {90, 0.03}},
      1.0, 0.05, 1.0, 1.0, {{CAN, 6.0}, {HF, 2.0}, {DEM, 2.0}, {COPD, 1.5}}, 0.06, 1.8);
  p.condition_order = {OB, NDH, DM, HYP, AF, CHD, STIA, CKD, HF, PAD, DEM,
                       AST, CAN, COPD, DEP, EP, LD, MH, OST, RA, PC};
}

void SetMeasures(ModelParams& p) {
  using Y = std::array<double, kModelYears>;
  //                    AF   AST  CAN  CHD  CKD  COPD DEM  DEP  DM   EP   HF   HYP  LD   MH   NDH  OB   OST  PAD  PC   RA   STIA
  const Cond gp   = {{.15, .20, .30, .15, .15, .30, .20, .35, .30, .15, .25, .15, .20, .30, .10, .10, .15, .15, .40, .25, .15}};
  const Cond ae   = {{.15, .20, .20, .20, .15, .35, .30, .25, .20, .40, .30, .05, .30, .50, .00, .05, .10, .20, .30, .10, .20}};
  const Cond nel  = {{.25, .20, .40, .25, .30, .55, .45, .20, .25, .40, .60, .05, .40, .40, .00, .05, .15, .30, .80, .15, .25}};
  const Cond el   = {{.10, .00, .60, .30, .10, .00, .00, .00, .10, .00, .10, .05, .00, .00, .00, .10, .10, .40, .00, .20, .10}};
  const Cond dc   = {{.20, .05, .80, .20, .20, .05, .00, .05, .15, .05, .10, .05, .05, .00, .05, .05, .10, .20, .00, .30, .10}};
  const Cond mat  = {{.00, .00, .00, .00, .00, .00, .00, .00, .20, .00, .00, .00, .00, .00, .00, .10, .00, .00, .00, .00, .00}};
  const Cond opf  = {{.20, .10, .50, .30, .30, .20, .10, .10, .20, .30, .40, .05, .10, .10, .05, .05, .20, .30, .10, .40, .20}};
  const Cond opfu = {{.30, .10, .90, .40, .50, .30, .10, .10, .30, .40, .60, .05, .10, .20, .05, .05, .30, .40, .20, .70, .30}};
  const Cond com  = {{.10, .05, .40, .15, .20, .40, .40, .10, .30, .10, .50, .05, .30, .10, .00, .10, .30, .40, 1.2, .20, .40}};
  const Cond mh   = {{.00, .00, .00, .00, .00, .00, 1.2, 1.1, .00, .20, .00, .00, .70, 2.7, .00, .00, .00, .00, .00, .00, .10}};
  const Cond sc   = {{.10, .00, .20, .10, .10, .30, 1.2, .20, .10, .20, .40, .00, 1.5, .60, .00, .10, .20, .20, .60, .20, .50}};
  const Cond rx   = {{.05, .30, .10, .05, .10, .40, .10, .20, .20, .05, .10, .05, .05, .10, .05, .10, .05, .10, .20, .20, .05}};

  //            <1    1-4   5-9   10-14 15-19 20-24 25-29 30-34 35-39 40-44 45-49 50-54 55-59 60-64 65-69 70-74 75-79 80-84 85-89 90+
  const Band gp_m  = {9.0, 4.5, 2.6, 2.4, 3.0, 3.4, 3.6, 3.8, 4.0, 4.2, 4.5, 5.0, 5.6, 6.3, 7.2, 8.5, 10.0, 11.5, 12.5, 13.0};
  const Band gp_f  = {1, 1, 1, 1.1, 1.6, 1.8, 1.8, 1.7, 1.5, 1.4, 1.3, 1.2, 1.15, 1.1, 1.05, 1.05, 1.05, 1.05, 1.05, 1.05};
  const Band ae_m  = {.85, .52, .30, .33, .48, .52, .44, .40, .38, .36, .35, .35, .35, .36, .38, .44, .56, .72, .92, 1.15};
  const Band ae_f  = {.95, .95, .95, .95, 1.0, 1.0, 1.0, 1.0, .95, .95, .95, .95, .95, .95, .95, .95, .95, .95, .95, .95};
  const Band nel_m = {.30, .09, .04, .04, .05, .055, .06, .06, .065, .07, .075, .085, .10, .12, .15, .19, .25, .33, .43, .52};
  const Band nel_f = {.85, .85, .9, 1.0, 1.3, 1.4, 1.3, 1.2, 1.1, 1.0, .95, .9, .9, .9, .9, .9, .9, .95, .95, .95};
  const Band el_m  = {.02, .008, .006, .006, .008, .009, .011, .013, .016, .019, .022, .028, .034, .042, .050, .055, .055, .048, .035, .02};
  const Band el_f  = {1, 1, 1, 1, 1.1, 1.3, 1.3, 1.3, 1.3, 1.3, 1.3, 1.3, 1.1, 1.1, 1.1, 1.1, 1.1, 1.1, 1.1, 1.1};
  const Band dc_m  = {.015, .025, .02, .02, .03, .04, .05, .06, .07, .085, .10, .13, .16, .20, .25, .29, .30, .26, .20, .12};
  const Band dc_f  = {1, 1, 1, 1, 1, 1.15, 1.15, 1.15, 1.15, 1.15, 1.15, 1.15, 1.15, 1.15, 1, 1, 1, 1, 1, 1};
  const Band mat_f = {0, 0, 0, 0, .02, .075, .12, .13, .075, .02, .002, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  const Band opf_m = {.40, .28, .25, .25, .25, .28, .30, .33, .36, .40, .45, .52, .60, .68, .78, .88, .95, .95, .85, .65};
  const Band op_f  = {1, 1, 1, 1, 1.45, 1.45, 1.45, 1.45, 1.45, 1.45, 1.15, 1.15, 1.15, 1.15, 1, 1, 1, 1, 1, 1};
  const Band opu_m = {.9, .65, .6, .6, .6, .65, .75, .85, .95, 1.05, 1.2, 1.4, 1.65, 1.95, 2.3, 2.6, 2.8, 2.7, 2.3, 1.6};
  const Band com_m = {6.0, 1.5, .6, .5, .4, .4, .45, .5, .5, .55, .6, .7, .8, 1.0, 1.3, 1.8, 2.8, 4.5, 7.0, 10.0};
  const Band com_f = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1.1, 1.1, 1.1, 1.1, 1.1, 1.1};
  const Band mh_m  = {0, .02, .08, .35, .70, .65, .62, .58, .55, .52, .48, .42, .36, .28, .22, .24, .30, .38, .40, .30};
  const Band mh_f  = {1, 1, 1, 1.1, 1.1, 1.1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
  // Long-term social care onset hazard per year (adults only; the generator applies 18+).
  const Band sc_m  = {0, 0, 0, 0, .0005, .001, .001, .001, .0012, .0014, .0016, .002, .0025, .003, .005, .008, .015, .028, .05, .08};
  const Band rx_m  = {2.5, 2.2, 1.2, 1.0, 1.3, 1.5, 1.6, 1.7, 1.8, 2.0, 2.2, 2.5, 2.8, 3.2, 3.6, 4.0, 4.5, 5.0, 5.5, 5.5};

  // Year factors FY 2020/21 .. 2024/25 relative to 2022/23 (COVID-19 dip and recovery; illustrative).
  auto& m = p.measures;
  m[M(Measure::kGp)] = Measure_("gp_appointments_attended", Sexed(gp_m, gp_f), gp, 1.5, 0.08, 1.0, 0, 0,
                                Y{0.90, 1.02, 1.00, 1.03, 1.05});
  m[M(Measure::kAe)] = Measure_("ae_attendances", Sexed(ae_m, ae_f), ae, 2.0, 0.30, 0.5, 0.7, 0,
                                Y{0.72, 0.95, 1.00, 1.02, 1.04});
  m[M(Measure::kNel)] = Measure_("non_elective_admissions", Sexed(nel_m, nel_f), nel, 3.0, 0.30, 0.3, 1.0, 0,
                                 Y{0.85, 0.96, 1.00, 1.02, 1.04});
  m[M(Measure::kEl)] = Measure_("elective_ordinary_admissions", Sexed(el_m, el_f), el, 0.3, -0.05, 0.5, 0, 0,
                                Y{0.55, 0.85, 1.00, 1.05, 1.08});
  m[M(Measure::kDc)] = Measure_("day_cases", Sexed(dc_m, dc_f), dc, 0.5, -0.08, 0.6, 0, 0,
                                Y{0.65, 0.90, 1.00, 1.05, 1.08});
  m[M(Measure::kMat)] = Measure_("maternity_admissions", {Flat(0), mat_f}, mat, 0.0, 0.10, 0, 0, 0,
                                 Y{1.00, 1.00, 1.00, 0.99, 0.98});
  m[M(Measure::kOpFirst)] = Measure_("outpatient_first_attended", Sexed(opf_m, op_f), opf, 1.0, 0.0, 0.7, 0, 0,
                                     Y{0.75, 0.95, 1.00, 1.04, 1.07});
  m[M(Measure::kOpFollowUp)] = Measure_("outpatient_followup_attended", Sexed(opu_m, op_f), opfu, 1.5, -0.03, 0.8,
                                        0, 0, Y{0.85, 0.97, 1.00, 1.03, 1.05});
  m[M(Measure::kCommunity)] = Measure_("community_contacts", Sexed(com_m, com_f), com, 5.0, 0.12, 0.6, 0, 0,
                                       Y{0.90, 0.97, 1.00, 1.03, 1.05});
  m[M(Measure::kMentalHealth)] = Measure_("mental_health_contacts", Sexed(mh_m, mh_f), mh, 0.5, 0.35, 0.3, 0, 1.0,
                                          Y{0.92, 0.98, 1.00, 1.03, 1.06});
  m[M(Measure::kSocialCare)] = Measure_("adult_social_care_long_term", Sexed(sc_m, Flat(1.1)), sc, 8.0, 0.20, 0.3,
                                        0.3, 0, Y{1, 1, 1, 1, 1});
  m[M(Measure::kRxAcute)] = Measure_("prescription_items", Sexed(rx_m, Flat(1.3)), rx, 1.5, 0.15, 1.0, 0, 0,
                                     Y{0.98, 0.99, 1.00, 1.02, 1.03});
  m[M(Measure::kNel)].history_nel = 0.5;
  m[M(Measure::kAe)].history_nel = 0.2;
  m[M(Measure::kCommunity)].history_nel = 0.3;
  m[M(Measure::kOpFollowUp)].history_nel = 0.15;
}

template <size_t N>
nlohmann::json Arr(const std::array<double, N>& a) {
  return nlohmann::json(std::vector<double>(a.begin(), a.end()));
}

}  // namespace

const char* MeasureName(Measure m) {
  static const char* k[] = {"gp",        "ae",         "nel",       "el",          "dc",           "mat",
                            "op_first",  "op_followup", "community", "mental_health", "social_care", "rx_acute"};
  return k[static_cast<int>(m)];
}

ModelParams DefaultModelParams(size_t practice_count) {
  ModelParams p;
  SetConditions(p);
  SetMeasures(p);
  for (auto& s : p.mortality_norm) s.fill(1.0);
  p.out_migration_rate = {0.02, 0.02, 0.015, 0.015, 0.03, 0.09, 0.07, 0.05, 0.035, 0.025,
                          0.02, 0.015, 0.015, 0.012, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01};
  // Emergency activity peaks in winter; planned activity dips in August and December.
  p.season_acute = {1.12, 1.05, 1.02, 0.96, 0.97, 0.96, 0.97, 0.93, 0.97, 1.00, 1.02, 1.08};
  p.season_planned = {1.05, 1.03, 1.06, 0.95, 1.00, 1.02, 1.00, 0.90, 1.02, 1.06, 1.05, 0.86};
  p.practice_factor.assign(practice_count, {});
  for (auto& f : p.practice_factor) f.fill(1.0);
  return p;
}

nlohmann::json ModelParams::ToJson() const {
  using nlohmann::json;
  json j;
  j["version"] = version;
  json conds = json::object();
  for (int c = 0; c < kConditionCount; ++c) {
    const auto& x = conditions[c];
    json knots = json::array();
    for (auto [a, g] : x.knots) knots.push_back({a, g});
    json parents = json::object();
    for (auto [pc, mult] : x.parents) parents[std::string(kQofConditions[pc])] = mult;
    conds[std::string(kQofConditions[c])] = {
        {"onset_knots_age_g", knots}, {"male_mult", x.male_mult}, {"deprivation_coef", x.deprivation_coef},
        {"south_asian_mult", x.south_asian_mult}, {"black_mult", x.black_mult}, {"parents", parents},
        {"frailty_weight", x.frailty_weight}, {"mortality_log_hr", x.mortality_log_hr}, {"k", x.k}};
  }
  j["conditions"] = conds;
  json order = json::array();
  for (int c : condition_order) order.push_back(std::string(kQofConditions[c]));
  j["condition_order"] = order;
  j["condition_log_mult_cap"] = condition_log_mult_cap;
  j["onset_cap"] = onset_cap;
  json ms = json::object();
  for (int i = 0; i < kMeasureCount; ++i) {
    const auto& m = measures[i];
    json cl = json::object();
    for (int c = 0; c < kConditionCount; ++c)
      if (m.condition_log_mult[c] != 0) cl[std::string(kQofConditions[c])] = m.condition_log_mult[c];
    ms[MeasureName(static_cast<Measure>(i))] = {
        {"target_measure", m.name}, {"age_rate_male", Arr(m.age_rate[0])}, {"age_rate_female", Arr(m.age_rate[1])},
        {"condition_log_mult", cl}, {"frailty_coef", m.frailty_coef}, {"deprivation_coef", m.deprivation_coef},
        {"z_general", m.z_general}, {"z_acute", m.z_acute}, {"z_mental", m.z_mental},
        {"history_nel", m.history_nel}, {"year_factor_fy2020_to_fy2024", Arr(m.year_factor)},
        {"k", m.k}};
  }
  j["measures"] = ms;
  j["age_bands"] = {"<1", "1-4", "5-9", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44",
                    "45-49", "50-54", "55-59", "60-64", "65-69", "70-74", "75-79", "80-84", "85-89", "90+"};
  j["heterogeneity_gamma_shape"] = {{"general", z_general_shape}, {"acute", z_acute_shape}, {"mental", z_mental_shape}};
  j["frailty"] = {{"age_start", frailty_age_start}, {"age_slope", frailty_age_slope}, {"person_sd", frailty_person_sd}};
  j["mortality"] = {{"life_table", "ONS National Life Tables, England, 2017-2019, qx"},
                    {"frailty_coef", mortality_frailty_coef}, {"deprivation_coef", mortality_deprivation_coef},
                    {"norm_male", Arr(mortality_norm[0])}, {"norm_female", Arr(mortality_norm[1])}};
  j["population_flows"] = {{"out_migration_rate_by_band", Arr(out_migration_rate)},
                           {"in_migration_rate", in_migration_rate}, {"birth_rate", birth_rate},
                           {"practice_move_rate", practice_move_rate}, {"registration_gap_prob", registration_gap_prob},
                           {"death_deduction_lag_prob", death_deduction_lag_prob},
                           {"ethnicity_not_stated", ethnicity_not_stated}, {"ethnicity_not_known", ethnicity_not_known},
                           {"male_birth_share", male_birth_share}};
  j["emergency"] = {{"terminal_admission_prob", terminal_admission_prob}, {"transfer_share", transfer_share},
                    {"ae_linked_share", ae_linked_share}};
  j["social_care"] = {{"prevalent_years", sc_prevalent_years}, {"residential_move_rate", sc_residential_move_rate},
                      {"reablement_prob", reablement_prob}};
  j["not_attended"] = {{"gp_dna_share", gp_dna_share}, {"op_dna_share", op_dna_share},
                       {"op_cancelled_share", op_cancelled_share}};
  j["season_acute_jan_to_dec"] = Arr(season_acute);
  j["season_planned_jan_to_dec"] = Arr(season_planned);
  j["calibration"] = calibration;
  return j;
}

}  // namespace icb::synth
