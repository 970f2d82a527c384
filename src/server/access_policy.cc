#include "server/access_policy.h"

#include <algorithm>

namespace icb::server {

namespace {

constexpr Role A = Role::kAnalyst, C = Role::kClinician, F = Role::kFinance, M = Role::kAdmin;

RouteParam Q(std::string name, std::string description, bool required = false) {
  return {std::move(name), ParamIn::kQuery, std::move(description), required};
}
RouteParam P(std::string name, std::string description) {
  return {std::move(name), ParamIn::kPath, std::move(description), true};
}

std::vector<RouteParam> ReportParams(std::vector<RouteParam> own) {
  own.push_back(Q("format", "json (default), csv (one table, with table=) or xlsx (the whole report)"));
  own.push_back(Q("table", "with format=csv: the table's name"));
  return own;
}

std::vector<Route> BuildRoutes() {
  const std::vector<Role> all = {A, C, F, M};
  std::vector<Route> r;
  auto add = [&](std::string method, std::string pattern, std::string id, std::string summary, std::vector<Role> roles,
                 std::vector<RouteParam> params = {}) -> Route& {
    Route route;
    route.method = std::move(method);
    route.pattern = std::move(pattern);
    route.id = std::move(id);
    route.summary = std::move(summary);
    route.roles = std::move(roles);
    route.params = std::move(params);
    r.push_back(std::move(route));
    return r.back();
  };
  auto report = [&](std::string pattern, std::string id, std::string summary, std::vector<Role> roles,
                    std::vector<RouteParam> params = {}) -> Route& {
    Route& route = add("GET", std::move(pattern), std::move(id), std::move(summary), std::move(roles),
                       ReportParams(std::move(params)));
    route.report = true;
    return route;
  };
  add("GET", "/api/health", "health", "Liveness (no authentication)", all).public_route = true;
  add("GET", "/api/openapi.json", "openapi", "This API as OpenAPI 3.1 (no authentication)", all).public_route = true;
  add("POST", "/api/login", "login", "Log in with {user,password}: a token and the icb_session cookie", all)
      .public_route = true;
  add("POST", "/api/logout", "logout", "End the session (204)", all);
  add("GET", "/api/me", "me", "Who is logged in and which endpoints they may call", all);
  add("GET", "/api/meta", "meta", "Dataset label, as-at date, periods, breakdowns, indicators, practices, places", all);
  report("/api/reports/profile", "reports.profile", "Population profile: pyramid, deprivation, ethnicity, practices", all);
  report("/api/reports/segments", "reports.segments", "Bridges to Health segments and multimorbidity scores", all,
         {Q("as_at", "date YYYY-MM-DD (default: the dataset's last event date)")});
  report("/api/reports/indicators", "reports.indicators", "Indicators by a breakdown", all,
         {Q("ids", "comma-separated indicator ids (default: every one)"),
          Q("by", "comma-separated breakdowns (default: all)"), Q("period", "2023/24 or FROM:TO (default: the last year)"),
          Q("sii", "true: slope and relative indices of inequality")});
  report("/api/reports/variation", "reports.variation", "Practice funnels and monthly SPC charts", all,
         {Q("period", "2023/24 or FROM:TO (default: the last year)")});
  report("/api/reports/quality", "reports.quality", "Data quality", all);
  report("/api/reports/providers", "reports.providers", "Provider activity, cost and length of stay", {A, F, M},
         {Q("period", "2023/24 or FROM:TO (default: the last year)")});
  report("/api/reports/risk", "reports.risk", "The risk model's evaluation (aggregates and subgroups)", {A, C, M});
  add("GET", "/api/scenarios", "scenarios.list", "Forecast scenarios, built-in and saved", {A, F, M});
  add("GET", "/api/scenarios/{name}", "scenarios.get", "One scenario's JSON", {A, F, M}, {P("name", "scenario name")});
  add("PUT", "/api/scenarios/{name}", "scenarios.put", "Save a scenario (checked against the schema)", {F, M},
      {P("name", "scenario name [A-Za-z0-9_.-]{1,64}")});
  add("POST", "/api/jobs/forecast", "jobs.forecast", "Start a forecast {scenario, compare?, runs?}: 202 {job}", {A, F, M});
  add("GET", "/api/jobs/{id}", "jobs.get", "A job's state and progress (own jobs; admin any)", {A, F, M},
      {P("id", "job id")});
  report("/api/reports/forecast", "reports.forecast", "A finished forecast job's report", {A, F, M},
         {Q("job", "job id", true)});
  Route& cf = add("GET", "/api/casefind", "casefind", "Person-level case-finding list for one of the caller's practices",
                  {C},
                  {Q("practice", "practice code (one of the caller's)", true), Q("top", "list length (default 20)"),
                   Q("percent", "the top X% of eligible people instead"),
                   Q("impactability", "true: rank impactable people first")});
  cf.person_level = true;
  add("GET", "/api/admin/users", "admin.users.list", "Users", {M});
  add("POST", "/api/admin/users", "admin.users.add", "Add a user {name,password,role,practices}", {M});
  add("DELETE", "/api/admin/users/{name}", "admin.users.delete", "Remove a user", {M}, {P("name", "user name")});
  add("GET", "/api/admin/audit", "admin.audit", "Audit entries", {M},
      {Q("from", "first seq (default 1)"), Q("limit", "most entries (default 100, at most 1000)")});
  add("GET", "/api/admin/audit/verify", "admin.audit.verify", "Verify the audit chain", {M});
  // ---- live utilisation (docs/reference/live.md) ----
  add("GET", "/api/live/summary", "live.summary",
      "The current live utilisation report (daily activity by place and provider with SPC limits)", all,
      ReportParams({}));
  add("GET", "/api/live/stream", "live.stream",
      "Server-sent events: event report (the live report JSON) per version, first at once; : ping every 15 s", all);
  return r;
}

std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (pos < path.size()) {
    size_t e = path.find('/', pos);
    if (e == std::string_view::npos) e = path.size();
    out.push_back(path.substr(pos, e - pos));
    pos = e + 1;
  }
  return out;
}

bool MatchPattern(std::string_view pattern, std::string_view path,
                  std::vector<std::pair<std::string, std::string>>& bound) {
  const auto ps = Segments(pattern), xs = Segments(path);
  if (ps.size() != xs.size()) return false;
  std::vector<std::pair<std::string, std::string>> b;
  for (size_t i = 0; i < ps.size(); ++i) {
    if (ps[i].size() > 2 && ps[i].front() == '{' && ps[i].back() == '}') {
      if (xs[i].empty()) return false;
      b.emplace_back(std::string(ps[i].substr(1, ps[i].size() - 2)), std::string(xs[i]));
    } else if (ps[i] != xs[i]) {
      return false;
    }
  }
  bound = std::move(b);
  return true;
}

}  // namespace

