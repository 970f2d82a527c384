// Tests of the performance measures (src/model/metrics.h): AUROC and DeLong against pROC's published
// values, the fast DeLong against its O(n^2) definition, average precision against scikit-learn's
// documented example, calibration on simulated data, risk bands and top-x% classification.
#include "model/metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

namespace icb::model {
namespace {

// Rows of an ordinal rating table: counts[k] rows with score k+1 for each outcome.
void AddTable(const std::vector<int>& negatives, const std::vector<int>& positives, std::vector<float>* score,
              std::vector<uint8_t>* outcome) {
  for (size_t k = 0; k < negatives.size(); ++k) {
    for (int i = 0; i < negatives[k]; ++i) {
      score->push_back(static_cast<float>(k + 1));
      outcome->push_back(0);
    }
    for (int i = 0; i < positives[k]; ++i) {
      score->push_back(static_cast<float>(k + 1));
      outcome->push_back(1);
    }
  }
}

// The O(n^2) definitions (DeLong, DeLong & Clarke-Pearson 1988): psi(x, y) = 1 if x > y, 1/2 if tied;
// V10(x_i) = mean_j psi(x_i, y_j), V01(y_j) = mean_i psi(x_i, y_j); var = S10/m + S01/n.
struct SlowDelong {
  double auroc = 0;
  std::vector<double> v10, v01;
};
SlowDelong SlowPlacements(const std::vector<float>& s, const std::vector<uint8_t>& y) {
  std::vector<float> pos, neg;
  for (size_t i = 0; i < s.size(); ++i) (y[i] ? pos : neg).push_back(s[i]);
  SlowDelong d;
  d.v10.assign(pos.size(), 0);
  d.v01.assign(neg.size(), 0);
  for (size_t i = 0; i < pos.size(); ++i) {
    for (size_t j = 0; j < neg.size(); ++j) {
      const double psi = pos[i] > neg[j] ? 1.0 : (pos[i] == neg[j] ? 0.5 : 0.0);
      d.v10[i] += psi / static_cast<double>(neg.size());
      d.v01[j] += psi / static_cast<double>(pos.size());
      d.auroc += psi;
    }
  }
  d.auroc /= static_cast<double>(pos.size() * neg.size());
  return d;
}
double SampleCovariance(const std::vector<double>& a, const std::vector<double>& b) {
  double ma = 0, mb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    ma += a[i];
    mb += b[i];
  }
  ma /= static_cast<double>(a.size());
  mb /= static_cast<double>(b.size());
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i) s += (a[i] - ma) * (b[i] - mb);
  return s / static_cast<double>(a.size() - 1);
}

TEST(Auroc, MatchesPROCOnASAHWfns) {
  // pROC's aSAH data (Turck et al. 2010), WFNS grade 1-5 by outcome. The table is recovered exactly
  // from pROC's published DeLong placements (tests/testthat/helper-deLongPlacementsCpp-expected.R,
  // "wfns"): Good 37, 20, 3, 8, 4; Poor 2, 12, 1, 8, 18.
  std::vector<float> score;
  std::vector<uint8_t> outcome;
  AddTable({37, 20, 3, 8, 4}, {2, 12, 1, 8, 18}, &score, &outcome);
  Result<AurocResult> r = Auroc(score, outcome);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  // pROC tests/testthat/test-ci.auc.R: ci(roc(aSAH$outcome, aSAH$wfns)) (DeLong) =
  // c(0.748534887819453, 0.823678861788618, 0.898822835757783).
  EXPECT_NEAR(r->auroc, 0.823678861788618, 1e-13);
  EXPECT_NEAR(r->lower, 0.748534887819453, 1e-12);
  EXPECT_NEAR(r->upper, 0.898822835757783, 1e-12);
  EXPECT_EQ(r->positives, 41u);
  EXPECT_EQ(r->negatives, 72u);
}

