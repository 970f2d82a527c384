// The HTTP API end to end: an in-process server on 127.0.0.1 (any free port) over the synthetic ICB
// of tests/synth/synth_fixture.h (ingested and published here, with a small risk model trained on
// it), four users made through Identity, and httplib::Client requests. Checks the whole role x route
// matrix from the route table (docs/reference/api.md), object-level access for case finding, one
// audit entry per person-level read and none when the audit store fails, 401/403/413/429 answers,
// generic errors, exports, OpenAPI, disclosure control of every aggregate response
// (governance::VerifyDisclosure) and a forecast job run to the end.
#include "server/api_server.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include <nlohmann/json.hpp>

#include "context/segmentation.h"
#include "governance/disclosure.h"
#include "ingest/contract_reader.h"
#include "ingest/publish.h"
#include "model/model_card.h"
#include "report/json_writer.h"
#include "risk/risk_pipeline.h"
#include "server/access_policy.h"
#include "server/app_store.h"
#include "server/egress.h"
#include "server/identity.h"
#include "server/service.h"
#include "tests/synth/synth_fixture.h"

namespace icb::server {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// An AppStore that passes everything to a real one, except that audit appends can be made to fail.
class FlakyStore : public AppStore {
 public:
  explicit FlakyStore(std::unique_ptr<AppStore> inner) : inner_(std::move(inner)) {}
  std::atomic<bool> fail_audit{false};
  std::string Describe() const override { return inner_->Describe(); }
  Status PutUser(const UserRecord& u) override { return inner_->PutUser(u); }
  Result<std::optional<UserRecord>> GetUser(std::string_view n) override { return inner_->GetUser(n); }
  Result<std::vector<UserRecord>> ListUsers() override { return inner_->ListUsers(); }
  Status DeleteUser(std::string_view n) override { return inner_->DeleteUser(n); }
  Status PutSession(const SessionRecord& s) override { return inner_->PutSession(s); }
  Result<std::optional<SessionRecord>> GetSession(std::string_view h) override { return inner_->GetSession(h); }
  Status TouchSession(std::string_view h, int64_t now) override { return inner_->TouchSession(h, now); }
  Status DeleteSession(std::string_view h) override { return inner_->DeleteSession(h); }
  Result<AuditEntry> AppendAudit(AuditEntry e) override {
    if (fail_audit) return Status::IoError("test: the audit store is down");
    return inner_->AppendAudit(std::move(e));
  }
  Result<std::vector<AuditEntry>> ReadAudit(int64_t from, int64_t limit) override { return inner_->ReadAudit(from, limit); }
  Result<AuditHead> ReadAuditHead() override { return inner_->ReadAuditHead(); }
  Status DeleteExpiredSessions(int64_t a, int64_t b) override { return inner_->DeleteExpiredSessions(a, b); }
  Status PutObject(const SavedObject& o) override { return inner_->PutObject(o); }
  Result<std::optional<SavedObject>> GetObject(std::string_view k, std::string_view n) override {
    return inner_->GetObject(k, n);
  }
  Result<std::vector<SavedObject>> ListObjects(std::string_view k) override { return inner_->ListObjects(k); }
  Status DeleteObject(std::string_view k, std::string_view n) override { return inner_->DeleteObject(k, n); }

