// Crude rate of aggregate counts, x/n x multiplier, with exact Poisson limits for x < 10 and Byars'
// for x >= 10 (PHEindicatormethods::phe_rate; PHE/OHID Technical Guide: Confidence Intervals).
// Plain function; thread safe.
#pragma once

#include <vector>

#include "core/status.h"
#include "stats/estimate.h"

namespace icb::stats {

// x/n x multiplier with the Poisson limits of x divided by n. InvalidInput when x < 0 or n <= 0 or
// either is not finite (x > n is fine). statistic "rate per <multiplier>"; method "Exact" (x < 10)
// or "Byars" (x >= 10).
Result<Estimate> CrudeRate(double x, double n, const std::vector<double>& levels, double multiplier = 100000);

}  // namespace icb::stats
