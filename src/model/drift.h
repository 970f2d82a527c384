// Population stability index (PSI) between a reference distribution (the training period) and a
// current one, with bins fixed on the reference: Bins are stored in the model card, so drift can be
// checked later without the training data. Pure functions; thread safe. Thresholds and sources:
// docs/reference/risk-drift.md.
#pragma once

#include <span>
#include <string_view>
#include <vector>

namespace icb::model {

struct Bins {
  // Upper edges of bins 0..k-2 (bin i holds edges[i-1] < x <= edges[i]); the last bin is open.
  // Quantile edges of the reference, deduplicated, so a discrete feature gets one bin per value.
  std::vector<double> edges;
  // Size edges.size() + 1, summing to 1; plus a last NaN share when the reference had missing values.
  std::vector<double> reference_shares;
};
// Bins at the `bins`-quantiles of `reference` (NaN rows form their own share, kept last when any).
// A feature with at most `bins` distinct values gets one bin per value (a 0/1 flag: 2 bins); otherwise
// the upper edges are the ceil(i*n/bins)-th smallest values, deduplicated, without the maximum.
Bins MakeQuantileBins(std::span<const float> reference, int bins = 10);
// Shares of `values` in the bins; a last NaN share when the bins have one or `values` has any NaN.
std::vector<double> BinShares(const Bins& bins, std::span<const float> values);
// PSI = sum (cur - ref) * ln(cur / ref), with shares floored at 1e-4 to keep empty bins finite
// (a NaN share absent from the reference counts as 0 there). NaN when `current` is empty.
double Psi(const Bins& bins, std::span<const float> current);

enum class DriftLevel { kStable, kModerate, kMajor };
// PSI < 0.1 stable, 0.1-0.25 moderate, >= 0.25 major (the conventional credit-scoring bands; NaN: stable).
DriftLevel PsiLevel(double psi);
std::string_view DriftLevelName(DriftLevel l);  // "stable", "moderate", "major"

}  // namespace icb::model
