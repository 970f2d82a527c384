// Proportion of aggregate counts, x/n x multiplier with Wilson score limits, with the statistic and
// method texts of PHEindicatormethods::phe_proportion. Plain function; thread safe.
#pragma once

#include <vector>

#include "core/status.h"
#include "stats/estimate.h"

namespace icb::stats {

// x/n x multiplier with Wilson limits at each level. InvalidInput when x < 0, n <= 0 or x > n, or
// either is not finite. statistic: "proportion of 1" (multiplier 1), "percentage" (100), else
// "proportion of <multiplier>"; method "Wilson".
Result<Estimate> Proportion(double x, double n, const std::vector<double>& levels, double multiplier = 1);

}  // namespace icb::stats
