// Segment transitions: estimation on a hand-built two-year dataset with known moves, and the
// projection's invariants (identity keeps shares, a prevention lever moves the mix as stated).
// Method: a discrete-time Markov chain over segments by sex and age band, as BNSSG's Dynamic
// Population Model (github.com/nhs-bnssg-analytics/dpm) uses over CMS core segments; the prior and
// the lever arithmetic are stated in docs/reference/forecast-segments.md.
#include <gtest/gtest.h>

#include <cmath>

#include "context/segmentation.h"
#include "data/dataset_builder.h"
#include "forecast/baseline_builder.h"
#include "forecast/segment_transitions.h"
#include "tests/forecast/forecast_test_util.h"

namespace icb::forecast {
namespace {

// Six people over 1 April 2021, 2022 and 2023 (two year pairs). Men aged about 40 (band 18-44):
// a healthy throughout; b hypertension from Oct 2021 (healthy -> LTC, then LTC -> LTC); c
// hypertension from Oct 2022 (healthy -> healthy, then healthy -> LTC); d dies Jan 2022 (an exit);
// e deregisters June 2022 (healthy -> healthy, then an exit). A woman aged 80 (band 75-84): f with
// dementia from 2015 (frailty -> frailty twice).
struct Moves {
  DatasetBuilder b;
  Moves() {
    auto& l = b.ds.lsoas;
    l.code.Intern("E01000001");
    l.name.push_back("Bolton 001A");
    l.place_code.push_back("E08000001");
    l.place_name.push_back("Bolton");
    l.sub_icb.push_back("00T");
    l.imd_decile.push_back(3);
    l.imd_quintile.push_back(2);
    auto& pr = b.ds.practices;
    pr.code.Intern("A00001");
    pr.name.push_back("Practice A00001");
    pr.pcn_code.push_back("U00001");
    pr.pcn_name.push_back("PCN U00001");
    pr.sub_icb.push_back("00T");
    pr.place_name.push_back("Bolton");
    const int32_t born40 = D(1981, 1, 1), born80 = D(1941, 1, 1);
    Person("a", born40, 1, kNoDate, kNoDate);
    const uint32_t pb = Person("b", born40, 1, kNoDate, kNoDate);
    Cond(pb, "HYP", D(2021, 10, 1));
    const uint32_t pc = Person("c", born40, 1, kNoDate, kNoDate);
    Cond(pc, "HYP", D(2022, 10, 1));
    Person("d", born40, 1, D(2022, 1, 1), kNoDate);
    Person("e", born40, 1, kNoDate, D(2022, 6, 30));
    const uint32_t pf = Person("f", born80, 2, kNoDate, kNoDate);
    Cond(pf, "DEM", D(2015, 1, 1));
  }
  uint32_t Person(const char* id, int32_t birth, uint8_t sex, int32_t death, int32_t reg_end) {
    const uint32_t p = b.AddPerson(Sha256Of(id), birth, sex, *EthnicIndex("A"), 0, death);
    b.ds.registrations.practice.push_back(0);
    b.ds.registrations.start.push_back(D(2000, 1, 1));
    b.ds.registrations.end.push_back(reg_end);
    b.registration_person.push_back(p);
    return p;
  }
  void Cond(uint32_t person, const char* code, int32_t date) {
    b.ds.conditions.condition.push_back(*QofConditionIndex(code));
    b.ds.conditions.date.push_back(date);
    b.condition_person.push_back(person);
  }
  Dataset Build() {
    auto r = b.Finish();
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return std::move(r).value();
  }
};

constexpr int kHealthy = 0, kLtc = 3, kFrail = 7;  // B2H segment - 1

TEST(SegmentTransitions, CountsKnownMovesAndExits) {
  const Dataset ds = Moves().Build();
  auto m = EstimateTransitions(ds, Config(), SegmentScheme::kBridgesToHealth, 2023, 2);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->states, 8);
  EXPECT_EQ(m->from_year, 2021);
  const int men = 0, women = 1, band40 = m->Band(40), band80 = m->Band(80);
  EXPECT_EQ(m->age_band_lower[static_cast<size_t>(band40)], 18);
  EXPECT_EQ(m->age_band_lower[static_cast<size_t>(band80)], 75);
  auto count = [&](int sex, int band, int from, int to) { return m->counts[m->Index(sex, band, from, to)]; };
  // Healthy men: stayed a, a, c, e = 4; to LTC b, c = 2; exits d, e = 2.
  EXPECT_EQ(count(men, band40, kHealthy, kHealthy), 4);
  EXPECT_EQ(count(men, band40, kHealthy, kLtc), 2);
  EXPECT_EQ(count(men, band40, kLtc, kLtc), 1);
  const size_t bands = m->age_band_lower.size();
  auto row = [&](int sex, int band, int from) { return (static_cast<size_t>(sex) * bands + static_cast<size_t>(band)) * 8 + static_cast<size_t>(from); };
  EXPECT_EQ(m->exits[row(men, band40, kHealthy)], 2);
  EXPECT_EQ(m->observed[row(men, band40, kHealthy)], 6);
  EXPECT_EQ(count(women, band80, kFrail, kFrail), 2);
  // Probabilities with 0.5 added to the diagonal: (4 + 0.5) / 6.5 and 2 / 6.5.
  EXPECT_DOUBLE_EQ(m->At(men, band40, kHealthy, kHealthy), 4.5 / 6.5);
  EXPECT_DOUBLE_EQ(m->At(men, band40, kHealthy, kLtc), 2.0 / 6.5);
  EXPECT_DOUBLE_EQ(m->At(men, band40, kLtc, kLtc), 1.0);
  // An empty row is the identity.
  EXPECT_DOUBLE_EQ(m->At(women, 0, 2, 2), 1.0);
  EXPECT_DOUBLE_EQ(m->At(women, 0, 2, 3), 0.0);
}

TEST(SegmentTransitions, RowsSumToOneInBothSchemes) {
  const Dataset ds = Moves().Build();
  for (SegmentScheme scheme : {SegmentScheme::kBridgesToHealth, SegmentScheme::kCmsCore}) {
    auto m = EstimateTransitions(ds, Config(), scheme, 2023, 2);
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    EXPECT_EQ(m->states, scheme == SegmentScheme::kBridgesToHealth ? 8 : 5);
    EXPECT_EQ(static_cast<int>(m->state_names.size()), m->states);
    for (int sex = 0; sex < kSexes; ++sex)
      for (int band = 0; band < static_cast<int>(m->age_band_lower.size()); ++band)
        for (int from = 0; from < m->states; ++from) {
          double s = 0;
          for (int to = 0; to < m->states; ++to) s += m->At(sex, band, from, to);
          EXPECT_NEAR(s, 1.0, 1e-12) << sex << " " << band << " " << from;
        }
  }
}

TEST(SegmentTransitions, CmsCoreCutOffsFromTheDataFile) {
  auto c = LoadCmsCoreSegments(ForecastDataDir(Config()));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->StateOf(0.0), 0);
  EXPECT_EQ(c->StateOf(0.5), 1);
  EXPECT_EQ(c->StateOf(0.51), 2);
  EXPECT_EQ(c->StateOf(3.0), 3);
  EXPECT_EQ(c->StateOf(9.0), 4);
}

