// Spec test of the provider and practice report (src/context/provider_report.h) on the hand-built
// dataset of tiny_dataset.h, with its admitted patient care spells given a provider and discharge
// dates; expected values worked by hand in the comments. Funnels: PHE Technical Guide, Funnel Plots.
#include <gtest/gtest.h>

#include "context/provider_report.h"
#include "governance/disclosure.h"
#include "tiny_dataset.h"

namespace icb {
namespace {

using report::Cell;

const Cell& At(const report::Table& t, size_t row, const char* column) { return t.rows()[row][*t.ColumnIndex(column)]; }

TEST(ProviderReport, TinySpec) {
  testing::Tiny tiny;
  auto& ev = tiny.b.ds.events;
  const uint32_t rxx = tiny.b.ds.orgs.Intern("RXX");
  // Events 7, 8, 9 are the APC spells: p0 elective 2023-04-01, p0 emergency 2023-06-01, p1 emergency 2024-03-31.
  ev.provider[7] = ev.provider[8] = ev.provider[9] = rxx;
  ev.end_date[7] = testing::D("2023-04-03");  // 2 days
  ev.end_date[8] = testing::D("2023-06-01");  // 0 days
  ev.end_date[9] = testing::D("2024-04-02");  // 2 days (admitted in the period)
  const Dataset ds = tiny.Build();
  ProviderQuery q;
  q.period = *ParsePeriod("2023/24");
  auto r = ComputeProviderReport(ds, q);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const auto* act = r->Find("provider_activity");
  ASSERT_NE(act, nullptr);
  ASSERT_EQ(act->row_count(), 2u);  // RXX EL and NEL (A&E and GP events have no provider)
  EXPECT_EQ(std::get<std::string>(At(*act, 1, "pod")), "NEL");
  EXPECT_EQ(std::get<int64_t>(At(*act, 1, "events")), 2);
  EXPECT_NEAR(std::get<double>(At(*act, 1, "unit_cost_gbp")), 1900.0, 1e-9);  // (1,800 + 2,000) / 2
  const auto* los = r->Find("provider_los");
  ASSERT_NE(los, nullptr);
  ASSERT_EQ(los->row_count(), 1u);
  EXPECT_NEAR(std::get<double>(At(*los, 0, "el_mean_los")), 2.0, 1e-12);
  EXPECT_NEAR(std::get<double>(At(*los, 0, "nel_mean_los")), 1.0, 1e-12);
  EXPECT_EQ(std::get<int64_t>(At(*los, 0, "nel_zero_los")), 1);
  EXPECT_NEAR(std::get<double>(At(*los, 0, "zero_los_pct")), 50.0, 1e-12);
  // One provider is the ICB: its share is the funnel centre.
  EXPECT_NEAR(std::get<double>(At(*los, 0, "funnel_centre")), 50.0, 1e-9);
  // Practices: ICB rates by age band x sex are 1 per person-year for men 65-69 (p0) and women 70-74
  // (p1), 0 elsewhere. A00001 (p0, p5, p6): observed 1, expected 1 x 1 = 1, ISR 100; A00002 (p1,
  // and p3 until his death): observed 1, expected 1, ISR 100.
  const auto* pv = r->Find("practice_variation");
  ASSERT_NE(pv, nullptr);
  ASSERT_EQ(pv->row_count(), 2u);
  for (size_t row = 0; row < 2; ++row) {
    EXPECT_NEAR(std::get<double>(At(*pv, row, "expected")), 1.0, 1e-9);
    EXPECT_NEAR(std::get<double>(At(*pv, row, "value")), 100.0, 1e-9);
  }
  EXPECT_EQ(r->charts.size(), 2u);
  // Counts of 1-2 everywhere: after disclosure control no value survives beside them.
  ASSERT_TRUE(governance::ApplyDisclosure(*r, governance::StandardPolicy()).ok());
  EXPECT_TRUE(governance::VerifyDisclosure(*r, governance::StandardPolicy()).ok());
  EXPECT_TRUE(std::holds_alternative<report::Redacted>(At(*r->Find("practice_variation"), 0, "value")));
}

TEST(ProviderReport, EmptyPeriodIsAnError) {
  const Dataset ds = testing::TinyDataset();
  const ProviderQuery no_period;
  EXPECT_FALSE(ComputeProviderReport(ds, no_period).ok());
}

}  // namespace
}  // namespace icb
