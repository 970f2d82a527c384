#include "context/indicator_report.h"

#include <cmath>

#include "core/date.h"
#include "stats/confidence.h"

namespace icb {

namespace {

using report::Cell;

Cell Num(double v) { return v == v && std::isfinite(v) ? Cell(v) : Cell(); }
Cell Text(std::string s) { return Cell(std::move(s)); }

// The columns every indicator table shares, after the leading label columns.
void AddValueColumns(report::Table& t, const std::vector<double>& levels, bool with_expected) {
  t.AddCount("numerator", "Numerator");
  t.AddCount("denominator", "Denominator (persons or person-years)");
  if (with_expected) t.AddDecimal("expected", "Expected", 1).BasedOn({"numerator", "denominator"});
  t.AddDecimal("value", "Value", 2).BasedOn({"numerator", "denominator"});
  for (size_t i = 0; i < levels.size(); ++i) {
    const std::string lo = stats::LowerColumn(levels, i), hi = stats::UpperColumn(levels, i);
    t.AddDecimal(lo, lo, 2).BasedOn({"numerator", "denominator"});
    t.AddDecimal(hi, hi, 2).BasedOn({"numerator", "denominator"});
  }
  t.AddText("statistic", "Statistic");
  t.AddText("method", "Method");
  t.AddText("note", "Note");
}

void AppendValueCells(std::vector<Cell>& row, const IndicatorCell& c, bool with_expected) {
  row.push_back(Cell(c.numerator));
  row.push_back(Cell(static_cast<int64_t>(std::llround(c.denominator))));
  if (with_expected) row.push_back(c.expected > 0 ? Num(c.expected) : Cell());
  row.push_back(Num(c.estimate.value));
  for (size_t i = 0; i < c.estimate.levels.size(); ++i) {
    const stats::Interval iv = i < c.estimate.intervals.size() ? c.estimate.intervals[i] : stats::Interval{};
    row.push_back(Num(iv.lower));
    row.push_back(Num(iv.upper));
  }
  row.push_back(Text(c.estimate.statistic));
  row.push_back(Text(c.estimate.method));
  row.push_back(Text(c.estimate.note));
}

report::RestateAs RestateOf(IndicatorMethod m) {
  switch (m) {
    case IndicatorMethod::kProportion:
    case IndicatorMethod::kCount: return report::RestateAs::kProportion;
    case IndicatorMethod::kCrudeRate: return report::RestateAs::kCrudeRate;
    case IndicatorMethod::kIsr: return report::RestateAs::kRatioToExpected;
    case IndicatorMethod::kDsr: return report::RestateAs::kRatio;
    default: return report::RestateAs::kAsComputed;
  }
}

// Appends `row` (label cells then AppendValueCells) to `t`, with the cell keys of its numerator and
// denominator when the results carry record keys, and how the server restates its values.
void AddValueRow(report::Table& t, std::vector<Cell> row, const IndicatorDef& d, const IndicatorCell& c,
                 const IndicatorResults& res) {
  t.AddRow(std::move(row));
  const size_t r = t.row_count() - 1;
  if (res.has_record_keys) {
    t.SetCellKey(r, *t.ColumnIndex("numerator"), c.numerator_key);
    t.SetCellKey(r, *t.ColumnIndex("denominator"), c.denominator_key);
  }
  t.SetRowStatistic(r, {RestateOf(d.method), d.multiplier, res.query.confidence});
}

std::string BreakdownsText(uint32_t mask) {
  if (mask == kAllBreakdowns) return "every";
  std::string s;
  for (int b = 0; b < kBreakdownCount; ++b)
    if ((mask >> b) & 1u) s += (s.empty() ? "" : ", ") + std::string(BreakdownName(static_cast<Breakdown>(b)));
  return s;
}

void AddMetadata(report::Report& r, const IndicatorResults& res, const std::string& dataset_label) {
  r.metadata.push_back({"dataset", dataset_label});
  r.metadata.push_back({"period", res.query.period.label + " (" + Date(res.query.period.from).ToIso() + " to " +
                                      Date(res.query.period.to).ToIso() + ")"});
  r.metadata.push_back({"as_at", Date(res.query.as_at).ToIso()});
  r.metadata.push_back({"confidence", stats::ConfidenceText(res.query.confidence)});
  r.metadata.push_back({"definitions", "docs/reference/indicators.md"});
}

}  // namespace

report::Report BuildCatalogueReport(const IndicatorCatalogue& cat) {
  report::Report r;
  r.title = "Indicator catalogue";
  r.metadata.push_back({"catalogue", cat.file});
  report::Table t("catalogue", "Indicators");
  t.AddText("id", "Id").AddText("title", "Title").AddText("numerator", "Numerator").AddText("denominator", "Denominator");
  t.AddText("method", "Method").AddDecimal("multiplier", "Multiplier", 0).AddText("breakdowns", "Breakdowns");
  t.AddText("source", "Source").AddText("definition", "Definition");
  for (const auto& d : cat.indicators)
    t.AddRow({Text(d.id), Text(d.title), Text(d.numerator_text), Text(d.denominator_text),
              Text(std::string(IndicatorMethodName(d.method))), Cell(d.multiplier), Text(BreakdownsText(d.breakdown_mask)),
              Text(d.source), Text(d.definition)});
  r.tables.push_back(std::move(t));
  return r;
}

report::Report BuildIndicatorReport(const IndicatorResults& res, const std::string& dataset_label) {
  report::Report r;
  r.title = "Indicators, " + res.query.period.label;
  AddMetadata(r, res, dataset_label);
  const auto& levels = res.query.confidence;
  // The overview has no `expected` column: for the whole ICB the expected count equals the
  // observed one, and would show the unrounded numerator.
  const bool any_isr = false;

  report::Table ov("overview", "Indicators for the whole ICB, " + res.query.period.label);
  ov.AddText("indicator", "Indicator").AddText("title", "Title");
  AddValueColumns(ov, levels, any_isr);
  for (const auto& ind : res.indicators) {
    std::vector<Cell> row = {Text(ind.def.id), Text(ind.def.title)};
    AppendValueCells(row, ind.cells[0], any_isr);
    AddValueRow(ov, std::move(row), ind.def, ind.cells[0], res);
  }
  ov.footnotes().push_back("Person-time and events count only days on which the person was registered with a practice; " +
                           std::to_string(res.events_unregistered) + " events in the period fell outside registration.");
  for (const auto& s : res.skipped) ov.footnotes().push_back("Not computed: " + s);
  r.tables.push_back(std::move(ov));

  const auto& lay = res.layout;
  for (const auto& ind : res.indicators) {
    const bool isr = ind.def.method == IndicatorMethod::kIsr;
    for (size_t bi = 0; bi < lay.breakdowns().size(); ++bi) {
      const Breakdown b = lay.breakdowns()[bi];
      if (b == Breakdown::kAll || !ind.Allows(b)) continue;
      const std::string name = ind.def.id + "_" + std::string(BreakdownShort(b));
      report::Table t(name, ind.def.title + " by " + std::string(BreakdownName(b)));
      t.AddText(std::string(BreakdownName(b)), std::string(BreakdownName(b)));
      AddValueColumns(t, levels, isr);
      for (size_t g = 0; g < lay.group_count(bi); ++g) {
        std::vector<Cell> row = {Text(lay.label(bi, g))};
        AppendValueCells(row, ind.cells[lay.offset(bi) + g], isr);
        AddValueRow(t, std::move(row), ind.def, ind.cells[lay.offset(bi) + g], res);
      }
      t.footnotes().push_back(ind.def.definition);
      if (b == Breakdown::kImdDecile) {
        report::ChartSpec c;
        c.name = name;
        c.title = ind.def.title + " by IMD decile";
        c.description = ind.def.title + " in each IMD decile of residence (1 = most deprived), with " +
                        stats::ConfidenceText({levels[0]}) + " confidence intervals";
        c.kind = report::ChartKind::kPointsWithIntervals;
        c.table = name;
        c.x = std::string(BreakdownName(b));
        c.y = {"value"};
        c.lower = stats::LowerColumn(levels, 0);
        c.upper = stats::UpperColumn(levels, 0);
        c.x_label = "IMD decile (1 = most deprived)";
        c.y_label = ind.cells[0].estimate.statistic;
        r.charts.push_back(std::move(c));
      }
      r.tables.push_back(std::move(t));
    }
  }

  if (res.query.sii) {
    report::Table t("sii", "Slope and relative index of inequality across IMD deciles");
    t.AddText("indicator", "Indicator").AddText("title", "Title");
    t.AddCount("numerator", "Numerator (deciles 1-10)");
    t.AddDecimal("sii", "SII", 3).BasedOn({"numerator"});
    for (size_t i = 0; i < levels.size(); ++i) {
      t.AddDecimal("sii_" + stats::LowerColumn(levels, i), "SII " + stats::LowerColumn(levels, i), 3).BasedOn({"numerator"});
      t.AddDecimal("sii_" + stats::UpperColumn(levels, i), "SII " + stats::UpperColumn(levels, i), 3).BasedOn({"numerator"});
    }
    t.AddDecimal("rii", "RII", 3).BasedOn({"numerator"});
    for (size_t i = 0; i < levels.size(); ++i) {
      t.AddDecimal("rii_" + stats::LowerColumn(levels, i), "RII " + stats::LowerColumn(levels, i), 3).BasedOn({"numerator"});
      t.AddDecimal("rii_" + stats::UpperColumn(levels, i), "RII " + stats::UpperColumn(levels, i), 3).BasedOn({"numerator"});
    }
    t.AddText("method", "Method").AddText("note", "Note");
    size_t dec = SIZE_MAX;
    for (size_t bi = 0; bi < lay.breakdowns().size(); ++bi)
      if (lay.breakdowns()[bi] == Breakdown::kImdDecile) dec = bi;
    for (const auto& ind : res.indicators) {
      if (dec == SIZE_MAX || !ind.Allows(Breakdown::kImdDecile)) continue;
      int64_t num = 0;
      uint32_t num_key = 0;
      for (size_t g = 0; g < 10; ++g) {
        num += ind.cells[lay.offset(dec) + g].numerator;
        num_key += ind.cells[lay.offset(dec) + g].numerator_key;
      }
      std::vector<Cell> row = {Text(ind.def.id), Text(ind.def.title), Cell(num)};
      const auto& s = ind.sii.result;
      const bool ok = ind.sii.computed;
      row.push_back(ok ? Num(s.sii) : Cell());
      for (size_t i = 0; i < levels.size(); ++i) {
        row.push_back(ok && i < s.sii_ci.size() ? Num(s.sii_ci[i].lower) : Cell());
        row.push_back(ok && i < s.sii_ci.size() ? Num(s.sii_ci[i].upper) : Cell());
      }
      row.push_back(ok ? Num(s.rii) : Cell());
      for (size_t i = 0; i < levels.size(); ++i) {
        row.push_back(ok && i < s.rii_ci.size() ? Num(s.rii_ci[i].lower) : Cell());
        row.push_back(ok && i < s.rii_ci.size() ? Num(s.rii_ci[i].upper) : Cell());
      }
      row.push_back(Text(ok ? s.method : ""));
      row.push_back(Text(ok ? "" : ind.sii.note));
      t.AddRow(std::move(row));
      if (res.has_record_keys) t.SetCellKey(t.row_count() - 1, 2, num_key);
      // The SII is a slope fitted to the deciles' values, not a function of the pooled numerator.
      t.SetRowStatistic(t.row_count() - 1, {report::RestateAs::kAsComputed, 1, levels});
    }
    t.footnotes().push_back(
        "SII: the modelled gap between the most and least deprived ends of the IMD scale (Low & Low 2004), in the "
        "indicator's units (percentage points for percentages); RII: the ratio of the two ends. Not computed when any "
        "decile has fewer than 10 in its numerator.");
    r.tables.push_back(std::move(t));
  }
  return r;
}

const std::vector<Core20Plus5Item>& Core20Plus5Items() {
  static const std::vector<Core20Plus5Item> k = {
      {"Maternity", "mat_adm"},
      {"Severe mental illness", "prev_mh"},
      {"Chronic respiratory disease", "prev_copd"},
      {"Chronic respiratory disease", "em_adm_copd"},
      {"Chronic respiratory disease", "prev_ast"},
      {"Early cancer diagnosis", "prev_can"},
      {"Hypertension case-finding", "prev_hyp"},
      {"PLUS: learning disability", "prev_ld"},
      {"PLUS: multimorbidity", "ltc_2plus"},
      {"Overall: emergency admissions", "em_adm"},
  };
  return k;
}

Result<report::Report> BuildCore20Plus5Report(const IndicatorResults& res, const std::string& dataset_label) {
  const auto& lay = res.layout;
  size_t c20 = SIZE_MAX, eth = SIZE_MAX;
  for (size_t bi = 0; bi < lay.breakdowns().size(); ++bi) {
    if (lay.breakdowns()[bi] == Breakdown::kCore20) c20 = bi;
    if (lay.breakdowns()[bi] == Breakdown::kEthnicGroup) eth = bi;
  }
  if (c20 == SIZE_MAX || eth == SIZE_MAX)
    return Status::InvalidInput("the Core20PLUS5 report needs the core20 and ethnic_group breakdowns");
  report::Report r;
  r.title = "Core20PLUS5, " + res.query.period.label;
  AddMetadata(r, res, dataset_label);
  report::Table t("core20plus5", "Core20PLUS5: the most deprived 20% and PLUS groups against the rest");
  t.AddText("area", "Clinical area or PLUS group").AddText("indicator", "Indicator").AddText("group", "Group");
  AddValueColumns(t, res.query.confidence, false);
  for (const auto& item : Core20Plus5Items()) {
    for (const auto& ind : res.indicators) {
      if (ind.def.id != item.indicator_id) continue;
      auto add = [&](size_t bi, size_t g, const std::string& label) {
        std::vector<Cell> row = {Text(item.area), Text(ind.def.title), Text(label)};
        AppendValueCells(row, ind.cells[lay.offset(bi) + g], false);
        AddValueRow(t, std::move(row), ind.def, ind.cells[lay.offset(bi) + g], res);
      };
      add(c20, 0, "Core20 (IMD deciles 1-2)");
      add(c20, 1, "Rest (IMD deciles 3-10)");
      for (size_t g = 0; g < lay.group_count(eth); ++g) add(eth, g, "Ethnic group: " + lay.label(eth, g));
    }
  }
  t.footnotes().push_back(
      "Core20PLUS5 (NHS England, 2021): the most deprived 20% of the national population by IMD, PLUS groups chosen "
      "locally (here ethnic minority groups, learning disability, multimorbidity), and five clinical areas: maternity, "
      "severe mental illness, chronic respiratory disease, early cancer diagnosis, hypertension case-finding.");
  t.footnotes().push_back("Recorded prevalence is of QOF registers on the as-at date; cancer stage at diagnosis is not in the data model.");
  r.tables.push_back(std::move(t));
  return r;
}

}  // namespace icb
