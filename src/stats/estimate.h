// Estimate: one statistic with its confidence intervals, as every method in src/stats/ returns it
// (the row PHEindicatormethods writes with type = "full"): the value, one Interval per requested
// confidence level (same order as `levels`), the statistic and method texts, and a note saying why
// the value is NA when it is (value NaN). Plain value type; thread safe to copy and read.
#pragma once

#include <string>
#include <vector>

#include "stats/confidence.h"

namespace icb::stats {

struct Estimate {
  double value = kNaN;              // NaN: not available (see `note`)
  std::vector<double> levels;       // confidence levels, e.g. {0.95} or {0.95, 0.998}
  std::vector<Interval> intervals;  // one per level; NaN limits when not available
  std::string statistic;            // e.g. "proportion of 1", "rate per 100000", "dsr per 100000"
  std::string method;               // e.g. "Wilson", "Exact", "Byars", "Dobson"
  std::string note;                 // why the value or limits are NA ("" when they are not)

  bool has_value() const { return value == value; }
};

// The `confidence` column text: "95%", "99.8%", or "95%, 99.8%" for the pair.
std::string ConfidenceText(const std::vector<double>& levels);
// An Estimate with no value: NaN value and limits for each level, and `note`.
Estimate NotAvailable(const std::vector<double>& levels, std::string statistic, std::string method,
                      std::string note);

// A multiplier as PHEindicatormethods prints it (format(scientific = FALSE)): 100000 -> "100000".
std::string MultiplierText(double multiplier);

}  // namespace icb::stats
