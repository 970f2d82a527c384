// The ingest policy of docs/reference/ingest.md, one rule per test: missing and unusable required
// files, optional files and columns, duplicates, blank lines, the reject listing cap, column and
// row order, and independence from thread count and chunking.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "core/parallel.h"
#include "ingest/contract_reader.h"
#include "ingest_test_util.h"

namespace icb {
namespace {

namespace fs = std::filesystem;
using testing::TestKey;
using testing::TinyDir;

class Policy : public ::testing::Test {
 protected:
  void SetUp() override { testing::CopyCsvFiles(TinyDir(), input); }
  Result<Dataset> Read(ContractReadOptions options = {}) {
    report = IngestReport{};
    dq = DataQuality{};
    return ReadContract(input, TestKey(), report, dq, options);
  }
  const FileReport& File(const std::string& name) {
    for (const auto& f : report.files)
      if (f.file == name) return f;
    ADD_FAILURE() << name;
    return report.files.front();
  }
  const FileQuality& Quality(const std::string& name) {
    for (const auto& f : dq.files)
      if (f.file == name) return f;
    ADD_FAILURE() << name;
    return dq.files.front();
  }
  void Write(const std::string& name, const std::string& content) { testing::WriteAll(input + "/" + name, content); }
  std::string Tiny(const std::string& name) { return testing::ReadAll(TinyDir() + "/" + name); }

