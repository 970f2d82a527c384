// Egress::Release (src/server/egress.h) and the perturbation table (src/governance/cell_key.h,
// data/disclosure/ptable.csv): the table's construction rules, released reports obeying the policy
// (governance::VerifyDisclosure), the same query giving the same output, the same people giving the
// same offset however they are asked for, the fallback key for reports without record keys, and the
// time to release an indicator report of about 50 tables (printed, not asserted).
#include <gtest/gtest.h>

#include <chrono>

#include "governance/cell_key.h"
#include "tests/server/egress_fixture.h"

namespace icb::server::testing {
namespace {

using governance::CellKeyTable;

TEST(CellKeyTable, DefaultTableFollowsItsConstruction) {
  auto t = CellKeyTable::Load(governance::DefaultCellKeyTablePath());
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->max_offset(), 3);
  for (int64_t count = 0; count <= 60; ++count) {
    int64_t sum = 0, lo = 0, hi = 0;
    for (uint32_t key = 0; key < 256; ++key) {
      const int64_t p = t->Perturb(count, key);
      sum += p - count;
      lo = std::min(lo, p - count);
      hi = std::max(hi, p - count);
      if (count == 0) EXPECT_EQ(p, 0);
      else EXPECT_GE(p, 1) << "count " << count << " key " << key;
    }
    EXPECT_EQ(sum, 0) << "count " << count;  // zero mean over the 256 keys
    const int64_t m = count == 0 ? 0 : std::min<int64_t>(3, count - 1);
    EXPECT_EQ(lo, -m);
    EXPECT_EQ(hi, m);
  }
  EXPECT_EQ(t->Offset(100, 256 + 7), t->Offset(100, 7));  // keys are taken modulo 256
}

TEST(CellKeyTable, RejectsBrokenTables) {
  const std::string head = "count,offset,key_from,key_to\n";
  EXPECT_TRUE(CellKeyTable::Parse(head + "0,0,0,255\n1,0,0,255\n", "t").ok());
  EXPECT_FALSE(CellKeyTable::Parse(head + "0,0,0,254\n", "t").ok());                     // key 255 missing
  EXPECT_FALSE(CellKeyTable::Parse(head + "0,0,0,255\n0,0,3,3\n", "t").ok());            // key given twice
  EXPECT_FALSE(CellKeyTable::Parse(head + "0,1,0,255\n", "t").ok());                     // 0 moves
  EXPECT_FALSE(CellKeyTable::Parse(head + "0,0,0,255\n1,-1,0,127\n1,1,128,255\n", "t").ok());  // 1 -> 0
  EXPECT_FALSE(CellKeyTable::Parse(head + "0,0,0,255\n2,0,0,255\n", "t").ok());          // gap in counts
  auto bias = CellKeyTable::Parse(head + "0,0,0,255\n1,0,0,255\n2,0,0,127\n2,1,128,255\n", "t");
  ASSERT_FALSE(bias.ok());
  EXPECT_NE(bias.status().message().find("mean 0"), std::string::npos);
  auto bad = CellKeyTable::Parse(head + "0,zero,0,255\n", "ptable.csv");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("ptable.csv:2:2"), std::string::npos) << bad.status().message();
}

TEST(Egress, ReleasePassesTheCheckAndIsRepeatable) {
  const IndicatorResults res = Compute({Breakdown::kSex, Breakdown::kImdDecile, Breakdown::kEthnicGroup});
  const Egress egress(governance::StandardPolicy());
  auto a = egress.Release(BuildIndicatorReport(res, "synthetic"));
  auto b = egress.Release(BuildIndicatorReport(res, "synthetic"));
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(governance::VerifyDisclosure(*a, governance::StandardPolicy()).ok());
  EXPECT_EQ(*a, *b);
  for (const auto& t : a->tables) EXPECT_FALSE(t.has_cell_keys()) << t.name();  // keys never leave
  // The perturbation moved some counts (else the defence does nothing) by at most 3 before rounding.
  const report::Report plain = Publish(res, false);
  int moved = 0;
  for (size_t i = 0; i < a->tables.size(); ++i)
    for (size_t r = 0; r < a->tables[i].row_count(); ++r)
      for (const char* col : {"numerator", "denominator"}) {
        if (!a->tables[i].ColumnIndex(col)) continue;
        const int64_t* x = IntCell(a->tables[i], r, col);
        const int64_t* y = IntCell(plain.tables[i], r, col);
        if (x && y) {
          moved += *x != *y;
          EXPECT_LE(std::llabs(*x - *y), 5) << a->tables[i].name();
        }
      }
  EXPECT_GT(moved, 10);
  // A report that already passed disclosure control is refused (its counts are rounded).
  report::Report again = *a;
  EXPECT_EQ(egress.Release(std::move(again)).status().code(), StatusCode::kInternal);
}