 private:
  std::unique_ptr<AppStore> inner_;
};

constexpr char kPassword[] = "correct horse battery";

struct World {
  std::string dir, practice, dataset;
  std::unique_ptr<FlakyStore> store;
  std::unique_ptr<Identity> identity;
  std::unique_ptr<Egress> egress;
  std::unique_ptr<Service> service;
  std::unique_ptr<ApiServer> server;
  std::map<Role, std::string> user;   // role -> user name
};

World* g_world = nullptr;

class ApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    setenv("ICB_ARGON2_TEST_COST", "1", 1);
    auto w = std::make_unique<World>();
    const fs::path exe = fs::read_symlink("/proc/self/exe");
    w->dir = (exe.parent_path() / ("api_test_" + std::to_string(::getpid()))).string();
    fs::remove_all(w->dir);
    fs::create_directories(w->dir);
    // The fixture ICB ingested and published, with a tiny risk model (few shallow trees: enough for
    // the evaluation report and case finding), made once beside the fixture and shared by the test
    // processes of this binary (ctest runs each test in a process of its own).
    const auto& fx = synth::testing::SharedFixture();
    const fs::path shared = fs::path(fx.out).parent_path() / "api_world";
    if (!fs::exists(shared / "done")) {
      const fs::path tmp = fs::path(fx.out).parent_path() / ("api_world.tmp" + std::to_string(::getpid()));
      fs::remove_all(tmp);
      IngestReport report;
      DataQuality dq;
      auto ds = ReadContract(fx.out, HmacKey::FromBytes(std::string(32, 'k')), report, dq);
      ASSERT_TRUE(ds.ok()) << ds.status().ToString();
      auto pub = PublishIngest((tmp / "dataset").string(), *ds, report, dq);
      ASSERT_TRUE(pub.ok()) << pub.status().ToString();
      auto config = LoadDefaultScoringConfig();
      ASSERT_TRUE(config.ok());
      risk::TrainOptions to;
      to.gbm.rounds = 20;
      to.gbm.max_depth = 3;
      auto card = risk::TrainRiskModel(*ds, *config, to);
      ASSERT_TRUE(card.ok()) << card.status().ToString();
      ASSERT_TRUE(model::SaveModelCard(*card, (tmp / "model.json").string()).ok());
      std::ofstream(tmp / "done") << "ok\n";
      std::error_code ec;
      fs::rename(tmp, shared, ec);
      if (ec) fs::remove_all(tmp);  // another test process got there first
    }
    w->dataset = (shared / "dataset").string();

    auto store = OpenAppStore("sqlite:" + w->dir + "/app.db");
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    w->store = std::make_unique<FlakyStore>(std::move(*store));
    w->identity = std::make_unique<Identity>(*w->store, SessionPolicy{});
    w->egress = std::make_unique<Egress>(governance::StandardPolicy());
    ServiceOptions so;
    so.dataset_dir = w->dataset;
    so.model_path = (shared / "model.json").string();
    so.work_dir = w->dir + "/scenarios";
    so.secret = HmacKey::FromBytes(std::string(32, 's'));
    Egress* egress = w->egress.get();
    auto service = Service::Open(so, [egress](report::Report r) { return egress->Release(std::move(r)); });
    ASSERT_TRUE(service.ok()) << service.status().ToString();
    w->service = std::move(*service);
    w->practice = std::string(w->service->dataset().practices.code.Get(0));
    for (Role role : kAllRoles) {
      const std::string name = "u_" + std::string(RoleName(role));
      std::vector<std::string> practices;
      if (role == Role::kClinician) practices = {w->practice};
      ASSERT_TRUE(w->identity->AddUser(name, kPassword, role, practices).ok());
      w->user[role] = name;
    }
    ApiServerOptions o;
    o.port = 0;
    o.tmp_dir = w->dir;
    o.rate = {1000, 1000};  // the rate limit has its own test
    w->server = std::make_unique<ApiServer>(*w->service, *w->store, *w->identity, o);
    ASSERT_TRUE(w->server->Start().ok());
    g_world = w.release();
  }

  static void TearDownTestSuite() {
    if (g_world == nullptr) return;
    g_world->server->Stop();
    const std::string dir = g_world->dir;
    delete g_world;
    g_world = nullptr;
    fs::remove_all(dir);
  }

  void SetUp() override { ASSERT_NE(g_world, nullptr) << "the suite's set-up failed"; }

  World& w() { return *g_world; }
  httplib::Client Client() {
    httplib::Client c("127.0.0.1", w().server->port());
    c.set_read_timeout(120, 0);
    return c;
  }
  std::string Login(Role role) {
    auto c = Client();
    auto r = c.Post("/api/login", json{{"user", w().user[role]}, {"password", kPassword}}.dump(), "application/json");
    EXPECT_TRUE(r && r->status == 200);
    if (!r || r->status != 200) return "";
    return json::parse(r->body)["token"].get<std::string>();
  }
  httplib::Headers Auth(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }
  int64_t AuditCount() {
    auto e = w().store->ReadAudit(1, 1000000);
    EXPECT_TRUE(e.ok());
    return e.ok() ? static_cast<int64_t>(e->size()) : -1;
  }
  AuditEntry LastAudit() {
    auto e = w().store->ReadAudit(1, 1000000);
    EXPECT_TRUE(e.ok() && !e->empty());
    return e.ok() && !e->empty() ? e->back() : AuditEntry{};
  }
  // Waits for a job to finish; the progress values seen, in order.
  json WaitJob(const std::string& token, const std::string& id, std::vector<double>& progress) {
    auto c = Client();
    json j;
    for (int i = 0; i < 2400; ++i) {
      auto r = c.Get(("/api/jobs/" + id).c_str(), Auth(token));
      EXPECT_TRUE(r && r->status == 200);
      if (!r) return j;
      j = json::parse(r->body);
      progress.push_back(j["progress"].get<double>());
      if (j["state"] == "done" || j["state"] == "failed") return j;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return j;
  }
};

