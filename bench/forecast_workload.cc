#include "forecast_workload.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

namespace icb::forecast {
namespace {

// SplitMix64 (Steele, Lea and Flood 2014): a small, exact, portable generator; each spell and each
// aggregated cell gets its own stream keyed by (seed, setting, index), so the table does not
// depend on generation order.
class WorkloadRng {
 public:
  WorkloadRng(uint64_t seed, uint64_t setting, uint64_t index)
      : state_(Mix(Mix(seed ^ 0x9E3779B97F4A7C15ull) ^ (setting * 0xD1B54A32D192ED03ull)) ^ index) {}
  uint64_t Next() {
    state_ += 0x9E3779B97F4A7C15ull;
    return Mix(state_);
  }
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  // Index drawn from weights (sum > 0).
  int Pick(const double* w, int n, double total) {
    double u = Uniform() * total;
    for (int i = 0; i < n; ++i) {
      if (u < w[i]) return i;
      u -= w[i];
    }
    return n - 1;
  }
  // Poisson: inversion below mean 30, normal approximation (rounded, continuity-corrected) above;
  // good enough for generating benchmark input, not used by the model.
  int64_t Poisson(double mean) {
    if (mean <= 0) return 0;
    if (mean < 30) {
      double p = std::exp(-mean), cdf = p, u = Uniform();
      int64_t k = 0;
      while (u > cdf && k < 1000) {
        ++k;
        p *= mean / static_cast<double>(k);
        cdf += p;
      }
      return k;
    }
    double u1 = std::max(Uniform(), 1e-300), u2 = Uniform();
    double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
    return std::max<int64_t>(0, static_cast<int64_t>(std::floor(mean + std::sqrt(mean) * z + 0.5)));
  }

