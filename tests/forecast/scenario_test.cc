// Scenario files: the example scenarios load, inheritance merges and removes by name, cycles and
// typos are refused with the path, round trips, comparisons, phasing, the published schema is the
// code's, and the parameter sampler's central run, marginals and correlations.
#include "forecast/scenario.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "forecast/distribution.h"

namespace icb::forecast {
namespace {

using json = nlohmann::json;

std::string Root() { return std::string(ICB_TEST_DATA_DIR) + "/../.."; }
std::string ScenarioDir() { return Root() + "/data/forecast/scenarios/"; }

// A scratch directory for scenario files, removed afterwards.
class ScenarioFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("icb_scenario_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& text) {
    const auto p = dir_ / name;
    std::ofstream(p) << text;
    return p.string();
  }
  std::filesystem::path dir_;
};

const Mitigator* FindMitigator(const Scenario& s, const std::string& name) {
  for (const auto& m : s.mitigators)
    if (m.name == name) return &m;
  return nullptr;
}

TEST(Scenario, ExampleScenariosLoad) {
  auto base = LoadScenario(ScenarioDir() + "baseline.json");
  ASSERT_TRUE(base.ok()) << base.status().message();
  EXPECT_EQ(base->variant_mix.size(), 1u);
  EXPECT_EQ(base->variant_mix[0].first, "principal");
  EXPECT_FALSE(base->health_status_adjustment);
  EXPECT_FALSE(base->segment_transitions);
  EXPECT_TRUE(base->mitigators.empty() && base->efficiencies.empty() && base->prevention.empty());
  for (const auto& g : base->non_demographic_growth) EXPECT_FALSE(g.has_value());

  auto nhp = LoadScenario(ScenarioDir() + "nhp_like.json");
  ASSERT_TRUE(nhp.ok()) << nhp.status().message();
  // NHP variant 2 A&E: 1.31% (1.21-1.41) a year (docs/reference/forecasting.md).
  const auto& ae = nhp->non_demographic_growth[static_cast<int>(ActivityType::kAe)];
  ASSERT_TRUE(ae.has_value());
  EXPECT_NEAR(ae->Central(), 0.0131, 1e-12);
  EXPECT_EQ(nhp->capacity.units_per_wte[static_cast<int>(ActivityType::kGp)], 4800);  // inherited from baseline

  auto h2c = LoadScenario(ScenarioDir() + "hospital_to_community.json");
  ASSERT_TRUE(h2c.ok()) << h2c.status().message();
  EXPECT_EQ(h2c->mitigators.size(), nhp->mitigators.size() + 3);
  const Mitigator* acsc = FindMitigator(*h2c, "acsc_chronic_to_community");
  ASSERT_NE(acsc, nullptr);
  EXPECT_FALSE(acsc->discard);
  ASSERT_EQ(acsc->receiving.size(), 2u);
  EXPECT_EQ(acsc->receiving[0].type, ActivityType::kCommunity);
  EXPECT_EQ(acsc->receiving[1].type, ActivityType::kGp);
  EXPECT_EQ(h2c->efficiencies.size(), nhp->efficiencies.size() + 1);

  auto prev = LoadScenario(ScenarioDir() + "prevention.json");
  ASSERT_TRUE(prev.ok()) << prev.status().message();
  ASSERT_EQ(prev->prevention.size(), 1u);
  EXPECT_EQ(prev->prevention[0].from_segment, 1);  // healthy
  EXPECT_EQ(prev->prevention[0].to_segment, 4);    // long_term_conditions
  EXPECT_NEAR(prev->prevention[0].relative_change.Central(), -0.10, 1e-12);
  EXPECT_EQ(prev->prevention[0].lag_years, 2);
}

TEST_F(ScenarioFiles, InheritanceMergesByNameAndRemoves) {
  Write("base.json", R"({"name": "base", "seed": 7, "runs": 50,
    "cost": {"inflation": 0.02, "efficiency": 0.01},
    "mitigators": [
      {"name": "a", "filter": {"types": ["non_elective"]}, "reduction": 0.1, "avoided_to": "nowhere"},
      {"name": "b", "filter": {"types": ["ae"], "min_age": 65}, "reduction": 0.2,
       "receiving": [{"type": "community", "units_per_avoided": 2}]}]})");
  const std::string child = Write("sub/child.json", "");
  std::filesystem::create_directories(dir_ / "sub");
  std::ofstream(child) << R"({"inherits": "../base.json", "name": "child",
    "cost": {"efficiency": 0.0},
    "mitigators": [
      {"name": "a", "remove": true},
      {"name": "b", "reduction": [0.1, 0.3]},
      {"name": "c", "filter": {"segments": ["frailty_dementia", 7]}, "reduction": 0.05, "avoided_to": "nowhere"}]})";
  auto s = LoadScenario(child);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->name, "child");
  EXPECT_EQ(s->seed, 7u);
  EXPECT_EQ(s->runs, 50);
  EXPECT_EQ(s->cost.inflation.Central(), 0.02);  // kept from the parent
  EXPECT_EQ(s->cost.efficiency.Central(), 0.0);  // the child wins
  ASSERT_EQ(s->mitigators.size(), 2u);
  EXPECT_EQ(s->mitigators[0].name, "b");
  EXPECT_EQ(s->mitigators[0].filter.min_age, 65);  // merged key by key
  EXPECT_EQ(s->mitigators[0].reduction.kind, Distribution::Kind::kInterval80);
  ASSERT_EQ(s->mitigators[0].receiving.size(), 1u);
  EXPECT_EQ(s->mitigators[1].name, "c");
  EXPECT_EQ(s->mitigators[1].filter.segments, (std::vector<int>{8, 7}));
}

