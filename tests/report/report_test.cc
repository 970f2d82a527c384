#include "report/report.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "core/file_util.h"
#include "report/csv_writer.h"
#include "report/json_writer.h"
#include "report_test_util.h"

namespace icb::report {
namespace {

namespace fs = std::filesystem;

TEST(WriteReport, WritesEveryFormatIntoTheDirectory) {
  const fs::path dir = fs::temp_directory_path() / ("icb_report_dir_" + std::to_string(::getpid())) / "sub";
  fs::remove_all(dir.parent_path());
  const Report r = testing::SampleReport();
  ASSERT_TRUE(WriteReport(r, dir.string()).ok());
  EXPECT_EQ(ReadFile((dir / "pyramid.csv").string()).value(), TableToCsv(r.tables[0]));
  EXPECT_EQ(ReadFile((dir / "places.csv").string()).value(), TableToCsv(r.tables[1]));
  auto json = ReadFile((dir / "report.json").string());
  ASSERT_TRUE(json.ok());
  auto back = ReportFromJsonText(*json);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back.value(), r);
  EXPECT_TRUE(fs::exists(dir / "report.xlsx"));
  size_t files = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    (void)e;
    ++files;
  }
  EXPECT_TRUE(fs::exists(dir / "report.html"));
  EXPECT_FALSE(fs::exists(dir / "charts"));  // only written when the report has charts
  EXPECT_EQ(files, 5u);  // no temporaries left behind
  fs::remove_all(dir.parent_path());
}

TEST(WriteReport, OnlyTheChosenFormats) {
  const fs::path dir = fs::temp_directory_path() / ("icb_report_fmt_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  ASSERT_TRUE(WriteReport(testing::SampleReport(), dir.string(), kFormatJson).ok());
  EXPECT_TRUE(fs::exists(dir / "report.json"));
  EXPECT_FALSE(fs::exists(dir / "report.xlsx"));
  EXPECT_FALSE(fs::exists(dir / "pyramid.csv"));
  fs::remove_all(dir);
}

TEST(CheckReport, RefusesDuplicateTableOrColumnNames) {
  Report r = testing::SampleReport();
  r.tables.push_back(r.tables[0]);
  EXPECT_EQ(CheckReport(r).code(), StatusCode::kInternal);
  EXPECT_EQ(r.Find("places"), &r.tables[1]);
  Report cols;
  Table t("t", "t");
  t.AddInteger("n", "N").AddText("n", "again");
  cols.tables.push_back(t);
  EXPECT_EQ(CheckReport(cols).code(), StatusCode::kInternal);
  EXPECT_FALSE(WriteReport(cols, ::testing::TempDir() + "/icb_never_written").ok());
  EXPECT_EQ(r.Find("nothing"), nullptr);
}

}  // namespace
}  // namespace icb::report
