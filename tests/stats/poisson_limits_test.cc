// Poisson count limits: exact (chi-square) and Byars, and the "exact below 10" rule.
#include "stats/poisson_limits.h"

#include <gtest/gtest.h>

#include <cmath>

namespace icb::stats {
namespace {

// Exact limits are half the chi-square quantiles: L = chi2_{0.025}(2O)/2, U = chi2_{0.975}(2O+2)/2.
// Expected values: NIST/SEMATECH e-Handbook of Statistical Methods, section 1.3.6.7.4, "Critical
// values of the chi-square distribution" (3 decimals): df 2: 0.051 (lower 2.5%), 7.378 (upper 2.5%);
// df 4: 11.143 (upper 2.5%); df 20: 9.591 (lower 2.5%); df 22: 36.781 (upper 2.5%).
TEST(PoissonLimits, ExactMatchesPublishedChiSquareQuantiles) {
  const Interval zero = ExactPoissonLimits(0, 0.95);
  EXPECT_EQ(zero.lower, 0.0);
  EXPECT_NEAR(zero.upper, 7.378 / 2, 0.0005 / 2);
  const Interval one = ExactPoissonLimits(1, 0.95);
  EXPECT_NEAR(one.lower, 0.051 / 2, 0.0005 / 2);
  EXPECT_NEAR(one.upper, 11.143 / 2, 0.0005 / 2);
  const Interval ten = ExactPoissonLimits(10, 0.95);
  EXPECT_NEAR(ten.lower, 9.591 / 2, 0.0005 / 2);
  EXPECT_NEAR(ten.upper, 36.781 / 2, 0.0005 / 2);
}

// 99.8%: the same NIST table, upper 0.1% point: df 2: 13.816; df 4: 18.467.
TEST(PoissonLimits, ExactAt998) {
  EXPECT_NEAR(ExactPoissonLimits(0, 0.998).upper, 13.816 / 2, 0.0005 / 2);
  EXPECT_NEAR(ExactPoissonLimits(1, 0.998).upper, 18.467 / 2, 0.0005 / 2);
}

// PHE Technical Guide "Confidence Intervals" (Public Health Data Science, 25 May 2018), Appendix 1:
// "for 95% confidence intervals, Byar's method is within 0.2% of the exact value for numerators of
// 10 or more".
TEST(PoissonLimits, ByarsWithinPointTwoPercentOfExactFromTen) {
  for (double o : {10.0, 11.0, 15.0, 20.0, 50.0, 100.0, 1000.0, 10000.0}) {
    const Interval b = ByarsLimits(o, 0.95), e = ExactPoissonLimits(o, 0.95);
    EXPECT_LT(std::fabs(b.lower - e.lower) / e.lower, 0.002) << o;
    EXPECT_LT(std::fabs(b.upper - e.upper) / e.upper, 0.002) << o;
  }
}

// Byars' formula (Breslow & Day 1987) evaluated by hand for O = 65 at 95%, z = 1.959963984540054:
// L = 65 (1 - 1/585 - z/(3 sqrt 65))^3 = 50.16319, U = 66 (1 - 1/594 + z/(3 sqrt 66))^3 = 82.84914
// (computed by hand from the formula, to the digits shown; not a published value).
TEST(PoissonLimits, ByarsFormula) {
  const double z = 1.959963984540054;
  const double lower = 65 * std::pow(1 - 1.0 / 585 - z / (3 * std::sqrt(65.0)), 3);
  const double upper = 66 * std::pow(1 - 1.0 / 594 + z / (3 * std::sqrt(66.0)), 3);
  const Interval b = ByarsLimits(65, 0.95);
  EXPECT_NEAR(b.lower, lower, 1e-12 * lower);
  EXPECT_NEAR(b.upper, upper, 1e-12 * upper);
  EXPECT_NEAR(b.lower, 50.16319, 0.00001);
  EXPECT_NEAR(b.upper, 82.84914, 0.00001);
}

// Byars' lower limit is not defined where the cube goes negative (O = 1 at 99.8%: PHEindicatormethods
// returns NA), and the rule switches to Byars at exactly 10 (PHE/OHID "Tool for common PH statistics
// and CIs", Feb 2018: exact for < 10, Byars for >= 10).
TEST(PoissonLimits, RuleAndEdgeCases) {
  EXPECT_TRUE(std::isnan(ByarsLimits(1, 0.998).lower));
  EXPECT_EQ(PoissonMethod(9.999), "Exact");
  EXPECT_EQ(PoissonMethod(10), "Byars");
  EXPECT_EQ(PoissonLimits(9, 0.95).lower, ExactPoissonLimits(9, 0.95).lower);
  EXPECT_EQ(PoissonLimits(10, 0.95).lower, ByarsLimits(10, 0.95).lower);
  EXPECT_TRUE(std::isnan(ExactPoissonLimits(-1, 0.95).lower));
  EXPECT_TRUE(std::isinf(ExactPoissonLimits(3, 1.0).upper));
}

// z for the two standard levels (stats-methods.md section 2, R's qnorm): 1.959963984540054 and
// 3.090232306167813.
TEST(PoissonLimits, ZConstants) {
  EXPECT_NEAR(ZForConfidence(0.95), 1.959963984540054, 1e-15);
  EXPECT_NEAR(ZForConfidence(0.998), 3.090232306167813, 1e-14);
}

}  // namespace
}  // namespace icb::stats
