// One typed suite run on every AppStore backend: SQLite always, PostgreSQL when
// ICB_TEST_POSTGRES_URL names a server (scripts/with-postgres.sh starts a throwaway one and sets it).
#include "server/app_store.h"

#include <gtest/gtest.h>
#include <unistd.h>
#include <libpq-fe.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

namespace icb::server {
namespace {

struct SqliteBackend {
  static constexpr const char* kName = "sqlite";
  std::string dir;
  // A fresh store location; empty with `skip` set when the backend is unavailable.
  std::string Prepare(std::string& skip) {
    (void)skip;
    char tmpl[] = "/tmp/icb-app-store-test-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) return "";
    dir = tmpl;
    return "sqlite:" + dir + "/app.db";
  }
  ~SqliteBackend() {
    if (!dir.empty()) std::filesystem::remove_all(dir);
  }
};

struct PostgresBackend {
  static constexpr const char* kName = "postgresql";
  std::string Prepare(std::string& skip) {
    const char* url = std::getenv("ICB_TEST_POSTGRES_URL");
    if (url == nullptr || *url == '\0') {
      skip = "PostgreSQL tests skipped: ICB_TEST_POSTGRES_URL is not set (run them with scripts/with-postgres.sh)";
      return "";
    }
    // Each test gets a database of its own: ctest runs test processes in parallel on one cluster.
    static int counter = 0;
    const std::string db = "icb_test_" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
    PGconn* conn = PQconnectdb(url);
    if (PQstatus(conn) != CONNECTION_OK) {
      ADD_FAILURE() << "ICB_TEST_POSTGRES_URL is set but the server refuses: " << PQerrorMessage(conn);
      skip = "cannot connect";
      PQfinish(conn);
      return "";
    }
    PGresult* r = PQexec(conn, ("CREATE DATABASE " + db).c_str());
    const bool created = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    PQfinish(conn);
    if (!created) {
      ADD_FAILURE() << "cannot create the test database " << db;
      skip = "no test database";
      return "";
    }
    std::string base(url);
    const size_t slash = base.rfind('/');
    const size_t query = base.find('?', slash == std::string::npos ? 0 : slash);
    const std::string rest = query == std::string::npos ? "" : base.substr(query);
    return base.substr(0, slash + 1) + db + rest;
  }
};

template <typename Backend>
class AppStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string skip;
    url_ = backend_.Prepare(skip);
    if (url_.empty()) GTEST_SKIP() << skip;
    auto store = OpenAppStore(url_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
  }
  Backend backend_;
  std::string url_;
  std::unique_ptr<AppStore> store_;
};

using Backends = ::testing::Types<SqliteBackend, PostgresBackend>;
struct BackendNames {
  template <typename T>
  static std::string GetName(int) { return T::kName; }
};
TYPED_TEST_SUITE(AppStoreTest, Backends, BackendNames);

UserRecord User(const std::string& name, Role role, std::vector<std::string> practices = {}) {
  UserRecord u;
  u.name = name;
  u.role = role;
  u.practices = std::move(practices);
  u.password_hash = "$argon2id$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$aGFzaA";
  u.created_unix = 1700000000;
  return u;
}

TYPED_TEST(AppStoreTest, UsersRoundTripAndReplace) {
  AppStore& s = *this->store_;
  ASSERT_TRUE(s.PutUser(User("zoe", Role::kAnalyst)).ok());
  ASSERT_TRUE(s.PutUser(User("carl", Role::kClinician, {"P84001", "P84002"})).ok());
  auto carl = s.GetUser("carl");
  ASSERT_TRUE(carl.ok()) << carl.status().ToString();
  ASSERT_TRUE(carl->has_value());
  EXPECT_EQ((*carl)->role, Role::kClinician);
  EXPECT_EQ((*carl)->practices, (std::vector<std::string>{"P84001", "P84002"}));
  EXPECT_EQ((*carl)->created_unix, 1700000000);
  EXPECT_FALSE((*carl)->disabled);

  UserRecord changed = User("carl", Role::kFinance);
  changed.disabled = true;
  ASSERT_TRUE(s.PutUser(changed).ok());
  auto list = s.ListUsers();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].name, "carl");  // sorted by name
  EXPECT_EQ((*list)[0].role, Role::kFinance);
  EXPECT_TRUE((*list)[0].disabled);
  EXPECT_TRUE((*list)[0].practices.empty());
  EXPECT_EQ((*list)[1].name, "zoe");

  auto missing = s.GetUser("nobody");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
}

