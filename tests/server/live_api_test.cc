// The live API end to end: a small synthetic ICB made with the icb binary (ICB_BIN: synth, ingest
// with a key file), an in-process server with a LiveFeed polling STATE/live every 200 ms, and
// httplib::Client. Opens /api/live/stream, runs `icb append` and sees the new version arrive (the
// latency is printed, not asserted); /api/live/summary for every role, as JSON and CSV, passing
// disclosure control; the stream cap (503) and the streams ending when the server stops.
#include <gtest/gtest.h>
#include <httplib.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/date.h"
#include "governance/disclosure.h"
#include "report/json_writer.h"
#include "server/api_server.h"
#include "server/app_store.h"
#include "server/egress.h"
#include "server/identity.h"
#include "server/live_feed.h"
#include "server/service.h"

namespace icb::server {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr char kPassword[] = "correct horse battery";

struct LiveWorld {
  std::string dir, dataset, key, state;
  std::unique_ptr<AppStore> store;
  std::unique_ptr<Identity> identity;
  std::unique_ptr<Egress> egress;
  std::unique_ptr<Service> service;
  std::unique_ptr<LiveFeed> live;
  std::unique_ptr<ApiServer> server;
};
LiveWorld* g = nullptr;

int Sh(const std::string& cmd) { return std::system(cmd.c_str()); }

// An SSE reader on a thread of its own: records each event's id and arrival time.
class StreamReader {
 public:
  StreamReader(int port, std::string token) : client_("127.0.0.1", port), token_(std::move(token)) {
    client_.set_read_timeout(60, 0);
    thread_ = std::thread([this] {
      auto res = client_.Get("/api/live/stream", {{"Authorization", "Bearer " + token_}},
                             [this](const char* data, size_t n) {
                               std::lock_guard lock(mu_);
                               buffer_.append(data, n);
                               size_t end;
                               while ((end = buffer_.find("\n\n")) != std::string::npos) {
                                 const std::string event = buffer_.substr(0, end);
                                 buffer_.erase(0, end + 2);
                                 std::istringstream in(event);
                                 std::string line;
                                 while (std::getline(in, line)) {
                                   if (line.rfind("id: ", 0) == 0) {
                                     ids_.push_back(std::stoull(line.substr(4)));
                                     times_.push_back(Clock::now());
                                   }
                                   if (line.rfind("data: ", 0) == 0) last_data_ = line.substr(6);
                                 }
                               }
                               return !stop_;
                             });
      status_ = res ? res->status : -1;
      if (res) content_type_ = res->get_header_value("Content-Type");
      done_ = true;
    });
  }
  ~StreamReader() { Close(); }
  void Close() {
    stop_ = true;
    client_.stop();
    if (thread_.joinable()) thread_.join();
  }
  // Waits for an event with an id above `above`; its arrival time, or nullopt after `timeout`.
  std::optional<Clock::time_point> WaitId(uint64_t above, std::chrono::seconds timeout) {
    const auto until = Clock::now() + timeout;
    while (Clock::now() < until) {
      {
        std::lock_guard lock(mu_);
        for (size_t i = 0; i < ids_.size(); ++i)
          if (ids_[i] > above) return times_[i];
      }
      if (done_) return std::nullopt;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return std::nullopt;
  }
  uint64_t LastId() {
    std::lock_guard lock(mu_);
    return ids_.empty() ? 0 : ids_.back();
  }
  std::string LastData() {
    std::lock_guard lock(mu_);
    return last_data_;
  }
  bool done() const { return done_; }
  int status() const { return status_; }

 private:
  httplib::Client client_;
  std::string token_;
  std::thread thread_;
  std::mutex mu_;
  std::string buffer_, last_data_, content_type_;
  std::vector<uint64_t> ids_;
  std::vector<Clock::time_point> times_;
  std::atomic<bool> stop_{false}, done_{false};
  std::atomic<int> status_{0};
};

class LiveApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    setenv("ICB_ARGON2_TEST_COST", "1", 1);
    auto w = std::make_unique<LiveWorld>();
    const fs::path exe = fs::read_symlink("/proc/self/exe");
    w->dir = (exe.parent_path() / ("live_api_test_" + std::to_string(::getpid()))).string();
    fs::remove_all(w->dir);
    fs::create_directories(w->dir);
    const std::string icb = ICB_BIN;
    w->dataset = w->dir + "/data";
    w->key = w->dir + "/key.hex";
    w->state = w->dir + "/state";
    {
      std::ofstream k(w->key);
      k << std::string(64, 'a') << "\n";
    }
    fs::permissions(w->key, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace);
    ASSERT_EQ(Sh(icb + " synth --persons 2000 --seed 5 --years 2 --calibration-persons 3000 --out " + w->dir +
                 "/csv --truth-out " + w->dir + "/truth --quiet > /dev/null 2>&1"),
              0);
    ASSERT_EQ(Sh(icb + " ingest " + w->dir + "/csv --out " + w->dataset + " --key-file " + w->key +
                 " --quiet > /dev/null 2>&1"),
              0);
    auto store = OpenAppStore("sqlite:" + w->dir + "/app.db");
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    w->store = std::move(*store);
    w->identity = std::make_unique<Identity>(*w->store, SessionPolicy{});
    w->egress = std::make_unique<Egress>(governance::StandardPolicy());
    ServiceOptions so;
    so.dataset_dir = w->dataset;
    so.work_dir = w->dir + "/scenarios";
    Egress* egress = w->egress.get();
    ReleaseFn release = [egress](report::Report r) { return egress->Release(std::move(r)); };
    auto service = Service::Open(so, release);
    ASSERT_TRUE(service.ok()) << service.status().ToString();
    w->service = std::move(*service);
    for (Role role : {Role::kAnalyst, Role::kClinician, Role::kFinance, Role::kAdmin}) {
      ASSERT_TRUE(w->identity->AddUser("u_" + std::string(RoleName(role)), kPassword, role,
                                       role == Role::kClinician ? std::vector<std::string>{"X"}
                                                                : std::vector<std::string>{})
                      .ok());
    }
    LiveFeedOptions lo;
    lo.state_dir = w->state;
    lo.label = "live-test";
    auto live = LiveFeed::Open(w->service->dataset(), lo, release);
    ASSERT_TRUE(live.ok()) << live.status().ToString();
    w->live = std::move(*live);
    w->live->Start();
    ApiServerOptions o;
    o.port = 0;
    o.tmp_dir = w->dir;
    o.rate = {1000, 1000};
    o.live = w->live.get();
    o.max_streams = 3;
    o.heartbeat_s = 1;
    w->server = std::make_unique<ApiServer>(*w->service, *w->store, *w->identity, o);
    ASSERT_TRUE(w->server->Start().ok());
    g = w.release();
  }

