#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <random>

#include "core/file_util.h"
#include "data/dataset_builder.h"
#include "data/dataset_dir.h"

namespace icb {
namespace {

namespace fs = std::filesystem;

struct EventRow {
  uint32_t person;
  int32_t date;
  Setting setting;
  Pod pod;
  std::string provider, attr1, code;
  int64_t cost;
};

// Builds a small dataset from rows given in `order`, so tests can check order independence.
Dataset Build(const std::vector<EventRow>& rows, const std::vector<size_t>& order, int persons) {
  DatasetBuilder b;
  b.ds.lsoas.code.Intern("E01000001");
  b.ds.lsoas.name = {"A"};
  b.ds.lsoas.place_code = {"E08000009"};
  b.ds.lsoas.place_name = {"Trafford"};
  b.ds.lsoas.sub_icb = {"02A"};
  b.ds.lsoas.imd_decile = {3};
  b.ds.lsoas.imd_quintile = {2};
  for (int p = 0; p < persons; ++p)
    b.AddPerson(Sha256Of("person" + std::to_string(p)), Date::FromCivil(1950 + p, 1, 1).days(), 1, 0, 0, kNoDate);
  auto& e = b.ds.events;
  for (size_t i : order) {
    const auto& r = rows[i];
    b.event_person.push_back(r.person);
    e.date.push_back(r.date);
    e.end_date.push_back(kNoDate);
    e.setting.push_back(static_cast<uint8_t>(r.setting));
    e.pod.push_back(static_cast<uint8_t>(r.pod));
    e.provider.push_back(b.ds.orgs.Intern(r.provider));
    e.attr1.push_back(b.ds.attrs.Intern(r.attr1));
    e.attr2.push_back(Dictionary::kNone);
    e.attr3.push_back(Dictionary::kNone);
    e.code.push_back(b.ds.codes.Intern(r.code));
    e.procedure.push_back(Dictionary::kNone);
    e.hrg.push_back(Dictionary::kNone);
    e.cost_pence.push_back(r.cost);
    e.quantity.push_back(1);
  }
  auto ds = b.Finish();
  EXPECT_TRUE(ds.ok()) << ds.status().ToString();
  return std::move(ds).value();
}

std::vector<EventRow> RandomRows(int persons, int n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<EventRow> rows;
  const char* providers[] = {"RM3", "R0A", "RWJ"};
  const char* codes[] = {"I219", "J181", "E119", "N390"};
  for (int i = 0; i < n; ++i)
    rows.push_back({static_cast<uint32_t>(rng() % persons), static_cast<int32_t>(18000 + rng() % 2000),
                    Setting::kApc, Pod::kNonElective, providers[rng() % 3], "21", codes[rng() % 4],
                    static_cast<int64_t>(rng() % 500000)});
  return rows;
}

TEST(DatasetBuilder, SortsByPersonThenDateAndIndexes) {
  const auto rows = RandomRows(20, 500, 1);
  std::vector<size_t> order(rows.size());
  std::iota(order.begin(), order.end(), 0);
  const Dataset ds = Build(rows, order, 20);
  ASSERT_TRUE(ds.Validate().ok());
  EXPECT_EQ(ds.events.size(), 500u);
  EXPECT_EQ(ds.events.offsets.size(), 21u);
  // Persons are in pseudonym order.
  for (size_t p = 1; p < ds.person_count(); ++p) EXPECT_LT(ds.persons.pseudonym[p - 1], ds.persons.pseudonym[p]);
  // Every event row still carries its person's total cost: compare per-person sums by pseudonym.
  for (uint32_t p = 0; p < 20; ++p) {
    int64_t want = 0;
    for (const auto& r : rows)
      if (r.person == p) want += r.cost;
    const auto it = std::find(ds.persons.pseudonym.begin(), ds.persons.pseudonym.end(),
                              Sha256Of("person" + std::to_string(p)));
    ASSERT_NE(it, ds.persons.pseudonym.end());
    const size_t idx = static_cast<size_t>(it - ds.persons.pseudonym.begin());
    int64_t got = 0;
    for (uint64_t i = ds.events.offsets[idx]; i < ds.events.offsets[idx + 1]; ++i) got += ds.events.cost_pence[i];
    EXPECT_EQ(got, want);
  }
  // Dictionaries are sorted.
  EXPECT_TRUE(std::is_sorted(ds.orgs.values().begin(), ds.orgs.values().end()));
}

TEST(DatasetBuilder, ResultDoesNotDependOnInputOrder) {
  const auto rows = RandomRows(50, 2000, 7);
  std::vector<size_t> order(rows.size());
  std::iota(order.begin(), order.end(), 0);
  const Digest a = Build(rows, order, 50).ComputeDigest();
  std::shuffle(order.begin(), order.end(), std::mt19937_64(99));
  const Digest b = Build(rows, order, 50).ComputeDigest();
  EXPECT_EQ(a, b);
}

TEST(DatasetBuilder, RefusesDuplicatePseudonyms) {
  DatasetBuilder b;
  b.ds.lsoas.code.Intern("E01000001");
  b.ds.lsoas.name = {"A"};
  b.AddPerson(Sha256Of("x"), 0, 1, 0, 0, kNoDate);
  b.AddPerson(Sha256Of("x"), 0, 1, 0, 0, kNoDate);
  EXPECT_FALSE(b.Finish().ok());
}

class SnapshotTest : public ::testing::Test {
 protected:
  fs::path dir = fs::temp_directory_path() / ("icb_snapshot_test_" + std::to_string(::getpid()));
  void SetUp() override { fs::create_directories(dir); }
  void TearDown() override { fs::remove_all(dir); }
};

TEST_F(SnapshotTest, RoundTripsWithTheSameDigest) {
  const auto rows = RandomRows(30, 800, 3);
  std::vector<size_t> order(rows.size());
  std::iota(order.begin(), order.end(), 0);
  const Dataset ds = Build(rows, order, 30);
  const std::string path = (dir / "d.icbsnap").string();
  auto saved = ds.Save(path);
  ASSERT_TRUE(saved.ok()) << saved.status().ToString();
  EXPECT_EQ(*saved, ds.ComputeDigest());
  auto loaded = Dataset::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->ComputeDigest(), *saved);
  EXPECT_EQ(loaded->loaded_digest(), *saved);
  EXPECT_EQ(loaded->events.cost_pence, ds.events.cost_pence);
  EXPECT_EQ(loaded->orgs.values(), ds.orgs.values());
}

TEST_F(SnapshotTest, DetectsCorruptionAndTruncation) {
  const auto rows = RandomRows(10, 100, 5);
  std::vector<size_t> order(rows.size());
  std::iota(order.begin(), order.end(), 0);
  const std::string path = (dir / "d.icbsnap").string();
  ASSERT_TRUE(Build(rows, order, 10).Save(path).ok());
  std::string bytes = *ReadFile(path);
  std::string flipped = bytes;
  flipped[bytes.size() / 2] ^= 0x01;
  ASSERT_TRUE(WriteFileAtomic(path, flipped).ok());
  EXPECT_EQ(Dataset::Load(path).status().code(), StatusCode::kCorrupt);
  ASSERT_TRUE(WriteFileAtomic(path, bytes.substr(0, bytes.size() - 100)).ok());
  EXPECT_EQ(Dataset::Load(path).status().code(), StatusCode::kCorrupt);
  ASSERT_TRUE(WriteFileAtomic(path, "not a snapshot at all, just some text padding it out").ok());
  EXPECT_EQ(Dataset::Load(path).status().code(), StatusCode::kCorrupt);
}

TEST_F(SnapshotTest, DatasetDirPublishesGenerationsAtomically) {
  const std::string ddir = (dir / "dataset").string();
  EXPECT_EQ(DatasetDir::Load(ddir).status().code(), StatusCode::kNotFound);
  std::vector<Digest> digests;
  for (int round = 0; round < 3; ++round) {
    const auto rows = RandomRows(10, 100 + round, 11 + round);
    std::vector<size_t> order(rows.size());
    std::iota(order.begin(), order.end(), 0);
    auto gen = DatasetDir::Begin(ddir);
    ASSERT_TRUE(gen.ok());
    auto d = Build(rows, order, 10).Save((fs::path(*gen) / DatasetDir::kSnapshotFile).string());
    ASSERT_TRUE(d.ok());
    digests.push_back(*d);
    // Before Commit, readers still see the previous generation.
    if (round > 0) {
      EXPECT_EQ(DatasetDir::Load(ddir)->ComputeDigest(), digests[round - 1]);
    }
    ASSERT_TRUE(DatasetDir::Commit(ddir, *gen).ok());
    EXPECT_EQ(DatasetDir::Load(ddir)->ComputeDigest(), digests[round]);
  }
  // An abandoned temporary generation (a killed writer) does not disturb readers and is cleaned later.
  auto abandoned = DatasetDir::Begin(ddir);
  ASSERT_TRUE(abandoned.ok());
  std::ofstream(fs::path(*abandoned) / DatasetDir::kSnapshotFile) << "half written";
  EXPECT_EQ(DatasetDir::Load(ddir)->ComputeDigest(), digests[2]);
  int generations = 0;
  for (const auto& e : fs::directory_iterator(ddir)) generations += e.path().filename().string().rfind("gen-", 0) == 0;
  EXPECT_EQ(generations, 3);  // live, previous, abandoned temporary
}

}  // namespace
}  // namespace icb
