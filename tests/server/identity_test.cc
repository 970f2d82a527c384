// Identity: Argon2id hashes, logins, bearer sessions and their idle and absolute timeouts, on a
// SQLite store with a fake clock. Uses the low test cost (ICB_ARGON2_TEST_COST=1) except where the
// production cost itself is checked.
#include "server/identity.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <string>

#include "core/crypto.h"

namespace icb::server {
namespace {

class IdentityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("ICB_ARGON2_TEST_COST", "1", 1);
    char tmpl[] = "/tmp/icb-identity-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    auto store = OpenAppStore("sqlite:" + dir_ + "/app.db");
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    identity_ = std::make_unique<Identity>(*store_, SessionPolicy{600, 3600}, [this] { return now_; });
    ASSERT_TRUE(identity_->AddUser("carl", "correct horse battery", Role::kClinician, {"P84001"}).ok());
  }
  void TearDown() override {
    identity_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::string dir_;
  int64_t now_ = 1'700'000'000;
  std::unique_ptr<AppStore> store_;
  std::unique_ptr<Identity> identity_;
};

TEST(PasswordHash, IsArgon2idWithAFreshSaltAndVerifies) {
  setenv("ICB_ARGON2_TEST_COST", "1", 1);
  auto a = HashPassword("correct horse battery");
  auto b = HashPassword("correct horse battery");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->rfind("$argon2id$v=19$m=1024,t=1,p=1$", 0), 0u) << *a;
  EXPECT_NE(*a, *b);  // 16 random salt bytes each time
  EXPECT_TRUE(VerifyPassword(*a, "correct horse battery"));
  EXPECT_TRUE(VerifyPassword(*b, "correct horse battery"));
  EXPECT_FALSE(VerifyPassword(*a, "correct horse battery "));
  EXPECT_FALSE(VerifyPassword("", "x"));
  EXPECT_FALSE(VerifyPassword("not an argon2 hash", "x"));
}

TEST(PasswordHash, ProductionCostIsT3M64MiBP1) {
  // OWASP Password Storage Cheat Sheet: Argon2id with m=64 MiB... t=3, p=1 is one of its equivalent settings.
  unsetenv("ICB_ARGON2_TEST_COST");
  auto h = HashPassword("correct horse battery");
  setenv("ICB_ARGON2_TEST_COST", "1", 1);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->rfind("$argon2id$v=19$m=65536,t=3,p=1$", 0), 0u) << *h;
  EXPECT_TRUE(VerifyPassword(*h, "correct horse battery"));  // the cost is read from the hash
}

TEST_F(IdentityTest, AddUserChecksItsInput) {
  EXPECT_EQ(identity_->AddUser("bad name", "long enough password", Role::kAnalyst, {}).code(),
            StatusCode::kInvalidInput);
  EXPECT_EQ(identity_->AddUser("", "long enough password", Role::kAnalyst, {}).code(), StatusCode::kInvalidInput);
  EXPECT_EQ(identity_->AddUser("ann", "short", Role::kAnalyst, {}).code(), StatusCode::kInvalidInput);
  EXPECT_EQ(identity_->AddUser("ann", "long enough password", Role::kClinician, {}).code(),
            StatusCode::kInvalidInput);
  EXPECT_TRUE(identity_->AddUser("ann", "long enough password", Role::kAdmin, {}).ok());
  auto ann = store_->GetUser("ann");
  ASSERT_TRUE(ann.ok() && ann->has_value());
  EXPECT_EQ((*ann)->password_hash.find("long enough password"), std::string::npos);
  EXPECT_EQ((*ann)->created_unix, now_);
}

TEST_F(IdentityTest, LoginIssuesA256BitTokenStoredOnlyAsItsHash) {
  auto login = identity_->Login("carl", "correct horse battery");
  ASSERT_TRUE(login.ok()) << login.status().ToString();
  ASSERT_EQ(login->token.size(), 64u);
  EXPECT_EQ(login->token.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(login->principal.user, "carl");
  EXPECT_EQ(login->principal.role, Role::kClinician);
  EXPECT_EQ(login->principal.practices, std::vector<std::string>{"P84001"});
  EXPECT_EQ(login->expires_unix, now_ + 3600);
  EXPECT_EQ(login->principal.session_id, ToHex(Sha256Of("sid:" + login->token)).substr(0, 12));
  auto stored = store_->GetSession(ToHex(Sha256Of(login->token)));
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->session_id, login->principal.session_id);
  EXPECT_FALSE(store_->GetSession(login->token)->has_value());  // the token itself is not a key

  auto again = identity_->Login("carl", "correct horse battery");
  ASSERT_TRUE(again.ok());
  EXPECT_NE(again->token, login->token);
}