TEST(Auroc, HanleyMcNeilCtRatings) {
  // Hanley & McNeil (1982) Radiology 143:29-36, Table 1: CT ratings 1-5 of 58 normal and 51 abnormal
  // patients: normal 33, 6, 6, 11, 2; abnormal 3, 2, 2, 11, 33. Published area 0.893 (SE 0.032 by
  // their exponential approximation). Worked by hand: of the 51 x 58 = 2958 (abnormal, normal) pairs,
  // 2642 are ranked correctly counting ties 1/2, so the area is 2642/2958 = 1321/1479 = 0.893171...
  std::vector<float> score;
  std::vector<uint8_t> outcome;
  AddTable({33, 6, 6, 11, 2}, {3, 2, 2, 11, 33}, &score, &outcome);
  Result<AurocResult> r = Auroc(score, outcome);
  ASSERT_TRUE(r.ok());
  EXPECT_NEAR(r->auroc, 1321.0 / 1479.0, 1e-14);
  EXPECT_NEAR(r->auroc, 0.893, 0.0005);
  // DeLong's SE need not equal the exponential approximation, but they agree to about 0.002.
  EXPECT_NEAR(r->se, 0.032, 0.002);
}

TEST(Auroc, FastEqualsSlowTwinWithTies) {
  std::mt19937_64 rng(20260423);
  std::normal_distribution<double> noise(0.0, 1.0);
  std::bernoulli_distribution coin(0.3);
  std::vector<float> a, b;
  std::vector<uint8_t> y;
  for (int i = 0; i < 700; ++i) {
    const uint8_t yi = coin(rng) ? 1 : 0;
    y.push_back(yi);
    // Rounded to one decimal: many ties.
    a.push_back(static_cast<float>(std::round((noise(rng) + 0.8 * yi) * 10) / 10));
    b.push_back(static_cast<float>(std::round((noise(rng) + 0.5 * yi) * 4) / 4));
  }
  Result<AurocResult> fast = Auroc(a, y);
  ASSERT_TRUE(fast.ok());
  const SlowDelong slow = SlowPlacements(a, y);
  const double var = SampleCovariance(slow.v10, slow.v10) / static_cast<double>(slow.v10.size()) +
                     SampleCovariance(slow.v01, slow.v01) / static_cast<double>(slow.v01.size());
  EXPECT_NEAR(fast->auroc, slow.auroc, 1e-12);
  EXPECT_NEAR(fast->se, std::sqrt(var), 1e-12);

  // Paired comparison: var(A - B) = [S10aa + S10bb - 2 S10ab]/m + [S01aa + S01bb - 2 S01ab]/n.
  const SlowDelong sb = SlowPlacements(b, y);
  const double m = static_cast<double>(slow.v10.size()), n = static_cast<double>(slow.v01.size());
  const double vd = (SampleCovariance(slow.v10, slow.v10) + SampleCovariance(sb.v10, sb.v10) -
                     2 * SampleCovariance(slow.v10, sb.v10)) / m +
                    (SampleCovariance(slow.v01, slow.v01) + SampleCovariance(sb.v01, sb.v01) -
                     2 * SampleCovariance(slow.v01, sb.v01)) / n;
  Result<AurocComparison> c = CompareAuroc(a, b, y);
  ASSERT_TRUE(c.ok());
  EXPECT_NEAR(c->auroc_a, slow.auroc, 1e-12);
  EXPECT_NEAR(c->auroc_b, sb.auroc, 1e-12);
  EXPECT_NEAR(c->se, std::sqrt(vd), 1e-12);
  EXPECT_NEAR(c->z, (slow.auroc - sb.auroc) / std::sqrt(vd), 1e-9);
  EXPECT_NEAR(c->p_value, std::erfc(std::fabs(c->z) / std::sqrt(2.0)), 1e-12);
}

TEST(Auroc, ComparingAScoreWithItselfGivesNoDifference) {
  std::vector<float> s = {0.1f, 0.4f, 0.35f, 0.8f, 0.5f};
  std::vector<uint8_t> y = {0, 0, 1, 1, 0};
  Result<AurocComparison> c = CompareAuroc(s, s, y);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->difference, 0);
  EXPECT_EQ(c->p_value, 1);
}