// A concrete request for each route: its path with {name} segments filled and a body.
struct Probe {
  std::string path, body;
};
Probe ProbeFor(const Route& r, Role role, const std::string& practice) {
  Probe p;
  p.path = r.pattern;
  auto fill = [&](const std::string& seg, const std::string& value) {
    const size_t at = p.path.find(seg);
    if (at != std::string::npos) p.path.replace(at, seg.size(), value);
  };
  fill("{name}", r.id == "scenarios.put" ? "matrix_" + std::string(RoleName(role))
                 : r.id == "admin.users.delete" ? "nobody_here"
                                                : "baseline");
  fill("{id}", "000000000000000000000000");
  if (r.id == "casefind") p.path += "?practice=" + practice + "&top=5";
  if (r.id == "reports.forecast") p.path += "?job=000000000000000000000000";
  if (r.id == "reports.indicators") p.path += "?ids=em_adm&by=imd_quintile";
  if (r.id == "scenarios.put") p.body = json{{"inherits", "baseline.json"}, {"name", "matrix"}}.dump();
  if (r.id == "jobs.forecast") p.body = json{{"scenario", "baseline"}, {"runs", 2}}.dump();
  if (r.id == "admin.users.add") {
    p.body = json{{"name", "made_by_" + std::string(RoleName(role))}, {"password", kPassword}, {"role", "analyst"}}.dump();
  }
  return p;
}

httplib::Result Send(httplib::Client& c, const std::string& method, const Probe& p, const httplib::Headers& h) {
  if (method == "GET") return c.Get(p.path.c_str(), h);
  if (method == "POST") return c.Post(p.path.c_str(), h, p.body, "application/json");
  if (method == "PUT") return c.Put(p.path.c_str(), h, p.body, "application/json");
  return c.Delete(p.path.c_str(), h);
}

TEST_F(ApiTest, EveryRoleOnEveryRouteIsAllowedOrForbiddenAsTheTableSays) {
  std::map<Role, std::string> token;
  for (Role role : kAllRoles) token[role] = Login(role);
  auto c = Client();
  size_t checked = 0;
  for (const Route& r : Routes()) {
    if (r.public_route) continue;
    for (Role role : kAllRoles) {
      // Logout ends the session: check it with a session of its own.
      const std::string t = r.id == "logout" ? Login(role) : token[role];
      const Probe p = ProbeFor(r, role, w().practice);
      auto res = Send(c, r.method, p, Auth(t));
      ASSERT_TRUE(res) << r.id;
      const bool allowed = r.Allows(role);
      if (allowed) {
        EXPECT_NE(res->status, 403) << r.id << " as " << RoleName(role) << ": " << res->body;
        EXPECT_NE(res->status, 401) << r.id << " as " << RoleName(role);
        EXPECT_LT(res->status, 500) << r.id << " as " << RoleName(role) << ": " << res->body;
      } else {
        EXPECT_EQ(res->status, 403) << r.id << " as " << RoleName(role) << ": " << res->body;
      }
      ++checked;
    }
    // No token, and a made-up token: 401.
    const Probe p = ProbeFor(r, Role::kAdmin, w().practice);
    auto none = Send(c, r.method, p, {});
    ASSERT_TRUE(none);
    EXPECT_EQ(none->status, 401) << r.id;
    auto bad = Send(c, r.method, p, Auth(std::string(64, 'a')));
    ASSERT_TRUE(bad);
    EXPECT_EQ(bad->status, 401) << r.id;
  }
  EXPECT_EQ(checked, 4u * (Routes().size() - 3));  // every non-public route, every role
  // The route table is the one in docs/reference/api.md: 25 routes, and the two live routes (h5).
  EXPECT_EQ(Routes().size(), 27u);
}