TEST_F(ScenarioFiles, RefusesCyclesTyposAndLostActivity) {
  Write("a.json", R"({"inherits": "b.json"})");
  Write("b.json", R"({"inherits": "a.json"})");
  auto cyc = LoadScenario((dir_ / "a.json").string());
  ASSERT_FALSE(cyc.ok());
  EXPECT_NE(cyc.status().message().find("cycle"), std::string::npos) << cyc.status().message();

  auto typo = LoadScenario(Write("typo.json", R"({"mitigators": [{"name": "x", "reducton": 0.1, "avoided_to": "nowhere"}]})"));
  ASSERT_FALSE(typo.ok());
  EXPECT_NE(typo.status().message().find("mitigators[0].reducton: unknown key"), std::string::npos)
      << typo.status().message();

  auto top = LoadScenario(Write("top.json", R"({"horizon": 2035})"));
  ASSERT_FALSE(top.ok());
  EXPECT_NE(top.status().message().find("horizon: unknown key"), std::string::npos);

  // Conservation of demand: avoided activity must land somewhere unless stated otherwise.
  auto lost = LoadScenario(Write("lost.json", R"({"mitigators": [{"name": "x", "reduction": 0.1}]})"));
  ASSERT_FALSE(lost.ok());
  EXPECT_NE(lost.status().message().find("mitigators[0].receiving"), std::string::npos) << lost.status().message();

  auto nothing = LoadScenario(Write("rm.json", R"({"mitigators": [{"name": "x", "remove": true}]})"));
  EXPECT_FALSE(nothing.ok());

  auto bad_type = LoadScenario(Write("t.json", R"({"non_demographic_growth": {"a_and_e": 0.01}})"));
  ASSERT_FALSE(bad_type.ok());
  EXPECT_NE(bad_type.status().message().find("non_demographic_growth.a_and_e"), std::string::npos);

  auto bad_json = LoadScenario(Write("j.json", "{\n  \"name\": \"x\",\n  \"seed\": ,\n}"));
  ASSERT_FALSE(bad_json.ok());
  EXPECT_NE(bad_json.status().message().find("line 3"), std::string::npos) << bad_json.status().message();
}

