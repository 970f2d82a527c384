// Wilson score interval for a proportion x/n (Wilson 1927; Newcombe 1998 method 3), as used by the
// PHE/OHID Fingertips tools and PHEindicatormethods::phe_proportion:
// (2x + z^2 -/+ z sqrt(z^2 + 4x(1 - x/n))) / (2(n + z^2)). Plain functions; thread safe.
#pragma once

#include "stats/confidence.h"

namespace icb::stats {

// Limits on the 0..1 scale (not multiplied). x = 0 gives a lower limit of exactly 0; confidence 1
// gives (0, 1). Non-integer x is accepted. Callers check 0 <= x <= n and n > 0 (NaN otherwise).
Interval WilsonInterval(double x, double n, double confidence);

}  // namespace icb::stats