  static void TearDownTestSuite() {
    if (g == nullptr) return;
    g->live->Stop();
    g->server->Stop();
    const std::string dir = g->dir;
    delete g;
    g = nullptr;
    fs::remove_all(dir);
  }

  void SetUp() override { ASSERT_NE(g, nullptr) << "the suite's set-up failed"; }

  std::string Login(Role role) {
    httplib::Client c("127.0.0.1", g->server->port());
    auto r = c.Post("/api/login", json{{"user", "u_" + std::string(RoleName(role))}, {"password", kPassword}}.dump(),
                    "application/json");
    EXPECT_TRUE(r && r->status == 200);
    if (!r || r->status != 200) return "";
    return json::parse(r->body)["token"].get<std::string>();
  }

  // `rows` A&E attendances from the synthetic CSV, re-dated to the dataset's last day.
  std::string AppendFile(const std::string& name, size_t rows) {
    std::ifstream in(g->dir + "/csv/ae_attendances.csv");
    std::string line, out;
    std::getline(in, line);
    out = line + "\n";
    const std::string day = Date(g->service->as_at()).ToIso();
    for (size_t i = 0; i < rows && std::getline(in, line); ++i) {
      const size_t a = line.find(','), b = line.find(',', a + 1);
      out += line.substr(0, a + 1) + day + line.substr(b) + "\n";
    }
    const std::string path = g->dir + "/" + name;
    std::ofstream(path) << out;
    return path;
  }
};