TEST(Scenario, RoundTripsThroughJson) {
  auto s = LoadScenario(ScenarioDir() + "hospital_to_community.json");
  ASSERT_TRUE(s.ok()) << s.status().message();
  const json j = ScenarioToJson(*s);
  auto again = ScenarioFromJson(j, "round trip");
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(ScenarioToJson(*again), j);
  EXPECT_TRUE(CompareScenarios(*s, *again).empty());
}

TEST(Scenario, CompareListsEachDifferingPath) {
  auto a = LoadScenario(ScenarioDir() + "nhp_like.json");
  auto b = LoadScenario(ScenarioDir() + "hospital_to_community.json");
  ASSERT_TRUE(a.ok() && b.ok());
  const auto lines = CompareScenarios(*a, *b);
  auto has = [&](const std::string& text) {
    return std::any_of(lines.begin(), lines.end(), [&](const std::string& l) { return l == text; });
  };
  EXPECT_TRUE(has("name: \"nhp_like\" -> \"hospital_to_community\""));
  EXPECT_TRUE(has("mitigators.acsc_chronic_to_community: (absent) -> present"));
  EXPECT_TRUE(has("mitigators.acsc_chronic_to_community.reduction: (absent) -> [0.1,0.25]"));
  for (const auto& l : lines) EXPECT_EQ(l.find("mitigators.falls_related_admissions"), std::string::npos) << l;
}

TEST(Scenario, PhasingIsALinearRamp) {
  const Phasing p{2025, 2029};
  EXPECT_EQ(p.At(2024), 0.0);
  EXPECT_EQ(p.At(2025), 0.0);
  EXPECT_EQ(p.At(2027), 0.5);
  EXPECT_EQ(p.At(2029), 1.0);
  EXPECT_EQ(p.At(2040), 1.0);
  const Phasing step{2026, 2026};
  EXPECT_EQ(step.At(2025), 0.0);
  EXPECT_EQ(step.At(2026), 1.0);
}

TEST(ScenarioDocs, SchemaFileIsCurrent) {
  const std::string path = Root() + "/docs/reference/forecast-scenario.schema.json";
  const std::string text = ScenarioSchema().dump(2) + "\n";
  if (std::getenv("ICB_UPDATE_DOCS") != nullptr) std::ofstream(path, std::ios::binary) << text;
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << path << " missing: run ICB_UPDATE_DOCS=1 forecast_tests --gtest_filter=ScenarioDocs.*";
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_TRUE(ss.str() == text)
      << path << " is stale: run ICB_UPDATE_DOCS=1 forecast_tests --gtest_filter=ScenarioDocs.*";
}

TEST(ScenarioDocs, SchemaDescribesEveryKey) {
  // Every property at every level carries a description (the schema is the reference).
  std::vector<std::string> missing;
  std::function<void(const json&, const std::string&)> walk = [&](const json& j, const std::string& path) {
    if (!j.is_object()) return;
    if (auto p = j.find("properties"); p != j.end())
      for (auto it = p->begin(); it != p->end(); ++it) {
        if (!it->contains("description") && it.key() != "dist") missing.push_back(path + "." + it.key());
        walk(*it, path + "." + it.key());
      }
    for (const char* k : {"$defs", "items", "additionalProperties"})
      if (auto c = j.find(k); c != j.end() && c->is_object()) {
        if (std::string(k) == "$defs") {
          for (auto it = c->begin(); it != c->end(); ++it) walk(*it, path + "." + it.key());
        } else {
          walk(*c, path + "." + k);
        }
      }
    if (auto o = j.find("oneOf"); o != j.end())
      for (const auto& x : *o) walk(x, path);
  };
  walk(ScenarioSchema(), "");
  EXPECT_TRUE(missing.empty()) << missing.front();
  // Every top-level key ScenarioToJson writes is in the schema.
  const json props = ScenarioSchema()["properties"];
  const json written = ScenarioToJson(Scenario{});
  for (auto it = written.begin(); it != written.end(); ++it) EXPECT_TRUE(props.contains(it.key())) << it.key();
}