 private:
  static uint64_t Mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  uint64_t state_;
};

Status Missing(const std::string& path, const std::string& key) {
  return Status::InvalidInput(path + ": missing or invalid key '" + key + "'");
}

Result<WorkloadPod> ParsePod(const nlohmann::json& j, const std::string& path, const std::string& where,
                             size_t bands) {
  WorkloadPod p;
  if (j.contains("type")) {
    auto t = ParseActivityType(j["type"].get<std::string>());
    if (!t.ok()) return Status::InvalidInput(path + ": " + where + ".type: " + t.status().message());
    p.type = *t;
  }
  p.share = j.value("share", 0.0);
  p.female_share = j.value("female_share", 0.5);
  p.min_age = j.value("min_age", 0);
  p.max_age = j.value("max_age", kMaxAge);
  if (!j.contains("age_band_weights") || !j["age_band_weights"].is_array()) return Missing(path, where + ".age_band_weights");
  p.age_band_weights = j["age_band_weights"].get<std::vector<double>>();
  if (p.age_band_weights.size() != bands) {
    return Status::InvalidInput(path + ": " + where + ".age_band_weights: expected " + std::to_string(bands) +
                                " values, one per age_band_lower");
  }
  if (!j.contains("imd_weights") || j["imd_weights"].size() != 5) return Missing(path, where + ".imd_weights (5 values)");
  for (int i = 0; i < 5; ++i) p.imd_weights[i] = j["imd_weights"][i].get<double>();
  p.los_zero_share = j.value("los_zero_share", 1.0);
  p.los_mean_if_positive = j.value("los_mean_if_positive", 1.0);
  if (j.contains("cost_gbp") && j["cost_gbp"].is_number()) p.cost_gbp = j["cost_gbp"].get<double>();
  return p;
}

// Ages of one setting: weight of each single year (band weight spread evenly over the band's years
// within [min_age, max_age]).
std::vector<double> AgeWeights(const WorkloadShape& s, const WorkloadPod& pod) {
  std::vector<double> w(kMaxAge + 1, 0.0);
  const size_t bands = s.age_band_lower.size();
  for (size_t b = 0; b < bands; ++b) {
    int lo = std::max(s.age_band_lower[b], pod.min_age);
    int hi = std::min(b + 1 < bands ? s.age_band_lower[b + 1] - 1 : kMaxAge, pod.max_age);
    if (hi < lo) continue;
    for (int a = lo; a <= hi; ++a) w[a] = pod.age_band_weights[b] / (hi - lo + 1);
  }
  return w;
}

// Provider shares and, for each provider, its places of residence with their shares: a home place
// (provider index mod places) and its two neighbours.
struct Geography {
  std::vector<double> provider_share;
  std::vector<std::vector<std::pair<int, double>>> places_of;
};

Geography MakeGeography(const WorkloadShape& s, const WorkloadOptions& o) {
  Geography g;
  const int np = std::max(1, o.providers), nq = std::max(1, o.places);
  if (np == 3 && s.provider_shares_if_three.size() == 3) {
    g.provider_share = s.provider_shares_if_three;
  } else {
    g.provider_share.assign(np, 1.0 / np);
  }
  g.places_of.resize(np);
  for (int p = 0; p < np; ++p) {
    int home = p % nq;
    if (nq == 1) {
      g.places_of[p] = {{home, 1.0}};
    } else if (nq == 2) {
      g.places_of[p] = {{home, s.home_place_share}, {(home + 1) % nq, 1.0 - s.home_place_share}};
    } else {
      double rest = (1.0 - s.home_place_share) / 2;
      g.places_of[p] = {{home, s.home_place_share}, {(home + 1) % nq, rest}, {(home + nq - 1) % nq, rest}};
    }
  }
  return g;
}

constexpr uint64_t kSettingIp = 1, kSettingAe = 2, kSettingOp = 3;

void AddIpSpells(const WorkloadShape& s, const WorkloadOptions& o, const Geography& g,
                 const std::vector<int>& strategy_index, ActivityTable& t) {
  const int np = static_cast<int>(g.provider_share.size());
  double provider_total = 0;
  for (double v : g.provider_share) provider_total += v;
  std::vector<double> pod_share;
  double pod_total = 0;
  for (const auto& p : s.ip_pods) pod_share.push_back(p.share), pod_total += p.share;
  std::vector<std::vector<double>> ages;
  std::vector<double> age_total;
  for (const auto& p : s.ip_pods) {
    ages.push_back(AgeWeights(s, p));
    double tot = 0;
    for (double v : ages.back()) tot += v;
    age_total.push_back(tot);
  }
  // Strategies eligible by POD, so each spell only looks at its own.
  std::vector<std::vector<int>> by_pod(s.ip_pods.size());
  for (size_t k = 0; k < s.ip_strategies.size(); ++k) {
    for (size_t p = 0; p < s.ip_pods.size(); ++p) {
      if (s.ip_strategies[k].pods[static_cast<int>(s.ip_pods[p].type)]) by_pod[p].push_back(static_cast<int>(k));
    }
  }
  for (int64_t i = 0; i < o.ip_spells; ++i) {
    WorkloadRng rng(o.seed, kSettingIp, static_cast<uint64_t>(i));
    int provider = rng.Pick(g.provider_share.data(), np, provider_total);
    const auto& pl = g.places_of[provider];
    double u = rng.Uniform();
    int place = pl.back().first;
    for (const auto& [q, share] : pl) {
      if (u < share) { place = q; break; }
      u -= share;
    }
    int pi = rng.Pick(pod_share.data(), static_cast<int>(pod_share.size()), pod_total);
    const WorkloadPod& pod = s.ip_pods[pi];
    int sex = rng.Uniform() < pod.female_share ? 1 : 0;
    int age = rng.Pick(ages[pi].data(), kMaxAge + 1, age_total[pi]);
    int imd = 1 + rng.Pick(pod.imd_weights.data(), 5, 1.0);
    int los = 0;
    if (HasLengthOfStay(pod.type) && rng.Uniform() >= pod.los_zero_share) {
      // 1 + geometric with mean (m - 1): the long right tail of lengths of stay.
      double m = std::max(pod.los_mean_if_positive - 1.0, 1e-9);
      double q = 1.0 / (1.0 + m);  // success probability
      double v = std::floor(std::log(std::max(rng.Uniform(), 1e-300)) / std::log1p(-q));
      los = 1 + static_cast<int>(std::min(v, 364.0));
    }
    t.AddRow(pod.type, age, sex, imd, /*segment=*/0, place, provider, 1.0, los, pod.cost_gbp * 100.0);
    for (int k : by_pod[pi]) {
      const WorkloadIpStrategy& st = s.ip_strategies[k];
      if (age < st.min_age || age > st.max_age || los < st.min_los || los > st.max_los) continue;
      if (rng.Uniform() >= st.share) continue;
      double rate = st.rate_lo + (st.rate_hi - st.rate_lo) * rng.Uniform();
      t.AddStrategy(strategy_index[k], static_cast<float>(rate));
    }
    t.EndRow();
  }
}

// Aggregated settings: every cell (provider, place, age, sex, IMD quintile, flags) gets
// Poisson(total x product of shares) units, as NHP's generator draws Poisson(attendances x R).
template <typename FlagFn>
void AddCells(const WorkloadShape& s, const WorkloadOptions& o, const Geography& g, const WorkloadPod& pop,
              uint64_t setting, double total_units, int flag_count, const FlagFn& flag, ActivityTable& t) {
  const std::vector<double> ages = AgeWeights(s, pop);
  double age_total = 0, provider_total = 0;
  for (double v : ages) age_total += v;
  for (double v : g.provider_share) provider_total += v;
  uint64_t cell = 0;
  for (size_t p = 0; p < g.provider_share.size(); ++p) {
    for (const auto& [place, place_share] : g.places_of[p]) {
      for (int age = 0; age <= kMaxAge; ++age) {
        if (ages[age] <= 0) continue;
        for (int sex = 0; sex < kSexes; ++sex) {
          double base = total_units * g.provider_share[p] / provider_total * place_share * ages[age] / age_total *
                        (sex == 1 ? pop.female_share : 1.0 - pop.female_share);
          for (int imd = 1; imd <= 5; ++imd) {
            for (int f = 0; f < flag_count; ++f, ++cell) {
              ActivityType type{};
              std::vector<std::string> strategies;
              double cost_gbp = 0;
              double share = flag(f, age, type, strategies, cost_gbp);
              if (share <= 0) continue;
              WorkloadRng rng(o.seed, setting, cell);
              int64_t n = rng.Poisson(base * pop.imd_weights[imd - 1] * share);
              if (n == 0) continue;
              t.AddRow(type, age, sex, imd, 0, place, static_cast<int>(p), static_cast<double>(n), 0, cost_gbp * 100.0);
              for (const auto& name : strategies) t.AddStrategy(t.StrategyIndex(name), 1.0f);
              t.EndRow();
            }
          }
        }
      }
    }
  }
}

}  // namespace

Result<WorkloadShape> LoadWorkloadShape(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::NotFound(path + ": cannot open the workload shape file");
  nlohmann::json j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::Corrupt(path + ": not valid JSON");
  WorkloadShape s;
  if (!j.contains("age_band_lower")) return Missing(path, "age_band_lower");
  s.age_band_lower = j["age_band_lower"].get<std::vector<int>>();
  const size_t bands = s.age_band_lower.size();
  s.adult_min_age = j.value("adult_min_age", 18);
  if (!j.contains("ip_pods") || !j["ip_pods"].is_array()) return Missing(path, "ip_pods");
  for (size_t i = 0; i < j["ip_pods"].size(); ++i) {
    auto p = ParsePod(j["ip_pods"][i], path, "ip_pods[" + std::to_string(i) + "]", bands);
    if (!p.ok()) return p.status();
    s.ip_pods.push_back(*p);
  }
  if (!j.contains("ae") || !j.contains("op")) return Missing(path, "ae/op");
  const auto& ae = j["ae"];
  auto ae_pod = ParsePod(ae, path, "ae", bands);
  if (!ae_pod.ok()) return ae_pod.status();
  s.ae = *ae_pod;
  s.ae.type = ActivityType::kAe;
  s.ae_per_ip = ae.value("per_ip_spell", 1.2);
  s.ae_ambulance_share = ae.value("ambulance_share", 0.25);
  for (const auto& c : ae["categories"]) s.ae_categories.emplace_back(c["strategy"].get<std::string>(), c["share"].get<double>());
  const auto& op = j["op"];
  auto op_pod = ParsePod(op, path, "op", bands);
  if (!op_pod.ok()) return op_pod.status();
  s.op = *op_pod;
  s.op_per_ip = op.value("per_ip_spell", 10.0);
  s.op_surgical_share = op.value("surgical_share", 0.5);
  s.op_procedure_share = op.value("procedure_share", 0.2);
  s.op_tele_share = op.value("tele_share", 0.12);
  if (!op.contains("cost_gbp") || !op["cost_gbp"].is_object()) return Missing(path, "op.cost_gbp");
  s.op_first_cost_gbp = op["cost_gbp"].value("op_first", 0.0);
  s.op_follow_up_cost_gbp = op["cost_gbp"].value("op_follow_up", 0.0);
  s.op_tele_cost_gbp = op["cost_gbp"].value("op_tele", 0.0);
  for (const auto& st : op["stages"]) {
    auto t = ParseActivityType(st["type"].get<std::string>());
    if (!t.ok()) return Status::InvalidInput(path + ": op.stages.type: " + t.status().message());
    s.op_stages.push_back({*t, st["strategy"].get<std::string>(), st["share"].get<double>()});
  }
  s.op_tele_strategy = op.value("tele_strategy", "");
  s.home_place_share = j["sites"].value("home_place_share", 0.8);
  if (j["sites"].contains("provider_shares_if_three")) {
    s.provider_shares_if_three = j["sites"]["provider_shares_if_three"].get<std::vector<double>>();
  }
  for (const auto& st : j["ip_strategies"]) {
    WorkloadIpStrategy w;
    w.name = st["name"].get<std::string>();
    w.efficiency = st.value("kind", "avoidance") == "efficiency";
    for (const auto& pod : st["pods"]) {
      auto t = ParseActivityType(pod.get<std::string>());
      if (!t.ok()) return Status::InvalidInput(path + ": ip_strategies." + w.name + ".pods: " + t.status().message());
      w.pods[static_cast<int>(*t)] = true;
    }
    w.min_age = st.value("min_age", 0);
    w.max_age = st.value("max_age", kMaxAge);
    w.min_los = st.value("min_los", 0);
    w.max_los = st.value("max_los", 65535);
    w.share = st.value("share", 0.0);
    if (!st.contains("rate") || st["rate"].size() != 2) return Missing(path, "ip_strategies." + w.name + ".rate");
    w.rate_lo = st["rate"][0].get<double>();
    w.rate_hi = st["rate"][1].get<double>();
    s.ip_strategies.push_back(w);
  }
  if (!j.contains("population_growth")) return Missing(path, "population_growth");
  s.growth_band_lower = j["population_growth"]["age_band_lower"].get<std::vector<int>>();
  s.growth_annual = j["population_growth"]["annual_growth"].get<std::vector<double>>();
  if (s.growth_band_lower.size() != s.growth_annual.size() || s.growth_band_lower.empty()) {
    return Missing(path, "population_growth (one annual_growth per age_band_lower)");
  }
  return s;
}

double AnnualGrowth(const WorkloadShape& shape, int age) {
  double g = shape.growth_annual.front();
  for (size_t b = 0; b < shape.growth_band_lower.size(); ++b) {
    if (age >= shape.growth_band_lower[b]) g = shape.growth_annual[b];
  }
  return g;
}

ActivityTable GenerateWorkload(const WorkloadShape& shape, const WorkloadOptions& options) {
  ActivityTable t;
  t.baseline_year = options.baseline_year;
  const Geography g = MakeGeography(shape, options);
  for (int q = 0; q < std::max(1, options.places); ++q) t.place_names.push_back("place_" + std::to_string(q + 1));
  for (size_t p = 0; p < g.provider_share.size(); ++p) t.provider_names.push_back("site_" + std::to_string(p + 1));
  std::vector<int> strategy_index;
  for (const auto& st : shape.ip_strategies) strategy_index.push_back(t.StrategyIndex(st.name));

  const size_t ip_rows = static_cast<size_t>(options.ip_spells);
  for (auto* v : {&t.type, &t.age, &t.sex, &t.imd_quintile, &t.segment}) v->reserve(ip_rows * 11 / 10);
  t.place.reserve(ip_rows * 11 / 10);
  t.provider.reserve(ip_rows * 11 / 10);
  t.count.reserve(ip_rows * 11 / 10);
  t.los.reserve(ip_rows * 11 / 10);
  t.cost_pence.reserve(ip_rows * 11 / 10);
  t.strategy_offsets.reserve(ip_rows * 11 / 10 + 1);
  t.strategy_ids.reserve(ip_rows * 3);
  t.strategy_rates.reserve(ip_rows * 3);
  AddIpSpells(shape, options, g, strategy_index, t);

  const int adult = shape.adult_min_age;
  // A&E: arrival mode x category.
  const int ae_flags = 2 * static_cast<int>(shape.ae_categories.size());
  AddCells(shape, options, g, shape.ae, kSettingAe, shape.ae_per_ip * static_cast<double>(options.ip_spells), ae_flags,
           [&](int f, int age, ActivityType& type, std::vector<std::string>& strategies, double& cost) {
             bool ambulance = f % 2 == 1;
             const auto& [stem, share] = shape.ae_categories[f / 2];
             type = ActivityType::kAe;
             cost = shape.ae.cost_gbp;
             strategies.clear();
             if (!stem.empty()) {
               strategies.push_back(stem + (age >= adult ? "_adult" : "_child") + (ambulance ? "_ambulance" : "_walk-in"));
             }
             return share * (ambulance ? shape.ae_ambulance_share : 1.0 - shape.ae_ambulance_share);
           },
           t);
  // Outpatients: stage x surgical x (procedure | face to face without procedure | tele).
  const int op_flags = static_cast<int>(shape.op_stages.size()) * 2 * 3;
  AddCells(shape, options, g, shape.op, kSettingOp, shape.op_per_ip * static_cast<double>(options.ip_spells), op_flags,
           [&](int f, int age, ActivityType& type, std::vector<std::string>& strategies, double& cost) {
             int mode = f % 3;  // 0 procedure (face to face), 1 face to face, 2 tele
             bool surgical = (f / 3) % 2 == 1;
             const auto& stage = shape.op_stages[f / 6];
             const std::string suffix =
                 std::string(age >= adult ? "_adult" : "_child") + (surgical ? "_surgical" : "_non-surgical");
             strategies.clear();
             if (!stage.strategy.empty()) strategies.push_back(stage.strategy + suffix);
             double share = stage.share * (surgical ? shape.op_surgical_share : 1.0 - shape.op_surgical_share);
             if (mode == 2) {
               type = ActivityType::kOpTele;
               cost = shape.op_tele_cost_gbp;
               return share * shape.op_tele_share;
             }
             type = stage.type;
             cost = stage.type == ActivityType::kOpFirst ? shape.op_first_cost_gbp : shape.op_follow_up_cost_gbp;
             const double f2f = 1.0 - shape.op_tele_share;
             if (mode == 0) return share * f2f * shape.op_procedure_share;
             if (!shape.op_tele_strategy.empty()) strategies.push_back(shape.op_tele_strategy + suffix);
             return share * f2f * (1.0 - shape.op_procedure_share);
           },
           t);
  return t;
}

Status WriteWorkloadCsv(const ActivityTable& t, const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IoError(dir + ": cannot create the directory: " + ec.message());
  {
    std::ofstream out(dir + "/rows.csv");
    if (!out) return Status::IoError(dir + "/rows.csv: cannot write");
    out << "row,type,age,sex,imd,place,provider,count,los\n";
    char buf[160];
    for (size_t r = 0; r < t.size(); ++r) {
      std::snprintf(buf, sizeof buf, "%zu,%s,%d,%d,%d,%d,%d,%.0f,%d\n", r,
                    std::string(ActivityTypeName(static_cast<ActivityType>(t.type[r]))).c_str(), t.age[r], t.sex[r],
                    t.imd_quintile[r], t.place[r], t.provider[r], t.count[r], t.los[r]);
      out << buf;
    }
    if (!out) return Status::IoError(dir + "/rows.csv: write failed");
  }
  std::ofstream out(dir + "/strategies.csv");
  if (!out) return Status::IoError(dir + "/strategies.csv: cannot write");
  out << "row,strategy,rate\n";
  for (size_t r = 0; r < t.size(); ++r) {
    for (uint64_t k = t.strategy_offsets[r]; k < t.strategy_offsets[r + 1]; ++k) {
      out << r << ',' << t.strategy_names[t.strategy_ids[k]] << ',' << t.strategy_rates[k] << '\n';
    }
  }
  if (!out) return Status::IoError(dir + "/strategies.csv: write failed");
  return Status::Ok();
}

}  // namespace icb::forecast
