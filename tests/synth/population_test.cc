// The synthetic population at the data start matches the Census 2021 age/sex structure of Greater
// Manchester, people live in the ICB's LSOAs, and NHS numbers are valid, unique test numbers.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <map>
#include <set>
#include <unordered_set>

#include "core/nhs_number.h"
#include "data/types.h"
#include "synth/model_params.h"
#include "synth/reference_data.h"
#include "synth/test_nhs_numbers.h"
#include "synth_fixture.h"

namespace icb::synth::testing {
namespace {

// Person -> registered on `day`.
std::unordered_set<std::string> RegisteredOn(const Fixture& fx, int32_t day) {
  std::unordered_set<std::string> out;
  ForEachRow(fx.out + "/gp_registrations.csv", [&](const auto& f) {
    if (Day(f[2]) <= day && (f[3].empty() || Day(f[3]) >= day)) out.insert(f[0]);
  });
  return out;
}

TEST(SynthPopulation, AgeSexAtDataStartMatchesCensusWithinOnePoint) {
  const Fixture& fx = SharedFixture();
  const int32_t start = Day(2020, 4, 1);
  const auto registered = RegisteredOn(fx, start);
  std::array<std::array<double, 19>, 2> sim{};  // sex x 5-year band (90+ last)
  double n = 0;
  ForEachRow(fx.out + "/persons.csv", [&](const auto& f) {
    if (!registered.count(f[0])) return;
    const int32_t dob = Day(f[1] + "-15");
    const int age = static_cast<int>((start - dob) / 365.25);
    const int sex = f[2] == "1" ? 0 : 1;
    sim[sex][std::min(age, 90) / 5] += 1;
    n += 1;
  });
  EXPECT_GT(n, kFixturePersons * 0.97);
  auto ref = LoadReferenceData(DefaultReferenceDir());
  ASSERT_TRUE(ref.ok());
  std::array<std::array<double, 19>, 2> census{};
  double total = 0;
  for (const auto& lad : ref->lads)
    for (int s = 0; s < 2; ++s)
      for (int a = 0; a <= kMaxAge; ++a) {
        census[s][std::min(a, 90) / 5] += lad.census.count[s][a];
        total += lad.census.count[s][a];
      }
  double worst = 0;
  for (int s = 0; s < 2; ++s)
    for (int b = 0; b < 19; ++b) {
      const double diff = 100.0 * (sim[s][b] / n - census[s][b] / total);
      worst = std::max(worst, std::abs(diff));
      EXPECT_LT(std::abs(diff), 1.0) << "sex " << s << " band " << b * 5;
    }
  EXPECT_GT(worst, 0.0);
}

TEST(SynthPopulation, NhsNumbersAreValidUniqueTestNumbers) {
  const Fixture& fx = SharedFixture();
  std::set<std::string> seen;
  ForEachRow(fx.out + "/persons.csv", [&](const auto& f) {
    EXPECT_EQ(NhsNumberProblem(f[0]), nullptr);
    EXPECT_EQ(f[0].substr(0, 3), "999");
    EXPECT_TRUE(seen.insert(f[0]).second) << "duplicate NHS number";
  });
  EXPECT_GT(seen.size(), kFixturePersons);  // residents plus births and in-migrants
}

TEST(SynthPopulation, TestNumberRangeIsDeterministicAndOverflowsInto998) {
  auto a = TestNhsNumbers::Create(1000000);
  ASSERT_TRUE(a.ok());
  auto b = TestNhsNumbers::Create(10);
  ASSERT_TRUE(b.ok());
  for (uint64_t i = 0; i < 10; ++i) EXPECT_EQ(a->At(i), b->At(i));
  std::unordered_set<uint64_t> seen;
  uint64_t in999 = 0;
  for (uint64_t i = 0; i < a->size(); ++i) {
    const uint64_t v = a->At(i);
    ASSERT_TRUE(seen.insert(v).second);
    const std::string s = std::to_string(v);
    ASSERT_EQ(NhsNumberProblem(s), nullptr);
    if (s.substr(0, 3) == "999") ++in999;
    else EXPECT_EQ(s.substr(0, 3), "998");
  }
  EXPECT_EQ(in999, 909091u);  // every valid number of the 999 range, then 998
}

TEST(SynthPopulation, EthnicityAndDeprivationSpanTheIcb) {
  const Fixture& fx = SharedFixture();
  std::map<std::string, double> eth;
  double n = 0;
  ForEachRow(fx.out + "/persons.csv", [&](const auto& f) {
    eth[f[3]] += 1;
    n += 1;
  });
  // Shares follow Census 2021 TS021 for the ICB, less the documented share not stated or not known.
  auto ref = LoadReferenceData(DefaultReferenceDir());
  ASSERT_TRUE(ref.ok());
  const ModelParams params = DefaultModelParams(ref->practices.size());
  const double recorded = 1.0 - params.ethnicity_not_stated - params.ethnicity_not_known;
  std::array<double, kEthnicStated> census{};
  double total = 0;
  for (const auto& l : ref->lsoas)
    for (int c = 0; c < kEthnicStated; ++c) {
      census[c] += l.ethnic_counts[c];
      total += l.ethnic_counts[c];
    }
  for (int c = 0; c < kEthnicStated; ++c) {
    const double expected = recorded * census[c] / total;
    const double se = std::sqrt(expected * (1 - expected) / n);
    EXPECT_NEAR(eth[std::string(kEthnicCodes[c])] / n, expected, 4 * se + 0.002) << kEthnicCodes[c];
  }
  EXPECT_NEAR((eth["Z"] + eth["99"]) / n, 1.0 - recorded, 0.01);
  EXPECT_GE(eth.size(), 17u);
}

}  // namespace
}  // namespace icb::synth::testing
