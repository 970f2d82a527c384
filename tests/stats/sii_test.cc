// Slope and relative index of inequality (Low & Low 2004; PHEindicatormethods phe_sii semantics,
// docs/reference/stats-methods.md 3.7). The point estimate is deterministic and checked against
// closed forms and an independent normal-equations solve; the Monte Carlo interval is checked for
// determinism under a seed and for convergence to the analytic interval (stats-methods.md 3.7:
// "for type 0 the simulated CI converges to the analytic beta1 +/- z sqrt(sum h_i^2 SE_i^2)").
#include "stats/sii.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "stats/sii_normal_stream.h"

namespace icb::stats {
namespace {

// Deciles with unequal populations and a deprivation gradient (made-up but realistic: life
// expectancy rising from the most to the least deprived decile).
std::vector<SiiQuantile> Deciles() {
  const double pop[] = {41000, 39500, 38000, 40200, 36000, 37500, 35000, 34000, 33500, 31000};
  const double le[] = {74.1, 75.9, 76.8, 77.2, 78.6, 79.0, 79.9, 80.4, 81.6, 82.3};
  const double se[] = {0.45, 0.42, 0.40, 0.41, 0.39, 0.38, 0.37, 0.36, 0.36, 0.35};
  std::vector<SiiQuantile> out;
  for (int i = 0; i < 10; ++i) out.push_back({i + 1, pop[i], le[i], kNaN, kNaN, se[i]});
  return out;
}

// A slow, obvious twin of the fit: no-intercept OLS of y sqrt(a) on [sqrt(a), b sqrt(a)] solved by
// the 2x2 normal equations (Low & Low 2004's formulation).
SiiFit NormalEquations(const std::vector<SiiQuantile>& q) {
  double total = 0;
  for (const auto& x : q) total += x.population;
  double s00 = 0, s01 = 0, s11 = 0, t0 = 0, t1 = 0, cum = 0;
  for (const auto& x : q) {
    const double a = x.population / total, b = cum + a / 2;
    cum += a;
    s00 += a; s01 += a * b; s11 += a * b * b;
    t0 += a * x.value; t1 += a * b * x.value;
  }
  const double det = s00 * s11 - s01 * s01;
  return {(s11 * t0 - s01 * t1) / det, (s00 * t1 - s01 * t0) / det};
}

TEST(SiiNormalStream, IsDeterministicAndStandardNormal) {
  SiiNormalStream a(42), b(42), c(43);
  double sum = 0, sum2 = 0;
  bool differs = false;
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    const double x = a.NextNormal();
    EXPECT_EQ(x, b.NextNormal());
    differs |= x != c.NextNormal();
    sum += x;
    sum2 += x * x;
  }
  EXPECT_TRUE(differs);
  EXPECT_NEAR(sum / n, 0, 0.01);          // 4.5 standard errors
  EXPECT_NEAR(sum2 / n, 1, 0.015);
  // SplitMix64's first output for seed 0 (Steele, Lea & Flood 2014; the published reference value).
  SiiNormalStream z(0);
  EXPECT_EQ(z.NextBits(), 0xE220A8397B1DCDAFULL);
}

TEST(Sii, PointEstimateOfAnExactLineIsItsSlope) {
  // y = 3 + 5 b on the cumulative-midpoint rank b: SII = 5, intercept 3, RII = (3 + 5) / 3.
  std::vector<SiiQuantile> q;
  const double pop[] = {10, 20, 30, 25, 15};
  double total = 100, cum = 0;
  for (int i = 0; i < 5; ++i) {
    const double a = pop[i] / total, b = cum + a / 2;
    cum += a;
    q.push_back({i + 1, pop[i], 3 + 5 * b, kNaN, kNaN, 0.1});
  }
  SiiOptions o;
  o.repetitions = 1000;
  auto r = CalculateSii(q, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_NEAR(r->sii, 5, 1e-12);
  EXPECT_NEAR(r->intercept, 3, 1e-12);
  EXPECT_NEAR(r->rii, 8.0 / 3.0, 1e-12);
}

TEST(Sii, PointEstimateMatchesNormalEquationsAndIgnoresRowOrder) {
  std::vector<SiiQuantile> q = Deciles();
  const SiiFit twin = NormalEquations(q);
  SiiOptions o;
  o.repetitions = 1000;
  o.multiplier = 1;
  auto r = CalculateSii(q, o);
  ASSERT_TRUE(r.ok());
  EXPECT_NEAR(r->sii, twin.slope, 1e-9);
  EXPECT_NEAR(r->intercept, twin.intercept, 1e-9);
  // Rows in another order, decile 10 second as text sorting would put it: the same answer
  // (stats-methods.md section 5, quirk 5).
  std::vector<SiiQuantile> shuffled = {q[0], q[9], q[1], q[2], q[3], q[4], q[5], q[6], q[7], q[8]};
  auto s = CalculateSii(shuffled, o);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->sii, r->sii);
  // A negative multiplier flips the SII and inverts the RII.
  o.multiplier = -1;
  auto f = CalculateSii(q, o);
  EXPECT_NEAR(f->sii, -r->sii, 1e-12);
  EXPECT_NEAR(f->rii, 1 / r->rii, 1e-12);
  EXPECT_LT(f->sii_ci[0].lower, f->sii_ci[0].upper);
}

TEST(Sii, SimulatedIntervalIsSeededAndConvergesToTheAnalyticOne) {
  SiiOptions o;
  o.repetitions = 100000;
  o.confidence = {0.95, 0.998};
  o.seed = 7;
  auto a = CalculateSii(Deciles(), o);
  auto b = CalculateSii(Deciles(), o);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->sii_ci[0].lower, b->sii_ci[0].lower);  // same seed, same draws, bit for bit
  EXPECT_EQ(a->rii_ci[1].upper, b->rii_ci[1].upper);
  o.seed = 8;
  auto c = CalculateSii(Deciles(), o);
  EXPECT_NE(a->sii_ci[0].lower, c->sii_ci[0].lower);
  o.analytic = true;
  auto exact = CalculateSii(Deciles(), o);
  ASSERT_TRUE(exact.ok());
  EXPECT_EQ(exact->sii, a->sii);
  EXPECT_TRUE(exact->rii_ci.empty());
  for (size_t l = 0; l < 2; ++l) {
    const double width = exact->sii_ci[l].upper - exact->sii_ci[l].lower;
    // 100,000 draws: the order statistics' sampling SD is ~0.2% of the width at 95% (stats-methods.md
    // 3.7: SD 0.0136 on a width of 7.7) and ~1% at 99.8%.
    const double tol = (l == 0 ? 0.01 : 0.03) * width;
    EXPECT_NEAR(a->sii_ci[l].lower, exact->sii_ci[l].lower, tol) << l;
    EXPECT_NEAR(a->sii_ci[l].upper, exact->sii_ci[l].upper, tol) << l;
    EXPECT_NEAR((exact->sii_ci[l].lower + exact->sii_ci[l].upper) / 2, exact->sii, 1e-9);
  }
  // The RII interval contains the RII.
  EXPECT_LT(a->rii_ci[0].lower, a->rii);
  EXPECT_GT(a->rii_ci[0].upper, a->rii);
}

