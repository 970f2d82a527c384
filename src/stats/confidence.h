// Confidence levels and the output column names UK analysts know from PHEindicatormethods:
// one level gives `lowercl, uppercl`; exactly 95% and 99.8% give
// `lower95_0cl, upper95_0cl, lower99_8cl, upper99_8cl`. Also the two-sided normal quantile z for a
// level (z = Phi^-1(1 - alpha/2), Boost.Math's normal quantile, accurate to ~1e-16 like R's
// qnorm). Plain functions; thread safe.
#pragma once

#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace icb::stats {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// A two-sided interval; both NaN when not available.
struct Interval {
  double lower = kNaN;
  double upper = kNaN;
};

// Parses "0.95", "95", "0.998", "99.8" or the pair "0.95,0.998" (also "95,99.8"). One level must
// lie in [0.9, 1]; two levels must be exactly 0.95 and 0.998, as in PHEindicatormethods.
Result<std::vector<double>> ParseConfidence(std::string_view text);

// Column names for the lower and upper limits of level `i` of `levels`: ("lowercl", "uppercl")
// for a single level, ("lower95_0cl", "upper95_0cl") / ("lower99_8cl", "upper99_8cl") for two.
std::string LowerColumn(const std::vector<double>& levels, size_t i);
std::string UpperColumn(const std::vector<double>& levels, size_t i);

// z = Phi^-1(1 - (1 - confidence)/2): 1.959963984540054 at 0.95, 3.090232306167813 at 0.998.
double ZForConfidence(double confidence);
// Phi^-1(p), the standard normal quantile.
double NormalQuantile(double p);

}  // namespace icb::stats