TEST_F(IdentityTest, WrongPasswordAndUnknownUserGetTheSameRefusal) {
  auto wrong = identity_->Login("carl", "wrong horse battery");
  auto unknown = identity_->Login("nobody", "correct horse battery");
  ASSERT_FALSE(wrong.ok());
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(wrong.status().code(), StatusCode::kRefused);
  EXPECT_EQ(unknown.status().code(), StatusCode::kRefused);
  EXPECT_EQ(wrong.status().message(), unknown.status().message());
  EXPECT_EQ(wrong.status().message().find("horse"), std::string::npos);
}

TEST_F(IdentityTest, DisabledUserCannotLogIn) {
  auto carl = store_->GetUser("carl");
  ASSERT_TRUE(carl.ok() && carl->has_value());
  UserRecord disabled = **carl;
  disabled.disabled = true;
  ASSERT_TRUE(store_->PutUser(disabled).ok());
  EXPECT_EQ(identity_->Login("carl", "correct horse battery").status().code(), StatusCode::kRefused);
}

TEST_F(IdentityTest, ActivityKeepsASessionUntilItsIdleTimeout) {
  auto login = identity_->Login("carl", "correct horse battery");
  ASSERT_TRUE(login.ok());
  for (int i = 0; i < 3; ++i) {
    now_ += 599;  // under the 600 s idle timeout each time
    auto p = identity_->Authenticate(login->token);
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    EXPECT_EQ(p->user, "carl");
    EXPECT_EQ(p->session_id, login->principal.session_id);
  }
  now_ += 600;
  EXPECT_EQ(identity_->Authenticate(login->token).status().code(), StatusCode::kRefused);
  EXPECT_FALSE(store_->GetSession(ToHex(Sha256Of(login->token)))->has_value());  // deleted
}

TEST_F(IdentityTest, AbsoluteTimeoutEndsEvenAnActiveSession) {
  auto login = identity_->Login("carl", "correct horse battery");
  ASSERT_TRUE(login.ok());
  for (int i = 0; i < 7; ++i) {  // used every 500 s up to 3,500 s: never idle
    now_ += 500;
    EXPECT_TRUE(identity_->Authenticate(login->token).ok()) << "at " << (i + 1) * 500 << " s";
  }
  // At 3,600 s the absolute timeout ends it.
  now_ = 1'700'000'000 + 3600;
  EXPECT_EQ(identity_->Authenticate(login->token).status().code(), StatusCode::kRefused);
  EXPECT_FALSE(store_->GetSession(ToHex(Sha256Of(login->token)))->has_value());
}

TEST_F(IdentityTest, LogoutAndUserRemovalEndSessions) {
  auto a = identity_->Login("carl", "correct horse battery");
  auto b = identity_->Login("carl", "correct horse battery");
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE(identity_->Logout(a->token).ok());
  EXPECT_EQ(identity_->Authenticate(a->token).status().code(), StatusCode::kRefused);
  EXPECT_TRUE(identity_->Authenticate(b->token).ok());
  ASSERT_TRUE(store_->DeleteUser("carl").ok());
  EXPECT_EQ(identity_->Authenticate(b->token).status().code(), StatusCode::kRefused);
}

TEST_F(IdentityTest, MalformedTokensAreRefused) {
  EXPECT_EQ(identity_->Authenticate("").status().code(), StatusCode::kRefused);
  EXPECT_EQ(identity_->Authenticate("abc").status().code(), StatusCode::kRefused);
  EXPECT_EQ(identity_->Authenticate(std::string(64, 'g')).status().code(), StatusCode::kRefused);
  EXPECT_EQ(identity_->Authenticate(std::string(64, '0')).status().code(), StatusCode::kRefused);
}

TEST_F(IdentityTest, LoginClearsSessionsThatExpiredUnused) {
  auto old = identity_->Login("carl", "correct horse battery");
  ASSERT_TRUE(old.ok());
  now_ += 601;
  ASSERT_TRUE(identity_->Login("carl", "correct horse battery").ok());
  EXPECT_FALSE(store_->GetSession(ToHex(Sha256Of(old->token)))->has_value());
}

}  // namespace
}  // namespace icb::server
