// Arithmetic mean of a group's values with a Student's t interval, mean -/+ t_{n-1,1-a/2} s/sqrt(n)
// (PHEindicatormethods::phe_mean). Plain function; thread safe.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/status.h"
#include "stats/estimate.h"

namespace icb::stats {

struct MeanEstimate {
  Estimate estimate;      // statistic "mean", method "Student's t-distribution"
  double value_sum = kNaN;
  int64_t value_count = 0;  // number of values, missing ones (NaN) included
  double stdev = kNaN;      // sample standard deviation (n - 1)
};

// NaN values are missing: as in phe_mean (no na.rm) any missing value makes value, limits, sum and
// sd NaN, with a note. One value: the mean with NaN limits (no sd). InvalidInput for no values or
// an infinite value.
Result<MeanEstimate> Mean(std::span<const double> values, const std::vector<double>& levels);

}  // namespace icb::stats
