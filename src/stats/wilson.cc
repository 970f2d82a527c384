#include "stats/wilson.h"

#include <cmath>

namespace icb::stats {

Interval WilsonInterval(double x, double n, double confidence) {
  if (!(n > 0) || !(x >= 0) || x > n || !std::isfinite(x) || !std::isfinite(n)) return {};
  if (confidence >= 1) return {0.0, 1.0};
  const double z = ZForConfidence(confidence);
  const double z2 = z * z;
  const double root = z * std::sqrt(z2 + 4.0 * x * (1.0 - x / n));
  const double denom = 2.0 * (n + z2);
  Interval out;
  out.lower = x == 0 ? 0.0 : (2.0 * x + z2 - root) / denom;
  out.upper = (2.0 * x + z2 + root) / denom;
  return out;
}

}  // namespace icb::stats
