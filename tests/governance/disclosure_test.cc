// Disclosure control (src/governance/disclosure.h): the policy of docs/reference/disclosure.md on
// small hand-built tables. Expected values follow the rule as stated: counts 1-7 redacted, others
// rounded to the nearest 5 (OpenSAFELY measures default, opensafely-core/ehrql PR #1746); the 10-5
// preset redacts 1-9.
#include <gtest/gtest.h>

#include <random>

#include "governance/disclosure.h"

namespace icb::governance {
namespace {

using report::Cell;
using report::Redacted;
using report::Report;
using report::Table;

bool IsRedacted(const Cell& c) { return std::holds_alternative<Redacted>(c); }
int64_t I(const Cell& c) { return std::get<int64_t>(c); }

TEST(DiscloseCount, RedactsOneToSevenAndRoundsTheRestToFive) {
  const auto p = StandardPolicy();
  EXPECT_EQ(DiscloseCount(0, p), 0);
  for (int64_t v = 1; v <= 7; ++v) EXPECT_FALSE(DiscloseCount(v, p).has_value()) << v;
  EXPECT_EQ(DiscloseCount(8, p), 10);
  EXPECT_EQ(DiscloseCount(12, p), 10);
  EXPECT_EQ(DiscloseCount(13, p), 15);
  EXPECT_EQ(DiscloseCount(1234567, p), 1234565);
}

TEST(DiscloseCount, StrictPresetIsTheTenFiveRule) {
  const auto p = StrictPolicy();
  for (int64_t v = 1; v <= 9; ++v) EXPECT_FALSE(DiscloseCount(v, p).has_value()) << v;
  EXPECT_EQ(DiscloseCount(10, p), 10);
  EXPECT_EQ(DiscloseCount(11, p), 10);
  EXPECT_EQ(DiscloseCount(0, p), 0);
}

TEST(DiscloseCount, NoneLeavesCountsAsTheyAre) {
  EXPECT_EQ(DiscloseCount(3, NoDisclosurePolicy()), 3);
  EXPECT_EQ(DiscloseCount(12, NoDisclosurePolicy()), 12);
}

TEST(PolicyByName, KnowsThreePresets) {
  EXPECT_EQ(PolicyByName("standard")->redact_max, 7);
  EXPECT_EQ(PolicyByName("strict")->redact_max, 9);
  EXPECT_EQ(PolicyByName("none")->redact_max, 0);
  EXPECT_EQ(PolicyByName("lax").status().code(), StatusCode::kInvalidInput);
}

Report Example() {
  Table t("by_group", "Admissions by group");
  t.AddText("group", "Group").AddCount("numerator", "Admissions").AddCount("denominator", "People");
  t.AddDecimal("value", "Rate", 1).BasedOn({"numerator", "denominator"});
  t.AddDecimal("lowercl", "Lower", 1).BasedOn({"numerator", "denominator"});
  t.AddInteger("practices", "Practices");  // not a count of people: left alone
  t.AddRow({std::string("A"), int64_t{3}, int64_t{120}, 25.0, 5.2, int64_t{2}});
  t.AddRow({std::string("B"), int64_t{48}, int64_t{1003}, 47.9, 35.3, int64_t{4}});
  t.AddRow({std::string("C"), int64_t{0}, int64_t{6}, 0.0, 0.0, int64_t{1}});
  t.AddRow({std::string("All"), int64_t{51}, int64_t{1129}, 45.2, 33.6, int64_t{7}});
  t.MarkTotalRow();
  Report r;
  r.title = "Example";
  r.tables.push_back(std::move(t));
  return r;
}

TEST(ApplyDisclosure, RedactsRoundsAndRecomputesTotalsFromRoundedCells) {
  Report r = Example();
  ASSERT_TRUE(ApplyDisclosure(r, StandardPolicy()).ok());
  const auto& rows = r.tables[0].rows();
  // A: 3 admissions redacted, so are its rate and interval; 120 people stay 120.
  EXPECT_TRUE(IsRedacted(rows[0][1]));
  EXPECT_EQ(I(rows[0][2]), 120);
  EXPECT_TRUE(IsRedacted(rows[0][3]));
  EXPECT_TRUE(IsRedacted(rows[0][4]));
  EXPECT_EQ(I(rows[0][5]), 2);
  // B: 48 -> 50, 1003 -> 1005; the rate is kept (its counts are shown).
  EXPECT_EQ(I(rows[1][1]), 50);
  EXPECT_EQ(I(rows[1][2]), 1005);
  EXPECT_DOUBLE_EQ(std::get<double>(rows[1][3]), 47.9);
  // C: 0 admissions is shown; 6 people is redacted and so the rate built on it.
  EXPECT_EQ(I(rows[2][1]), 0);
  EXPECT_TRUE(IsRedacted(rows[2][2]));
  EXPECT_TRUE(IsRedacted(rows[2][3]));
  // Total: the sum of the shown cells (50 + 0; 120 + 1005), never the true 51, so A cannot be
  // recovered as total minus B minus C.
  EXPECT_EQ(I(rows[3][1]), 50);
  EXPECT_EQ(I(rows[3][2]), 1125);
  EXPECT_FALSE(r.disclosure.empty());
  EXPECT_TRUE(VerifyDisclosure(r, StandardPolicy()).ok());
  EXPECT_FALSE(r.tables[0].footnotes().empty());
}

TEST(ApplyDisclosure, IsIdempotentForOnePolicyAndRefusesASecond) {
  Report r = Example();
  ASSERT_TRUE(ApplyDisclosure(r, StandardPolicy()).ok());
  const Report once = r;
  ASSERT_TRUE(ApplyDisclosure(r, StandardPolicy()).ok());
  EXPECT_EQ(r, once);
  EXPECT_EQ(ApplyDisclosure(r, StrictPolicy()).code(), StatusCode::kInternal);
}

TEST(VerifyDisclosure, FindsEachKindOfBreach) {
  {
    Report r = Example();  // raw counts: 3 is small
    const Status st = VerifyDisclosure(r, StandardPolicy());
    EXPECT_NE(st.message().find("row 1 column numerator"), std::string::npos) << st.ToString();
  }
  {
    Report r = Example();
    ASSERT_TRUE(ApplyDisclosure(r, StandardPolicy()).ok());
    r.tables[0].mutable_rows()[0][3] = 25.0;  // a rate on a redacted count shown again
    EXPECT_FALSE(VerifyDisclosure(r, StandardPolicy()).ok());
  }
  {
    Report r = Example();
    ASSERT_TRUE(ApplyDisclosure(r, StandardPolicy()).ok());
    r.tables[0].mutable_rows()[3][1] = int64_t{55};  // a total that is not the sum of its cells
    EXPECT_NE(VerifyDisclosure(r, StandardPolicy()).message().find("total"), std::string::npos);
  }
  {
    Report r = Example();
    ASSERT_TRUE(ApplyDisclosure(r, StandardPolicy()).ok());
    r.tables[0].mutable_rows()[1][2] = int64_t{1003};  // not rounded
    EXPECT_NE(VerifyDisclosure(r, StandardPolicy()).message().find("rounded"), std::string::npos);
  }
}

TEST(WriteReport, RefusesCountsThatHaveNotPassedDisclosureControl) {
  Report r = Example();
  const Status st = report::WriteReport(r, ::testing::TempDir() + "/icb_disclosure_refused");
  EXPECT_EQ(st.code(), StatusCode::kRefused);
}

// Property: random tables of random counts with total rows, under both presets, always verify
// after ApplyDisclosure (so every total equals the sum of the shown cells, and a redacted cell
// cannot be recovered by subtracting the other cells from it).
TEST(ApplyDisclosure, RandomTablesAlwaysVerify) {
  std::mt19937_64 rng(20261123);
  for (int trial = 0; trial < 2000; ++trial) {
    const auto policy = trial % 2 ? StrictPolicy() : StandardPolicy();
    Table t("t", "random");
    t.AddText("g", "G").AddCount("n", "N").AddCount("d", "D").AddDecimal("v", "V", 2).BasedOn({"n", "d"});
    const int blocks = 1 + static_cast<int>(rng() % 3);
    for (int b = 0; b < blocks; ++b) {
      const int cells = 1 + static_cast<int>(rng() % 6);
      int64_t sum_n = 0, sum_d = 0;
      for (int c = 0; c < cells; ++c) {
        const int64_t n = static_cast<int64_t>(rng() % (rng() % 2 ? 12 : 400));
        const int64_t d = n + static_cast<int64_t>(rng() % 50);
        sum_n += n;
        sum_d += d;
        t.AddRow({std::string("c"), n, d, d ? Cell{100.0 * n / d} : Cell{}});
      }
      t.AddRow({std::string("total"), sum_n, sum_d, sum_d ? Cell{100.0 * sum_n / sum_d} : Cell{}});
      t.MarkTotalRow();
    }
    Report r;
    r.tables.push_back(std::move(t));
    ASSERT_TRUE(ApplyDisclosure(r, policy).ok());
    ASSERT_TRUE(VerifyDisclosure(r, policy).ok()) << VerifyDisclosure(r, policy).ToString();
  }
}

}  // namespace
}  // namespace icb::governance
