// Directly standardised rate (DSR) with Dobson et al. (1991) confidence limits built on Byars'
// limits for the total count, as PHEindicatormethods::calculate_dsr and the PHE/OHID technical
// guidance: DSR = sum(w x/n)/sum(w) x multiplier; var = sum(w^2 x/n^2)/sum(w)^2; limit = DSR +
// sqrt(var/O)(Byars(O) - O). A total count below 10 gives NA value and limits ("dsr NA for total
// count < 10"). Plain functions; thread safe.
#pragma once

#include <span>
#include <vector>

#include "core/status.h"
#include "stats/estimate.h"

namespace icb::stats {

struct DsrEstimate {
  Estimate estimate;       // statistic "dsr per <multiplier>", method "Dobson"
  double total_count = 0;  // O = sum of events
  double total_pop = 0;    // sum of the local populations
};

// One entry per age band in each span (same length, same band order). NaN events count as 0 (as
// calculate_dsr); InvalidInput for negative or non-finite events, a NaN or non-positive population
// or standard weight, or spans of different lengths (message names the band index).
Result<DsrEstimate> Dsr(std::span<const double> events, std::span<const double> population,
                        std::span<const double> standard, const std::vector<double>& levels,
                        double multiplier = 100000);

// Non-independent events (calculate_dsr independent_events = FALSE): for each band, rows of
// persons having `frequency` events each. events = sum(frequency x persons); the variance is
// sum over frequencies f of f^2 var_f (var_f: the Dobson variance of the persons with frequency f).
struct DsrFrequencyRow {
  size_t band = 0;         // index into population / standard
  double frequency = 1;    // events per person (> 0)
  double persons = 0;      // persons with that many events (>= 0)
};
Result<DsrEstimate> DsrNonIndependent(std::span<const DsrFrequencyRow> rows, std::span<const double> population,
                                      std::span<const double> standard, const std::vector<double>& levels,
                                      double multiplier = 100000);

}  // namespace icb::stats
