// ReportToHtml and WriteReport's HTML output: one self-contained, well-formed page with every
// table (accessible markup) and every chart, no external assets; charts/<name>.svg beside it.
#include "report/html_writer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "core/file_util.h"
#include "report/json_writer.h"
#include "report/svg_writer.h"
#include "report_test_util.h"
#include "xml_check.h"

namespace icb::report {
namespace {

namespace fs = std::filesystem;
using testing::CheckMarkup;
using testing::CountOf;

Report ChartedReport() {
  Report r = testing::SampleReport();
  r.disclosure = "standard: counts 1-7 redacted, others rounded to the nearest 5";
  Table seg("segments", "Segment mix <2024>");
  seg.AddText("segment", "Segment").AddCount("persons", "Persons").AddPercent("pct", "%", 1).BasedOn({"persons"});
  seg.AddRow({std::string("A&B"), int64_t{120}, 40.0});
  seg.AddRow({std::string("Healthy"), Redacted{}, Redacted{}});
  seg.AddRow({std::string("Total"), int64_t{300}, 100.0});
  seg.MarkTotalRow();
  r.tables.push_back(std::move(seg));
  ChartSpec pyramid;
  pyramid.name = "pyramid";
  pyramid.title = "Population pyramid";
  pyramid.description = "Persons by age band and sex";
  pyramid.kind = ChartKind::kPyramid;
  pyramid.table = "pyramid";
  pyramid.x = "age_band";
  pyramid.y = {"male", "female"};
  ChartSpec mix;
  mix.name = "segment_mix";
  mix.title = "Segment mix";
  mix.kind = ChartKind::kBar;
  mix.table = "segments";
  mix.x = "segment";
  mix.y = {"persons"};
  r.charts = {pyramid, mix};
  return r;
}

TEST(ReportToHtml, OnePageWithEveryTableAndChartAndNoExternalAssets) {
  const Report r = ChartedReport();
  auto html = ReportToHtml(r);
  ASSERT_TRUE(html.ok()) << html.status().ToString();
  EXPECT_EQ(CheckMarkup(*html, /*html=*/true), "");
  EXPECT_EQ(html->rfind("<!DOCTYPE html>", 0), 0u);
  for (const auto& t : r.tables) {
    EXPECT_NE(html->find("<caption>" + XmlEscape(t.title()) + "</caption>"), std::string::npos) << t.name();
    EXPECT_NE(html->find("<section id=\"" + t.name() + "\""), std::string::npos);
  }
  EXPECT_EQ(CountOf(*html, "<table "), r.tables.size());
  EXPECT_EQ(CountOf(*html, "<svg "), r.charts.size());
  EXPECT_EQ(CountOf(*html, "role=\"img\""), r.charts.size());
  EXPECT_NE(html->find("<figure id=\"chart-segment_mix\">"), std::string::npos);
  // Each chart sits in its table's section, before the table.
  EXPECT_LT(html->find("<section id=\"segments\""), html->find("<figure id=\"chart-segment_mix\">"));
  EXPECT_LT(html->find("<figure id=\"chart-segment_mix\">"), html->find("<table id=\"table-segments\">"));
  for (const char* external : {"http:", "https:", "src=", "url(", "@import", "<link", "<script", "//"})
    EXPECT_EQ(html->find(external), std::string::npos) << external;
  EXPECT_NE(html->find("<th scope=\"col\">Segment</th>"), std::string::npos);
  EXPECT_NE(html->find("<th scope=\"row\">A&amp;B</th>"), std::string::npos);
  EXPECT_NE(html->find("<tr class=\"total\">"), std::string::npos);
  EXPECT_NE(html->find("<abbr title=\"redacted by disclosure control\">*</abbr>"), std::string::npos);
  EXPECT_NE(html->find("Disclosure control:</strong> standard: counts 1-7 redacted"), std::string::npos);
  EXPECT_NE(html->find("<dt>as_at</dt><dd>2024-03-31</dd>"), std::string::npos);
  EXPECT_NE(html->find("<li>3 persons of other or unknown sex are not shown.</li>"), std::string::npos);
  EXPECT_NE(html->find("@media print"), std::string::npos);
  EXPECT_NE(html->find("1 value redacted by disclosure control."), std::string::npos);  // the bar chart's desc
}

TEST(ReportToHtml, AChartOnAMissingTableIsAnError) {
  Report r = ChartedReport();
  r.charts[1].table = "nowhere";
  EXPECT_EQ(ReportToHtml(r).status().code(), StatusCode::kInvalidInput);
}

TEST(WriteReport, HtmlWritesThePageAndOneSvgPerChart) {
  const fs::path dir = fs::temp_directory_path() / ("icb_report_html_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  const Report r = ChartedReport();
  ASSERT_TRUE(WriteReport(r, dir.string(), kFormatHtml).ok());
  EXPECT_TRUE(fs::exists(dir / "report.html"));
  EXPECT_FALSE(fs::exists(dir / "report.json"));
  for (const char* name : {"pyramid", "segment_mix"}) {
    auto svg = ReadFile((dir / "charts" / (std::string(name) + ".svg")).string());
    ASSERT_TRUE(svg.ok()) << name;
    EXPECT_EQ(CheckMarkup(*svg), "") << name;
    EXPECT_NE(svg->find("xmlns=\"http://www.w3.org/2000/svg\""), std::string::npos);
  }
  size_t files = 0;
  for (const auto& e : fs::directory_iterator(dir / "charts")) {
    (void)e;
    ++files;
  }
  EXPECT_EQ(files, 2u);
  fs::remove_all(dir);
  // kFormatAll includes HTML.
  ASSERT_TRUE(WriteReport(r, dir.string()).ok());
  EXPECT_TRUE(fs::exists(dir / "report.html"));
  EXPECT_TRUE(fs::exists(dir / "charts" / "pyramid.svg"));
  EXPECT_TRUE(fs::exists(dir / "report.json"));
  fs::remove_all(dir);
}

TEST(WriteReport, ABadChartWritesNothing) {
  const fs::path dir = fs::temp_directory_path() / ("icb_report_badchart_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  Report r = ChartedReport();
  r.charts[0].y = {"male", "no_such_column"};
  const Status st = WriteReport(r, dir.string());
  EXPECT_EQ(st.code(), StatusCode::kInvalidInput);
  EXPECT_NE(st.message().find("no_such_column"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir));
  r = ChartedReport();
  r.charts[1].name = "pyramid";  // two charts with one name
  EXPECT_EQ(WriteReport(r, dir.string()).code(), StatusCode::kInternal);
  EXPECT_FALSE(fs::exists(dir));
}

}  // namespace
}  // namespace icb::report
