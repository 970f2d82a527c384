#include "report/xlsx_writer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>

#include "core/file_util.h"
#include "report_test_util.h"

namespace icb::report {
namespace {

namespace fs = std::filesystem;

fs::path TempDir(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("icb_report_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

// Names of the entries in a zip file, read from its central directory (names are stored plainly).
std::vector<std::string> ZipEntries(const std::string& bytes) {
  std::vector<std::string> names;
  const size_t eocd = bytes.rfind(std::string("PK\x05\x06", 4));
  if (eocd == std::string::npos || eocd + 22 > bytes.size()) return names;
  auto u16 = [&](size_t at) { return static_cast<uint32_t>(static_cast<uint8_t>(bytes[at])) |
                                     static_cast<uint32_t>(static_cast<uint8_t>(bytes[at + 1])) << 8; };
  auto u32 = [&](size_t at) { return u16(at) | u16(at + 2) << 16; };
  const uint32_t count = u16(eocd + 10);
  size_t at = u32(eocd + 16);
  for (uint32_t i = 0; i < count && at + 46 <= bytes.size(); ++i) {
    if (bytes.compare(at, 4, std::string("PK\x01\x02", 4)) != 0) break;
    const uint32_t name_len = u16(at + 28), extra = u16(at + 30), comment = u16(at + 32);
    names.push_back(bytes.substr(at + 46, name_len));
    at += 46 + name_len + extra + comment;
  }
  return names;
}

std::string RunCapture(const std::string& cmd) {
  std::string out;
  std::FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  ::pclose(p);
  return out;
}

TEST(WriteXlsx, WritesAZipWithOneSheetPerTable) {
  const auto dir = TempDir("xlsx");
  const std::string path = (dir / "report.xlsx").string();
  const Report r = testing::SampleReport();
  ASSERT_TRUE(WriteXlsx(r, path).ok());
  auto bytes = ReadFile(path);
  ASSERT_TRUE(bytes.ok());
  ASSERT_GT(bytes->size(), 1000u);
  EXPECT_EQ(bytes->substr(0, 2), "PK");
  const auto entries = ZipEntries(*bytes);
  size_t sheets = 0;
  bool has_workbook = false;
  for (const auto& e : entries) {
    if (e.rfind("xl/worksheets/sheet", 0) == 0) ++sheets;
    if (e == "xl/workbook.xml") has_workbook = true;
  }
  EXPECT_TRUE(has_workbook);
  EXPECT_EQ(sheets, r.tables.size() + 1);  // Contents + one per table
  // No temporary file is left beside the target.
  size_t files = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    (void)e;
    ++files;
  }
  EXPECT_EQ(files, 1u);
  // Sheet names are inside the compressed workbook.xml: check them when unzip is installed.
  if (std::system("command -v unzip >/dev/null 2>&1") == 0) {
    const std::string wb = RunCapture("unzip -p '" + path + "' xl/workbook.xml");
    EXPECT_NE(wb.find("name=\"Contents\""), std::string::npos) << wb;
    EXPECT_NE(wb.find("name=\"pyramid\""), std::string::npos);
    EXPECT_NE(wb.find("name=\"places\""), std::string::npos);
    const std::string sheet = RunCapture("unzip -p '" + path + "' xl/worksheets/sheet2.xml");
    EXPECT_NE(sheet.find("1234567"), std::string::npos);  // numbers are stored as numbers
    const std::string styles = RunCapture("unzip -p '" + path + "' xl/styles.xml");
    EXPECT_NE(styles.find("#,##0"), std::string::npos);
    EXPECT_NE(styles.find("0.0%"), std::string::npos);
  } else {
    GTEST_LOG_(INFO) << "unzip not installed: sheet names not checked";
  }
  fs::remove_all(dir);
}

TEST(WriteXlsx, EqualReportsGiveEqualBytes) {
  const auto dir = TempDir("xlsx_same");
  const Report r = testing::SampleReport();
  ASSERT_TRUE(WriteXlsx(r, (dir / "a.xlsx").string()).ok());
  ASSERT_TRUE(WriteXlsx(r, (dir / "b.xlsx").string()).ok());
  EXPECT_EQ(ReadFile((dir / "a.xlsx").string()).value(), ReadFile((dir / "b.xlsx").string()).value());
  fs::remove_all(dir);
}

TEST(WriteXlsx, FailsCleanlyWhenTheDirectoryIsMissing) {
  const Report r = testing::SampleReport();
  const Status st = WriteXlsx(r, "/nonexistent-dir-icb/report.xlsx");
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(st.code(), StatusCode::kIoError);
}

}  // namespace
}  // namespace icb::report
