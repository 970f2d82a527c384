// Period life expectancy from an abridged life table by Chiang's method II with Silcocks et al.
// (2001) variance, as PHEindicatormethods::phe_life_expectancy and the PHE/OHID LE calculator:
// exactly 20 bands starting at 0, 1, 5, 10, ..., 90; a_0 = 0.1, a_i = 0.5; the last band's
// L = l/M. Suppression (value and limits NA, with a note): negative deaths, population <= 0, not 20
// bands, deaths > population in a band, or total population <= 5000. When 1.959964 SE > 10 the
// value is NA and the limits kept. Plain functions; thread safe.
#pragma once

#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "stats/estimate.h"

namespace icb::stats {

struct LifeExpectancyRow {
  double start_age = 0;   // the band's start age (0, 1, 5, ..., 90)
  Estimate estimate;      // statistic "life expectancy at <age>", method "Chiang, using Silcocks et al for confidence limits"
  double se = kNaN;       // standard error of e_x (years)
};

// The 20 start ages 0, 1, 5, 10, ..., 90.
const std::vector<double>& LifeExpectancyStartAges();
// The first whole number in an age-band label ("0", "1-4", "85-89", "90+", "Age 5 to 9") or nullopt.
std::optional<double> ParseStartAge(std::string_view label);

// One group's table: start_ages, deaths and population have one entry per band, in any order (rows
// come back sorted by start age). Returns one row per band (or only the band starting at *at_age
// when given: InvalidInput if no band starts there). Suppressed groups are rows with NA values and
// a note, not errors. InvalidInput for spans of different lengths, NaN inputs or a repeated start age.
Result<std::vector<LifeExpectancyRow>> LifeExpectancy(std::span<const double> start_ages,
                                                      std::span<const double> deaths,
                                                      std::span<const double> population,
                                                      const std::vector<double>& levels,
                                                      std::optional<double> at_age = std::nullopt);

}  // namespace icb::stats
