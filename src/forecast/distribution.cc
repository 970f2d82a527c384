#include "forecast/distribution.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/lognormal.hpp>
#include <boost/math/distributions/normal.hpp>
#include <nlohmann/json.hpp>

namespace icb::forecast {
namespace {

// Boost.Math reports domain errors through errno instead of throwing: inputs are validated first.
using Policy = boost::math::policies::policy<
    boost::math::policies::domain_error<boost::math::policies::errno_on_error>,
    boost::math::policies::overflow_error<boost::math::policies::errno_on_error>,
    boost::math::policies::evaluation_error<boost::math::policies::errno_on_error>,
    boost::math::policies::pole_error<boost::math::policies::errno_on_error>>;

// NHP helpers.rnorm: an 80% interval [p10, p90] is a normal with sd = (p90 - p10) / (2 z_0.9).
constexpr double kInterval80Width = 2.563103;

double Clip(double v, double lo, double hi) { return std::min(std::max(v, lo), hi); }

std::string Where(const std::string& where, const char* key) { return where + "." + key; }

Result<double> NumberAt(const nlohmann::json& j, const std::string& where, const char* key) {
  auto it = j.find(key);
  if (it == j.end()) return Status::InvalidInput(where + ": missing \"" + key + "\"");
  if (!it->is_number()) return Status::InvalidInput(Where(where, key) + ": expected a number");
  const double v = it->get<double>();
  if (!std::isfinite(v)) return Status::InvalidInput(Where(where, key) + ": expected a finite number");
  return v;
}

}  // namespace

double InverseNormalCdf(double u) {
  return boost::math::quantile(boost::math::normal_distribution<double, Policy>(0.0, 1.0), u);
}

double NormalCdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

double Distribution::Central() const {
  double v = 0;
  switch (kind) {
    case Kind::kFixed: v = a; break;
    case Kind::kInterval80: v = 0.5 * (a + b); break;
    case Kind::kNormal: v = a; break;
    case Kind::kLogNormal: v = std::exp(a + 0.5 * b * b); break;
    case Kind::kBeta: v = a / (a + b); break;
    case Kind::kTriangular: v = (a + b + c) / 3.0; break;
  }
  return Clip(v, lo, hi);
}

double Distribution::Quantile(double u) const {
  const double eps = std::numeric_limits<double>::min();
  u = Clip(u, eps, 1.0 - std::numeric_limits<double>::epsilon() / 2);
  double v = 0;
  switch (kind) {
    case Kind::kFixed: v = a; break;
    case Kind::kInterval80: v = 0.5 * (a + b) + (b - a) / kInterval80Width * InverseNormalCdf(u); break;
    case Kind::kNormal: v = a + b * InverseNormalCdf(u); break;
    case Kind::kLogNormal: v = std::exp(a + b * InverseNormalCdf(u)); break;
    case Kind::kBeta:
      v = boost::math::quantile(boost::math::beta_distribution<double, Policy>(a, b), u);
      break;
    case Kind::kTriangular: {
      // Closed-form inverse of the triangular CDF with min a, mode b, max c.
      const double span = c - a;
      if (span <= 0) {
        v = a;
        break;
      }
      const double fc = (b - a) / span;
      v = u < fc ? a + std::sqrt(u * span * (b - a)) : c - std::sqrt((1 - u) * span * (c - b));
      break;
    }
  }
  return Clip(v, lo, hi);
}

Result<Distribution> Distribution::FromJson(const nlohmann::json& j, const std::string& where) {
  Distribution d;
  if (j.is_number()) {
    const double v = j.get<double>();
    if (!std::isfinite(v)) return Status::InvalidInput(where + ": expected a finite number");
    return Fixed(v);
  }
  if (j.is_array()) {
    if (j.size() != 2 || !j[0].is_number() || !j[1].is_number())
      return Status::InvalidInput(where + ": an interval is [p10, p90], two numbers");
    d = Interval80(j[0].get<double>(), j[1].get<double>());
    if (!std::isfinite(d.a) || !std::isfinite(d.b) || d.a > d.b)
      return Status::InvalidInput(where + ": an interval [p10, p90] needs p10 <= p90");
    return d;
  }
  if (!j.is_object())
    return Status::InvalidInput(where +
                                ": expected a number, an 80% interval [p10, p90] or an object with \"dist\"");
  auto dist = j.find("dist");
  if (dist == j.end() || !dist->is_string())
    return Status::InvalidInput(where + ": missing \"dist\" (normal, lognormal, beta, triangular, interval80, fixed)");
  const std::string name = dist->get<std::string>();
  std::vector<const char*> keys;
  if (name == "normal") {
    d.kind = Kind::kNormal;
    keys = {"mean", "sd"};
  } else if (name == "lognormal") {
    d.kind = Kind::kLogNormal;
    keys = {"meanlog", "sdlog"};
  } else if (name == "beta") {
    d.kind = Kind::kBeta;
    keys = {"alpha", "beta"};
  } else if (name == "triangular") {
    d.kind = Kind::kTriangular;
    keys = {"min", "mode", "max"};
  } else if (name == "interval80") {
    d.kind = Kind::kInterval80;
    keys = {"p10", "p90"};
  } else if (name == "fixed") {
    d.kind = Kind::kFixed;
    keys = {"value"};
  } else {
    return Status::InvalidInput(Where(where, "dist") + ": unknown distribution \"" + name +
                                "\" (expected normal, lognormal, beta, triangular, interval80 or fixed)");
  }
  double* slots[3] = {&d.a, &d.b, &d.c};
  for (size_t i = 0; i < keys.size(); ++i) {
    auto v = NumberAt(j, where, keys[i]);
    if (!v.ok()) return v.status();
    *slots[i] = *v;
  }
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& k = it.key();
    if (k == "dist") continue;
    if (std::find_if(keys.begin(), keys.end(), [&](const char* s) { return k == s; }) != keys.end()) continue;
    if (k == "min_clip" || k == "max_clip") {
      if (!it->is_number()) return Status::InvalidInput(where + "." + k + ": expected a number");
      (k == "min_clip" ? d.lo : d.hi) = it->get<double>();
      continue;
    }
    return Status::InvalidInput(where + "." + k + ": unknown key for a " + name + " distribution");
  }
  switch (d.kind) {
    case Kind::kNormal:
      if (d.b < 0) return Status::InvalidInput(Where(where, "sd") + ": must be >= 0");
      break;
    case Kind::kLogNormal:
      if (d.b < 0) return Status::InvalidInput(Where(where, "sdlog") + ": must be >= 0");
      break;
    case Kind::kBeta:
      if (d.a <= 0) return Status::InvalidInput(Where(where, "alpha") + ": must be > 0");
      if (d.b <= 0) return Status::InvalidInput(Where(where, "beta") + ": must be > 0");
      break;
    case Kind::kTriangular:
      if (!(d.a <= d.b && d.b <= d.c))
        return Status::InvalidInput(where + ": a triangular distribution needs min <= mode <= max");
      break;
    case Kind::kInterval80:
      if (d.a > d.b) return Status::InvalidInput(where + ": an interval needs p10 <= p90");
      break;
    case Kind::kFixed: break;
  }
  if (d.lo > d.hi) return Status::InvalidInput(where + ": min_clip is above max_clip");
  return d;
}

nlohmann::json Distribution::ToJson() const {
  nlohmann::json j;
  const bool clipped = lo > -1e300 || hi < 1e300;
  switch (kind) {
    case Kind::kFixed:
      if (!clipped) return a;
      j = {{"dist", "fixed"}, {"value", a}};
      break;
    case Kind::kInterval80:
      if (!clipped) return nlohmann::json::array({a, b});
      j = {{"dist", "interval80"}, {"p10", a}, {"p90", b}};
      break;
    case Kind::kNormal: j = {{"dist", "normal"}, {"mean", a}, {"sd", b}}; break;
    case Kind::kLogNormal: j = {{"dist", "lognormal"}, {"meanlog", a}, {"sdlog", b}}; break;
    case Kind::kBeta: j = {{"dist", "beta"}, {"alpha", a}, {"beta", b}}; break;
    case Kind::kTriangular: j = {{"dist", "triangular"}, {"min", a}, {"mode", b}, {"max", c}}; break;
  }
  if (lo > -1e300) j["min_clip"] = lo;
  if (hi < 1e300) j["max_clip"] = hi;
  return j;
}

}  // namespace icb::forecast
