#include "stats/life_expectancy.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <numeric>
#include <string>

#include <fmt/format.h>

namespace icb::stats {
namespace {

constexpr const char* kMethod = "Chiang, using Silcocks et al for confidence limits";
constexpr size_t kBands = 20;
constexpr double kRadix = 100000.0;
// The 95% half-width rule: PHEindicatormethods suppresses the value when 1.959964 SE > 10 years,
// whatever the requested confidence level.
constexpr double kZ95Rounded = 1.959964;
constexpr double kMaxHalfWidth = 10.0;
constexpr double kMinTotalPopulation = 5000.0;  // suppressed when total population <= 5000

std::string Statistic(double age) { return "life expectancy at " + fmt::format("{:.15g}", age); }

}  // namespace

const std::vector<double>& LifeExpectancyStartAges() {
  static const std::vector<double> kAges = [] {
    std::vector<double> a = {0, 1};
    for (int s = 5; s <= 90; s += 5) a.push_back(s);
    return a;
  }();
  return kAges;
}

std::optional<double> ParseStartAge(std::string_view label) {
  size_t i = 0;
  while (i < label.size() && !std::isdigit(static_cast<unsigned char>(label[i]))) ++i;
  if (i == label.size()) return std::nullopt;
  double v = 0;
  size_t digits = 0;
  while (i < label.size() && std::isdigit(static_cast<unsigned char>(label[i])) && digits < 4) {
    v = v * 10 + (label[i] - '0');
    ++i;
    ++digits;
  }
  return v;
}

Result<std::vector<LifeExpectancyRow>> LifeExpectancy(std::span<const double> start_ages,
                                                      std::span<const double> deaths,
                                                      std::span<const double> population,
                                                      const std::vector<double>& levels,
                                                      std::optional<double> at_age) {
  const size_t k = start_ages.size();
  if (deaths.size() != k || population.size() != k)
    return Status::InvalidInput("life expectancy: start ages, deaths and populations must have the same length");
  for (size_t i = 0; i < k; ++i)
    if (!std::isfinite(start_ages[i]) || !std::isfinite(deaths[i]) || !std::isfinite(population[i]))
      return Status::InvalidInput("life expectancy: age band " + std::to_string(i + 1) + ": values must be numbers");
  // Sort bands by start age (input order does not matter, as in PHEindicatormethods).
  std::vector<size_t> order(k);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return start_ages[a] < start_ages[b]; });
  std::vector<double> age(k), D(k), P(k);
  for (size_t i = 0; i < k; ++i) {
    age[i] = start_ages[order[i]];
    D[i] = deaths[order[i]];
    P[i] = population[order[i]];
    if (i && age[i] == age[i - 1])
      return Status::InvalidInput("life expectancy: start age " + fmt::format("{:.15g}", age[i]) + " appears twice");
  }
  if (at_age && std::find(age.begin(), age.end(), *at_age) == age.end())
    return Status::InvalidInput("life expectancy: no age band starts at " + fmt::format("{:.15g}", *at_age));

  auto rows_with_note = [&](const std::string& note) {
    std::vector<LifeExpectancyRow> rows;
    for (size_t i = 0; i < k; ++i) {
      if (at_age && age[i] != *at_age) continue;
      rows.push_back({age[i], NotAvailable(levels, Statistic(age[i]), kMethod, note), kNaN});
    }
    return rows;
  };
  // Suppression rules (PHEindicatormethods 2.1.0; see docs/reference/stats.md).
  if (k != kBands || age != LifeExpectancyStartAges())
    return rows_with_note("life expectancy NA: the age bands must be exactly 0, 1-4, 5-9, ..., 85-89, 90+");
  for (size_t i = 0; i < k; ++i) {
    if (D[i] < 0) return rows_with_note("life expectancy NA: some deaths are negative");
    if (P[i] <= 0) return rows_with_note("life expectancy NA: some populations are zero or negative");
    if (D[i] > P[i]) return rows_with_note("life expectancy NA: deaths exceed population in an age band");
  }
  const double total_pop = std::accumulate(P.begin(), P.end(), 0.0);
  if (total_pop <= kMinTotalPopulation) return rows_with_note("life expectancy NA: total population is 5000 or less");
  const size_t last = k - 1;
  if (D[last] == 0) return rows_with_note("life expectancy NA: no deaths in the last age band (90+)");

  // Chiang II abridged life table.
  std::vector<double> M(k), n(k), a(k), q(k), l(k + 1), d(k), L(k), T(k), e(k + 1, 0.0), s2(k), W(k);
  for (size_t i = 0; i < k; ++i) {
    M[i] = D[i] / P[i];
    a[i] = i == 0 ? 0.1 : 0.5;
    n[i] = i == last ? 2.0 / M[i] : age[i + 1] - age[i];
    q[i] = D[i] > P[i] / n[i] / a[i] ? 1.0 : n[i] * M[i] / (1.0 + n[i] * M[i] * (1.0 - a[i]));
  }
  q[last] = 1.0;
  l[0] = kRadix;
  for (size_t i = 0; i < k; ++i) {
    l[i + 1] = l[i] * (1.0 - q[i]);
    d[i] = i == last ? l[i] : l[i] - l[i + 1];
  }
  for (size_t i = 0; i < last; ++i) L[i] = n[i] * (l[i + 1] + a[i] * d[i]);
  L[last] = l[last] / M[last];
  double running = 0;
  for (size_t j = k; j-- > 0;) {
    running += L[j];
    T[j] = running;
    e[j] = l[j] > 0 ? T[j] / l[j] : 0.0;
  }
  // Silcocks et al. (2001) variance.
  for (size_t i = 0; i < last; ++i) {
    s2[i] = (d[i] == 0 || D[i] == 0) ? 0.0 : q[i] * q[i] * (1.0 - q[i]) / D[i];
    const double f = (1.0 - a[i]) * n[i] + e[i + 1];
    W[i] = s2[i] * l[i] * l[i] * f * f;
  }
  s2[last] = 4.0 / (D[last] * M[last] * M[last]);
  W[last] = (l[last] / 2.0) * (l[last] / 2.0) * s2[last];

  std::vector<LifeExpectancyRow> rows;
  double wsum = 0;
  std::vector<double> se(k);
  for (size_t j = k; j-- > 0;) {
    wsum += W[j];
    se[j] = l[j] > 0 ? std::sqrt(wsum) / l[j] : kNaN;
  }
  for (size_t i = 0; i < k; ++i) {
    if (at_age && age[i] != *at_age) continue;
    LifeExpectancyRow row{age[i], NotAvailable(levels, Statistic(age[i]), kMethod, ""), se[i]};
    row.estimate.value = e[i];
    for (size_t c = 0; c < levels.size(); ++c) {
      const double z = ZForConfidence(levels[c]);
      row.estimate.intervals[c] = {e[i] - z * se[i], e[i] + z * se[i]};
    }
    if (kZ95Rounded * se[i] > kMaxHalfWidth) {
      row.estimate.value = kNaN;
      row.estimate.note = "life expectancy NA: the 95% confidence interval is wider than 20 years";
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace icb::stats