// ----- ParameterSampler -----

Scenario SamplerScenario(double rho) {
  Scenario s;
  s.hsa_ratio = Distribution::Interval80(0.2, 0.6);
  s.non_demographic_growth[static_cast<int>(ActivityType::kAe)] = Distribution::Interval80(0.0121, 0.0141);
  Mitigator m;
  m.name = "falls";
  m.reduction = Distribution::Interval80(0.05, 0.15);
  m.receiving.push_back({ActivityType::kCommunity, Distribution{Distribution::Kind::kTriangular, 1, 2, 6}, 8632.0});
  s.mitigators.push_back(m);
  Efficiency e;
  e.name = "los";
  e.value = Distribution{Distribution::Kind::kBeta, 2, 5, 0};
  s.efficiencies.push_back(e);
  PreventionLever p;
  p.name = "ltc";
  p.relative_change = Distribution::Fixed(-0.1);
  s.prevention.push_back(p);
  s.cost.inflation = Distribution::Interval80(0.015, 0.035);
  if (rho != 0) s.correlations.push_back({"mitigators.falls.reduction", "efficiencies.los.value", rho});
  return s;
}

TEST(ParameterSampler, NamesInTheFixedOrder) {
  const ParameterSampler ps(SamplerScenario(0));
  const std::vector<std::string> expected = {"hsa_ratio",
                                             "non_demographic_growth.ae",
                                             "mitigators.falls.reduction",
                                             "mitigators.falls.receiving.0.units_per_avoided",
                                             "efficiencies.los.value",
                                             "prevention.ltc.relative_change",
                                             "cost.inflation",
                                             "cost.efficiency",
                                             "cost.allocation_growth"};
  EXPECT_EQ(ps.names(), expected);
  EXPECT_EQ(ps.Find("efficiencies.los.value"), 4);
  EXPECT_EQ(ps.Find("nope"), -1);
}

TEST(ParameterSampler, RunZeroIsCentral) {
  const ParameterSampler ps(SamplerScenario(0.6));
  const auto v = ps.Draw(42, 0);
  EXPECT_DOUBLE_EQ(v[0], 0.4);
  EXPECT_DOUBLE_EQ(v[1], 0.0131);
  EXPECT_DOUBLE_EQ(v[2], 0.1);
  EXPECT_DOUBLE_EQ(v[3], 3.0);        // triangular mean (1+2+6)/3
  EXPECT_DOUBLE_EQ(v[4], 2.0 / 7.0);  // beta mean alpha/(alpha+beta)
  EXPECT_DOUBLE_EQ(v[5], -0.1);
  // Same seed and run, same draw; different runs differ.
  EXPECT_EQ(ps.Draw(42, 3), ps.Draw(42, 3));
  EXPECT_NE(ps.Draw(42, 3), ps.Draw(42, 4));
}

double Quantile(std::vector<double> v, double p) {  // type 7
  std::sort(v.begin(), v.end());
  const double h = (static_cast<double>(v.size()) - 1) * p;
  const size_t lo = static_cast<size_t>(std::floor(h));
  return v[lo] + (h - static_cast<double>(lo)) * (v[std::min(lo + 1, v.size() - 1)] - v[lo]);
}

