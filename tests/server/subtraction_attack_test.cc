// Subtraction attacks against the server's egress (docs/reference/disclosure.md, "At the server's
// boundary"), on the synthetic ICB with record keys. For every cell the data suppresses, an attacker
// who sees published reports tries to recover its true numerator:
//   attack 1: a total minus its other cells, in one table (groups and a total row) and across the
//     overview (everyone) and a breakdown table of the same report;
//   attack 2: all people minus a subgroup through two separate queries (everyone from a query by sex,
//     the groups from a query by IMD decile, ethnic group, age band or practice).
// The attacker first backs each published numerator out of its value and interval (BackOutNumerator),
// which recovers the true count exactly when values are computed from the true counts (the policy
// alone). The bound: with the defence, the exact-hit rate of the attacker's best estimate (the
// difference, moved into the redaction range 1..7) must be no better than the best blind guess, the
// share of suppressed cells holding the commonest small value (an attacker who knows only that the
// cell is suppressed and how small counts are distributed), plus three binomial standard errors for
// the finite number of targets. Without the defence the same attacks recover every cell, so the
// test can fail.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "tests/server/egress_fixture.h"

namespace icb::server::testing {
namespace {

constexpr int64_t kRedactMax = 7;  // governance::StandardPolicy()

struct Tally {
  int targets = 0, hits = 0;
  std::map<int64_t, int> truth;  // true value of each target -> how many
  void Add(int64_t est, int64_t true_value) {
    ++targets;
    hits += est == true_value;
    ++truth[true_value];
  }
  // The hit rate of always guessing the commonest true value.
  double Baseline() const {
    int best = 0;
    for (const auto& [v, n] : truth) best = std::max(best, n);
    return targets ? static_cast<double>(best) / targets : 0;
  }
  double Rate() const { return targets ? static_cast<double>(hits) / targets : 0; }
  // Hits allowed under the bound of the file comment.
  double Allowed() const {
    const double b = Baseline();
    return b * targets + 3 * std::sqrt(targets * b * (1 - b)) + 1;
  }
};

bool Attackable(const IndicatorDef& d) {
  return d.method == IndicatorMethod::kProportion || d.method == IndicatorMethod::kCount ||
         d.method == IndicatorMethod::kCrudeRate;
}

int64_t IntoRange(int64_t est) { return std::clamp<int64_t>(est, 1, kRedactMax); }

// Row of indicator `id` in a report's overview.
std::optional<size_t> OverviewRow(const report::Report& r, const std::string& id) {
  const report::Table* ov = r.Find("overview");
  for (size_t i = 0; ov && i < ov->row_count(); ++i)
    if (std::get<std::string>(ov->rows()[i][0]) == id) return i;
  return std::nullopt;
}

// Everyone (overview of `whole`) minus the other groups of breakdown `b` (from `groups`), against
// every breakdown table with exactly one suppressed numerator. `truth` holds the groups' true counts.
void AttackWholeMinusGroups(const report::Report& whole, const report::Report& groups, const IndicatorResults& truth,
                            Breakdown b, Tally& tally) {
  const auto& lay = truth.layout;
  size_t bi = SIZE_MAX;
  for (size_t i = 0; i < lay.breakdowns().size(); ++i)
    if (lay.breakdowns()[i] == b) bi = i;
  ASSERT_NE(bi, SIZE_MAX);
  for (const auto& ind : truth.indicators) {
    if (!Attackable(ind.def) || !ind.Allows(b)) continue;
    const report::Table* t = groups.Find(ind.def.id + "_" + std::string(BreakdownShort(b)));
    const auto orow = OverviewRow(whole, ind.def.id);
    if (!t || !orow) continue;
    std::vector<size_t> suppressed;
    for (size_t g = 0; g < t->row_count(); ++g)
      if (!IntCell(*t, g, "numerator")) suppressed.push_back(g);
    if (suppressed.size() != 1) continue;
    auto all = BackOutNumerator(*whole.Find("overview"), *orow, ind.def);
    if (!all) continue;
    int64_t est = *all;
    for (size_t g = 0; g < t->row_count(); ++g)
      if (g != suppressed[0]) est -= *BackOutNumerator(*t, g, ind.def);
    tally.Add(IntoRange(est), ind.cells[lay.offset(bi) + suppressed[0]].numerator);
  }
}

// A table of one indicator's groups and their total row (the ICB), as a dashboard might show it.
report::Table GroupsWithTotal(const IndicatorResults& res, const IndicatorResult& ind, size_t bi) {
  report::Table t("groups", "groups");
  t.AddText("group", "Group").AddCount("numerator", "Numerator").AddCount("denominator", "Denominator");
  t.AddDecimal("value", "Value", 2).BasedOn({"numerator", "denominator"});
  t.AddDecimal("lowercl", "lowercl", 2).BasedOn({"numerator", "denominator"});
  t.AddDecimal("uppercl", "uppercl", 2).BasedOn({"numerator", "denominator"});
  t.AddText("method", "Method");
  const auto restate = ind.def.method == IndicatorMethod::kCrudeRate ? report::RestateAs::kCrudeRate
                                                                      : report::RestateAs::kProportion;
  auto add = [&](const std::string& label, const IndicatorCell& c) {
    auto num = [](double v) { return std::isfinite(v) ? report::Cell(v) : report::Cell(); };
    const stats::Interval iv = c.estimate.intervals.empty() ? stats::Interval{} : c.estimate.intervals[0];
    t.AddRow({label, c.numerator, static_cast<int64_t>(std::llround(c.denominator)), num(c.estimate.value),
              num(iv.lower), num(iv.upper), c.estimate.method});
    t.SetCellKey(t.row_count() - 1, 1, c.numerator_key);
    t.SetCellKey(t.row_count() - 1, 2, c.denominator_key);
    t.SetRowStatistic(t.row_count() - 1, {restate, ind.def.multiplier, {0.95}});
  };
  for (size_t g = 0; g < res.layout.group_count(bi); ++g) add(res.layout.label(bi, g), ind.cells[res.layout.offset(bi) + g]);
  add("ICB", ind.cells[0]);
  t.MarkTotalRow();
  return t;
}

// The total row minus the other cells of one table.
void AttackTotalRow(const IndicatorResults& res, Breakdown b, bool defended, Tally& tally) {
  size_t bi = SIZE_MAX;
  for (size_t i = 0; i < res.layout.breakdowns().size(); ++i)
    if (res.layout.breakdowns()[i] == b) bi = i;
  ASSERT_NE(bi, SIZE_MAX);
  for (const auto& ind : res.indicators) {
    if (!Attackable(ind.def) || !ind.Allows(b)) continue;
    report::Report r;
    r.tables.push_back(GroupsWithTotal(res, ind, bi));
    if (defended) {
      auto out = Egress(governance::StandardPolicy()).Release(std::move(r));
      ASSERT_TRUE(out.ok()) << out.status().ToString();
      r = std::move(*out);
    } else {
      ASSERT_TRUE(governance::ApplyDisclosure(r, governance::StandardPolicy()).ok());
    }
    const report::Table& t = r.tables[0];
    const size_t total = t.row_count() - 1;
    std::vector<size_t> suppressed;
    for (size_t g = 0; g < total; ++g)
      if (!IntCell(t, g, "numerator")) suppressed.push_back(g);
    if (suppressed.size() != 1) continue;
    // The total row's count is the sum of the rounded cells, so the attacker searches wider around it.
    const int64_t window = 5 + 2 * static_cast<int64_t>(total);
    int64_t est = *BackOutNumerator(t, total, ind.def, window);
    for (size_t g = 0; g < total; ++g)
      if (g != suppressed[0]) est -= *BackOutNumerator(t, g, ind.def);
    tally.Add(IntoRange(est), ind.cells[res.layout.offset(bi) + suppressed[0]].numerator);
  }
}

const std::vector<Breakdown>& GroupBreakdowns() {
  static const std::vector<Breakdown> k = {Breakdown::kSex,      Breakdown::kImdDecile, Breakdown::kImdQuintile,
                                           Breakdown::kCore20,   Breakdown::kEthnicGroup, Breakdown::kAgeBand,
                                           Breakdown::kPlace,    Breakdown::kPcn,       Breakdown::kPractice};
  return k;
}

void Report(const char* what, const Tally& with, const Tally& without) {
  std::printf("%s: %d suppressed cells attacked; exact hits with the defence %d (%.1f%%; blind guess %.1f%%, "
              "allowed %.0f), without %d (%.1f%%)\n",
              what, with.targets, with.hits, 100 * with.Rate(), 100 * with.Baseline(), with.Allowed(), without.hits,
              100 * without.Rate());
}

TEST(SubtractionAttack, TotalMinusOtherCellsInOneTableRecoversNothing) {
  const IndicatorResults res = Compute(GroupBreakdowns());
  Tally with, without;
  for (Breakdown b : GroupBreakdowns()) {
    AttackTotalRow(res, b, true, with);
    AttackTotalRow(res, b, false, without);
  }
  Report("total row minus other cells", with, without);
  ASSERT_GE(with.targets, 10) << "too few suppressed cells to test";
  ASSERT_GE(without.targets, 10);
  EXPECT_EQ(without.hits, without.targets) << "without the defence the attack should recover every cell";
  EXPECT_LE(with.hits, with.Allowed());
}

TEST(SubtractionAttack, OverviewMinusBreakdownRecoversNothing) {
  const IndicatorResults res = Compute(GroupBreakdowns());
  const report::Report defended = Publish(res, true), plain = Publish(res, false);
  Tally with, without;
  for (Breakdown b : GroupBreakdowns()) {
    AttackWholeMinusGroups(defended, defended, res, b, with);
    AttackWholeMinusGroups(plain, plain, res, b, without);
  }
  Report("overview minus breakdown", with, without);
  ASSERT_GE(with.targets, 10);
  EXPECT_EQ(without.hits, without.targets);
  EXPECT_LE(with.hits, with.Allowed());
}

TEST(SubtractionAttack, EveryoneMinusSubgroupsAcrossTwoQueriesRecoversNothing) {
  // Query 1: everyone and by sex. Query 2: the groups, without sex.
  const IndicatorResults q1 = Compute({Breakdown::kSex});
  const std::vector<Breakdown> groups(GroupBreakdowns().begin() + 1, GroupBreakdowns().end());
  const IndicatorResults q2 = Compute(groups);
  const report::Report w_def = Publish(q1, true), w_plain = Publish(q1, false);
  const report::Report g_def = Publish(q2, true), g_plain = Publish(q2, false);
  Tally with, without;
  for (Breakdown b : groups) {
    AttackWholeMinusGroups(w_def, g_def, q2, b, with);
    AttackWholeMinusGroups(w_plain, g_plain, q2, b, without);
  }
  Report("everyone (query 1) minus subgroups (query 2)", with, without);
  ASSERT_GE(with.targets, 10);
  EXPECT_EQ(without.hits, without.targets);
  EXPECT_LE(with.hits, with.Allowed());
}

// No shown value lets the attacker back out a numerator other than the published one: value x
// denominator / multiplier is the published count (proportions and crude rates), and the value with
// its interval singles out the published count.
TEST(SubtractionAttack, ValuesRevealOnlyThePublishedCount) {
  const IndicatorResults res = Compute(GroupBreakdowns());
  const report::Report defended = Publish(res, true), plain = Publish(res, false);
  int rows = 0, plain_true = 0, plain_rows = 0;
  for (const auto& ind : res.indicators) {
    if (!Attackable(ind.def)) continue;
    for (const auto& t : defended.tables) {
      bool mine = t.name() == "overview";
      for (Breakdown b : GroupBreakdowns()) mine = mine || t.name() == ind.def.id + "_" + std::string(BreakdownShort(b));
      if (!mine) continue;
      for (size_t r = 0; r < t.row_count(); ++r) {
        if (t.name() == "overview" && std::get<std::string>(t.rows()[r][0]) != ind.def.id) continue;
        const int64_t* x = IntCell(t, r, "numerator");
        const int64_t* n = IntCell(t, r, "denominator");
        const double* v = DoubleCell(t, r, "value");
        if (!x || !n || !v || *n == 0) continue;
        ++rows;
        EXPECT_NEAR(*v * static_cast<double>(*n) / ind.def.multiplier, static_cast<double>(*x), 1e-6 * (*x + 1))
            << t.name() << " row " << r;
        EXPECT_EQ(BackOutNumerator(t, r, ind.def), *x) << t.name() << " row " << r;
      }
    }
    // Without the defence the back-out finds the true count of every shown row.
    for (const auto& t : plain.tables) {
      if (t.name() != "overview") continue;
      for (size_t r = 0; r < t.row_count(); ++r) {
        if (std::get<std::string>(t.rows()[r][0]) != ind.def.id || !DoubleCell(t, r, "value")) continue;
        ++plain_rows;
        plain_true += BackOutNumerator(t, r, ind.def) == ind.cells[0].numerator;
      }
    }
  }
  std::printf("%d published rows checked; without the defence %d of %d overview numerators backed out exactly\n", rows,
              plain_true, plain_rows);
  EXPECT_GT(rows, 100);
  EXPECT_EQ(plain_true, plain_rows);
}

}  // namespace
}  // namespace icb::server::testing
