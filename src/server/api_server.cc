#include "server/api_server.h"

#include <httplib.h>
#include <openssl/rand.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/crypto.h"
#include "core/file_util.h"
#include "report/csv_writer.h"
#include "report/json_writer.h"
#include "report/xlsx_writer.h"
#include "server/access_policy.h"

namespace icb::server {

namespace fs = std::filesystem;
using json = nlohmann::json;
using ojson = nlohmann::ordered_json;

namespace {

constexpr char kCookieName[] = "icb_session";

std::string RandomHex(size_t bytes) {
  std::vector<uint8_t> b(bytes);
  if (RAND_bytes(b.data(), static_cast<int>(b.size())) != 1) {
    static std::atomic<uint64_t> counter{0};
    const uint64_t n = ++counter ^ static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
    for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<uint8_t>(n >> (8 * (i % 8)));
  }
  return ToHex(b.data(), b.size());
}

void SetSecurityHeaders(httplib::Response& res, bool api) {
  res.set_header("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; base-uri 'self'");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("Referrer-Policy", "no-referrer");
  if (api) res.set_header("Cache-Control", "no-store");
}

// Invalid UTF-8 (from a request, say) is replaced rather than thrown on.
std::string Dump(const ojson& j) { return j.dump(-1, ' ', false, ojson::error_handler_t::replace); }

void SendJson(httplib::Response& res, int status, const ojson& body) {
  res.status = status;
  res.set_content(Dump(body), "application/json");
}

void SendError(httplib::Response& res, int status, const std::string& message, const std::string& request_id) {
  SendJson(res, status, ojson{{"error", message}, {"request_id", request_id}});
}

std::string StatusText(int status) {
  switch (status) {
    case 400: return "bad request";
    case 401: return "not logged in";
    case 403: return "not allowed";
    case 404: return "not found";
    case 405: return "method not allowed";
    case 413: return "request body too large (at most 64 KiB)";
    case 429: return "too many requests";
    case 503: return "busy: try again shortly";
    default: return "internal error";
  }
}

// The session token from the cookie or the Authorization header ("" when none).
std::string TokenOf(const httplib::Request& req) {
  const std::string auth = req.get_header_value("Authorization");
  if (auth.rfind("Bearer ", 0) == 0) return auth.substr(7);
  const std::string cookies = req.get_header_value("Cookie");
  size_t pos = 0;
  while (pos < cookies.size()) {
    size_t end = cookies.find(';', pos);
    if (end == std::string::npos) end = cookies.size();
    std::string part = cookies.substr(pos, end - pos);
    while (!part.empty() && part.front() == ' ') part.erase(part.begin());
    const std::string prefix = std::string(kCookieName) + "=";
    if (part.rfind(prefix, 0) == 0) return part.substr(prefix.size());
    pos = end + 1;
  }
  return "";
}

std::optional<int64_t> ParseInt(const std::string& text) {
  if (text.empty() || text.size() > 12) return std::nullopt;
  int64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

bool ParseBoolParam(const std::string& text) { return text == "true" || text == "1" || text == "yes"; }

std::string ContentType(const fs::path& p) {
  const std::string ext = p.extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json") return "application/json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

}  // namespace

struct ApiServer::Call {
  Call(const httplib::Request& q, httplib::Response& r, std::string id) : req(q), res(r), request_id(std::move(id)) {}
  const httplib::Request& req;
  httplib::Response& res;
  std::string request_id;
  const Route* route = nullptr;
  std::vector<std::pair<std::string, std::string>> path_params;
  std::optional<Principal> principal;
  std::string token;

  std::string Param(const std::string& name) const { return req.has_param(name) ? req.get_param_value(name) : ""; }
  std::string PathParam(const std::string& name) const {
    for (const auto& [k, v] : path_params)
      if (k == name) return v;
    return "";
  }
  void Error(int status, const std::string& message = "") {
    SendError(res, status, message.empty() ? StatusText(status) : message, request_id);
  }
};

ApiServer::ApiServer(Service& service, AppStore& store, Identity& identity, ApiServerOptions options)
    : service_(service), store_(store), identity_(identity), options_(std::move(options)) {
  limiter_ = std::make_unique<RateLimiter>(options_.rate);
  jobs_ = std::make_unique<JobQueue>(options_.job_threads);
  if (options_.tmp_dir.empty()) options_.tmp_dir = fs::temp_directory_path().string();
}

ApiServer::~ApiServer() { Stop(); }

Status ApiServer::Start() {
  if (running_) return Status::Ok();
  http_ = std::make_unique<httplib::Server>();
  // Each live stream holds a thread: the pool has room for every stream beside the request threads.
  const int threads = std::max(options_.threads, 1) + (options_.live ? std::max(options_.max_streams, 0) : 0);
  http_->new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  http_->set_payload_max_length(kMaxBodyBytes);
  http_->set_tcp_nodelay(true);  // small JSON answers: no 40 ms wait for a delayed ACK
  // A kept-alive connection answers many requests: reconnecting costs a handshake and a place in the accept queue.
  http_->set_keep_alive_max_count(10000);
  // httplib's default sets SO_REUSEPORT, which would let a second process bind the same port; keep SO_REUSEADDR
  // only, and remember the listening socket to lengthen its accept queue below.
  auto listen_fd = std::make_shared<int>(-1);
  http_->set_socket_options([listen_fd](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    *listen_fd = static_cast<int>(sock);
  });
  http_->set_read_timeout(10, 0);
  http_->set_write_timeout(30, 0);
  auto handler = [this](const httplib::Request& req, httplib::Response& res) { Handle(req, res); };
  for (const char* pattern : {"/.*", "/"}) {
    http_->Get(pattern, handler);
    http_->Post(pattern, handler);
    http_->Put(pattern, handler);
    http_->Delete(pattern, handler);
    http_->Patch(pattern, handler);
    http_->Options(pattern, handler);
  }
  http_->set_error_handler([this](const httplib::Request& req, httplib::Response& res) { HandleError(req, res); });
  http_->set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    std::fprintf(stderr, "icb serve: a handler threw an exception (a bug)\n");
    SetSecurityHeaders(res, true);
    SendError(res, 500, "internal error", RandomHex(8));
  });
  if (options_.port == 0) {
    port_ = http_->bind_to_any_port(options_.bind);
  } else {
    port_ = http_->bind_to_port(options_.bind, options_.port) ? options_.port : -1;
  }
  if (port_ <= 0) {
    http_.reset();
    return Status::IoError(fmt::format("cannot listen on {}:{}", options_.bind, options_.port));
  }
  // httplib listens with a backlog of 5: a burst of new connections (200 users arriving at once) overflows it and
  // each refused SYN waits a second or more for its retry. Linux lets listen() be called again to lengthen it.
  if (*listen_fd >= 0) ::listen(*listen_fd, SOMAXCONN);
  running_ = true;
  thread_ = std::thread([this] { http_->listen_after_bind(); });
  return Status::Ok();
}

void ApiServer::Stop() {
  if (running_.exchange(false)) {
    http_->stop();
    if (thread_.joinable()) thread_.join();
  }
  if (jobs_) jobs_->Stop();
}

void ApiServer::HandleError(const httplib::Request& req, httplib::Response& res) {
  // Called by httplib for every answer with a status >= 400; only fill the ones it made itself.
  if (!res.body.empty()) return;
  const bool api = req.path.rfind("/api", 0) == 0;
  SetSecurityHeaders(res, api);
  std::string id = res.get_header_value("X-Request-Id");
  if (id.empty()) {
    id = RandomHex(8);
    res.set_header("X-Request-Id", id);
  }
  if (res.status == 413) std::fprintf(stderr, "icb serve: %s refused a body over %zu bytes\n", id.c_str(), kMaxBodyBytes);
  SendError(res, res.status, StatusText(res.status), id);
}

void ApiServer::Handle(const httplib::Request& req, httplib::Response& res) {
  Call call{req, res, RandomHex(8)};
  res.set_header("X-Request-Id", call.request_id);
  const bool api = req.path == "/api" || req.path.rfind("/api/", 0) == 0;
  SetSecurityHeaders(res, api);
  const auto t0 = std::chrono::steady_clock::now();
  if (api) {
    HandleApi(call);
  } else {
    HandleStatic(req, res);
    if (res.status == 404 && res.body.empty()) call.Error(404);
  }
  if (options_.access_log) {
    // Route id and user name only: never the query string (it may hold a practice code's list filters).
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    std::fprintf(stderr, "icb serve: %s %s %s %d %.1f ms %s\n", call.request_id.c_str(), req.method.c_str(),
                 call.route ? call.route->id.c_str() : (api ? "-" : "static"), res.status, ms,
                 call.principal ? call.principal->user.c_str() : "-");
  }
}

void ApiServer::HandleStatic(const httplib::Request& req, httplib::Response& res) {
  if (req.method != "GET" && req.method != "HEAD") {
    res.status = 405;
    return;
  }
  if (options_.web_dir.empty() || req.path.find("..") != std::string::npos || req.path.find('\0') != std::string::npos) {
    res.status = 404;
    return;
  }
  std::error_code ec;
  const fs::path root = fs::weakly_canonical(options_.web_dir, ec);
  fs::path file = root / fs::path(req.path).relative_path();
  if (req.path == "/" || !fs::is_regular_file(file, ec)) file = root / "index.html";  // the app's own routes
  const fs::path canon = fs::weakly_canonical(file, ec);
  if (ec || canon.string().rfind(root.string(), 0) != 0 || !fs::is_regular_file(canon, ec)) {
    res.status = 404;
    return;
  }
  auto text = ReadFile(canon.string());
  if (!text.ok()) {
    res.status = 404;
    return;
  }
  res.status = 200;
  res.set_header("Cache-Control", canon.filename() == "index.html" ? "no-cache" : "public, max-age=3600");
  res.set_content(std::move(*text), ContentType(canon));
}

void ApiServer::HandleApi(Call& call) {
  RouteMatch m = MatchRoute(call.req.method, call.req.path);
  if (m.route == nullptr) return call.Error(m.path_known ? 405 : 404);
  call.route = m.route;
  call.path_params = std::move(m.path_params);
  // Authenticate (public routes too, when a token is sent: /api/logout is not public).
  call.token = TokenOf(call.req);
  if (!call.token.empty() && !call.route->public_route) {
    auto p = identity_.Authenticate(call.token);
    if (p.ok()) call.principal = std::move(*p);
  }
  // Rate limit: per user once known, per client address before.
  const std::string key = call.principal ? "user:" + call.principal->user : "addr:" + call.req.remote_addr;
  const RateDecision d = limiter_->Take(key);
  if (!d.allowed) {
    call.res.set_header("Retry-After", std::to_string(d.retry_after_seconds));
    return call.Error(429);
  }
  if (!call.route->public_route) {
    if (!call.principal) return call.Error(401);
    if (!call.route->Allows(call.principal->role)) {
      // A refused person-level read is audited like a refused practice (no log, no answer).
      if (call.route->person_level && !Audited(call, "casefind.denied", "", "{}", 0)) return call.Error(500);
      return call.Error(403);
    }
  }
  const std::string& id = call.route->id;
  if (id == "health") return SendJson(call.res, 200, ojson{{"status", "ok"}, {"as_at", Date(service_.as_at()).ToIso()}});
  if (id == "openapi") return SendJson(call.res, 200, OpenApiDocument(kApiVersion));
  if (id == "login") return Login(call);
  if (id == "logout") return Logout(call);
  if (id == "me") return Me(call);
  if (id == "meta") {  // the same for the life of the process: made once
    std::call_once(meta_once_, [this] { meta_text_ = Dump(service_.Meta()); });
    call.res.status = 200;
    call.res.set_content(meta_text_, "application/json");
    return;
  }
  if (call.route->report) return Report(call);
  if (id == "scenarios.list") return ScenariosList(call);
  if (id == "scenarios.get") return ScenariosGet(call);
  if (id == "scenarios.put") return ScenariosPut(call);
  if (id == "jobs.forecast") return JobsForecast(call);
  if (id == "jobs.get") return JobsGet(call);
  if (id == "casefind") return Casefind(call);
  if (id == "admin.users.list") return UsersList(call);
  if (id == "admin.users.add") return UsersAdd(call);
  if (id == "admin.users.delete") return UsersDelete(call);
  if (id == "admin.audit") return Audit(call);
  if (id == "admin.audit.verify") return AuditVerify(call);
  if (id == "live.summary") return LiveSummary(call);
  if (id == "live.stream") return LiveStream(call);
  std::fprintf(stderr, "icb serve: %s: route %s has no handler (a bug)\n", call.request_id.c_str(), id.c_str());
  return call.Error(500);
}

void ApiServer::SendStatus(Call& call, const Status& status) {
  switch (status.code()) {
    case StatusCode::kInvalidInput: return call.Error(400, status.message());
    case StatusCode::kNotFound: return call.Error(404, status.message());
    case StatusCode::kRefused: return call.Error(403, status.message());
    default:
      // The detail may name files: it goes to the server's log only.
      std::fprintf(stderr, "icb serve: %s %s: %s\n", call.request_id.c_str(), call.route ? call.route->id.c_str() : "-",
                   status.ToString().c_str());
      return call.Error(500);
  }
}

bool ApiServer::Audited(Call& call, const std::string& action, const std::string& scope, const std::string& detail,
                        int64_t rows, int64_t* seq) {
  AuditEntry e;
  if (call.principal) {
    e.user = call.principal->user;
    e.role = std::string(RoleName(call.principal->role));
    e.session_id = call.principal->session_id;
  }
  e.action = action;
  e.scope = scope;
  e.detail = detail.empty() ? "{}" : detail;
  e.rows = rows;
  e.request_id = call.request_id;
  auto stored = store_.AppendAudit(std::move(e));
  if (!stored.ok()) {
    std::fprintf(stderr, "icb serve: %s: the audit log could not be written (%s): %s\n", call.request_id.c_str(),
                 action.c_str(), stored.status().ToString().c_str());
    return false;
  }
  if (seq) *seq = stored->seq;
  return true;
}

// ---- session ----

void ApiServer::Login(Call& call) {
  auto body = json::parse(call.req.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object() || !body.contains("user") || !body["user"].is_string() ||
      !body.contains("password") || !body["password"].is_string()) {
    return call.Error(400, "expected {\"user\": ..., \"password\": ...}");
  }
  const std::string user = body["user"].get<std::string>();
  auto r = identity_.Login(user, body["password"].get<std::string>());
  if (!r.ok()) {
    if (r.status().code() != StatusCode::kRefused) return SendStatus(call, r.status());
    // The user name only (it may not exist; never the password).
    AuditEntry e;
    e.user = user.substr(0, 64);
    e.action = "login.failed";
    e.detail = "{}";
    e.request_id = call.request_id;
    if (!store_.AppendAudit(std::move(e)).ok()) return call.Error(500);
    return call.Error(401, "wrong user name or password");
  }
  call.principal = r->principal;
  if (!Audited(call, "login", "", "{}", 0)) return call.Error(500);
  ojson practices = r->principal.practices;
  std::string cookie = fmt::format("{}={}; HttpOnly; SameSite=Strict; Path=/", kCookieName, r->token);
  if (options_.secure_cookie) cookie += "; Secure";
  call.res.set_header("Set-Cookie", cookie);
  SendJson(call.res, 200,
           ojson{{"token", r->token},
                 {"user", r->principal.user},
                 {"role", std::string(RoleName(r->principal.role))},
                 {"practices", practices},
                 {"expires", r->expires_unix}});
}

void ApiServer::Logout(Call& call) {
  if (!Audited(call, "logout", "", "{}", 0)) return call.Error(500);
  if (Status st = identity_.Logout(call.token); !st.ok()) return SendStatus(call, st);
  call.res.set_header("Set-Cookie", fmt::format("{}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0", kCookieName));
  call.res.status = 204;
}

void ApiServer::Me(Call& call) {
  const Principal& p = *call.principal;
  SendJson(call.res, 200,
           ojson{{"user", p.user},
                 {"role", std::string(RoleName(p.role))},
                 {"practices", p.practices},
                 {"endpoints", AllowedRouteIds(p.role)}});
}

// ---- reports ----

void ApiServer::Report(Call& call) {
  const std::string& id = call.route->id;
  Result<ReportPtr> r = Status::Internal("no report");
  if (id == "reports.profile") {
    r = service_.Profile();
  } else if (id == "reports.segments") {
    r = service_.Segments(call.Param("as_at"));
  } else if (id == "reports.indicators") {
    r = service_.Indicators(call.Param("ids"), call.Param("by"), call.Param("period"), ParseBoolParam(call.Param("sii")));
  } else if (id == "reports.variation") {
    r = service_.Variation(call.Param("period"));
  } else if (id == "reports.quality") {
    r = service_.Quality();
  } else if (id == "reports.providers") {
    r = service_.Providers(call.Param("period"));
  } else if (id == "reports.risk") {
    r = service_.Risk();
  } else if (id == "reports.forecast") {
    const std::string job = call.Param("job");
    auto info = jobs_->Get(job);
    if (!info || info->kind != "forecast" ||
        (info->owner != call.principal->user && call.principal->role != Role::kAdmin)) {
      return call.Error(404, "no such job");
    }
    if (info->state != JobState::kDone || !info->result) return call.Error(400, "the job has not finished");
    r = info->result;
  }
  if (!r.ok()) return SendStatus(call, r.status());
  SendReport(call, *r);
}

std::shared_ptr<const std::string> ApiServer::JsonText(const ReportPtr& report) {
  {
    std::lock_guard<std::mutex> lock(json_mu_);
    auto it = json_cache_.find(report.get());
    if (it != json_cache_.end() && it->second.first.lock() == report) return it->second.second;
  }
  auto text = std::make_shared<const std::string>(Dump(report::ReportToJson(*report)));
  std::lock_guard<std::mutex> lock(json_mu_);
  if (json_cache_.size() >= 256) {  // forget the texts of reports no longer held anywhere
    for (auto it = json_cache_.begin(); it != json_cache_.end();) it = it->second.first.expired() ? json_cache_.erase(it) : std::next(it);
  }
  json_cache_[report.get()] = {report, text};
  return text;
}

void ApiServer::SendReport(Call& call, const ReportPtr& report_ptr) {
  const report::Report& report = *report_ptr;
  const std::string format = call.Param("format").empty() ? "json" : call.Param("format");
  if (format == "json") {
    call.res.status = 200;
    call.res.set_content(*JsonText(report_ptr), "application/json");
    return;
  }
  if (format == "csv") {
    const std::string name = call.Param("table");
    const report::Table* t = report.Find(name);
    if (t == nullptr) return call.Error(400, "format=csv needs table=NAME, one of the report's tables");
    call.res.status = 200;
    call.res.set_header("Content-Disposition", "attachment; filename=\"" + t->name() + ".csv\"");
    call.res.set_content(report::TableToCsv(*t), "text/csv; charset=utf-8");
    return;
  }
  if (format == "xlsx") {
    const fs::path file = fs::path(options_.tmp_dir) / ("icb-export-" + RandomHex(12) + ".xlsx");
    Status st = report::WriteXlsx(report, file.string());
    Result<std::string> bytes = st.ok() ? ReadFile(file.string()) : Result<std::string>(st);
    std::error_code ec;
    fs::remove(file, ec);
    if (!bytes.ok()) return SendStatus(call, Status::Internal(bytes.status().message()));
    call.res.status = 200;
    call.res.set_header("Content-Disposition", "attachment; filename=\"" + call.route->id.substr(8) + ".xlsx\"");
    call.res.set_content(std::move(*bytes), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    return;
  }
  call.Error(400, "format: expected json, csv or xlsx");
}

// ---- scenarios and jobs ----

void ApiServer::ScenariosList(Call& call) {
  ojson list = ojson::array();
  for (const auto& name : service_.BuiltinScenarios()) list.push_back({{"name", name}, {"kind", "builtin"}});
  auto saved = store_.ListObjects("scenario");
  if (!saved.ok()) return SendStatus(call, Status::Internal(saved.status().message()));
  for (const auto& o : *saved) {
    list.push_back({{"name", o.name}, {"kind", "saved"}, {"owner", o.owner}, {"updated", o.updated_unix}});
  }
  SendJson(call.res, 200, ojson{{"scenarios", list}});
}

void ApiServer::ScenariosGet(Call& call) {
  const std::string name = call.PathParam("name");
  auto builtin = service_.BuiltinScenarioJson(name);
  if (builtin.ok()) return SendJson(call.res, 200, ojson::parse(builtin->dump()));
  auto saved = store_.GetObject("scenario", name);
  if (!saved.ok()) return SendStatus(call, Status::Internal(saved.status().message()));
  if (!*saved) return call.Error(404, "no such scenario");
  auto j = ojson::parse((*saved)->json, nullptr, false);
  if (j.is_discarded()) return SendStatus(call, Status::Corrupt("a saved scenario is not JSON"));
  SendJson(call.res, 200, j);
}

void ApiServer::ScenariosPut(Call& call) {
  const std::string name = call.PathParam("name");
  const auto builtin = service_.BuiltinScenarios();
  if (std::find(builtin.begin(), builtin.end(), name) != builtin.end()) {
    return call.Error(400, "a built-in scenario cannot be replaced: save it under another name");
  }
  auto body = json::parse(call.req.body, nullptr, false);
  if (body.is_discarded()) return call.Error(400, "the body is not JSON");
  auto s = service_.ParseScenario(name, body);
  if (!s.ok()) return SendStatus(call, s.status());
  SavedObject o;
  o.kind = "scenario";
  o.name = name;
  o.owner = call.principal->user;
  o.json = body.dump();
  o.updated_unix = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  if (Status st = store_.PutObject(o); !st.ok()) return SendStatus(call, Status::Internal(st.message()));
  if (!Audited(call, "scenario.save", "scenario:" + name, "{}", 0)) return call.Error(500);
  SendJson(call.res, 200, ojson{{"name", name}, {"saved", true}});
}

void ApiServer::JobsForecast(Call& call) {
  auto body = json::parse(call.req.body, nullptr, false);
  if (body.is_discarded() || !body.is_object() || !body.contains("scenario") || !body["scenario"].is_string()) {
    return call.Error(400, "expected {\"scenario\": NAME, \"compare\": NAME?, \"runs\": N?}");
  }
  auto resolve = [&](const std::string& name) -> Result<forecast::Scenario> {
    auto b = service_.BuiltinScenario(name);
    if (b.ok() || b.status().code() != StatusCode::kNotFound) return b;
    auto saved = store_.GetObject("scenario", name);
    if (!saved.ok()) return Status::Internal(saved.status().message());
    if (!*saved) return Status::NotFound("no such scenario: " + name.substr(0, 64));
    auto j = json::parse((*saved)->json, nullptr, false);
    if (j.is_discarded()) return Status::Corrupt("a saved scenario is not JSON");
    return service_.ParseScenario(name, j);
  };
  auto a = resolve(body["scenario"].get<std::string>());
  if (!a.ok()) return SendStatus(call, a.status());
  std::optional<forecast::Scenario> b;
  if (body.contains("compare") && !body["compare"].is_null()) {
    if (!body["compare"].is_string()) return call.Error(400, "compare: expected a scenario name");
    auto c = resolve(body["compare"].get<std::string>());
    if (!c.ok()) return SendStatus(call, c.status());
    b = std::move(*c);
  }
  int runs = -1;
  if (body.contains("runs")) {
    if (!body["runs"].is_number_integer() || body["runs"].get<int64_t>() < 0 || body["runs"].get<int64_t>() > 100000) {
      return call.Error(400, "runs: expected a whole number 0-100000");
    }
    runs = body["runs"].get<int>();
  }
  Service* service = &service_;
  auto job = jobs_->Submit("forecast", call.principal->user,
                           [service, a = std::move(*a), b = std::move(b), runs](JobContext& ctx) -> Result<report::Report> {
                             auto r = service->Forecast(a, b, runs, &ctx);
                             if (!r.ok()) {
                               std::fprintf(stderr, "icb serve: forecast job failed: %s\n", r.status().ToString().c_str());
                               if (r.status().code() == StatusCode::kInvalidInput) return r.status();
                               return Status::Internal("the forecast failed; see the server log");
                             }
                             return r;
                           });
  if (!job.ok()) {
    call.res.set_header("Retry-After", "10");
    return call.Error(429, job.status().message());
  }
  SendJson(call.res, 202, ojson{{"job", *job}});
}

void ApiServer::JobsGet(Call& call) {
  auto info = jobs_->Get(call.PathParam("id"));
  if (!info || (info->owner != call.principal->user && call.principal->role != Role::kAdmin)) {
    return call.Error(404, "no such job");
  }
  ojson j{{"id", info->id},
          {"kind", info->kind},
          {"state", std::string(JobStateName(info->state))},
          {"progress", info->progress},
          {"message", info->message}};
  j["result"] = info->state == JobState::kDone ? ojson("/api/reports/forecast?job=" + info->id) : ojson(nullptr);
  SendJson(call.res, 200, j);
}

// ---- the person-level read ----

void ApiServer::Casefind(Call& call) {
  const Principal& p = *call.principal;
  const std::string practice = call.Param("practice");
  if (practice.empty()) return call.Error(400, "practice: required");
  if (practice.size() > 16 || !std::all_of(practice.begin(), practice.end(), [](char ch) {
        return std::isalnum(static_cast<unsigned char>(ch)) != 0;
      })) {
    return call.Error(400, "practice: expected a practice code (letters and digits)");
  }
  if (!p.MayAccessPractice(practice)) {
    // The refusal is audited too; if even that cannot be written, say so generically.
    if (!Audited(call, "casefind.denied", "practice:" + practice, "{}", 0)) return call.Error(500);
    return call.Error(403);
  }
  size_t top = 0;
  double percent = 0;
  if (!call.Param("percent").empty()) {
    char* end = nullptr;
    const std::string text = call.Param("percent");
    percent = std::strtod(text.c_str(), &end);
    if (end == text.c_str() || *end != '\0' || !(percent > 0 && percent <= 100)) {
      return call.Error(400, "percent: expected a number above 0 and at most 100");
    }
  } else {
    const auto t = call.Param("top").empty() ? std::optional<int64_t>(20) : ParseInt(call.Param("top"));
    if (!t || *t < 1 || *t > 1000) return call.Error(400, "top: expected a whole number 1-1000");
    top = static_cast<size_t>(*t);
  }
  const bool impactability = ParseBoolParam(call.Param("impactability"));
  auto list = service_.Casefind(practice, top, percent, impactability);
  if (!list.ok()) return SendStatus(call, list.status());
  ojson detail{{"top", top}};
  if (percent > 0) detail = ojson{{"percent", percent}};
  detail["impactability"] = impactability;
  int64_t seq = 0;
  // No log, no list: the entry is written before any row leaves.
  if (!Audited(call, "casefind.list", "practice:" + practice, detail.dump(), static_cast<int64_t>(list->entries.size()),
               &seq)) {
    return call.Error(500);
  }
  ojson rows = ojson::array();
  for (const auto& e : list->entries) {
    rows.push_back({{"rank", e.rank},
                    {"pseudonym", e.pseudonym},
                    {"practice", e.practice},
                    {"risk", e.risk},
                    {"segment", e.segment},
                    {"reasons", e.reasons},
                    {"recent_use", e.recent_use},
                    {"impactable", e.impactable},
                    {"impactable_because", e.impactable_because}});
  }
  SendJson(call.res, 200,
           ojson{{"practice", practice},
                 {"as_at", Date(service_.as_at() + 1).ToIso()},
                 {"audit_seq", seq},
                 {"eligible", list->eligible},
                 {"rows", rows}});
}

// ---- admin ----

void ApiServer::UsersList(Call& call) {
  auto users = store_.ListUsers();
  if (!users.ok()) return SendStatus(call, Status::Internal(users.status().message()));
  ojson list = ojson::array();
  for (const auto& u : *users) {
    list.push_back({{"name", u.name},
                    {"role", std::string(RoleName(u.role))},
                    {"practices", u.practices},
                    {"disabled", u.disabled},
                    {"created", u.created_unix}});
  }
  SendJson(call.res, 200, ojson{{"users", list}});
}

void ApiServer::UsersAdd(Call& call) {
  auto body = json::parse(call.req.body, nullptr, false);
  if (body.is_discarded() || !body.is_object() || !body.contains("name") || !body["name"].is_string() ||
      !body.contains("password") || !body["password"].is_string() || !body.contains("role") ||
      !body["role"].is_string()) {
    return call.Error(400, "expected {\"name\", \"password\", \"role\", \"practices\"}");
  }
  const auto role = RoleByName(body["role"].get<std::string>());
  if (!role) return call.Error(400, "role: expected analyst, clinician, finance or admin");
  std::vector<std::string> practices;
  if (body.contains("practices")) {
    if (!body["practices"].is_array()) return call.Error(400, "practices: expected a list of practice codes");
    for (const auto& p : body["practices"]) {
      if (!p.is_string()) return call.Error(400, "practices: expected a list of practice codes");
      practices.push_back(p.get<std::string>());
    }
  }
  const std::string name = body["name"].get<std::string>();
  if (Status st = identity_.AddUser(name, body["password"].get<std::string>(), *role, practices); !st.ok()) {
    return SendStatus(call, st);
  }
  ojson detail{{"role", std::string(RoleName(*role))}, {"practices", practices.size()}};
  if (!Audited(call, "user.add", "user:" + name, detail.dump(), 0)) return call.Error(500);
  SendJson(call.res, 201, ojson{{"name", name}, {"role", std::string(RoleName(*role))}, {"practices", practices}});
}

void ApiServer::UsersDelete(Call& call) {
  const std::string name = call.PathParam("name");
  auto user = store_.GetUser(name);
  if (!user.ok()) return SendStatus(call, Status::Internal(user.status().message()));
  if (!*user) return call.Error(404, "no such user");
  if (Status st = store_.DeleteUser(name); !st.ok()) return SendStatus(call, Status::Internal(st.message()));
  if (!Audited(call, "user.remove", "user:" + name, "{}", 0)) return call.Error(500);
  call.res.status = 204;
}

void ApiServer::Audit(Call& call) {
  const auto from = call.Param("from").empty() ? std::optional<int64_t>(1) : ParseInt(call.Param("from"));
  const auto limit = call.Param("limit").empty() ? std::optional<int64_t>(100) : ParseInt(call.Param("limit"));
  if (!from || !limit || *limit < 1 || *limit > 1000) return call.Error(400, "from, limit: whole numbers, limit 1-1000");
  auto entries = store_.ReadAudit(*from, *limit);
  if (!entries.ok()) return SendStatus(call, Status::Internal(entries.status().message()));
  ojson list = ojson::array();
  for (const auto& e : *entries) {
    list.push_back({{"seq", e.seq},
                    {"time", e.time},
                    {"user", e.user},
                    {"role", e.role},
                    {"session_id", e.session_id},
                    {"action", e.action},
                    {"scope", e.scope},
                    {"detail", e.detail},
                    {"rows", e.rows},
                    {"request_id", e.request_id},
                    {"prev_hash", e.prev_hash},
                    {"hash", e.hash}});
  }
  SendJson(call.res, 200, ojson{{"entries", list}});
}

void ApiServer::AuditVerify(Call& call) {
  auto v = VerifyStoredAudit(store_);
  if (!v.ok()) return SendStatus(call, Status::Internal(v.status().message()));
  if (!Audited(call, "audit.verify", "", ojson{{"ok", v->ok}}.dump(), 0)) return call.Error(500);
  SendJson(call.res, 200,
           ojson{{"ok", v->ok}, {"entries", v->entries}, {"first_bad_seq", v->first_bad_seq}, {"problem", v->problem}});
}

// ---- live utilisation (docs/reference/live.md) ----

void ApiServer::LiveSummary(Call& call) {
  if (options_.live == nullptr) return call.Error(404, "the live feed is not enabled on this server");
  const auto snap = options_.live->Current();
  if (call.Param("format").empty() || call.Param("format") == "json") {
    call.res.status = 200;
    call.res.set_header("X-Live-Version", std::to_string(snap->version));
    call.res.set_content(snap->json, "application/json");
    return;
  }
  SendReport(call, snap->report);
}

// Server-sent events: the current version at once, then one `event: report` per new version and a
// `: ping` comment when idle. The provider runs on the connection's pool thread until the client
// goes, the feed stops or the server stops (checked at least every 500 ms).
void ApiServer::LiveStream(Call& call) {
  if (options_.live == nullptr) return call.Error(404, "the live feed is not enabled on this server");
  if (streams_.fetch_add(1) >= options_.max_streams) {
    streams_.fetch_sub(1);
    call.res.set_header("Retry-After", "5");
    return call.Error(503, "too many live streams are open: try again shortly");
  }
  LiveFeed* live = options_.live;
  const auto heartbeat = std::chrono::seconds(std::max(options_.heartbeat_s, 1));
  struct StreamState {
    uint64_t seen = 0;
    std::chrono::steady_clock::time_point last_write;
  };
  auto st = std::make_shared<StreamState>();
  call.res.status = 200;
  call.res.set_header("X-Accel-Buffering", "no");
  call.res.set_chunked_content_provider(
      "text/event-stream",
      [this, live, heartbeat, st](size_t, httplib::DataSink& sink) -> bool {
        auto send = [&](const std::string& text) {
          st->last_write = std::chrono::steady_clock::now();
          return sink.write(text.data(), text.size());
        };
        if (!running_ || live->stopping()) {
          sink.done();
          return true;
        }
        if (st->seen == 0) {  // the first event, at once
          const auto snap = live->Current();
          st->seen = snap->version;
          return send("retry: 2000\nid: " + std::to_string(snap->version) + "\nevent: report\ndata: " + snap->json +
                      "\n\n");
        }
        const auto snap = live->WaitNewer(st->seen, std::chrono::milliseconds(500));
        if (!running_ || live->stopping()) {
          sink.done();
          return true;
        }
        if (snap->version > st->seen) {
          st->seen = snap->version;
          return send("id: " + std::to_string(snap->version) + "\nevent: report\ndata: " + snap->json + "\n\n");
        }
        if (std::chrono::steady_clock::now() - st->last_write >= heartbeat) return send(": ping\n\n");
        return sink.is_writable();
      },
      [this](bool) { streams_.fetch_sub(1); });
}

}  // namespace icb::server
