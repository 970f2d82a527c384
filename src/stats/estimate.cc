#include "stats/estimate.h"

#include <fmt/format.h>

namespace icb::stats {

std::string ConfidenceText(const std::vector<double>& levels) {
  std::string out;
  for (size_t i = 0; i < levels.size(); ++i) {
    if (i) out += ", ";
    out += fmt::format("{:.15g}%", levels[i] * 100.0);
  }
  return out;
}

Estimate NotAvailable(const std::vector<double>& levels, std::string statistic, std::string method,
                      std::string note) {
  Estimate e;
  e.levels = levels;
  e.intervals.assign(levels.size(), Interval{});
  e.statistic = std::move(statistic);
  e.method = std::move(method);
  e.note = std::move(note);
  return e;
}

std::string MultiplierText(double multiplier) { return fmt::format("{:.15g}", multiplier); }

}  // namespace icb::stats
