#include "stats/crude_rate.h"

#include <cmath>

#include "stats/poisson_limits.h"

namespace icb::stats {

Result<Estimate> CrudeRate(double x, double n, const std::vector<double>& levels, double multiplier) {
  if (!std::isfinite(x) || !std::isfinite(n)) return Status::InvalidInput("rate: numerator and denominator must be numbers");
  if (x < 0) return Status::InvalidInput("rate: numerator must be greater than or equal to zero");
  if (n <= 0) return Status::InvalidInput("rate: denominator must be greater than zero");
  Estimate e;
  e.levels = levels;
  e.value = x / n * multiplier;
  for (double level : levels) {
    const Interval c = PoissonLimits(x, level);
    e.intervals.push_back({c.lower / n * multiplier, c.upper / n * multiplier});
  }
  e.statistic = "rate per " + MultiplierText(multiplier);
  e.method = PoissonMethod(x);
  return e;
}

}  // namespace icb::stats
