// icb serve: the engine as a service. Loads a published dataset once and answers the JSON API of
// docs/reference/api.md (src/server/api_server.h) and the web dashboard, until SIGINT or SIGTERM.
// The state folder holds the application store (users, sessions, the audit log, saved scenarios)
// and the egress secret.
#include <fcntl.h>
#include <openssl/rand.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "apps/cli/command.h"
#include "core/crypto.h"
#include "governance/disclosure.h"
#include "server/api_server.h"
#include "server/app_store.h"
#include "server/egress.h"
#include "server/identity.h"
#include "server/live_feed.h"
#include "server/service.h"

#ifndef ICB_WEB_DIST_DIR
#define ICB_WEB_DIST_DIR ""
#endif

namespace {

namespace fs = std::filesystem;
using icb::cli::ReportError;

struct ServeArgs {
  std::string dataset, bind = "127.0.0.1", model, state, web_dir, policy = "standard", store;
  std::string key_file;  // live feed: the ingest key enables the watched folder STATE/inbox
  int port = 8080, threads = 256;
  double rate = 20, burst = 40;
};

// Creates state/secret.key (32 random bytes, mode 0600) on first start; refuses a key others can read.
icb::Status EnsureSecret(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if ((st.st_mode & 077) != 0) {
      return icb::Status::Refused(path + ": the egress secret is readable by other users; chmod 600 it");
    }
    return icb::Status::Ok();
  }
  unsigned char key[32];
  if (RAND_bytes(key, sizeof key) != 1) return icb::Status::Internal("no random bytes for the egress secret");
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) return icb::Status::IoError(path + ": cannot create the egress secret");
  const bool ok = ::write(fd, key, sizeof key) == static_cast<ssize_t>(sizeof key) && ::fsync(fd) == 0;
  ::close(fd);
  return ok ? icb::Status::Ok() : icb::Status::IoError(path + ": cannot write the egress secret");
}

