// `icb ingest` end to end (the binary at ICB_BIN; build the `icb` target first): key refusal and
// warnings, exit codes, idempotence, thread independence, and crash safety under kill -9.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "data/dataset_dir.h"
#include "ingest_test_util.h"

extern char** environ;

namespace icb {
namespace {

namespace fs = std::filesystem;
using testing::TinyDir;

struct Exec {
  int code = -1;
  std::string out, err;
};

// Runs icb with `args`, capturing stdout and stderr.
Exec Icb(const std::vector<std::string>& args, const std::string& scratch) {
  const std::string out = scratch + "/stdout.txt", err = scratch + "/stderr.txt";
  std::string cmd = std::string(ICB_BIN);
  for (const auto& a : args) cmd += " '" + a + "'";
  cmd += " >'" + out + "' 2>'" + err + "'";
  const int rc = std::system(cmd.c_str());
  Exec e;
  e.code = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  e.out = testing::ReadAll(out);
  e.err = testing::ReadAll(err);
  return e;
}

std::string WriteKey(const std::string& path, mode_t mode, size_t hex_chars = 64) {
  testing::WriteAll(path, std::string(hex_chars, 'c') + "\n");
  ::chmod(path.c_str(), mode);
  return path;
}

std::string ManifestDigest(const std::string& dataset) {
  auto gen = DatasetDir::Current(dataset);
  if (!gen.ok()) return "";
  return nlohmann::json::parse(testing::ReadAll(*gen + "/manifest.json"))["dataset_digest"].get<std::string>();
}

class CliIngest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(fs::exists(ICB_BIN)) << "build the icb target first: " << ICB_BIN; }
  testing::TempDir tmp;
};

TEST_F(CliIngest, RefusesWithoutAUsableKey) {
  const std::string out = tmp / "dataset";
  Exec e = Icb({"ingest", TinyDir(), "--out", out}, tmp.path());
  EXPECT_EQ(e.code, 5);
  EXPECT_NE(e.err.find("key"), std::string::npos);
  e = Icb({"ingest", TinyDir(), "--out", out, "--key-file", tmp / "missing.key"}, tmp.path());
  EXPECT_EQ(e.code, 5);
  e = Icb({"ingest", TinyDir(), "--out", out, "--key-file", WriteKey(tmp / "short.key", 0600, 40)}, tmp.path());
  EXPECT_EQ(e.code, 5);
  EXPECT_FALSE(fs::exists(out));  // nothing published, not even a directory
}

TEST_F(CliIngest, PublishesTinyAndWarnsAboutAnOpenKeyFile) {
  const std::string out = tmp / "dataset";
  Exec e = Icb({"ingest", TinyDir(), "--out", out, "--key-file", WriteKey(tmp / "open.key", 0644)}, tmp.path());
  ASSERT_EQ(e.code, 0) << e.err;
  EXPECT_NE(e.err.find("chmod 600"), std::string::npos);
  EXPECT_NE(e.out.find("persons.csv"), std::string::npos);
  EXPECT_NE(e.out.find(ManifestDigest(out)), std::string::npos);  // the summary shows the digest
  auto ds = DatasetDir::Load(out);
  ASSERT_TRUE(ds.ok());
  EXPECT_EQ(ds->person_count(), 5u);
}

TEST_F(CliIngest, RejectedRowsAreNotAFailureButAreCounted) {
  const std::string input = tmp / "input";
  testing::CopyCsvFiles(TinyDir(), input);
  testing::CopyCsvFiles(testing::BadInputDir() + "/unknown_codes", input);
  const std::string key = WriteKey(tmp / "k.key", 0600);
  Exec e = Icb({"ingest", input, "--out", tmp / "dataset", "--key-file", key}, tmp.path());
  ASSERT_EQ(e.code, 0) << e.err;
  EXPECT_NE(e.out.find("rejected    4 rows"), std::string::npos) << e.out;
  auto gen = DatasetDir::Current(tmp / "dataset");
  ASSERT_TRUE(gen.ok());
  EXPECT_EQ(testing::ReadCsv(*gen + "/rejects.csv").size(), 1u + 5u);
}

TEST_F(CliIngest, MissingRequiredFileExitsNotFoundAndPublishesNothing) {
  const std::string input = tmp / "input";
  testing::CopyCsvFiles(TinyDir(), input);
  fs::remove(input + "/ref_practices.csv");
  Exec e = Icb({"ingest", input, "--out", tmp / "dataset", "--key-file", WriteKey(tmp / "k.key", 0600)}, tmp.path());
  EXPECT_EQ(e.code, 2);
  EXPECT_NE(e.err.find("ref_practices.csv"), std::string::npos);
  EXPECT_FALSE(DatasetDir::Current(tmp / "dataset").ok());
}

