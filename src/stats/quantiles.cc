#include "stats/quantiles.h"

#include <algorithm>
#include <cmath>

namespace icb::stats {

Result<std::vector<std::optional<int>>> AssignQuantiles(std::span<const double> values, int nquantiles, bool invert) {
  if (nquantiles < 1) return Status::InvalidInput("quantile: the number of quantiles must be at least 1");
  std::vector<double> keys;
  keys.reserve(values.size());
  for (double v : values) {
    if (std::isnan(v)) continue;
    if (!std::isfinite(v)) return Status::InvalidInput("quantile: values must be finite numbers");
    keys.push_back(invert ? -v : v);
  }
  std::vector<std::optional<int>> out(values.size());
  const double N = static_cast<double>(keys.size());
  const double Q = nquantiles;
  if (keys.size() < static_cast<size_t>(nquantiles)) return out;  // N < Q: all NA
  std::sort(keys.begin(), keys.end());
  for (size_t i = 0; i < values.size(); ++i) {
    if (std::isnan(values[i])) continue;
    const double key = invert ? -values[i] : values[i];
    // Ties take the minimum rank: 1 + the number of strictly smaller keys.
    const double rank = 1.0 + static_cast<double>(std::lower_bound(keys.begin(), keys.end(), key) - keys.begin());
    double q = std::floor((Q + 1.0) - std::ceil(((N + 1.0) - rank) / (N / Q)));
    if (q == 0) q = 1;
    out[i] = static_cast<int>(q);
  }
  return out;
}

}  // namespace icb::stats
