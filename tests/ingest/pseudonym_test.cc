// Pseudonymisation: HMAC-SHA-256 of the ten digits under the key; the same key gives the same
// pseudonyms, another key gives unlinkable ones, and no NHS number reaches the published dataset,
// its reports or its rejects.
#include "ingest/pseudonym.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "ingest/contract_reader.h"
#include "ingest/publish.h"
#include "ingest_test_util.h"

namespace icb {
namespace {

namespace fs = std::filesystem;
using testing::TinyDir;

TEST(Pseudonym, IsHmacSha256OfTheTenDigits) {
  const HmacKey key = testing::TestKey();
  EXPECT_EQ(NhsPseudonym(key, "9434765919"), key.Sign("9434765919"));
  EXPECT_EQ(NhsPseudonym(key, "9434765919"), NhsPseudonym(testing::TestKey(), "9434765919"));
  EXPECT_NE(NhsPseudonym(key, "9434765919"), NhsPseudonym(key, "4010232137"));
  EXPECT_NE(NhsPseudonym(key, "9434765919"), NhsPseudonym(testing::TestKey('\x11'), "9434765919"));
  EXPECT_NE(NhsPseudonym(key, "9434765919"), Sha256Of("9434765919"));  // keyed, not a plain hash
}

TEST(Pseudonym, KeyIdTellsKeysApartWithoutRevealingThem) {
  const std::string a = KeyId(testing::TestKey()), b = KeyId(testing::TestKey('\x11'));
  EXPECT_EQ(a.size(), 16u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a, KeyId(testing::TestKey()));
}

TEST(Pseudonym, WarnsWhenKeyFileIsReadableByOthers) {
  testing::TempDir tmp;
  const std::string path = tmp / "key.hex";
  testing::WriteAll(path, std::string(64, 'a') + "\n");
  ::chmod(path.c_str(), 0600);
  EXPECT_EQ(KeyFilePermissionWarning(path), "");
  ::chmod(path.c_str(), 0644);
  EXPECT_NE(KeyFilePermissionWarning(path).find("chmod 600"), std::string::npos);
}

TEST(Pseudonym, SameKeySameDatasetOtherKeyOtherPseudonyms) {
  IngestReport r1, r2, r3;
  DataQuality q1, q2, q3;
  auto a = ReadContract(TinyDir(), testing::TestKey(), r1, q1);
  auto b = ReadContract(TinyDir(), testing::TestKey(), r2, q2);
  auto c = ReadContract(TinyDir(), testing::TestKey('\x11'), r3, q3);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(a->ComputeDigest(), b->ComputeDigest());
  EXPECT_NE(a->ComputeDigest(), c->ComputeDigest());
  for (const auto& p : a->persons.pseudonym)
    EXPECT_FALSE(std::binary_search(c->persons.pseudonym.begin(), c->persons.pseudonym.end(), p));
  EXPECT_NE(r1.key_id, r3.key_id);
}

// Scans every byte ingest publishes for the NHS numbers of the input (as text and as a 64-bit
// little-endian integer), with rejects present so rejects.csv has rows.
TEST(Pseudonym, NoNhsNumberReachesTheDatasetOrReports) {
  testing::TempDir tmp;
  const std::string input = tmp / "input";
  testing::CopyCsvFiles(TinyDir(), input);
  testing::WriteAll(input + "/ltc_registers.csv",
                    testing::ReadAll(TinyDir() + "/ltc_registers.csv") +
                        "9453124567,HYP,2015-03-01\n9434765919,NOPE,2015-03-01\n9434765918,HYP,2015-03-01\n");
  IngestReport report;
  DataQuality dq;
  auto ds = ReadContract(input, testing::TestKey(), report, dq);
  ASSERT_TRUE(ds.ok());
  ASSERT_EQ(report.rejects.size(), 3u);
  auto pub = PublishIngest(tmp / "dataset", *ds, report, dq);
  ASSERT_TRUE(pub.ok()) << pub.status().ToString();
  std::vector<std::string> numbers = {"9453124567", "9434765918"};
  for (const auto& row : testing::ReadCsv(input + "/persons.csv"))
    if (row[0] != "nhs_number") numbers.push_back(row[0]);
  ASSERT_EQ(numbers.size(), 7u);
  int files = 0;
  for (const auto& e : fs::directory_iterator(pub->generation)) {
    const std::string bytes = testing::ReadAll(e.path().string());
    ++files;
    for (const auto& n : numbers) {
      EXPECT_EQ(bytes.find(n), std::string::npos) << n << " in " << e.path().filename();
      const uint64_t v = std::stoull(n);
      EXPECT_EQ(bytes.find(std::string(reinterpret_cast<const char*>(&v), 8)), std::string::npos)
          << "binary NHS number in " << e.path().filename();
    }
  }
  EXPECT_EQ(files, 5);
}

}  // namespace
}  // namespace icb
