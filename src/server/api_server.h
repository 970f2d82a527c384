// ApiServer: the HTTP API of docs/reference/api.md on cpp-httplib. Every request gets an id
// (X-Request-Id) and the security headers (CSP default-src 'self', nosniff, no-store on /api); /api
// requests are matched against the route table (access_policy.h), authenticated (cookie icb_session
// or Authorization: Bearer), rate limited per user (per client address before login) and checked
// against the route's roles before a handler runs; handlers make the object-level checks (a
// clinician's practices, a user's own jobs). Aggregate reports come from the Service, which has
// already passed them through egress; they are sent as JSON, one table as CSV, or an XLSX workbook.
// The one person-level read (case finding) is audited before its rows are written; if the audit
// append fails, the answer is 500 with no rows. Errors are generic JSON; the detail goes to stderr
// (never patient values). Other paths serve the web dashboard's files with index.html as fallback.
// Owns the httplib server, its listening thread, the rate limiter and the job queue; borrows the
// Service, AppStore and Identity, which must outlive it. Start/Stop from one thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>

#include "core/status.h"
#include "server/app_store.h"
#include "server/identity.h"
#include "server/job_queue.h"
#include "server/live_feed.h"
#include "server/rate_limiter.h"
#include "server/service.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace icb::server {

inline constexpr char kApiVersion[] = "0.1.0";
inline constexpr size_t kMaxBodyBytes = 64 * 1024;

struct ApiServerOptions {
  std::string bind = "127.0.0.1";
  int port = 8080;                  // 0: any free port (see port())
  std::string web_dir;              // the built dashboard; empty or missing: no static files
  std::string tmp_dir;              // for XLSX exports; default: the system's temporary folder
  int threads = 256;                // request threads (cpp-httplib holds one per kept-alive connection)
  int job_threads = 2;              // forecast workers
  RateLimit rate;
  bool secure_cookie = false;       // add Secure to the session cookie (behind TLS)
  bool access_log = false;          // one line per request on stderr (id, method, route, status, ms, user)
  // ---- live utilisation (docs/reference/live.md) ----
  LiveFeed* live = nullptr;         // borrowed; null: /api/live/* answer 404
  int max_streams = 32;             // concurrent /api/live/stream clients (503 beyond); each holds a thread
  int heartbeat_s = 15;             // ": ping" comment on an idle stream
};

class ApiServer {
 public:
  ApiServer(Service& service, AppStore& store, Identity& identity, ApiServerOptions options);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // Binds the address (IoError when it cannot) and starts answering on a thread of its own.
  Status Start();
  // Stops listening, finishes the requests in flight and the running jobs.
  void Stop();
  int port() const { return port_; }
  JobQueue& jobs() { return *jobs_; }
  int live_streams() const { return streams_; }  // open /api/live/stream responses

 private:
  struct Call;
  void Handle(const httplib::Request& req, httplib::Response& res);
  void HandleApi(Call& call);
  void HandleStatic(const httplib::Request& req, httplib::Response& res);
  void HandleError(const httplib::Request& req, httplib::Response& res);  // httplib's own errors (413, 400)

  // Route handlers (the route is matched and the caller allowed when they run).
  void Login(Call& call);
  void Logout(Call& call);
  void Me(Call& call);
  void Report(Call& call);
  void ScenariosList(Call& call);
  void ScenariosGet(Call& call);
  void ScenariosPut(Call& call);
  void JobsForecast(Call& call);
  void JobsGet(Call& call);
  void Casefind(Call& call);
  void UsersList(Call& call);
  void UsersAdd(Call& call);
  void UsersDelete(Call& call);
  void Audit(Call& call);
  void AuditVerify(Call& call);
  void LiveSummary(Call& call);  // live utilisation (live_feed.h)
  void LiveStream(Call& call);

  void SendReport(Call& call, const ReportPtr& report);
  // The report's JSON text, serialised once per released report (kept while the report lives).
  std::shared_ptr<const std::string> JsonText(const ReportPtr& report);
  void SendStatus(Call& call, const Status& status);  // maps the code, logs the detail
  bool Audited(Call& call, const std::string& action, const std::string& scope, const std::string& detail,
               int64_t rows, int64_t* seq = nullptr);

  Service& service_;
  AppStore& store_;
  Identity& identity_;
  ApiServerOptions options_;
  std::unique_ptr<httplib::Server> http_;
  std::unique_ptr<RateLimiter> limiter_;
  std::unique_ptr<JobQueue> jobs_;
  std::thread thread_;
  int port_ = 0;
  std::atomic<bool> running_{false};
  std::atomic<int> streams_{0};  // open /api/live/stream responses
  std::once_flag meta_once_;
  std::string meta_text_;  // GET /api/meta
  std::mutex json_mu_;
  std::unordered_map<const report::Report*,
                     std::pair<std::weak_ptr<const report::Report>, std::shared_ptr<const std::string>>>
      json_cache_;
};

}  // namespace icb::server