TEST(Egress, TheSamePeopleGetTheSameOffsetHoweverAskedFor) {
  // Two queries with different breakdowns and different indicator lists: the ICB-wide cells hold the
  // same people, so they must publish the same numbers.
  const IndicatorResults q1 = Compute({Breakdown::kSex});
  const IndicatorResults q2 = Compute({Breakdown::kPractice, Breakdown::kAgeBand}, true, {"em_adm", "ae_att", "em_adm_65"});
  const report::Report r1 = Publish(q1, true), r2 = Publish(q2, true);
  const report::Table& o1 = *r1.Find("overview");
  const report::Table& o2 = *r2.Find("overview");
  int compared = 0;
  for (size_t j = 0; j < o2.row_count(); ++j)
    for (size_t i = 0; i < o1.row_count(); ++i)
      if (o1.rows()[i][0] == o2.rows()[j][0]) {
        EXPECT_EQ(o1.rows()[i], o2.rows()[j]) << std::get<std::string>(o1.rows()[i][0]);
        ++compared;
      }
  EXPECT_EQ(compared, 3);
  // The same cell key for the same people: em_adm_65's denominator people by sex are a subset of
  // em_adm's; the keys of a breakdown's groups add up to the key of everyone.
  for (const auto& ind : q1.indicators) {
    uint32_t sum_num = 0, sum_den = 0;
    for (size_t g = 0; g < q1.layout.group_count(1); ++g) {
      sum_num += ind.cells[q1.layout.offset(1) + g].numerator_key;
      sum_den += ind.cells[q1.layout.offset(1) + g].denominator_key;
    }
    EXPECT_EQ(sum_num, ind.cells[0].numerator_key) << ind.def.id;
    EXPECT_EQ(sum_den, ind.cells[0].denominator_key) << ind.def.id;
  }
}

TEST(Egress, ReportsWithoutKeysUseTheDescribedKey) {
  report::Report r;
  report::Table t("practices", "People by practice");
  t.AddText("practice", "Practice").AddCount("people", "People").AddPercent("pct", "%", 1).BasedOn({"people"});
  const int64_t counts[] = {3, 40, 41, 120, 1000};
  const int64_t total = 3 + 40 + 41 + 120 + 1000;
  const char* names[] = {"P0", "P1", "P2", "P3", "P4"};
  for (size_t i = 0; i < 5; ++i)
    t.AddRow({std::string(names[i]), counts[i], 100.0 * static_cast<double>(counts[i]) / total});
  t.AddRow({std::string("Total"), total, 100.0});
  t.MarkTotalRow();
  r.tables.push_back(t);
  const Egress egress(governance::StandardPolicy());
  auto a = egress.Release(r), b = egress.Release(r);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(*a, *b);
  EXPECT_TRUE(governance::VerifyDisclosure(*a, governance::StandardPolicy()).ok());
  const auto& rows = a->tables[0].rows();
  EXPECT_TRUE(std::holds_alternative<report::Redacted>(rows[0][1]));
  // Shares restated from the published counts: pct / 100 * true total = the published count.
  for (size_t i = 1; i < 5; ++i)
    EXPECT_NEAR(std::get<double>(rows[i][2]) / 100 * total, static_cast<double>(std::get<int64_t>(rows[i][1])), 1e-9);
  // The key comes from the description only: the same row in another table name may move differently,
  // but the same table gives the same output (checked above) whatever the row order of others.
  EXPECT_EQ(governance::DescribedCellKey("practices", {"P1"}, "people"),
            governance::DescribedCellKey("practices", {"P1"}, "people"));
}

TEST(Egress, ReleasingFiftyTablesTakesMilliseconds) {
  const IndicatorResults res =
      Compute({Breakdown::kSex, Breakdown::kImdDecile, Breakdown::kEthnicGroup, Breakdown::kAgeBand, Breakdown::kPlace});
  const report::Report rep = BuildIndicatorReport(res, "synthetic");
  const Egress egress(governance::StandardPolicy());
  const auto start = std::chrono::steady_clock::now();
  auto out = egress.Release(rep);
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  size_t rows = 0;
  for (const auto& t : rep.tables) rows += t.row_count();
  std::printf("Release of %zu tables (%zu rows): %.2f ms\n", rep.tables.size(), rows, ms);
  EXPECT_GE(rep.tables.size(), 50u);
}

}  // namespace
}  // namespace icb::server::testing