TEST(Auroc, PerfectSeparationClipsTheInterval) {
  // Every positive above every negative: AUROC 1, every placement 1, so the DeLong SE is 0.
  std::vector<float> s = {0.1f, 0.2f, 0.3f, 0.7f, 0.9f};
  std::vector<uint8_t> y = {0, 0, 0, 1, 1};
  Result<AurocResult> r = Auroc(s, y);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->auroc, 1.0);
  EXPECT_EQ(r->se, 0.0);
  EXPECT_EQ(r->upper, 1.0);
  EXPECT_EQ(r->lower, 1.0);
}

TEST(Auroc, RejectsBadInput) {
  std::vector<float> s = {0.1f, 0.2f};
  std::vector<uint8_t> none = {0, 0};
  EXPECT_EQ(Auroc(s, none).status().code(), StatusCode::kInvalidInput);
  std::vector<uint8_t> short_y = {1};
  EXPECT_EQ(Auroc(s, short_y).status().code(), StatusCode::kInvalidInput);
  std::vector<float> nan = {0.1f, std::nanf("")};
  std::vector<uint8_t> both = {0, 1};
  EXPECT_EQ(Auroc(nan, both).status().code(), StatusCode::kInvalidInput);
}

TEST(AveragePrecision, ScikitLearnDocumentedExample) {
  // scikit-learn average_precision_score docs: y_true=[0,0,1,1], y_scores=[0.1,0.4,0.35,0.8] -> 0.83...
  // By hand: 0.8 (positive): precision 1, recall +1/2; 0.4: negative; 0.35 (positive): precision 2/3,
  // recall +1/2. AP = 1/2 + 1/3 = 5/6.
  std::vector<float> s = {0.1f, 0.4f, 0.35f, 0.8f};
  std::vector<uint8_t> y = {0, 0, 1, 1};
  EXPECT_NEAR(AveragePrecision(s, y), 5.0 / 6.0, 1e-15);
}

TEST(AveragePrecision, TiedScoresAreOneThreshold) {
  // By hand: threshold 0.9 flags a positive and a negative: precision 1/2, recall +1/2; threshold 0.5
  // adds a positive: precision 2/3, recall +1/2. AP = 1/4 + 1/3 = 7/12.
  std::vector<float> s = {0.9f, 0.9f, 0.5f, 0.1f};
  std::vector<uint8_t> y = {1, 0, 1, 0};
  EXPECT_NEAR(AveragePrecision(s, y), 7.0 / 12.0, 1e-15);
  std::vector<uint8_t> none = {0, 0, 0, 0};
  EXPECT_EQ(AveragePrecision(s, none), 0.0);
  // A NaN score counts as the lowest: [0.9, NaN] with outcomes [0, 1] -> P = 1/2 at recall 1.
  std::vector<float> with_nan = {0.9f, std::nanf("")};
  std::vector<uint8_t> y2 = {0, 1};
  EXPECT_NEAR(AveragePrecision(with_nan, y2), 0.5, 1e-15);
}

TEST(BrierScore, HandWorked) {
  // ((0.1-0)^2 + (0.6-1)^2 + (0.8-1)^2 + (0.3-0)^2) / 4 = (0.01 + 0.16 + 0.04 + 0.09) / 4 = 0.075.
  std::vector<float> p = {0.1f, 0.6f, 0.8f, 0.3f};
  std::vector<uint8_t> y = {0, 1, 1, 0};
  EXPECT_NEAR(BrierScore(p, y), 0.075, 1e-7);
  EXPECT_TRUE(std::isnan(BrierScore({}, {})));
}

// 200,000 rows with true probabilities expit(lp), lp ~ N(-2, 1), outcomes drawn from them.
struct Simulated {
  std::vector<double> lp;
  std::vector<uint8_t> y;
};
Simulated Simulate(size_t n) {
  std::mt19937_64 rng(4);
  std::normal_distribution<double> normal(-2.0, 1.0);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  Simulated s;
  for (size_t i = 0; i < n; ++i) {
    const double lp = normal(rng);
    s.lp.push_back(lp);
    s.y.push_back(u(rng) < 1.0 / (1.0 + std::exp(-lp)) ? 1 : 0);
  }
  return s;
}
std::vector<float> Probabilities(const std::vector<double>& lp, double factor) {
  std::vector<float> p;
  for (double v : lp) p.push_back(static_cast<float>(1.0 / (1.0 + std::exp(-factor * v))));
  return p;
}

