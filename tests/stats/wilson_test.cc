// Wilson score interval and Proportion.
#include "stats/wilson.h"

#include <gtest/gtest.h>

#include <cmath>

#include "stats/proportion.h"

namespace icb::stats {
namespace {

// Newcombe RG (1998) "Two-sided confidence intervals for the single proportion: comparison of seven
// methods", Stat Med 17:857-872, Table II, method 3 (Wilson score, no continuity correction), 95%:
// 81/263: 0.2553-0.3662; 15/148: 0.0624-0.1605; 0/20: 0.0000-0.1611; 1/29: 0.0061-0.1718.
TEST(Wilson, NewcombeTableII) {
  struct Case { double x, n, lower, upper; };
  for (const Case& c : {Case{81, 263, 0.2553, 0.3662}, Case{15, 148, 0.0624, 0.1605}, Case{0, 20, 0.0, 0.1611},
                        Case{1, 29, 0.0061, 0.1718}}) {
    const Interval w = WilsonInterval(c.x, c.n, 0.95);
    EXPECT_NEAR(w.lower, c.lower, 0.00005) << c.x << "/" << c.n;
    EXPECT_NEAR(w.upper, c.upper, 0.00005) << c.x << "/" << c.n;
  }
}

// stats-methods.md 3.1 (PHEindicatormethods 2.1.0 behaviour): x = 0 gives exactly 0; x = n gives an
// upper limit just below 1; confidence 1 gives (0, 1).
TEST(Wilson, Edges) {
  EXPECT_EQ(WilsonInterval(0, 10, 0.95).lower, 0.0);
  const double up = WilsonInterval(10, 10, 0.95).upper;
  EXPECT_LE(up, 1.0);
  EXPECT_NEAR(up, 1.0, 1e-15);
  const Interval all = WilsonInterval(3, 10, 1.0);
  EXPECT_EQ(all.lower, 0.0);
  EXPECT_EQ(all.upper, 1.0);
  EXPECT_TRUE(std::isnan(WilsonInterval(11, 10, 0.95).lower));
}

// Proportion multiplies value and limits, names the statistic as phe_proportion does, and refuses
// x < 0, n <= 0, x > n (phe_proportion errors).
TEST(Proportion, ValueTextsAndErrors) {
  auto p = Proportion(81, 263, {0.95, 0.998}, 100);
  ASSERT_TRUE(p.ok());
  EXPECT_NEAR(p->value, 100.0 * 81 / 263, 1e-12);
  ASSERT_EQ(p->intervals.size(), 2u);
  EXPECT_NEAR(p->intervals[0].lower, 25.53, 0.005);
  EXPECT_NEAR(p->intervals[0].upper, 36.62, 0.005);
  EXPECT_LT(p->intervals[1].lower, p->intervals[0].lower);
  EXPECT_EQ(p->statistic, "percentage");
  EXPECT_EQ(p->method, "Wilson");
  EXPECT_EQ(Proportion(1, 2, {0.95}, 1)->statistic, "proportion of 1");
  EXPECT_EQ(Proportion(1, 2, {0.95}, 1000)->statistic, "proportion of 1000");
  EXPECT_FALSE(Proportion(-1, 10, {0.95}).ok());
  EXPECT_FALSE(Proportion(1, 0, {0.95}).ok());
  auto over = Proportion(11, 10, {0.95});
  ASSERT_FALSE(over.ok());
  EXPECT_NE(over.status().message().find("less than or equal to denominator"), std::string::npos);
  EXPECT_TRUE(Proportion(0, 10, {0.95}).ok());
}

}  // namespace
}  // namespace icb::stats
