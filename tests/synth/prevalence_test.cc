// Recorded prevalence on 31 March 2023 (people registered and alive that day, in each register's
// QOF age group) is within 10% relative of QOF 2022-23, pooled over the practices the synthetic
// people are registered with. Sampling error of a 20,000-person ICB is allowed for on top of the
// 10% (three binomial standard errors), since the rarest registers hold about 100 people here.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "data/types.h"
#include "synth/calibration.h"
#include "synth/reference_data.h"
#include "synth_fixture.h"

namespace icb::synth::testing {
namespace {

TEST(SynthPrevalence, QofRegistersWithinTenPercentOfQof2223) {
  const Fixture& fx = SharedFixture();
  const int32_t qof_day = Day(2023, 3, 31);
  auto ref = LoadReferenceData(DefaultReferenceDir());
  ASSERT_TRUE(ref.ok());
  std::unordered_map<std::string, int> practice_index;
  for (size_t i = 0; i < ref->practices.size(); ++i) practice_index[ref->practices[i].code] = static_cast<int>(i);

  std::unordered_map<std::string, int> registered;  // person -> practice on the QOF date
  ForEachRow(fx.out + "/gp_registrations.csv", [&](const auto& f) {
    if (Day(f[2]) <= qof_day && (f[3].empty() || Day(f[3]) >= qof_day)) registered[f[0]] = practice_index.at(f[1]);
  });
  std::unordered_map<std::string, int> age;  // alive on the QOF date
  ForEachRow(fx.out + "/persons.csv", [&](const auto& f) {
    if (!registered.count(f[0]) || (!f[5].empty() && Day(f[5]) <= qof_day)) return;
    age[f[0]] = static_cast<int>((qof_day - Day(f[1] + "-15")) / 365.25);
  });
  std::map<std::string, std::unordered_set<std::string>> on_register;
  ForEachRow(fx.out + "/ltc_registers.csv", [&](const auto& f) {
    if (Day(f[2]) <= qof_day) on_register[f[1]].insert(f[0]);
  });
  std::set<int> used;
  for (const auto& [person, a] : age) used.insert(registered.at(person));
  const std::vector<int> practices(used.begin(), used.end());
  EXPECT_GT(practices.size(), 350u);

  for (int c = 0; c < kConditionCount; ++c) {
    const std::string cond(kQofConditions[c]);
    const int min_age = ref->practices.front().qof[c].min_age;
    double den = 0, num = 0;
    for (const auto& [person, a] : age) {
      if (a < min_age) continue;
      den += 1;
      if (on_register[cond].count(person)) num += 1;
    }
    const double target = QofPooledPrevalence(*ref, c, practices);
    const double sim = num / den;
    const double rel_se = 1.0 / std::sqrt(std::max(1.0, target * den));
    EXPECT_NEAR(sim / target, 1.0, 0.10 + 3.0 * rel_se)
        << cond << ": simulated " << sim << " QOF " << target << " (" << num << " on the register)";
  }
}

TEST(SynthPrevalence, RegistersHaveMatchingDiagnosisCodes) {
  const Fixture& fx = SharedFixture();
  auto ref = LoadReferenceData(DefaultReferenceDir());
  ASSERT_TRUE(ref.ok());
  std::unordered_map<std::string, std::string> condition_of;  // SNOMED CT id -> QOF register
  for (const auto& c : ref->condition_codes) condition_of[c.snomed] = std::string(kQofConditions[c.condition]);
  std::set<std::tuple<std::string, std::string, std::string>> registers, diagnoses;  // person, date, register
  ForEachRow(fx.out + "/ltc_registers.csv", [&](const auto& f) {
    EXPECT_TRUE(registers.insert({f[0], f[2], f[1]}).second) << "a person is on a register twice";
  });
  std::map<std::string, size_t> observations;
  ForEachRow(fx.out + "/gp_events.csv", [&](const auto& f) {
    if (auto it = condition_of.find(f[2]); it != condition_of.end()) {
      EXPECT_TRUE(f[3].empty());
      diagnoses.insert({f[0], f[1], it->second});
    } else {
      observations[f[2]]++;
      EXPECT_FALSE(f[3].empty() && f[4].empty() && f[2] != "266919005" && f[2] != "8517006" && f[2] != "77176002")
          << "observation without a value: " << f[2];
    }
  });
  EXPECT_EQ(diagnoses, registers);  // each register entry has its SNOMED CT diagnosis on the same date
  EXPECT_GT(registers.size(), kFixturePersons / 2);
  for (const char* code : {"271649006", "271650006", "60621009", "999791000000106", "1011481000000105",
                           "1005671000000105"})
    EXPECT_GT(observations[code], 100u) << code;
}

}  // namespace
}  // namespace icb::synth::testing
