// The audit hash chain: canonical text, hash, and tamper detection. The tamper tests edit the SQLite
// file with raw SQL (the sqlite3 C API), as an attacker with the file would, then verify the store.
#include "server/audit_chain.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>

#include <filesystem>
#include <string>
#include <vector>

#include "server/app_store.h"

namespace icb::server {
namespace {

AuditEntry Example() {
  AuditEntry e;
  e.seq = 1;
  e.time = "2025-04-01T09:30:12.345Z";
  e.user = "alice";
  e.role = "clinician";
  e.session_id = "a1b2c3d4e5f6";
  e.action = "casefind.list";
  e.scope = "practice:P84001";
  e.detail = R"({"top":20})";
  e.rows = 20;
  e.request_id = "req-1";
  e.prev_hash = kGenesisHash;
  return e;
}

TEST(AuditChain, CanonicalTextIsLengthPrefixedFieldsInOrder) {
  EXPECT_EQ(CanonicalAuditText(Example()),
            "1:1;24:2025-04-01T09:30:12.345Z;5:alice;9:clinician;12:a1b2c3d4e5f6;13:casefind.list;"
            "15:practice:P84001;10:{\"top\":20};2:20;5:req-1;64:" +
                std::string(kGenesisHash) + ";");
}

TEST(AuditChain, HashMatchesAnIndependentSha256) {
  // Expected value computed with Python's hashlib.sha256 (FIPS 180-4) over the 64 zeros of the
  // genesis hash followed by the canonical text above.
  EXPECT_EQ(ComputeAuditHash(Example()), "ee11ffc4cdad07d4e0c274ae622e2ce26b499864dc94fcf56acd031fa640d1b2");
}

TEST(AuditChain, LengthPrefixesKeepFieldBoundaries) {
  // "ab"+"c" and "a"+"bc" must not hash alike.
  AuditEntry a = Example(), b = Example();
  a.user = "ab";
  a.role = "c";
  b.user = "a";
  b.role = "bc";
  EXPECT_NE(ComputeAuditHash(a), ComputeAuditHash(b));
}

std::vector<AuditEntry> Chain(int n) {
  std::vector<AuditEntry> out;
  std::string prev = kGenesisHash;
  for (int i = 1; i <= n; ++i) {
    AuditEntry e = Example();
    e.seq = i;
    e.rows = i;
    e.prev_hash = prev;
    e.hash = ComputeAuditHash(e);
    prev = e.hash;
    out.push_back(e);
  }
  return out;
}

TEST(AuditChain, IntactChainVerifies) {
  const auto chain = Chain(6);
  const auto v = VerifyAuditChain(chain, 6, chain.back().hash);
  EXPECT_TRUE(v.ok) << v.problem;
  EXPECT_EQ(v.entries, 6);
  EXPECT_EQ(v.first_bad_seq, 0);
  EXPECT_TRUE(VerifyAuditChain({}).ok);
}

TEST(AuditChain, DetectsEditedField) {
  auto chain = Chain(6);
  chain[3].detail = R"({"top":2000})";
  const auto v = VerifyAuditChain(chain);
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_bad_seq, 4);
  EXPECT_NE(v.problem.find("hash does not match"), std::string::npos) << v.problem;
}

TEST(AuditChain, DetectsEditedEntryWithRecomputedHashAtTheNextLink) {
  auto chain = Chain(6);
  chain[3].rows = 0;
  chain[3].hash = ComputeAuditHash(chain[3]);
  const auto v = VerifyAuditChain(chain);
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_bad_seq, 5);
}

TEST(AuditChain, DetectsRemovedMiddleEntry) {
  auto chain = Chain(6);
  chain.erase(chain.begin() + 2);
  const auto v = VerifyAuditChain(chain);
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_bad_seq, 3);
  EXPECT_NE(v.problem.find("missing"), std::string::npos) << v.problem;
}

TEST(AuditChain, DetectsRemovedAndRenumberedEntry) {
  auto chain = Chain(6);
  chain.erase(chain.begin() + 2);
  for (size_t i = 2; i < chain.size(); ++i) chain[i].seq -= 1;
  const auto v = VerifyAuditChain(chain);
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_bad_seq, 3);
}

TEST(AuditChain, DetectsReordering) {
  auto chain = Chain(6);
  std::swap(chain[2], chain[3]);
  auto v = VerifyAuditChain(chain);
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_bad_seq, 3);
  // Swapped and renumbered so that the seq column still counts up.
  std::swap(chain[2].seq, chain[3].seq);
  v = VerifyAuditChain(chain);
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_bad_seq, 3);
}

TEST(AuditChain, HeadDetectsRemovedNewestEntries) {
  auto chain = Chain(6);
  const std::string head_hash = chain.back().hash;
  chain.resize(4);
  EXPECT_TRUE(VerifyAuditChain(chain).ok);  // without the head a truncated chain looks whole
  const auto v = VerifyAuditChain(chain, 6, head_hash);
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_bad_seq, 5);
}