TEST_F(ApiTest, MeListsTheEndpointsOfTheRole) {
  auto c = Client();
  auto r = c.Get("/api/me", Auth(Login(Role::kClinician)));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  const json j = json::parse(r->body);
  EXPECT_EQ(j["role"], "clinician");
  EXPECT_EQ(j["practices"], json::array({w().practice}));
  const auto ids = j["endpoints"].get<std::vector<std::string>>();
  EXPECT_NE(std::find(ids.begin(), ids.end(), "casefind"), ids.end());
  EXPECT_EQ(std::find(ids.begin(), ids.end(), "reports.providers"), ids.end());  // api.md: clinician no
}

TEST_F(ApiTest, CookieAuthenticatesToo) {
  const std::string t = Login(Role::kAnalyst);
  auto c = Client();
  auto r = c.Get("/api/me", {{"Cookie", "theme=dark; icb_session=" + t}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(ApiTest, ClinicianAskingForAnotherPracticeIsForbiddenAndAudited) {
  const std::string t = Login(Role::kClinician);
  const std::string other = std::string(w().service->dataset().practices.code.Get(1));
  ASSERT_NE(other, w().practice);
  const int64_t before = AuditCount();
  auto c = Client();
  auto r = c.Get(("/api/casefind?practice=" + other).c_str(), Auth(t));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(r->body.find("pseudonym"), std::string::npos);
  EXPECT_EQ(AuditCount(), before + 1);
  const AuditEntry e = LastAudit();
  EXPECT_EQ(e.action, "casefind.denied");
  EXPECT_EQ(e.scope, "practice:" + other);
  EXPECT_EQ(e.rows, 0);
  EXPECT_EQ(e.user, w().user[Role::kClinician]);
}

TEST_F(ApiTest, OtherRolesAskingForACaseFindingListAreForbiddenAndAudited) {
  for (Role role : {Role::kAnalyst, Role::kFinance, Role::kAdmin}) {
    const std::string t = Login(role);
    const int64_t before = AuditCount();
    auto c = Client();
    auto r = c.Get(("/api/casefind?practice=" + w().practice).c_str(), Auth(t));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 403) << RoleName(role);
    EXPECT_EQ(AuditCount(), before + 1);
    EXPECT_EQ(LastAudit().action, "casefind.denied");
    EXPECT_EQ(LastAudit().rows, 0);
  }
}

TEST_F(ApiTest, EachPersonLevelReadWritesExactlyOneAuditEntryBeforeTheRows) {
  const std::string t = Login(Role::kClinician);
  auto c = Client();
  for (int top : {5, 12}) {
    const int64_t before = AuditCount();
    auto r = c.Get(("/api/casefind?practice=" + w().practice + "&top=" + std::to_string(top)).c_str(), Auth(t));
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    const json j = json::parse(r->body);
    EXPECT_EQ(AuditCount(), before + 1);
    const AuditEntry e = LastAudit();
    EXPECT_EQ(e.action, "casefind.list");
    EXPECT_EQ(e.scope, "practice:" + w().practice);
    EXPECT_EQ(e.rows, static_cast<int64_t>(j["rows"].size()));
    EXPECT_LE(j["rows"].size(), static_cast<size_t>(top));
    EXPECT_GT(j["rows"].size(), 0u);
    EXPECT_EQ(j["audit_seq"].get<int64_t>(), e.seq);
    EXPECT_EQ(json::parse(e.detail)["top"], top);
    EXPECT_EQ(e.request_id, r->get_header_value("X-Request-Id"));
    // The entry holds no patient-level value: no pseudonym of the list appears in it.
    for (const auto& row : j["rows"]) {
      EXPECT_EQ(e.detail.find(row["pseudonym"].get<std::string>()), std::string::npos);
    }
  }
}

TEST_F(ApiTest, FailingAuditStoreGives500AndNoRows) {
  const std::string t = Login(Role::kClinician);
  const int64_t before = AuditCount();
  w().store->fail_audit = true;
  auto c = Client();
  auto r = c.Get(("/api/casefind?practice=" + w().practice).c_str(), Auth(t));
  w().store->fail_audit = false;
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  const json j = json::parse(r->body);
  EXPECT_FALSE(j.contains("rows"));
  EXPECT_EQ(j["error"], "internal error");
  EXPECT_EQ(r->body.find("pseudonym"), std::string::npos);
  EXPECT_EQ(AuditCount(), before);
}

TEST_F(ApiTest, LoginAndFailedLoginAreAudited) {
  const int64_t before = AuditCount();
  auto c = Client();
  auto bad = c.Post("/api/login", json{{"user", "u_analyst"}, {"password", "not the password"}}.dump(), "application/json");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 401);
  AuditEntry e = LastAudit();
  EXPECT_EQ(e.action, "login.failed");
  EXPECT_EQ(e.user, "u_analyst");
  EXPECT_EQ(e.detail.find("not the password"), std::string::npos);
  Login(Role::kAnalyst);
  EXPECT_EQ(LastAudit().action, "login");
  EXPECT_EQ(AuditCount(), before + 2);
}

TEST_F(ApiTest, BurstGives429WithRetryAfter) {
  ApiServerOptions o;
  o.port = 0;
  o.rate = {/*rate=*/0.5, /*burst=*/3};
  ApiServer limited(*w().service, *w().store, *w().identity, o);
  ASSERT_TRUE(limited.Start().ok());
  httplib::Client c("127.0.0.1", limited.port());
  std::vector<int> codes;
  std::string retry_after, body;
  for (int i = 0; i < 4; ++i) {
    auto r = c.Get("/api/health");
    ASSERT_TRUE(r);
    codes.push_back(r->status);
    retry_after = r->get_header_value("Retry-After");
    body = r->body;
  }
  EXPECT_EQ(codes, (std::vector<int>{200, 200, 200, 429}));
  ASSERT_FALSE(retry_after.empty());
  const int retry = std::stoi(retry_after);
  EXPECT_GE(retry, 1);
  EXPECT_LE(retry, 2);  // one token at 0.5 a second
  EXPECT_EQ(json::parse(body)["error"], "too many requests");
  limited.Stop();
}

TEST_F(ApiTest, BodyOver64KiBGives413) {
  auto c = Client();
  auto r = c.Post("/api/login", std::string(70 * 1024, 'x'), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  const json j = json::parse(r->body);
  EXPECT_TRUE(j.contains("request_id"));
  EXPECT_FALSE(r->get_header_value("X-Request-Id").empty());
}

TEST_F(ApiTest, ErrorsAreGenericAndCarryNoPaths) {
  const std::string t = Login(Role::kAdmin);
  auto c = Client();
  const std::vector<std::pair<std::string, Probe>> bad = {
      {"GET", {"/api/scenarios/no_such_scenario", ""}},
      {"GET", {"/api/reports/indicators?ids=no_such_indicator", ""}},
      {"GET", {"/api/reports/indicators?period=last+tuesday", ""}},
      {"GET", {"/api/reports/segments?as_at=yesterday", ""}},
      {"GET", {"/api/reports/profile?format=csv&table=../../etc/passwd", ""}},
      {"GET", {"/api/no/such/route", ""}},
      {"PUT", {"/api/scenarios/evil", json{{"inherits", "../../../etc/passwd"}}.dump()}},
      {"PUT", {"/api/scenarios/evil2", json{{"runs", "many"}, {"name", "x"}}.dump()}},
      {"PUT", {"/api/scenarios/evil3", "{not json"}},
      {"POST", {"/api/jobs/forecast", json{{"scenario", "/etc/passwd"}}.dump()}},
  };
  for (const auto& [method, probe] : bad) {
    auto r = Send(c, method, probe, Auth(t));
    ASSERT_TRUE(r) << probe.path;
    EXPECT_GE(r->status, 400) << probe.path;
    EXPECT_LT(r->status, 500) << probe.path << ": " << r->body;
    const json j = json::parse(r->body);
    ASSERT_TRUE(j.contains("error")) << probe.path;
    EXPECT_FALSE(j["request_id"].get<std::string>().empty());
    for (const std::string& leak : {w().dir, std::string("/work/"), std::string("/tmp/"), std::string("/home/"),
                                    std::string("/usr/"), std::string(".cc"), std::string("what()")}) {
      EXPECT_EQ(r->body.find(leak), std::string::npos) << probe.path << ": " << r->body;
    }
  }
  auto m = c.Delete("/api/reports/profile", Auth(t));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->status, 405);
}

TEST_F(ApiTest, ServesTheDashboardWithIndexFallbackAndNothingOutsideIt) {
  const fs::path web = fs::path(w().dir) / "web";
  fs::create_directories(web / "assets");
  std::ofstream(web / "index.html") << "<!doctype html><title>icb</title>";
  std::ofstream(web / "assets" / "app.js") << "console.log(1);";
  std::ofstream(fs::path(w().dir) / "outside.txt") << "secret";
  ApiServerOptions o;
  o.port = 0;
  o.web_dir = web.string();
  ApiServer site(*w().service, *w().store, *w().identity, o);
  ASSERT_TRUE(site.Start().ok());
  httplib::Client c("127.0.0.1", site.port());
  auto index = c.Get("/");
  ASSERT_TRUE(index);
  EXPECT_EQ(index->status, 200);
  EXPECT_NE(index->body.find("<title>icb</title>"), std::string::npos);
  auto js = c.Get("/assets/app.js");
  ASSERT_TRUE(js);
  EXPECT_EQ(js->status, 200);
  EXPECT_EQ(js->get_header_value("Content-Type").rfind("text/javascript", 0), 0u);
  auto route = c.Get("/reports/profile");  // a route of the single-page app
  ASSERT_TRUE(route);
  EXPECT_EQ(route->status, 200);
  EXPECT_NE(route->body.find("<title>icb</title>"), std::string::npos);
  for (const char* path : {"/../outside.txt", "/assets/../../outside.txt", "/%2e%2e/outside.txt"}) {
    auto r = c.Get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->body.find("secret"), std::string::npos) << path;
  }
  EXPECT_EQ(index->get_header_value("Content-Security-Policy").rfind("default-src 'self'", 0), 0u);
  site.Stop();
}

