// SPC (XmR, Making Data Count) against NHSRplotthedots 0.2.2's test expectations
// (github.com/nhs-r-community/NHSRplotthedots, tests/testthat/test-ptd_spc_standard.R with its snapshot
// _snaps/ptd_spc_standard.md, and test-ptd_calculate_point_type.R), and hand-worked cases of the rules in
// docs/reference/stats-methods.md section 4.
#include "stats/spc.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace icb::stats {
namespace {

// R: set.seed(123); rnorm(20), as printed (8 decimals) in the package's snapshot and by R itself.
const std::vector<double> kRnorm123 = {
    -0.56047565, -0.23017749, 1.55870831,  0.07050839,  0.12928774, 1.71506499, 0.46091621,
    -1.26506123, -0.68685285, -0.44566197, 1.22408180,  0.35981383, 0.40077145, 0.11068272,
    -0.55584113, 1.78691314,  0.49785048,  -1.96661716, 0.70135590, -0.47279141};

// Mean exactly 1; limits 1 -/+ 1.906, near lines 1 -/+ 1.271: 8 points above then 8 below.
const std::vector<double> kRunSeries = {1.875, 1.125, 1.875, 1.125, 1.875, 1.125, 1.875, 1.125,
                                        0.875, 0.125, 0.875, 0.125, 0.875, 0.125, 0.875, 0.125};

std::vector<SpcPoint> Series(const std::vector<double>& y, const std::string& facet = "") {
  std::vector<SpcPoint> out;
  for (size_t i = 0; i < y.size(); ++i) {
    const std::string period = "2020-" + std::to_string(10 + i / 28) + "-" + std::to_string(10 + i % 28);
    out.push_back({period, y[i], facet, false});
  }
  return out;
}

SpcResult Chart(const std::vector<SpcPoint>& pts, const SpcOptions& o = {}) {
  auto r = CalculateSpc(pts, o);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return std::move(r).value();
}

TEST(Spc, LimitsMatchNhsrPlotthedotsSnapshot) {
  // _snaps/ptd_spc_standard.md, r1: mean_col 0.1416238, lpl -3.01138, upl 3.294627.
  const SpcResult r = Chart(Series(kRnorm123));
  ASSERT_EQ(r.points.size(), 20u);
  EXPECT_NEAR(r.points[0].mean, 0.1416238, 5e-7);
  EXPECT_NEAR(r.points[0].lpl, -3.01138, 5e-6);
  EXPECT_NEAR(r.points[0].upl, 3.294627, 5e-7);
  const std::vector<int> rtm = {-1, -1, 1, -1, -1, 1, 1, -1, -1, -1, 1, 1, 1, -1, -1};  // as printed
  for (size_t i = 0; i < rtm.size(); ++i) EXPECT_EQ(r.points[i].relative_to_mean, rtm[i]) << i;
  for (size_t i = 0; i < 8; ++i) {  // the snapshot prints the first 8 as FALSE
    EXPECT_FALSE(r.points[i].outside_limits) << i;
    EXPECT_FALSE(r.points[i].close_to_limits) << i;
  }
}

TEST(Spc, ScreeningOutliersMatchesSnapshot) {
  // r2 (y[15] = 10, screen_outliers TRUE): mean 0.6694159, lpl -2.383666, upl 3.722497;
  // r3 (screen_outliers FALSE): lpl -4.596625, upl 5.935457.
  std::vector<double> y = kRnorm123;
  y[14] = 10;
  const SpcResult screened = Chart(Series(y));
  EXPECT_NEAR(screened.points[0].mean, 0.6694159, 5e-7);
  EXPECT_NEAR(screened.points[0].lpl, -2.383666, 5e-7);
  EXPECT_NEAR(screened.points[0].upl, 3.722497, 5e-7);
  SpcOptions o;
  o.screen_outliers = false;
  const SpcResult raw = Chart(Series(y), o);
  EXPECT_NEAR(raw.points[0].lpl, -4.596625, 5e-7);
  EXPECT_NEAR(raw.points[0].upl, 5.935457, 5e-7);
  // The outlier itself is beyond the (screened) upper limit: special cause, an improvement by default.
  EXPECT_EQ(screened.points[14].rule, SpcRule::kAboveLimit);
  EXPECT_EQ(screened.points[14].point_type, SpcPointType::kImprovement);
}

TEST(Spc, TwoInThreeNeedsAllThreeOnOneSide) {
  // test-ptd_spc_standard.R: symmetric data, then 5.5 and -5.5: both common cause.
  std::vector<double> y;
  for (int i = 0; i < 8; ++i) { y.push_back(1); y.push_back(-1); }
  y[14] = 5.5;
  y[15] = -5.5;
  const SpcResult r = Chart(Series(y));
  EXPECT_EQ(r.points[14].point_type, SpcPointType::kCommonCause);
  EXPECT_EQ(r.points[15].point_type, SpcPointType::kCommonCause);
}

TEST(Spc, TrendOfSevenAndTiesBreakIt) {
  // test-ptd_calculate_point_type.R: 1:7 is a trend; c(1:3, 3:6) is not (a tie breaks it).
  // Padded with points around the mean so that no point is beyond the limits.
  SpcOptions o;
  o.screen_outliers = false;
  std::vector<double> y = {4, 3, 5, 3, 5, 4, 1, 2, 3, 4, 5, 6, 7, 4, 4, 3, 5};
  SpcResult r = Chart(Series(y), o);
  for (size_t i = 6; i <= 12; ++i) EXPECT_EQ(r.points[i].rule, SpcRule::kTrendIncreasing) << i;
  EXPECT_NE(r.points[5].rule, SpcRule::kTrendIncreasing);
  std::vector<double> tie = {4, 3, 5, 3, 5, 4, 1, 2, 3, 3, 4, 5, 6, 4, 4, 3, 5};
  r = Chart(Series(tie), o);
  for (const auto& p : r.points) {
    EXPECT_NE(p.rule, SpcRule::kTrendIncreasing);
  }
  // With the NHS improvement-guide convention, the tie neither breaks nor extends the trend:
  // 1, 2, 3, 3, 4, 5, 6 has six rises... only five, so no trend; 1..7 with a tie is one.
  o.tie_breaks_trend = false;
  std::vector<double> tie7 = {4, 3, 5, 3, 5, 4, 1, 2, 3, 3, 4, 5, 6, 7, 4, 4, 3, 5};
  r = Chart(Series(tie7), o);
  EXPECT_EQ(r.points[6].rule, SpcRule::kTrendIncreasing);
  EXPECT_EQ(r.points[13].rule, SpcRule::kTrendIncreasing);
  r = Chart(Series(tie), o);
  EXPECT_NE(r.points[6].rule, SpcRule::kTrendIncreasing);
}

TEST(Spc, RunOfSevenAndAPointOnTheMeanBreaksIt) {
  // ptd_seven_point_one_side_mean(c(rep(1, 8), -1)) flags the run; a point exactly on the mean breaks it.
  // 8 points above the mean then 8 below (mean exactly 1, values binary-exact, all well inside the
  // limits and the near lines, alternating so there is no trend): every point is in a run of 8.
  const std::vector<double> y = kRunSeries;
  SpcResult r = Chart(Series(y));
  ASSERT_EQ(r.points[0].mean, 1.0);
  for (size_t i = 0; i < 8; ++i) EXPECT_EQ(r.points[i].rule, SpcRule::kRunAbove) << i;
  for (size_t i = 8; i < 16; ++i) EXPECT_EQ(r.points[i].rule, SpcRule::kRunBelow) << i;
  EXPECT_EQ(SpcRuleLabel(r.points[0].rule, 7), "7 Points Above CL");
  // A point exactly on the mean breaks the run above into 3 + 4; the 7 points below still run.
  const std::vector<double> z = {1.875, 1.125, 1.875, 1.0,   1.875, 1.125, 1.875, 1.125,
                                 0.125, 0.875, 0.125, 0.875, 0.125, 0.875, 0.125, 1.0};
  r = Chart(Series(z));
  ASSERT_EQ(r.points[0].mean, 1.0);
  EXPECT_EQ(r.points[3].relative_to_mean, 0);
  for (size_t i = 0; i < 8; ++i) EXPECT_NE(r.points[i].rule, SpcRule::kRunAbove) << i;
  for (size_t i = 8; i < 15; ++i) EXPECT_EQ(r.points[i].rule, SpcRule::kRunBelow) << i;
}

TEST(Spc, TwoInThreeCloseToALimit) {
  // Mean 0, AMR 1 (alternating +-0.5 gives MR 1): limits +-2.66, near lines +-1.7733.
  // ptd_two_in_three(c(0,0,1,0,1,0,0)) with all points on one side flags the two close points.
  std::vector<double> y;
  for (int i = 0; i < 20; ++i) y.push_back(i % 2 == 0 ? 0.5 : -0.5);
  SpcOptions o;
  o.screen_outliers = false;
  SpcResult base = Chart(Series(y), o);
  ASSERT_NEAR(base.points[0].mean, 0, 1e-12);
  // Rebuild with fixed limits from the first 12 points (no special cause there) and place 2 of 3
  // points above the near line at positions 14 and 16, with 15 above the mean.
  o.fix_after_n_points = 12;
  y[13] = 2.0;
  y[14] = 0.5;
  y[15] = 2.2;
  SpcResult r = Chart(Series(y), o);
  ASSERT_NEAR(r.points[0].upl, 2.66, 1e-12);
  EXPECT_EQ(r.points[13].rule, SpcRule::kTwoInThreeAbove);
  EXPECT_EQ(r.points[15].rule, SpcRule::kTwoInThreeAbove);
  EXPECT_EQ(r.points[14].rule, SpcRule::kCommonCause);  // in the window but not close
  EXPECT_EQ(SpcRuleLabel(r.points[13].rule, 7), "2 in 3 Above CL");
}

TEST(Spc, TwoSigmaBeyondLimitDiffersBetweenPresets) {
  // NHSRplotthedots issue #194: one point between 2 and 3 sigma and the next beyond the limit. The
  // package does not flag the 2-sigma point; the current MDC logic does.
  std::vector<double> y;
  for (int i = 0; i < 20; ++i) y.push_back(i % 2 == 0 ? 0.5 : -0.5);
  y[13] = 2.0;  // between the near line (1.7733) and the limit (2.66)
  y[14] = 3.0;  // beyond the limit
  y[15] = 0.5;
  SpcOptions pkg = *SpcPreset("NHSRplotthedots-0.2.2");
  pkg.fix_after_n_points = 12;
  SpcOptions mdc = *SpcPreset("MDC-Excel-current");
  mdc.fix_after_n_points = 12;
  const SpcResult a = Chart(Series(y), pkg);
  const SpcResult b = Chart(Series(y), mdc);
  EXPECT_EQ(a.points[13].rule, SpcRule::kCommonCause);
  EXPECT_EQ(b.points[13].rule, SpcRule::kTwoInThreeAbove);
  EXPECT_EQ(a.points[14].rule, SpcRule::kAboveLimit);
  EXPECT_EQ(b.points[14].rule, SpcRule::kAboveLimit);
  EXPECT_FALSE(SpcPreset("nope").ok());
}

TEST(Spc, PrecedenceOutsideBeatsTrendBeatsRun) {
  // A rising series that ends beyond the limit: the last point is "Above UCL", the others of the
  // trend "7 Point Trend (Increasing)" (ptd_special_cause_type's precedence).
  std::vector<double> y = {0.5, -0.5, 0.5, -0.5, 0.5, -0.5, 0.5, -0.5, 0.5, -0.5, 0.5, -0.5,
                           -0.4, -0.2, 0.0, 0.3, 0.9, 1.5, 4.0};
  SpcOptions o;
  o.fix_after_n_points = 12;
  const SpcResult r = Chart(Series(y), o);
  EXPECT_EQ(r.points[18].rule, SpcRule::kAboveLimit);
  for (size_t i = 11; i < 18; ++i) EXPECT_EQ(r.points[i].rule, SpcRule::kTrendIncreasing) << i;
}

TEST(Spc, DirectionPointTypeIconsAndAssurance) {
  const std::vector<double> y = kRunSeries;  // ends in a run below the mean
  SpcOptions o;
  o.improvement = SpcImprovement::kDecrease;
  o.target = 5.0;  // above the upper limit: with "decrease" better, always met
  SpcResult r = Chart(Series(y), o);
  EXPECT_EQ(r.points.back().point_type, SpcPointType::kImprovement);
  EXPECT_EQ(r.points.front().point_type, SpcPointType::kConcern);
  ASSERT_EQ(r.facets.size(), 1u);
  EXPECT_EQ(r.facets[0].variation, "improvement_low");
  EXPECT_EQ(r.facets[0].assurance, "consistent_pass");
  EXPECT_EQ(r.facets[0].special_cause_improvement, 8u);
  EXPECT_EQ(r.facets[0].special_cause_concern, 8u);
  o.improvement = SpcImprovement::kIncrease;
  r = Chart(Series(y), o);
  EXPECT_EQ(r.facets[0].variation, "concern_low");
  EXPECT_EQ(r.facets[0].assurance, "consistent_fail");
  o.target = 1.0;  // between the limits
  r = Chart(Series(y), o);
  EXPECT_EQ(r.facets[0].assurance, "inconsistent");
  o.improvement = SpcImprovement::kNeutral;
  r = Chart(Series(y), o);
  EXPECT_EQ(r.points.back().point_type, SpcPointType::kNeutralLow);
  EXPECT_EQ(r.facets[0].variation, "neutral_low");
  EXPECT_EQ(r.facets[0].assurance, "");  // no assurance without a direction
  EXPECT_EQ(SpcPointTypeName(SpcPointType::kNeutralLow), "special_cause_neutral_low");
}

TEST(Spc, RebaseStartsANewGroupWithItsOwnLimits) {
  // test-ptd_spc_standard.R "it sets the rebase_group field": rebase at point 11 gives groups 0 and 1.
  std::vector<SpcPoint> pts = Series(kRnorm123);
  for (size_t i = 10; i < 20; ++i) pts[i].value += 5;
  pts[10].rebase = true;
  const SpcResult r = Chart(pts);
  for (size_t i = 0; i < 10; ++i) EXPECT_EQ(r.points[i].rebase_group, 0);
  for (size_t i = 10; i < 20; ++i) EXPECT_EQ(r.points[i].rebase_group, 1);
  EXPECT_NE(r.points[0].mean, r.points[19].mean);
  // Each group of 10 is short: two warnings.
  EXPECT_EQ(r.warnings.size(), 2u);
  // Group 1's mean is its own baseline's.
  double m = 0;
  for (size_t i = 10; i < 20; ++i) m += pts[i].value;
  EXPECT_NEAR(r.points[15].mean, m / 10, 1e-12);
}

TEST(Spc, FixedBaselineChangesTheLimits) {
  // test-ptd_spc_standard.R "setting fix_after_n_points changes the calculations".
  SpcOptions o;
  const SpcResult all = Chart(Series(kRnorm123), o);
  o.fix_after_n_points = 12;
  const SpcResult fixed = Chart(Series(kRnorm123), o);
  EXPECT_NE(all.points[0].lpl, fixed.points[0].lpl);
  const std::vector<double> first12(kRnorm123.begin(), kRnorm123.begin() + 12);
  EXPECT_NEAR(fixed.points[19].mean, SpcBaselineLimits(first12, 12, true).mean, 1e-15);
  o.fix_after_n_points = 5;
  EXPECT_FALSE(CalculateSpc(Series(kRnorm123), o).ok());
}

TEST(Spc, FacetsAreIndependentAndInputErrorsAreNamed) {
  std::vector<SpcPoint> pts = Series(kRnorm123, "A");
  std::vector<SpcPoint> b = Series(std::vector<double>(kRnorm123.rbegin(), kRnorm123.rend()), "B");
  pts.insert(pts.end(), b.begin(), b.end());
  const SpcResult r = Chart(pts);
  ASSERT_EQ(r.facets.size(), 2u);
  EXPECT_EQ(r.facets[0].facet, "A");
  EXPECT_NEAR(r.facets[0].mean, r.facets[1].mean, 1e-12);  // same values, other order
  pts.push_back(pts[0]);
  auto dup = CalculateSpc(pts, {});
  ASSERT_FALSE(dup.ok());
  EXPECT_NE(dup.status().message().find("appears twice"), std::string::npos);
}

}  // namespace
}  // namespace icb::stats
