// Evaluation report: measures by subgroup, fairness gaps at the cohort threshold, the planted-truth
// comparison, and disclosure control of the tables and the JSON. Expected values are worked by hand
// from the definitions in docs/reference/risk-evaluation.md.
#include "risk/evaluation.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "governance/disclosure.h"

namespace icb::risk {
namespace {

Breakdown TwoGroups(size_t n) {
  Breakdown b{"sex", "Sex", {"Male", "Female", "Other or not known"}, std::vector<uint8_t>(n)};
  for (size_t i = 0; i < n; ++i) b.code[i] = i % 2;  // even rows male, odd rows female
  return b;
}

// Ten rows: scores 0.1..1.0, outcome 1 on rows 6, 8, 9 (scores 0.7, 0.9, 1.0).
struct Small {
  std::vector<float> p{0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f, 0.9f, 1.0f};
  std::vector<uint8_t> y{0, 0, 0, 0, 0, 0, 1, 0, 1, 1};
};

TEST(Evaluation, SubgroupsSplitTheCohortAndUseTheCohortThreshold) {
  Small s;
  auto e = Evaluate("gbm", s.p, s.y, {TwoGroups(10)});
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->overall.n, 10u);
  EXPECT_EQ(e->overall.events, 3u);
  // Positives 0.7, 0.9, 1.0 against 7 negatives: pairs won 6 + 7 + 7 = 20 of 21.
  ASSERT_TRUE(e->overall.auroc);
  EXPECT_NEAR(e->overall.auroc->auroc, 20.0 / 21.0, 1e-12);
  ASSERT_EQ(e->subgroups.size(), 2u);  // no "Other" rows: no row for it
  EXPECT_EQ(e->subgroups[0].measures.n + e->subgroups[1].measures.n, 10u);
  // Top 5% of 10 rows = ceil(0.5) = 1 row: threshold 1.0 (row 9, odd: female, an event).
  const auto& male = e->subgroups[0].at_cohort_threshold;
  const auto& female = e->subgroups[1].at_cohort_threshold;
  EXPECT_EQ(male.flagged, 0u);
  EXPECT_EQ(female.flagged, 1u);
  EXPECT_EQ(female.true_positives, 1u);
  // Female rows 1,3,5,7,9: events at 9 only -> FNR 0, FPR 0. Male rows 0,2,4,6,8: events 6, 8 -> FNR 1.
  EXPECT_DOUBLE_EQ(female.fnr, 0.0);
  EXPECT_DOUBLE_EQ(male.fnr, 1.0);
  // Groups need 10 events and 10 non-events to be compared: none here, so no gap.
  ASSERT_EQ(e->gaps.size(), 1u);
  EXPECT_EQ(e->gaps[0].groups_compared, 0u);
  EXPECT_EQ(e->gaps[0].fnr_gap, 0.0);
}

TEST(Evaluation, FairnessGapIsTheRangeOverComparableGroups) {
  // 4,000 rows; the score ignores group membership but group 1 has twice the event rate.
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(0, 1);
  const size_t n = 4000;
  std::vector<float> p(n);
  std::vector<uint8_t> y(n);
  Breakdown b = TwoGroups(n);
  for (size_t i = 0; i < n; ++i) {
    p[i] = static_cast<float>(u(rng));
    const double rate = (b.code[i] ? 0.3 : 0.15) * p[i] * 2;
    y[i] = u(rng) < rate ? 1 : 0;
  }
  auto e = Evaluate("gbm", p, y, {b});
  ASSERT_TRUE(e.ok());
  ASSERT_EQ(e->gaps[0].groups_compared, 2u);
  const auto& g0 = e->subgroups[0].at_cohort_threshold;
  const auto& g1 = e->subgroups[1].at_cohort_threshold;
  EXPECT_NEAR(e->gaps[0].fpr_gap, std::fabs(g0.fpr - g1.fpr), 1e-15);
  EXPECT_NEAR(e->gaps[0].fnr_gap, std::fabs(g0.fnr - g1.fnr), 1e-15);
  EXPECT_EQ(e->gaps[0].fpr_highest == "Male", g0.fpr >= g1.fpr);
  // Same threshold everywhere: flagged counts add up to the cohort's top 5% (200 rows, no ties).
  EXPECT_EQ(g0.flagged + g1.flagged, 200u);
}

TEST(Evaluation, TruthComparisonUsesOnlyMatchedRows) {
  Small s;
  std::vector<float> truth(s.p.size(), std::numeric_limits<float>::quiet_NaN());
  // Truth known for rows 5..9 only: it ranks the events 6, 8, 9 above rows 5 and 7.
  truth[5] = 0.1f, truth[6] = 0.8f, truth[7] = 0.2f, truth[8] = 0.9f, truth[9] = 0.95f;
  auto e = Evaluate("gbm", s.p, s.y, {});
  ASSERT_TRUE(e.ok());
  ASSERT_TRUE(AddTruth(*e, s.p, s.y, truth).ok());
  ASSERT_TRUE(e->truth);
  EXPECT_EQ(e->truth->matched, 5u);
  EXPECT_DOUBLE_EQ(e->truth->truth_auroc.auroc, 1.0);
  // The model on rows 5..9: events 0.7, 0.9, 1.0 vs non-events 0.6, 0.8: pairs won 1+2+2 = 5 of 6.
  EXPECT_NEAR(e->truth->model_auroc.auroc, 5.0 / 6.0, 1e-12);
  EXPECT_NEAR(e->truth->comparison.difference, 5.0 / 6.0 - 1.0, 1e-12);
  std::vector<float> none(s.p.size(), std::numeric_limits<float>::quiet_NaN());
  EXPECT_FALSE(AddTruth(*e, s.p, s.y, none).ok());
}

TEST(Evaluation, ReportAndJsonPassDisclosureControl) {
  Small s;
  auto e = Evaluate("gbm", s.p, s.y, {TwoGroups(10)});
  ASSERT_TRUE(e.ok());
  auto report = BuildEvaluationReport({*e}, "test", {});
  ASSERT_TRUE(governance::ApplyDisclosure(report, governance::StandardPolicy()).ok());
  EXPECT_TRUE(governance::VerifyDisclosure(report, governance::StandardPolicy()).ok());
  // 10 persons rounds to 10; 3 events is redacted, so AUROC built on it is withheld everywhere.
  const auto j = EvaluationJson({*e}, governance::StandardPolicy(), {});
  EXPECT_EQ(j.at("n"), 10);
  EXPECT_EQ(j.at("events"), "redacted");
  EXPECT_EQ(j.at("auroc"), "redacted");
  for (const auto& sub : j.at("models")[0].at("subgroups")) {
    EXPECT_EQ(sub.at("n"), "redacted");  // 5 persons per group
    EXPECT_EQ(sub.at("auroc"), "redacted");
    EXPECT_EQ(sub.at("fnr"), "redacted");
  }
  const auto open = EvaluationJson({*e}, governance::NoDisclosurePolicy(), {});
  EXPECT_NEAR(open.at("auroc").get<double>(), 20.0 / 21.0, 1e-12);
}

TEST(Evaluation, CohortBreakdownsBandAgesAndGroupEthnicity) {
  Dataset ds;
  ds.lsoas.code.Intern("E01000001");
  ds.lsoas.imd_decile = {3};
  ds.lsoas.imd_quintile = {2};
  ds.lsoas.name = {"x"};
  ds.lsoas.place_code = {"p"};
  ds.lsoas.place_name = {"P"};
  ds.lsoas.sub_icb = {"s"};
  for (int i = 0; i < 3; ++i) {
    ds.persons.pseudonym.push_back({});
    ds.persons.birth.push_back(0);
    ds.persons.death.push_back(kNoDate);
    ds.persons.lsoa.push_back(0);
  }
  ds.persons.sex = {1, 2, 0};
  ds.persons.ethnicity = {*EthnicIndex("A"), *EthnicIndex("H"), *EthnicIndex("Z")};
  const std::vector<uint8_t> age = {17, 65, 90};
  const std::vector<uint32_t> persons = {0, 1, 2};
  const auto b = CohortBreakdowns(ds, persons, age);
  ASSERT_EQ(b.size(), 4u);
  EXPECT_EQ(b[0].groups[b[0].code[0]], "2");
  EXPECT_EQ(b[1].groups[b[1].code[0]], "White");
  EXPECT_EQ(b[1].groups[b[1].code[1]], "Asian");
  EXPECT_EQ(b[1].groups[b[1].code[2]], "Not stated or not known");
  EXPECT_EQ(b[2].groups[b[2].code[2]], "Other or not known");
  EXPECT_EQ(b[3].groups[b[3].code[0]], "0-17");
  EXPECT_EQ(b[3].groups[b[3].code[1]], "65-74");
  EXPECT_EQ(b[3].groups[b[3].code[2]], "85+");
}

}  // namespace
}  // namespace icb::risk
