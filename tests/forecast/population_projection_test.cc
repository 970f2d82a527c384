// Spec tests of the population projection (docs/reference/forecast-population.md): a year worked
// by hand on a small grid, the accounting identities of the cohort-component method (ONS,
// "Methodology used to produce the subnational population projections for England"), rates
// estimated from a hand-built dataset whose SMR, GFR and migration rates are worked out in the
// comments, life expectancy against its closed form, and a plausible projection of a synthetic ICB.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "core/parallel.h"
#include "forecast/population_projection.h"
#include "ingest/contract_reader.h"
#include "synth/generator.h"
#include "tests/context/tiny_dataset.h"
#include "tests/synth/synth_fixture.h"

namespace icb::forecast {
namespace {

using icb::testing::D;
using icb::testing::YM;

// One place "A" with every rate zero: the identity to build hand cases on.
ComponentRates ZeroRates(int places = 1) {
  ComponentRates r;
  r.places = places;
  for (int p = 0; p < places; ++p) r.place_names.push_back(std::string(1, static_cast<char>('A' + p)));
  const size_t cells = static_cast<size_t>(places) * kSexes * kAges;
  r.qx.assign(cells, 0);
  r.out_migration.assign(cells, 0);
  r.in_migrants.assign(cells, 0);
  r.fertility.assign(static_cast<size_t>(places) * kAges, 0);
  return r;
}
size_t At(int place, int sex, int age) { return (static_cast<size_t>(place) * kSexes + sex) * kAges + age; }

// Year 1 by hand. Start: 1,000 women aged 30, 1,000 men aged 30, 100 men aged 99, 50 men aged 100+.
// Rates: male qx 0.01 at 30, 0.2 at 99, 0.5 at 100+, 0.02 at 0; fertility 0.1 at ages 30 and 31;
// 50% boys; improvement 10% a year (so year 1's qx are 0.9 x the table's).
//   men 30 -> 31: deaths 1000 x 0.009 = 9, survivors 991
//   men 99 -> 100+: deaths 100 x 0.18 = 18, survivors 82; men 100+: deaths 50 x 0.45 = 22.5, stay 27.5
//   100+ next year = 82 + 27.5 = 109.5
//   women 30 -> 31: no deaths; births = 0.1 x (1000 + 0)/2 [age 30: start 1000, end 0]
//                                     + 0.1 x (0 + 1000)/2 [age 31: start 0, end 1000] = 100
//   boys 50, infant deaths 50 x 0.018 / 2 = 0.45, boys aged 0 = 49.55; girls 50 (female qx 0)
//   deaths = 9 + 18 + 22.5 + 0.45 = 49.95; total 2,150 - 49.95 + 100 = 2,200.05
TEST(PopulationProjection, OneYearByHand) {
  auto rates = ZeroRates();
  rates.male_births_share = 0.5;
  rates.qx[At(0, 0, 30)] = 0.01;
  rates.qx[At(0, 0, 99)] = 0.2;
  rates.qx[At(0, 0, 100)] = 0.5;
  rates.qx[At(0, 0, 0)] = 0.02;
  rates.fertility[30] = 0.1;
  rates.fertility[31] = 0.1;
  PopulationGrid base(1, {"A"});
  base.at(0, 1, 30) = 1000;
  base.at(0, 0, 30) = 1000;
  base.at(0, 0, 99) = 100;
  base.at(0, 0, 100) = 50;
  ProjectionVariant v{"test", 1.0, 0.10, 1.0, 1.0};
  ASSERT_TRUE(CheckProjectionInputs(base, rates).ok());
  const auto proj = ProjectPopulation(base, rates, v, 2023, 1);
  ASSERT_EQ(proj.years.size(), 2u);
  const auto& y1 = proj.years[1];
  EXPECT_NEAR(y1.at(0, 0, 31), 991, 1e-9);
  EXPECT_NEAR(y1.at(0, 0, 30), 0, 1e-12);
  EXPECT_NEAR(y1.at(0, 0, 100), 109.5, 1e-9);
  EXPECT_NEAR(y1.at(0, 1, 31), 1000, 1e-9);
  EXPECT_NEAR(y1.at(0, 0, 0), 49.55, 1e-9);
  EXPECT_NEAR(y1.at(0, 1, 0), 50, 1e-9);
  EXPECT_NEAR(proj.births[0], 100, 1e-9);
  EXPECT_NEAR(proj.deaths[0], 49.95, 1e-9);
  EXPECT_NEAR(y1.Total(), 2200.05, 1e-9);
  EXPECT_EQ(proj.in_migrants[0], 0);
  EXPECT_EQ(proj.out_migrants[0], 0);
}

// With every rate zero the population only ages: each cohort moves up a year and 99 joins 100+.
TEST(PopulationProjection, ZeroRatesOnlyAge) {
  const auto rates = ZeroRates(2);
  PopulationGrid base(2, {"A", "B"});
  for (int p = 0; p < 2; ++p)
    for (int s = 0; s < kSexes; ++s)
      for (int a = 0; a < kAges; ++a) base.at(p, s, a) = 1 + p * 1000 + s * 500 + a;
  const auto proj = ProjectPopulation(base, rates, ProjectionVariant{"zero", 1, 0, 1, 1}, 2023, 1);
  const auto& y1 = proj.years[1];
  for (int p = 0; p < 2; ++p)
    for (int s = 0; s < kSexes; ++s) {
      EXPECT_EQ(y1.at(p, s, 0), 0);
      for (int a = 1; a < kMaxAge; ++a) EXPECT_EQ(y1.at(p, s, a), base.at(p, s, a - 1)) << p << " " << s << " " << a;
      EXPECT_EQ(y1.at(p, s, kMaxAge), base.at(p, s, 99) + base.at(p, s, 100));
    }
  EXPECT_EQ(y1.Total(), base.Total());
}

// Rates with every component non-zero, in two places.
ComponentRates BusyRates() {
  auto r = ZeroRates(2);
  for (int p = 0; p < 2; ++p)
    for (int s = 0; s < kSexes; ++s)
      for (int a = 0; a < kAges; ++a) {
        r.qx[At(p, s, a)] = std::min(1.0, 0.0005 * std::exp(0.085 * a) * (1 + 0.1 * p));
        r.out_migration[At(p, s, a)] = 0.02 + 0.001 * (a % 7);
        r.in_migrants[At(p, s, a)] = 3.0 + 0.5 * ((a + p) % 5);
      }
  for (int p = 0; p < 2; ++p)
    for (int a = 15; a <= 49; ++a) r.fertility[static_cast<size_t>(p) * kAges + a] = 0.06 * std::exp(-0.01 * (a - 30) * (a - 30));
  return r;
}
PopulationGrid FlatGrid(int places, double per_cell) {
  PopulationGrid g(places, {});
  for (int p = 0; p < places; ++p) g.place_names.push_back(std::string(1, static_cast<char>('A' + p)));
  for (double& x : g.people) x = per_cell;
  return g;
}

// no_migration: next year's population is this year's minus deaths plus births, every year.
TEST(PopulationProjection, NoMigrationConserves) {
  const auto rates = BusyRates();
  const auto base = FlatGrid(2, 100);
  auto v = FindVariant("no_migration");
  ASSERT_TRUE(v.ok());
  const auto proj = ProjectPopulation(base, rates, *v, 2023, 10);
  ASSERT_EQ(proj.years.size(), 11u);
  for (size_t k = 0; k < 10; ++k) {
    EXPECT_EQ(proj.in_migrants[k], 0);
    EXPECT_EQ(proj.out_migrants[k], 0);
    EXPECT_GT(proj.deaths[k], 0);
    EXPECT_GT(proj.births[k], 0);
    const double expect = proj.years[k].Total() - proj.deaths[k] + proj.births[k];
    EXPECT_NEAR(proj.years[k + 1].Total(), expect, 1e-9 * expect) << "year " << k;
  }
}

// Every variant keeps the full account: next = pop - deaths + births + in - out.
TEST(PopulationProjection, EveryVariantBalances) {
  const auto rates = BusyRates();
  const auto base = FlatGrid(2, 100);
  for (const auto& v : StandardVariants()) {
    const auto proj = ProjectPopulation(base, rates, v, 2023, 5);
    for (size_t k = 0; k < 5; ++k) {
      const double expect = proj.years[k].Total() - proj.deaths[k] + proj.births[k] + proj.in_migrants[k] - proj.out_migrants[k];
      EXPECT_NEAR(proj.years[k + 1].Total(), expect, 1e-9 * expect) << v.name << " year " << k;
    }
  }
}

// Housing growth adds exactly dwellings x persons per dwelling each year in range, in the place's
// in-migrant age/sex profile; an unknown place is reported, not silently dropped.
TEST(PopulationProjection, HousingAddsDwellingsTimesPersons) {
  auto rates = ZeroRates(2);
  rates.in_migrants[At(1, 0, 25)] = 0;  // place B's profile: 3 parts men 25, 1 part women 30
  std::vector<double> profile(rates.in_migrants.size(), 0);
  profile[At(1, 0, 25)] = 3;
  profile[At(1, 1, 30)] = 1;
  rates.in_migrants = profile;
  const auto base = FlatGrid(2, 10);
  const ProjectionVariant none{"none", 1, 0, 0, 0};  // in-migration off: only housing arrives
  HousingGrowth h;
  h.place = "B";
  h.from_year = 2024;  // financial years 2024/25 and 2025/26: steps 2 and 3 from a 2023 baseline
  h.to_year = 2025;
  h.dwellings_per_year = 400;
  h.persons_per_dwelling = 2.5;
  HousingGrowth unknown = h;
  unknown.place = "Nowhere";
  const auto without = ProjectPopulation(base, rates, none, 2023, 4);
  const auto with = ProjectPopulation(base, rates, none, 2023, 4, {h, unknown});
  ASSERT_EQ(with.notes.size(), 1u);
  EXPECT_NE(with.notes[0].find("Nowhere"), std::string::npos);
  const std::vector<double> expect_movers = {0, 1000, 1000, 0};
  for (size_t k = 0; k < 4; ++k) {
    EXPECT_DOUBLE_EQ(with.housing_movers[k], expect_movers[k]);
    EXPECT_DOUBLE_EQ(with.in_migrants[k], expect_movers[k]);
  }
  EXPECT_DOUBLE_EQ(with.years[4].Total() - without.years[4].Total(), 2000);
  // Year 2's arrivals: 750 men aged 25 and 250 women aged 30, all in B.
  EXPECT_DOUBLE_EQ(with.years[2].at(1, 0, 25) - without.years[2].at(1, 0, 25), 750);
  EXPECT_DOUBLE_EQ(with.years[2].at(1, 1, 30) - without.years[2].at(1, 1, 30), 250);
  double a_diff = 0;
  for (int s = 0; s < kSexes; ++s)
    for (int a = 0; a < kAges; ++a) a_diff += std::abs(with.years[4].at(0, s, a) - without.years[4].at(0, s, a));
  EXPECT_EQ(a_diff, 0);
}

TEST(PopulationProjection, MismatchedInputsAreRefused) {
  const auto rates = ZeroRates(2);
  const auto st = CheckProjectionInputs(FlatGrid(1, 1), rates);
  EXPECT_EQ(st.code(), StatusCode::kInvalidInput);
  EXPECT_NE(st.message().find("same dataset"), std::string::npos);
}

TEST(PopulationProjection, VariantsByName) {
  const auto all = StandardVariants();
  ASSERT_EQ(all.size(), 5u);
  auto high = FindVariant("high");
  ASSERT_TRUE(high.ok());
  EXPECT_DOUBLE_EQ(high->fertility_multiplier, 1.1);
  EXPECT_DOUBLE_EQ(high->mortality_improvement, 0.015);
  EXPECT_DOUBLE_EQ(high->in_migration_multiplier, 1.2);
  EXPECT_DOUBLE_EQ(FindVariant("principal")->mortality_improvement, 0.01);
  EXPECT_DOUBLE_EQ(FindVariant("zero_improvement")->mortality_improvement, 0.0);
  auto bad = FindVariant("central");
  ASSERT_FALSE(bad.ok());
  for (const auto& v : all) EXPECT_NE(bad.status().message().find(v.name), std::string::npos) << v.name;
}

// A constant qx = q from 65 on gives l(a) = (1-q)^(a-65) and, with deaths mid-year and the open
// 100+ group at constant hazard mu = -ln(1-q):
//   e65 = (1 - q/2) (1 - (1-q)^35) / q + (1-q)^35 / mu.
double ClosedFormE65(double q) {
  return (1 - q / 2) * (1 - std::pow(1 - q, 35)) / q + std::pow(1 - q, 35) / -std::log(1 - q);
}

TEST(PopulationProjection, LifeExpectancyGainClosedForm) {
  auto rates = ZeroRates(1);
  rates.icb_qx.assign(static_cast<size_t>(kSexes) * kAges, 0.05);
  for (int a = 0; a < kAges; ++a) rates.icb_qx[kAges + a] = 0.04;  // women
  std::vector<double> q(kAges, 0.05);
  EXPECT_NEAR(PeriodLifeExpectancy(q.data(), 65), ClosedFormE65(0.05), 1e-12);
  const ProjectionVariant v{"v", 1, 0.02, 1, 1};
  const auto gain = LifeExpectancyGain(rates, v, 10);
  ASSERT_EQ(gain.size(), 22u);
  EXPECT_EQ(gain[0], 0);
  EXPECT_EQ(gain[1], 0);
  for (int k = 1; k <= 10; ++k) {
    const double f = std::pow(0.98, k);
    EXPECT_NEAR(gain[k * 2 + 0], ClosedFormE65(0.05 * f) - ClosedFormE65(0.05), 1e-9) << k;
    EXPECT_NEAR(gain[k * 2 + 1], ClosedFormE65(0.04 * f) - ClosedFormE65(0.04), 1e-9) << k;
    EXPECT_GT(gain[k * 2], gain[(k - 1) * 2]);
  }
  const auto flat = LifeExpectancyGain(rates, *FindVariant("zero_improvement"), 10);
  for (double g : flat) EXPECT_EQ(g, 0);
}

// The profile spec's tiny dataset (tests/context/tiny_dataset.h) on 2024-03-31: p0 (man, 69, Bolton),
// p5 (sex not known, 13, Bolton: half to each sex), p6 (man, 34, Bolton: dies and deregisters that day,
// counted as in the profile), p1 (woman, 74, Bury); p2 unregistered, p3 dead, p4 unborn.
TEST(PopulationProjection, RegisteredPopulationOfTinyDataset) {
  const Dataset ds = icb::testing::TinyDataset();
  const auto g = RegisteredPopulation(ds, D("2024-03-31"));
  ASSERT_EQ(g.places, 2);
  EXPECT_EQ(g.place_names, (std::vector<std::string>{"Bolton", "Bury"}));
  EXPECT_EQ(g.at(0, 0, 69), 1);
  EXPECT_EQ(g.at(0, 0, 34), 1);
  EXPECT_EQ(g.at(0, 0, 13), 0.5);
  EXPECT_EQ(g.at(0, 1, 13), 0.5);
  EXPECT_EQ(g.at(1, 1, 74), 1);
  EXPECT_EQ(g.Total(), 4);
  // A day later p6 has died and p0 has turned 70.
  const auto g2 = RegisteredPopulation(ds, D("2024-04-01"));
  EXPECT_EQ(g2.Total(), 3);
  EXPECT_EQ(g2.at(0, 0, 70), 1);
}

// A hand-built dataset for FY 2022/23 (1 April 2022 to 31 March 2023, 365 days), one place, with
// flat national schedules (mx = qx = 0.01 at every age, fertility 0.05 a year at 15..49) so that the
// expected counts are person-years x rate:
//   99 men born Jan 1960, registered throughout: 99 person-years (PY)
//   1 man dies 2022-10-01 (registration ends 2022-10-15): 184 days, 1 death
//   1 man born Jan 1980 deregisters 2022-12-31, no death: 275 days, 1 out-migrant aged 42
//   1 man born Jan 1985 moves practice (gap 2022-07-01..09): 91 + 265 = 356 days, not a migrant
//   1 man born Mar 1995 first registers 2022-11-01: 151 days, 1 in-migrant aged 27
//   50 women born Jun 1990, registered throughout: 50 PY at ages 31-32
//   1 woman born Jan 1940 dies 2023-01-10, registered to that day: 285 days, 1 death
//   2 girls born Jul 2022, registered 2022-08-01 (31 days): 243 days each, 2 births
//   1 girl born Sep 2022, first registered 2023-02-01 (153 days): 59 days, neither birth nor migrant
// SMR(men) = 1 / (0.01 x (99 + (184 + 275 + 356 + 151) / 365));
// SMR(women) = 1 / (0.01 x (50 + (285 + 2 x 243 + 59) / 365)); GFR = 2 births / 50 PY = 0.04;
// fertility ratio = 2 / (0.05 x 50) = 0.8.
// Out-migration, men 40-44: 1 / (275/365) a year; shrunk towards the ICB rate (the same here) it
// stays; smoothed 1-2-1 with empty neighbours it halves: probability 1 - exp(-(365/275)/2).
// In-migrants, men 25-29: 1 a year = 0.2 per single age; smoothed: 0.05 (20-24), 0.1 (25-29),
// 0.05 (30-34), total 1 kept.
struct HandDataset {
  DatasetBuilder b;
  int n = 0;
  HandDataset() {
    auto& l = b.ds.lsoas;
    l.code.Intern("E01000001");
    l.name.push_back("Alpha 001A");
    l.place_code.push_back("E08000001");
    l.place_name.push_back("Alpha");
    l.sub_icb.push_back("00T");
    l.imd_decile.push_back(5);
    l.imd_quintile.push_back(3);
    auto& pr = b.ds.practices;
    for (const char* code : {"A00001", "A00002"}) {
      pr.code.Intern(code);
      pr.name.push_back(code);
      pr.pcn_code.push_back("U1");
      pr.pcn_name.push_back("PCN");
      pr.sub_icb.push_back("00T");
      pr.place_name.push_back("Alpha");
    }
  }
  uint32_t Person(int32_t birth, uint8_t sex, int32_t death) {
    std::string id = std::to_string(n++);
    id.append("-hand");
    return b.AddPerson(Sha256Of(id), birth, sex, 0, 0, death);
  }
  void Reg(uint32_t person, uint32_t practice, int32_t start, int32_t end) {
    b.ds.registrations.practice.push_back(practice);
    b.ds.registrations.start.push_back(start);
    b.ds.registrations.end.push_back(end);
    b.registration_person.push_back(person);
  }
  Dataset Build() {
    const uint8_t male = 1, female = 2;
    for (int i = 0; i < 99; ++i) Reg(Person(YM("1960-01"), male, kNoDate), 0, D("2000-01-01"), kNoDate);
    Reg(Person(YM("1950-05"), male, D("2022-10-01")), 0, D("2000-01-01"), D("2022-10-15"));
    Reg(Person(YM("1980-01"), male, kNoDate), 0, D("2010-01-01"), D("2022-12-31"));
    const uint32_t mover = Person(YM("1985-01"), male, kNoDate);
    Reg(mover, 0, D("2005-01-01"), D("2022-06-30"));
    Reg(mover, 1, D("2022-07-10"), kNoDate);
    Reg(Person(YM("1995-03"), male, kNoDate), 1, D("2022-11-01"), kNoDate);
    for (int i = 0; i < 50; ++i) Reg(Person(YM("1990-06"), female, kNoDate), 1, D("2010-01-01"), kNoDate);
    Reg(Person(YM("1940-01"), female, D("2023-01-10")), 1, D("2000-01-01"), D("2023-01-10"));
    for (int i = 0; i < 2; ++i) Reg(Person(YM("2022-07"), female, kNoDate), 0, D("2022-08-01"), kNoDate);
    Reg(Person(YM("2022-09"), female, kNoDate), 0, D("2023-02-01"), kNoDate);
    auto r = b.Finish();
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return std::move(r).value();
  }
};

ComponentReference FlatReference() {
  ComponentReference ref;
  for (int s = 0; s < kSexes; ++s)
    for (int a = 0; a < kAges; ++a) ref.qx[s][a] = ref.mx[s][a] = 0.01;
  for (int a = 15; a <= 49; ++a) ref.asfr[a] = 0.05;
  ref.life_table_source = "flat";
  ref.asfr_source = "flat";
  return ref;
}

TEST(PopulationProjection, RatesFromHandBuiltDataset) {
  const Dataset ds = HandDataset().Build();
  auto rates = EstimateComponentRates(ds, 2023, 1, FlatReference());
  ASSERT_TRUE(rates.ok()) << rates.status().ToString();
  const double men_py = 99 + (184.0 + 275 + 356 + 151) / 365;
  const double women_py = 50 + (285.0 + 2 * 243 + 59) / 365;
  EXPECT_EQ(rates->deaths[0], 1);
  EXPECT_EQ(rates->deaths[1], 1);
  EXPECT_NEAR(rates->icb_smr[0], 1 / (0.01 * men_py), 1e-12);
  EXPECT_NEAR(rates->icb_smr[1], 1 / (0.01 * women_py), 1e-12);
  EXPECT_NEAR(rates->qx[At(0, 0, 70)], 0.01 / (0.01 * men_py), 1e-12);  // 1 death, fewer than 100: ICB SMR
  EXPECT_EQ(rates->births, 2);
  EXPECT_NEAR(rates->gfr, 0.04, 1e-12);
  EXPECT_NEAR(rates->fertility_ratio[0], 0.8, 1e-12);
  EXPECT_NEAR(rates->fertility[30], 0.05 * 0.8, 1e-12);
  EXPECT_EQ(rates->fertility[14], 0);
  EXPECT_NEAR(rates->out_migration[At(0, 0, 42)], 1 - std::exp(-(365.0 / 275) / 2), 1e-12);
  EXPECT_NEAR(rates->out_migration[At(0, 0, 37)], 1 - std::exp(-(365.0 / 275) / 4), 1e-12);
  EXPECT_EQ(rates->out_migration[At(0, 1, 42)], 0);
  EXPECT_NEAR(rates->in_migrants[At(0, 0, 27)], 0.1, 1e-12);
  EXPECT_NEAR(rates->in_migrants[At(0, 0, 22)], 0.05, 1e-12);
  EXPECT_NEAR(rates->in_migrants[At(0, 0, 32)], 0.05, 1e-12);
  double in_total = 0;
  for (double x : rates->in_migrants) in_total += x;
  EXPECT_NEAR(in_total, 1.0, 1e-12);
  ASSERT_FALSE(rates->notes.empty());
  EXPECT_NE(rates->notes[0].find("from 1 deaths"), std::string::npos) << rates->notes[0];
  // The baseline: everyone alive and registered on 2023-03-31 except the two who died and the one who left.
  const auto base = RegisteredPopulation(ds, D("2023-03-31"));
  EXPECT_EQ(base.Total(), 99 + 1 + 1 + 50 + 3);
  EXPECT_TRUE(CheckProjectionInputs(base, *rates).ok());
}

TEST(PopulationProjection, EstimationRefusesBadWindow) {
  const Dataset ds = HandDataset().Build();
  EXPECT_EQ(EstimateComponentRates(ds, 2023, 0, FlatReference()).status().code(), StatusCode::kInvalidInput);
  auto empty = EstimateComponentRates(ds, 1990, 1, FlatReference());
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.status().message().find("no registered person-time"), std::string::npos);
}

// The shipped schedules load; the interpolated fertility keeps each published group's mean
// (ONS Births in England and Wales: 2019, data/forecast/README.md), so 5 x the sum of the group
// rates (the TFR, 1.65) is preserved.
TEST(PopulationProjection, ShippedReferenceLoads) {
  auto ref = LoadComponentReference(DefaultReferenceDir(), DefaultForecastDataDir());
  ASSERT_TRUE(ref.ok()) << ref.status().ToString();
  EXPECT_NEAR(ref->qx[0][0], 0.004273, 0.002);  // ONS NLT 2017-19, males at 0: about 4 per 1,000
  double tfr = 0;
  for (int a = 0; a < kAges; ++a) tfr += ref->asfr[a];
  EXPECT_NEAR(tfr, 5 * (11.2 + 50.0 + 88.1 + 104.4 + 59.6 + 16.5) / 1000, 1e-12);
  double group = 0;
  for (int a = 30; a <= 34; ++a) group += ref->asfr[a];
  EXPECT_NEAR(group / 5, 0.1044, 1e-12);
  for (int a = 15; a <= 44; ++a) EXPECT_GE(ref->asfr[a], 0);
  EXPECT_GT(ref->asfr[32], ref->asfr[22]);
  auto missing = LoadComponentReference("/nonexistent", DefaultForecastDataDir());
  EXPECT_FALSE(missing.ok());
}

// A 20,000-person synthetic ICB (FY 2020/21-2022/23): rates in plausible ranges, a ten-year principal
// projection that changes by less than 10% a year, and results that do not depend on the thread count.
TEST(PopulationProjection, SyntheticIcbIsPlausible) {
  const auto& fx = synth::testing::SharedFixture();
  IngestReport report;
  DataQuality dq;
  auto ds = ReadContract(fx.out, HmacKey::FromBytes(std::string(32, 'k')), report, dq);
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  const int32_t as_at = D("2023-03-31");
  SetThreadCount(1);
  const auto base1 = RegisteredPopulation(*ds, as_at);
  auto rates1 = EstimateComponentRates(*ds, 2023, 3);
  SetThreadCount(2);
  const auto base = RegisteredPopulation(*ds, as_at);
  auto rates = EstimateComponentRates(*ds, 2023, 3);
  SetThreadCount(0);
  ASSERT_TRUE(rates.ok()) << rates.status().ToString();
  ASSERT_TRUE(rates1.ok());
  EXPECT_EQ(base1.people, base.people);
  EXPECT_EQ(rates1->qx, rates->qx);
  EXPECT_EQ(rates1->in_migrants, rates->in_migrants);
  EXPECT_EQ(rates1->notes, rates->notes);
  EXPECT_GT(base.Total(), 15000);
  EXPECT_LT(base.Total(), 25000);
  for (int s = 0; s < kSexes; ++s) {
    EXPECT_GT(rates->icb_smr[s], 0.6) << s;  // Greater Manchester: above England, not wildly
    EXPECT_LT(rates->icb_smr[s], 1.8) << s;
  }
  EXPECT_GT(rates->gfr, 0.03);  // England 2019: about 0.058 per woman aged 15-44
  EXPECT_LT(rates->gfr, 0.09);
  for (const auto& note : rates->notes)  // the ICB-wide lines, for a reader of the test log
    if (note.find(", ICB") != std::string::npos) std::printf("  %s\n", note.c_str());
  ASSERT_TRUE(CheckProjectionInputs(base, *rates).ok());
  const auto proj = ProjectPopulation(base, *rates, *FindVariant("principal"), 2023, 10);
  for (size_t k = 1; k < proj.years.size(); ++k) {
    const double prev = proj.years[k - 1].Total(), now = proj.years[k].Total();
    EXPECT_LT(std::abs(now - prev) / prev, 0.10) << "year " << k;
  }
  std::printf("  baseline %.1f; +10 years %.1f; year 1 births %.1f deaths %.1f in %.1f out %.1f\n", base.Total(),
              proj.years.back().Total(), proj.births[0], proj.deaths[0], proj.in_migrants[0], proj.out_migrants[0]);
  const auto le = LifeExpectancyGain(*rates, *FindVariant("principal"), 10);
  EXPECT_GT(le[20], 0.3);  // ten years of 1% a year: roughly half a year at 65
  EXPECT_LT(le[20], 1.5);
}

}  // namespace
}  // namespace icb::forecast
