#include "synth/person_simulator.h"

#include <algorithm>
#include <cmath>
#include <initializer_list>

namespace icb::synth {
namespace {

constexpr double kYear = 365.25;
constexpr double kInf = 1e300;
constexpr int kMaxDrugs = 64;

enum C : int {
  AF = 0, AST, CAN, CHD, CKD, COPD, DEM, DEP, DM, EP, HF, HYP, LD, MH, NDH, OB, OST, PAD, PC, RA, STIA
};
// Contract value indexes (data/contract.cc).
enum Community : uint8_t {
  kDistrictNursing = 0, kPhysio, kOccupationalTherapy, kSpeechLanguage, kPodiatry, kHealthVisiting,
  kSchoolNursing, kCommunityMatron, kIntermediateCare, kCommunityOther
};
enum MentalHealth : uint8_t {
  kCmht = 0, kCrisis, kTalking, kEarlyIntervention, kCamhs, kLiaison, kOlderAdults, kMhOther
};
enum Setting : uint8_t {
  kNursing = 0, kResidential, kHomeCare, kDirectPayment, kDayCare, kSupportedLiving, kReablement, kScOther
};
enum Season : int { kAcute = 0, kPlanned = 1 };

double Interp(const std::vector<std::pair<double, double>>& knots, double x) {
  if (knots.empty() || x <= knots.front().first) return knots.empty() ? 0 : knots.front().second;
  for (size_t i = 1; i < knots.size(); ++i)
    if (x <= knots[i].first) {
      const auto [x0, y0] = knots[i - 1];
      const auto [x1, y1] = knots[i];
      return y0 + (y1 - y0) * (x - x0) / (x1 - x0);
    }
  return knots.back().second;
}

int Weekday(int32_t day) { return static_cast<int>(((day % 7) + 10) % 7); }  // 0 Monday
bool Has(uint32_t mask, int c) { return (mask >> c) & 1u; }
int Popcount(uint32_t m) { return __builtin_popcount(m); }
double Clamp(double v, double lo, double hi) { return v < lo ? lo : v > hi ? hi : v; }
int32_t Day(double t) { return static_cast<int32_t>(std::floor(t)); }

size_t Choose(Rng& rng, std::initializer_list<double> w) {
  double total = 0;
  for (double x : w) total += x;
  double u = rng.Uniform() * total;
  size_t i = 0;
  for (double x : w) {
    if (u < x) return i;
    u -= x;
    ++i;
  }
  return w.size() - 1;
}

// Smallest t in [lo, hi] with f(t) >= u for a non-decreasing f, to half a day; kInf if f(hi) < u.
template <typename F>
double Crossing(F&& f, double lo, double hi, double u) {
  if (hi <= lo || f(hi) < u) return kInf;
  if (f(lo) >= u) return lo;
  while (hi - lo > 0.5) {
    const double mid = 0.5 * (lo + hi);
    if (f(mid) >= u) hi = mid;
    else lo = mid;
  }
  return hi;
}

}  // namespace

void CalibrationTally::Init(int years, size_t sub_icbs) {
  const auto n = static_cast<size_t>(years);
  expected.assign(n, {});
  person_years.assign(n, 0);
  nel_spells.assign(n, 0);
  sc_people.assign(n, 0);
  rx_repeat_items.assign(n, 0);
  deaths.assign(n, 0);
  out_moves.assign(n, 0);
  prev_num.fill(0);
  prev_den.fill(0);
  shape_sum.assign(sub_icbs, {});
  shape_den.assign(sub_icbs, {});
  for (auto& s : mort_sum) s.fill(0);
  for (auto& s : mort_exposure) s.fill(0);
}

void CalibrationTally::Add(const CalibrationTally& o) {
  for (size_t y = 0; y < expected.size(); ++y) {
    for (int m = 0; m < kMeasureCount; ++m) expected[y][m] += o.expected[y][m];
    person_years[y] += o.person_years[y];
    nel_spells[y] += o.nel_spells[y];
    sc_people[y] += o.sc_people[y];
    rx_repeat_items[y] += o.rx_repeat_items[y];
    deaths[y] += o.deaths[y];
    out_moves[y] += o.out_moves[y];
  }
  for (int c = 0; c < kConditionCount; ++c) {
    prev_num[c] += o.prev_num[c];
    prev_den[c] += o.prev_den[c];
  }
  for (size_t s = 0; s < shape_sum.size(); ++s)
    for (int c = 0; c < kConditionCount; ++c) {
      shape_sum[s][c] += o.shape_sum[s][c];
      shape_den[s][c] += o.shape_den[s][c];
    }
  for (int s = 0; s < 2; ++s)
    for (int b = 0; b < kAgeBands; ++b) {
      mort_sum[s][b] += o.mort_sum[s][b];
      mort_exposure[s][b] += o.mort_exposure[s][b];
    }
}

// What the simulator knows about a person beyond their history: latent traits and onsets.
struct PersonSimulator::Latent {
  int sex = 0, lad = 0, sub_icb = 0, decile = 5, practice0 = 0;
  double dob = 0, entry = 0, dep_x = 0;
  bool south_asian = false, black = false;
  double zg = 1, za = 1, zm = 1, fi_u = 0;
  int smoking = 0;  // 0 never, 1 ex, 2 current
  std::array<double, kConditionCount> onset{};
  std::array<double, kConditionCount> shape_mult{};  // sex * deprivation * ethnicity
  std::array<double, kMaxDrugs> drug_start{};
  std::array<double, kMaxDrugs> drug_monthly{};
  std::array<int, kMaxDrugs> active_drugs{};  // drugs with a start time, in index order
  int active_count = 0;
  std::array<double, kMeasureCount> z_factor{};  // Zg^z_general * Za^z_acute * Zm^z_mental
};

PersonSimulator::PersonSimulator(const SynthContext& ctx, uint64_t seed)
    : ctx_(ctx), p_(ctx.params), seed_(seed) {
  // Normalise seasonality so a (non-leap) year of exposure has weight 365.25 days.
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  for (int k = 0; k < 2; ++k) {
    const auto& s = k == kAcute ? p_.season_acute : p_.season_planned;
    double total = 0;
    for (int m = 0; m < 12; ++m) total += s[m] * kDays[m];
    for (int m = 0; m < 12; ++m) season_[k][m] = s[m] * 365.0 / total;
  }
  qof_min_age_.assign(kConditionCount, 0);
  if (!ctx.ref.practices.empty())
    for (int c = 0; c < kConditionCount; ++c) qof_min_age_[c] = ctx.ref.practices.front().qof[c].min_age;
  event_times_.reserve(64);
}

void PersonSimulator::Simulate(const PersonSpec& spec, PersonHistory& h, bool emit, CalibrationTally* tally) {
  const ReferenceData& ref = ctx_.ref;
  const Period& per = ctx_.period;
  h.Clear();
  h.index = spec.index;
  h.kind = spec.kind;
  Latent L;

  // ---- Demography ------------------------------------------------------------------------
  Rng demo(seed_, spec.index, Stream::kDemography);
  h.lsoa = static_cast<int>(ctx_.lsoa_by_residents.Sample(demo));
  const LsoaRef& lsoa = ref.lsoas[static_cast<size_t>(h.lsoa)];
  L.lad = lsoa.lad;
  L.sub_icb = lsoa.sub_icb;
  L.decile = lsoa.imd_decile;
  L.dep_x = (5.5 - L.decile) / 4.5;
  const double start = per.start, end = per.end;
  if (spec.kind == PersonKind::kBirth) {
    L.sex = demo.Bernoulli(p_.male_birth_share) ? 0 : 1;
    L.dob = std::floor(start + demo.Uniform() * (end - start));
    L.entry = L.dob;
  } else {
    const DiscreteSampler& cells = spec.kind == PersonKind::kInMigrant ? ctx_.lad_migrant_age_sex[static_cast<size_t>(L.lad)]
                                   : lsoa.sape >= 0 ? ctx_.sape_age_sex[static_cast<size_t>(lsoa.sape)]
                                                    : ctx_.lad_age_sex[static_cast<size_t>(L.lad)];
    const size_t cell = cells.Sample(demo);
    L.sex = static_cast<int>(cell / (kMaxAge + 1));
    const int age = static_cast<int>(cell % (kMaxAge + 1));
    L.entry = spec.kind == PersonKind::kInMigrant ? start + demo.Uniform() * (end - start) : start;
    L.dob = std::floor(L.entry - (age + demo.Uniform()) * kYear);
    if (L.dob >= L.entry) L.dob = std::floor(L.entry) - 1;
  }
  h.sex = static_cast<uint8_t>(L.sex);
  h.dob = static_cast<int32_t>(L.dob);
  h.entry = Day(L.entry);
  {
    const double u = demo.Uniform();
    if (u < p_.ethnicity_not_stated) h.ethnic = 16;
    else if (u < p_.ethnicity_not_stated + p_.ethnicity_not_known) h.ethnic = 17;
    else h.ethnic = static_cast<uint8_t>(ctx_.lsoa_ethnic[static_cast<size_t>(h.lsoa)].Sample(demo));
  }
  L.south_asian = h.ethnic >= 7 && h.ethnic <= 10;
  L.black = h.ethnic >= 11 && h.ethnic <= 13;
  const auto& sub = ref.sub_icbs[static_cast<size_t>(L.sub_icb)];
  L.practice0 = sub.practices[ctx_.sub_icb_practice[static_cast<size_t>(L.sub_icb)].Sample(demo)];
  L.zg = demo.Gamma(p_.z_general_shape, 1.0 / p_.z_general_shape);
  L.za = demo.Gamma(p_.z_acute_shape, 1.0 / p_.z_acute_shape);
  L.zm = demo.Gamma(p_.z_mental_shape, 1.0 / p_.z_mental_shape);
  L.fi_u = demo.Normal(0, p_.frailty_person_sd);
  {
    const double current = 0.22 - 0.015 * (L.decile - 1);
    const double u = demo.Uniform();
    L.smoking = u < current ? 2 : u < current + 0.25 ? 1 : 0;
  }
  h.z_general = L.zg;
  h.z_acute = L.za;
  h.z_mental = L.zm;
  auto age_at = [&](double t) { return (t - L.dob) / kYear; };

  // ---- Long-term conditions: cumulative onset, parents before children ----------------------
  Rng cond_rng(seed_, spec.index, Stream::kConditions);
  std::array<double, kConditionCount> u_cond{};
  for (auto& u : u_cond) u = cond_rng.UniformOpen();
  for (int c = 0; c < kConditionCount; ++c)
    h.condition_code[c] = ctx_.condition_codes[c][L.sex][ctx_.condition_code_sampler[c][L.sex].Sample(cond_rng)];
  L.onset.fill(kInf);
  for (int c : p_.condition_order) {
    const ConditionParams& cp = p_.conditions[c];
    L.shape_mult[c] = (L.sex == 0 ? cp.male_mult : 1.0) * std::exp(cp.deprivation_coef * L.dep_x) *
                      (L.south_asian ? cp.south_asian_mult : 1.0) * (L.black ? cp.black_mult : 1.0);
    const double scale = cp.k * p_.practice_factor[static_cast<size_t>(L.practice0)][c] * L.shape_mult[c];
    auto F = [&](double t) {
      double v = scale * Interp(cp.knots, age_at(t));
      for (auto [pc, m] : cp.parents)
        if (L.onset[pc] <= t) v *= m;
      return std::min(p_.onset_cap, v);
    };
    L.onset[c] = Crossing(F, L.dob, end, u_cond[c]);
  }
  auto mask_at = [&](double t) {
    uint32_t m = 0;
    for (int c = 0; c < kConditionCount; ++c)
      if (L.onset[c] <= t) m |= 1u << c;
    return m;
  };
  auto frailty_at = [&](double t, uint32_t mask) {
    double fi = p_.frailty_age_slope * std::max(0.0, age_at(t) - p_.frailty_age_start) + L.fi_u;
    for (int c = 0; c < kConditionCount; ++c)
      if (Has(mask, c)) fi += p_.conditions[c].frailty_weight;
    return Clamp(fi, 0.0, 0.95);
  };
  // Model shape (no calibration factors) of condition c at time t, for practice calibration.
  auto shape_at = [&](int c, double t) {
    const ConditionParams& cp = p_.conditions[c];
    double v = L.shape_mult[c] * Interp(cp.knots, age_at(t));
    for (auto [pc, m] : cp.parents)
      if (L.onset[pc] <= t) v *= m;
    return v;
  };

  // ---- Repeat medicines: start times from conditions and age ---------------------------------
  Rng med(seed_, spec.index, Stream::kMedicines);
  L.drug_start.fill(kInf);
  L.drug_monthly.fill(1.0);
  for (size_t i = 0; i < ctx_.codes.condition_drugs.size(); ++i) {
    const auto& r = ctx_.codes.condition_drugs[i];
    const double u = med.Uniform(), delay = med.Uniform() * 60.0;
    if (u >= r.prob || L.onset[r.condition] >= kInf) continue;
    const int d = ctx_.condition_drug_index[i];
    const double s = L.onset[r.condition] + delay;
    if (s < L.drug_start[d]) {
      L.drug_start[d] = s;
      L.drug_monthly[d] = r.monthly;
    }
  }
  for (size_t i = 0; i < ctx_.codes.age_drugs.size(); ++i) {
    const auto& r = ctx_.codes.age_drugs[i];
    const double u = med.Uniform();
    if (r.sex == 'M' && L.sex != 0) continue;
    if (r.sex == 'F' && L.sex != 1) continue;
    const double mult = (r.sex == 'A' && L.sex == 1) ? r.female_mult : 1.0;
    const double s = Crossing([&](double t) { return mult * Interp(r.knots, age_at(t)); }, L.dob, end, u);
    const int d = ctx_.age_drug_index[i];
    if (s < L.drug_start[d]) {
      L.drug_start[d] = s;
      L.drug_monthly[d] = 1.0;
    }
  }

  for (int d = 0; d < static_cast<int>(ref.drugs.size()); ++d)
    if (L.drug_start[d] < kInf) L.active_drugs[static_cast<size_t>(L.active_count++)] = d;
  for (int m = 0; m < kMeasureCount; ++m) {
    const MeasureParams& mp = p_.measures[m];
    L.z_factor[m] = std::pow(L.zg, mp.z_general) * std::pow(L.za, mp.z_acute) * std::pow(L.zm, mp.z_mental);
  }

  // ---- Registration: start, practice moves (truncated at exit later) ------------------------
  Rng reg(seed_, spec.index, Stream::kRegistration);
  double reg_start;
  if (spec.kind == PersonKind::kResident) {
    const double back = reg.Exponential(1.0 / 10.0) * kYear;
    reg_start = std::min(start, std::max(L.dob + reg.Uniform(14, 56), start - back));
  } else if (spec.kind == PersonKind::kBirth) {
    reg_start = L.dob + reg.Uniform(14, 56);
  } else {
    reg_start = L.entry + reg.Exponential(1.0 / 25.0);
  }
  struct Move {
    double t;
    int practice;
    int gap;
  };
  std::vector<Move> moves;
  {
    double t = std::max(reg_start, start);
    int current = L.practice0;
    for (;;) {
      t += reg.Exponential(p_.practice_move_rate) * kYear;
      if (t >= end) break;
      int next = sub.practices[ctx_.sub_icb_practice[static_cast<size_t>(L.sub_icb)].Sample(reg)];
      if (next == current && sub.practices.size() > 1)
        next = sub.practices[ctx_.sub_icb_practice[static_cast<size_t>(L.sub_icb)].Sample(reg)];
      const int gap = reg.Bernoulli(p_.registration_gap_prob) ? static_cast<int>(reg.Uniform(1, 30)) : 0;
      moves.push_back({t, next, gap});
      current = next;
    }
  }
  const int death_lag = reg.Bernoulli(p_.death_deduction_lag_prob) ? static_cast<int>(reg.Uniform(1, 30)) : 0;

  // ---- Year by year ------------------------------------------------------------------------
  double exit_t = kInf;
  int prev_nel = -1;        // emergency (2x) admissions in the previous financial year; -1 unknown
  int nel_this_year = 0;
  double last_nel_discharge = -kInf;  // end of the latest emergency spell (continuous days)
  int last_nel_index = -1;            // its index in h.apc
  bool in_care = false;
  uint8_t care_setting = 0;
  int care_index = -1;
  const LadRef& lad = ref.lads[static_cast<size_t>(L.lad)];
  const int local_acute = lad.acute;
  std::array<std::array<int, kMaxDrugs>, 12> rx_items{};
  bool entered = false;
  h.frailty_entry = frailty_at(L.entry, mask_at(L.entry));

  // The first long-term support setting: learning disability mostly supported living; older
  // people mostly home care, some residential or nursing care.
  auto first_setting = [](Rng& r, int age, uint32_t mask) -> uint8_t {
    if (age >= 65) {
      static constexpr std::array<uint8_t, 5> k = {kHomeCare, kDirectPayment, kResidential, kNursing, kDayCare};
      return k[Choose(r, {.55, .1, .2, .1, .05})];
    }
    if (Has(mask, LD)) {
      static constexpr std::array<uint8_t, 4> k = {kSupportedLiving, kDirectPayment, kHomeCare, kDayCare};
      return k[Choose(r, {.5, .2, .15, .15})];
    }
    static constexpr std::array<uint8_t, 5> k = {kHomeCare, kDirectPayment, kResidential, kSupportedLiving, kDayCare};
    return k[Choose(r, {.45, .3, .1, .1, .05})];
  };
  auto other_acute = [&](Rng& r) {
    return ctx_.acute_providers[r.Below(ctx_.acute_providers.size())];
  };
  auto acute_provider = [&](Rng& r, double local_share) { return r.Bernoulli(local_share) ? local_acute : other_acute(r); };

  for (int y = 0; y < per.years; ++y) {
    const double fs = per.fy_start[static_cast<size_t>(y)], fe = per.fy_start[static_cast<size_t>(y) + 1];
    const double t0 = std::max(fs, L.entry);
    if (t0 >= fe) continue;
    if (t0 >= exit_t) break;
    Rng core(seed_, spec.index, Stream::kYearCore, static_cast<uint64_t>(y));
    Rng act(seed_, spec.index, Stream::kYearActivity, static_cast<uint64_t>(y));
    const int age = static_cast<int>(age_at(t0));
    const int band = AgeBand(std::min(age, kMaxAge));
    const uint32_t mask = mask_at(t0);
    const double fi = frailty_at(t0, mask);
    const int fy_year = per.start_year + y;
    const int yf_index = fy_year - kFirstFactorYear;
    const int ncond = Popcount(mask);

    auto rate = [&](Measure mm, int prior_nel) {
      const MeasureParams& m = p_.measures[M(mm)];
      double cs = 0;
      for (int c = 0; c < kConditionCount; ++c)
        if (Has(mask, c)) cs += m.condition_log_mult[c];
      cs = std::min(cs, p_.condition_log_mult_cap);
      const double yf = (yf_index >= 0 && yf_index < kModelYears) ? m.year_factor[yf_index] : 1.0;
      double r = m.k * yf * m.age_rate[L.sex][band] * std::exp(cs + m.frailty_coef * (fi - 0.1) + m.deprivation_coef * L.dep_x);
      if (m.history_nel != 0) r *= 1.0 + m.history_nel * std::min(prior_nel, 4);
      return r * L.z_factor[M(mm)];
    };
    if (prev_nel < 0) {
      const double base = rate(Measure::kNel, 0);
      const double yf0 = (yf_index >= 0 && yf_index < kModelYears) ? p_.measures[M(Measure::kNel)].year_factor[yf_index] : 1.0;
      prev_nel = spec.kind == PersonKind::kBirth ? 0 : core.Poisson(base / std::max(yf0, 1e-9));
    }
    if (!entered) {
      entered = true;
      // Long-term social care already in place at entry (adults).
      if (age >= 18) {
        const double hsc = rate(Measure::kSocialCare, 0);
        const double u = core.Uniform();
        if (u < 1.0 - std::exp(-hsc * p_.sc_prevalent_years)) {
          double s = L.entry - core.Uniform() * p_.sc_prevalent_years * kYear;
          s = std::max(s, L.dob + 18 * kYear);
          care_setting = first_setting(core, age, mask);
          in_care = true;
          h.social_care.push_back({Day(s), kOpen, lad.local_authority, care_setting, 0});
          care_index = static_cast<int>(h.social_care.size()) - 1;
        }
      }
    }

    // Competing exits, constant hazards within the year.
    const double qx = ref.qx[L.sex][std::min(age, kMaxAge)];
    double mlog = p_.mortality_frailty_coef * (fi - 0.1) + p_.mortality_deprivation_coef * L.dep_x;
    for (int c = 0; c < kConditionCount; ++c)
      if (Has(mask, c)) mlog += p_.conditions[c].mortality_log_hr;
    const double mort_mult = std::exp(mlog);
    const double q = std::min(0.95, qx * mort_mult / p_.mortality_norm[L.sex][band]);
    const double mu = -std::log(1.0 - q);
    const double eta = p_.out_migration_rate[band];
    const double t_death = t0 + core.Exponential(mu) * kYear;
    const double t_move = t0 + core.Exponential(eta) * kYear;
    const double leave = std::min(t_death, t_move);
    const double t1 = std::min(fe, leave);
    const double exposure = (t1 - t0) / kYear;

    // Emergency admissions: Poisson with winter seasonality, censored at death or move.
    const double lambda_nel = rate(Measure::kNel, prev_nel);
    auto weights = [&](int kind, double a, double b, std::array<double, 12>& w) {
      double total = 0;
      for (int i = 0; i < 12; ++i) {
        const double ms = per.month_start[static_cast<size_t>(y * 12 + i)], me = per.month_start[static_cast<size_t>(y * 12 + i + 1)];
        const double ov = std::max(0.0, std::min(b, me) - std::max(a, ms));
        w[static_cast<size_t>(i)] = season_[kind][(3 + i) % 12] * ov;
        total += w[static_cast<size_t>(i)];
      }
      return total;
    };
    auto draw = [&](Rng& r, double annual_rate, int kind, double a, double b, bool weekdays) {
      event_times_.clear();
      std::array<double, 12> w{};
      const double total = weights(kind, a, b, w);
      const int n = r.Poisson(annual_rate * total / kYear);
      for (int k = 0; k < n; ++k) {
        double x = r.Uniform() * total;
        int i = 0;
        while (i < 11 && x >= w[static_cast<size_t>(i)]) x -= w[static_cast<size_t>(i++)];
        const double lo = std::max(a, static_cast<double>(per.month_start[static_cast<size_t>(y * 12 + i)]));
        const double hi = std::min(b, static_cast<double>(per.month_start[static_cast<size_t>(y * 12 + i + 1)]));
        double t = lo + r.Uniform() * (hi - lo);
        for (int tries = 0; weekdays && tries < 4 && Weekday(Day(t)) >= 5 && r.Uniform() > 0.1; ++tries)
          t = lo + r.Uniform() * (hi - lo);
        event_times_.push_back(t);
      }
      std::sort(event_times_.begin(), event_times_.end());
      return total;
    };

    if (t0 == fs && L.entry <= fs) {
      // The planted truth: P(at least one emergency admission in this year | state at its start),
      // exact for the competing-risks process simulated here (admissions, death with a terminal
      // admission with probability q, moving away).
      const double c = (mu + eta) / kYear, mud = mu / kYear;
      double surv = 1.0, prob = 0.0;
      for (int i = 0; i < 12; ++i) {
        const double ms = per.month_start[static_cast<size_t>(y * 12 + i)], me = per.month_start[static_cast<size_t>(y * 12 + i + 1)];
        const double a = lambda_nel * season_[kAcute][(3 + i) % 12] / kYear;
        const double total = a + c;
        if (total <= 0) continue;
        const double leave_p = 1.0 - std::exp(-total * (me - ms));
        prob += surv * leave_p * (a + p_.terminal_admission_prob * mud) / total;
        surv *= 1.0 - leave_p;
      }
      h.risk.push_back({y, prob});
    }

    nel_this_year = 0;
    int nel_spells_year = 0;
    auto add_nel = [&](double t, double los_days, bool emergency, bool terminal) {
      // A new admission during an earlier emergency spell: the first of the year ends that spell,
      // a later one is not a new spell (a terminal one ends the ongoing spell at death).
      if (t < last_nel_discharge) {
        if (nel_this_year > 0 || !emergency) {
          if (terminal && last_nel_index >= 0) {
            auto& prev = h.apc[static_cast<size_t>(last_nel_index)];
            prev.discharge = std::max(prev.admission, Day(t_death));
          }
          return;
        }
        if (last_nel_index >= 0) {  // spells are drawn in passes, not in time order: never end before admission
          auto& prev = h.apc[static_cast<size_t>(last_nel_index)];
          prev.discharge = std::max(prev.admission, Day(t));
        }
      }
      ApcSpell s;
      s.admission = Day(t);
      double dis = terminal ? t_death : los_days < 0.5 ? std::floor(t) + 0.999 : t + los_days;  // zero-day stays
      if (dis > leave) dis = leave;
      s.discharge = dis >= end ? kOpen : std::max(s.admission, Day(dis));  // never before admission
      s.emergency = emergency;
      s.terminal = terminal;
      s.pod = ApcPod::kNonElective;
      s.comorbidity_mask = mask;
      h.apc.push_back(s);
      last_nel_discharge = dis;
      last_nel_index = static_cast<int>(h.apc.size()) - 1;
      if (emergency) ++nel_this_year;
      ++nel_spells_year;
    };
    auto nel_los = [&](Rng& r) {
      const double zero = age < 16 ? 0.45 : age < 65 ? 0.35 : age < 80 ? 0.22 : 0.15;
      if (r.Uniform() < zero) return 0.2;
      const double mean = 2.0 + 0.07 * std::max(0, age - 40) + 12.0 * fi;
      return std::min(120.0, std::max(1.0, std::round(mean * std::exp(0.9 * r.Normal() - 0.405))));
    };
    const size_t nel_first = h.apc.size();
    draw(core, lambda_nel, kAcute, t0, fe, false);
    std::vector<double> nel_times(event_times_.begin(), event_times_.end());
    std::vector<double> nel_los_days;
    for (size_t i = 0; i < nel_times.size(); ++i) nel_los_days.push_back(nel_los(core));
    draw(core, lambda_nel * p_.transfer_share, kAcute, t0, fe, false);
    std::vector<double> transfer_times(event_times_.begin(), event_times_.end());
    std::vector<double> transfer_los;
    for (size_t i = 0; i < transfer_times.size(); ++i) transfer_los.push_back(nel_los(core));
    const double u_term = core.Uniform(), d_term = core.Uniform() * 14.0;
    {
      size_t i = 0, j = 0;
      while (i < nel_times.size() || j < transfer_times.size()) {
        const bool take_nel = j >= transfer_times.size() || (i < nel_times.size() && nel_times[i] <= transfer_times[j]);
        const double t = take_nel ? nel_times[i] : transfer_times[j];
        if (t >= leave) break;
        if (take_nel) add_nel(t, nel_los_days[i++], true, false);
        else add_nel(t, transfer_los[j++], false, false);
      }
    }
    if (t_death < fe && t_death <= t_move && u_term < p_.terminal_admission_prob) {
      const double ta = std::max(t0, t_death - d_term);
      add_nel(ta, 0, true, true);
    }
    const size_t nel_last = h.apc.size();

    // Long-term social care: onset and moves into residential care (realised for calibration).
    bool care_during_year = in_care;
    if (age >= 18) {
      if (!in_care) {
        const double hsc = rate(Measure::kSocialCare, 0);
        const double ts = t0 + core.Exponential(hsc) * kYear;
        if (ts < t1) {
          care_setting = first_setting(core, age, mask);
          in_care = true;
          care_during_year = true;
          h.social_care.push_back({Day(ts), kOpen, lad.local_authority, care_setting, 0});
          care_index = static_cast<int>(h.social_care.size()) - 1;
        }
      } else if (age >= 65 && (care_setting == kHomeCare || care_setting == kDirectPayment || care_setting == kDayCare)) {
        const double r = p_.sc_residential_move_rate * std::exp(3.0 * (fi - 0.1));
        const double tm = t0 + core.Exponential(r) * kYear;
        const bool nursing = core.Bernoulli(0.4);
        if (tm < t1) {
          h.social_care[static_cast<size_t>(care_index)].end = Day(tm) - 1;
          care_setting = nursing ? kNursing : kResidential;
          h.social_care.push_back({Day(tm), kOpen, lad.local_authority, care_setting, 0});
          care_index = static_cast<int>(h.social_care.size()) - 1;
        }
      }
    }

    // ---- Calibration sums -------------------------------------------------------------------
    if (tally) {
      const auto fy = static_cast<size_t>(y);
      std::array<double, 12> w{};
      const double wa = weights(kAcute, t0, t1, w) / kYear;
      const double wp = weights(kPlanned, t0, t1, w) / kYear;
      tally->person_years[fy] += exposure;
      auto& e = tally->expected[fy];
      e[M(Measure::kGp)] += rate(Measure::kGp, prev_nel) * wp;
      e[M(Measure::kAe)] += rate(Measure::kAe, prev_nel) * wa;
      e[M(Measure::kEl)] += rate(Measure::kEl, prev_nel) * wp;
      e[M(Measure::kDc)] += rate(Measure::kDc, prev_nel) * wp;
      e[M(Measure::kMat)] += rate(Measure::kMat, prev_nel) * wa;
      e[M(Measure::kOpFirst)] += rate(Measure::kOpFirst, prev_nel) * wp;
      e[M(Measure::kOpFollowUp)] += rate(Measure::kOpFollowUp, prev_nel) * wp;
      e[M(Measure::kCommunity)] += rate(Measure::kCommunity, prev_nel) * wp;
      e[M(Measure::kMentalHealth)] += rate(Measure::kMentalHealth, prev_nel) * wp;
      e[M(Measure::kRxAcute)] += rate(Measure::kRxAcute, prev_nel) * wp;
      for (size_t i = nel_first; i < nel_last; ++i) {
        const auto& s = h.apc[i];
        if (s.emergency) e[M(Measure::kAe)] += p_.ae_linked_share;
        if (age >= 65) e[M(Measure::kCommunity)] += 0.2 * 8.0;
      }
      tally->nel_spells[fy] += static_cast<double>(nel_spells_year);
      if (care_during_year) tally->sc_people[fy] += 1;
      if (t_death < fe && t_death <= t_move) tally->deaths[fy] += 1;
      if (t_move < fe && t_move < t_death) tally->out_moves[fy] += 1;
      tally->mort_sum[L.sex][band] += mort_mult * exposure;
      tally->mort_exposure[L.sex][band] += exposure;
      double items = 0;
      for (int m = 0; m < 12 && L.active_count > 0; ++m) {
        const double ms = per.month_start[static_cast<size_t>(y * 12 + m)];
        if (ms < t0 || ms >= t1) continue;
        for (int k = 0; k < L.active_count; ++k) {
          const int d = L.active_drugs[static_cast<size_t>(k)];
          if (L.drug_start[d] <= ms) items += L.drug_monthly[d];
        }
      }
      tally->rx_repeat_items[fy] += items * 0.94 * 13.0 / 12.0;
    }

    // ---- Activity detail --------------------------------------------------------------------
    if (emit) {
      // Emergency spell content.
      for (size_t i = nel_first; i < h.apc.size(); ++i) {
        ApcSpell& s = h.apc[i];
        const bool terminal = s.terminal;
        double total = 0;
        std::array<double, 64> rw{};
        const auto& reasons = ctx_.codes.nel_reasons;
        for (size_t r = 0; r < reasons.size(); ++r) {
          const auto& x = reasons[r];
          if (age < x.min_age || age > x.max_age || (x.sex == 'M' && L.sex != 0) || (x.sex == 'F' && L.sex != 1)) continue;
          double wgt = terminal ? x.terminal_weight : x.weight;
          if (x.condition >= 0 && Has(mask, x.condition)) wgt += terminal ? x.condition_weight * 0.5 : x.condition_weight;
          rw[r] = wgt;
          total += wgt;
        }
        size_t pick = 0;
        if (total > 0) {
          double u = act.Uniform() * total;
          while (pick + 1 < reasons.size() && u >= rw[pick]) u -= rw[pick++];
        }
        const auto& reason = reasons[pick];
        s.icd10 = reason.icd10;
        const int los = s.discharge == kOpen ? 2 : s.discharge - s.admission;
        const int group = los <= 1 ? ctx_.nel_hrg[pick].hrg_short : ctx_.nel_hrg[pick].hrg_long;
        s.hrg = ctx_.hrg.Pick(group, age, act.Uniform(), ncond);
        s.cost_pence = ctx_.hrg.CostPence(s.hrg);
        s.classification = 1;
        if (!s.emergency) {
          s.method = "81";
          s.provider = acute_provider(act, 0.6);
          continue;
        }
        static constexpr std::array<std::string_view, 8> kMethods = {"21", "22", "2D", "2A", "24", "23", "2B", "25"};
        const size_t mi = Choose(act, {p_.ae_linked_share, 0.10, 0.08, 0.03, 0.03, 0.01, 0.02,
                                       Has(mask, MH) ? 0.05 : 0.0});
        s.method = kMethods[mi];
        s.provider = acute_provider(act, 0.85);
        if (mi == 0) {
          AeAttendance a;
          a.date = s.admission;
          a.provider = s.provider;
          a.department_type = 1;
          a.arrival_mode = act.Bernoulli(Clamp(0.35 + 0.4 * Clamp((age - 50) / 40.0, 0, 1) + 0.5 * fi, 0, 0.95)) ? 1 : 2;
          a.disposal = 1;
          a.snomed = reason.ae_snomed;
          a.hrg = ctx_.ae_hrg_rows[ctx_.ae_hrg_admitted.Sample(act)];
          a.cost_pence = ctx_.hrg.CostPence(a.hrg);
          h.ae.push_back(a);
        }
        // After discharge: intermediate care and reablement for older people.
        if (age >= 65 && s.discharge != kOpen && s.discharge + 1 < t1) {
          if (act.Bernoulli(0.2)) {
            const int n = 4 + act.Poisson(4);
            for (int k = 0; k < n; ++k) {
              const double t = s.discharge + 1 + act.Uniform() * 42.0;
              if (t >= leave || t >= end) continue;
              h.community.push_back({Day(t), lad.community, kIntermediateCare,
                                     ctx_.hrg.CostPence(ctx_.community_adult_rows[kIntermediateCare])});
            }
          }
          if (act.Bernoulli(p_.reablement_prob) && !(in_care && (care_setting == kResidential || care_setting == kNursing))) {
            const int32_t rs = s.discharge + static_cast<int32_t>(act.Uniform(0, 3));
            int32_t re = rs + 41;
            if (re >= Day(leave)) re = Day(leave) - 1;
            if (rs < Day(leave) && rs < per.end && re >= rs)
              h.social_care.push_back({rs, re, lad.local_authority, kReablement, 0});
          }
        }
      }

      // Died in A&E: some deaths without a terminal admission.
      if (t_death < fe && t_death <= t_move && u_term >= p_.terminal_admission_prob && act.Bernoulli(0.1)) {
        AeAttendance a;
        a.date = Day(t_death);
        a.provider = local_acute;
        a.department_type = 1;
        a.arrival_mode = 1;
        a.disposal = 10;
        a.hrg = ctx_.ae_died_hrg;
        a.cost_pence = ctx_.hrg.CostPence(a.hrg);
        h.ae.push_back(a);
      }

      // Planned admissions: elective ordinary, day case, maternity.
      auto overlaps = [&](int32_t a, int32_t b) {
        for (const auto& s : h.apc) {
          const int32_t sb = s.discharge == kOpen ? INT32_MAX : s.discharge;
          if (a <= sb && b >= s.admission) return true;
        }
        return false;
      };
      auto planned = [&](bool day_case) {
        const double lam = rate(day_case ? Measure::kDc : Measure::kEl, prev_nel);
        draw(act, lam, kPlanned, t0, t1, true);
        const auto& procs = ctx_.codes.procedures;
        std::array<double, 64> pw{};
        double total = 0;
        for (size_t r = 0; r < procs.size(); ++r) {
          const auto& x = procs[r];
          if (x.day_case != day_case || age < x.min_age || age > x.max_age || (x.sex == 'M' && L.sex != 0) ||
              (x.sex == 'F' && L.sex != 1))
            continue;
          pw[r] = x.weight + ((x.condition >= 0 && Has(mask, x.condition)) ? x.condition_weight : 0.0);
          total += pw[r];
        }
        if (total <= 0) return;
        for (double t : event_times_) {
          double u = act.Uniform() * total;
          size_t pick = 0;
          while (pick + 1 < procs.size() && u >= pw[pick]) u -= pw[pick++];
          const auto& x = procs[pick];
          ApcSpell s;
          const double los = day_case ? 0.0 : std::max(1.0, std::round(x.mean_los * std::exp(0.5 * act.Normal() - 0.125)));
          // A day case clashing with another stay moves to a later day (at most a week).
          bool placed = false;
          for (int shift = 0; shift < (day_case ? 7 : 1) && !placed; ++shift) {
            const double ta = t + shift;
            if (ta >= t1) break;
            s.admission = Day(ta);
            const double dis = ta + los;
            s.discharge = dis >= leave ? std::max(s.admission, Day(leave)) : Day(dis);
            if (dis >= end) s.discharge = kOpen;
            placed = !overlaps(s.admission, s.discharge == kOpen ? INT32_MAX : s.discharge);
          }
          if (!placed) continue;
          static constexpr std::array<std::string_view, 3> kMethods = {"11", "12", "13"};
          s.method = kMethods[Choose(act, {0.7, 0.2, 0.1})];
          s.classification = day_case ? 2 : 1;
          s.pod = day_case ? ApcPod::kDayCase : ApcPod::kElective;
          s.icd10 = x.icd10;
          s.opcs = x.opcs;
          s.comorbidity_mask = mask;
          s.hrg = ctx_.hrg.Pick(ctx_.procedure_hrg[pick], age, act.Uniform(), ncond);
          s.cost_pence = ctx_.hrg.CostPence(s.hrg);
          s.provider = x.condition == CAN && x.condition_weight > 10 ? (act.Bernoulli(0.6) ? ctx_.cancer_centre : local_acute)
                                                                      : acute_provider(act, 0.85);
          h.apc.push_back(s);
        }
      };
      planned(false);
      planned(true);
      {
        draw(act, rate(Measure::kMat, prev_nel), kAcute, t0, t1, false);
        const auto& mat = ctx_.codes.maternity;
        for (double t : event_times_) {
          const size_t pick = ctx_.maternity_sampler.Sample(act);
          const auto& x = mat[pick];
          const double los = std::max(0.0, std::round(x.mean_los * std::exp(0.5 * act.Normal() - 0.125)));
          ApcSpell s;
          s.admission = Day(t);
          const double dis = t + los;
          s.discharge = dis >= leave ? std::max(s.admission, Day(leave)) : Day(dis);
          if (dis >= end) s.discharge = kOpen;
          if (overlaps(s.admission, s.discharge == kOpen ? INT32_MAX : s.discharge)) continue;
          s.method = x.method;
          s.classification = 1;
          s.pod = ApcPod::kMaternity;
          s.icd10 = x.icd10;
          s.opcs = x.opcs;
          s.comorbidity_mask = mask;
          const int stay = s.discharge == kOpen ? 2 : s.discharge - s.admission;
          s.hrg = ctx_.hrg.Pick(ctx_.maternity_hrg[pick][stay <= 1 ? 0 : 1], age, act.Uniform(), ncond);
          s.cost_pence = ctx_.hrg.CostPence(s.hrg);
          s.provider = acute_provider(act, 0.9);
          h.apc.push_back(s);
        }
      }

      // A&E attendances not ending in admission.
      draw(act, rate(Measure::kAe, prev_nel), kAcute, t0, t1, false);
      {
        const auto& dx = ctx_.codes.ae_diagnoses;
        std::array<double, 32> dw{};
        for (size_t r = 0; r < dx.size(); ++r) {
          const auto& x = dx[r];
          if (age < x.min_age || age > x.max_age) continue;
          dw[r] = x.weight + ((x.condition >= 0 && Has(mask, x.condition)) ? x.condition_weight : 0.0);
        }
        const DiscreteSampler dxs(std::span<const double>(dw.data(), dx.size()));
        for (double t : event_times_) {
          AeAttendance a;
          a.date = Day(t);
          const size_t type = age < 16   ? Choose(act, {.45, .01, .53, .01})
                              : age < 65 ? Choose(act, {.52, .03, .43, .02})
                                         : Choose(act, {.78, .02, .20, 0});
          a.department_type = static_cast<uint8_t>(type + 1);
          const double amb = type == 0 ? Clamp(0.08 + 0.4 * Clamp((age - 50) / 40.0, 0, 1) + 0.5 * fi, 0, 0.9) : 0.01;
          a.arrival_mode = act.Bernoulli(amb) ? 1 : 2;
          static constexpr std::array<uint8_t, 10> kDisposal = {2, 3, 4, 5, 6, 7, 11, 12, 13, 14};
          a.disposal = kDisposal[Choose(act, {.18, .52, .03, .04, .05, .01, .06, .06, .01, .04})];
          if (act.Uniform() < 0.85 && !dxs.empty()) a.snomed = dx[dxs.Sample(act)].snomed;
          if (type <= 1) {
            a.hrg = ctx_.ae_hrg_rows[ctx_.ae_hrg_major.Sample(act)];
          } else {
            static constexpr std::array<size_t, 3> kMinor = {9, 8, 7};  // VB11Z, VB09Z, VB08Z
            a.hrg = ctx_.ae_hrg_rows[kMinor[Choose(act, {.5, .35, .15})]];
          }
          a.cost_pence = ctx_.hrg.CostPence(a.hrg);
          a.provider = acute_provider(act, 0.88);
          h.ae.push_back(a);
        }
      }

      // GP appointments (practice assigned from registrations at the end).
      {
        const double lam = rate(Measure::kGp, prev_nel);
        const bool covid = fy_year == 2020;
        auto add = [&](double t, uint8_t status) {
          GpAppointment g;
          g.date = Day(t);
          g.hcp = static_cast<uint8_t>(Choose(act, {.46, .50, .04}));
          const double home = 0.01 + (age >= 80 ? 0.15 * fi : 0.0);
          g.mode = static_cast<uint8_t>(covid ? Choose(act, {.50, .45, .02, home, .02})
                                              : Choose(act, {.68, .26, .01, home, .04}));
          g.status = status;
          if (status == 0) {
            const bool gp = g.hcp == 0;
            const bool remote = g.mode == 1 || g.mode == 2;
            g.cost_pence = g.mode == 3 ? ctx_.gp_cost_pence[gp ? 2 : 3]
                                       : ctx_.gp_cost_pence[gp ? (remote ? 1 : 0) : (remote ? 4 : 3)];
          }
          h.gp.push_back(g);
        };
        draw(act, lam, kPlanned, t0, t1, true);
        for (double t : event_times_) add(t, 0);
        draw(act, lam * p_.gp_dna_share * (1.0 + 0.3 * L.dep_x), kPlanned, t0, t1, true);
        for (double t : event_times_) add(t, act.Bernoulli(0.8) ? 1 : 2);
      }

      // Outpatients.
      {
        const auto& sp = ctx_.codes.op_specialties;
        std::array<double, 64> sw{};
        for (size_t r = 0; r < sp.size(); ++r) {
          const auto& x = sp[r];
          if (age < x.min_age || age > x.max_age || (x.sex == 'M' && L.sex != 0) || (x.sex == 'F' && L.sex != 1)) continue;
          double wgt = x.weight;
          for (auto [c, add] : x.conditions)
            if (Has(mask, c)) wgt += add;
          sw[r] = wgt;
        }
        const DiscreteSampler sps(std::span<const double>(sw.data(), sp.size()));
        const bool covid = fy_year == 2020;
        auto add = [&](double t, bool first, char attended) {
          OpAttendance o;
          o.date = Day(t);
          const size_t pick = sps.Sample(act);
          const auto& x = sp[pick];
          o.tfc = x.tfc;
          const bool remote = act.Bernoulli(first ? (covid ? 0.35 : 0.15) : (covid ? 0.45 : 0.28));
          o.first_attendance = static_cast<uint8_t>(first ? (remote ? 3 : 1) : (remote ? 4 : 2));
          o.attended = attended;
          o.provider = x.cancer && act.Bernoulli(0.6) ? ctx_.cancer_centre : acute_provider(act, 0.85);
          if (attended == '5' || attended == '6') {
            if (!remote && ctx_.op_procedure_hrg[pick] >= 0 && act.Bernoulli(x.procedure_share)) {
              o.hrg = ctx_.hrg.Pick(ctx_.op_procedure_hrg[pick], age, act.Uniform(), ncond);
              o.opcs = x.procedure_opcs;
              o.cost_pence = ctx_.hrg.CostPence(o.hrg);
            } else {
              const size_t wf = first ? (remote ? 3 : 1) : (remote ? 2 : 0);
              const int row = act.Bernoulli(0.04) ? ctx_.op_multiprof_rows[wf] : ctx_.op_attendance_rows[wf];
              o.cost_pence = ctx_.hrg.CostPence(row);
            }
          }
          h.op.push_back(o);
        };
        const double lf = rate(Measure::kOpFirst, prev_nel), lu = rate(Measure::kOpFollowUp, prev_nel);
        draw(act, lf, kPlanned, t0, t1, true);
        for (double t : event_times_) add(t, true, act.Bernoulli(0.97) ? '5' : '6');
        draw(act, lu, kPlanned, t0, t1, true);
        for (double t : event_times_) add(t, false, act.Bernoulli(0.97) ? '5' : '6');
        draw(act, (lf + lu) * (p_.op_dna_share * (1.0 + 0.3 * L.dep_x) + p_.op_cancelled_share), kPlanned, t0, t1, true);
        for (double t : event_times_) {
          const double dna = p_.op_dna_share * (1.0 + 0.3 * L.dep_x);
          const char code = act.Uniform() * (dna + p_.op_cancelled_share) < dna ? '3' : (act.Bernoulli(0.45) ? '2' : '4');
          add(t, act.Bernoulli(lf / std::max(lf + lu, 1e-12)), code);
        }
      }

      // Community contacts.
      {
        draw(act, rate(Measure::kCommunity, prev_nel), kPlanned, t0, t1, true);
        for (double t : event_times_) {
          uint8_t svc;
          if (age < 5) {
            svc = std::array<uint8_t, 4>{kHealthVisiting, kPhysio, kSpeechLanguage, kCommunityOther}[Choose(act, {.85, .03, .07, .05})];
          } else if (age < 18) {
            svc = std::array<uint8_t, 5>{kSchoolNursing, kSpeechLanguage, kPhysio, kOccupationalTherapy, kCommunityOther}[Choose(act, {.6, .15, .1, .05, .1})];
          } else if (age < 65) {
            svc = std::array<uint8_t, 8>{kPhysio, kDistrictNursing, kPodiatry, kCommunityOther, kOccupationalTherapy, kCommunityMatron, kSpeechLanguage, kIntermediateCare}
                [Choose(act, {.35, .2, Has(mask, DM) ? .3 : .15, .15, .05, .02, Has(mask, STIA) ? .08 : .03, .05})];
          } else {
            svc = std::array<uint8_t, 8>{kDistrictNursing, kPodiatry, kPhysio, kOccupationalTherapy, kCommunityMatron, kIntermediateCare, kSpeechLanguage, kCommunityOther}
                [Choose(act, {.5, Has(mask, DM) ? .2 : .12, .1, .06, ncond >= 3 ? .1 : .04, .06, Has(mask, STIA) ? .05 : .02, .08})];
          }
          const int row = age < 18 ? ctx_.community_child_rows[svc] : ctx_.community_adult_rows[svc];
          h.community.push_back({Day(t), lad.community, svc, ctx_.hrg.CostPence(row)});
        }
      }

      // Mental health contacts.
      {
        draw(act, rate(Measure::kMentalHealth, prev_nel), kPlanned, t0, t1, true);
        for (double t : event_times_) {
          uint8_t svc;
          if (age < 18) {
            svc = act.Bernoulli(0.9) ? kCamhs : kMhOther;
          } else if (age >= 65) {
            svc = std::array<uint8_t, 5>{kOlderAdults, kCmht, kTalking, kLiaison, kMhOther}[Choose(act, {Has(mask, DEM) ? .8 : .5, .1, .15, .1, .05})];
          } else if (Has(mask, MH)) {
            svc = std::array<uint8_t, 6>{kCmht, kEarlyIntervention, kCrisis, kMhOther, kLiaison, kTalking}[Choose(act, {.55, age < 36 ? .2 : 0, .1, .05, .05, .05})];
          } else {
            svc = std::array<uint8_t, 5>{kTalking, kCmht, kCrisis, kLiaison, kMhOther}[Choose(act, {Has(mask, DEP) ? .6 : .5, .25, .05, .05, .1})];
          }
          const int row = svc == kTalking ? ctx_.talking_therapy_row : ctx_.mh_contact_row;
          h.mental_health.push_back({Day(t), lad.mental_health, svc, ctx_.hrg.CostPence(row)});
        }
      }

      // Prescriptions: repeat medicines month by month, plus acute items.
      {
        for (auto& m : rx_items) m.fill(0);
        const int ndrugs = static_cast<int>(ref.drugs.size());
        for (int m = 0; m < 12; ++m) {
          const double ms = per.month_start[static_cast<size_t>(y * 12 + m)];
          if (ms < t0 || ms >= t1) continue;
          for (int k = 0; k < L.active_count; ++k) {
            const int d = L.active_drugs[static_cast<size_t>(k)];
            if (L.drug_start[d] > ms) continue;
            if (act.Uniform() >= L.drug_monthly[d] * 0.94) continue;
            rx_items[static_cast<size_t>(m)][static_cast<size_t>(d)] += 1 + (act.Uniform() < 1.0 / 12.0 ? 1 : 0);
          }
        }
        draw(act, rate(Measure::kRxAcute, prev_nel), kPlanned, t0, t1, false);
        const auto& ad = ctx_.codes.acute_drugs;
        std::array<double, 16> aw{};
        for (size_t r = 0; r < ad.size(); ++r) aw[r] = L.sex == 0 ? ad[r].weight_male : ad[r].weight_female;
        const DiscreteSampler ads(std::span<const double>(aw.data(), ad.size()));
        for (double t : event_times_) {
          int m = 0;
          while (m < 11 && t >= per.month_start[static_cast<size_t>(y * 12 + m + 1)]) ++m;
          rx_items[static_cast<size_t>(m)][static_cast<size_t>(ctx_.acute_drug_index[ads.Sample(act)])] += 1;
        }
        for (int m = 0; m < 12; ++m)
          for (int d = 0; d < ndrugs; ++d) {
            const int n = rx_items[static_cast<size_t>(m)][static_cast<size_t>(d)];
            if (n == 0) continue;
            h.prescriptions.push_back({per.month_start[static_cast<size_t>(y * 12 + m)], -1, d, n,
                                       n * ref.drugs[static_cast<size_t>(d)].nic_pence});
          }
      }

      // GP record observations (kept only while registered).
      if (age >= 18) {
        Rng obs(seed_, spec.index, Stream::kObservations, static_cast<uint64_t>(y));
        const bool cardio = Has(mask, HYP) || Has(mask, DM) || Has(mask, CKD) || Has(mask, CHD) ||
                            Has(mask, STIA) || Has(mask, HF) || Has(mask, PAD);
        auto when = [&]() { return Day(t0 + obs.Uniform() * (t1 - t0)); };
        const int nbp = obs.Poisson(exposure * (cardio ? 1.3 : age >= 40 ? 0.3 : 0.1));
        for (int k = 0; k < nbp; ++k) {
          const int32_t d = when();
          const bool hyp = Has(mask, HYP);
          h.gp_events.push_back({d, "271649006", std::round(Clamp(obs.Normal(hyp ? 138 : 126, 14), 85, 220)), true, "mm[Hg]"});
          h.gp_events.push_back({d, "271650006", std::round(Clamp(obs.Normal(hyp ? 80 : 76, 9), 45, 130)), true, "mm[Hg]"});
        }
        const int nhb = obs.Poisson(exposure * (Has(mask, DM) ? 1.5 : Has(mask, NDH) ? 0.8 : 0.0));
        for (int k = 0; k < nhb; ++k) {
          const double v = Has(mask, DM) ? Clamp(obs.Normal(58, 12), 35, 140) : obs.Uniform(42, 47.9);
          h.gp_events.push_back({when(), "999791000000106", std::round(v), true, "mmol/mol"});
        }
        const int nbmi = obs.Poisson(exposure * ((Has(mask, OB) || Has(mask, DM)) ? 0.8 : 0.15));
        for (int k = 0; k < nbmi; ++k) {
          const double v = Has(mask, OB) ? 30.0 + obs.Gamma(2.0, 2.5) : Clamp(obs.Normal(26, 3), 16, 29.9);
          h.gp_events.push_back({when(), "60621009", std::round(v * 10) / 10, true, "kg/m2"});
        }
        const int negfr = obs.Poisson(exposure * (Has(mask, CKD) ? 1.5 : (Has(mask, DM) || Has(mask, HYP)) ? 0.8 : 0.0));
        for (int k = 0; k < negfr; ++k) {
          const double v = Has(mask, CKD) ? obs.Uniform(15, 59) : Clamp(obs.Normal(82, 12), 60, 120);
          h.gp_events.push_back({when(), "1011481000000105", std::round(v), true, "mL/min/1.73m2"});
        }
        const bool lipid = Has(mask, CHD) || Has(mask, STIA) || Has(mask, DM);
        const int nchol = obs.Poisson(exposure * (lipid ? 0.7 : age >= 40 ? 0.1 : 0.0));
        for (int k = 0; k < nchol; ++k) {
          const double v = lipid ? Clamp(obs.Normal(4.5, 0.9), 2, 9) : Clamp(obs.Normal(5.2, 1.0), 2.5, 10);
          h.gp_events.push_back({when(), "1005671000000105", std::round(v * 10) / 10, true, "mmol/L"});
        }
        if (obs.Uniform() < exposure / 3.0) {
          static constexpr std::array<std::string_view, 3> kSmoking = {"266919005", "8517006", "77176002"};
          h.gp_events.push_back({when(), kSmoking[static_cast<size_t>(L.smoking)], 0, false, ""});
        }
      }
    }

    // ---- Close the year ---------------------------------------------------------------------
    if (t1 < fe) {
      exit_t = t1;
      if (t_death <= t_move) {
        h.death = Day(t_death);
        h.exit_reason = ExitReason::kDeath;
      } else {
        h.exit_reason = ExitReason::kMovedOut;
      }
      h.exit = Day(t1);
      if (in_care && care_index >= 0) h.social_care[static_cast<size_t>(care_index)].end = Day(t1);
      for (auto& s : h.apc)
        if (s.discharge > h.exit) s.discharge = std::max(s.admission, h.exit);
      break;
    }
    prev_nel = nel_this_year;
  }

  // ---- Registrations and practice-based records ---------------------------------------------
  const double last = std::min(exit_t, end);
  if (reg_start < last) {
    RegistrationPeriod r;
    r.start = Day(reg_start);
    r.practice = L.practice0;
    for (const auto& m : moves) {
      if (m.t >= last) break;
      if (m.t <= reg_start) continue;
      r.end = Day(m.t) - 1;
      if (r.end >= r.start) h.registrations.push_back(r);
      r.start = Day(m.t) + m.gap;
      r.practice = m.practice;
    }
    if (exit_t < kInf) {
      r.end = h.exit_reason == ExitReason::kDeath ? h.death + death_lag : Day(exit_t);
      if (r.end >= per.end) r.end = kOpen;
    } else {
      r.end = kOpen;
    }
    if (r.end >= r.start) h.registrations.push_back(r);
  }
  auto practice_on = [&](int32_t d) {
    for (const auto& r : h.registrations)
      if (d >= r.start && d <= r.end) return r.practice;
    return -1;
  };
  if (emit) {
    size_t k = 0;
    for (auto& g : h.gp) {
      g.practice = practice_on(g.date);
      if (g.practice >= 0) h.gp[k++] = g;
    }
    h.gp.resize(k);
    k = 0;
    for (auto& rx : h.prescriptions) {
      rx.practice = practice_on(rx.month);
      if (rx.practice >= 0) h.prescriptions[k++] = rx;
    }
    h.prescriptions.resize(k);
    k = 0;
    for (auto& e : h.gp_events)
      if (practice_on(e.date) >= 0) h.gp_events[k++] = e;
    h.gp_events.resize(k);
  }
  {
    size_t k = 0;
    for (const auto& r : h.risk) {
      if (practice_on(per.fy_start[static_cast<size_t>(r.fy)]) >= 0) h.risk[k++] = r;
    }
    h.risk.resize(k);
  }

  // ---- Conditions, frailty and social care costs at the end ---------------------------------
  for (int c = 0; c < kConditionCount; ++c) {
    if (L.onset[c] >= last) continue;
    h.conditions_at_exit |= 1u << c;
    if (emit) {
      h.ltc.push_back({c, Day(L.onset[c]), h.condition_code[c]});
      h.gp_events.push_back({Day(L.onset[c]), ref.condition_codes[static_cast<size_t>(h.condition_code[c])].snomed, 0, false, ""});
    }
  }
  h.frailty_exit = frailty_at(last, h.conditions_at_exit);
  if (h.exit != kOpen) {
    // Follow-on care scheduled after a discharge (intermediate care, reablement) stops at exit.
    auto after_exit = [&](const CareContact& c) { return c.date > h.exit; };
    h.community.erase(std::remove_if(h.community.begin(), h.community.end(), after_exit), h.community.end());
    h.social_care.erase(std::remove_if(h.social_care.begin(), h.social_care.end(),
                                       [&](const SocialCareService& c) { return c.start > h.exit; }),
                        h.social_care.end());
    for (auto& c : h.social_care)
      if (c.end == kOpen || c.end > h.exit) c.end = h.exit;
  }
  for (auto& s : h.social_care) {
    const int32_t a = std::max(s.start, per.start);
    const int32_t b = std::min(s.end == kOpen ? per.end - 1 : s.end, per.end - 1);
    int64_t weekly = ctx_.social_care_weekly_pence[s.setting];
    if (s.setting == kResidential && Day(L.dob + 65 * kYear) > s.start) weekly = ctx_.residential_18_64_weekly_pence;
    s.cost_pence = b >= a ? (weekly * (b - a + 1) + 3) / 7 : 0;
  }
  if (emit) {
    auto by_date = [](const auto& a, const auto& b) { return a.date < b.date; };
    std::stable_sort(h.gp.begin(), h.gp.end(), by_date);
    std::stable_sort(h.ae.begin(), h.ae.end(), by_date);
    std::stable_sort(h.op.begin(), h.op.end(), by_date);
    std::stable_sort(h.community.begin(), h.community.end(), by_date);
    std::stable_sort(h.mental_health.begin(), h.mental_health.end(), by_date);
    std::stable_sort(h.gp_events.begin(), h.gp_events.end(), by_date);
    std::stable_sort(h.apc.begin(), h.apc.end(), [](const ApcSpell& a, const ApcSpell& b) { return a.admission < b.admission; });
    std::stable_sort(h.social_care.begin(), h.social_care.end(),
                     [](const SocialCareService& a, const SocialCareService& b) { return a.start < b.start; });
  }

  // ---- Calibration: prevalence and model shape at the QOF date -------------------------------
  if (tally) {
    const double qd = per.qof_date;
    if (L.entry <= qd && qd < exit_t && (h.death == kOpen || h.death > per.qof_date) && practice_on(per.qof_date) >= 0) {
      const double a = age_at(qd + 0.5);
      for (int c = 0; c < kConditionCount; ++c) {
        if (a < qof_min_age_[c]) continue;
        tally->prev_den[c] += 1;
        if (L.onset[c] <= qd) tally->prev_num[c] += 1;
        tally->shape_sum[static_cast<size_t>(L.sub_icb)][c] += shape_at(c, qd);
        tally->shape_den[static_cast<size_t>(L.sub_icb)][c] += 1;
      }
    }
  }
}

}  // namespace icb::synth
