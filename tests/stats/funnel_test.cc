// Funnel plots against PHEindicatormethods 2.1.0's own test expectations
// (github.com/ukhsa-collaboration/PHEindicatormethods, tests/testthat/testFunnels.R and the
// testdata_funnel_*.csv files it reads; copied, trimmed, to tests/data/stats/, see README.md there).
#include "stats/funnel.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "stats/input_table.h"

namespace icb::stats {
namespace {

InputTable Load(const std::string& name) {
  auto t = InputTable::Read(std::string(ICB_TEST_DATA_DIR) + "/stats/" + name);
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return std::move(t).value();
}

double Num(const InputTable& t, size_t row, const std::string& col) {
  auto c = t.Column(col);
  EXPECT_TRUE(c.ok()) << col;
  auto v = t.Number(row, *c);
  EXPECT_TRUE(v.ok());
  return v->has_value() ? **v : std::nan("");
}

std::string Text(const InputTable& t, size_t row, const std::string& col) { return t.cell(row, *t.Column(col)); }

FunnelSignificance Code(const std::string& code) {
  static const std::map<std::string, FunnelSignificance> kCodes = {
      {"H001", FunnelSignificance::kHigh001}, {"H025", FunnelSignificance::kHigh025},
      {"L001", FunnelSignificance::kLow001},  {"L025", FunnelSignificance::kLow025},
      {"NS", FunnelSignificance::kNotSignificant}, {"NA10", FunnelSignificance::kNotApplicableDsr}};
  return kCodes.at(code);
}

// Relative closeness at the precision the reference prints (6 to 10 significant digits).
void ExpectNear(double expected, double actual, double rel, const std::string& what) {
  EXPECT_NEAR(actual, expected, std::max(1e-6, std::fabs(expected) * rel)) << what;
}

TEST(Funnel, RoundHalfEvenIsRsRound) {
  EXPECT_EQ(RoundHalfEven(0.5), 0);
  EXPECT_EQ(RoundHalfEven(1.5), 2);
  EXPECT_EQ(RoundHalfEven(2.5), 2);
  EXPECT_EQ(RoundHalfEven(-2.5), -2);
  EXPECT_EQ(RoundHalfEven(2.6), 3);
}

TEST(Funnel, SignifFloorAndCeiling) {
  // Worked from the PHE axis rules (docs/reference/stats-variation.md): max denominator 102950 gives 110000
  // (testdata_funnel_prop_outputs.csv's last row), 367088.6 per year gives 390000.
  EXPECT_EQ(FunnelSignifCeiling(102950), 110000);
  EXPECT_EQ(FunnelSignifCeiling(367088.6075949367), 390000);
  EXPECT_EQ(FunnelSignifCeiling(706.7669173), 750);
  EXPECT_EQ(FunnelSignifFloor(16386), 10000);  // floor(0.95 x) = 15566 has 5 digits: k = 4
  // R formats 100000 as "1e+05" (5 characters), so k is one smaller; the result is unchanged here.
  EXPECT_EQ(FunnelSignifFloor(100000 / 0.95), 100000);
}

TEST(Funnel, ProportionLimitsMatchPheTable) {
  // testFunnels.R "confidence limits calculate correctly for proportions" (multiplier 100).
  const InputTable in = Load("phe_funnel_prop_inputs.csv");
  const InputTable out = Load("phe_funnel_prop_outputs.csv");
  std::vector<FunnelUnit> units;
  for (size_t i = 0; i < in.row_count(); ++i) units.push_back({Num(in, i, "numerator"), Num(in, i, "denominator")});
  FunnelOptions o;
  o.statistic = FunnelStatistic::kProportion;
  o.multiplier = 100;
  auto r = CalculateFunnel(units, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->limits.size(), 100u);
  ASSERT_EQ(out.row_count(), 100u);
  for (size_t j = 0; j < 100; ++j) {
    const auto& row = r->limits[j];
    const std::string at = "row " + std::to_string(j + 1);
    EXPECT_EQ(row.axis, Num(out, j, "Population")) << at;
    EXPECT_NEAR(row.lower95, Num(out, j, "Lower2s0025limit"), 1e-6) << at;
    EXPECT_NEAR(row.upper95, Num(out, j, "Upper2s0025limit"), 1e-6) << at;
    EXPECT_NEAR(row.lower998, Num(out, j, "Lower3s0001limit"), 1e-6) << at;
    EXPECT_NEAR(row.upper998, Num(out, j, "Upper3s0001limit"), 1e-6) << at;
    EXPECT_NEAR(row.baseline, Num(out, j, "Baseline"), 1e-6) << at;
  }
}

TEST(Funnel, ProportionSignificanceMatchesPhe) {
  // testFunnels.R "Significance for proportions calculates correctly".
  const InputTable in = Load("phe_funnel_prop_inputs.csv");
  std::vector<FunnelUnit> units;
  for (size_t i = 0; i < in.row_count(); ++i) units.push_back({Num(in, i, "numerator"), Num(in, i, "denominator")});
  FunnelOptions o;
  auto r = CalculateFunnel(units, o);
  ASSERT_TRUE(r.ok());
  int checked = 0;
  for (size_t i = 0; i < in.row_count(); ++i) {
    EXPECT_EQ(FunnelSignificanceLabel(r->units[i].significance),
              FunnelSignificanceLabel(Code(Text(in, i, "significance"))))
        << "unit " << i + 1;
    ++checked;
    // The unit lies outside its own limits exactly when it is significant.
    const auto& u = r->units[i];
    const bool outside95 = u.value < u.limits95.lower || u.value > u.limits95.upper;
    EXPECT_EQ(outside95, u.significance != FunnelSignificance::kNotSignificant) << "unit " << i + 1;
  }
  EXPECT_EQ(checked, 303);
}

TEST(Funnel, ProportionErrorsNameTheUnit) {
  FunnelOptions o;
  auto r = CalculateFunnel({{65, 100}, {80, 100}, {30, 20}}, o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("unit 3"), std::string::npos);
  EXPECT_NE(r.status().message().find("less than or equal to denominator"), std::string::npos);
  EXPECT_FALSE(CalculateFunnel({{65, 100}, {80, 0}}, o).ok());
  EXPECT_FALSE(CalculateFunnel({{-1, 100}}, o).ok());
}

FunnelResult RatioFunnel(FunnelRatioType type, FunnelPoisson poisson) {
  const InputTable in = Load("phe_funnel_ratio_inputs.csv");
  std::vector<FunnelUnit> units;
  for (size_t i = 0; i < in.row_count(); ++i) units.push_back({Num(in, i, "obs"), Num(in, i, "expected")});
  FunnelOptions o;
  o.statistic = FunnelStatistic::kRatio;
  o.ratio_type = type;
  o.poisson = poisson;
  auto r = CalculateFunnel(units, o);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return std::move(r).value();
}

TEST(Funnel, RatioLimitsMatchPheBisectionToPrintedPrecision) {
  // testFunnels.R "confidence limits calculate correctly for ratios (isr)" and "(count)";
  // expected values printed to 10 significant digits.
  const InputTable out = Load("phe_funnel_ratio_outputs.csv");
  const FunnelResult isr = RatioFunnel(FunnelRatioType::kIsr, FunnelPoisson::kPheBisection);
  const FunnelResult count = RatioFunnel(FunnelRatioType::kCount, FunnelPoisson::kPheBisection);
  ASSERT_EQ(isr.limits.size(), 100u);
  ASSERT_EQ(out.row_count(), 100u);
  for (size_t j = 0; j < 100; ++j) {
    const auto& row = isr.limits[j];
    const std::string at = "row " + std::to_string(j + 1);
    EXPECT_EQ(row.axis, Num(out, j, "observed")) << at;
    ExpectNear(Num(out, j, "lower_2s_exp_events"), row.lower95_x, 1e-9, at);
    ExpectNear(Num(out, j, "upper_2s_exp_events"), row.upper95_x, 1e-9, at);
    ExpectNear(Num(out, j, "lower_3s_exp_events"), row.lower998_x, 1e-9, at);
    ExpectNear(Num(out, j, "upper_3s_exp_events"), row.upper998_x, 1e-9, at);
    ExpectNear(Num(out, j, "lower_2s_isr"), row.lower95, 1e-9, at);
    ExpectNear(Num(out, j, "upper_2s_isr"), row.upper95, 1e-9, at);
    ExpectNear(Num(out, j, "lower_3s_isr"), row.lower998, 1e-9, at);
    ExpectNear(Num(out, j, "upper_3s_isr"), row.upper998, 1e-9, at);
    EXPECT_NEAR(count.limits[j].lower95, row.lower95 / 100 - 1, 1e-12) << at;
    EXPECT_NEAR(count.limits[j].upper998, row.upper998 / 100 - 1, 1e-12) << at;
  }
  EXPECT_EQ(isr.baseline, 100);
  EXPECT_EQ(count.baseline, 0);
}

TEST(Funnel, RatioExactOptionIsCloseToBisection) {
  // The bisection differs from exact chi-square quantiles by at most ~5e-5 relative
  // (docs/reference/stats-methods.md 3.8).
  const FunnelResult bis = RatioFunnel(FunnelRatioType::kIsr, FunnelPoisson::kPheBisection);
  const FunnelResult exact = RatioFunnel(FunnelRatioType::kIsr, FunnelPoisson::kExact);
  double worst = 0;
  for (size_t j = 0; j < 100; ++j) {
    for (auto [a, b] : {std::pair{bis.limits[j].lower95_x, exact.limits[j].lower95_x},
                        std::pair{bis.limits[j].upper998_x, exact.limits[j].upper998_x}})
      worst = std::max(worst, std::fabs(a - b) / b);
  }
  EXPECT_LT(worst, 5e-5);
  EXPECT_GT(worst, 0);  // they are different methods
}

TEST(Funnel, BisectionResolutionIsAboutThreeInTenMillion) {
  // The bisection stops when its step in v is 0.5 / 2^23, so lambda is within ~2.4e-7 relative of
  // the exact quantile at any count (docs/reference/stats-variation.md, "Funnel plots").
  for (double o : {50.0, 500.0, 5000.0, 10000.0}) {
    for (bool upper : {false, true}) {
      const double b = PoissonFunnelLambda(o, 0.999, upper, FunnelPoisson::kPheBisection);
      const double e = PoissonFunnelLambda(o, 0.999, upper, FunnelPoisson::kExact);
      EXPECT_LT(std::fabs(b - e) / e, 3e-7) << o << (upper ? " upper" : " lower");
    }
  }
}

TEST(Funnel, UnitLimitsAtOwnDenominatorLieOnTheFunnelLines) {
  // A unit whose expected count equals a table row's expected events sits exactly on that row's
  // line: testdata_funnel_ratio_outputs.csv, O = 100: lower_2s_exp_events 121.6268111 (ISR 82.21871402),
  // upper_3s_exp_events 71.92139974 (ISR 139.0406755). Continuous exact limits vs the bisection: 1e-6.
  FunnelOptions o;
  o.statistic = FunnelStatistic::kRatio;
  auto r = CalculateFunnel({{100, 121.6268111}, {100, 71.92139974}, {3, 4}}, o);
  ASSERT_TRUE(r.ok());
  ExpectNear(82.21871402, r->units[0].limits95.lower, 1e-6, "lower 95");
  ExpectNear(139.0406755, r->units[1].limits998.upper, 1e-6, "upper 99.8");
  EXPECT_EQ(r->units[2].significance, FunnelSignificance::kNotSignificant);
  EXPECT_LT(r->units[2].limits95.lower, 100);
  EXPECT_GT(r->units[2].limits95.upper, 100);
}

TEST(Funnel, RatioSignificanceMatchesPhe) {
  // testFunnels.R "Significance for ratios calculates correctly" (a subset of its rows).
  const InputTable in = Load("phe_funnel_ratio_inputs.csv");
  const FunnelResult r = RatioFunnel(FunnelRatioType::kIsr, FunnelPoisson::kPheBisection);
  for (size_t i = 0; i < in.row_count(); ++i)
    EXPECT_EQ(FunnelSignificanceLabel(r.units[i].significance),
              FunnelSignificanceLabel(Code(Text(in, i, "significance"))))
        << "unit " << i + 1;
}

std::vector<FunnelUnit> RateUnits(const InputTable& in, const std::string& count, const std::string& rate,
                                  const std::string& pop) {
  std::vector<FunnelUnit> units;
  for (size_t i = 0; i < in.row_count(); ++i) {
    FunnelUnit u{Num(in, i, count), kNaN, Num(in, i, rate)};
    if (!pop.empty()) u.denominator = Num(in, i, pop);
    units.push_back(u);
  }
  return units;
}

TEST(Funnel, DsrRateLimitsMatchPhe) {
  // testFunnels.R "confidence limits calculate correctly for rates (dsr)": multiplier 1e5, 3 years.
  const InputTable in = Load("phe_funnel_rate_funnel_inputs.csv");
  const InputTable out = Load("phe_funnel_rate_dsr_outputs.csv");
  FunnelOptions o;
  o.statistic = FunnelStatistic::kRate;
  o.rate_type = FunnelRateType::kDsr;
  o.multiplier = 1e5;
  o.years_of_data = 3;
  auto r = CalculateFunnel(RateUnits(in, "ev", "rate", ""), o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->limits.size(), 100u);
  EXPECT_EQ(r->limits.front().axis, 1);
  EXPECT_EQ(r->limits.back().axis, 1360);
  EXPECT_EQ(r->statistic, "rate (dsr per 100,000)");
  for (size_t k = 0; k < out.row_count(); ++k) {
    const double events = Num(out, k, "Events");
    const FunnelLimitRow* row = nullptr;
    for (const auto& l : r->limits) if (l.axis == events) row = &l;
    ASSERT_NE(row, nullptr) << "no axis row for " << events << " events";
    const std::string at = std::to_string(events) + " events";
    ExpectNear(Num(out, k, "lower_2s_population_1_year"), row->lower95_x, 1e-9, at);
    ExpectNear(Num(out, k, "upper_2s_population_1_year"), row->upper95_x, 1e-9, at);
    ExpectNear(Num(out, k, "lower_3s_population_1_year"), row->lower998_x, 1e-9, at);
    ExpectNear(Num(out, k, "upper_3s_population_1_year"), row->upper998_x, 1e-9, at);
    ExpectNear(Num(out, k, "lower_2s_limit"), row->lower95, 1e-9, at);
    ExpectNear(Num(out, k, "upper_2s_limit"), row->upper95, 1e-9, at);
    ExpectNear(Num(out, k, "lower_3s_limit"), row->lower998, 1e-9, at);
    ExpectNear(Num(out, k, "upper_3s_limit"), row->upper998, 1e-9, at);
    ExpectNear(Num(out, k, "baseline"), row->baseline, 1e-9, at);
  }
  // calculate_funnel_points: denominator_derived per year (testdata_funnel_rate_input_funnels.csv).
  for (size_t i = 0; i < in.row_count(); ++i)
    ExpectNear(Num(in, i, "denominator_derived"), r->units[i].denominator_derived, 1e-9, "unit " + std::to_string(i + 1));
}

TEST(Funnel, CrudeRateWithZeroEventsUsesTheDenominator) {
  // calculate_funnel_points "with 0 event record and denominators supplied" (5 years): the unit with
  // 0 events gets its population per year as denominator_derived.
  const InputTable in = Load("phe_funnel_rate_funnel_inputs.csv");
  std::vector<FunnelUnit> units = RateUnits(in, "ev", "rate", "pop");
  units[22].numerator = 0;  // the largest count (988), set to 0 as in the R test
  FunnelOptions o;
  o.statistic = FunnelStatistic::kRate;
  o.rate_type = FunnelRateType::kCrude;
  o.multiplier = 1e5;
  o.years_of_data = 5;
  auto r = CalculateFunnel(units, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  for (size_t i = 0; i < in.row_count(); ++i)
    ExpectNear(Num(in, i, "denominator_derived_crude_with_denom"), r->units[i].denominator_derived, 1e-9,
               "unit " + std::to_string(i + 1));
}

TEST(Funnel, RateSignificanceMatchesPhe) {
  // testFunnels.R "Significance for rates": dsr per 100,000 with a 0-count unit; crude per 100,000
  // with and without it.
  const InputTable in = Load("phe_funnel_rate_sig_inputs.csv");
  FunnelOptions o;
  o.statistic = FunnelStatistic::kRate;
  o.multiplier = 1e5;
  o.rate_type = FunnelRateType::kDsr;
  auto dsr = CalculateFunnel(RateUnits(in, "count", "rate_dsr", "pop"), o);
  ASSERT_TRUE(dsr.ok()) << dsr.status().ToString();
  o.rate_type = FunnelRateType::kCrude;
  auto crude = CalculateFunnel(RateUnits(in, "count", "rate_crude_per_100000", "pop"), o);
  ASSERT_TRUE(crude.ok()) << crude.status().ToString();
  std::vector<FunnelUnit> without0 = RateUnits(in, "count", "rate_crude_per_100000", "pop");
  without0.pop_back();
  auto crude0 = CalculateFunnel(without0, o);
  ASSERT_TRUE(crude0.ok());
  for (size_t i = 0; i < in.row_count(); ++i) {
    const std::string at = "unit " + std::to_string(i + 1);
    EXPECT_EQ(FunnelSignificanceLabel(dsr->units[i].significance),
              FunnelSignificanceLabel(Code(Text(in, i, "dsr_per_100000_with_0")))) << at;
    EXPECT_EQ(FunnelSignificanceLabel(crude->units[i].significance),
              FunnelSignificanceLabel(Code(Text(in, i, "crude_per_100000_with_0")))) << at;
    if (i + 1 < in.row_count()) {
      EXPECT_EQ(FunnelSignificanceLabel(crude0->units[i].significance),
                FunnelSignificanceLabel(Code(Text(in, i, "crude_per_100000_without_0")))) << at;
    }
  }
}

TEST(Funnel, DsrBelowTenEventsIsNotApplicable) {
  FunnelOptions o;
  o.statistic = FunnelStatistic::kRate;
  o.multiplier = 1e5;
  auto r = CalculateFunnel({{500, kNaN, 120}, {600, kNaN, 100}, {5, kNaN, 90}}, o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->units[2].significance, FunnelSignificance::kNotApplicableDsr);
  EXPECT_TRUE(std::isnan(r->units[2].denominator_derived));
  // Its events are left out of the average: av = 1100 / (500/120 + 600/100) per person x 1e5.
  EXPECT_NEAR(r->baseline, 1100.0 / (500.0 / 120 + 600.0 / 100), 1e-9);
}

}  // namespace
}  // namespace icb::stats
