#include "stats/poisson_limits.h"

#include <boost/math/special_functions/gamma.hpp>
#include <cmath>
#include <limits>

#include "stats/boost_policy.h"

namespace icb::stats {

Interval ExactPoissonLimits(double observed, double confidence) {
  if (!(observed >= 0) || !std::isfinite(observed)) return {};
  const double alpha = 1.0 - confidence;
  const internal::NoThrowPolicy policy;
  Interval out;
  // chi2_p(2k)/2 is the p quantile of Gamma(k, 1).
  out.lower = observed == 0 ? 0.0 : boost::math::gamma_p_inv(observed, alpha / 2.0, policy);
  out.upper = alpha <= 0 ? std::numeric_limits<double>::infinity()
                         : boost::math::gamma_p_inv(observed + 1.0, 1.0 - alpha / 2.0, policy);
  return out;
}

Interval ByarsLimits(double observed, double confidence) {
  if (!(observed >= 0) || !std::isfinite(observed)) return {};
  const double z = ZForConfidence(confidence);
  Interval out;
  if (observed > 0) {
    const double base = 1.0 - 1.0 / (9.0 * observed) - z / (3.0 * std::sqrt(observed));
    out.lower = base < 0 ? kNaN : observed * base * base * base;
  }
  const double o1 = observed + 1.0;
  const double up = 1.0 - 1.0 / (9.0 * o1) + z / (3.0 * std::sqrt(o1));
  out.upper = o1 * up * up * up;
  return out;
}

Interval PoissonLimits(double observed, double confidence) {
  return observed < 10 ? ExactPoissonLimits(observed, confidence) : ByarsLimits(observed, confidence);
}

std::string PoissonMethod(double observed) { return observed < 10 ? "Exact" : "Byars"; }

}  // namespace icb::stats
