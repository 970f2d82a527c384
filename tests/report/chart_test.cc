// ChartSpec: kind names, name rule, JSON round trip through report.json, and CheckReport's chart
// checks.
#include "report/chart.h"

#include <gtest/gtest.h>

#include "report/json_writer.h"
#include "report_test_util.h"

namespace icb::report {
namespace {

TEST(ChartKind, NamesRoundTrip) {
  for (ChartKind k : {ChartKind::kPyramid, ChartKind::kBar, ChartKind::kPointsWithIntervals, ChartKind::kFunnel,
                      ChartKind::kSpc, ChartKind::kLine})
    EXPECT_EQ(ParseChartKind(ChartKindName(k)), k);
  EXPECT_EQ(ChartKindName(ChartKind::kPointsWithIntervals), "points");
  EXPECT_FALSE(ParseChartKind("pie").has_value());
  EXPECT_TRUE(IsValidChartName("imd_decile_rate"));
  EXPECT_FALSE(IsValidChartName("IMD decile"));
  EXPECT_FALSE(IsValidChartName(""));
}

Report WithCharts() {
  Report r = testing::SampleReport();
  ChartSpec a;
  a.name = "pyramid";
  a.title = "Pyramid \"quoted\"";
  a.description = "Persons by age and sex";
  a.kind = ChartKind::kPyramid;
  a.table = "pyramid";
  a.x = "age_band";
  a.y = {"male", "female"};
  a.y_label = "Persons";
  ChartSpec b;
  b.name = "spc";
  b.kind = ChartKind::kSpc;
  b.table = "places";
  b.x = "place";
  b.y = {"cost_gbp"};
  b.limits = {"cost_gbp", "cost_gbp", "cost_gbp"};
  b.series = "place";
  b.target = "n";
  b.lower = "n";
  b.upper = "n";
  b.x_label = "Place";
  b.improvement = "decrease";
  b.filter_column = "place";
  b.filter_values = {"Plain", "Line\nbreak"};
  r.charts = {a, b};
  return r;
}

TEST(ChartJson, RoundTripsThroughReportJson) {
  const Report r = WithCharts();
  const std::string text = ReportToJsonText(r);
  EXPECT_NE(text.find("\"charts\""), std::string::npos);
  EXPECT_NE(text.find("\"kind\": \"pyramid\""), std::string::npos);
  auto back = ReportFromJsonText(text);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->charts, r.charts);
  EXPECT_EQ(back.value(), r);
  // A report without charts writes no "charts" key (older readers see the same file as before).
  EXPECT_EQ(ReportToJsonText(testing::SampleReport()).find("\"charts\""), std::string::npos);
}

TEST(ChartJson, BadChartsAreClearErrors) {
  auto bad = [](const std::string& charts) {
    return ReportFromJsonText(R"({"title": "t", "tables": [{"name": "a", "columns": [], "rows": []}], "charts": )" +
                              charts + "}");
  };
  EXPECT_TRUE(bad(R"([{"name": "c", "kind": "bar", "table": "a", "x": "g", "y": ["v"]}])").ok());
  auto kind = bad(R"([{"name": "c", "kind": "pie", "table": "a"}])");
  ASSERT_FALSE(kind.ok());
  EXPECT_NE(kind.status().message().find("chart c: unknown kind"), std::string::npos) << kind.status().message();
  EXPECT_FALSE(bad(R"([{"name": "C C", "kind": "bar", "table": "a"}])").ok());
  EXPECT_FALSE(bad(R"([{"name": "c", "kind": "bar", "table": "a", "y": "v"}])").ok());
  EXPECT_FALSE(bad(R"([{"name": "c", "kind": "bar", "table": "a", "x": 3}])").ok());
  EXPECT_FALSE(bad(R"({"name": "c"})").ok());
  auto missing_table = bad(R"([{"name": "c", "kind": "bar", "table": "b"}])");
  ASSERT_FALSE(missing_table.ok());
  EXPECT_NE(missing_table.status().message().find("which is not in the report"), std::string::npos);
}

TEST(CheckReport, ChecksChartNamesAndTables) {
  Report r = WithCharts();
  EXPECT_TRUE(CheckReport(r).ok());
  r.charts[1].name = "pyramid";
  EXPECT_EQ(CheckReport(r).code(), StatusCode::kInternal);
  r = WithCharts();
  r.charts[0].table = "nope";
  EXPECT_EQ(CheckReport(r).code(), StatusCode::kInternal);
}

}  // namespace
}  // namespace icb::report
