// Spec tests of the indicator engine on the hand-built dataset of tests/context/tiny_dataset.h,
// worked by hand in docs/reference/indicators.md ("Worked example"), for financial year 2023/24 as
// at 2024-03-31. Methods: Wilson (proportions), Byars/exact (crude rates), Dobson (DSR, NA below 10
// events, PHE/OHID Technical Guide: Confidence Intervals), Student's t (means, PHEindicatormethods
// phe_mean).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "context/indicator_report.h"
#include "context/indicator_results.h"
#include "core/parallel.h"
#include "governance/disclosure.h"
#include "stats/mean.h"
#include "tiny_dataset.h"

namespace icb {
namespace {

using testing::TinyDataset;

const IndicatorCatalogue& Catalogue() {
  static const IndicatorCatalogue c = [] {
    auto r = LoadIndicatorCatalogue(DefaultIndicatorDir());
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return std::move(r).value();
  }();
  return c;
}

IndicatorQuery Query(std::vector<Breakdown> by) {
  IndicatorQuery q;
  q.catalogue = &Catalogue();
  q.breakdowns = std::move(by);
  q.period = *ParsePeriod("2023/24");
  return q;
}

const IndicatorResult& Find(const IndicatorResults& r, const std::string& id) {
  for (const auto& i : r.indicators)
    if (i.def.id == id) return i;
  ADD_FAILURE() << "no indicator " << id;
  static IndicatorResult none;
  return none;
}

// The cell of breakdown `b`, group labelled `label`.
const IndicatorCell& CellOf(const IndicatorResults& r, const std::string& id, Breakdown b, const std::string& label) {
  const auto& lay = r.layout;
  for (size_t bi = 0; bi < lay.breakdowns().size(); ++bi)
    if (lay.breakdowns()[bi] == b)
      for (size_t g = 0; g < lay.group_count(bi); ++g)
        if (lay.label(bi, g) == label) return Find(r, id).cells[lay.offset(bi) + g];
  ADD_FAILURE() << "no group " << label;
  static IndicatorCell none;
  return none;
}

TEST(IndicatorCatalogue, LoadsEveryRequiredIndicator) {
  const auto& c = Catalogue();
  for (const char* id : {"em_adm", "em_adm_65", "em_adm_acsc", "ae_att", "el_adm", "op_att", "gp_appt", "prev_hyp",
                         "prev_dm", "mort_u75", "le_birth", "seg_healthy", "cost_head", "em_adm_isr"})
    EXPECT_GE(c.Find(id), 0) << id;
  int prevalence = 0;
  for (const auto& d : c.indicators) prevalence += d.id.rfind("prev_", 0) == 0;
  EXPECT_EQ(prevalence, 21);  // every QOF 2022-23 register
  const auto& acsc = c.indicators[static_cast<size_t>(c.Find("em_adm_acsc"))];
  ASSERT_GE(acsc.numerator_filter.codelist, 0);
  // NHS OF 2.3.i lists J44 (COPD) and I50 (heart failure) but not E11.9 (diabetes without complications).
  const auto& list = c.codelists[static_cast<size_t>(acsc.numerator_filter.codelist)];
  EXPECT_TRUE(list.Matches("J441"));
  EXPECT_TRUE(list.Matches("I500"));
  EXPECT_FALSE(list.Matches("E119"));
}

TEST(IndicatorCatalogue, RejectsBadEntriesWithLineAndColumn) {
  const std::string head = "id,title,numerator,denominator,method,multiplier,breakdowns,source,definition\n";
  auto bad = ParseIndicatorCatalogue(head + "x,T,events pod=XYZ,person_years,crude_rate,1000,*,S,D\n", "cat.csv", ".");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("cat.csv line 2 column 3"), std::string::npos) << bad.status().message();
  EXPECT_NE(bad.status().message().find("XYZ"), std::string::npos);
  auto mix = ParseIndicatorCatalogue(head + "x,T,persons register=DM,person_years,proportion,100,*,S,D\n", "cat.csv", ".");
  EXPECT_FALSE(mix.ok());
  auto method = ParseIndicatorCatalogue(head + "x,T,events,person_years,median,100,*,S,D\n", "cat.csv", ".");
  ASSERT_FALSE(method.ok());
  EXPECT_NE(method.status().message().find("column 5"), std::string::npos);
  auto ok = ParseIndicatorCatalogue(head + "x,T,events pod=NEL age>=65,person_years age>=65,crude_rate,1000,*-age_band,S,D\n",
                                    "cat.csv", ".");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->indicators[0].numerator_filter.min_age, 65);
  EXPECT_FALSE((ok->indicators[0].breakdown_mask >> static_cast<int>(Breakdown::kAgeBand)) & 1u);
}