bool Route::Allows(Role role) const {
  return public_route || std::find(roles.begin(), roles.end(), role) != roles.end();
}

const std::vector<Route>& Routes() {
  static const std::vector<Route> routes = BuildRoutes();
  return routes;
}

RouteMatch MatchRoute(std::string_view method, std::string_view path) {
  RouteMatch m;
  std::vector<std::pair<std::string, std::string>> bound;
  for (const Route& r : Routes()) {
    if (!MatchPattern(r.pattern, path, bound)) continue;
    // A literal route wins over a pattern with the same shape (e.g. /api/admin/audit/verify).
    if (r.method == method) {
      if (m.route == nullptr || r.pattern.find('{') == std::string::npos) {
        m.route = &r;
        m.path_params = bound;
      }
    } else {
      m.path_known = true;
    }
  }
  return m;
}

std::vector<std::string> AllowedRouteIds(Role role) {
  std::vector<std::string> out;
  for (const Route& r : Routes())
    if (r.Allows(role)) out.push_back(r.id);
  return out;
}

nlohmann::ordered_json OpenApiDocument(const std::string& version) {
  using J = nlohmann::ordered_json;
  J doc;
  doc["openapi"] = "3.1.0";
  doc["info"] = {{"title", "icb-engine API"},
                 {"version", version},
                 {"description", "The HTTP API of `icb serve` (docs/reference/api.md). Aggregate reports pass "
                                 "disclosure control at the boundary."}};
  J paths = J::object();
  for (const Route& r : Routes()) {
    std::string method = r.method;
    for (char& c : method) c = static_cast<char>(c - 'A' + 'a');
    J op;
    op["operationId"] = r.id;
    op["summary"] = r.summary;
    J roles = J::array();
    for (Role role : r.roles) roles.push_back(std::string(RoleName(role)));
    op["x-roles"] = roles;
    if (r.person_level) op["x-person-level"] = true;
    J params = J::array();
    for (const RouteParam& p : r.params) {
      params.push_back({{"name", p.name},
                        {"in", p.in == ParamIn::kPath ? "path" : "query"},
                        {"required", p.required},
                        {"description", p.description},
                        {"schema", {{"type", "string"}}}});
    }
    if (!params.empty()) op["parameters"] = params;
    if (r.public_route) {
      op["security"] = J::array();
    } else {
      op["security"] = J::array({{{"bearer", J::array()}}, {{"cookie", J::array()}}});
    }
    J responses = J::object();
    responses[r.method == "POST" && r.id == "jobs.forecast" ? "202" : (r.id == "logout" ? "204" : "200")] = {
        {"description", "OK"}};
    if (!r.public_route) {
      responses["401"] = {{"description", "no or bad token"}};
      responses["403"] = {{"description", "not allowed for this role or object"}};
    }
    responses["429"] = {{"description", "too many requests (Retry-After)"}};
    op["responses"] = responses;
    paths[r.pattern][method] = op;
  }
  doc["paths"] = paths;
  doc["components"] = {
      {"securitySchemes",
       {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}},
        {"cookie", {{"type", "apiKey"}, {"in", "cookie"}, {"name", "icb_session"}}}}},
      {"schemas",
       {{"Error",
         {{"type", "object"},
          {"properties", {{"error", {{"type", "string"}}}, {"request_id", {{"type", "string"}}}}}}}}}};
  return doc;
}

}  // namespace icb::server