TEST(AuditChain, IncrementalVerifierMatchesWholeChainVerifier) {
  auto chain = Chain(5);
  chain[2].user = "mallory";
  AuditChainVerifier verifier;
  for (const auto& e : chain) verifier.Add(e);
  const auto a = verifier.Finish(5, chain.back().hash);
  const auto b = VerifyAuditChain(chain, 5, chain.back().hash);
  EXPECT_EQ(a.ok, b.ok);
  EXPECT_EQ(a.first_bad_seq, b.first_bad_seq);
  EXPECT_EQ(a.problem, b.problem);
}

// --- tampering with the SQLite file -------------------------------------------------------------

class AuditTamperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/icb-audit-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/app.db";
    auto store = OpenAppStore("sqlite:" + path_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    for (int i = 1; i <= 10; ++i) {
      AuditEntry e;
      e.user = "alice";
      e.role = "clinician";
      e.session_id = "0123456789ab";
      e.action = "casefind.list";
      e.scope = "practice:P84001";
      e.detail = R"({"top":20})";
      e.rows = 20;
      e.request_id = "req-" + std::to_string(i);
      ASSERT_TRUE((*store)->AppendAudit(e).ok());
    }
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Runs raw SQL on the closed store's file, as an attacker would.
  void Attack(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    char* err = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
    const std::string msg = err ? err : "";
    sqlite3_free(err);
    sqlite3_close(db);
    ASSERT_EQ(rc, SQLITE_OK) << msg;
  }

  AuditVerification Verify() {
    auto store = OpenAppStore("sqlite:" + path_);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    if (!store.ok()) return {};
    auto v = VerifyStoredAudit(**store);
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return v.ok() ? *v : AuditVerification{};
  }

  std::string dir_, path_;
};

TEST_F(AuditTamperTest, UntouchedLogVerifies) {
  const auto v = Verify();
  EXPECT_TRUE(v.ok) << v.problem;
  EXPECT_EQ(v.entries, 10);
}

TEST_F(AuditTamperTest, EditedFieldIsDetected) {
  Attack("UPDATE audit SET rows = 0 WHERE seq = 5");
  const auto v = Verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_bad_seq, 5);
  EXPECT_EQ(v.entries, 4);
}

TEST_F(AuditTamperTest, EditedScopeWithRecomputedHashIsDetectedAtTheNextLink) {
  // The attacker cannot recompute the hash with SQL alone; give them the right one for the edited row.
  auto store = OpenAppStore("sqlite:" + path_);
  ASSERT_TRUE(store.ok());
  auto entries = (*store)->ReadAudit(5, 1);
  ASSERT_TRUE(entries.ok());
  AuditEntry e = entries->at(0);
  e.scope = "practice:P84999";
  const std::string forged = ComputeAuditHash(e);
  store->reset();
  Attack("UPDATE audit SET scope = 'practice:P84999', hash = '" + forged + "' WHERE seq = 5");
  const auto v = Verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_bad_seq, 6);
}

TEST_F(AuditTamperTest, RemovedMiddleEntryIsDetected) {
  Attack("DELETE FROM audit WHERE seq = 5");
  const auto v = Verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_bad_seq, 5);
}

TEST_F(AuditTamperTest, RemovedAndRenumberedEntryIsDetected) {
  Attack("DELETE FROM audit WHERE seq = 5; UPDATE audit SET seq = seq - 1 WHERE seq > 5;"
         "UPDATE audit_head SET seq = 9");
  const auto v = Verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_bad_seq, 5);
}

TEST_F(AuditTamperTest, ReorderedEntriesAreDetected) {
  Attack("UPDATE audit SET seq = -1 WHERE seq = 4; UPDATE audit SET seq = 4 WHERE seq = 5;"
         "UPDATE audit SET seq = 5 WHERE seq = -1");
  const auto v = Verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_bad_seq, 4);
}

TEST_F(AuditTamperTest, RemovedNewestEntriesAreDetectedByTheHead) {
  Attack("DELETE FROM audit WHERE seq >= 9");
  const auto v = Verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_bad_seq, 9);
  EXPECT_NE(v.problem.find("missing at the end"), std::string::npos) << v.problem;
}

TEST_F(AuditTamperTest, HeadRolledBackOverKeptEntriesIsDetected) {
  Attack("UPDATE audit_head SET seq = 8, hash = (SELECT hash FROM audit WHERE seq = 8)");
  const auto v = Verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_bad_seq, 9);
}

TEST_F(AuditTamperTest, EditedHeadHashIsDetected) {
  Attack("UPDATE audit_head SET hash = (SELECT hash FROM audit WHERE seq = 9)");
  const auto v = Verify();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_bad_seq, 10);
}

#ifdef ICB_BIN
TEST_F(AuditTamperTest, CliVerifyExitsZeroThenFourAfterAnEdit) {
  const std::string cmd = std::string(ICB_BIN) + " audit verify --store sqlite:" + path_ + " >/dev/null 2>&1";
  int rc = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(rc));
  EXPECT_EQ(WEXITSTATUS(rc), 0);
  Attack("UPDATE audit SET user = 'bob' WHERE seq = 2");
  rc = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(rc));
  EXPECT_EQ(WEXITSTATUS(rc), 4);  // corrupt (apps/cli/command.h exit codes)
}
#endif

}  // namespace
}  // namespace icb::server