TEST(Indicators, PeriodsParse) {
  auto fy = ParsePeriod("2023/24");
  ASSERT_TRUE(fy.ok());
  EXPECT_EQ(Date(fy->from).ToIso(), "2023-04-01");
  EXPECT_EQ(Date(fy->to).ToIso(), "2024-03-31");
  EXPECT_EQ(fy->days_per_year, 366);
  EXPECT_FALSE(ParsePeriod("2023/25").ok());
  EXPECT_FALSE(ParsePeriod("2024-01-01:2023-01-01").ok());
  auto range = ParsePeriod("2023-01-01:2023-12-31");
  ASSERT_TRUE(range.ok());
  EXPECT_EQ(range->days_per_year, 365.25);
}

// Hand-worked: docs/reference/indicators.md, worked example. Registered person-days in 2023/24:
// p0, p1, p5, p6 366 each and p3 76 (to his death) = 1,540; 1,540 / 366 = 4.2077 person-years.
TEST(Indicators, TinySpecAll) {
  const Dataset ds = TinyDataset();
  auto r = ComputeIndicators(ds, PersonScores{}, Query({Breakdown::kAll}));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const auto& em = Find(*r, "em_adm").cells[0];
  EXPECT_EQ(em.numerator, 2);  // p0 2023-06-01, p1 2024-03-31
  EXPECT_NEAR(em.denominator, 1540.0 / 366, 1e-12);
  EXPECT_NEAR(em.estimate.value, 2 / (1540.0 / 366) * 1000, 1e-9);  // 475.3 as in the profile's NEL row
  EXPECT_EQ(em.estimate.method, "Exact");                          // fewer than 10 events
  // 65+: p0 (69) and p1 (74) admitted; person-time at 65+: p0 366, p1 366, p3 76 = 808 days.
  const auto& em65 = Find(*r, "em_adm_65").cells[0];
  EXPECT_EQ(em65.numerator, 2);
  EXPECT_NEAR(em65.denominator, 808.0 / 366, 1e-12);
  EXPECT_EQ(Find(*r, "ae_att").cells[0].numerator, 1);   // p1 2024-03-31 (p3's was in 2022/23)
  EXPECT_EQ(Find(*r, "el_adm").cells[0].numerator, 1);   // p0 2023-04-01
  EXPECT_EQ(Find(*r, "gp_appt").cells[0].numerator, 1);  // p5 2024-03-31
  EXPECT_EQ(Find(*r, "op_att").cells[0].numerator, 0);
  // Deaths on registered days: p3 (93) and p6 (34, registered to the day he died).
  EXPECT_EQ(Find(*r, "mort_all").cells[0].numerator, 2);
  const auto& u75 = Find(*r, "mort_u75").cells[0];
  EXPECT_EQ(u75.numerator, 1);
  EXPECT_NEAR(u75.denominator, 4.0, 1e-12);  // p0, p1, p5, p6 all year (p3 was 93)
  EXPECT_FALSE(u75.estimate.has_value());   // Dobson DSR is not computed below 10 events
  EXPECT_FALSE(Find(*r, "le_birth").cells[0].estimate.has_value());  // population <= 5,000
  // Prevalence as at 2024-03-31, as in docs/reference/profile.md: HYP 2/4, DM (17+) 1/3, AST (6+) 2/4.
  const auto& hyp = Find(*r, "prev_hyp").cells[0];
  EXPECT_EQ(hyp.numerator, 2);
  EXPECT_EQ(hyp.denominator, 4);
  EXPECT_NEAR(hyp.estimate.value, 50.0, 1e-12);
  EXPECT_EQ(Find(*r, "prev_dm").cells[0].numerator, 1);
  EXPECT_EQ(Find(*r, "prev_dm").cells[0].denominator, 3);
  EXPECT_EQ(Find(*r, "prev_ast").cells[0].denominator, 4);
  // The ICB's own ISR is 100 by construction (observed = expected).
  EXPECT_NEAR(Find(*r, "em_adm_isr").cells[0].estimate.value, 100.0, 1e-9);
  // Cost per head: p0 GBP 4,300.00, p1 2,162.34, p5 25.00, p6 5.00 over the 4 registered on 2024-03-31;
  // checked against stats::Mean on the four values (phe_mean).
  const auto& cost = Find(*r, "cost_head").cells[0];
  const std::vector<double> values = {4300.00, 2162.34, 25.00, 5.00};
  auto mean = stats::Mean(values, {0.95});
  ASSERT_TRUE(mean.ok());
  EXPECT_NEAR(cost.estimate.value, 1623.085, 1e-9);
  EXPECT_NEAR(cost.estimate.intervals[0].lower, mean->estimate.intervals[0].lower, 1e-6);
  EXPECT_NEAR(cost.estimate.intervals[0].upper, mean->estimate.intervals[0].upper, 1e-6);
  EXPECT_EQ(cost.numerator, 4);
  EXPECT_EQ(r->events_unregistered, 0);
  // Segment indicators need person scores.
  EXPECT_FALSE(r->skipped.empty());
}

