// Explanations in words: the wording rules of the feature catalogue and the choice of reasons from
// SHAP contributions (only features that raised the risk, strongest first, one per kind of event).
#include "risk/explain.h"

#include <gtest/gtest.h>

namespace icb::risk {
namespace {

std::vector<FeatureDef> Catalogue() {
  std::vector<FeatureDef> c(5);
  c[0].name = "nel_admissions_12m";
  c[0].wording.text = "{n} emergency admission{s} in the last 12 months";
  c[1].name = "nel_admissions_24m";
  c[1].wording.text = "{n} emergency admission{s} in the last 24 months";
  c[2].name = "efi_band";
  c[2].wording.labels = {"fit", "mild frailty", "moderate frailty", "severe frailty"};
  c[2].wording.min_value = 1;
  c[3].name = "ltc_hf";
  c[3].wording.when_set = "heart failure";
  c[4].name = "imd_decile";  // no wording: never a reason
  return c;
}

TEST(Explain, DescribesCountsBandsAndFlags) {
  const auto c = Catalogue();
  EXPECT_EQ(DescribeFeature(c[0], 3), "3 emergency admissions in the last 12 months");
  EXPECT_EQ(DescribeFeature(c[0], 1), "1 emergency admission in the last 12 months");
  EXPECT_EQ(DescribeFeature(c[0], 0), "");  // below min_value 1
  EXPECT_EQ(DescribeFeature(c[2], 2), "moderate frailty");
  EXPECT_EQ(DescribeFeature(c[2], 0), "");  // "fit" is below min_value
  EXPECT_EQ(DescribeFeature(c[3], 1), "heart failure");
  EXPECT_EQ(DescribeFeature(c[3], 0), "");
  EXPECT_EQ(DescribeFeature(c[4], 1), "");
}

TEST(Explain, ChoosesRiskRaisingFeaturesStrongestFirstOncePerKind) {
  const auto c = Catalogue();
  model::FeatureMatrix m(1, {"nel_admissions_12m", "nel_admissions_24m", "efi_band", "ltc_hf", "imd_decile"});
  m.at(0, 0) = 3, m.at(0, 1) = 4, m.at(0, 2) = 2, m.at(0, 3) = 1, m.at(0, 4) = 1;
  // SHAP: 24-month count strongest, then heart failure, then the 12-month count, frailty lowered the
  // risk, deprivation raised it but has no words; last column the bias.
  const std::vector<float> phi = {0.5f, 0.9f, -0.2f, 0.6f, 0.7f, -3.0f};
  const auto reasons = ExplainRow(c, m, phi, 0, 3);
  ASSERT_EQ(reasons.size(), 2u);
  EXPECT_EQ(reasons[0].text, "4 emergency admissions in the last 24 months");
  EXPECT_EQ(reasons[1].text, "heart failure");
  EXPECT_EQ(JoinReasons(reasons), "4 emergency admissions in the last 24 months; heart failure");
  EXPECT_EQ(ExplainRow(c, m, phi, 0, 1).size(), 1u);
}

}  // namespace
}  // namespace icb::risk
