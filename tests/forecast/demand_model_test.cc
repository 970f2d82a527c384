// Demand model specs on tiny hand-built baselines: what each change factor does to the principal
// run (exact expectations, following NHP's model: nhp_model src/nhp/model/activity_resampling.py,
// model.py::activity_avoidance, inpatients.py efficiencies), the Monte Carlo runs' agreement with
// it, the exact additivity of the waterfall, and independence from the thread count.
#include "forecast/demand_model.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/parallel.h"

namespace icb::forecast {
namespace {

constexpr int kBase = 2024, kHorizon = 2030, kH = kHorizon - kBase;
int I(ActivityType t) { return static_cast<int>(t); }

// Two places; non-elective spells one per row (NHP's shape), some tagged with a strategy;
// elective spells; aggregated outpatient, A&E and community cells.
ActivityTable TinyBaseline() {
  ActivityTable t;
  t.baseline_year = kBase;
  t.place_names = {"North", "South"};
  t.provider_names = {"Trust"};
  const int acsc = t.StrategyIndex("acsc");
  for (int i = 0; i < 40; ++i) {
    t.AddRow(ActivityType::kNonElective, 60 + i % 30, i % 2, 1 + i % 5, 4, i % 2, 0, 1, i % 4, 300000);
    if (i % 3 != 0) t.AddStrategy(acsc, i % 2 ? 1.0f : 0.5f);
    t.EndRow();
  }
  for (int i = 0; i < 20; ++i) {
    t.AddRow(ActivityType::kElective, 40 + i, i % 2, 3, 1, i % 2, 0, 1, 2, 250000);
    t.EndRow();
  }
  for (int a = 0; a < 100; a += 10) {
    t.AddRow(ActivityType::kOpFirst, a, 0, 2, 1, 0, 0, 30, 0, 16000);
    t.EndRow();
    t.AddRow(ActivityType::kAe, a, 1, 4, 3, 1, 0, 25, 0, 20000);
    t.EndRow();
    t.AddRow(ActivityType::kCommunity, a, 1, 1, 4, 1, 0, 50, 0, 6000);
    t.EndRow();
  }
  return t;
}

Scenario NoChangeScenario(int runs = 200) {
  Scenario s;
  s.seed = 84308;
  s.runs = runs;
  s.baseline_year = kBase;
  s.horizon_year = kHorizon;
  s.health_status_adjustment = false;
  s.segment_transitions = false;
  return s;
}

// Population by place: North grows 2% a year at ages 65+, South shrinks 1% a year at all ages.
PopulationProjection Projection() {
  PopulationProjection p;
  p.baseline_year = kBase;
  p.variant = "principal";
  for (int k = 0; k <= kH; ++k) {
    PopulationGrid g(2, {"North", "South"});
    for (int s = 0; s < kSexes; ++s) {
      for (int a = 0; a < kAges; ++a) {
        g.at(0, s, a) = 1000.0 * (a >= 65 ? 1.0 + 0.02 * k : 1.0);
        g.at(1, s, a) = 800.0 * (1.0 - 0.01 * k);
      }
    }
    p.years.push_back(std::move(g));
  }
  return p;
}

// The projection's ratio for a row: population in year k over the baseline's, for the place and sex,
// summed over the five single years of age centred on the row's (kDemographyWindow; at the ends of the
// age range the five nearest years).
double Ratio(int place, int age, int k) {
  const PopulationProjection p = Projection();
  const int lo = std::max(0, std::min(age - 2, kMaxAge - 4));
  double num = 0, den = 0;
  for (int a = lo; a <= lo + 4; ++a) {
    num += p.years[static_cast<size_t>(k)].at(place, 0, a);
    den += p.years[0].at(place, 0, a);
  }
  return num / den;
}

ForecastResult Forecast(const ActivityTable& t, const DemandContext& c, const Scenario& s, RunOptions o = {}) {
  auto r = RunForecast(t, c, s, o);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(r).value() : ForecastResult{};
}

TEST(DemandModel, NoChangeFactorsReproducesTheBaseline) {
  const ActivityTable t = TinyBaseline();
  const ForecastResult r = Forecast(t, {}, NoChangeScenario());
  const ActivityTotals base = SumActivity(t);
  for (int k = 0; k <= kH; ++k) {
    for (int ty = 0; ty < kActivityTypeCount; ++ty) {
      const auto type = static_cast<ActivityType>(ty);
      EXPECT_DOUBLE_EQ(r.Total(0, k, type, Measure::kUnits), base.units[ty]) << ty << " " << k;
      EXPECT_DOUBLE_EQ(r.Total(0, k, type, Measure::kBedDays), base.bed_days[ty]) << ty << " " << k;
      EXPECT_DOUBLE_EQ(r.Total(0, k, type, Measure::kCostPence), base.cost_pence[ty]) << ty << " " << k;
    }
  }
  // Monte Carlo: a Poisson total has variance equal to its mean, so the mean over N runs is within
  // 4 standard errors sqrt(mean / N) of the baseline.
  for (ActivityType type : {ActivityType::kNonElective, ActivityType::kElective, ActivityType::kOpFirst,
                            ActivityType::kAe, ActivityType::kCommunity}) {
    const Summary s = Summarise(r, kH, type, Measure::kUnits);
    const double b = base.units[I(type)];
    EXPECT_NEAR(s.mean, b, 4 * std::sqrt(b / r.runs)) << ActivityTypeName(type);
    EXPECT_LT(s.p10, s.p90);
    // Units in Monte Carlo runs are whole numbers.
    EXPECT_EQ(r.Total(1, kH, type, Measure::kUnits), std::round(r.Total(1, kH, type, Measure::kUnits)));
  }
}

TEST(DemandModel, DemographyOnlyScalesByThePopulationRatio) {
  const ActivityTable t = TinyBaseline();
  DemandContext c;
  c.variants = {Projection()};
  const ForecastResult r = Forecast(t, c, NoChangeScenario(0));
  for (int k = 1; k <= kH; ++k) {
    std::array<double, kActivityTypeCount> want{};
    std::array<double, 2> want_place{};
    for (size_t i = 0; i < t.size(); ++i) {
      const double x = t.count[i] * Ratio(t.place[i], t.age[i], k);
      want[t.type[i]] += x;
      if (k == kH && t.type[i] == I(ActivityType::kAe)) want_place[t.place[i]] += x;
    }
    for (int ty = 0; ty < kActivityTypeCount; ++ty) {
      EXPECT_NEAR(r.Total(0, k, static_cast<ActivityType>(ty), Measure::kUnits), want[ty], 1e-9 * (1 + want[ty]));
    }
    if (k == kH) {
      // Horizon breakdown by place: [run][place][type][units, cost].
      for (int pl = 0; pl < 2; ++pl) {
        EXPECT_NEAR(r.by_place[((0 * 2 + pl) * kActivityTypeCount + I(ActivityType::kAe)) * 2], want_place[pl], 1e-9);
      }
    }
  }
  EXPECT_DOUBLE_EQ(r.population[kH], Projection().years[kH].Total());
}

Scenario CommunityShift(int runs) {
  Scenario s = NoChangeScenario(runs);
  Mitigator m;
  m.name = "acsc_to_community";
  m.filter.types = {ActivityType::kNonElective};
  m.filter.strategy = "acsc";
  m.reduction = Distribution::Fixed(0.2);
  m.phasing = {kBase + 1, kBase + 1};
  Receiving rc;
  rc.type = ActivityType::kCommunity;
  rc.units_per_avoided = Distribution::Fixed(3.0);
  rc.cost_pence = 4000;
  m.receiving = {rc};
  s.mitigators = {m};
  return s;
}

TEST(DemandModel, HospitalToCommunityMitigatorReHomesAvoidedActivity) {
  const ActivityTable t = TinyBaseline();
  const ForecastResult r = Forecast(t, {}, CommunityShift(50));
  // Principal run: avoided = sum over tagged rows of count x sample rate x reduction.
  double avoided = 0, avoided_bed_days = 0;
  for (size_t i = 0; i < t.size(); ++i) {
    if (t.strategy_offsets[i + 1] > t.strategy_offsets[i]) {
      avoided += t.count[i] * t.strategy_rates[t.strategy_offsets[i]] * 0.2;
      avoided_bed_days += t.count[i] * t.strategy_rates[t.strategy_offsets[i]] * 0.2 * t.los[i];
    }
  }
  const ActivityTotals base = SumActivity(t);
  const auto nel = ActivityType::kNonElective, com = ActivityType::kCommunity;
  EXPECT_NEAR(r.avoided_units[0], avoided, 1e-12);
  EXPECT_NEAR(r.Total(0, kH, nel, Measure::kUnits), base.units[I(nel)] - avoided, 1e-9);
  EXPECT_NEAR(r.Total(0, kH, nel, Measure::kBedDays), base.bed_days[I(nel)] - avoided_bed_days, 1e-9);
  EXPECT_NEAR(r.Total(0, kH, com, Measure::kUnits), base.units[I(com)] + 3 * avoided, 1e-9);
  EXPECT_NEAR(r.Total(0, kH, com, Measure::kCostPence), base.cost_pence[I(com)] + 3 * avoided * 4000, 1e-6);
  // Every Monte Carlo run: received = avoided x ratio, exactly, and avoided is a whole number.
  for (int run = 1; run <= r.runs; ++run) {
    const double a = r.avoided_units[run];
    EXPECT_EQ(a, std::round(a));
    EXPECT_EQ(r.received_units[run * kActivityTypeCount + I(com)], a * 3.0);
    EXPECT_EQ(r.received_cost[run * kActivityTypeCount + I(com)], a * 3.0 * 4000);
  }
}

Scenario Everything(int runs) {
  Scenario s = CommunityShift(runs);
  s.non_demographic_growth[I(ActivityType::kAe)] = Distribution::Interval80(0.0121, 0.0141);  // NHP A&E, variant 2
  s.non_demographic_growth[I(ActivityType::kNonElective)] = Distribution::Interval80(-0.0045, 0.0017);
  s.mitigators[0].reduction = Distribution::Interval80(0.1, 0.3);
  Efficiency los;
  los.name = "los_reduction";
  los.kind = Efficiency::Kind::kLengthOfStay;
  los.value = Distribution::Interval80(0.1, 0.3);
  los.phasing = {kBase + 1, kBase + 4};
  Efficiency dc;
  dc.name = "day_case";
  dc.kind = Efficiency::Kind::kDayCaseConversion;
  dc.value = Distribution::Fixed(0.25);
  s.efficiencies = {los, dc};
  s.cost.inflation = Distribution::Interval80(0.02, 0.04);
  s.cost.efficiency = Distribution::Fixed(0.011);
  return s;
}

TEST(DemandModel, WaterfallStepsSumExactlyToTheHorizon) {
  const ActivityTable t = TinyBaseline();
  DemandContext c;
  c.variants = {Projection()};
  const ForecastResult r = Forecast(t, c, Everything(30));
  for (int run = 0; run <= r.runs; ++run) {
    for (int ty = 0; ty < kActivityTypeCount; ++ty) {
      for (int cost = 0; cost < 2; ++cost) {
        const auto& wf = cost ? r.waterfall_cost : r.waterfall_units;
        const size_t at = (static_cast<size_t>(run) * kActivityTypeCount + ty) * kStepCount;
        double sum = 0;
        for (int st = 0; st < kStepCount - 1; ++st) sum += wf[at + st];
        EXPECT_EQ(sum, wf[at + kStepCount - 1]) << run << " " << ty;
        EXPECT_EQ(wf[at + kStepCount - 1],
                  r.Total(run, kH, static_cast<ActivityType>(ty), cost ? Measure::kCostPence : Measure::kUnits));
      }
      // Price changes cost only; the principal run has no resampling noise.
      EXPECT_EQ(r.waterfall_units[(static_cast<size_t>(run) * kActivityTypeCount + ty) * kStepCount +
                                  static_cast<int>(Step::kPrice)], 0.0);
    }
  }
  EXPECT_NEAR(r.waterfall_units[I(ActivityType::kAe) * kStepCount + static_cast<int>(Step::kResampling)], 0.0, 1e-9);
}

TEST(DemandModel, IdenticalAtOneAndTwoThreads) {
  const ActivityTable t = TinyBaseline();
  DemandContext c;
  c.variants = {Projection()};
  SetThreadCount(1);
  const ForecastResult a = Forecast(t, c, Everything(40));
  SetThreadCount(2);
  const ForecastResult b = Forecast(t, c, Everything(40));
  SetThreadCount(0);
  EXPECT_EQ(a.totals, b.totals);  // bitwise: every run has its own streams and output slots
  EXPECT_EQ(a.waterfall_cost, b.waterfall_cost);
  EXPECT_EQ(a.by_imd, b.by_imd);
  EXPECT_EQ(a.received_units, b.received_units);
}

TEST(DemandModel, LengthOfStayHalvesBedDaysAndDayCasesMoveSpells) {
  const ActivityTable t = TinyBaseline();
  Scenario s = NoChangeScenario(0);
  Efficiency los;
  los.name = "los";
  los.kind = Efficiency::Kind::kLengthOfStay;
  los.filter.types = {ActivityType::kNonElective};
  los.value = Distribution::Fixed(0.5);
  Efficiency dc;
  dc.name = "dc";
  dc.kind = Efficiency::Kind::kDayCaseConversion;
  dc.value = Distribution::Fixed(0.25);
  s.efficiencies = {los, dc};
  const ForecastResult r = Forecast(t, {}, s);
  const ActivityTotals base = SumActivity(t);
  const auto nel = ActivityType::kNonElective, el = ActivityType::kElective, dcase = ActivityType::kDayCase;
  EXPECT_DOUBLE_EQ(r.Total(0, kH, nel, Measure::kBedDays), 0.5 * base.bed_days[I(nel)]);
  EXPECT_DOUBLE_EQ(r.Total(0, kH, nel, Measure::kUnits), base.units[I(nel)]);  // spells stay
  EXPECT_DOUBLE_EQ(r.Total(0, kH, el, Measure::kUnits), 0.75 * base.units[I(el)]);
  EXPECT_DOUBLE_EQ(r.Total(0, kH, dcase, Measure::kUnits), 0.25 * base.units[I(el)]);
  EXPECT_DOUBLE_EQ(r.Total(0, kH, el, Measure::kBedDays), 0.75 * base.bed_days[I(el)]);  // converted spells' bed days go
  EXPECT_EQ(r.Total(0, kH, dcase, Measure::kBedDays), 0.0);
}

TEST(DemandModel, CompactActivityChangesNoPrincipalResult) {
  ActivityTable t = TinyBaseline();
  // Duplicate every row once more: the compact table has the original row count, doubled counts.
  ActivityTable twice = t;
  for (size_t i = 0; i < t.size(); ++i) {
    twice.AddRow(static_cast<ActivityType>(t.type[i]), t.age[i], t.sex[i], t.imd_quintile[i], t.segment[i], t.place[i],
                 t.provider[i], t.count[i], t.los[i], t.cost_pence[i]);
    for (uint64_t j = t.strategy_offsets[i]; j < t.strategy_offsets[i + 1]; ++j) twice.AddStrategy(t.strategy_ids[j], t.strategy_rates[j]);
    twice.EndRow();
  }
  const ActivityTable compact = CompactActivity(twice);
  ASSERT_TRUE(compact.Validate().ok());
  EXPECT_LT(compact.size(), twice.size());
  DemandContext c;
  c.variants = {Projection()};
  const ForecastResult a = Forecast(twice, c, Everything(0));
  const ForecastResult b = Forecast(compact, c, Everything(0));
  ASSERT_EQ(a.totals.size(), b.totals.size());
  for (size_t i = 0; i < a.totals.size(); ++i) EXPECT_NEAR(a.totals[i], b.totals[i], 1e-9 * (1 + std::fabs(a.totals[i]))) << i;
}

TEST(DemandModel, HorizonOnlyMatchesTheTrajectoryAtTheHorizon) {
  const ActivityTable t = TinyBaseline();
  DemandContext c;
  c.variants = {Projection()};
  RunOptions o;
  o.horizon_only = true;
  const ForecastResult a = Forecast(t, c, Everything(5), o);
  const ForecastResult b = Forecast(t, c, Everything(5));
  EXPECT_TRUE(std::isnan(a.Total(0, 1, ActivityType::kAe, Measure::kUnits)));
  // The horizon year's random streams are keyed by year, so the horizon is the same either way.
  for (int run = 0; run <= 5; ++run) {
    for (int ty = 0; ty < kActivityTypeCount; ++ty) {
      EXPECT_EQ(a.Total(run, kH, static_cast<ActivityType>(ty), Measure::kUnits),
                b.Total(run, kH, static_cast<ActivityType>(ty), Measure::kUnits));
    }
  }
}

TEST(DemandModel, HealthStatusAdjustmentShiftsTheAgeCurve) {
  // Rates rising with age; a 2-year life-expectancy gain fully in good health (ratio 1) gives a
  // 70-year-old the rate of a 68-year-old (NHP: ages 55-90 only).
  ActivityTable t;
  t.baseline_year = kBase;
  t.place_names = {"North"};
  for (int a = 50; a <= 95; ++a) {
    t.AddRow(ActivityType::kElective, a, 0, 1, 1, 0, 0, a, 1, 1000);  // units = age, population 1000 each
    t.EndRow();
  }
  DemandContext c;
  c.baseline_population_by_age_sex.assign(kSexes * kAges, 1000.0);
  c.le_gain = {std::vector<double>((kH + 1) * 2, 2.0)};
  Scenario s = NoChangeScenario(0);
  s.health_status_adjustment = true;
  s.hsa_ratio = Distribution::Fixed(1.0);
  const ForecastResult r = Forecast(t, c, s);
  double want = 0;
  for (int a = 50; a <= 95; ++a) want += (a >= 55 && a <= 90) ? a - 2.0 : a;
  EXPECT_NEAR(r.Total(0, kH, ActivityType::kElective, Measure::kUnits), want, 1e-9);
}

TEST(DemandModel, SummariseUsesType7Quantiles) {
  ForecastResult r;
  r.baseline_year = kBase;
  r.horizon_year = kBase + 1;
  r.runs = 5;
  r.totals.assign(6 * 2 * kActivityTypeCount * kMeasureCount, 0.0);
  for (int run = 0; run <= 5; ++run) r.totals[((run * 2 + 1) * kActivityTypeCount + 0) * kMeasureCount] = run == 0 ? 9 : 6 - run;
  const Summary s = Summarise(r, 1, ActivityType::kAe, Measure::kUnits);
  // Hyndman & Fan (1996) type 7 on {1,2,3,4,5}: Q(0.1) = 1.4, Q(0.5) = 3, Q(0.9) = 4.6.
  EXPECT_DOUBLE_EQ(s.principal, 9);
  EXPECT_DOUBLE_EQ(s.mean, 3);
  EXPECT_DOUBLE_EQ(s.p10, 1.4);
  EXPECT_DOUBLE_EQ(s.p50, 3);
  EXPECT_DOUBLE_EQ(s.p90, 4.6);
}

}  // namespace
}  // namespace icb::forecast