TEST(ParameterSampler, AParameterKeepsItsDrawWhenOthersAreAddedOrRemoved) {
  // Common random numbers: comparing two scenarios with one seed, the parameters they share are drawn
  // the same in every run, so the difference between them is the scenarios' difference, not noise.
  const Scenario a = SamplerScenario(0);
  Scenario b = a;
  b.prevention.clear();  // removes a parameter before cost.inflation in the fixed order
  PreventionLever extra;
  extra.name = "another";
  extra.relative_change = Distribution::Interval80(-0.2, -0.1);
  b.prevention.push_back(extra);
  const ParameterSampler pa(a), pb(b);
  for (uint32_t run = 1; run <= 20; ++run) {
    const auto va = pa.Draw(7, run), vb = pb.Draw(7, run);
    for (const char* name : {"hsa_ratio", "mitigators.falls.reduction", "cost.inflation"})
      EXPECT_EQ(va[static_cast<size_t>(pa.Find(name))], vb[static_cast<size_t>(pb.Find(name))]) << name << " run " << run;
  }
}

TEST(ParameterSampler, MarginalsAndCorrelationOver20000Runs) {
  const double rho = 0.6;
  const ParameterSampler ps(SamplerScenario(rho));
  ASSERT_TRUE(ps.status().ok()) << ps.status().message();
  const int runs = 20000;
  std::vector<double> red, eff, z_red, z_eff;
  for (int r = 1; r <= runs; ++r) {
    const auto v = ps.Draw(84308, static_cast<uint32_t>(r));
    red.push_back(v[2]);
    eff.push_back(v[4]);
  }
  // The interval's stated P10/P90 (0.05, 0.15): sampling error of a quantile at n = 20,000 is about
  // sqrt(0.09/n)/phi(z_0.9) x sd = 0.0021 x 0.039 < 0.0002; tolerance 0.002.
  EXPECT_NEAR(Quantile(red, 0.1), 0.05, 0.002);
  EXPECT_NEAR(Quantile(red, 0.9), 0.15, 0.002);
  // Beta(2,5) median 0.26445.
  EXPECT_NEAR(Quantile(eff, 0.5), 0.26445, 0.005);
  // Pearson correlation on normal scores: Phi^-1 of each value's CDF, which for the interval is
  // (x - mean)/sd and for the beta the rank-based normal score.
  auto normal_scores = [&](const std::vector<double>& x) {
    std::vector<size_t> idx(x.size());
    for (size_t i = 0; i < idx.size(); ++i) idx[i] = i;
    std::sort(idx.begin(), idx.end(), [&](size_t a, size_t b) { return x[a] < x[b]; });
    std::vector<double> z(x.size());
    for (size_t k = 0; k < idx.size(); ++k)
      z[idx[k]] = InverseNormalCdf((static_cast<double>(k) + 0.5) / static_cast<double>(x.size()));
    return z;
  };
  z_red = normal_scores(red);
  z_eff = normal_scores(eff);
  double sxy = 0, sxx = 0, syy = 0;
  for (int i = 0; i < runs; ++i) {
    sxy += z_red[i] * z_eff[i];
    sxx += z_red[i] * z_red[i];
    syy += z_eff[i] * z_eff[i];
  }
  EXPECT_NEAR(sxy / std::sqrt(sxx * syy), rho, 0.02);
}

TEST(ParameterSampler, RefusesAMatrixThatIsNotPositiveDefinite) {
  Scenario s = SamplerScenario(0);
  // a~b 0.9, b~c 0.9, a~c -0.9 cannot hold together.
  s.correlations = {{"hsa_ratio", "mitigators.falls.reduction", 0.9},
                    {"mitigators.falls.reduction", "efficiencies.los.value", 0.9},
                    {"hsa_ratio", "efficiencies.los.value", -0.9}};
  const Status st = ValidateCorrelations(s, "test.json");
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("not positive definite"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("hsa_ratio ~ efficiencies.los.value"), std::string::npos) << st.message();
  EXPECT_FALSE(ParameterSampler(s).status().ok());
  s.correlations = {{"hsa_ratio", "mitigators.nope.reduction", 0.5}};
  EXPECT_NE(ValidateCorrelations(s, "t").message().find("mitigators.nope.reduction"), std::string::npos);
}

}  // namespace
}  // namespace icb::forecast