TYPED_TEST(AppStoreTest, DeletingAUserEndsTheirSessions) {
  AppStore& s = *this->store_;
  ASSERT_TRUE(s.PutUser(User("ann", Role::kAdmin)).ok());
  ASSERT_TRUE(s.PutSession({"hash-ann", "sid-ann", "ann", 100, 100}).ok());
  ASSERT_TRUE(s.PutSession({"hash-bob", "sid-bob", "bob", 100, 100}).ok());
  ASSERT_TRUE(s.DeleteUser("ann").ok());
  EXPECT_FALSE(s.GetUser("ann")->has_value());
  EXPECT_FALSE(s.GetSession("hash-ann")->has_value());
  EXPECT_TRUE(s.GetSession("hash-bob")->has_value());
}

TYPED_TEST(AppStoreTest, SessionsTouchDeleteAndExpire) {
  AppStore& s = *this->store_;
  ASSERT_TRUE(s.PutSession({"h1", "sid1", "ann", 1000, 1000}).ok());
  ASSERT_TRUE(s.PutSession({"h2", "sid2", "ann", 1000, 1000}).ok());
  ASSERT_TRUE(s.PutSession({"h3", "sid3", "ann", 500, 1900}).ok());
  ASSERT_TRUE(s.TouchSession("h1", 1800).ok());
  auto h1 = s.GetSession("h1");
  ASSERT_TRUE(h1.ok() && h1->has_value());
  EXPECT_EQ((*h1)->last_seen_unix, 1800);
  EXPECT_EQ((*h1)->created_unix, 1000);
  EXPECT_EQ((*h1)->session_id, "sid1");
  EXPECT_EQ((*h1)->user, "ann");
  // Idle before 1500 (h2) or created before 600 (h3) go.
  ASSERT_TRUE(s.DeleteExpiredSessions(1500, 600).ok());
  EXPECT_TRUE(s.GetSession("h1")->has_value());
  EXPECT_FALSE(s.GetSession("h2")->has_value());
  EXPECT_FALSE(s.GetSession("h3")->has_value());
  ASSERT_TRUE(s.DeleteSession("h1").ok());
  EXPECT_FALSE(s.GetSession("h1")->has_value());
}

TYPED_TEST(AppStoreTest, SavedObjectsRoundTrip) {
  AppStore& s = *this->store_;
  ASSERT_TRUE(s.PutObject({"scenario", "shift-to-community", "fin", R"({"name":"a"})", 10}).ok());
  ASSERT_TRUE(s.PutObject({"scenario", "baseline.v2", "fin", R"({"name":"b"})", 11}).ok());
  ASSERT_TRUE(s.PutObject({"report", "board-pack", "ann", "{}", 12}).ok());
  ASSERT_TRUE(s.PutObject({"scenario", "shift-to-community", "ann", R"({"name":"c"})", 13}).ok());
  auto got = s.GetObject("scenario", "shift-to-community");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->json, R"({"name":"c"})");
  EXPECT_EQ((*got)->owner, "ann");
  EXPECT_EQ((*got)->updated_unix, 13);
  auto list = s.ListObjects("scenario");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].name, "baseline.v2");
  EXPECT_TRUE((*list)[0].json.empty());
  ASSERT_TRUE(s.DeleteObject("scenario", "baseline.v2").ok());
  EXPECT_FALSE(s.GetObject("scenario", "baseline.v2")->has_value());
  EXPECT_EQ(s.PutObject({"secret", "x", "a", "{}", 1}).code(), StatusCode::kInvalidInput);
  EXPECT_EQ(s.PutObject({"report", "../etc/passwd", "a", "{}", 1}).code(), StatusCode::kInvalidInput);
}

AuditEntry Access(int i) {
  AuditEntry e;
  e.user = "carl";
  e.role = "clinician";
  e.session_id = "0123456789ab";
  e.action = "casefind.list";
  e.scope = "practice:P84001";
  e.detail = R"({"top":20})";
  e.rows = 20;
  e.request_id = "req-" + std::to_string(i);
  return e;
}