TEST_F(ApiTest, SecurityHeadersOnEveryResponse) {
  auto c = Client();
  for (const char* path : {"/api/health", "/api/me", "/api/nowhere"}) {
    auto r = c.Get(path);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->get_header_value("Content-Security-Policy").rfind("default-src 'self'", 0), 0u) << path;
    EXPECT_EQ(r->get_header_value("X-Content-Type-Options"), "nosniff") << path;
    EXPECT_EQ(r->get_header_value("Cache-Control"), "no-store") << path;
    EXPECT_EQ(r->get_header_value("X-Request-Id").size(), 16u) << path;
  }
}

TEST_F(ApiTest, CsvAndXlsxExportsCarryTheSameTables) {
  const std::string t = Login(Role::kAnalyst);
  auto c = Client();
  auto j = c.Get("/api/reports/profile", Auth(t));
  ASSERT_TRUE(j && j->status == 200);
  auto report = report::ReportFromJsonText(j->body);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  const report::Table* practices = report->Find("practices");
  ASSERT_NE(practices, nullptr);
  auto csv = c.Get("/api/reports/profile?format=csv&table=practices", Auth(t));
  ASSERT_TRUE(csv);
  ASSERT_EQ(csv->status, 200);
  EXPECT_EQ(csv->get_header_value("Content-Type").rfind("text/csv", 0), 0u);
  const std::string header = csv->body.substr(0, csv->body.find('\n'));
  std::string expected;
  for (const auto& col : practices->columns()) expected += (expected.empty() ? "" : ",") + col.name;
  EXPECT_EQ(header, expected);
  EXPECT_EQ(static_cast<size_t>(std::count(csv->body.begin(), csv->body.end(), '\n')), practices->row_count() + 1);
  auto missing = c.Get("/api/reports/profile?format=csv", Auth(t));
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 400);
  auto xlsx = c.Get("/api/reports/profile?format=xlsx", Auth(t));
  ASSERT_TRUE(xlsx);
  ASSERT_EQ(xlsx->status, 200);
  EXPECT_EQ(xlsx->body.substr(0, 2), "PK");  // a zip container (ECMA-376 Part 2, Open Packaging Conventions)
  EXPECT_GT(xlsx->body.size(), 1000u);
}

