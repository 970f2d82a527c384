#include "report/text_writer.h"

#include <gtest/gtest.h>

#include <sstream>

#include "report_test_util.h"

namespace icb::report {
namespace {

std::vector<std::string> Lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST(RenderText, AlignsColumnsAndGroupsThousands) {
  Table t("t", "Cost by place");
  t.AddText("place", "Place").AddInteger("n", "Persons").AddDecimal("cost", "Cost", 2).AddPercent("p", "Share");
  t.AddRow({std::string("Bolton"), int64_t{1234567}, 1234.5, 12.34});
  t.AddRow({std::string("Bury"), int64_t{5}, Cell{}, 100.0});
  t.footnotes().push_back("Costs in GBP.");
  const auto lines = Lines(RenderText(t));
  ASSERT_EQ(lines.size(), 6u);
  EXPECT_EQ(lines[0], "Cost by place");
  EXPECT_EQ(lines[1], "Place     Persons      Cost   Share");
  EXPECT_EQ(lines[2], "------  ---------  --------  ------");
  EXPECT_EQ(lines[3], "Bolton  1,234,567  1,234.50   12.3%");
  EXPECT_EQ(lines[4], "Bury            5         -  100.0%");
  EXPECT_EQ(lines[5], "Note: Costs in GBP.");
}

TEST(RenderText, PyramidBarsMeetAtASpine) {
  Table t("p", "Pyramid");
  t.AddText("band", "Band").AddInteger("m", "Male").AddInteger("f", "Female");
  t.AddBar(1, true).AddBar(2, false);
  t.AddRow({std::string("0-4"), int64_t{10}, int64_t{5}});
  t.AddRow({std::string("5-9"), int64_t{0}, int64_t{1}});
  TextOptions opt;
  opt.bar_width = 10;
  const auto lines = Lines(RenderText(t, opt));
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[1], "Band  Male  Female        Male | Female");
  EXPECT_EQ(lines[2], "----  ----  ------  -----------+-----------");
  // The largest value gets the full width; 5 of 10 gets half; a non-zero value at least one mark.
  EXPECT_EQ(lines[3], "0-4     10       5  ########## | #####");
  EXPECT_EQ(lines[4], "5-9      0       1             | #");
}

TEST(RenderText, ReportHasTitleMetadataAndEveryTable) {
  const std::string text = RenderText(testing::SampleReport());
  EXPECT_EQ(text.rfind("Sample \"report\"\n", 0), 0u);
  EXPECT_NE(text.find("as_at: 2024-03-31\n"), std::string::npos);
  EXPECT_NE(text.find("Persons by age band and sex\n"), std::string::npos);
  EXPECT_NE(text.find("Places, with awkward names\n"), std::string::npos);
  EXPECT_NE(text.find("1,234,567"), std::string::npos);
}

}  // namespace
}  // namespace icb::report
