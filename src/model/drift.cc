#include "model/drift.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace icb::model {
namespace {

constexpr double kShareFloor = 1e-4;

// Bin index of a non-NaN value: the first edge >= x (so edges[i-1] < x <= edges[i]).
size_t BinOf(const std::vector<double>& edges, double x) {
  return static_cast<size_t>(std::lower_bound(edges.begin(), edges.end(), x) - edges.begin());
}

}  // namespace

Bins MakeQuantileBins(std::span<const float> reference, int bins) {
  Bins out;
  std::vector<double> values;
  values.reserve(reference.size());
  size_t missing = 0;
  for (float v : reference) {
    if (std::isnan(v)) {
      ++missing;
    } else {
      values.push_back(v);
    }
  }
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  if (n > 0 && bins > 1) {
    std::vector<double> distinct = values;
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    if (distinct.size() <= static_cast<size_t>(bins)) {
      // A discrete feature: one bin per value (every value but the largest is an upper edge).
      out.edges.assign(distinct.begin(), distinct.end() - 1);
    } else {
      // Upper edges at the i/bins quantiles (the ceil(i n / bins)-th smallest value), deduplicated;
      // an edge at the maximum would leave the last bin empty, so it is dropped.
      for (int i = 1; i < bins; ++i) {
        const size_t rank = static_cast<size_t>(std::ceil(static_cast<double>(i) * static_cast<double>(n) / bins));
        const double e = values[std::clamp<size_t>(rank, 1, n) - 1];
        if (e >= values.back()) break;
        if (out.edges.empty() || e > out.edges.back()) out.edges.push_back(e);
      }
    }
  }
  out.reference_shares.assign(out.edges.size() + 1 + (missing > 0 ? 1 : 0), 0.0);
  if (reference.empty()) return out;
  std::vector<size_t> counts(out.reference_shares.size(), 0);
  for (double v : values) ++counts[BinOf(out.edges, v)];
  if (missing > 0) counts.back() = missing;
  for (size_t i = 0; i < counts.size(); ++i) {
    out.reference_shares[i] = static_cast<double>(counts[i]) / static_cast<double>(reference.size());
  }
  return out;
}

std::vector<double> BinShares(const Bins& bins, std::span<const float> values) {
  const size_t value_bins = bins.edges.size() + 1;
  size_t missing = 0;
  std::vector<size_t> counts(value_bins, 0);
  for (float v : values) {
    if (std::isnan(v)) {
      ++missing;
    } else {
      ++counts[BinOf(bins.edges, v)];
    }
  }
  // The NaN share is kept last when the reference had one, or when these values have any.
  const bool nan_slot = bins.reference_shares.size() > value_bins || missing > 0;
  std::vector<double> shares(value_bins + (nan_slot ? 1 : 0), 0.0);
  if (values.empty()) return shares;
  const double n = static_cast<double>(values.size());
  for (size_t i = 0; i < value_bins; ++i) shares[i] = static_cast<double>(counts[i]) / n;
  if (nan_slot) shares.back() = static_cast<double>(missing) / n;
  return shares;
}

double Psi(const Bins& bins, std::span<const float> current) {
  if (current.empty()) return std::numeric_limits<double>::quiet_NaN();
  const std::vector<double> cur = BinShares(bins, current);
  double psi = 0;
  for (size_t i = 0; i < cur.size(); ++i) {
    const double r = std::max(kShareFloor, i < bins.reference_shares.size() ? bins.reference_shares[i] : 0.0);
    const double c = std::max(kShareFloor, cur[i]);
    psi += (c - r) * std::log(c / r);
  }
  return psi;
}

DriftLevel PsiLevel(double psi) {
  if (psi >= 0.25) return DriftLevel::kMajor;
  if (psi >= 0.1) return DriftLevel::kModerate;
  return DriftLevel::kStable;
}

std::string_view DriftLevelName(DriftLevel l) {
  switch (l) {
    case DriftLevel::kStable:
      return "stable";
    case DriftLevel::kModerate:
      return "moderate";
    case DriftLevel::kMajor:
      return "major";
  }
  return "stable";
}

}  // namespace icb::model