TEST(Calibration, TrueProbabilitiesAreCalibrated) {
  // The calibration hierarchy (Van Calster et al. 2016, J Clin Epidemiol 74:167-176): probabilities
  // that generated the outcomes have slope 1 and calibration-in-the-large 0, up to sampling error
  // (SE about 0.01 here, so 0.05 is 5 SEs).
  const Simulated s = Simulate(200000);
  const std::vector<float> p = Probabilities(s.lp, 1.0);
  Result<Calibration> c = CalibrationFit(p, s.y);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_NEAR(c->slope, 1.0, 0.05);
  EXPECT_NEAR(c->intercept, 0.0, 0.05);
  EXPECT_GT(c->slope_se, 0.0);
  EXPECT_LT(c->slope_se, 0.02);
  EXPECT_GT(c->intercept_se, 0.0);
  EXPECT_NEAR(c->oe_ratio, 1.0, 0.03);
  EXPECT_EQ(c->n, 200000u);

  // Shrunk predictions logit(p)/2 are too moderate: since logit P(y) = logit(p_true) = 2 * logit(p),
  // the calibration slope is 2 by construction (Cox 1958: slope > 1 means too moderate).
  const std::vector<float> shrunk = Probabilities(s.lp, 0.5);
  Result<Calibration> cs = CalibrationFit(shrunk, s.y);
  ASSERT_TRUE(cs.ok());
  EXPECT_NEAR(cs->slope, 2.0, 0.1);

  // Recalibration fitted on these rows makes the slope 1 again (the joint fit is the recalibration
  // model itself, so up to the float rounding of the probabilities).
  Result<Recalibration> r = FitRecalibration(shrunk, s.y);
  ASSERT_TRUE(r.ok());
  EXPECT_NEAR(r->slope, cs->slope, 1e-12);
  std::vector<float> fixed;
  for (float v : shrunk) fixed.push_back(r->Apply(v));
  Result<Calibration> cf = CalibrationFit(fixed, s.y);
  ASSERT_TRUE(cf.ok());
  EXPECT_NEAR(cf->slope, 1.0, 1e-3);
  EXPECT_NEAR(cf->intercept, 0.0, 0.05);
}

TEST(Calibration, IdentityRecalibrationLeavesProbabilities) {
  Recalibration r;
  EXPECT_TRUE(r.identity());
  EXPECT_EQ(r.Apply(0.25f), 0.25f);
  // expit(1 + 2 * logit(0.5)) = expit(1) = 0.7310585786.
  Recalibration s{1.0, 2.0};
  EXPECT_NEAR(s.Apply(0.5f), 0.7310585786, 1e-7);
}

TEST(Calibration, ConstantPredictionHasOnlyCalibrationInTheLarge) {
  // Every row predicted 0.2, observed 30 events in 100: with the offset fixed, the intercept is the
  // difference of the logits, logit(0.3) - logit(0.2), with the SE of one proportion on the logit
  // scale, 1 / sqrt(n p (1 - p)) (the inverse information of an intercept-only logistic model; worked
  // by hand).
  std::vector<float> p(100, 0.2f);
  std::vector<uint8_t> y(100, 0);
  for (int i = 0; i < 30; ++i) y[static_cast<size_t>(i)] = 1;
  Result<Calibration> c = CalibrationFit(p, y);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const double p0 = 0.2f;  // the float 0.2 as the engine sees it
  const double lp = std::log(p0 / (1 - p0));
  EXPECT_NEAR(c->intercept, std::log(0.3 / 0.7) - lp, 1e-9);
  EXPECT_NEAR(c->intercept_se, 1.0 / std::sqrt(100 * 0.3 * 0.7), 1e-9);
  EXPECT_TRUE(std::isnan(c->slope));
  EXPECT_NEAR(c->oe_ratio, 30.0 / (100 * p0), 1e-5);
}

TEST(Calibration, RejectsOneOutcome) {
  std::vector<float> p = {0.1f, 0.2f};
  std::vector<uint8_t> y = {0, 0};
  EXPECT_EQ(CalibrationFit(p, y).status().code(), StatusCode::kInvalidInput);
}

