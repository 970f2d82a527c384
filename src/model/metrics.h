// Performance measures of a risk score against binary outcomes: AUROC with DeLong's variance,
// paired DeLong comparison, average precision (AUPRC), Brier score, calibration slope and
// intercept, risk-band (decile) tables and the classification measures (PPV, sensitivity, FPR, FNR)
// of flagging the top x%. Pure functions over spans; thread safe. Definitions, formulas and sources:
// docs/reference/risk-evaluation.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/status.h"

namespace icb::model {

struct AurocResult {
  double auroc = 0;        // P(score of a random positive > score of a random negative), ties 1/2
  double se = 0;           // DeLong et al. (1988) standard error
  double lower = 0;        // auroc -/+ z * se at `confidence`, clipped to [0, 1] (as pROC "delong")
  double upper = 0;
  double confidence = 0.95;
  size_t positives = 0;
  size_t negatives = 0;
};
// AUROC of `score` for `outcome` (0/1). DeLong variance by the O(n log n) algorithm of Sun & Xu
// (2014). InvalidInput when sizes differ, a score is NaN, an outcome is not 0/1, or there are no
// positives or no negatives. One sort: O(n log n).
Result<AurocResult> Auroc(std::span<const float> score, std::span<const uint8_t> outcome,
                          double confidence = 0.95);

struct AurocComparison {
  double auroc_a = 0, auroc_b = 0;
  double difference = 0;   // a - b
  double se = 0;           // DeLong paired standard error of the difference
  double z = 0;
  double p_value = 1;      // two-sided
};
// DeLong's paired test of two scores on the same outcomes.
Result<AurocComparison> CompareAuroc(std::span<const float> score_a, std::span<const float> score_b,
                                     std::span<const uint8_t> outcome);

// Average precision: sum over positives, in descending score, of precision at each distinct
// threshold times the recall step (as scikit-learn's average_precision_score). Tied scores form
// one threshold. 0 when there are no positives. NaN scores count as the lowest.
double AveragePrecision(std::span<const float> score, std::span<const uint8_t> outcome);

// Mean squared difference between probability and outcome (NaN when empty or sizes differ).
double BrierScore(std::span<const float> probability, std::span<const uint8_t> outcome);

struct Calibration {
  double slope = 0, slope_se = 0;          // b of logit P(y) = a + b * logit(p) (Cox 1958)
  double intercept = 0, intercept_se = 0;  // calibration-in-the-large: a of logit P(y) = a + logit(p)
  double observed = 0;                     // events
  double expected = 0;                     // sum of probabilities
  double oe_ratio = 0;                     // observed / expected
  size_t n = 0;
};
// Calibration slope and intercept by maximum likelihood (probabilities clamped to [1e-12, 1-1e-12]).
// The slope and its SE are NaN when every probability is the same. InvalidInput without both outcomes.
Result<Calibration> CalibrationFit(std::span<const float> probability, std::span<const uint8_t> outcome);

// Local recalibration: p' = expit(intercept + slope * logit(p)) with (intercept, slope) fitted by
// logistic regression of the outcome on logit(p) (slope and intercept of the joint fit, not the
// calibration-in-the-large intercept).
struct Recalibration {
  double intercept = 0;
  double slope = 1;
  bool identity() const { return intercept == 0 && slope == 1; }
  float Apply(float p) const;
};
Result<Recalibration> FitRecalibration(std::span<const float> probability, std::span<const uint8_t> outcome);

struct RiskBand {
  int band = 0;                  // 1 = lowest predicted risk .. bands = highest
  size_t n = 0;
  size_t events = 0;
  double mean_predicted = 0;
  double observed = 0;           // events / n
  double observed_lower = 0;     // Wilson 95% interval of the observed proportion
  double observed_upper = 0;
  float min_score = 0, max_score = 0;
};
// Rows sorted by probability (ties broken by row index; NaN lowest) and cut into `bands` groups of equal size
// (the first n % bands groups one larger). Fewer groups when there are fewer rows than bands.
std::vector<RiskBand> RiskBands(std::span<const float> probability, std::span<const uint8_t> outcome, int bands = 10);

struct Classification {
  double fraction = 0;       // the fraction flagged asked for (0 when a fixed threshold was given)
  float threshold = 0;       // flagged: score >= threshold
  size_t n = 0, positives = 0;
  size_t flagged = 0, true_positives = 0;
  double ppv = 0;            // true positives / flagged (0 when none flagged)
  double sensitivity = 0;    // true positives / positives
  double fpr = 0;            // false positives / negatives
  double fnr = 0;            // false negatives / positives
};
// The threshold that flags the top `fraction` of rows (the score of the ceil(fraction * n)-th highest
// row; every row tied with it is flagged too). ceil allows 1e-9 so 0.07 * 100 counts 7 rows; at least
// one row is flagged when fraction > 0; +infinity (none flagged) when fraction <= 0 or no rows.
float TopFractionThreshold(std::span<const float> score, double fraction);
// Classification measures when rows with score >= threshold are flagged.
Classification ClassifyAtThreshold(std::span<const float> score, std::span<const uint8_t> outcome, float threshold);
// ClassifyAtThreshold at TopFractionThreshold(score, fraction), with `fraction` recorded.
Classification ClassifyTopFraction(std::span<const float> score, std::span<const uint8_t> outcome, double fraction);

}  // namespace icb::model