TEST_F(CliIngest, FormatAutoDetectsOmopAndContractFormatExplainsTheMismatch) {
  const std::string omop = std::string(ICB_TEST_DATA_DIR) + "/omop_synthea27nj";
  if (!fs::exists(omop + "/person.csv")) GTEST_SKIP() << "no OMOP sample at " << omop;
  const std::string key = WriteKey(tmp / "k.key", 0600);
  Exec e = Icb({"ingest", omop, "--out", tmp / "omop", "--key-file", key, "--quiet"}, tmp.path());
  ASSERT_EQ(e.code, 0) << e.err;
  auto gen = DatasetDir::Current(tmp / "omop");
  ASSERT_TRUE(gen.ok());
  const auto manifest = nlohmann::json::parse(testing::ReadAll(*gen + "/manifest.json"));
  EXPECT_EQ(manifest["source_format"], "omop-cdm-5.4");
  EXPECT_EQ(manifest["pseudonymisation"]["key_id"].get<std::string>().size(), 16u);
  e = Icb({"ingest", omop, "--format", "contract", "--out", tmp / "c", "--key-file", key}, tmp.path());
  EXPECT_EQ(e.code, 2);
  EXPECT_NE(e.err.find("is missing"), std::string::npos) << e.err;
  EXPECT_NE(e.err.find("--format omop"), std::string::npos) << e.err;
}

TEST_F(CliIngest, SameInputSameDigestWhateverTheThreadCount) {
  const std::string input = tmp / "input";
  testing::WriteSyntheticInput(input, 2000, 15, 3);
  const std::string key = WriteKey(tmp / "k.key", 0600);
  ASSERT_EQ(Icb({"--threads", "1", "ingest", input, "--out", tmp / "a", "--key-file", key}, tmp.path()).code, 0);
  ASSERT_EQ(Icb({"--threads", "2", "ingest", input, "--out", tmp / "b", "--key-file", key}, tmp.path()).code, 0);
  ASSERT_EQ(Icb({"ingest", input, "--out", tmp / "a", "--key-file", key}, tmp.path()).code, 0);  // again
  const std::string a = ManifestDigest(tmp / "a");
  EXPECT_EQ(a.size(), 64u);
  EXPECT_EQ(a, ManifestDigest(tmp / "b"));
  auto ds = DatasetDir::Load(tmp / "a");
  ASSERT_TRUE(ds.ok());
  EXPECT_EQ(ToHex(ds->ComputeDigest()), a);
  EXPECT_EQ(testing::ReadAll(*DatasetDir::Current(tmp / "a") + "/manifest.json"),
            testing::ReadAll(*DatasetDir::Current(tmp / "b") + "/manifest.json"));
}

// Starts `icb ingest` on a bigger input into a dataset that already holds tiny, kills it with
// SIGKILL at delays spread over a full run, and checks after each kill that the dataset loads and
// is either the old or the new one. Finally a clean run publishes the new one.
TEST_F(CliIngest, KillDuringIngestLeavesOldOrNewDataset) {
  const std::string key = WriteKey(tmp / "k.key", 0600);
  const std::string big = tmp / "big", dataset = tmp / "dataset", reference = tmp / "reference";
  testing::WriteSyntheticInput(big, 40000, 25, 9);
  ASSERT_EQ(Icb({"ingest", TinyDir(), "--out", dataset, "--key-file", key, "--quiet"}, tmp.path()).code, 0);
  const std::string old_digest = ManifestDigest(dataset);
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(Icb({"ingest", big, "--out", reference, "--key-file", key, "--quiet"}, tmp.path()).code, 0);
  const double full_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const std::string new_digest = ManifestDigest(reference);
  ASSERT_NE(old_digest, new_digest);

  const std::string bin = ICB_BIN;
  std::vector<std::string> args = {bin, "ingest", big, "--out", dataset, "--key-file", key, "--quiet"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int saw_old = 0, saw_new = 0;
  const int kKills = 12;
  for (int i = 0; i < kKills; ++i) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid = 0;
    ASSERT_EQ(posix_spawn(&pid, bin.c_str(), &actions, nullptr, argv.data(), environ), 0);
    posix_spawn_file_actions_destroy(&actions);
    // Delays from 0 to 110% of a full run, so kills land in every phase (and some after commit).
    const double delay = full_s * 1.1 * i / (kKills - 1);
    std::this_thread::sleep_for(std::chrono::duration<double>(delay));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    auto ds = DatasetDir::Load(dataset);
    ASSERT_TRUE(ds.ok()) << "after kill " << i << " at " << delay << " s: " << ds.status().ToString();
    const std::string digest = ToHex(ds->ComputeDigest());
    EXPECT_TRUE(digest == old_digest || digest == new_digest) << "kill " << i;
    EXPECT_EQ(digest, ManifestDigest(dataset)) << "manifest and snapshot disagree after kill " << i;
    saw_old += digest == old_digest;
    saw_new += digest == new_digest;
  }
  EXPECT_GT(saw_old, 0);  // at least the earliest kills must have hit before the commit
  ASSERT_EQ(Icb({"ingest", big, "--out", dataset, "--key-file", key, "--quiet"}, tmp.path()).code, 0);
  EXPECT_EQ(ManifestDigest(dataset), new_digest);
  for (const auto& e : fs::directory_iterator(dataset))  // the clean commit swept abandoned generations
    EXPECT_FALSE(e.path().filename().string().rfind("gen-", 0) == 0 && e.path().extension() == ".tmp") << e.path();
  std::printf("kill test: full run %.2f s, %d kills saw the old dataset, %d the new\n", full_s, saw_old, saw_new);
}

}  // namespace
}  // namespace icb