TEST(RiskBands, EqualGroupsWithWilsonIntervals) {
  // 23 rows into 10 bands: the first 23 % 10 = 3 bands hold 3 rows, the rest 2.
  std::vector<float> p;
  std::vector<uint8_t> y;
  for (int i = 0; i < 23; ++i) {
    p.push_back(static_cast<float>(22 - i) / 22.0f);  // descending: band order must come from sorting
    y.push_back(i < 5 ? 1 : 0);                      // the five highest scores are events
  }
  const std::vector<RiskBand> bands = RiskBands(p, y, 10);
  ASSERT_EQ(bands.size(), 10u);
  size_t total = 0;
  for (size_t b = 0; b < bands.size(); ++b) {
    EXPECT_EQ(bands[b].band, static_cast<int>(b + 1));
    EXPECT_EQ(bands[b].n, b < 3 ? 3u : 2u);
    total += bands[b].n;
    if (b > 0) {
      EXPECT_GE(bands[b].min_score, bands[b - 1].max_score);
    }
  }
  EXPECT_EQ(total, 23u);
  EXPECT_EQ(bands[0].events, 0u);
  EXPECT_EQ(bands[0].observed_lower, 0.0);
  // Top two bands: the 4 highest rows are events (p = 1, 21/22, 20/22, 19/22), band 8 holds the 5th.
  EXPECT_EQ(bands[9].events, 2u);
  EXPECT_EQ(bands[8].events, 2u);
  EXPECT_EQ(bands[7].events, 1u);
  // Wilson (1927) 95% interval of 2/2: lower = 4 / (4 + 1.959964^2) = 0.5101, upper 1.
  EXPECT_NEAR(bands[9].observed_lower, 2.0 / (2.0 + 1.959963984540054 * 1.959963984540054), 1e-9);
  EXPECT_NEAR(bands[9].observed_upper, 1.0, 1e-12);
  EXPECT_NEAR(bands[9].mean_predicted, (1.0 + 21.0 / 22.0) / 2.0, 1e-6);
  EXPECT_EQ(RiskBands(p, y, 50).size(), 23u);
}

TEST(Classification, TopFractionAndThreshold) {
  std::vector<float> s;
  std::vector<uint8_t> y;
  for (int i = 1; i <= 100; ++i) {
    s.push_back(static_cast<float>(i));
    y.push_back(i % 10 == 0 ? 1 : 0);  // positives: 10, 20, ..., 100
  }
  // Top 5%: the 5th highest score is 96; flagged 96..100 holds one positive (100).
  EXPECT_EQ(TopFractionThreshold(s, 0.05), 96.0f);
  Classification c = ClassifyTopFraction(s, y, 0.05);
  EXPECT_EQ(c.fraction, 0.05);
  EXPECT_EQ(c.flagged, 5u);
  EXPECT_EQ(c.true_positives, 1u);
  EXPECT_EQ(c.positives, 10u);
  EXPECT_NEAR(c.ppv, 0.2, 1e-15);
  EXPECT_NEAR(c.sensitivity, 0.1, 1e-15);
  EXPECT_NEAR(c.fpr, 4.0 / 90.0, 1e-15);
  EXPECT_NEAR(c.fnr, 0.9, 1e-15);
  // 0.07 * 100 is 7.000000000000001 in binary: still 7 rows.
  EXPECT_EQ(ClassifyTopFraction(s, y, 0.07).flagged, 7u);
  // Ties at the threshold are all flagged.
  std::vector<float> tied = {5, 5, 5, 1, 1};
  std::vector<uint8_t> ty = {1, 0, 0, 0, 1};
  Classification t = ClassifyTopFraction(tied, ty, 0.2);
  EXPECT_EQ(t.threshold, 5.0f);
  EXPECT_EQ(t.flagged, 3u);
  EXPECT_EQ(ClassifyTopFraction(tied, ty, 0.0).flagged, 0u);
  EXPECT_EQ(ClassifyAtThreshold(tied, ty, 1.0f).flagged, 5u);
}

}  // namespace
}  // namespace icb::model
