// Tests of the population stability index (src/model/drift.h) on distributions worked by hand.
// PSI = sum (cur - ref) ln(cur / ref) (Yurdakul 2018, "Statistical properties of population stability
// index", Western Michigan University; Siddiqi 2006, Credit Risk Scorecards, for the 0.1 / 0.25 bands).
#include "model/drift.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace icb::model {
namespace {

std::vector<float> Repeat(std::initializer_list<std::pair<float, int>> counts) {
  std::vector<float> v;
  for (auto [value, n] : counts) v.insert(v.end(), static_cast<size_t>(n), value);
  return v;
}

TEST(Drift, ThreeBinHandWorked) {
  // Reference: 1 x5, 2 x3, 3 x2 -> three values, so one bin per value: shares 0.5, 0.3, 0.2.
  const std::vector<float> ref = Repeat({{1, 5}, {2, 3}, {3, 2}});
  const Bins bins = MakeQuantileBins(ref, 10);
  ASSERT_EQ(bins.edges, (std::vector<double>{1, 2}));
  ASSERT_EQ(bins.reference_shares.size(), 3u);
  EXPECT_DOUBLE_EQ(bins.reference_shares[0], 0.5);
  EXPECT_DOUBLE_EQ(bins.reference_shares[1], 0.3);
  EXPECT_DOUBLE_EQ(bins.reference_shares[2], 0.2);
  // Current: 1 x3, 2 x3, 3 x4 -> 0.3, 0.3, 0.4.
  // PSI = (0.3 - 0.5) ln(0.3/0.5) + 0 + (0.4 - 0.2) ln(0.4/0.2) = 0.1021651 + 0.1386294 = 0.2407946.
  const std::vector<float> cur = Repeat({{1, 3}, {2, 3}, {3, 4}});
  const double psi = Psi(bins, cur);
  EXPECT_NEAR(psi, -0.2 * std::log(0.6) + 0.2 * std::log(2.0), 1e-12);
  EXPECT_NEAR(psi, 0.2407946, 1e-7);
  EXPECT_EQ(PsiLevel(psi), DriftLevel::kModerate);
}

TEST(Drift, IdenticalDistributionsGiveZero) {
  std::vector<float> ref;
  for (int i = 1; i <= 1000; ++i) ref.push_back(static_cast<float>(std::sqrt(i)));
  const Bins bins = MakeQuantileBins(ref, 10);
  EXPECT_EQ(bins.edges.size(), 9u);
  EXPECT_EQ(Psi(bins, ref), 0.0);
  EXPECT_EQ(PsiLevel(0.0), DriftLevel::kStable);
}

TEST(Drift, ShiftedDistributionHandWorked) {
  // Reference 1..100: decile upper edges 10, 20, ..., 90 (the ceil(i*100/10)-th smallest), each bin
  // 0.1. Current 11..110 (shifted by 10): bin 1 (<= 10) is empty, bins 2-9 hold 10 each, the last bin
  // (> 90) holds 91..110 = 20. With the 1e-4 floor:
  // PSI = (1e-4 - 0.1) ln(1e-4 / 0.1) + (0.2 - 0.1) ln(0.2 / 0.1) = 0.6900855 + 0.0693147 = 0.7594002.
  std::vector<float> ref, cur;
  for (int i = 1; i <= 100; ++i) {
    ref.push_back(static_cast<float>(i));
    cur.push_back(static_cast<float>(i + 10));
  }
  const Bins bins = MakeQuantileBins(ref, 10);
  ASSERT_EQ(bins.edges, (std::vector<double>{10, 20, 30, 40, 50, 60, 70, 80, 90}));
  const std::vector<double> shares = BinShares(bins, cur);
  ASSERT_EQ(shares.size(), 10u);
  EXPECT_EQ(shares[0], 0.0);
  EXPECT_DOUBLE_EQ(shares[9], 0.2);
  const double psi = Psi(bins, cur);
  EXPECT_NEAR(psi, (1e-4 - 0.1) * std::log(1e-4 / 0.1) + 0.1 * std::log(2.0), 1e-12);
  EXPECT_NEAR(psi, 0.7594002, 1e-6);
  EXPECT_EQ(PsiLevel(psi), DriftLevel::kMajor);
  EXPECT_EQ(DriftLevelName(PsiLevel(psi)), "major");
}

TEST(Drift, BinaryFeatureGetsTwoBinsWhateverItsMix) {
  for (int ones : {1, 50, 95}) {
    std::vector<float> ref = Repeat({{0, 100 - ones}, {1, ones}});
    const Bins bins = MakeQuantileBins(ref, 10);
    ASSERT_EQ(bins.edges, (std::vector<double>{0})) << ones;
    ASSERT_EQ(bins.reference_shares.size(), 2u);
    EXPECT_NEAR(bins.reference_shares[1], ones / 100.0, 1e-15);
  }
  // A constant feature: one bin, PSI 0 against itself.
  std::vector<float> constant(50, 3.0f);
  const Bins one = MakeQuantileBins(constant, 10);
  EXPECT_TRUE(one.edges.empty());
  EXPECT_EQ(Psi(one, constant), 0.0);
}

TEST(Drift, MissingValuesHaveTheirOwnShare) {
  // Reference 1..8 plus 2 NaN: 8 distinct values <= 10 bins, so one bin per value, then the NaN share.
  std::vector<float> ref;
  for (int i = 1; i <= 8; ++i) ref.push_back(static_cast<float>(i));
  ref.push_back(std::nanf(""));
  ref.push_back(std::nanf(""));
  const Bins bins = MakeQuantileBins(ref, 10);
  ASSERT_EQ(bins.edges.size(), 7u);
  ASSERT_EQ(bins.reference_shares.size(), 9u);
  EXPECT_DOUBLE_EQ(bins.reference_shares.back(), 0.2);
  EXPECT_NEAR(Psi(bins, ref), 0.0, 1e-15);
  // Current without missing values: the NaN share falls from 0.2 to 0 (floored 1e-4), each value bin
  // rises from 0.1 to 0.125: PSI = 8 * 0.025 ln(1.25) + (1e-4 - 0.2) ln(1e-4 / 0.2).
  std::vector<float> cur(ref.begin(), ref.begin() + 8);
  EXPECT_NEAR(Psi(bins, cur), 8 * 0.025 * std::log(1.25) + (1e-4 - 0.2) * std::log(1e-4 / 0.2), 1e-12);
  // Missing values that the reference never had still count (reference share floored at 1e-4).
  const Bins no_nan = MakeQuantileBins(cur, 10);
  std::vector<float> with_nan = cur;
  with_nan.push_back(std::nanf(""));
  with_nan.push_back(std::nanf(""));
  EXPECT_EQ(BinShares(no_nan, with_nan).size(), 9u);
  EXPECT_GT(Psi(no_nan, with_nan), 0.25);
}

TEST(Drift, LevelBands) {
  EXPECT_EQ(PsiLevel(0.0999), DriftLevel::kStable);
  EXPECT_EQ(PsiLevel(0.1), DriftLevel::kModerate);
  EXPECT_EQ(PsiLevel(0.2499), DriftLevel::kModerate);
  EXPECT_EQ(PsiLevel(0.25), DriftLevel::kMajor);
  EXPECT_EQ(DriftLevelName(DriftLevel::kStable), "stable");
  EXPECT_EQ(DriftLevelName(DriftLevel::kModerate), "moderate");
  EXPECT_TRUE(std::isnan(Psi(MakeQuantileBins(std::vector<float>{1, 2}, 10), {})));
}

}  // namespace
}  // namespace icb::model