TEST_F(ApiTest, OpenApiListsEveryRoute) {
  auto c = Client();
  auto r = c.Get("/api/openapi.json");
  ASSERT_TRUE(r && r->status == 200);
  const json doc = json::parse(r->body);
  EXPECT_EQ(doc["openapi"], "3.1.0");
  size_t operations = 0;
  for (const auto& [path, methods] : doc["paths"].items()) operations += methods.size();
  EXPECT_EQ(operations, Routes().size());
  for (const Route& route : Routes()) {
    std::string method = route.method;
    for (char& ch : method) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    ASSERT_TRUE(doc["paths"].contains(route.pattern)) << route.pattern;
    ASSERT_TRUE(doc["paths"][route.pattern].contains(method)) << route.id;
    EXPECT_EQ(doc["paths"][route.pattern][method]["operationId"], route.id);
  }
}

TEST_F(ApiTest, EveryAggregateResponsePassesDisclosureControl) {
  const std::string t = Login(Role::kAdmin);
  auto c = Client();
  size_t reports = 0;
  for (const Route& route : Routes()) {
    if (!route.report || route.id == "reports.forecast") continue;  // the forecast: in the job test
    const Probe p = ProbeFor(route, Role::kAdmin, w().practice);
    auto r = c.Get(p.path.c_str(), Auth(t));
    ASSERT_TRUE(r) << route.id;
    ASSERT_EQ(r->status, 200) << route.id << ": " << r->body;
    auto report = report::ReportFromJsonText(r->body);
    ASSERT_TRUE(report.ok()) << route.id << ": " << report.status().ToString();
    EXPECT_FALSE(report->tables.empty()) << route.id;
    // Passed the egress (the policy is recorded); the quality tables hold row counts of files, not counts of people.
    EXPECT_FALSE(report->disclosure.empty()) << route.id;
    if (route.id != "reports.quality") {
      EXPECT_TRUE(report::HasCounts(*report)) << route.id;
    }
    const Status st = governance::VerifyDisclosure(*report, governance::StandardPolicy());
    EXPECT_TRUE(st.ok()) << route.id << ": " << st.ToString();
    ++reports;
  }
  EXPECT_EQ(reports, 7u);
  // A repeated request is served from the cache: the same bytes.
  auto a = c.Get("/api/reports/variation", Auth(t));
  auto b = c.Get("/api/reports/variation", Auth(t));
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->body, b->body);
  auto v = report::ReportFromJsonText(a->body);
  ASSERT_TRUE(v.ok());
  EXPECT_NE(v->Find("spc_monthly"), nullptr);
}

