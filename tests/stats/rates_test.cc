// Crude rates, means, DSRs and ISRs.
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "stats/crude_rate.h"
#include "stats/dsr.h"
#include "stats/indirect_standardisation.h"
#include "stats/mean.h"
#include "stats/poisson_limits.h"
#include "stats/standard_population.h"

namespace icb::stats {
namespace {

// phe_rate (PHEindicatormethods R/Rates.R, Fingertips technical guidance "Rates"): limits are the
// count limits divided by n times the multiplier, exact below 10 and Byars from 10; the statistic is
// "rate per <multiplier>". Exact upper limit for 0 events from the NIST chi-square table (7.378/2).
TEST(CrudeRate, LimitsTextsAndErrors) {
  auto zero = CrudeRate(0, 1000, {0.95}, 100000);
  ASSERT_TRUE(zero.ok());
  EXPECT_EQ(zero->value, 0.0);
  EXPECT_EQ(zero->intervals[0].lower, 0.0);
  EXPECT_NEAR(zero->intervals[0].upper, 3.689 / 1000 * 100000, 0.0003 * 100);
  EXPECT_EQ(zero->method, "Exact");
  EXPECT_EQ(zero->statistic, "rate per 100000");
  auto big = CrudeRate(65, 100, {0.95, 0.998}, 100);
  ASSERT_TRUE(big.ok());
  EXPECT_EQ(big->method, "Byars");
  EXPECT_NEAR(big->intervals[0].lower, ByarsLimits(65, 0.95).lower, 1e-12);
  EXPECT_NEAR(big->intervals[1].upper, ByarsLimits(65, 0.998).upper, 1e-12);
  // A numerator above its denominator is a valid rate.
  EXPECT_TRUE(CrudeRate(150, 100, {0.95}).ok());
  EXPECT_FALSE(CrudeRate(-1, 100, {0.95}).ok());
  EXPECT_FALSE(CrudeRate(1, 0, {0.95}).ok());
}

// Student's t interval. Data 1..10: mean 5.5, s = sqrt(110/12) = 3.0276504; t(0.975, 9) = 2.262
// (Student's t table, e.g. NIST e-Handbook 1.3.6.7.2, 3 decimals), so the half-width is
// 2.262 x 3.0276504 / sqrt(10) = 2.1658 (to the precision of the printed t).
TEST(Mean, StudentT) {
  std::vector<double> v(10);
  std::iota(v.begin(), v.end(), 1.0);
  auto m = Mean(v, {0.95});
  ASSERT_TRUE(m.ok());
  EXPECT_DOUBLE_EQ(m->estimate.value, 5.5);
  EXPECT_DOUBLE_EQ(m->value_sum, 55);
  EXPECT_EQ(m->value_count, 10);
  EXPECT_NEAR(m->stdev, 3.0276503540974917, 1e-12);
  const double half = 2.262 * 3.0276503540974917 / std::sqrt(10.0);
  EXPECT_NEAR(m->estimate.intervals[0].upper - 5.5, half, 0.0005 * 3.03 / std::sqrt(10.0));
  EXPECT_EQ(m->estimate.method, "Student's t-distribution");
  // A missing value makes everything NA (phe_mean has no na.rm).
  v[3] = kNaN;
  auto na = Mean(v, {0.95});
  ASSERT_TRUE(na.ok());
  EXPECT_FALSE(na->estimate.has_value());
  EXPECT_EQ(na->value_count, 10);
}

// ESP 2013 (Eurostat 2013; PHEindicatormethods R/data.R esp2013): 19 bands, total 100,000,
// first 5000 (0-4), last 1000 (90+).
TEST(Dsr, Esp2013File) {
  auto esp = Esp2013();
  ASSERT_TRUE(esp.ok()) << esp.status().message();
  ASSERT_EQ(esp->age_bands.size(), 19u);
  EXPECT_EQ(std::accumulate(esp->population.begin(), esp->population.end(), 0.0), 100000.0);
  EXPECT_EQ(esp->age_bands.front(), "0-4");
  EXPECT_EQ(esp->population.front(), 5000);
  EXPECT_EQ(esp->age_bands.back(), "90+");
  EXPECT_EQ(esp->population.back(), 1000);
  EXPECT_EQ(esp->Find("45-49"), 9u);
}

// Direct standardisation (Fingertips technical guidance "Directly standardised rates"): with the
// same rate in every band the DSR equals that rate whatever the weights. Dobson limits by hand from
// the formula: with equal rates r = x_i/n_i, var = sum(w_i^2 x_i/n_i^2)/W^2 and the limits are
// DSR + sqrt(var/O)(Byars(O) - O).
TEST(Dsr, EqualRatesAndDobsonByHand) {
  auto esp = Esp2013();
  ASSERT_TRUE(esp.ok());
  std::vector<double> pops(19), events(19);
  for (size_t i = 0; i < 19; ++i) {
    pops[i] = 1000.0 * (i + 1);
    events[i] = 2.0 * (i + 1);  // rate 0.002 in every band
  }
  auto d = Dsr(events, pops, esp->population, {0.95}, 100000);
  ASSERT_TRUE(d.ok());
  EXPECT_NEAR(d->estimate.value, 200.0, 1e-9);
  EXPECT_EQ(d->total_count, 380);
  EXPECT_EQ(d->total_pop, 190000);
  double var = 0;
  for (size_t i = 0; i < 19; ++i) var += std::pow(esp->population[i] / 1e5, 2) * events[i] / (pops[i] * pops[i]);
  const Interval byars = ByarsLimits(380, 0.95);
  EXPECT_NEAR(d->estimate.intervals[0].lower, (0.002 + std::sqrt(var / 380) * (byars.lower - 380)) * 1e5, 1e-9);
  EXPECT_NEAR(d->estimate.intervals[0].upper, (0.002 + std::sqrt(var / 380) * (byars.upper - 380)) * 1e5, 1e-9);
  EXPECT_EQ(d->estimate.statistic, "dsr per 100000");
  EXPECT_EQ(d->estimate.method, "Dobson");
}

// calculate_dsr: total count < 10 gives NA value and limits with statistic "dsr NA for total count
// < 10"; NA events count as 0; non-positive population is an error.
TEST(Dsr, SmallCountsMissingAndErrors) {
  const std::vector<double> w = {1, 1}, n = {100, 100};
  auto small = Dsr(std::vector<double>{4, 5}, n, w, {0.95});
  ASSERT_TRUE(small.ok());
  EXPECT_FALSE(small->estimate.has_value());
  EXPECT_TRUE(std::isnan(small->estimate.intervals[0].upper));
  EXPECT_EQ(small->estimate.statistic, "dsr NA for total count < 10");
  auto ten = Dsr(std::vector<double>{kNaN, 10}, n, w, {0.95});
  ASSERT_TRUE(ten.ok());
  EXPECT_EQ(ten->total_count, 10);
  EXPECT_NEAR(ten->estimate.value, 0.05 * 100000, 1e-9);
  EXPECT_FALSE(Dsr(std::vector<double>{5, 5}, std::vector<double>{100, 0}, w, {0.95}).ok());
  EXPECT_FALSE(Dsr(std::vector<double>{-1, 15}, n, w, {0.95}).ok());
}

// Non-independent events (calculate_dsr independent_events = FALSE, stats-methods.md 3.4): one
// frequency of 1 reproduces the independent DSR; frequency 2 doubles events and widens limits.
TEST(Dsr, NonIndependentEvents) {
  const std::vector<double> w = {1, 1}, n = {100, 200};
  auto plain = Dsr(std::vector<double>{10, 20}, n, w, {0.95});
  std::vector<DsrFrequencyRow> rows = {{0, 1, 10}, {1, 1, 20}};
  auto same = DsrNonIndependent(rows, n, w, {0.95});
  ASSERT_TRUE(plain.ok() && same.ok());
  EXPECT_NEAR(same->estimate.value, plain->estimate.value, 1e-9);
  EXPECT_NEAR(same->estimate.intervals[0].lower, plain->estimate.intervals[0].lower, 1e-9);
  rows.push_back({1, 2, 5});
  auto more = DsrNonIndependent(rows, n, w, {0.95});
  ASSERT_TRUE(more.ok());
  EXPECT_EQ(more->total_count, 40);
  EXPECT_EQ(more->estimate.method, "Dobson, with confidence adjusted for non-independent events");
}

// Indirect standardisation (calculate_ISRatio / calculate_ISRate; Fingertips technical guidance):
// E = sum n_i X_i/N_i. By hand: reference rates 0.01 and 0.02, local populations 1000 and 500 ->
// E = 10 + 10 = 20; O = 30 -> ratio 150 (x100); reference crude rate = (50+200)/(5000+10000) x 1e5
// = 1666.67 -> ISRate = 1.5 x 1666.67 = 2500. Limits: Byars(30)/20 (O >= 10).
TEST(Isr, RatioAndRateByHand) {
  const std::vector<double> x = {12, 18}, n = {1000, 500}, xr = {50, 200}, nr = {5000, 10000};
  auto ratio = IsRatio(x, n, xr, nr, {0.95});
  ASSERT_TRUE(ratio.ok());
  EXPECT_NEAR(ratio->expected, 20, 1e-12);
  EXPECT_NEAR(ratio->estimate.value, 150, 1e-12);
  EXPECT_NEAR(ratio->estimate.intervals[0].lower, ByarsLimits(30, 0.95).lower / 20 * 100, 1e-9);
  EXPECT_EQ(ratio->estimate.statistic, "indirectly standardised ratio x 100");
  EXPECT_EQ(ratio->estimate.method, "Byars");
  auto rate = IsRate(x, n, xr, nr, {0.95});
  ASSERT_TRUE(rate.ok());
  EXPECT_NEAR(rate->reference_rate, 250.0 / 15000 * 1e5, 1e-9);
  EXPECT_NEAR(rate->estimate.value, 1.5 * 250.0 / 15000 * 1e5, 1e-9);
  EXPECT_EQ(rate->estimate.statistic, "indirectly standardised rate per 100000");
  // Small O uses exact limits; an observed total may replace the per-band counts.
  auto small = IsRatio({}, n, xr, nr, {0.95}, 1, 3.0);
  ASSERT_TRUE(small.ok());
  EXPECT_EQ(small->estimate.method, "Exact");
  EXPECT_NEAR(small->estimate.intervals[0].upper, ExactPoissonLimits(3, 0.95).upper / 20, 1e-12);
  EXPECT_FALSE(IsRatio(x, n, xr, std::vector<double>{5000, 0}, {0.95}).ok());
}

// Published worked example of a standardised ratio: Calabrese (ed.), "Biological Effects of Low Level
// Exposures to Chemicals and Radiation" (1992), chapter 7, exact Poisson tables 7.5A/B: 30 observed
// cases, 15.21 expected -> 95% limits of the true expected count 20.24 to 42.83, and SR 95% CI
// (1.33, 2.82). The engine uses Byars for O >= 10 (within 0.2% of exact), so the ratio agrees at the
// printed precision and the exact limits agree to the 4 significant digits printed.
TEST(Isr, PublishedStandardisedRatioExample) {
  const Interval exact = ExactPoissonLimits(30, 0.95);
  EXPECT_NEAR(exact.lower, 20.24, 0.005);
  EXPECT_NEAR(exact.upper, 42.83, 0.005);
  auto sr = IsRatio({}, std::vector<double>{1}, std::vector<double>{15.21}, std::vector<double>{1}, {0.95}, 1, 30.0);
  ASSERT_TRUE(sr.ok());
  EXPECT_NEAR(sr->expected, 15.21, 1e-12);
  EXPECT_NEAR(sr->estimate.value, 30 / 15.21, 1e-12);
  EXPECT_NEAR(sr->estimate.intervals[0].lower, 1.33, 0.005);
  EXPECT_NEAR(sr->estimate.intervals[0].upper, 2.82, 0.005);
  EXPECT_EQ(sr->estimate.statistic, "indirectly standardised ratio x 1");
}

}  // namespace
}  // namespace icb::stats
