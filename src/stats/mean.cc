#include "stats/mean.h"

#include <boost/math/distributions/students_t.hpp>
#include <cmath>

#include "stats/boost_policy.h"

namespace icb::stats {

Result<MeanEstimate> Mean(std::span<const double> values, const std::vector<double>& levels) {
  if (values.empty()) return Status::InvalidInput("mean: no values");
  MeanEstimate out;
  out.value_count = static_cast<int64_t>(values.size());
  bool missing = false;
  for (double v : values) {
    if (std::isnan(v)) missing = true;
    else if (!std::isfinite(v)) return Status::InvalidInput("mean: values must be finite numbers");
  }
  out.estimate = NotAvailable(levels, "mean", "Student's t-distribution", "");
  if (missing) {
    out.estimate.note = "mean NA when any value is missing";
    return out;
  }
  // Two passes (sum, then squared deviations about the mean) for accuracy.
  double sum = 0;
  for (double v : values) sum += v;
  const double n = static_cast<double>(values.size());
  const double mean = sum / n;
  out.value_sum = sum;
  out.estimate.value = mean;
  if (values.size() < 2) {
    out.estimate.note = "no interval for a single value";
    return out;
  }
  double ss = 0;
  for (double v : values) ss += (v - mean) * (v - mean);
  out.stdev = std::sqrt(ss / (n - 1.0));
  const boost::math::students_t_distribution<double, internal::NoThrowPolicy> t(n - 1.0);
  for (size_t i = 0; i < levels.size(); ++i) {
    const double alpha = 1.0 - levels[i];
    const double tq = std::fabs(boost::math::quantile(t, alpha / 2.0));
    const double half = tq * out.stdev / std::sqrt(n);
    out.estimate.intervals[i] = {mean - half, mean + half};
  }
  return out;
}

}  // namespace icb::stats
