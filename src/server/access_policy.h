// The route table of the HTTP API, declared once: method, path pattern, id, summary, the roles that
// may call each route and its parameters. The dispatcher (api_server.cc) matches requests against it
// and checks the role before any handler runs; the OpenAPI document (OpenApiDocument) and the access
// tests (tests/server/api_test.cc) are generated from the same table, so the three cannot disagree.
// Object-level checks (a clinician's practices, a user's own jobs) are made by the handlers.
// The table is the contract of docs/reference/api.md. Immutable data; thread safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "server/principal.h"

namespace icb::server {

enum class ParamIn { kQuery, kPath };

struct RouteParam {
  std::string name;
  ParamIn in = ParamIn::kQuery;
  std::string description;
  bool required = false;
};

struct Route {
  std::string method;   // "GET", "POST", "PUT", "DELETE"
  std::string pattern;  // "/api/scenarios/{name}": a {name} segment matches one path segment
  std::string id;       // "scenarios.get": stable, used by /api/me and the tests
  std::string summary;
  bool public_route = false;      // no authentication (health, openapi, login)
  std::vector<Role> roles;        // who may call it (every role for public routes)
  bool report = false;            // an aggregate report: takes format=json|csv|xlsx and table=
  bool person_level = false;      // returns person-level rows (audited)
  std::vector<RouteParam> params;
  bool Allows(Role role) const;
};

// Every route of the API, in the order of docs/reference/api.md.
const std::vector<Route>& Routes();

struct RouteMatch {
  const Route* route = nullptr;             // nullptr: no route for this path (or method, see below)
  bool path_known = false;                  // some route has this path with another method (405)
  std::vector<std::pair<std::string, std::string>> path_params;
};
// The route for `method` and `path` (no query string), with its {name} segments bound.
RouteMatch MatchRoute(std::string_view method, std::string_view path);

// The ids of the routes `role` may call (public ones included), in table order.
std::vector<std::string> AllowedRouteIds(Role role);

// The OpenAPI 3.1 document of the table (paths, parameters, security, x-roles per operation).
nlohmann::ordered_json OpenApiDocument(const std::string& version);

}  // namespace icb::server
