#include "stats/proportion.h"

#include <cmath>

#include "stats/wilson.h"

namespace icb::stats {

Result<Estimate> Proportion(double x, double n, const std::vector<double>& levels, double multiplier) {
  if (!std::isfinite(x) || !std::isfinite(n)) return Status::InvalidInput("proportion: numerator and denominator must be numbers");
  if (x < 0) return Status::InvalidInput("proportion: numerator must be greater than or equal to zero");
  if (n <= 0) return Status::InvalidInput("proportion: denominator must be greater than zero");
  if (x > n) return Status::InvalidInput("proportion: numerator must be less than or equal to denominator");
  Estimate e;
  e.levels = levels;
  e.value = x / n * multiplier;
  for (double level : levels) {
    Interval w = WilsonInterval(x, n, level);
    e.intervals.push_back({w.lower * multiplier, w.upper * multiplier});
  }
  e.statistic = multiplier == 1     ? "proportion of 1"
                : multiplier == 100 ? "percentage"
                                    : "proportion of " + MultiplierText(multiplier);
  e.method = "Wilson";
  return e;
}

}  // namespace icb::stats