TEST(Indicators, TinySpecBreakdowns) {
  const Dataset ds = TinyDataset();
  auto r = ComputeIndicators(ds, PersonScores{},
                             Query({Breakdown::kAll, Breakdown::kSex, Breakdown::kImdDecile, Breakdown::kAgeBand,
                                    Breakdown::kPractice, Breakdown::kCore20}));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  // Sex: male p0, p6 (366 each), p3 (76): 808 days, p0's admission; female p1: 366 days, 1.
  EXPECT_EQ(CellOf(*r, "em_adm", Breakdown::kSex, "Male").numerator, 1);
  EXPECT_NEAR(CellOf(*r, "em_adm", Breakdown::kSex, "Male").denominator, 808.0 / 366, 1e-12);
  EXPECT_NEAR(CellOf(*r, "em_adm", Breakdown::kSex, "Female").estimate.value, 1000.0, 1e-9);
  EXPECT_NEAR(CellOf(*r, "em_adm", Breakdown::kSex, "Other or not known").denominator, 1.0, 1e-12);
  // IMD decile 1 (LSOA L0: p0, p5, p6) and 10 (L1: p1, p3).
  EXPECT_NEAR(CellOf(*r, "em_adm", Breakdown::kImdDecile, "1").denominator, 3.0, 1e-12);
  EXPECT_NEAR(CellOf(*r, "em_adm", Breakdown::kImdDecile, "10").denominator, 442.0 / 366, 1e-12);
  EXPECT_EQ(CellOf(*r, "em_adm", Breakdown::kCore20, "Core20").numerator, 1);
  // Practice: p3 counts with A00002, the practice he was registered with in the period.
  EXPECT_NEAR(CellOf(*r, "em_adm", Breakdown::kPractice, "A00002").denominator, 442.0 / 366, 1e-12);
  EXPECT_EQ(CellOf(*r, "prev_hyp", Breakdown::kPractice, "A00001").numerator, 2);
  EXPECT_EQ(CellOf(*r, "prev_hyp", Breakdown::kPractice, "A00001").denominator, 3);
  // Age band at each day: p0 69 all year (65-69), p1 73 then 74 (70-74), p3 93 (90+).
  EXPECT_NEAR(CellOf(*r, "em_adm", Breakdown::kAgeBand, "65-69").denominator, 1.0, 1e-12);
  EXPECT_EQ(CellOf(*r, "em_adm", Breakdown::kAgeBand, "70-74").numerator, 1);
  EXPECT_NEAR(CellOf(*r, "em_adm", Breakdown::kAgeBand, "90+").denominator, 76.0 / 366, 1e-12);
  // Prevalence by the age on the as-at date: p5 (13) is in 10-14.
  EXPECT_EQ(CellOf(*r, "prev_ast", Breakdown::kAgeBand, "10-14").numerator, 1);
}

