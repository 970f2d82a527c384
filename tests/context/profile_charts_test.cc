// The profile's charts: ComputeProfile declares the pyramid, IMD decile, ethnic group and
// activity-by-year charts, each renders from its table, and `icb profile --out DIR` writes them
// into report.html and charts/<name>.svg.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "../report/xml_check.h"
#include "context/profile.h"
#include "core/file_util.h"
#include "data/dataset_dir.h"
#include "report/json_writer.h"
#include "report/svg_writer.h"
#include "tiny_dataset.h"

namespace icb {
namespace {

namespace fs = std::filesystem;

const char* const kProfileCharts[] = {"pyramid_registered", "pyramid_residents", "imd_decile", "ethnic_group",
                                      "activity_by_year", "prescribing_by_year"};

TEST(ProfileCharts, DeclaredAndRenderable) {
  ProfileOptions o;
  o.as_at = testing::D("2024-03-31");
  auto profile = ComputeProfile(testing::TinyDataset(), o);
  ASSERT_TRUE(profile.ok()) << profile.status().ToString();
  ASSERT_TRUE(report::CheckReport(*profile).ok());
  for (const char* name : kProfileCharts) {
    const report::ChartSpec* spec = nullptr;
    for (const auto& c : profile->charts)
      if (c.name == name) spec = &c;
    ASSERT_NE(spec, nullptr) << name;
    const report::Table* table = profile->Find(spec->table);
    ASSERT_NE(table, nullptr) << name;
    auto svg = report::RenderChartSvg(*table, *spec);
    ASSERT_TRUE(svg.ok()) << svg.status().ToString();
    EXPECT_EQ(report::testing::CheckMarkup(*svg), "") << name;
  }
  // The registered pyramid draws one bar per non-empty cell of its table's male and female columns.
  const report::Table* pyramid = profile->Find("pyramid_registered");
  size_t cells = 0;
  for (const auto& row : pyramid->rows())
    for (size_t col : {*pyramid->ColumnIndex("male"), *pyramid->ColumnIndex("female")})
      cells += std::holds_alternative<int64_t>(row[col]);
  const report::ChartSpec& spec = profile->charts[0];
  EXPECT_EQ(report::testing::CountOf(*report::RenderChartSvg(*pyramid, spec), "class=\"mark\""), cells);
}

class ProfileChartsCli : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(ICB_BIN)) GTEST_SKIP() << "icb is not built: " << ICB_BIN;
    root_ = fs::temp_directory_path() / ("icb_profile_charts_" + std::to_string(::getpid()));
    fs::remove_all(root_);
    auto gen = DatasetDir::Begin((root_ / "data").string());
    ASSERT_TRUE(gen.ok());
    ASSERT_TRUE(testing::TinyDataset().Save((fs::path(*gen) / DatasetDir::kSnapshotFile).string()).ok());
    ASSERT_TRUE(DatasetDir::Commit((root_ / "data").string(), *gen).ok());
  }
  void TearDown() override { fs::remove_all(root_); }
  int Icb(const std::string& args) {
    const std::string cmd = std::string(ICB_BIN) + " " + args + " >" + (root_ / "stdout").string() + " 2>" +
                            (root_ / "stderr").string();
    const int rc = std::system(cmd.c_str());
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  }
  fs::path root_;
};

TEST_F(ProfileChartsCli, WritesReportHtmlWithTheCharts) {
  const std::string out = (root_ / "profile").string();
  ASSERT_EQ(Icb("profile " + (root_ / "data").string() + " --as-at 2024-03-31 --quiet --out " + out), 0)
      << ReadFile((root_ / "stderr").string()).value();
  auto html = ReadFile(out + "/report.html");
  ASSERT_TRUE(html.ok());
  EXPECT_EQ(report::testing::CheckMarkup(*html, /*html=*/true), "");
  EXPECT_EQ(html->find("http"), std::string::npos);
  for (const char* name : kProfileCharts) {
    EXPECT_NE(html->find("<figure id=\"chart-" + std::string(name) + "\">"), std::string::npos) << name;
    EXPECT_TRUE(fs::exists(fs::path(out) / "charts" / (std::string(name) + ".svg"))) << name;
  }
  // The page says which disclosure policy the figures passed.
  EXPECT_NE(html->find("Disclosure control:</strong> standard"), std::string::npos);
  // report.json carries the same chart declarations.
  auto json = report::ReportFromJsonText(ReadFile(out + "/report.json").value());
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(json->charts.size(), std::size(kProfileCharts));

  const std::string only = (root_ / "html_only").string();
  ASSERT_EQ(Icb("profile " + (root_ / "data").string() + " --as-at 2024-03-31 --quiet --format html --out " + only), 0);
  EXPECT_TRUE(fs::exists(fs::path(only) / "report.html"));
  EXPECT_TRUE(fs::exists(fs::path(only) / "charts" / "imd_decile.svg"));
  EXPECT_FALSE(fs::exists(fs::path(only) / "report.json"));
  EXPECT_EQ(Icb("profile " + (root_ / "data").string() + " --format html"), 64);  // html needs --out
}

}  // namespace
}  // namespace icb