TEST_F(LiveApiTest, AppendedActivityArrivesOnTheStream) {
  StreamReader s(g->server->port(), Login(Role::kAnalyst));
  ASSERT_TRUE(s.WaitId(0, std::chrono::seconds(30))) << "no first event";
  const uint64_t first = s.LastId();
  const std::string file = AppendFile("ae_attendances_new.csv", 25);
  const int64_t before = g->live->appended_rows();
  const std::string cmd = std::string(ICB_BIN) + " append " + g->dataset + " " + file + " --key-file " + g->key +
                          " --state " + g->state + " > /dev/null";
  const auto t0 = Clock::now();
  ASSERT_EQ(Sh(cmd), 0);
  const auto t1 = Clock::now();
  auto arrived = s.WaitId(first, std::chrono::seconds(20));
  ASSERT_TRUE(arrived) << "the new version did not arrive";
  const double after_append_ms = std::chrono::duration<double, std::milli>(*arrived - t1).count();
  const double with_append_ms = std::chrono::duration<double, std::milli>(*arrived - t0).count();
  std::printf("[ live latency ] icb append ran %.0f ms; the new version arrived %.0f ms after it ended (%.0f ms from "
              "its start)\n",
              std::chrono::duration<double, std::milli>(t1 - t0).count(), after_append_ms, with_append_ms);
  EXPECT_EQ(g->live->appended_rows(), before + 25);
  // The event carries the released report.
  auto report = report::ReportFromJsonText(s.LastData());
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_NE(report->Find("live_summary"), nullptr);
  EXPECT_TRUE(governance::VerifyDisclosure(*report, governance::StandardPolicy()).ok());
  s.Close();
}

TEST_F(LiveApiTest, SummaryForEveryRoleAsJsonAndCsv) {
  for (Role role : {Role::kAnalyst, Role::kClinician, Role::kFinance, Role::kAdmin}) {
    httplib::Client c("127.0.0.1", g->server->port());
    const httplib::Headers auth{{"Authorization", "Bearer " + Login(role)}};
    auto r = c.Get("/api/live/summary", auth);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << RoleName(role) << ": " << r->body;
    auto report = report::ReportFromJsonText(r->body);
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    EXPECT_FALSE(report->disclosure.empty());
    for (const char* t : {"live_summary", "live_daily_by_place", "live_daily_by_provider"}) {
      EXPECT_NE(report->Find(t), nullptr) << t;
    }
    EXPECT_TRUE(governance::VerifyDisclosure(*report, governance::StandardPolicy()).ok());
    auto csv = c.Get("/api/live/summary?format=csv&table=live_summary", auth);
    ASSERT_TRUE(csv);
    EXPECT_EQ(csv->status, 200);
    EXPECT_EQ(csv->body.rfind("item,count", 0), 0u) << csv->body.substr(0, 40);
  }
  // No session: 401.
  httplib::Client c("127.0.0.1", g->server->port());
  auto r = c.Get("/api/live/stream");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
}

TEST_F(LiveApiTest, StreamsAreCappedAndEndWhenTheFeedStops) {
  const std::string token = Login(Role::kFinance);
  // Streams closed by earlier tests are noticed at their next heartbeat (1 s here).
  for (int i = 0; i < 500 && g->server->live_streams() > 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_EQ(g->server->live_streams(), 0);
  std::vector<std::unique_ptr<StreamReader>> open;
  for (int i = 0; i < 3; ++i) {
    open.push_back(std::make_unique<StreamReader>(g->server->port(), token));
    ASSERT_TRUE(open.back()->WaitId(0, std::chrono::seconds(30))) << i;
  }
  httplib::Client c("127.0.0.1", g->server->port());
  auto r = c.Get("/api/live/stream", {{"Authorization", "Bearer " + token}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_FALSE(r->get_header_value("Retry-After").empty());
  // Closing one frees its place.
  open.back()->Close();
  open.pop_back();
  bool reopened = false;
  for (int i = 0; i < 100 && !reopened; ++i) {
    StreamReader s(g->server->port(), token);
    reopened = s.WaitId(0, std::chrono::seconds(2)).has_value();
    s.Close();
    if (!reopened) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(reopened);
  // Stopping the feed ends the open streams (the server's Stop does the same through running_).
  g->live->Stop();
  for (auto& s : open) {
    for (int i = 0; i < 200 && !s->done(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_TRUE(s->done());
  }
  open.clear();
  g->live->Start();
}

}  // namespace
}  // namespace icb::server
