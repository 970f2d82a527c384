// Indirect standardisation (PHEindicatormethods calculate_ISRatio and calculate_ISRate; Breslow &
// Day 1987): expected E = sum n_i X_i/N_i from reference band rates, observed O = sum x_i (or a
// given total), ratio = O/E x refvalue, rate = O/E x (sum X/sum N x multiplier); limits are the
// exact (O < 10) or Byars Poisson limits of O divided by E. Plain functions; thread safe.
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "core/status.h"
#include "stats/estimate.h"

namespace icb::stats {

struct IsrEstimate {
  Estimate estimate;             // ratio: "indirectly standardised ratio x <refvalue>";
                                 // rate: "indirectly standardised rate per <multiplier>"
  double observed = 0;           // O
  double expected = 0;           // E
  double reference_rate = kNaN;  // sum X_ref / sum N_ref x multiplier (rate only)
};

// One entry per age band in each span (same length and band order). NaN observed and population
// count as 0, NaN reference counts as 0 (as PHEindicatormethods). `observed_total`, when given,
// replaces sum(observed) (observed may then be empty). InvalidInput for negative values, a
// non-positive reference population, spans of different lengths; E = 0 gives NA with a note.
Result<IsrEstimate> IsRatio(std::span<const double> observed, std::span<const double> population,
                            std::span<const double> ref_observed, std::span<const double> ref_population,
                            const std::vector<double>& levels, double refvalue = 100,
                            std::optional<double> observed_total = std::nullopt);
Result<IsrEstimate> IsRate(std::span<const double> observed, std::span<const double> population,
                           std::span<const double> ref_observed, std::span<const double> ref_population,
                           const std::vector<double>& levels, double multiplier = 100000,
                           std::optional<double> observed_total = std::nullopt);

}  // namespace icb::stats