  testing::TempDir tmp;
  std::string input = tmp / "input";
  IngestReport report;
  DataQuality dq;
};

TEST_F(Policy, MissingRequiredFileIsNotFoundAndNamesTheFile) {
  fs::remove(input + "/gp_registrations.csv");
  auto ds = Read();
  ASSERT_FALSE(ds.ok());
  EXPECT_EQ(ds.status().code(), StatusCode::kNotFound);
  EXPECT_NE(ds.status().message().find("gp_registrations.csv"), std::string::npos);
}

TEST_F(Policy, MissingInputDirectoryIsNotFound) {
  report = IngestReport{};
  auto ds = ReadContract(tmp / "nowhere", TestKey(), report, dq);
  EXPECT_EQ(ds.status().code(), StatusCode::kNotFound);
}

TEST_F(Policy, RequiredFileWithUnusableHeaderIsAnError) {
  Write("persons.csv", "nhs_number,year_month_of_birth,person_stated_gender_code,ethnic_category\n"
                       "9434765919,1950-04,1,A\n");
  auto ds = Read();
  ASSERT_FALSE(ds.ok());
  EXPECT_EQ(ds.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(ds.status().message().find("persons.csv line 1 column lsoa_of_residence"), std::string::npos)
      << ds.status().message();
  Write("ref_lsoa.csv", "");
  EXPECT_EQ(Read().status().code(), StatusCode::kInvalidInput);
}

TEST_F(Policy, NoLoadablePersonIsAnError) {
  Write("persons.csv", "nhs_number,year_month_of_birth,person_stated_gender_code,ethnic_category,"
                       "lsoa_of_residence,date_of_death\n9434765918,1950-04,1,A,E01006187,\n");
  auto ds = Read();
  ASSERT_FALSE(ds.ok());
  EXPECT_EQ(ds.status().code(), StatusCode::kInvalidInput);
  EXPECT_EQ(report.rejects.size(), 1u);  // the reason is still reported
}

TEST_F(Policy, OptionalFilesMayBeAbsent) {
  for (const char* f : {"ae_attendances.csv", "apc_spells.csv", "gp_events.csv", "ltc_registers.csv"})
    fs::remove(input + "/" + f);
  auto ds = Read();
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  EXPECT_FALSE(File("apc_spells.csv").present);
  EXPECT_EQ(File("apc_spells.csv").rows_read, 0u);
  EXPECT_EQ(ds->events.size(), 13u - 4u);
  EXPECT_EQ(ds->coded.size(), 0u);
  EXPECT_TRUE(report.Balances());
}

TEST_F(Policy, OptionalColumnsMayBeAbsentAndColumnsInAnyOrderAndCase) {
  Write("persons.csv", "LSOA_of_residence, Nhs_Number ,ethnic_category,person_stated_gender_code,year_month_of_birth\n"
                       "E01006187,9434765919,A,1,1950-04\nE01006188,4010232137,H,2,1985-11\n"
                       "E01006187,4857773457,A,1,1962-07\nE01006001,9990000018,N,2,2001-02\n"
                       "E01006001,9123456787,B,2,1938-09\n");
  auto ds = Read();
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  EXPECT_TRUE(report.rejects.empty());
  EXPECT_EQ(ds->person_count(), 5u);
  EXPECT_FALSE(Quality("persons.csv").columns[5].present);  // date_of_death
  EXPECT_TRUE(std::all_of(ds->persons.death.begin(), ds->persons.death.end(), [](int32_t d) { return d == kNoDate; }));
}

TEST_F(Policy, DatasetDoesNotDependOnRowOrder) {
  const Digest before = Read()->ComputeDigest();
  // Reverse the data rows of two files.
  for (const char* f : {"apc_spells.csv", "persons.csv"}) {
    std::string out;
    const std::string text = Tiny(f);
    std::vector<std::string> lines;
    size_t at = 0;
    while (at < text.size()) {
      const size_t nl = text.find('\n', at);
      lines.push_back(text.substr(at, nl - at + 1));
      at = nl + 1;
    }
    std::reverse(lines.begin() + 1, lines.end());
    for (const auto& l : lines) out += l;
    Write(f, out);
  }
  EXPECT_EQ(Read()->ComputeDigest(), before);
}

TEST_F(Policy, IdenticalActivityRowsAreKeptAndCounted) {
  Write("gp_appointments.csv", Tiny("gp_appointments.csv") +
                                   "9434765919,2023-01-10,P81001,GP,FACE_TO_FACE,ATTENDED,30.00\n"
                                   "9434765919,2023-01-10,P81001,GP,FACE_TO_FACE,ATTENDED,30.00\r\n");
  auto ds = Read();
  ASSERT_TRUE(ds.ok());
  EXPECT_EQ(File("gp_appointments.csv").rows_loaded, 4u);
  EXPECT_EQ(Quality("gp_appointments.csv").duplicate_rows, 2u);  // the line end does not matter
  EXPECT_EQ(ds->events.size(), 15u);
}

TEST_F(Policy, DuplicateReferenceCodesKeepTheFirstRow) {
  Write("ref_providers.csv", Tiny("ref_providers.csv") + "RBV,Another name,ACUTE\n");
  auto ds = Read();
  ASSERT_TRUE(ds.ok());
  ASSERT_EQ(report.rejects.size(), 1u);
  EXPECT_EQ(report.rejects[0].line, 6u);
  EXPECT_NE(report.rejects[0].reason.find("already on line 2"), std::string::npos);
  EXPECT_EQ(ds->providers.name[ds->providers.code.Lookup("RBV")], "Northern Acute Hospitals NHS Trust");
  EXPECT_EQ(Quality("ref_providers.csv").duplicate_keys, 1u);
}

TEST_F(Policy, BlankLinesAreCountedNotRows) {
  Write("ltc_registers.csv", "nhs_number,condition,register_date\n\n9434765919,HYP,2015-03-01\n\r\n\n");
  auto ds = Read();
  ASSERT_TRUE(ds.ok());
  EXPECT_EQ(File("ltc_registers.csv").rows_read, 1u);
  EXPECT_EQ(File("ltc_registers.csv").blank_lines, 3u);
  EXPECT_TRUE(report.rejects.empty());
}

TEST_F(Policy, UnknownCsvFilesAreListedAndWarned) {
  Write("persons_2019.csv", "x\n");
  Write("notes.txt", "not data\n");
  ASSERT_TRUE(Read().ok());
  EXPECT_EQ(dq.ignored_files, std::vector<std::string>{"persons_2019.csv"});
  ASSERT_EQ(report.warnings.size(), 1u);
  EXPECT_NE(report.warnings[0].find("persons_2019.csv"), std::string::npos);
}

TEST_F(Policy, RejectListingIsCappedButCountsAreNot) {
  std::string rows = "nhs_number,condition,register_date\n";
  for (int i = 0; i < 50; ++i) rows += "9434765919,NOPE,2015-03-01\n";
  Write("ltc_registers.csv", rows);
  ContractReadOptions options;
  options.max_listed_rejects = 10;
  auto ds = Read(options);
  ASSERT_TRUE(ds.ok());
  EXPECT_EQ(report.rejects.size(), 10u);
  EXPECT_EQ(report.rejects_not_listed, 40u);
  EXPECT_EQ(File("ltc_registers.csv").rows_rejected, 50u);
  EXPECT_TRUE(report.Balances());
}

TEST_F(Policy, ItemsMustBeAtLeastOneAndDeathNotBeforeBirth) {
  Write("prescriptions.csv", Tiny("prescriptions.csv") + "9434765919,2023-03-01,P81001,0212000B0AAABAB,0,1.00\n");
  Write("persons.csv", Tiny("persons.csv") + "9453124567,1990-05,1,A,E01006187,1990-04-30\n");
  auto ds = Read();
  ASSERT_TRUE(ds.ok());
  ASSERT_EQ(report.rejects.size(), 2u);
  EXPECT_EQ(report.rejects[0].file, "persons.csv");
  EXPECT_EQ(report.rejects[0].column, "date_of_death");
  EXPECT_EQ(report.rejects[1].file, "prescriptions.csv");
  EXPECT_EQ(report.rejects[1].column, "items");
  EXPECT_EQ(report.rejects[1].line, 4u);
}

TEST_F(Policy, ResultsDoNotDependOnThreadsOrChunks) {
  fs::remove_all(input);
  testing::WriteSyntheticInput(input, 3000, 20, 5);
  // A few bad rows so rejects are compared too.
  testing::WriteAll(input + "/ltc_registers.csv",
                    "nhs_number,condition,register_date\n" + testing::SyntheticNhs(1) + ",HYP,2015-03-01\n" +
                        testing::SyntheticNhs(2) + ",XX,2015-03-01\n9434765918,HYP,2015-03-01\n");
  std::vector<Digest> digests;
  std::vector<std::vector<Reject>> rejects;
  for (const auto& [threads, chunk] : std::vector<std::pair<int, uint64_t>>{{1, 1 << 20}, {2, 1 << 20}, {2, 4096},
                                                                             {1, 333}}) {
    SetThreadCount(threads);
    ContractReadOptions options;
    options.chunk_bytes = chunk;
    auto ds = Read(options);
    ASSERT_TRUE(ds.ok()) << ds.status().ToString();
    EXPECT_EQ(ds->events.size(), 3000u * 20u - File("gp_events.csv").rows_read);
    digests.push_back(ds->ComputeDigest());
    rejects.push_back(report.rejects);
  }
  SetThreadCount(0);
  for (size_t i = 1; i < digests.size(); ++i) {
    EXPECT_EQ(digests[i], digests[0]) << i;
    ASSERT_EQ(rejects[i].size(), rejects[0].size());
    for (size_t k = 0; k < rejects[0].size(); ++k) EXPECT_EQ(rejects[i][k].line, rejects[0][k].line);
  }
  EXPECT_EQ(rejects[0].size(), 2u);
}

}  // namespace
}  // namespace icb
