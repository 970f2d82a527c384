#include "stats/confidence.h"

#include <boost/math/distributions/normal.hpp>
#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <optional>

namespace icb::stats {
namespace {

std::optional<double> ParseLevel(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  if (v >= 90 && v <= 100) v /= 100.0;
  return v;
}

bool Near(double a, double b) { return std::fabs(a - b) < 1e-12; }

}  // namespace

Result<std::vector<double>> ParseConfidence(std::string_view text) {
  std::vector<double> levels;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = text.find(',', start);
    const std::string_view part = text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    const auto level = ParseLevel(part);
    if (!level)
      return Status::InvalidInput("--confidence: '" + std::string(part) + "' is not a number (expected e.g. 0.95 or 0.95,0.998)");
    levels.push_back(*level);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  if (levels.size() == 1) {
    if (levels[0] < 0.9 || levels[0] > 1)
      return Status::InvalidInput("--confidence: a level must be between 0.9 and 1 (or 90 and 100)");
    return levels;
  }
  if (levels.size() == 2 && Near(levels[0], 0.95) && Near(levels[1], 0.998)) return std::vector<double>{0.95, 0.998};
  return Status::InvalidInput("--confidence: give one level, or exactly 0.95,0.998");
}

std::string LowerColumn(const std::vector<double>& levels, size_t i) {
  if (levels.size() == 1) return "lowercl";
  return Near(levels[i], 0.95) ? "lower95_0cl" : "lower99_8cl";
}
std::string UpperColumn(const std::vector<double>& levels, size_t i) {
  if (levels.size() == 1) return "uppercl";
  return Near(levels[i], 0.95) ? "upper95_0cl" : "upper99_8cl";
}

double NormalQuantile(double p) {
  static const boost::math::normal_distribution<double> kStandard(0.0, 1.0);
  return boost::math::quantile(kStandard, p);
}

double ZForConfidence(double confidence) { return NormalQuantile(1.0 - (1.0 - confidence) / 2.0); }

}  // namespace icb::stats
