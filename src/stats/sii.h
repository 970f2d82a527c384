// Slope index of inequality (SII) and relative index of inequality (RII), Low & Low (2004), with the
// semantics of PHEindicatormethods' phe_sii (docs/reference/stats-variation.md, "SII"). Quantiles are sorted
// as integers, 1 = most deprived; the value is regressed by weighted least squares (weights = the
// quantiles' population shares) on the cumulative-midpoint rank, and the confidence interval comes
// from a seeded Monte Carlo simulation whose normal draws are our own (SiiNormalStream), so results
// are identical on every platform and standard library. `--analytic` gives the closed-form type-0
// interval instead. Plain functions on values; thread safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "stats/confidence.h"

namespace icb::stats {

// How the value is distributed: 0 normal (means, life expectancy), 1 rate (log scale), 2 proportion
// (logit scale; values and limits in [0,1] after dividing by the proportion multiplier).
enum class SiiValueType : uint8_t { kNormal = 0, kRate = 1, kProportion = 2 };

// One quantile (e.g. an IMD decile) of one area. Give `se`, or both confidence limits (always read
// as 95% limits, as phe_sii does); limits are on the value's own scale.
struct SiiQuantile {
  int quantile = 0;         // 1 = most deprived
  double population = 0;    // weight; > 0
  double value = kNaN;
  double lower_cl = kNaN;
  double upper_cl = kNaN;
  double se = kNaN;         // standard error on the regression scale (log/logit for types 1 and 2)
};

struct SiiOptions {
  SiiValueType value_type = SiiValueType::kNormal;
  bool transform = false;          // fit on the log/logit scale (types 1 and 2, needs CLs, not se)
  double multiplier = 1;           // SII x multiplier; negative flips direction (RII inverted)
  int repetitions = 100000;        // Monte Carlo draws; at least 1000
  uint64_t seed = 1;               // SiiNormalStream seed
  std::vector<double> confidence = {0.95};
  bool analytic = false;           // closed-form CI beta1 +/- z sqrt(sum h_i^2 se_i^2) (type 0 only)
  bool reliability = false;        // rerun 10 batches and report the mean absolute CI difference
};

struct SiiResult {
  double sii = kNaN;
  double rii = kNaN;
  double intercept = kNaN;                 // beta0 (on the fitted scale)
  std::vector<Interval> sii_ci;            // one per options.confidence level
  std::vector<Interval> rii_ci;            // empty with --analytic
  double sii_reliability = kNaN;           // mean |CI limit difference| over 10 reruns (reliability)
  double rii_reliability = kNaN;
  size_t quantile_count = 0;               // quantiles used
  std::vector<std::string> warnings;       // e.g. "2 quantiles dropped: missing standard error"
  std::string method;                      // "Monte Carlo (100000 repetitions, seed 1)" or "analytic"
};

// Computes SII/RII for one area's quantiles (any order). InvalidInput for fewer than 5 usable
// quantiles, duplicate quantiles, a non-positive population, repetitions < 1000, values outside the
// log/logit domain, or options that do not fit together (transform with se, analytic with type 1/2).
Result<SiiResult> CalculateSii(std::vector<SiiQuantile> quantiles, const SiiOptions& options);

// The point estimates only (deterministic): {intercept, slope} of the WLS of y on the
// cumulative-midpoint rank, quantiles already sorted and populations > 0.
struct SiiFit {
  double intercept = kNaN;
  double slope = kNaN;
};
SiiFit FitSii(const std::vector<double>& population, const std::vector<double>& y);

}  // namespace icb::stats