TEST_F(ApiTest, ForecastJobRunsToDoneWithProgress) {
  const std::string t = Login(Role::kFinance);
  auto c = Client();
  // A saved scenario that inherits from a built-in one, then a job that compares it with the baseline.
  auto put = c.Put("/api/scenarios/fewer_runs", Auth(t),
                   json{{"inherits", "baseline.json"}, {"name", "fewer_runs"}, {"runs", 3}}.dump(), "application/json");
  ASSERT_TRUE(put);
  ASSERT_EQ(put->status, 200) << put->body;
  auto list = c.Get("/api/scenarios", Auth(t));
  ASSERT_TRUE(list && list->status == 200);
  EXPECT_NE(list->body.find("\"fewer_runs\""), std::string::npos);
  auto post = c.Post("/api/jobs/forecast", Auth(t), json{{"scenario", "fewer_runs"}, {"compare", "baseline"}, {"runs", 3}}.dump(),
                     "application/json");
  ASSERT_TRUE(post);
  ASSERT_EQ(post->status, 202) << post->body;
  const std::string id = json::parse(post->body)["job"];
  std::vector<double> progress;
  const json done = WaitJob(t, id, progress);
  ASSERT_EQ(done["state"], "done") << done.dump();
  EXPECT_EQ(done["progress"], 1.0);
  EXPECT_TRUE(std::is_sorted(progress.begin(), progress.end()));
  // Another user's job is not found (not even its existence is told); an admin may see it.
  auto other = c.Get(("/api/jobs/" + id).c_str(), Auth(Login(Role::kAnalyst)));
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 404);
  auto admin = c.Get(("/api/jobs/" + id).c_str(), Auth(Login(Role::kAdmin)));
  ASSERT_TRUE(admin);
  EXPECT_EQ(admin->status, 200);
  auto r = c.Get(("/api/reports/forecast?job=" + id).c_str(), Auth(t));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body.substr(0, 300);
  auto report = report::ReportFromJsonText(r->body);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  const Status st = governance::VerifyDisclosure(*report, governance::StandardPolicy());
  EXPECT_TRUE(st.ok()) << st.ToString();
}

