// The planted truths: emergency_risk.csv gives, for everyone alive and registered at the start of
// each of the last two financial years, the true probability of at least one emergency admission
// (method 2x) that year. Probabilities are in (0, 1) and agree with what the CSVs show happened,
// overall and within deciles of risk. persons.csv and model.json are present and complete.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "synth_fixture.h"

namespace icb::synth::testing {
namespace {

struct RiskRow {
  std::string person, fy;
  double p;
};

TEST(SynthTruth, EmergencyRiskMatchesSimulatedAdmissions) {
  const Fixture& fx = SharedFixture();
  std::vector<RiskRow> rows;
  std::set<std::pair<std::string, std::string>> keys;
  const auto header = ForEachRow(fx.truth + "/emergency_risk.csv", [&](const auto& f) {
    rows.push_back({f[0], f[1], std::stod(f[2])});
    EXPECT_TRUE(keys.insert({f[0], f[1]}).second) << "duplicate person-year";
  });
  ASSERT_EQ(header, (std::vector<std::string>{"nhs_number", "financial_year", "p_emergency_admission"}));
  // Fixture: FY 2020/21-2022/23, so the last two years are 2021/22 and 2022/23.
  std::unordered_map<std::string, int32_t> fy_start = {{"2021/22", Day(2021, 4, 1)}, {"2022/23", Day(2022, 4, 1)}};
  std::unordered_map<std::string, int> per_year;
  for (const auto& r : rows) {
    ASSERT_TRUE(fy_start.count(r.fy)) << r.fy;
    ASSERT_GT(r.p, 0.0);
    ASSERT_LT(r.p, 1.0);
    per_year[r.fy]++;
  }
  EXPECT_GT(per_year["2021/22"], static_cast<int>(kFixturePersons * 0.9));
  EXPECT_GT(per_year["2022/23"], static_cast<int>(kFixturePersons * 0.9));

  // Everyone in the truth was registered on the first day of the year and alive.
  std::unordered_map<std::string, std::vector<std::pair<int32_t, int32_t>>> regs;
  ForEachRow(fx.out + "/gp_registrations.csv", [&](const auto& f) {
    regs[f[0]].push_back({Day(f[2]), f[3].empty() ? INT32_MAX : Day(f[3])});
  });
  std::unordered_map<std::string, int32_t> death;
  ForEachRow(fx.out + "/persons.csv", [&](const auto& f) {
    if (!f[5].empty()) death[f[0]] = Day(f[5]);
  });
  for (const auto& r : rows) {
    const int32_t d = fy_start[r.fy];
    bool on = false;
    for (auto [a, b] : regs[r.person]) on |= a <= d && d <= b;
    ASSERT_TRUE(on) << "truth row for someone not registered at the start of the year";
    if (auto it = death.find(r.person); it != death.end()) { ASSERT_GE(it->second, d); }
  }

  // What happened: at least one admission with method 2x in the year.
  std::set<std::pair<std::string, std::string>> admitted;
  ForEachRow(fx.out + "/apc_spells.csv", [&](const auto& f) {
    if (f[4][0] != '2') return;
    const int32_t d = Day(f[2]);
    if (d >= Day(2021, 4, 1) && d < Day(2022, 4, 1)) admitted.insert({f[0], "2021/22"});
    if (d >= Day(2022, 4, 1) && d < Day(2023, 4, 1)) admitted.insert({f[0], "2022/23"});
  });
  std::vector<std::pair<double, int>> scored;
  for (const auto& r : rows) scored.push_back({r.p, admitted.count({r.person, r.fy}) ? 1 : 0});
  double sum_p = 0, sum_var = 0, hits = 0;
  for (auto [p, y] : scored) {
    sum_p += p;
    sum_var += p * (1 - p);
    hits += y;
  }
  const double n = static_cast<double>(scored.size());
  EXPECT_NEAR(hits / n, sum_p / n, 3.0 * std::sqrt(sum_var) / n)
      << "observed " << hits / n << " expected " << sum_p / n;
  EXPECT_GT(hits, 500);

  // Calibration within deciles of true risk: observed within 3.5 standard errors of expected.
  std::sort(scored.begin(), scored.end());
  for (int d = 0; d < 10; ++d) {
    const size_t lo = scored.size() * d / 10, hi = scored.size() * (d + 1) / 10;
    double e = 0, v = 0, o = 0;
    for (size_t i = lo; i < hi; ++i) {
      e += scored[i].first;
      v += scored[i].first * (1 - scored[i].first);
      o += scored[i].second;
    }
    EXPECT_NEAR(o, e, 3.5 * std::sqrt(v) + 1) << "risk decile " << d;
  }
  // The truth discriminates: the top decile's risk is many times the bottom's.
  double top = 0, bottom = 0;
  for (size_t i = 0; i < scored.size() / 10; ++i) {
    bottom += scored[i].first;
    top += scored[scored.size() - 1 - i].first;
  }
  EXPECT_GT(top, 20 * bottom);
}

TEST(SynthTruth, PersonsAndModelArePresent) {
  const Fixture& fx = SharedFixture();
  std::unordered_set<std::string> persons;
  ForEachRow(fx.out + "/persons.csv", [&](const auto& f) { persons.insert(f[0]); });
  size_t rows = 0, with_condition = 0;
  const auto header = ForEachRow(fx.truth + "/persons.csv", [&](const auto& f) {
    ++rows;
    EXPECT_TRUE(persons.count(f[0]));
    const double fi = std::stod(f[4]);
    EXPECT_GE(fi, 0.0);
    EXPECT_LE(fi, 0.95);
    bool any = false;
    for (size_t i = 9; i < f.size(); ++i) any |= f[i] == "1";
    with_condition += any;
  });
  EXPECT_EQ(rows, persons.size());
  ASSERT_EQ(header.size(), 9u + 21u);
  EXPECT_EQ(header[4], "frailty_index_entry");
  EXPECT_EQ(header[9], "has_af");
  EXPECT_GT(with_condition, rows / 4);

  std::ifstream in(fx.truth + "/model.json");
  const nlohmann::json model = nlohmann::json::parse(in);
  EXPECT_EQ(model.at("seed").get<uint64_t>(), kFixtureSeed);
  EXPECT_FALSE(model.at("version").get<std::string>().empty());
  EXPECT_EQ(model.at("conditions").size(), 21u);
  EXPECT_EQ(model.at("measures").size(), 12u);
  EXPECT_EQ(model.at("practice_factor").size(), 413u);
  EXPECT_FALSE(model.at("calibration").at("rounds").empty());
}

}  // namespace
}  // namespace icb::synth::testing
