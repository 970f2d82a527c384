// Statistical process control in NHS England's Making Data Count (MDC) style: XmR charts with the
// semantics of NHSRplotthedots 0.2.2 (docs/reference/stats-variation.md, "SPC"). Per facet and rebase group:
// mean and average moving range of the baseline (optionally screened), process limits
// mean -/+ 2.66 AMR, "near" lines at two thirds of that, the four special-cause rules with their
// precedence, point types relative to the improvement direction, the variation icon (last point),
// the assurance icon against a target, and short-group warnings. Every divergence between the
// package and the current MDC tools is a named option; two presets bundle them. Plain functions on
// values; thread safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "stats/confidence.h"

namespace icb::stats {

enum class SpcImprovement : uint8_t { kIncrease, kDecrease, kNeutral };
Result<SpcImprovement> ParseSpcImprovement(std::string_view text);  // increase|decrease|neutral

struct SpcOptions {
  bool screen_outliers = true;            // drop moving ranges >= 3.267 AMR once, recompute AMR
  int run_length = 7;                     // points for a run (one side of the mean) and a trend
  bool two_sigma_includes_beyond = false; // 2-in-3 counts points beyond the limits too (MDC 2023)
  bool tie_breaks_trend = true;           // equal consecutive values break a trend
  int fix_after_n_points = 0;             // baseline of the first N points of each group (0: all; else >= 12)
  int min_points_for_limits = 0;          // groups shorter than this get no limits/rules (0: always compute)
  int short_group_warning = 13;           // warn for a group with fewer points than this
  SpcImprovement improvement = SpcImprovement::kIncrease;
  std::optional<double> target;           // for the assurance icon
};
// "NHSRplotthedots-0.2.2" (the package defaults) or "MDC-Excel-current" (no screening, 2-in-3
// counts points beyond the limits; otherwise the same: run and trend 7, baseline all points).
Result<SpcOptions> SpcPreset(std::string_view name);

// One observation. `period` orders the points within a facet (ISO dates sort as text); `facet`
// separates independent charts (empty: one chart). `rebase` starts a new limit group at this point.
struct SpcPoint {
  std::string period;
  double value = kNaN;
  std::string facet;
  bool rebase = false;
};

enum class SpcRule : uint8_t {
  kCommonCause, kAboveLimit, kBelowLimit, kTrendIncreasing, kTrendDecreasing,
  kTwoInThreeAbove, kTwoInThreeBelow, kRunAbove, kRunBelow,
};
// "Common Cause", "Above UCL", "Below LCL", "7 Point Trend (Increasing)", ..., "2 in 3 Above CL",
// "7 Points Below CL" (run and trend labels use options' run length).
std::string SpcRuleLabel(SpcRule rule, int run_length);

enum class SpcPointType : uint8_t {
  kCommonCause, kImprovement, kConcern, kNeutralHigh, kNeutralLow,
};
// "common_cause", "special_cause_improvement", "special_cause_concern",
// "special_cause_neutral_high", "special_cause_neutral_low".
std::string_view SpcPointTypeName(SpcPointType t);

struct SpcPointResult {
  std::string period, facet;
  double value = kNaN;
  int rebase_group = 0;                  // 0, 1, ... within the facet
  double mean = kNaN, lpl = kNaN, upl = kNaN;
  double near_lower = kNaN, near_upper = kNaN;
  bool outside_limits = false;
  int relative_to_mean = 0;              // -1, 0, +1
  bool close_to_limits = false;
  SpcRule rule = SpcRule::kCommonCause;
  SpcPointType point_type = SpcPointType::kCommonCause;
};

// Per facet: "common_cause", "improvement_high", "improvement_low", "concern_high", "concern_low",
// "neutral_high", "neutral_low" (variation, from the last point); assurance "consistent_pass",
// "consistent_fail", "inconsistent" or "" (no target or neutral direction).
struct SpcFacetSummary {
  std::string facet;
  size_t n = 0;
  double mean = kNaN, lpl = kNaN, upl = kNaN;  // of the last point's group
  size_t common_cause = 0, special_cause_improvement = 0, special_cause_concern = 0,
         special_cause_neutral = 0;
  std::string variation;
  std::string assurance;
};

struct SpcResult {
  std::vector<SpcPointResult> points;    // sorted by facet (first appearance) then period
  std::vector<SpcFacetSummary> facets;
  std::vector<std::string> warnings;     // short groups, unused rebase points
};

// InvalidInput for a missing value or period, a duplicate period within a facet, or an invalid
// option (fix_after_n_points 1..11, run_length < 2).
Result<SpcResult> CalculateSpc(const std::vector<SpcPoint>& points, const SpcOptions& options);

// The limits of one series as a building block: {mean, amr} of `values[0, baseline)`.
struct SpcLimits {
  double mean = kNaN;
  double amr = kNaN;
};
SpcLimits SpcBaselineLimits(const std::vector<double>& values, size_t baseline, bool screen_outliers);

}  // namespace icb::stats