TEST_F(ApiTest, AdminAddsListsAndRemovesUsersAndVerifiesTheAudit) {
  const std::string t = Login(Role::kAdmin);
  auto c = Client();
  auto add = c.Post("/api/admin/users", Auth(t),
                    json{{"name", "temp_user"}, {"password", kPassword}, {"role", "finance"}}.dump(), "application/json");
  ASSERT_TRUE(add);
  EXPECT_EQ(add->status, 201) << add->body;
  auto list = c.Get("/api/admin/users", Auth(t));
  ASSERT_TRUE(list && list->status == 200);
  EXPECT_NE(list->body.find("temp_user"), std::string::npos);
  EXPECT_EQ(list->body.find("argon2"), std::string::npos);  // no password hashes
  auto del = c.Delete("/api/admin/users/temp_user", Auth(t));
  ASSERT_TRUE(del);
  EXPECT_EQ(del->status, 204);
  auto verify = c.Get("/api/admin/audit/verify", Auth(t));
  ASSERT_TRUE(verify && verify->status == 200);
  const json v = json::parse(verify->body);
  EXPECT_TRUE(v["ok"].get<bool>()) << v.dump();
  EXPECT_GT(v["entries"].get<int64_t>(), 0);
  auto audit = c.Get("/api/admin/audit?from=1&limit=3", Auth(t));
  ASSERT_TRUE(audit && audit->status == 200);
  EXPECT_EQ(json::parse(audit->body)["entries"].size(), 3u);  // at least 4 entries exist: login, add, delete, verify
}

#ifdef ICB_BIN
// The command: `icb serve` on any free port prints where it listens, makes the state folder with a
// 32-byte secret readable by its owner only, answers, and exits 0 on SIGTERM.
TEST_F(ApiTest, IcbServeStartsAndStopsCleanlyOnSigterm) {
  const std::string state = w().dir + "/serve-state", out = w().dir + "/serve.out";
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    const int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(fd, 1);
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 2);
    ::execl(ICB_BIN, ICB_BIN, "--threads", "1", "serve", w().dataset.c_str(), "--port", "0", "--state", state.c_str(),
            "--web-dir", w().dir, static_cast<char*>(nullptr));
    ::_exit(127);
  }
  int port = 0;
  for (int i = 0; i < 600 && port == 0; ++i) {
    std::ifstream in(out);
    std::string line;
    if (std::getline(in, line) && line.rfind("icb serve: listening on http://127.0.0.1:", 0) == 0) {
      port = std::stoi(line.substr(line.rfind(':') + 1));
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  ASSERT_GT(port, 0) << "no 'listening on' line";
  httplib::Client c("127.0.0.1", port);
  auto r = c.Get("/api/health");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  ASSERT_EQ(::kill(pid, SIGTERM), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  const fs::path key = fs::path(state) / "secret.key";
  ASSERT_TRUE(fs::exists(key));
  EXPECT_EQ(fs::file_size(key), 32u);
  EXPECT_EQ(fs::status(key).permissions() & (fs::perms::group_all | fs::perms::others_all), fs::perms::none);
  EXPECT_TRUE(fs::exists(fs::path(state) / "app.db"));
}
#endif

}  // namespace
}  // namespace icb::server