TYPED_TEST(AppStoreTest, AuditAppendsChainAndVerify) {
  AppStore& s = *this->store_;
  auto head0 = s.ReadAuditHead();
  ASSERT_TRUE(head0.ok()) << head0.status().ToString();
  EXPECT_EQ(head0->seq, 0);
  EXPECT_EQ(head0->hash, kGenesisHash);
  std::string prev = kGenesisHash;
  for (int i = 1; i <= 5; ++i) {
    auto e = s.AppendAudit(Access(i));
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    EXPECT_EQ(e->seq, i);
    EXPECT_EQ(e->prev_hash, prev);
    EXPECT_EQ(e->hash, ComputeAuditHash(*e));
    EXPECT_EQ(e->time.size(), 24u) << e->time;  // 2025-04-01T09:30:12.345Z
    prev = e->hash;
  }
  auto page = s.ReadAudit(3, 2);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[0].seq, 3);
  EXPECT_EQ((*page)[1].request_id, "req-4");
  auto head = s.ReadAuditHead();
  EXPECT_EQ(head->seq, 5);
  EXPECT_EQ(head->hash, prev);
  auto v = VerifyStoredAudit(s);
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->ok) << v->problem;
  EXPECT_EQ(v->entries, 5);
}

TYPED_TEST(AppStoreTest, ConcurrentAppendersNeverForkTheChain) {
  // 8 threads, each with its own connection to the same store, 50 appends each.
  constexpr int kThreads = 8, kPerThread = 50;
  std::vector<std::thread> threads;
  std::vector<std::string> errors(kThreads);
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      auto store = OpenAppStore(this->url_);
      if (!store.ok()) {
        errors[t] = store.status().ToString();
        return;
      }
      for (int i = 0; i < kPerThread; ++i) {
        auto e = (*store)->AppendAudit(Access(t * 1000 + i));
        if (!e.ok()) {
          errors[t] = e.status().ToString();
          return;
        }
      }
    });
  for (auto& th : threads) th.join();
  for (const auto& e : errors) EXPECT_EQ(e, "");
  auto v = VerifyStoredAudit(*this->store_);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_TRUE(v->ok) << v->problem;
  EXPECT_EQ(v->entries, kThreads * kPerThread);
  EXPECT_EQ(this->store_->ReadAuditHead()->seq, kThreads * kPerThread);
}

TYPED_TEST(AppStoreTest, ReopeningKeepsStateAndSchema) {
  ASSERT_TRUE(this->store_->PutUser(User("ann", Role::kAdmin)).ok());
  ASSERT_TRUE(this->store_->AppendAudit(Access(1)).ok());
  this->store_.reset();
  auto again = OpenAppStore(this->url_);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE((*again)->GetUser("ann")->has_value());
  EXPECT_EQ((*again)->ReadAuditHead()->seq, 1);
  EXPECT_EQ((*again)->Describe().find("password"), std::string::npos);
}

TEST(OpenAppStore, RefusesUnknownSchemesAndNonStores) {
  EXPECT_EQ(OpenAppStore("mysql://x/y").status().code(), StatusCode::kInvalidInput);
  EXPECT_EQ(OpenAppStore("sqlite:").status().code(), StatusCode::kInvalidInput);
  char tmpl[] = "/tmp/icb-app-store-test-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string path = std::string(tmpl) + "/not-a-db";
  {
    FILE* f = std::fopen(path.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs("this is not an SQLite database, just some text long enough to fill a header page.......", f);
    std::fclose(f);
  }
  auto bad = OpenAppStore(path);
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kCorrupt) << bad.status().ToString();
  std::filesystem::remove_all(tmpl);
}

TEST(OpenAppStore, SqliteFileIsOwnerOnly) {
  char tmpl[] = "/tmp/icb-app-store-test-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string path = std::string(tmpl) + "/app.db";
  ASSERT_TRUE(OpenAppStore(path).ok());
  const auto perms = std::filesystem::status(path).permissions();
  EXPECT_EQ(perms & (std::filesystem::perms::group_all | std::filesystem::perms::others_all),
            std::filesystem::perms::none);
  std::filesystem::remove_all(tmpl);
}

}  // namespace
}  // namespace icb::server
