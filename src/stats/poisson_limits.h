// Confidence limits for a Poisson count O (the observed events behind a rate, ISR or DSR), on the
// count scale: exact limits from chi-square (gamma) quantiles, Byars' approximation, and the
// public-health rule "exact if O < 10, Byars otherwise" (PHE/OHID Technical Guide: Confidence
// Intervals; Breslow & Day 1987). Divide by the denominator (and multiply) to get a rate's limits.
// Plain functions; thread safe.
#pragma once

#include <string>

#include "stats/confidence.h"

namespace icb::stats {

// Exact limits: L = chi2_{a/2}(2O)/2 (0 when O = 0), U = chi2_{1-a/2}(2O+2)/2, a = 1 - confidence.
// O may be non-integer; O < 0 gives NaN limits.
Interval ExactPoissonLimits(double observed, double confidence);
// Byars: L = O(1 - 1/(9O) - z/(3 sqrt O))^3, U = (O+1)(1 - 1/(9(O+1)) + z/(3 sqrt(O+1)))^3.
// The lower limit is NaN when O = 0 or when the cube would be negative (as PHEindicatormethods).
Interval ByarsLimits(double observed, double confidence);
// Exact when O < 10, Byars when O >= 10.
Interval PoissonLimits(double observed, double confidence);
// "Exact" when O < 10, "Byars" otherwise: the method text for PoissonLimits.
std::string PoissonMethod(double observed);

}  // namespace icb::stats
