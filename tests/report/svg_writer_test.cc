// RenderChartSvg: every chart kind renders well-formed, accessible SVG from a small table; one
// mark per drawn value, none for redacted or empty cells; labels escaped; clear errors for bad
// specs.
#include "report/svg_writer.h"

#include <gtest/gtest.h>

#include "xml_check.h"

namespace icb::report {
namespace {

using testing::CheckMarkup;
using testing::CountOf;

const std::string kMark = "class=\"mark\"";

std::string Svg(const Table& t, const ChartSpec& s, SvgOptions o = {}) {
  auto r = RenderChartSvg(t, s, o);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : std::string();
}

// The <desc> text of an SVG.
std::string Desc(const std::string& svg) {
  const size_t a = svg.find("<desc");
  const size_t b = svg.find('>', a) + 1;
  return svg.substr(b, svg.find("</desc>") - b);
}

Table PyramidTable() {
  Table t("pyramid", "Persons by age and sex");
  t.AddText("age_band", "Age band").AddCount("male", "Male").AddCount("female", "Female");
  t.AddRow({std::string("0-4"), int64_t{1234}, int64_t{1200}});
  t.AddRow({std::string("5-9"), int64_t{1100}, Redacted{}});
  t.AddRow({std::string("10-14"), int64_t{0}, int64_t{1234567}});
  t.AddRow({std::string("15-19"), Cell{}, int64_t{900}});
  return t;
}

ChartSpec Spec(ChartKind kind, std::string table, std::string x, std::vector<std::string> y) {
  ChartSpec s;
  s.name = "c_" + table;
  s.title = "A chart of " + table;
  s.description = "What the chart shows";
  s.kind = kind;
  s.table = std::move(table);
  s.x = std::move(x);
  s.y = std::move(y);
  return s;
}

TEST(RenderChartSvg, PyramidIsWellFormedAccessibleAndDrawsOnlyValues) {
  const std::string svg = Svg(PyramidTable(), Spec(ChartKind::kPyramid, "pyramid", "age_band", {"male", "female"}));
  EXPECT_EQ(CheckMarkup(svg), "");
  EXPECT_EQ(svg.rfind("<?xml", 0), 0u);
  EXPECT_NE(svg.find("xmlns=\"http://www.w3.org/2000/svg\""), std::string::npos);
  EXPECT_NE(svg.find("role=\"img\""), std::string::npos);
  EXPECT_NE(svg.find("<title id=\"icb-chart-c_pyramid-title\">A chart of pyramid</title>"), std::string::npos);
  // 8 cells: one redacted, one empty; the zero is drawn (as a bar of width 0).
  EXPECT_EQ(CountOf(svg, kMark), 6u);
  const std::string desc = Desc(svg);
  EXPECT_EQ(desc.rfind("What the chart shows. Population pyramid of 4 bands", 0), 0u) << desc;
  EXPECT_NE(desc.find("1 value redacted by disclosure control."), std::string::npos) << desc;
  EXPECT_NE(desc.find("1 value missing."), std::string::npos) << desc;
  EXPECT_NE(desc.find("Female: largest band 10-14 (1,234,567)"), std::string::npos) << desc;
  // Nice ticks for 0..1,234,567 (Heckbert, "Nice numbers for graph labels", Graphics Gems 1990):
  // range 2,000,000, step 500,000, so the axis ends at 1,500,000; with thousands separators.
  EXPECT_NE(svg.find(">1,500,000</text>"), std::string::npos);
  EXPECT_NE(svg.find(">500,000</text>"), std::string::npos);
  // The oldest band is drawn at the top (first in document order).
  EXPECT_LT(svg.find(">15-19</text>"), svg.find(">0-4</text>"));
  EXPECT_NE(svg.find("redacted</text>"), std::string::npos);
}

TEST(RenderChartSvg, InlineSvgHasNoNamespaceUrlOrDeclaration) {
  const std::string svg = Svg(PyramidTable(), Spec(ChartKind::kPyramid, "pyramid", "age_band", {"male", "female"}),
                              SvgOptions{.standalone = false});
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_EQ(svg.find("http"), std::string::npos);
  EXPECT_EQ(CheckMarkup(svg), "");
}

TEST(RenderChartSvg, GroupedBarsEscapeLabelsAndSkipTotalRows) {
  Table t("segments", "Segment mix");
  t.AddText("segment", "Segment").AddCount("persons", "Persons").AddCount("cost", "Cost");
  t.AddRow({std::string("A&B <x> \"quoted\""), int64_t{120}, int64_t{3000}});
  t.AddRow({std::string("Healthy"), int64_t{5000}, Redacted{}});
  t.AddRow({std::string("Frailty"), int64_t{-15}, int64_t{2500}});
  t.AddRow({std::string("Total"), int64_t{5105}, int64_t{5500}});
  t.MarkTotalRow();
  const std::string svg = Svg(t, Spec(ChartKind::kBar, "segments", "segment", {"persons", "cost"}));
  EXPECT_EQ(CheckMarkup(svg), "");
  EXPECT_EQ(svg.find("A&B"), std::string::npos);
  EXPECT_EQ(svg.find("<x>"), std::string::npos);
  EXPECT_NE(svg.find("A&amp;B &lt;x&gt; &quot;quoted&quot;"), std::string::npos);
  EXPECT_EQ(CountOf(svg, kMark), 5u);  // 3 rows x 2 columns, one redacted; the total row is not drawn
  EXPECT_EQ(svg.find(">Total</text>"), std::string::npos);
  EXPECT_NE(svg.find(">5,000</text>"), std::string::npos);  // value label with a thousands separator
  const std::string desc = Desc(svg);
  EXPECT_NE(desc.find("Persons: highest Healthy (5,000), lowest Frailty (-15)."), std::string::npos) << desc;
  EXPECT_NE(desc.find("1 value redacted"), std::string::npos);
  // A legend names both series.
  EXPECT_NE(svg.find(">Persons</text>"), std::string::npos);
  EXPECT_NE(svg.find(">Cost</text>"), std::string::npos);
}

TEST(RenderChartSvg, LongLabelsAreTruncatedNotOverlapped) {
  Table t("long", "Long labels");
  t.AddText("group", "Group").AddDecimal("value", "Value", 1);
  const std::string long_label(80, 'w');
  t.AddRow({long_label, 1.5});
  const std::string svg = Svg(t, Spec(ChartKind::kBar, "long", "group", {"value"}));
  EXPECT_EQ(svg.find(">" + long_label + "</text>"), std::string::npos);
  EXPECT_NE(svg.find("\xE2\x80\xA6</text>"), std::string::npos);        // ellipsis
  EXPECT_NE(svg.find("<title>" + long_label + ": 1.5</title>"), std::string::npos);  // full text kept in the tooltip
}

Table DecileTable() {
  Table t("by_decile", "Rate by IMD decile");
  t.AddText("decile", "IMD decile").AddDecimal("value", "Rate per 1,000", 1);
  t.AddDecimal("lowercl", "Lower 95% CI", 1).AddDecimal("uppercl", "Upper 95% CI", 1);
  t.AddRow({std::string("1 (most deprived)"), 30.0, 27.0, 33.0});
  t.AddRow({std::string("2"), 21.0, 18.0, 24.5});
  t.AddRow({std::string("3"), Redacted{}, Redacted{}, Redacted{}});
  t.AddRow({std::string("4"), 12.0, 10.0, 14.0});
  t.AddRow({std::string("All"), 20.0, 19.0, 21.0});
  t.MarkTotalRow();
  return t;
}

TEST(RenderChartSvg, PointsWithIntervalsUseTheTotalRowAsReference) {
  ChartSpec s = Spec(ChartKind::kPointsWithIntervals, "by_decile", "decile", {"value"});
  s.lower = "lowercl";
  s.upper = "uppercl";
  const std::string svg = Svg(DecileTable(), s);
  EXPECT_EQ(CheckMarkup(svg), "");
  EXPECT_EQ(CountOf(svg, kMark), 3u);
  const std::string desc = Desc(svg);
  EXPECT_NE(desc.find("Reference line: All 20.0."), std::string::npos) << desc;
  // Decile 1 (27-33) is above 20, decile 2 (18-24.5) includes it, decile 4 (10-14) is below.
  EXPECT_NE(desc.find("1 higher than the reference, 1 similar, 1 lower"), std::string::npos) << desc;
  EXPECT_NE(desc.find("1 value redacted by disclosure control."), std::string::npos) << desc;
  EXPECT_NE(svg.find("<title>1 (most deprived): 30.0 (27.0 to 33.0)</title>"), std::string::npos);
  EXPECT_NE(svg.find("stroke-dasharray=\"5 3\""), std::string::npos);  // the reference line
}

TEST(RenderChartSvg, PointsWithATargetColumn) {
  Table t = DecileTable();
  ChartSpec s = Spec(ChartKind::kPointsWithIntervals, "by_decile", "decile", {"value"});
  s.target = "lowercl";  // any numeric column: its first value (27.0) is the reference
  const std::string svg = Svg(t, s);
  EXPECT_NE(Desc(svg).find("Reference line: Lower 95% CI 27.0."), std::string::npos) << Desc(svg);
}

TEST(RenderChartSvg, FunnelColoursPointsBySignificance) {
  Table t("units", "Units");
  t.AddText("unit", "Provider").AddCount("denominator", "Admissions").AddPercent("value", "Readmitted", 1);
  for (const char* c : {"lower95", "upper95", "lower998", "upper998", "centre"}) t.AddPercent(c, c, 2);
  t.AddRow({std::string("Within"), int64_t{1000}, 10.0, 8.2, 11.9, 7.3, 13.0, 10.0});
  t.AddRow({std::string("High 95"), int64_t{2000}, 11.5, 8.7, 11.3, 8.1, 12.0, 10.0});
  t.AddRow({std::string("High 99.8"), int64_t{500}, 20.0, 7.5, 12.8, 6.2, 14.5, 10.0});
  t.AddRow({std::string("Low 99.8"), int64_t{4000}, 5.0, 9.1, 10.9, 8.7, 11.4, 10.0});
  t.AddRow({std::string("Redacted"), int64_t{300}, Redacted{}, 6.8, 13.5, 5.0, 16.0, 10.0});
  ChartSpec s = Spec(ChartKind::kFunnel, "units", "denominator", {"value"});
  s.limits = {"lower95", "upper95", "lower998", "upper998"};
  s.target = "centre";
  const std::string svg = Svg(t, s);
  EXPECT_EQ(CheckMarkup(svg), "");
  EXPECT_EQ(CountOf(svg, kMark), 4u);
  const std::string desc = Desc(svg);
  EXPECT_NE(desc.find("Funnel plot of 4 units"), std::string::npos) << desc;
  EXPECT_NE(desc.find("1 within the 95% limits; 1 above and 0 below the 95% limits only; 1 above and 1 below the "
                      "99.8% limits."),
            std::string::npos)
      << desc;
  EXPECT_NE(desc.find("Centre line 10.0%."), std::string::npos) << desc;
  EXPECT_NE(svg.find("<title>High 99.8: Readmitted 20.0%, Admissions 500 (above the 99.8% limit)</title>"),
            std::string::npos);
  EXPECT_EQ(CountOf(svg, "<polyline"), 5u);  // four limit lines and the centre line
}

Table SpcTable() {
  Table t("spc", "Monthly attendances");
  t.AddText("period", "Month").AddDecimal("value", "Attendances", 0).AddDecimal("mean", "Mean", 1);
  t.AddDecimal("lpl", "Lower process limit", 1).AddDecimal("upl", "Upper process limit", 1);
  t.AddText("point_type", "Point type").AddDecimal("target", "Target", 0);
  const char* types[] = {"common_cause", "common_cause", "special_cause_concern", "common_cause",
                         "special_cause_improvement"};
  const double values[] = {100, 104, 80, 98, 125};
  for (int i = 0; i < 5; ++i)
    t.AddRow({std::string("2024-0") + std::to_string(i + 1), values[i], i < 3 ? 100.0 : 110.0, i < 3 ? 85.0 : 95.0,
              i < 3 ? 115.0 : 122.0, std::string(types[i]), 90.0});
  return t;
}

TEST(RenderChartSvg, SpcShowsPointTypesRebasedLimitsAndIcons) {
  ChartSpec s = Spec(ChartKind::kSpc, "spc", "period", {"value"});
  s.limits = {"mean", "lpl", "upl"};
  s.series = "point_type";
  s.target = "target";
  s.improvement = "increase";
  const std::string svg = Svg(SpcTable(), s);
  EXPECT_EQ(CheckMarkup(svg), "");
  EXPECT_EQ(CountOf(svg, kMark), 5u);
  // Making Data Count (NHS England, "Making data count: strengthening your decisions", 2019): the
  // variation icon follows the latest point (special cause improvement, above the mean: high);
  // the assurance icon compares the target with the process limits (90 < lower limit 95 for an
  // increase: consistently passing).
  EXPECT_NE(svg.find("Variation: Special cause improving variation (high). Assurance: Consistently passing the "
                     "target."),
            std::string::npos);
  const std::string desc = Desc(svg);
  EXPECT_NE(desc.find("1 special cause improvement, 1 special cause concern, 0 special cause neither, 3 common cause."),
            std::string::npos)
      << desc;
  EXPECT_NE(desc.find("Latest mean 110.0, process limits 95.0 to 122.0."), std::string::npos) << desc;
  // Rebasing after the third point: two mean segments, as steps.
  EXPECT_EQ(CountOf(svg, "stroke=\"#231F20\" stroke-width=\"1.5\"/>"), 2u);
  EXPECT_NE(svg.find("fill=\"#005EB8\" stroke=\"#FFFFFF\" stroke-width=\"0.75\"><title>2024-05: 125 (special cause "
                     "improvement)</title>"),
            std::string::npos);
  EXPECT_NE(svg.find("fill=\"#ED8B00\" stroke=\"#231F20\""), std::string::npos);  // concern: orange, outlined
}

TEST(RenderChartSvg, SpcWithoutPointTypesMarksPointsOutsideTheLimits) {
  ChartSpec s = Spec(ChartKind::kSpc, "spc", "period", {"value"});
  s.limits = {"mean", "lpl", "upl"};
  const std::string svg = Svg(SpcTable(), s);
  EXPECT_NE(Desc(svg).find("2 outside the process limits."), std::string::npos) << Desc(svg);  // 80 < 85, 125 > 122
  EXPECT_EQ(svg.find("Assurance"), std::string::npos);
}

TEST(RenderChartSvg, LineChartFromWideAndLongTables) {
  Table wide("trend", "Rates by year");
  wide.AddText("year", "Year").AddDecimal("ae", "A&E", 1).AddDecimal("apc", "Admissions", 1);
  wide.AddRow({std::string("2021/22"), 350.0, 120.0});
  wide.AddRow({std::string("2022/23"), Cell{}, 125.0});
  wide.AddRow({std::string("2023/24"), 380.0, Redacted{}});
  const std::string svg = Svg(wide, Spec(ChartKind::kLine, "trend", "year", {"ae", "apc"}));
  EXPECT_EQ(CheckMarkup(svg), "");
  EXPECT_EQ(CountOf(svg, kMark), 4u);
  EXPECT_EQ(CountOf(svg, "<polyline"), 1u);  // A&E breaks at the gap; admissions 2021-2023 stays one line
  const std::string desc = Desc(svg);
  EXPECT_NE(desc.find("A&amp;E: 350.0 in 2021/22, 380.0 in 2023/24."), std::string::npos) << desc;
  EXPECT_NE(desc.find("1 value redacted by disclosure control. 1 value missing."), std::string::npos) << desc;

  Table long_t("long", "Rates by year and setting");
  long_t.AddText("year", "Year").AddText("setting", "Setting").AddDecimal("rate", "Rate", 1);
  long_t.AddRow({std::string("2022/23"), std::string("A&E"), 350.0});
  long_t.AddRow({std::string("2022/23"), std::string("Outpatients"), 900.0});
  long_t.AddRow({std::string("2023/24"), std::string("A&E"), 360.0});
  long_t.AddRow({std::string("2023/24"), std::string("Outpatients"), 950.0});
  ChartSpec s = Spec(ChartKind::kLine, "long", "year", {"rate"});
  s.series = "setting";
  const std::string svg2 = Svg(long_t, s);
  EXPECT_EQ(CountOf(svg2, kMark), 4u);
  EXPECT_EQ(CountOf(svg2, "<polyline"), 2u);
  EXPECT_NE(Desc(svg2).find("Line chart of 2 series over 2 points (2022/23 to 2023/24)."), std::string::npos);
  ChartSpec only_ae = s;
  only_ae.filter_column = "setting";
  only_ae.filter_values = {"A&E"};
  const std::string svg3 = Svg(long_t, only_ae);
  EXPECT_EQ(CountOf(svg3, kMark), 2u);
  EXPECT_EQ(svg3.find("Outpatients"), std::string::npos);
  only_ae.filter_column = "no_such";
  EXPECT_NE(RenderChartSvg(long_t, only_ae).status().message().find("column 'no_such' (filter)"), std::string::npos);
  long_t.AddRow({std::string("2023/24"), std::string("A&E"), 1.0});
  auto dup = RenderChartSvg(long_t, s);
  ASSERT_FALSE(dup.ok());
  EXPECT_NE(dup.status().message().find("two rows"), std::string::npos);
}

TEST(RenderChartSvg, FanChartShadesTheBandAndDescribesTheHorizon) {
  Table t("traj", "Emergency admissions");
  t.AddText("year", "Year").AddDecimal("p50", "Median", 0).AddDecimal("p10", "P10", 0).AddDecimal("p90", "P90", 0);
  t.AddRow({std::string("2024/25"), 1000.0, 1000.0, 1000.0});
  t.AddRow({std::string("2025/26"), 1040.0, 1010.0, 1070.0});
  t.AddRow({std::string("2026/27"), 1080.0, 1020.0, 1150.0});
  ChartSpec s = Spec(ChartKind::kFan, "traj", "year", {"p50"});
  s.lower = "p10";
  s.upper = "p90";
  const std::string svg = Svg(t, s);
  EXPECT_EQ(CheckMarkup(svg), "");
  EXPECT_EQ(CountOf(svg, kMark), 3u);
  EXPECT_EQ(CountOf(svg, "<polygon points="), 1u);  // one shaded band
  EXPECT_NE(Desc(svg).find("Median: 1,000 in 2024/25, 1,080 in 2026/27 (1,020 to 1,150)."), std::string::npos)
      << Desc(svg);
  s.upper.clear();
  EXPECT_NE(RenderChartSvg(t, s).status().message().find("needs lower and upper"), std::string::npos);
}

TEST(RenderChartSvg, WaterfallRunsFromTheStartLevelToTheEndLevel) {
  Table t("wf", "Change in emergency admissions");
  t.AddText("step", "Step").AddDecimal("units", "Spells", 0);
  t.AddRow({std::string("Baseline"), 1000.0});
  t.AddRow({std::string("Demography"), 120.0});
  t.AddRow({std::string("Avoided"), -70.0});
  t.AddRow({std::string("Horizon"), 1050.0});
  const std::string svg = Svg(t, Spec(ChartKind::kWaterfall, "wf", "step", {"units"}));
  EXPECT_EQ(CheckMarkup(svg), "");
  EXPECT_EQ(CountOf(svg, kMark), 4u);
  const std::string desc = Desc(svg);
  EXPECT_NE(desc.find("Waterfall of 4 steps from Baseline (1,000) to Horizon (1,050). Demography: +120. Avoided: -70."),
            std::string::npos)
      << desc;
  EXPECT_NE(svg.find("fill=\"#006747\"><title>Avoided: -70"), std::string::npos);  // a decrease is green
}

TEST(RenderChartSvg, ManyCategoryLabelsAreThinned) {
  Table t("months", "Monthly");
  t.AddText("month", "Month").AddInteger("n", "N");
  for (int i = 0; i < 120; ++i) t.AddRow({"2014-" + std::to_string(1000 + i), int64_t{i}});
  const std::string svg = Svg(t, Spec(ChartKind::kLine, "months", "month", {"n"}));
  EXPECT_EQ(CountOf(svg, kMark), 120u);
  // 120 slots of about 5 px cannot hold 120 nine-character labels; every few are shown.
  const size_t shown = CountOf(svg, "fill=\"#425563\">2014-1");  // axis labels, not tooltips
  EXPECT_GT(shown, 5u);
  EXPECT_LT(shown, 30u);
}

TEST(RenderChartSvg, MissingOrWrongColumnsAreClearErrors) {
  const Table t = PyramidTable();
  auto missing = RenderChartSvg(t, Spec(ChartKind::kPyramid, "pyramid", "age_band", {"male", "females"}));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kInvalidInput);
  EXPECT_EQ(missing.status().message(),
            "chart 'c_pyramid': column 'females' (y) is not in table 'pyramid' (columns: age_band, male, female)");
  auto text = RenderChartSvg(t, Spec(ChartKind::kBar, "pyramid", "male", {"age_band"}));
  ASSERT_FALSE(text.ok());
  EXPECT_NE(text.status().message().find("column 'age_band' (y) is text; a numeric column is needed"),
            std::string::npos);
  auto one_side = RenderChartSvg(t, Spec(ChartKind::kPyramid, "pyramid", "age_band", {"male"}));
  EXPECT_EQ(one_side.status().code(), StatusCode::kInvalidInput);
  ChartSpec funnel = Spec(ChartKind::kFunnel, "pyramid", "male", {"female"});
  EXPECT_NE(RenderChartSvg(t, funnel).status().message().find("four limits columns"), std::string::npos);
  ChartSpec other_table = Spec(ChartKind::kBar, "elsewhere", "age_band", {"male"});
  EXPECT_EQ(RenderChartSvg(t, other_table).status().code(), StatusCode::kInvalidInput);
  ChartSpec bad_name = Spec(ChartKind::kBar, "pyramid", "age_band", {"male"});
  bad_name.name = "Bad Name";
  EXPECT_EQ(CheckChart(t, bad_name).code(), StatusCode::kInvalidInput);
  EXPECT_TRUE(CheckChart(t, Spec(ChartKind::kBar, "pyramid", "age_band", {"male"})).ok());
}

TEST(RenderChartSvg, EmptyTablesStillRender) {
  Table t("empty", "Nothing yet");
  t.AddText("g", "Group").AddDecimal("v", "Value", 1).AddDecimal("lo", "Lo", 1).AddDecimal("hi", "Hi", 1);
  ChartSpec s = Spec(ChartKind::kBar, "empty", "g", {"v"});
  for (ChartKind k : {ChartKind::kBar, ChartKind::kPointsWithIntervals, ChartKind::kLine}) {
    s.kind = k;
    const std::string svg = Svg(t, s);
    EXPECT_EQ(CheckMarkup(svg), "") << ChartKindName(k);
    EXPECT_EQ(CountOf(svg, kMark), 0u);
  }
  ChartSpec spc = Spec(ChartKind::kSpc, "empty", "g", {"v"});
  spc.limits = {"v", "lo", "hi"};
  EXPECT_EQ(CheckMarkup(Svg(t, spc)), "");
}

TEST(XmlEscape, EscapesMarkupAndDropsControlCharacters) {
  EXPECT_EQ(XmlEscape("a&b<c>\"d\"'e'\x01\tf"), "a&amp;b&lt;c&gt;&quot;d&quot;&#39;e&#39;\tf");
}

}  // namespace
}  // namespace icb::report
