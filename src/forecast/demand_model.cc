#include "forecast/demand_model.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <numeric>
#include <unordered_map>

#include "core/parallel.h"
#include "core/progress.h"
#include "forecast/counter_rng.h"
#include "forecast/population_grid.h"

namespace icb::forecast {
namespace {

constexpr int kTypes = kActivityTypeCount;
constexpr int kSegmentGroups = 9;  // B2hSegment 0 (not known) .. 8
constexpr int kImdGroups = 6;      // 0 (not known), quintiles 1..5
constexpr int kHsaMinAge = 55, kHsaMaxAge = 90;  // NHP's health status adjustment ages
constexpr size_t kRowBlock = 4096;  // rows per random sub-stream (fixed: results never depend on threads)
constexpr int kBlockBits = 20;      // sub = year << 20 | block

size_t Sz(int v) { return static_cast<size_t>(v); }

// ---- Row filters ---------------------------------------------------------------------------

bool Contains(const std::vector<int>& v, int x) { return std::find(v.begin(), v.end(), x) != v.end(); }

bool MatchesColumns(const RowFilter& f, const ActivityTable& t, size_t r) {
  if (!f.types.empty() &&
      std::find(f.types.begin(), f.types.end(), static_cast<ActivityType>(t.type[r])) == f.types.end()) {
    return false;
  }
  if (t.age[r] < f.min_age || t.age[r] > f.max_age) return false;
  if (!f.segments.empty() && !Contains(f.segments, t.segment[r])) return false;
  if (!f.imd_quintiles.empty() && !Contains(f.imd_quintiles, t.imd_quintile[r])) return false;
  if (f.min_los_set && (t.los[r] < f.min_los || t.los[r] > f.max_los)) return false;
  return true;
}

// The sample rate with which a lever applies to row r: 1 for a column filter that matches, the
// row's NHP sample rate for a strategy filter whose strategy tags the row, or -1 (no match).
float MatchRate(const RowFilter& f, int strategy_id, const ActivityTable& t, size_t r) {
  if (!MatchesColumns(f, t, r)) return -1;
  if (f.strategy.empty()) return 1;
  if (strategy_id < 0) return -1;
  for (uint64_t i = t.strategy_offsets[r]; i < t.strategy_offsets[r + 1]; ++i) {
    if (t.strategy_ids[i] == strategy_id) return t.strategy_rates[i];
  }
  return -1;
}

bool EfficiencyApplies(Efficiency::Kind k, ActivityType t, int los) {
  switch (k) {
    case Efficiency::Kind::kLengthOfStay:
    case Efficiency::Kind::kVirtualWard: return HasLengthOfStay(t) && los > 0;
    case Efficiency::Kind::kDayCaseConversion: return t == ActivityType::kElective;
    case Efficiency::Kind::kSdecConversion: return t == ActivityType::kNonElective && los == 0;
    case Efficiency::Kind::kTeleOutpatient: return t == ActivityType::kOpFirst || t == ActivityType::kOpFollowUp;
  }
  return false;
}

bool IsConversion(Efficiency::Kind k) {
  return k == Efficiency::Kind::kDayCaseConversion || k == Efficiency::Kind::kSdecConversion ||
         k == Efficiency::Kind::kTeleOutpatient;
}

ActivityType ConversionTarget(Efficiency::Kind k) {
  switch (k) {
    case Efficiency::Kind::kDayCaseConversion: return ActivityType::kDayCase;
    case Efficiency::Kind::kSdecConversion: return ActivityType::kSdec;
    case Efficiency::Kind::kTeleOutpatient: return ActivityType::kOpTele;
    default: return ActivityType::kVirtualWard;
  }
}

// Levers matching each row, CSR by row: lever index, sample rate.
struct RowLevers {
  std::vector<uint64_t> offsets{0};
  std::vector<uint16_t> lever;
  std::vector<float> rate;
};

// ---- Parameters ----------------------------------------------------------------------------

// Where a run's value of each uncertain parameter comes from: an index into the sampler's draw, or
// the distribution's central value when the sampler does not know the name.
struct ParamRef {
  int index = -1;
  double central = 0;
  double Get(const std::vector<double>& draw) const {
    return index >= 0 && Sz(index) < draw.size() ? draw[Sz(index)] : central;
  }
};

// Parameter names as JSON paths (docs/reference/forecast-demand.md); the first name the sampler
// knows wins.
ParamRef Resolve(const ParameterSampler& s, const std::vector<std::string>& names, const Distribution& d,
                 std::vector<std::string>& notes) {
  ParamRef p;
  p.central = d.Central();
  for (const auto& n : names) {
    p.index = s.Find(n);
    if (p.index >= 0) return p;
  }
  if (d.kind != Distribution::Kind::kFixed) {
    notes.push_back(fmt::format("parameter {} not found in the sampler: held at its central value {}", names.front(),
                                p.central));
  }
  return p;
}

double Clip01(double x) { return x < 0 ? 0 : (x > 1 ? 1 : x); }

// ---- The model, prepared once ----------------------------------------------------------------

struct Prepared {
  const ActivityTable* t = nullptr;
  const DemandContext* ctx = nullptr;
  const Scenario* sc = nullptr;
  uint64_t seed = 1;
  int runs = 0, horizon = 0, years = 0, places = 0;
  bool horizon_only = false;
  std::vector<int> sim_years;  // year indices simulated (1..H, or H)

