// Distribution: how a scenario states an uncertain parameter. NHP's convention (an 80% interval
// mapped to a normal, clipped to a valid range) and the usual alternatives: normal, lognormal,
// beta, triangular, or a fixed value. Every kind is sampled by its quantile function, so correlated
// parameters can be drawn through a Gaussian copula (ParameterSampler in scenario.h). Value type.
#pragma once

#include <string>

#include "core/status.h"
#include <nlohmann/json_fwd.hpp>

namespace icb::forecast {

struct Distribution {
  enum class Kind { kFixed, kInterval80, kNormal, kLogNormal, kBeta, kTriangular };
  Kind kind = Kind::kFixed;
  // kFixed: a = value. kInterval80: a = P10, b = P90 (normal with mean (a+b)/2 and
  // sd (b-a)/2.563103, as NHP's helpers.rnorm). kNormal: a = mean, b = sd. kLogNormal: a = meanlog,
  // b = sdlog. kBeta: a = alpha, b = beta. kTriangular: a = min, b = mode, c = max.
  double a = 0, b = 0, c = 0;
  // Draws are clipped to [lo, hi] (NHP clips interval draws to the parameter's valid range).
  double lo = -1e300, hi = 1e300;

  static Distribution Fixed(double v) { return {Kind::kFixed, v, 0, 0}; }
  static Distribution Interval80(double p10, double p90) { return {Kind::kInterval80, p10, p90, 0}; }
  // The value used by the principal run: the mean for normal/interval/triangular/beta, exp(meanlog +
  // sdlog^2/2) for lognormal, the value for fixed; clipped.
  double Central() const;
  // Quantile at u in (0,1), clipped.
  double Quantile(double u) const;
  // JSON forms: a number (fixed); [p10, p90] (interval, NHP style); {"dist": "normal", "mean":..,
  // "sd":..}, {"dist": "lognormal", "meanlog":.., "sdlog":..}, {"dist": "beta", "alpha":.., "beta":..},
  // {"dist": "triangular", "min":.., "mode":.., "max":..}, {"dist": "interval80", "p10":.., "p90":..},
  // {"dist": "fixed", "value":..}; every object form takes optional "min_clip"/"max_clip". `where`
  // names the JSON path for error messages. ToJson writes the shortest form that round-trips.
  static Result<Distribution> FromJson(const nlohmann::json& j, const std::string& where);
  nlohmann::json ToJson() const;
};

// The standard normal quantile Phi^-1(u) (Boost.Math, accurate to double precision) and CDF Phi(z).
double InverseNormalCdf(double u);
double NormalCdf(double z);

}  // namespace icb::forecast