TEST(SegmentTransitions, BaselineSharesSumToOnePerAge) {
  const Dataset ds = Moves().Build();
  auto sh = BaselineSegmentShares(ds, Config(), SegmentScheme::kBridgesToHealth, 2022);
  ASSERT_TRUE(sh.ok()) << sh.status().ToString();
  // On 1 April 2022 the men aged 41: a, b (LTC), c, e: healthy 3/4, LTC 1/4.
  const size_t cell = (0 * kAges + 41) * 8;
  EXPECT_DOUBLE_EQ((*sh)[cell + kHealthy], 0.75);
  EXPECT_DOUBLE_EQ((*sh)[cell + kLtc], 0.25);
  const size_t f81 = (1 * kAges + 81) * 8;
  EXPECT_DOUBLE_EQ((*sh)[f81 + kFrail], 1.0);
  EXPECT_DOUBLE_EQ((*sh)[(0 * kAges + 10) * 8 + kHealthy], 0.0);  // nobody aged 10
}

// A model over `k` states, identity everywhere except what `set` changes.
TransitionModel Identity(int k) {
  TransitionModel m;
  m.states = k;
  m.age_band_lower = TransitionAgeBands();
  m.p.assign(kSexes * m.age_band_lower.size() * static_cast<size_t>(k * k), 0.0);
  for (int s = 0; s < kSexes; ++s)
    for (int b = 0; b < static_cast<int>(m.age_band_lower.size()); ++b)
      for (int i = 0; i < k; ++i) m.p[m.Index(s, b, i, i)] = 1.0;
  return m;
}

PopulationProjection Population(int years) {
  PopulationProjection p;
  p.baseline_year = 2023;
  for (int y = 0; y < years; ++y) {
    PopulationGrid g(2, {"A", "B"});
    for (int pl = 0; pl < 2; ++pl)
      for (int s = 0; s < kSexes; ++s)
        for (int a = 0; a < kAges; ++a) g.at(pl, s, a) = 100.0 + a + 10.0 * y + 3.0 * pl + s;
    p.years.push_back(g);
  }
  return p;
}