TEST(Sii, StandardErrorFromNinetyFivePercentLimits) {
  // CLs value -/+ 1.959964 se give the same SE, hence the same simulated interval.
  std::vector<SiiQuantile> with_se = Deciles(), with_cls = Deciles();
  for (auto& q : with_cls) {
    q.lower_cl = q.value - 1.959964 * q.se;
    q.upper_cl = q.value + 1.959964 * q.se;
    q.se = kNaN;
  }
  SiiOptions o;
  o.repetitions = 2000;
  auto a = CalculateSii(with_se, o);
  auto b = CalculateSii(with_cls, o);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_NEAR(a->sii_ci[0].lower, b->sii_ci[0].lower, 1e-9);
  EXPECT_NEAR(a->sii_ci[0].upper, b->sii_ci[0].upper, 1e-9);
}

TEST(Sii, TransformedRateUsesTheLogScale) {
  // rate = exp(c0 + c1 b) exactly: with transform, SII = (exp(c0 + c1) - exp(c0)) x multiplier and
  // RII = exp(c1) (stats-methods.md 3.7).
  const double c0 = std::log(900.0), c1 = -0.6;
  std::vector<SiiQuantile> q;
  double cum = 0;
  for (int i = 0; i < 5; ++i) {
    const double a = 0.2, b = cum + a / 2;
    cum += a;
    const double rate = std::exp(c0 + c1 * b);
    q.push_back({i + 1, 1000, rate, rate * 0.9, rate / 0.9, kNaN});
  }
  SiiOptions o;
  o.value_type = SiiValueType::kRate;
  o.transform = true;
  o.repetitions = 5000;
  auto r = CalculateSii(q, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_NEAR(r->sii, std::exp(c0 + c1) - std::exp(c0), 1e-9);
  EXPECT_NEAR(r->rii, std::exp(c1), 1e-12);
  EXPECT_LT(r->sii_ci[0].lower, r->sii);
  EXPECT_GT(r->sii_ci[0].upper, r->sii);
  // Untransformed: the regression is on the rate itself; the simulation draws on the log scale.
  o.transform = false;
  auto u = CalculateSii(q, o);
  ASSERT_TRUE(u.ok());
  EXPECT_LT(u->sii, 0);
  EXPECT_LT(u->sii_ci[0].lower, u->sii_ci[0].upper);
}

TEST(Sii, ReliabilityIsSmallForManyRepetitions) {
  SiiOptions o;
  o.repetitions = 20000;
  o.reliability = true;
  auto r = CalculateSii(Deciles(), o);
  ASSERT_TRUE(r.ok());
  const double width = r->sii_ci[0].upper - r->sii_ci[0].lower;
  EXPECT_GT(r->sii_reliability, 0);
  EXPECT_LT(r->sii_reliability, 0.02 * width);
}

TEST(Sii, InvalidInputIsRefusedWithTheQuantile) {
  SiiOptions o;
  o.repetitions = 1000;
  std::vector<SiiQuantile> q = Deciles();
  q[3].se = kNaN;
  auto r = CalculateSii(q, o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("quantile 4"), std::string::npos);
  q = Deciles();
  q.resize(4);
  EXPECT_FALSE(CalculateSii(q, o).ok());  // fewer than 5 quantiles
  q = Deciles();
  q[2].population = 0;
  EXPECT_FALSE(CalculateSii(q, o).ok());
  q = Deciles();
  q[5].quantile = 5;
  EXPECT_FALSE(CalculateSii(q, o).ok());  // duplicate
  o.repetitions = 999;
  EXPECT_FALSE(CalculateSii(Deciles(), o).ok());
  o.repetitions = 1000;
  o.value_type = SiiValueType::kProportion;
  EXPECT_FALSE(CalculateSii(Deciles(), o).ok());  // values are not proportions
  o.value_type = SiiValueType::kNormal;
  o.transform = true;
  EXPECT_FALSE(CalculateSii(Deciles(), o).ok());
}

}  // namespace
}  // namespace icb::stats
