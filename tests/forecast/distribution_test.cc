// Distribution: quantiles against published values, NHP's 80% interval convention, clipping and the
// JSON forms.
#include "forecast/distribution.h"

#include <cmath>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace icb::forecast {
namespace {

using json = nlohmann::json;

TEST(Distribution, InverseNormalMatchesPublishedTables) {
  // Standard normal quantiles (Abramowitz and Stegun 1964, table 26.5; any statistical table):
  // z_0.9 = 1.2815516, z_0.975 = 1.9599640, z_0.5 = 0, z_0.001 = -3.0902323.
  EXPECT_NEAR(InverseNormalCdf(0.9), 1.2815516, 1e-7);
  EXPECT_NEAR(InverseNormalCdf(0.975), 1.9599640, 1e-7);
  EXPECT_NEAR(InverseNormalCdf(0.5), 0.0, 1e-12);
  EXPECT_NEAR(InverseNormalCdf(0.001), -3.0902323, 1e-7);
  EXPECT_NEAR(NormalCdf(1.2815516), 0.9, 1e-7);
  // NHP's constant 2.563103 is 2 z_0.9 (helpers.py rnorm).
  EXPECT_NEAR(2 * InverseNormalCdf(0.9), 2.563103, 1e-6);
}

TEST(Distribution, Interval80GivesItsP10AndP90) {
  // NHP: an 80% interval [p10, p90] is N((p10+p90)/2, (p90-p10)/2.563103).
  const Distribution d = Distribution::Interval80(0.85, 0.95);
  EXPECT_DOUBLE_EQ(d.Central(), 0.9);
  EXPECT_NEAR(d.Quantile(0.1), 0.85, 1e-6);
  EXPECT_NEAR(d.Quantile(0.9), 0.95, 1e-6);
  EXPECT_NEAR(d.Quantile(0.5), 0.9, 1e-12);
}

TEST(Distribution, ClippingPilesMassOnTheBound) {
  Distribution d = Distribution::Interval80(-0.05, 0.15);
  d.lo = 0;
  d.hi = 1;
  EXPECT_EQ(d.Quantile(0.01), 0.0);  // the normal's 1st percentile is below 0
  EXPECT_GT(d.Quantile(0.5), 0.0);
}

TEST(Distribution, BetaQuantilesMatchKnownValues) {
  // Beta(1,1) is uniform: Q(u) = u. Beta(2,1) has CDF x^2: Q(u) = sqrt(u). Beta(1,2) has CDF
  // 1-(1-x)^2: Q(u) = 1 - sqrt(1-u). Beta(2,2): Q(0.5) = 0.5 by symmetry (Johnson, Kotz and
  // Balakrishnan 1995, ch. 25).
  Distribution d{Distribution::Kind::kBeta, 1, 1, 0};
  EXPECT_NEAR(d.Quantile(0.3), 0.3, 1e-12);
  d = {Distribution::Kind::kBeta, 2, 1, 0};
  EXPECT_NEAR(d.Quantile(0.25), 0.5, 1e-12);
  EXPECT_NEAR(d.Central(), 2.0 / 3.0, 1e-12);
  d = {Distribution::Kind::kBeta, 1, 2, 0};
  EXPECT_NEAR(d.Quantile(0.75), 0.5, 1e-12);
  d = {Distribution::Kind::kBeta, 2, 2, 0};
  EXPECT_NEAR(d.Quantile(0.5), 0.5, 1e-12);
  // Beta(2,5) median 0.26445 (the incomplete-beta table value; I_0.26445(2,5) = 0.5).
  d = {Distribution::Kind::kBeta, 2, 5, 0};
  EXPECT_NEAR(d.Quantile(0.5), 0.26445, 1e-5);
}

TEST(Distribution, LogNormalAndTriangularClosedForms) {
  // Lognormal: Q(u) = exp(meanlog + sdlog z_u); mean exp(meanlog + sdlog^2/2).
  Distribution ln{Distribution::Kind::kLogNormal, 0.0, 0.5, 0};
  EXPECT_NEAR(ln.Quantile(0.9), std::exp(0.5 * 1.2815516), 1e-6);
  EXPECT_NEAR(ln.Central(), std::exp(0.125), 1e-12);
  // Triangular(0, 1, 4): F(1) = 1/4, so Q(0.25) = 1; Q(0.0625) = sqrt(0.0625 * 4 * 1) = 0.5;
  // Q(1 - 0.25) = 4 - sqrt(0.25 * 4 * 3) = 4 - sqrt(3); mean 5/3.
  Distribution tri{Distribution::Kind::kTriangular, 0, 1, 4};
  EXPECT_NEAR(tri.Quantile(0.25), 1.0, 1e-12);
  EXPECT_NEAR(tri.Quantile(0.0625), 0.5, 1e-12);
  EXPECT_NEAR(tri.Quantile(0.75), 4 - std::sqrt(3.0), 1e-12);
  EXPECT_NEAR(tri.Central(), 5.0 / 3.0, 1e-12);
}

TEST(Distribution, JsonFormsRoundTrip) {
  const char* forms[] = {
      "0.25",
      "[0.05,0.15]",
      R"({"dist":"normal","mean":1.0,"sd":0.5})",
      R"({"dist":"lognormal","meanlog":0.0,"sdlog":0.25})",
      R"({"dist":"beta","alpha":2.0,"beta":5.0})",
      R"({"dist":"triangular","min":0.0,"mode":0.5,"max":1.0})",
      R"({"dist":"interval80","p10":0.1,"p90":0.2,"min_clip":0.0})",
  };
  for (const char* f : forms) {
    auto d = Distribution::FromJson(json::parse(f), "x");
    ASSERT_TRUE(d.ok()) << f << ": " << d.status().message();
    auto again = Distribution::FromJson(d->ToJson(), "x");
    ASSERT_TRUE(again.ok()) << f;
    EXPECT_EQ(again->ToJson(), d->ToJson()) << f;
    EXPECT_EQ(again->Quantile(0.3), d->Quantile(0.3)) << f;
  }
}

TEST(Distribution, ErrorsNameThePath) {
  auto bad = Distribution::FromJson(json::parse(R"({"dist":"beta","alpha":-1,"beta":2})"), "f.json: mitigators[0].reduction");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("mitigators[0].reduction.alpha"), std::string::npos) << bad.status().message();
  bad = Distribution::FromJson(json::parse(R"({"dist":"normal","mean":1,"sd":1,"sdd":2})"), "p");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("p.sdd"), std::string::npos);
  bad = Distribution::FromJson(json::parse("[0.2, 0.1]"), "p");
  EXPECT_FALSE(bad.ok());
  bad = Distribution::FromJson(json::parse(R"({"dist":"gamma"})"), "p");
  EXPECT_FALSE(bad.ok());
  bad = Distribution::FromJson(json::parse(R"("0.1")"), "p");
  EXPECT_FALSE(bad.ok());
}

}  // namespace
}  // namespace icb::forecast
