// `icb profile` end to end: a published copy of the hand-built dataset, then the command's output
// files, exit codes and the equality of what it writes with ComputeProfile.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "context/profile.h"
#include "core/file_util.h"
#include "data/dataset_dir.h"
#include "governance/disclosure.h"
#include "report/json_writer.h"
#include "tiny_dataset.h"

namespace icb {
namespace {

namespace fs = std::filesystem;

class ProfileCli : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(ICB_BIN)) GTEST_SKIP() << "icb is not built: " << ICB_BIN;
    root_ = fs::temp_directory_path() / ("icb_profile_cli_" + std::to_string(::getpid()));
    fs::remove_all(root_);
    ds_ = testing::TinyDataset();
    auto gen = DatasetDir::Begin((root_ / "data").string());
    ASSERT_TRUE(gen.ok());
    ASSERT_TRUE(ds_.Save((fs::path(*gen) / DatasetDir::kSnapshotFile).string()).ok());
    ASSERT_TRUE(DatasetDir::Commit((root_ / "data").string(), *gen).ok());
  }
  void TearDown() override { fs::remove_all(root_); }
  // Runs icb with `args`; returns its exit code.
  int Icb(const std::string& args) {
    const std::string cmd = std::string(ICB_BIN) + " " + args + " >" + (root_ / "stdout").string() + " 2>" +
                            (root_ / "stderr").string();
    const int rc = std::system(cmd.c_str());
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  }
  std::string Stdout() { return ReadFile((root_ / "stdout").string()).value(); }
  fs::path root_;
  Dataset ds_;
};

TEST_F(ProfileCli, WritesEveryFormatAndMatchesTheLibrary) {
  const std::string out = (root_ / "profile").string();
  ASSERT_EQ(Icb("profile " + (root_ / "data").string() + " --as-at 2024-03-31 --out " + out), 0);
  EXPECT_NE(Stdout().find("Residents alive on 2024-03-31 by age and sex"), std::string::npos);
  for (const char* f : {"overview.csv", "pyramid_residents.csv", "activity.csv", "ltc_registers.csv", "report.json",
                        "report.xlsx"})
    EXPECT_TRUE(fs::exists(fs::path(out) / f)) << f;
  EXPECT_EQ(ReadFile(out + "/report.xlsx")->substr(0, 2), "PK");
  auto json = report::ReportFromJsonText(ReadFile(out + "/report.json").value());
  ASSERT_TRUE(json.ok()) << json.status().ToString();
  ProfileOptions o;
  o.as_at = testing::D("2024-03-31");
  auto direct = ComputeProfile(ds_, o);
  ASSERT_TRUE(direct.ok());
  // The CLI applies the default disclosure policy; so must the comparison.
  ASSERT_TRUE(governance::ApplyDisclosure(*direct, governance::StandardPolicy()).ok());
  EXPECT_EQ(json->disclosure, direct->disclosure);
  EXPECT_TRUE(governance::VerifyDisclosure(*json, governance::StandardPolicy()).ok());
  ASSERT_EQ(json->tables.size(), direct->tables.size());
  for (size_t i = 0; i < json->tables.size(); ++i)
    EXPECT_EQ(report::TableToJson(json->tables[i]).dump(1), report::TableToJson(direct->tables[i]).dump(1));
}

TEST_F(ProfileCli, CountsPassDisclosureControlUnlessTheUserOptsOut) {
  const std::string data = (root_ / "data").string();
  // Tiny dataset: 5 residents, so every non-zero resident count is redacted by default ...
  ASSERT_EQ(Icb("profile " + data + " --as-at 2024-03-31 --format json"), 0);
  auto standard = report::ReportFromJsonText(Stdout());
  ASSERT_TRUE(standard.ok());
  EXPECT_NE(standard->disclosure.find("standard"), std::string::npos);
  const report::Table* overview = standard->Find("overview");
  ASSERT_NE(overview, nullptr);
  EXPECT_TRUE(std::holds_alternative<report::Redacted>(overview->rows()[1][1]));  // 5 residents alive
  // ... and shown as they are with --disclosure none, which the output says.
  ASSERT_EQ(Icb("profile " + data + " --as-at 2024-03-31 --format json --disclosure none"), 0);
  auto none = report::ReportFromJsonText(Stdout());
  ASSERT_TRUE(none.ok());
  EXPECT_NE(none->disclosure.find("not for release"), std::string::npos);
  EXPECT_EQ(std::get<int64_t>(none->Find("overview")->rows()[1][1]), 5);
  EXPECT_EQ(Icb("profile " + data + " --disclosure lax"), 64);
}

TEST_F(ProfileCli, JsonToStdoutAndExitCodes) {
  const std::string data = (root_ / "data").string();
  ASSERT_EQ(Icb("profile " + data + " --format json"), 0);
  auto json = report::ReportFromJsonText(Stdout());
  ASSERT_TRUE(json.ok());
  EXPECT_NE(json->Find("pyramid_registered"), nullptr);
  EXPECT_EQ(Icb("profile " + (root_ / "missing").string()), 2);        // not found
  EXPECT_EQ(Icb("profile " + data + " --as-at 2024-02-30"), 64);        // not a date
  EXPECT_EQ(Icb("profile " + data + " --format csv"), 64);              // csv needs --out
  EXPECT_EQ(Icb("profile " + data + " --format pdf"), 64);
  // A file where the output directory should be: an I/O error, and nothing half-written.
  ASSERT_TRUE(WriteFileAtomic((root_ / "blocked").string(), "x").ok());
  EXPECT_EQ(Icb("profile " + data + " --out " + (root_ / "blocked").string() + " --quiet"), 3);
}

}  // namespace
}  // namespace icb