// Shares that are the same at every age: 60% healthy, 30% LTC, 10% frailty.
std::vector<double> FlatShares() {
  std::vector<double> sh(kSexes * kAges * 8, 0.0);
  for (size_t cell = 0; cell < kSexes * kAges; ++cell) {
    sh[cell * 8 + kHealthy] = 0.6;
    sh[cell * 8 + kLtc] = 0.3;
    sh[cell * 8 + kFrail] = 0.1;
  }
  return sh;
}

TEST(SegmentProjection, IdentityTransitionsKeepSharesConstant) {
  const auto proj = ProjectSegments(Identity(8), FlatShares(), Population(6), {}, {});
  ASSERT_EQ(proj.shares.size(), 6u);
  for (int y = 0; y < 6; ++y)
    for (int s = 0; s < kSexes; ++s)
      for (int a = 0; a < kAges; ++a) {
        EXPECT_NEAR(proj.Share(y, s, a, kHealthy), 0.6, 1e-12);
        EXPECT_NEAR(proj.Share(y, s, a, kLtc), 0.3, 1e-12);
        EXPECT_NEAR(proj.Share(y, s, a, kFrail), 0.1, 1e-12);
      }
}

TEST(SegmentProjection, PreventionLeverLowersLtcShare) {
  TransitionModel m = Identity(8);
  for (int s = 0; s < kSexes; ++s)
    for (int b = 0; b < static_cast<int>(m.age_band_lower.size()); ++b) {
      m.p[m.Index(s, b, kHealthy, kHealthy)] = 0.9;
      m.p[m.Index(s, b, kHealthy, kLtc)] = 0.1;
    }
  PreventionLever lever;
  lever.name = "hypertension_prevention";
  lever.from_segment = 1;  // healthy
  lever.to_segment = 4;    // long-term conditions
  lever.min_age = 40;
  lever.max_age = 64;
  lever.phasing = {2023, 2023};  // full effect at once
  const auto base = ProjectSegments(m, FlatShares(), Population(6), {}, {});
  const auto prevented = ProjectSegments(m, FlatShares(), Population(6), {lever}, {-0.5});
  // Year 1, men aged 51 (50 a year before): LTC share = 0.3 + 0.6 x 0.1 x (1 - 0.5) = 0.33 with the
  // lever, 0.36 without; ages outside 40-64 (aged 30 a year before) are unchanged.
  EXPECT_NEAR(base.Share(1, 0, 51, kLtc), 0.36, 1e-12);
  EXPECT_NEAR(prevented.Share(1, 0, 51, kLtc), 0.33, 1e-12);
  EXPECT_NEAR(prevented.Share(1, 0, 51, kHealthy), 0.57, 1e-12);
  EXPECT_NEAR(prevented.Share(1, 0, 31, kLtc), 0.36, 1e-12);
  // At the horizon the LTC share of people aged 45-69 is lower with the lever.
  for (int a = 45; a <= 69; ++a) EXPECT_LT(prevented.Share(5, 1, a, kLtc), base.Share(5, 1, a, kLtc) - 1e-6) << a;
  // A lag of two years: no effect in year 1 or 2, an effect in year 3.
  lever.lag_years = 2;
  const auto lagged = ProjectSegments(m, FlatShares(), Population(6), {lever}, {-0.5});
  EXPECT_NEAR(lagged.Share(2, 0, 52, kLtc), base.Share(2, 0, 52, kLtc), 1e-12);
  EXPECT_LT(lagged.Share(3, 0, 53, kLtc), base.Share(3, 0, 53, kLtc) - 1e-6);
  // Shares of every (year, sex, age) still sum to 1.
  for (int y = 0; y < 6; ++y)
    for (int a = 0; a < kAges; ++a) {
      double s = 0;
      for (int k = 0; k < 8; ++k) s += prevented.Share(y, 0, a, k);
      EXPECT_NEAR(s, 1.0, 1e-12);
    }
}

TEST(SegmentProjection, NewbornsTakeBaselineAgeZeroShares) {
  std::vector<double> sh = FlatShares();
  for (int s = 0; s < kSexes; ++s) {
    const size_t cell = static_cast<size_t>(s) * kAges;
    std::fill(sh.begin() + static_cast<ptrdiff_t>(cell * 8), sh.begin() + static_cast<ptrdiff_t>(cell * 8 + 8), 0.0);
    sh[cell * 8 + 1] = 1.0;  // maternal and infant
  }
  TransitionModel m = Identity(8);
  const auto proj = ProjectSegments(m, sh, Population(3), {}, {});
  EXPECT_NEAR(proj.Share(2, 0, 0, 1), 1.0, 1e-12);
  EXPECT_NEAR(proj.Share(1, 1, 1, 1), 1.0, 1e-12);  // last year's infants aged one
  EXPECT_NEAR(proj.Share(2, 1, 2, 1), 1.0, 1e-12);
}

}  // namespace
}  // namespace icb::forecast
