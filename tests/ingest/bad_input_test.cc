// Runs every case of tests/data/bad_input (see its README): each case is tiny with one file
// replaced. The rejects must be exactly those in expected.csv (file, line, column, reason
// substring), every file must balance, the changed files must have the expected counts and the
// unchanged files must load as in tiny. Each case runs with one thread and big chunks and with two
// threads and 16-byte chunks: results must not change.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>

#include "core/parallel.h"
#include "ingest/contract_reader.h"
#include "ingest_test_util.h"

namespace icb {
namespace {

namespace fs = std::filesystem;
using testing::BadInputDir;
using testing::TestKey;
using testing::TinyDir;

struct IngestRun {
  IngestReport report;
  Digest digest{};
};

IngestRun Ingest(const std::string& dir, int threads, uint64_t chunk_bytes) {
  SetThreadCount(threads);
  IngestRun run;
  DataQuality dq;
  ContractReadOptions options;
  options.chunk_bytes = chunk_bytes;
  auto ds = ReadContract(dir, TestKey(), run.report, dq, options);
  SetThreadCount(0);
  EXPECT_TRUE(ds.ok()) << ds.status().ToString();
  if (ds.ok()) run.digest = ds->ComputeDigest();
  return run;
}

std::vector<std::string> CaseNames() {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(BadInputDir()))
    if (e.is_directory()) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

TEST(BadInput, CorpusHasTheRequiredCases) {
  const auto names = CaseNames();
  const std::set<std::string> have(names.begin(), names.end());
  for (const char* required : {"missing_column", "extra_column", "malformed_dates", "bad_check_digit",
                               "unknown_codes", "embedded_newline", "crlf", "bom", "truncated_last_line",
                               "invalid_utf8", "empty_file"})
    EXPECT_TRUE(have.count(required)) << required;
}

class BadInputCase : public ::testing::TestWithParam<std::string> {};

TEST_P(BadInputCase, RejectsExactlyTheExpectedRowsAndBalances) {
  const std::string case_dir = BadInputDir() + "/" + GetParam();
  testing::TempDir tmp;
  const std::string input = tmp / "input";
  testing::CopyCsvFiles(TinyDir(), input);
  testing::CopyCsvFiles(case_dir, input);

  static const IngestRun* baseline = new IngestRun(Ingest(TinyDir(), 1, 1 << 20));
  std::map<std::string, const FileReport*> tiny_files;
  for (const auto& f : baseline->report.files) tiny_files[f.file] = &f;

  const auto expected = testing::ReadCsv(case_dir + "/expected.csv");
  const auto counts = testing::ReadCsv(case_dir + "/expected_counts.csv");
  ASSERT_GE(expected.size(), 1u);
  ASSERT_GE(counts.size(), 2u) << "expected_counts.csv must name the changed file";

  const IngestRun one = Ingest(input, 1, 1 << 20);
  const IngestRun two = Ingest(input, 2, 16);
  for (const IngestRun* run : {&one, &two}) {
    const IngestReport& r = run->report;
    EXPECT_TRUE(r.Balances());
    // Every expected reject is there, once; nothing else is.
    std::vector<bool> used(r.rejects.size(), false);
    for (size_t i = 1; i < expected.size(); ++i) {
      const auto& want = expected[i];
      ASSERT_EQ(want.size(), 4u) << "expected.csv line " << i + 1;
      bool found = false;
      for (size_t k = 0; k < r.rejects.size() && !found; ++k) {
        const Reject& got = r.rejects[k];
        if (used[k] || got.file != want[0] || std::to_string(got.line) != want[1] || got.column != want[2] ||
            got.reason.find(want[3]) == std::string::npos)
          continue;
        used[k] = found = true;
      }
      EXPECT_TRUE(found) << "missing reject: " << want[0] << " line " << want[1] << " column '" << want[2]
                         << "' reason ~ '" << want[3] << "'";
    }
    for (size_t k = 0; k < r.rejects.size(); ++k)
      EXPECT_TRUE(used[k]) << "unexpected reject: " << r.rejects[k].file << " line " << r.rejects[k].line
                           << " column '" << r.rejects[k].column << "': " << r.rejects[k].reason;
    // Reasons never carry a value: no NHS-number-like run of 10 digits.
    for (const auto& rej : r.rejects) {
      int run_of_digits = 0, longest = 0;
      for (char c : rej.reason) {
        run_of_digits = (c >= '0' && c <= '9') ? run_of_digits + 1 : 0;
        longest = std::max(longest, run_of_digits);
      }
      EXPECT_LT(longest, 10) << rej.reason;
    }
    // Counts of changed files as expected; every other file as in tiny.
    std::set<std::string> changed;
    for (size_t i = 1; i < counts.size(); ++i) {
      const auto& c = counts[i];
      changed.insert(c[0]);
      const FileReport* f = nullptr;
      for (const auto& fr : r.files)
        if (fr.file == c[0]) f = &fr;
      ASSERT_NE(f, nullptr) << c[0];
      EXPECT_EQ(std::to_string(f->rows_read), c[1]) << c[0] << " rows read";
      EXPECT_EQ(std::to_string(f->rows_loaded), c[2]) << c[0] << " rows loaded";
      EXPECT_EQ(std::to_string(f->rows_rejected), c[3]) << c[0] << " rows rejected";
    }
    for (const auto& f : r.files) {
      if (changed.count(f.file)) continue;
      EXPECT_EQ(f.rows_read, tiny_files[f.file]->rows_read) << f.file;
      EXPECT_EQ(f.rows_loaded, tiny_files[f.file]->rows_loaded) << f.file;
    }
  }
  // Thread count and chunking change nothing.
  EXPECT_EQ(one.digest, two.digest);
  ASSERT_EQ(one.report.rejects.size(), two.report.rejects.size());
  for (size_t k = 0; k < one.report.rejects.size(); ++k) {
    EXPECT_EQ(one.report.rejects[k].line, two.report.rejects[k].line);
    EXPECT_EQ(one.report.rejects[k].reason, two.report.rejects[k].reason);
    EXPECT_EQ(one.report.rejects[k].byte_offset, two.report.rejects[k].byte_offset);
  }
  // Valid variants (CRLF, BOM) load exactly like tiny.
  if (expected.size() == 1) {
    EXPECT_EQ(one.digest, baseline->digest);
  }
}

INSTANTIATE_TEST_SUITE_P(Corpus, BadInputCase, ::testing::ValuesIn(CaseNames()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace
}  // namespace icb
