// Assigning quantiles (e.g. deprivation deciles) to the areas of one group, as the PHE technical
// guide "Assigning Deprivation Categories" and PHEindicatormethods::phe_quantile: rank with ties
// taking the minimum rank (on -value when inverted, so the highest value is rank 1), then
// q = floor((Q + 1) - ceil(((N + 1) - rank)/(N/Q))), with 0 mapped to 1. Unweighted by population.
// Plain function; thread safe.
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "core/status.h"

namespace icb::stats {

// One result per value; NaN values are missing and get nullopt, and N counts only the others.
// When N < nquantiles every result is nullopt (PHE: NA with a warning). invert = true gives
// quantile 1 to the highest values (as phe_quantile's default). InvalidInput for nquantiles < 1
// or an infinite value.
Result<std::vector<std::optional<int>>> AssignQuantiles(std::span<const double> values, int nquantiles,
                                                        bool invert = true);

}  // namespace icb::stats