int Run(const ServeArgs& a) {
  auto policy = icb::governance::PolicyByName(a.policy);
  if (!policy.ok() || a.policy == "none") {
    std::fprintf(stderr, "icb: --policy: expected standard or strict\n");
    return 64;
  }
  const std::string state = a.state.empty() ? fs::path(a.dataset).lexically_normal().string() + "-state" : a.state;
  std::error_code ec;
  fs::create_directories(state, ec);
  if (ec) return ReportError(icb::Status::IoError(state + ": cannot create the state folder: " + ec.message()));
  fs::permissions(state, fs::perms::owner_all, fs::perm_options::replace, ec);
  const std::string secret_path = (fs::path(state) / "secret.key").string();
  if (auto st = EnsureSecret(secret_path); !st.ok()) return ReportError(st);
  auto secret = icb::HmacKey::Load(secret_path);
  if (!secret.ok()) return ReportError(secret.status());

  const std::string app_db = (fs::path(state) / "app.db").string();
  auto store = icb::server::OpenAppStore(a.store.empty() ? "sqlite:" + app_db : a.store);
  if (!store.ok()) return ReportError(store.status());
  icb::server::Identity identity(**store, icb::server::SessionPolicy{});

  icb::server::Egress egress(*policy);
  icb::server::ServiceOptions so;
  so.dataset_dir = a.dataset;
  so.model_path = a.model;
  so.work_dir = (fs::path(state) / "scenarios").string();
  so.policy = *policy;
  so.secret = *secret;
  std::fprintf(stderr, "icb serve: loading %s ...\n", a.dataset.c_str());
  auto service = icb::server::Service::Open(
      so, [&egress](icb::report::Report r) { return egress.Release(std::move(r)); });
  if (!service.ok()) return ReportError(service.status());

  // Live utilisation (docs/reference/live.md): batches in STATE/live, the watched folder with --key-file.
  icb::server::LiveFeedOptions lo;
  lo.state_dir = state;
  lo.policy = *policy;
  lo.label = (*service)->label();
  if (!a.key_file.empty()) {
    auto key = icb::HmacKey::Load(a.key_file);
    if (!key.ok()) return ReportError(key.status());
    lo.key = std::move(*key);
  }
  auto live = icb::server::LiveFeed::Open((*service)->dataset(), std::move(lo),
                                          [&egress](icb::report::Report r) { return egress.Release(std::move(r)); });
  if (!live.ok()) return ReportError(live.status());
  std::fprintf(stderr, "icb serve: live feed: batches from %s/live (icb append); watched folder %s\n", state.c_str(),
               (*live)->inbox_enabled() ? (state + "/inbox on").c_str() : "off (start with --key-file KEY to enable it)");

  icb::server::ApiServerOptions o;
  o.bind = a.bind;
  o.port = a.port;
  o.web_dir = a.web_dir.empty() ? ICB_WEB_DIST_DIR : a.web_dir;
  if (!o.web_dir.empty() && !fs::exists(fs::path(o.web_dir) / "index.html")) {
    std::fprintf(stderr, "icb serve: no dashboard at %s (build web/ first); serving the API only\n", o.web_dir.c_str());
    o.web_dir.clear();
  }
  o.tmp_dir = state;
  o.threads = a.threads;
  o.rate = {a.rate, a.burst};
  o.access_log = true;
  o.live = live->get();

  // Block the stop signals in every thread; the main thread waits for them below.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  icb::server::ApiServer server(**service, **store, identity, o);
  if (auto st = server.Start(); !st.ok()) return ReportError(st);
  (*live)->Start();
  auto users = (*store)->ListUsers();
  if (users.ok() && users->empty()) {
    std::fprintf(stderr,
                 "icb serve: there are no users yet: add an admin with `icb users add NAME --role admin --store %s "
                 "--password-stdin`, then the others at /api/admin/users\n",
                 a.store.empty() ? app_db.c_str() : "URL");
  }
  std::printf("icb serve: listening on http://%s:%d/\n", a.bind.c_str(), server.port());
  std::fflush(stdout);
  int sig = 0;
  sigwait(&signals, &sig);
  std::fprintf(stderr, "icb serve: %s: stopping\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
  (*live)->Stop();
  server.Stop();
  return 0;
}

icb::cli::RunFn Setup(CLI::App& app) {
  auto a = std::make_shared<ServeArgs>();
  auto* sub = app.add_subcommand("serve", "Serve the JSON API and the web dashboard for a published dataset");
  sub->add_option("DATASET", a->dataset, "Published dataset directory (made by icb ingest)")->required();
  sub->add_option("--bind", a->bind, "Address to listen on (default 127.0.0.1; put TLS in front for anything else)");
  sub->add_option("--port", a->port, "Port (default 8080; 0: any free port)")->check(CLI::Range(0, 65535));
  sub->add_option("--model", a->model, "Risk model card (icb risk train): enables the risk report and case finding");
  sub->add_option("--state", a->state,
                  "State folder: app.db (users, sessions, audit log, saved scenarios) and secret.key (default: "
                  "DATASET-state)");
  sub->add_option("--store", a->store, "Application store URL instead of STATE/app.db: sqlite:PATH or postgresql://...");
  sub->add_option("--web-dir", a->web_dir, "The built dashboard (default: the source tree's web/dist)");
  sub->add_option("--threads", a->threads, "Request threads: each open connection holds one while it is kept alive (default 256)")->check(CLI::Range(1, 1024));
  sub->add_option("--rate", a->rate, "Requests per second per user (default 20)")->check(CLI::PositiveNumber);
  sub->add_option("--burst", a->burst, "Burst per user (default 40)")->check(CLI::PositiveNumber);
  sub->add_option("--key-file", a->key_file,
                  "The ingest key: enables the live feed's watched folder STATE/inbox (CSV files dropped there are "
                  "appended like icb append)");
  sub->add_option("--policy", a->policy, "Disclosure control: standard (default) or strict")
      ->check(CLI::IsMember({"standard", "strict"}));
  sub->footer(
      "Examples:\n"
      "  icb users add alice --role admin --store icb-data-state/app.db --password-stdin\n"
      "  icb serve icb-data --model ea-model.json --port 8080\n"
      "  curl -s localhost:8080/api/health\n"
      "  curl -s -X POST localhost:8080/api/login -d '{\"user\":\"alice\",\"password\":\"...\"}'\n"
      "  curl -s -H 'Authorization: Bearer TOKEN' localhost:8080/api/reports/profile?format=csv\\&table=practices\n"
      "  icb serve icb-data --key-file key.hex   # live page; drop CSVs in icb-data-state/inbox\n"
      "Every aggregate report passes disclosure control at the boundary; case-finding lists are audited.\n"
      "Stops cleanly on SIGINT or SIGTERM. API: docs/reference/api.md (and GET /api/openapi.json)");
  return [a]() -> int { return Run(*a); };
}

}  // namespace

ICB_REGISTER_COMMAND(serve, Setup);