  // Cells: distinct (type, place, sex, age, segment) of the rows; factors are per cell.
  std::vector<uint32_t> row_cell;
  std::vector<uint8_t> cell_type, cell_sex, cell_age, cell_seg;
  std::vector<uint16_t> cell_place;
  std::vector<double> cell_count, cell_cost;  // sums of count and count x unit cost over the cell's rows
  // Baseline.
  std::array<double, kTypes> base_units{}, base_bed_days{}, base_cost{}, mean_cost{}, bed_day_saving{};
  double bed_day_override = 0;
  // Demography per variant: [variant][year][cell] projected / baseline population.
  std::vector<std::vector<std::vector<double>>> demo;
  std::vector<double> variant_cum;  // cumulative variant probabilities (normalised)
  int principal_variant = 0;
  // HSA: baseline rate by [type][sex][age] (units per person), if enabled.
  bool hsa = false;
  std::vector<double> hsa_rate;
  // Segment mix.
  bool segmix = false;
  std::vector<std::vector<double>> segmix_by_variant;  // [variant] -> [year][sex][age][seg] (no prevention levers)
  // Levers.
  RowLevers mit_rows, eff_rows;
  std::vector<std::vector<double>> mit_phase, eff_phase;  // [lever][year]
  std::vector<std::vector<double>> recv_cost;             // [mitigator][receiving] unit cost at baseline prices
  // Parameters.
  std::unique_ptr<ParameterSampler> sampler;
  std::array<ParamRef, kTypes> ndg{};
  std::array<bool, kTypes> has_ndg{};
  ParamRef hsa_ratio, inflation, efficiency;
  std::vector<ParamRef> mit_reduction, eff_value, lever_value;
  std::vector<std::vector<ParamRef>> recv_ratio;
  std::vector<std::string> notes;
};

size_t TotIndex(const Prepared& p, int run, int year, int type, Measure m) {
  return ((Sz(run) * Sz(p.years) + Sz(year)) * kTypes + Sz(type)) * kMeasureCount + static_cast<size_t>(m);
}

std::vector<double> SegmentMixFactors(const Prepared& p, const PopulationProjection& proj,
                                      const std::vector<double>& lever_values) {
  const SegmentProjection sp = ProjectSegments(*p.ctx->transitions, p.ctx->baseline_segment_shares, proj,
                                               p.sc->prevention, lever_values);
  std::vector<double> f(Sz(p.years) * kSexes * kAges * kSegmentGroups, 1.0);
  const int have = static_cast<int>(sp.shares.size());
  for (int k = 1; k < p.years && k < have; ++k) {
    for (int s = 0; s < kSexes; ++s) {
      for (int a = 0; a < kAges; ++a) {
        for (int g = 1; g < kSegmentGroups; ++g) {
          const double s0 = sp.Share(0, s, a, g - 1), sk = sp.Share(k, s, a, g - 1);
          f[((Sz(k) * kSexes + Sz(s)) * kAges + Sz(a)) * kSegmentGroups + Sz(g)] = s0 > 0 ? sk / s0 : 1.0;
        }
      }
    }
  }
  return f;
}

Status Prepare(const ActivityTable& t, const DemandContext& ctx, const Scenario& sc, const RunOptions& opt,
               Prepared& p) {
  ICB_RETURN_IF_ERROR(t.Validate());
  p.t = &t;
  p.ctx = &ctx;
  p.sc = &sc;
  p.seed = sc.seed;
  p.runs = opt.runs >= 0 ? opt.runs : sc.runs;
  if (p.runs < 0) return Status::InvalidInput("forecast: the number of runs must be 0 or more");
  const int base_year = t.baseline_year != 0 ? t.baseline_year : sc.baseline_year;
  int horizon_year = opt.horizon_year != 0 ? opt.horizon_year : sc.horizon_year;
  if (horizon_year == 0) horizon_year = base_year + 10;
  p.horizon = horizon_year - base_year;
  if (p.horizon < 1 || p.horizon >= (1 << (32 - kBlockBits))) {
    return Status::InvalidInput(fmt::format("forecast: horizon year {} must be after the baseline year {} (and within {} years)",
                                            horizon_year, base_year, (1 << (32 - kBlockBits)) - 1));
  }
  if (t.size() > (kRowBlock << kBlockBits)) {
    return Status::InvalidInput(fmt::format("forecast: {} rows exceed the {} the random streams address", t.size(),
                                            kRowBlock << kBlockBits));
  }
  p.years = p.horizon + 1;
  p.horizon_only = opt.horizon_only;
  if (p.horizon_only) {
    p.sim_years = {p.horizon};
  } else {
    for (int k = 1; k <= p.horizon; ++k) p.sim_years.push_back(k);
  }
  p.places = 1;
  for (uint16_t pl : t.place) p.places = std::max(p.places, static_cast<int>(pl) + 1);
  p.places = std::max(p.places, static_cast<int>(t.place_names.size()));

  // Baseline sums and mean unit costs.
  std::array<std::array<std::array<double, kAges>, kSexes>, kTypes> units_by_age{};
  for (size_t r = 0; r < t.size(); ++r) {
    const int ty = t.type[r];
    p.base_units[Sz(ty)] += t.count[r];
    p.base_bed_days[Sz(ty)] += t.count[r] * t.los[r];
    p.base_cost[Sz(ty)] += t.count[r] * t.cost_pence[r];
    units_by_age[Sz(ty)][t.sex[r]][t.age[r]] += t.count[r];
  }
  for (int ty = 0; ty < kTypes; ++ty) {
    double c = ctx.default_unit_cost_pence[Sz(ty)];
    if (p.base_units[Sz(ty)] > 0) c = p.base_cost[Sz(ty)] / p.base_units[Sz(ty)];
    if (sc.cost.unit_cost_pence[Sz(ty)]) c = *sc.cost.unit_cost_pence[Sz(ty)];
    p.mean_cost[Sz(ty)] = c;
    p.bed_day_saving[Sz(ty)] = p.base_bed_days[Sz(ty)] > 0 ? p.base_cost[Sz(ty)] / p.base_bed_days[Sz(ty)] : 0;
  }
  p.bed_day_override = sc.cost.marginal_bed_day_pence > 0 ? sc.cost.marginal_bed_day_pence : ctx.marginal_bed_day_pence;
  if (p.bed_day_override > 0) p.bed_day_saving.fill(p.bed_day_override);

  // Cells.
  const uint64_t cell_space = Sz(kTypes) * Sz(p.places) * kSexes * kAges * kSegmentGroups;
  std::vector<int32_t> dense;
  std::unordered_map<uint64_t, uint32_t> sparse;
  const bool use_dense = cell_space <= (uint64_t{1} << 26);
  if (use_dense) dense.assign(cell_space, -1);
  p.row_cell.resize(t.size());
  for (size_t r = 0; r < t.size(); ++r) {
    const uint64_t key =
        (((Sz(t.type[r]) * Sz(p.places) + t.place[r]) * kSexes + t.sex[r]) * kAges + t.age[r]) * kSegmentGroups +
        std::min<size_t>(t.segment[r], kSegmentGroups - 1);
    uint32_t id;
    int32_t* slot = use_dense ? &dense[key] : nullptr;
    auto it = use_dense ? sparse.end() : sparse.find(key);
    if (use_dense ? *slot >= 0 : it != sparse.end()) {
      id = use_dense ? static_cast<uint32_t>(*slot) : it->second;
    } else {
      id = static_cast<uint32_t>(p.cell_type.size());
      if (use_dense) *slot = static_cast<int32_t>(id); else sparse.emplace(key, id);
      p.cell_type.push_back(t.type[r]);
      p.cell_place.push_back(t.place[r]);
      p.cell_sex.push_back(t.sex[r]);
      p.cell_age.push_back(t.age[r]);
      p.cell_seg.push_back(static_cast<uint8_t>(std::min<int>(t.segment[r], kSegmentGroups - 1)));
      p.cell_count.push_back(0);
      p.cell_cost.push_back(0);
    }
    p.row_cell[r] = id;
    p.cell_count[id] += t.count[r];
    p.cell_cost[id] += t.count[r] * t.cost_pence[r];
  }
  const size_t cells = p.cell_type.size();

  // Variants and demography.
  double total_prob = 0;
  for (auto& [name, prob] : sc.variant_mix) total_prob += std::max(0.0, prob);
  if (sc.variant_mix.empty() || !(total_prob > 0)) {
    return Status::InvalidInput("forecast scenario: variant_mix needs at least one variant with a positive probability");
  }
  double best = -1, cum = 0;
  for (size_t v = 0; v < sc.variant_mix.size(); ++v) {
    const double prob = std::max(0.0, sc.variant_mix[v].second);
    cum += prob / total_prob;
    p.variant_cum.push_back(cum);
    if (prob > best) {
      best = prob;
      p.principal_variant = static_cast<int>(v);
    }
  }
  p.variant_cum.back() = 1.0;
  if (!ctx.variants.empty() && ctx.variants.size() != sc.variant_mix.size() && ctx.variants.size() != 1) {
    return Status::InvalidInput(fmt::format("forecast: {} population projections given for {} variants in the scenario's "
                                            "variant_mix (give one per variant, in its order)",
                                            ctx.variants.size(), sc.variant_mix.size()));
  }
  for (const auto& proj : ctx.variants) {
    std::vector<std::vector<double>> f(Sz(p.years), std::vector<double>(cells, 1.0));
    if (proj.years.empty()) return Status::InvalidInput("forecast: a population projection has no years");
    const PopulationGrid& g0 = proj.years[0];
    // Table place -> projection place by name; a one-place projection serves every place.
    std::vector<int> map(Sz(p.places), -1);
    for (int pl = 0; pl < p.places; ++pl) {
      if (g0.places == 1) map[Sz(pl)] = 0;
      if (Sz(pl) < t.place_names.size()) {
        for (int q = 0; q < g0.places; ++q) {
          if (Sz(q) < g0.place_names.size() && g0.place_names[Sz(q)] == t.place_names[Sz(pl)]) map[Sz(pl)] = q;
        }
      } else if (pl < g0.places && g0.place_names.empty()) {
        map[Sz(pl)] = pl;
      }
      if (map[Sz(pl)] < 0 && pl < g0.places && t.place_names.empty()) map[Sz(pl)] = pl;
    }
    for (size_t c = 0; c < cells; ++c) {
      if (map[p.cell_place[c]] < 0) {
        const std::string name =
            p.cell_place[c] < t.place_names.size() ? t.place_names[p.cell_place[c]] : std::to_string(p.cell_place[c]);
        return Status::InvalidInput(fmt::format("forecast: place \"{}\" of the activity table is not in the population "
                                                "projection (variant {})", name, proj.variant));
      }
    }
    for (int k = 1; k < p.years; ++k) {
      const PopulationGrid& gk = proj.years[Sz(std::min<int>(k, static_cast<int>(proj.years.size()) - 1))];
      if (static_cast<int>(proj.years.size()) <= k) {
        return Status::InvalidInput(fmt::format("forecast: the population projection (variant {}) ends before the horizon",
                                                proj.variant));
      }
      for (size_t c = 0; c < cells; ++c) {
        const int q = map[p.cell_place[c]];
        // The ratio over the five single years of age centred on the row's (kDemographyWindow): one
        // place's counts at a single year of age are small, and a ratio of small counts is noisy and
        // biased upwards once weighted by activity (docs/reference/forecast-demand.md).
        const int age = p.cell_age[c];
        const int lo = std::max(0, std::min(age - kDemographyWindow, kMaxAge - 2 * kDemographyWindow));
        const int hi = std::min(kMaxAge, lo + 2 * kDemographyWindow);
        double b = 0, n = 0;
        for (int a = lo; a <= hi; ++a) {
          b += g0.at(q, p.cell_sex[c], a);
          n += gk.at(q, p.cell_sex[c], a);
        }
        f[Sz(k)][c] = b > 0 ? n / b : 1.0;
      }
    }
    p.demo.push_back(std::move(f));
  }

  // Health status adjustment: baseline rates by single age and sex.
  p.hsa = sc.health_status_adjustment && ctx.baseline_population_by_age_sex.size() == Sz(kSexes) * kAges;
  if (p.hsa) {
    p.hsa_rate.assign(Sz(kTypes) * kSexes * kAges, 0.0);
    for (int ty = 0; ty < kTypes; ++ty) {
      for (int s = 0; s < kSexes; ++s) {
        for (int a = 0; a < kAges; ++a) {
          const double pop = ctx.baseline_population_by_age_sex[Sz(s) * kAges + Sz(a)];
          p.hsa_rate[(Sz(ty) * kSexes + Sz(s)) * kAges + Sz(a)] = pop > 0 ? units_by_age[Sz(ty)][Sz(s)][Sz(a)] / pop : 0;
        }
      }
    }
  }

  // Segment mix.
  p.segmix = sc.segment_transitions && ctx.transitions != nullptr &&
             ctx.transitions->scheme == SegmentScheme::kBridgesToHealth && !ctx.variants.empty() &&
             ctx.baseline_segment_shares.size() == Sz(kSexes) * kAges * kB2hSegmentCount;
  if (sc.segment_transitions && ctx.transitions != nullptr && !p.segmix) {
    p.notes.push_back("segment mix not applied: it needs Bridges to Health transitions, baseline shares and a projection");
  }

  // Levers: which rows each mitigator and efficiency applies to.
  auto strategy_of = [&](const RowFilter& f) {
    if (f.strategy.empty()) return -1;
    for (size_t i = 0; i < t.strategy_names.size(); ++i) {
      if (t.strategy_names[i] == f.strategy) return static_cast<int>(i);
    }
    p.notes.push_back(fmt::format("strategy \"{}\" tags no row of the baseline", f.strategy));
    return -1;
  };
  std::vector<int> mit_strategy, eff_strategy;
  for (const auto& m : sc.mitigators) mit_strategy.push_back(strategy_of(m.filter));
  for (const auto& e : sc.efficiencies) eff_strategy.push_back(strategy_of(e.filter));
  if (sc.mitigators.size() > 0x7fff || sc.efficiencies.size() > 0x7fff) {
    return Status::InvalidInput("forecast scenario: at most 32767 mitigators and 32767 efficiencies");
  }
  for (size_t r = 0; r < t.size(); ++r) {
    for (size_t m = 0; m < sc.mitigators.size(); ++m) {
      const float rate = MatchRate(sc.mitigators[m].filter, mit_strategy[m], t, r);
      if (rate > 0) {
        p.mit_rows.lever.push_back(static_cast<uint16_t>(m));
        p.mit_rows.rate.push_back(rate);
      }
    }
    p.mit_rows.offsets.push_back(p.mit_rows.lever.size());
    for (size_t e = 0; e < sc.efficiencies.size(); ++e) {
      if (!EfficiencyApplies(sc.efficiencies[e].kind, static_cast<ActivityType>(t.type[r]), t.los[r])) continue;
      const float rate = MatchRate(sc.efficiencies[e].filter, eff_strategy[e], t, r);
      if (rate > 0) {
        p.eff_rows.lever.push_back(static_cast<uint16_t>(e));
        p.eff_rows.rate.push_back(rate);
      }
    }
    p.eff_rows.offsets.push_back(p.eff_rows.lever.size());
  }
  for (const auto& m : sc.mitigators) {
    std::vector<double> ph(Sz(p.years), 0.0);
    for (int k = 1; k < p.years; ++k) ph[Sz(k)] = m.phasing.At(base_year + k);
    p.mit_phase.push_back(std::move(ph));
    std::vector<double> costs;
    for (const auto& rc : m.receiving) costs.push_back(rc.cost_pence ? *rc.cost_pence : p.mean_cost[static_cast<size_t>(rc.type)]);
    p.recv_cost.push_back(std::move(costs));
  }
  for (const auto& e : sc.efficiencies) {
    std::vector<double> ph(Sz(p.years), 0.0);
    for (int k = 1; k < p.years; ++k) ph[Sz(k)] = e.phasing.At(base_year + k);
    p.eff_phase.push_back(std::move(ph));
  }

  // Parameters by name (docs/reference/forecast-demand.md lists the names).
  p.sampler = std::make_unique<ParameterSampler>(sc);
  ICB_RETURN_IF_ERROR(p.sampler->status());
  for (int ty = 0; ty < kTypes; ++ty) {
    const auto& d = sc.non_demographic_growth[Sz(ty)];
    p.has_ndg[Sz(ty)] = d.has_value();
    if (d) {
      p.ndg[Sz(ty)] = Resolve(*p.sampler, {fmt::format("non_demographic_growth.{}", ActivityTypeName(static_cast<ActivityType>(ty)))},
                              *d, p.notes);
    }
  }
  p.hsa_ratio = Resolve(*p.sampler, {"hsa_ratio", "health_status_adjustment.ratio"}, sc.hsa_ratio, p.notes);
  p.inflation = Resolve(*p.sampler, {"cost.inflation"}, sc.cost.inflation, p.notes);
  p.efficiency = Resolve(*p.sampler, {"cost.efficiency"}, sc.cost.efficiency, p.notes);
  for (const auto& m : sc.mitigators) {
    p.mit_reduction.push_back(Resolve(*p.sampler, {fmt::format("mitigators.{}.reduction", m.name)}, m.reduction, p.notes));
    std::vector<ParamRef> ratios;
    for (size_t j = 0; j < m.receiving.size(); ++j) {
      const std::string tn(ActivityTypeName(m.receiving[j].type));
      ratios.push_back(Resolve(*p.sampler,
                               {fmt::format("mitigators.{}.receiving.{}.units_per_avoided", m.name, j),
                                fmt::format("mitigators.{}.receiving.{}.units_per_avoided", m.name, tn)},
                               m.receiving[j].units_per_avoided, p.notes));
    }
    p.recv_ratio.push_back(std::move(ratios));
  }
  for (const auto& e : sc.efficiencies) {
    p.eff_value.push_back(Resolve(*p.sampler, {fmt::format("efficiencies.{}.value", e.name)}, e.value, p.notes));
  }
  for (const auto& l : sc.prevention) {
    p.lever_value.push_back(
        Resolve(*p.sampler, {fmt::format("prevention.{}.relative_change", l.name)}, l.relative_change, p.notes));
  }
  if (p.segmix && sc.prevention.empty()) {
    for (const auto& proj : ctx.variants) p.segmix_by_variant.push_back(SegmentMixFactors(p, proj, {}));
  }
  return Status::Ok();
}

// ---- One run -------------------------------------------------------------------------------

// Accumulators of one simulated year of one run.
struct YearAcc {
  std::array<double, kTypes> resampled{};     // sum of n (before avoidance)
  std::array<double, kTypes> avoided{};       // units avoided, by the row's type
  std::array<double, kTypes> conv_out{}, conv_in{};
  std::array<double, kTypes> final_units{};   // rows' units after avoidance and conversions
  std::array<double, kTypes> bed_days{};
  std::array<double, kTypes> cost_resampled{}, cost_avoided{}, cost_conv_out{}, cost_conv_in{};
  std::array<double, kTypes> cost_bed_days_saved{};  // LOS and virtual-ward savings (positive)
  std::array<double, kTypes> vw_days_in{};
  std::vector<double> mit_avoided;            // [mitigator]
  void Reset(size_t mitigators) {
    *this = YearAcc();
    mit_avoided.assign(mitigators, 0.0);
  }
};

struct RunOutput {
  std::vector<double>* totals;
  std::vector<double>* by_segment;
  std::vector<double>* by_imd;
  std::vector<double>* by_place;
  std::vector<double>* wf_units;
  std::vector<double>* wf_cost;
  std::vector<double>* avoided;
  std::vector<double>* received_units;
  std::vector<double>* received_cost;
  std::vector<double>* population;
  std::vector<int>* run_variant;
};

void RunOne(const Prepared& p, int run, const RunOutput& out) {
  const ActivityTable& t = *p.t;
  const Scenario& sc = *p.sc;
  const bool principal = run == 0;
  const auto urun = static_cast<uint32_t>(run);
  const size_t cells = p.cell_type.size();
  const size_t nm = sc.mitigators.size(), ne = sc.efficiencies.size();

  // Parameters and variant.
  const std::vector<double> draw = p.sampler->Draw(p.seed, urun);
  int variant = p.principal_variant;
  if (!principal) {
    const double u = CounterRng(p.seed, urun, RngStream::kVariant).Uniform();
    variant = static_cast<int>(std::upper_bound(p.variant_cum.begin(), p.variant_cum.end(), u) - p.variant_cum.begin());
    variant = std::min<int>(variant, static_cast<int>(p.variant_cum.size()) - 1);
  }
  (*out.run_variant)[Sz(run)] = variant;
  const int proj_index = p.ctx->variants.size() == 1 ? 0 : variant;
  std::array<double, kTypes> ndg{};
  for (int ty = 0; ty < kTypes; ++ty) ndg[Sz(ty)] = p.has_ndg[Sz(ty)] ? p.ndg[Sz(ty)].Get(draw) : 0.0;
  const double hsa_ratio = p.hsa_ratio.Get(draw);
  const double price_growth = (1.0 + p.inflation.Get(draw)) * (1.0 - p.efficiency.Get(draw));
  std::vector<double> reduction(nm), eff_value(ne);
  std::vector<std::vector<double>> ratio(nm);
  for (size_t m = 0; m < nm; ++m) {
    reduction[m] = Clip01(p.mit_reduction[m].Get(draw));
    for (const auto& ref : p.recv_ratio[m]) ratio[m].push_back(std::max(0.0, ref.Get(draw)));
  }
  for (size_t e = 0; e < ne; ++e) eff_value[e] = Clip01(p.eff_value[e].Get(draw));

  const std::vector<double>* segmix = nullptr;
  std::vector<double> segmix_run;
  if (p.segmix) {
    if (!p.segmix_by_variant.empty()) {
      segmix = &p.segmix_by_variant[Sz(proj_index)];
    } else {
      std::vector<double> lever_values;
      for (const auto& ref : p.lever_value) lever_values.push_back(ref.Get(draw));
      segmix_run = SegmentMixFactors(p, p.ctx->variants[Sz(proj_index)], lever_values);
      segmix = &segmix_run;
    }
  }
  if (!p.ctx->variants.empty()) {
    const auto& proj = p.ctx->variants[Sz(proj_index)];
    for (int k = 0; k < p.years && Sz(k) < proj.years.size(); ++k) {
      (*out.population)[Sz(run) * Sz(p.years) + Sz(k)] = proj.years[Sz(k)].Total();
    }
  }

  // Baseline year (index 0) and NaN for years not simulated.
  for (int ty = 0; ty < kTypes; ++ty) {
    (*out.totals)[TotIndex(p, run, 0, ty, Measure::kUnits)] = p.base_units[Sz(ty)];
    (*out.totals)[TotIndex(p, run, 0, ty, Measure::kBedDays)] = p.base_bed_days[Sz(ty)];
    (*out.totals)[TotIndex(p, run, 0, ty, Measure::kCostPence)] = p.base_cost[Sz(ty)];
    if (p.horizon_only) {
      for (int k = 1; k < p.horizon; ++k) {
        for (int m = 0; m < kMeasureCount; ++m) {
          (*out.totals)[TotIndex(p, run, k, ty, static_cast<Measure>(m))] = std::numeric_limits<double>::quiet_NaN();
        }
      }
    }
  }

  // Whether each strategy-tagged lever applies to each row in this run (NHP's sample rate), drawn
  // once per run from the row and lever numbers, so the same in every year.
  std::vector<uint8_t> mit_on, eff_on;
  if (!principal) {
    auto decide = [&](const RowLevers& rl, uint32_t lever_offset, std::vector<uint8_t>& on) {
      on.assign(rl.lever.size(), 1);
      for (size_t r = 0; r < t.size(); ++r) {
        for (uint64_t i = rl.offsets[r]; i < rl.offsets[r + 1]; ++i) {
          if (rl.rate[i] >= 1.0f) continue;
          on[i] = CounterRng::HashUniform(p.seed, urun, RngStream::kStrategySample, static_cast<uint32_t>(r),
                                          lever_offset + rl.lever[i]) < rl.rate[i];
        }
      }
    };
    decide(p.mit_rows, 0, mit_on);
    decide(p.eff_rows, 0x8000u, eff_on);
  }

  // Per-cell factors of the year: demographic, x segment mix, x health status, x NDG (cumulative).
  std::vector<double> f_demo(cells), f_seg(cells), f_hsa(cells), f_all(cells), exp_neg(cells);
  std::vector<double> mit_rate(nm), eff_rate(ne);
  std::vector<uint8_t> eff_conversion(ne);
  for (size_t e = 0; e < ne; ++e) eff_conversion[e] = IsConversion(sc.efficiencies[e].kind) ? 1 : 0;
  YearAcc acc;
  const size_t groups = Sz(kSegmentGroups + kImdGroups + p.places);
  std::vector<double> group_acc;  // horizon only: [group][type][units, cost at baseline prices]
  std::vector<double> units_by_mit_group;  // horizon only: [mitigator][group] avoided units

  for (int k : p.sim_years) {
    const bool at_horizon = k == p.horizon;
    const double price = std::pow(price_growth, k);
    // Health status shift by sex for this year.
    std::array<double, kSexes> shift{};
    if (p.hsa && Sz(proj_index) < p.ctx->le_gain.size()) {
      const auto& g = p.ctx->le_gain[Sz(proj_index)];
      for (int s = 0; s < kSexes; ++s) {
        const size_t i = Sz(k) * 2 + Sz(s);
        shift[Sz(s)] = i < g.size() ? g[i] * hsa_ratio : 0.0;
      }
    }
    std::array<double, kTypes> ndg_k{};
    for (int ty = 0; ty < kTypes; ++ty) ndg_k[Sz(ty)] = std::pow(1.0 + ndg[Sz(ty)], k);
    for (size_t c = 0; c < cells; ++c) {
      const int ty = p.cell_type[c], s = p.cell_sex[c], a = p.cell_age[c];
      double d = p.demo.empty() ? 1.0 : p.demo[Sz(proj_index)][Sz(k)][c];
      double sg = segmix ? (*segmix)[((Sz(k) * kSexes + Sz(s)) * kAges + Sz(a)) * kSegmentGroups + p.cell_seg[c]] : 1.0;
      double h = 1.0;
      if (p.hsa && a >= kHsaMinAge && a <= kHsaMaxAge && shift[Sz(s)] != 0.0) {
        const double* rate = &p.hsa_rate[(Sz(ty) * kSexes + Sz(s)) * kAges];
        const double x = std::clamp(a - shift[Sz(s)], 0.0, static_cast<double>(kMaxAge));
        const int lo = static_cast<int>(std::floor(x));
        const int hi = std::min(lo + 1, kMaxAge);
        const double shifted = rate[lo] + (x - lo) * (rate[hi] - rate[lo]);
        h = rate[a] > 0 ? shifted / rate[a] : 1.0;
      }
      f_demo[c] = d;
      f_seg[c] = d * sg;
      f_hsa[c] = d * sg * h;
      f_all[c] = d * sg * h * ndg_k[Sz(ty)];
      exp_neg[c] = principal ? 0.0 : std::exp(-f_all[c]);  // Poisson inversion of 1-unit rows
    }
    for (size_t m = 0; m < nm; ++m) mit_rate[m] = reduction[m] * p.mit_phase[m][Sz(k)];
    for (size_t e = 0; e < ne; ++e) eff_rate[e] = eff_value[e] * p.eff_phase[e][Sz(k)];

    acc.Reset(nm);
    if (at_horizon) {
      group_acc.assign(groups * kTypes * 2, 0.0);
      units_by_mit_group.assign(nm * groups, 0.0);
    }
    auto add_group = [&](size_t r, int ty, double units, double cost) {
      const size_t gs[3] = {std::min<size_t>(t.segment[r], kSegmentGroups - 1),
                            Sz(kSegmentGroups) + std::min<size_t>(t.imd_quintile[r], kImdGroups - 1),
                            Sz(kSegmentGroups + kImdGroups) + t.place[r]};
      for (size_t g : gs) {
        group_acc[(g * kTypes + Sz(ty)) * 2] += units;
        group_acc[(g * kTypes + Sz(ty)) * 2 + 1] += cost;
      }
    };

    const size_t n_rows = t.size();
    const size_t blocks = (n_rows + kRowBlock - 1) / kRowBlock;
    for (size_t b = 0; b < blocks; ++b) {
      const uint32_t sub = (static_cast<uint32_t>(k) << kBlockBits) | static_cast<uint32_t>(b);
      CounterRng rng_resample(p.seed, urun, RngStream::kResample, sub);
      CounterRng rng_avoid(p.seed, urun, RngStream::kAvoidance, sub);
      CounterRng rng_eff(p.seed, urun, RngStream::kEfficiency, sub);
      const size_t end = std::min(n_rows, (b + 1) * kRowBlock);
      for (size_t r = b * kRowBlock; r < end; ++r) {
        const int ty = t.type[r];
        const double unit_cost = t.cost_pence[r];
        const uint32_t cell = p.row_cell[r];
        const double lambda = t.count[r] * f_all[cell];
        // Resampling: Poisson(lambda) in Monte Carlo runs, the expectation in the principal run.
        double n;
        if (principal) {
          n = lambda;
        } else if (t.count[r] == 1.0 && lambda > 0 && lambda < 10) {
          n = static_cast<double>(rng_resample.PoissonInversion(lambda, exp_neg[cell]));
        } else {
          n = static_cast<double>(rng_resample.Poisson(lambda));
        }
        acc.resampled[Sz(ty)] += n;
        acc.cost_resampled[Sz(ty)] += n * unit_cost;
        if (n == 0) continue;
        // Activity avoidance: sequential binomial thinning in mitigator order.
        for (uint64_t i = p.mit_rows.offsets[r]; i < p.mit_rows.offsets[r + 1]; ++i) {
          const size_t m = p.mit_rows.lever[i];
          double rate = mit_rate[m];
          const float sample = p.mit_rows.rate[i];
          if (principal) {
            rate *= sample;
          } else if (!mit_on[i]) {
            continue;  // the strategy does not apply to this row in this run (NHP's sample rate)
          }
          if (rate <= 0 || n <= 0) continue;
          const double a = principal ? n * rate : static_cast<double>(rng_avoid.Binomial(static_cast<uint64_t>(n), rate));
          if (a <= 0) continue;
          n -= a;
          acc.avoided[Sz(ty)] += a;
          acc.cost_avoided[Sz(ty)] += a * unit_cost;
          acc.mit_avoided[m] += a;
          if (at_horizon) {
            const size_t gs[3] = {std::min<size_t>(t.segment[r], kSegmentGroups - 1),
                                  Sz(kSegmentGroups) + std::min<size_t>(t.imd_quintile[r], kImdGroups - 1),
                                  Sz(kSegmentGroups + kImdGroups) + t.place[r]};
            for (size_t g : gs) units_by_mit_group[m * groups + g] += a;
          }
        }
        // Efficiencies: conversions (day case, SDEC, tele) move spells between types, then the
        // bed-day efficiencies (LOS reduction, virtual ward) act on the remaining spells' bed days.
        const uint64_t e_begin = p.eff_rows.offsets[r], e_end = p.eff_rows.offsets[r + 1];
        double bed_days = n * t.los[r];
        if (e_begin != e_end && n > 0) {
          for (int pass = 0; pass < 2; ++pass) {
            for (uint64_t i = e_begin; i < e_end; ++i) {
              const size_t e = p.eff_rows.lever[i];
              if ((eff_conversion[e] != 0) != (pass == 0)) continue;
              const Efficiency& eff = sc.efficiencies[e];
              double rate = eff_rate[e];
              const float sample = p.eff_rows.rate[i];
              if (principal) {
                rate *= sample;
              } else if (!eff_on[i]) {
                continue;
              }
              if (rate <= 0) continue;
              if (pass == 0) {
                if (n <= 0) continue;
                const double c = principal ? n * rate : static_cast<double>(rng_eff.Binomial(static_cast<uint64_t>(n), rate));
                if (c <= 0) continue;
                const auto target = static_cast<size_t>(ConversionTarget(eff.kind));
                n -= c;
                acc.conv_out[Sz(ty)] += c;
                acc.cost_conv_out[Sz(ty)] += c * unit_cost;
                acc.conv_in[target] += c;
                acc.cost_conv_in[target] += c * p.mean_cost[target];
                if (at_horizon) add_group(r, static_cast<int>(target), c, c * p.mean_cost[target]);
              } else {
                if (bed_days <= 0) continue;
                const double moved =
                    principal ? bed_days * rate : static_cast<double>(rng_eff.Binomial(static_cast<uint64_t>(bed_days), rate));
                if (moved <= 0) continue;
                bed_days -= moved;
                const double saving = moved * p.bed_day_saving[Sz(ty)];
                acc.cost_bed_days_saved[Sz(ty)] += saving;
                if (at_horizon) add_group(r, ty, 0.0, -saving);
                if (eff.kind == Efficiency::Kind::kVirtualWard) {
                  const auto vw = static_cast<size_t>(ActivityType::kVirtualWard);
                  acc.conv_in[vw] += moved;
                  acc.cost_conv_in[vw] += moved * p.mean_cost[vw];
                  if (at_horizon) add_group(r, static_cast<int>(vw), moved, moved * p.mean_cost[vw]);
                }
              }
            }
            if (pass == 0) bed_days = n * t.los[r];
          }
        }
        acc.final_units[Sz(ty)] += n;
        acc.bed_days[Sz(ty)] += bed_days;
        if (at_horizon) add_group(r, ty, n, n * unit_cost);
      }
    }

    // Received activity, from each mitigator's avoided total (received = avoided x ratio exactly).
    std::array<double, kTypes> received{}, received_cost{};
    for (size_t m = 0; m < nm; ++m) {
      const auto& rec = sc.mitigators[m].receiving;
      for (size_t j = 0; j < rec.size(); ++j) {
        const auto ty = static_cast<size_t>(rec[j].type);
        const double u = acc.mit_avoided[m] * ratio[m][j];
        received[ty] += u;
        received_cost[ty] += u * p.recv_cost[m][j];
        if (at_horizon) {
          const size_t mi = (Sz(run) * nm + m) * kTypes + ty;
          (*out.received_units)[mi] += u;
          (*out.received_cost)[mi] += u * p.recv_cost[m][j] * price;
          for (size_t g = 0; g < groups; ++g) {
            const double gu = units_by_mit_group[m * groups + g] * ratio[m][j];
            group_acc[(g * kTypes + ty) * 2] += gu;
            group_acc[(g * kTypes + ty) * 2 + 1] += gu * p.recv_cost[m][j];
          }
        }
      }
      if (at_horizon) (*out.avoided)[Sz(run) * nm + m] = acc.mit_avoided[m];
    }

    // Totals of the year: the waterfall's levels, added in step order, so the horizon's steps
    // sum exactly to its total.
    for (int ty = 0; ty < kTypes; ++ty) {
      const size_t i = Sz(ty);
      double l_demo = 0, l_seg = 0, l_hsa = 0, l_exp = 0, c_demo = 0, c_seg = 0, c_hsa = 0, c_exp = 0;
      if (at_horizon) {
        for (size_t c = 0; c < cells; ++c) {
          if (p.cell_type[c] != ty) continue;
          l_demo += p.cell_count[c] * f_demo[c];
          l_seg += p.cell_count[c] * f_seg[c];
          l_hsa += p.cell_count[c] * f_hsa[c];
          l_exp += p.cell_count[c] * f_all[c];
          c_demo += p.cell_cost[c] * f_demo[c];
          c_seg += p.cell_cost[c] * f_seg[c];
          c_hsa += p.cell_cost[c] * f_hsa[c];
          c_exp += p.cell_cost[c] * f_all[c];
        }
      }
      std::array<double, kStepCount> su{}, scost{};
      su[Sz(static_cast<int>(Step::kBaseline))] = p.base_units[i];
      su[1] = l_demo - p.base_units[i];
      su[2] = l_seg - l_demo;
      su[3] = l_hsa - l_seg;
      su[4] = l_exp - l_hsa;
      su[5] = acc.resampled[i] - l_exp;
      su[6] = -acc.avoided[i];
      su[7] = received[i];
      su[8] = acc.conv_in[i] - acc.conv_out[i];
      su[9] = 0;
      const double cost_base = acc.cost_resampled[i] - acc.cost_avoided[i] + received_cost[i] + acc.cost_conv_in[i] -
                               acc.cost_conv_out[i] - acc.cost_bed_days_saved[i];
      scost[0] = p.base_cost[i];
      scost[1] = c_demo - p.base_cost[i];
      scost[2] = c_seg - c_demo;
      scost[3] = c_hsa - c_seg;
      scost[4] = c_exp - c_hsa;
      scost[5] = acc.cost_resampled[i] - c_exp;
      scost[6] = -acc.cost_avoided[i];
      scost[7] = received_cost[i];
      scost[8] = acc.cost_conv_in[i] - acc.cost_conv_out[i] - acc.cost_bed_days_saved[i];
      scost[9] = cost_base * price - cost_base;
      double units_total, cost_total;
      if (at_horizon) {
        units_total = 0;
        cost_total = 0;
        for (int st = 0; st < kStepCount - 1; ++st) {
          units_total += su[Sz(st)];
          cost_total += scost[Sz(st)];
        }
        su[kStepCount - 1] = units_total;
        scost[kStepCount - 1] = cost_total;
        for (int st = 0; st < kStepCount; ++st) {
          const size_t wi = (Sz(run) * kTypes + i) * kStepCount + Sz(st);
          (*out.wf_units)[wi] = su[Sz(st)];
          (*out.wf_cost)[wi] = scost[Sz(st)];
        }
      } else {
        units_total = acc.resampled[i] - acc.avoided[i] + received[i] + acc.conv_in[i] - acc.conv_out[i];
        cost_total = cost_base * price;
      }
      (*out.totals)[TotIndex(p, run, k, ty, Measure::kUnits)] = units_total;
      (*out.totals)[TotIndex(p, run, k, ty, Measure::kBedDays)] = acc.bed_days[i];
      (*out.totals)[TotIndex(p, run, k, ty, Measure::kCostPence)] = cost_total;
    }

    if (at_horizon) {
      auto copy_groups = [&](std::vector<double>& dst, size_t first, size_t count) {
        for (size_t g = 0; g < count; ++g) {
          for (size_t ty = 0; ty < kTypes; ++ty) {
            const size_t src = ((first + g) * kTypes + ty) * 2;
            const size_t di = ((Sz(run) * count + g) * kTypes + ty) * 2;
            dst[di] = group_acc[src];
            dst[di + 1] = group_acc[src + 1] * price;
          }
        }
      };
      copy_groups(*out.by_segment, 0, kSegmentGroups);
      copy_groups(*out.by_imd, kSegmentGroups, kImdGroups);
      copy_groups(*out.by_place, kSegmentGroups + kImdGroups, Sz(p.places));
    }
  }
}

}  // namespace

std::string_view StepName(Step s) {
  switch (s) {
    case Step::kBaseline: return "baseline";
    case Step::kDemographic: return "demographic";
    case Step::kSegmentMix: return "segment_mix";
    case Step::kHealthStatus: return "health_status";
    case Step::kNonDemographic: return "non_demographic";
    case Step::kResampling: return "resampling";
    case Step::kAvoided: return "avoided";
    case Step::kReceived: return "received";
    case Step::kEfficiencies: return "efficiencies";
    case Step::kPrice: return "price";
    case Step::kHorizon: return "horizon";
  }
  return "unknown";
}

double ForecastResult::Total(int run, int year_index, ActivityType t, Measure m) const {
  const size_t i = ((Sz(run) * Sz(years()) + Sz(year_index)) * kTypes + static_cast<size_t>(t)) * kMeasureCount +
                   static_cast<size_t>(m);
  return i < totals.size() ? totals[i] : std::numeric_limits<double>::quiet_NaN();
}

Result<ForecastResult> RunForecast(const ActivityTable& baseline, const DemandContext& context,
                                   const Scenario& scenario, const RunOptions& options) {
  Prepared p;
  ICB_RETURN_IF_ERROR(Prepare(baseline, context, scenario, options, p));
  ForecastResult r;
  r.baseline_year = (baseline.baseline_year != 0 ? baseline.baseline_year : scenario.baseline_year);
  r.horizon_year = r.baseline_year + p.horizon;
  r.runs = p.runs;
  r.horizon_only = p.horizon_only;
  r.notes = p.notes;
  r.place_names = baseline.place_names;
  if (r.place_names.empty()) {
    for (int i = 0; i < p.places; ++i) r.place_names.push_back(std::to_string(i));
  }
  const size_t runs = Sz(p.runs + 1), nm = scenario.mitigators.size();
  r.totals.assign(runs * Sz(p.years) * kTypes * kMeasureCount, 0.0);
  r.by_segment.assign(runs * kSegmentGroups * kTypes * 2, 0.0);
  r.by_imd.assign(runs * kImdGroups * kTypes * 2, 0.0);
  r.by_place.assign(runs * Sz(p.places) * kTypes * 2, 0.0);
  r.waterfall_units.assign(runs * kTypes * kStepCount, 0.0);
  r.waterfall_cost.assign(runs * kTypes * kStepCount, 0.0);
  for (const auto& m : scenario.mitigators) {
    r.mitigator_names.push_back(m.name);
    r.mitigator_discard.push_back(m.discard ? 1 : 0);
  }
  r.avoided_units.assign(runs * nm, 0.0);
  r.received_units.assign(runs * nm * kTypes, 0.0);
  r.received_cost.assign(runs * nm * kTypes, 0.0);
  r.population.assign(runs * Sz(p.years), 0.0);
  r.run_variant.assign(runs, 0);
  const RunOutput out{&r.totals, &r.by_segment, &r.by_imd, &r.by_place, &r.waterfall_units, &r.waterfall_cost,
                      &r.avoided_units, &r.received_units, &r.received_cost, &r.population, &r.run_variant};
  std::unique_ptr<Progress> bar;
  if (options.progress) bar = std::make_unique<Progress>("forecast", runs, "runs");
  ParallelFor(runs, 1, [&](size_t begin, size_t end) {
    for (size_t run = begin; run < end; ++run) {
      RunOne(p, static_cast<int>(run), out);
      if (bar) bar->Add(1);
    }
  });
  if (bar) bar->Finish();
  return r;
}

Summary Summarise(const ForecastResult& r, int year_index, ActivityType t, Measure m) {
  Summary s;
  s.principal = r.Total(0, year_index, t, m);
  if (r.runs <= 0) {
    s.mean = s.p10 = s.p50 = s.p90 = s.principal;
    return s;
  }
  std::vector<double> v;
  v.reserve(Sz(r.runs));
  for (int run = 1; run <= r.runs; ++run) v.push_back(r.Total(run, year_index, t, m));
  double sum = 0;
  for (double x : v) sum += x;
  s.mean = sum / static_cast<double>(v.size());
  std::sort(v.begin(), v.end());
  // Hyndman and Fan (1996) type 7: h = (n - 1) q, linear between order statistics.
  auto quantile = [&](double q) {
    const double h = (static_cast<double>(v.size()) - 1) * q;
    const size_t lo = static_cast<size_t>(std::floor(h));
    const size_t hi = std::min(lo + 1, v.size() - 1);
    return v[lo] + (h - static_cast<double>(lo)) * (v[hi] - v[lo]);
  };
  s.p10 = quantile(0.1);
  s.p50 = quantile(0.5);
  s.p90 = quantile(0.9);
  return s;
}

ActivityTable CompactActivity(const ActivityTable& t) {
  // Sort row indices by every column and the strategy list, then merge equal neighbours; the
  // output keeps the order of each group's first row.
  const size_t n = t.size();
  auto strategies_less = [&](size_t a, size_t b) -> int {
    const uint64_t a0 = t.strategy_offsets[a], a1 = t.strategy_offsets[a + 1];
    const uint64_t b0 = t.strategy_offsets[b], b1 = t.strategy_offsets[b + 1];
    if (a1 - a0 != b1 - b0) return a1 - a0 < b1 - b0 ? -1 : 1;
    for (uint64_t i = 0; i < a1 - a0; ++i) {
      if (t.strategy_ids[a0 + i] != t.strategy_ids[b0 + i]) return t.strategy_ids[a0 + i] < t.strategy_ids[b0 + i] ? -1 : 1;
      if (t.strategy_rates[a0 + i] != t.strategy_rates[b0 + i]) return t.strategy_rates[a0 + i] < t.strategy_rates[b0 + i] ? -1 : 1;
    }
    return 0;
  };
  auto cmp = [&](size_t a, size_t b) -> int {
    auto key = [&](size_t r) {
      return std::make_tuple(t.type[r], t.age[r], t.sex[r], t.imd_quintile[r], t.segment[r], t.place[r], t.provider[r],
                             t.los[r], t.cost_pence[r]);
    };
    const auto ka = key(a), kb = key(b);
    if (ka != kb) return ka < kb ? -1 : 1;
    return strategies_less(a, b);
  };
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return cmp(a, b) < 0; });
  std::vector<size_t> group_of(n);
  std::vector<size_t> first;  // first row (lowest index) of each group
  for (size_t i = 0; i < n; ++i) {
    if (i == 0 || cmp(order[i - 1], order[i]) != 0) first.push_back(order[i]);
    group_of[order[i]] = first.size() - 1;
  }
  std::vector<double> sums(first.size(), 0.0);
  for (size_t r = 0; r < n; ++r) sums[group_of[r]] += t.count[r];
  std::vector<size_t> groups(first.size());
  std::iota(groups.begin(), groups.end(), size_t{0});
  std::sort(groups.begin(), groups.end(), [&](size_t a, size_t b) { return first[a] < first[b]; });
  ActivityTable out;
  out.baseline_year = t.baseline_year;
  out.place_names = t.place_names;
  out.provider_names = t.provider_names;
  out.strategy_names = t.strategy_names;
  for (size_t g : groups) {
    const size_t r = first[g];
    out.AddRow(static_cast<ActivityType>(t.type[r]), t.age[r], t.sex[r], t.imd_quintile[r], t.segment[r], t.place[r],
               t.provider[r], sums[g], t.los[r], t.cost_pence[r]);
    for (uint64_t i = t.strategy_offsets[r]; i < t.strategy_offsets[r + 1]; ++i) {
      out.AddStrategy(t.strategy_ids[i], t.strategy_rates[i]);
    }
    out.EndRow();
  }
  return out;
}

}  // namespace icb::forecast