// Consistency: the cells of every breakdown add up to the whole (before disclosure control).
TEST(Indicators, BreakdownCellsSumToAll) {
  const Dataset ds = TinyDataset();
  auto by = ParseBreakdownList("every");
  ASSERT_TRUE(by.ok());
  std::vector<Breakdown> no_segment;
  for (Breakdown b : *by)
    if (b != Breakdown::kSegment) no_segment.push_back(b);
  auto r = ComputeIndicators(ds, PersonScores{}, Query(no_segment));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  for (const auto& ind : r->indicators)
    for (size_t bi = 1; bi < r->layout.breakdowns().size(); ++bi) {
      if (!ind.Allows(r->layout.breakdowns()[bi])) continue;
      int64_t num = 0;
      double den = 0;
      for (size_t g = 0; g < r->layout.group_count(bi); ++g) {
        num += ind.cells[r->layout.offset(bi) + g].numerator;
        den += ind.cells[r->layout.offset(bi) + g].denominator;
      }
      EXPECT_EQ(num, ind.cells[0].numerator) << ind.def.id << " by " << BreakdownName(r->layout.breakdowns()[bi]);
      EXPECT_NEAR(den, ind.cells[0].denominator, 1e-9) << ind.def.id;
    }
}

TEST(Indicators, SameAtAnyThreadCount) {
  const Dataset ds = TinyDataset();
  auto q = Query({Breakdown::kAll, Breakdown::kSex, Breakdown::kPractice});
  SetThreadCount(1);
  auto one = ComputeIndicators(ds, PersonScores{}, q);
  SetThreadCount(0);
  auto many = ComputeIndicators(ds, PersonScores{}, q);
  ASSERT_TRUE(one.ok() && many.ok());
  for (size_t k = 0; k < one->indicators.size(); ++k)
    for (size_t c = 0; c < one->indicators[k].cells.size(); ++c) {
      EXPECT_EQ(one->indicators[k].cells[c].numerator, many->indicators[k].cells[c].numerator);
      EXPECT_EQ(one->indicators[k].cells[c].denominator, many->indicators[k].cells[c].denominator);
    }
}

TEST(Indicators, UnknownIndicatorAndForbiddenBreakdownAreErrors) {
  const Dataset ds = TinyDataset();
  auto q = Query({Breakdown::kAll});
  q.indicator_ids = {"no_such"};
  EXPECT_FALSE(ComputeIndicators(ds, PersonScores{}, q).ok());
  q = Query({Breakdown::kAgeBand});
  q.indicator_ids = {"mort_u75"};  // standardised: no age-band breakdown
  auto r = ComputeIndicators(ds, PersonScores{}, q);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("age_band"), std::string::npos);
  q = Query({Breakdown::kSegment});
  EXPECT_FALSE(ComputeIndicators(ds, PersonScores{}, q).ok());  // needs person scores
}

TEST(IndicatorReport, PassesDisclosureControl) {
  const Dataset ds = TinyDataset();
  auto r = ComputeIndicators(ds, PersonScores{}, Query({Breakdown::kAll, Breakdown::kImdDecile, Breakdown::kSex}));
  ASSERT_TRUE(r.ok());
  report::Report rep = BuildIndicatorReport(*r, "tiny");
  EXPECT_NE(rep.Find("overview"), nullptr);
  EXPECT_NE(rep.Find("em_adm_imd10"), nullptr);
  EXPECT_FALSE(rep.charts.empty());
  ASSERT_TRUE(governance::ApplyDisclosure(rep, governance::StandardPolicy()).ok());
  EXPECT_TRUE(governance::VerifyDisclosure(rep, governance::StandardPolicy()).ok());
  // Every count in the tiny dataset is 1-7 or 0: no rate on a redacted numerator survives.
  const auto* ov = rep.Find("overview");
  const size_t value = *ov->ColumnIndex("value"), num = *ov->ColumnIndex("numerator");
  for (const auto& row : ov->rows())
    if (std::holds_alternative<report::Redacted>(row[num])) {
      EXPECT_TRUE(std::holds_alternative<report::Redacted>(row[value]));
    }
}

// docs/reference/indicators.md lists every indicator of the catalogue.
TEST(IndicatorCatalogue, DocsListEveryIndicator) {
  std::ifstream in(std::string(ICB_TEST_DATA_DIR) + "/../../docs/reference/indicators.md");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string doc = ss.str();
  ASSERT_FALSE(doc.empty());
  for (const auto& d : Catalogue().indicators) EXPECT_NE(doc.find("`" + d.id + "`"), std::string::npos) << d.id;
}

}  // namespace
}  // namespace icb
