#include "model/metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

#include "model/logistic.h"
#include "stats/confidence.h"
#include "stats/wilson.h"

namespace icb::model {
namespace {

constexpr double kProbabilityClamp = 1e-12;

// One row for sorting: the score and the outcome, with the row index breaking no ties (ties are
// handled as groups, so the order within a group does not matter).
struct ScoredRow {
  float score;
  uint32_t row;
};

Status CheckInputs(std::span<const float> score, std::span<const uint8_t> outcome, const char* what) {
  if (score.size() != outcome.size()) {
    return Status::InvalidInput(std::string(what) + ": " + std::to_string(score.size()) + " scores but " +
                                std::to_string(outcome.size()) + " outcomes");
  }
  if (score.size() > UINT32_MAX) return Status::InvalidInput(std::string(what) + ": more than 2^32 rows");
  for (size_t i = 0; i < score.size(); ++i) {
    if (std::isnan(score[i])) {
      return Status::InvalidInput(std::string(what) + ": score of row " + std::to_string(i) + " is NaN");
    }
    if (outcome[i] > 1) {
      return Status::InvalidInput(std::string(what) + ": outcome of row " + std::to_string(i) +
                                  " is not 0 or 1");
    }
  }
  return Status::Ok();
}

// DeLong placements by the midrank method of Sun & Xu (2014): one sort, then each group of tied
// scores is one midrank. For a positive row, the placement is V10 = (negatives scoring below it +
// half the negatives tied with it) / negatives; for a negative row, V01 = (positives scoring above
// it + half the positives tied with it) / positives. AUROC = mean V10 = mean V01.
struct Placements {
  std::vector<double> value;  // per row: V10 for positives, V01 for negatives
  size_t positives = 0, negatives = 0;
  double auroc = 0;
};

Placements ComputePlacements(std::span<const float> score, std::span<const uint8_t> outcome) {
  const size_t n = score.size();
  std::vector<ScoredRow> rows(n);
  size_t positives = 0;
  for (size_t i = 0; i < n; ++i) {
    rows[i] = {score[i], static_cast<uint32_t>(i)};
    positives += outcome[i];
  }
  std::sort(rows.begin(), rows.end(), [](const ScoredRow& a, const ScoredRow& b) { return a.score < b.score; });
  Placements p;
  p.positives = positives;
  p.negatives = n - positives;
  p.value.assign(n, 0.0);
  if (p.positives == 0 || p.negatives == 0) return p;
  const double m = static_cast<double>(p.positives), k = static_cast<double>(p.negatives);
  size_t neg_below = 0, pos_below = 0;
  double sum_v10 = 0;
  for (size_t g = 0; g < n;) {
    size_t e = g;
    size_t pos_tied = 0;
    while (e < n && rows[e].score == rows[g].score) {
      pos_tied += outcome[rows[e].row];
      ++e;
    }
    const size_t neg_tied = (e - g) - pos_tied;
    const size_t pos_above = positives - pos_below - pos_tied;
    const double v10 = (static_cast<double>(neg_below) + 0.5 * static_cast<double>(neg_tied)) / k;
    const double v01 = (static_cast<double>(pos_above) + 0.5 * static_cast<double>(pos_tied)) / m;
    for (size_t r = g; r < e; ++r) p.value[rows[r].row] = outcome[rows[r].row] ? v10 : v01;
    sum_v10 += v10 * static_cast<double>(pos_tied);
    neg_below += neg_tied;
    pos_below += pos_tied;
    g = e;
  }
  p.auroc = sum_v10 / m;
  return p;
}

// Orders with NaN as the lowest score (AveragePrecision and RiskBands accept NaN; Auroc refuses it).
bool LessNanFirst(float a, float b) {
  if (std::isnan(a)) return !std::isnan(b);
  if (std::isnan(b)) return false;
  return a < b;
}
bool SameScore(float a, float b) { return a == b || (std::isnan(a) && std::isnan(b)); }

double Logit(double p) {
  p = std::clamp(p, kProbabilityClamp, 1.0 - kProbabilityClamp);
  return std::log(p / (1.0 - p));
}

double Expit(double x) {
  if (x >= 0) return 1.0 / (1.0 + std::exp(-x));
  const double e = std::exp(x);
  return e / (1.0 + e);
}

}  // namespace

Result<AurocResult> Auroc(std::span<const float> score, std::span<const uint8_t> outcome, double confidence) {
  ICB_RETURN_IF_ERROR(CheckInputs(score, outcome, "AUROC"));
  if (!(confidence > 0 && confidence < 1)) return Status::InvalidInput("AUROC: confidence must lie in (0, 1)");
  const Placements p = ComputePlacements(score, outcome);
  if (p.positives == 0 || p.negatives == 0) {
    return Status::InvalidInput("AUROC needs both outcomes: " + std::to_string(p.positives) + " positives and " +
                                std::to_string(p.negatives) + " negatives");
  }
  // DeLong: var = S10 / m + S01 / n with S10, S01 the sample variances (divisor m-1, n-1) of the
  // placements of the positives and of the negatives.
  double s10 = 0, s01 = 0;
  for (size_t i = 0; i < score.size(); ++i) {
    const double d = p.value[i] - p.auroc;
    (outcome[i] ? s10 : s01) += d * d;
  }
  const double m = static_cast<double>(p.positives), k = static_cast<double>(p.negatives);
  const double var = (p.positives > 1 ? s10 / (m - 1) / m : 0) + (p.negatives > 1 ? s01 / (k - 1) / k : 0);
  AurocResult r;
  r.auroc = p.auroc;
  r.se = std::sqrt(var);
  r.confidence = confidence;
  const double z = stats::ZForConfidence(confidence);
  r.lower = std::clamp(p.auroc - z * r.se, 0.0, 1.0);
  r.upper = std::clamp(p.auroc + z * r.se, 0.0, 1.0);
  r.positives = p.positives;
  r.negatives = p.negatives;
  return r;
}

Result<AurocComparison> CompareAuroc(std::span<const float> score_a, std::span<const float> score_b,
                                     std::span<const uint8_t> outcome) {
  ICB_RETURN_IF_ERROR(CheckInputs(score_a, outcome, "AUROC comparison (first score)"));
  ICB_RETURN_IF_ERROR(CheckInputs(score_b, outcome, "AUROC comparison (second score)"));
  const Placements a = ComputePlacements(score_a, outcome);
  if (a.positives == 0 || a.negatives == 0) {
    return Status::InvalidInput("AUROC comparison needs both outcomes: " + std::to_string(a.positives) +
                                " positives and " + std::to_string(a.negatives) + " negatives");
  }
  const Placements b = ComputePlacements(score_b, outcome);
  // Paired DeLong: the 2x2 covariance of the placements among positives (S10) and among
  // negatives (S01); var(a - b) = (S10aa + S10bb - 2 S10ab) / m + (S01aa + S01bb - 2 S01ab) / n.
  double s10[3] = {0, 0, 0}, s01[3] = {0, 0, 0};
  for (size_t i = 0; i < outcome.size(); ++i) {
    const double da = a.value[i] - a.auroc, db = b.value[i] - b.auroc;
    double* s = outcome[i] ? s10 : s01;
    s[0] += da * da;
    s[1] += db * db;
    s[2] += da * db;
  }
  const double m = static_cast<double>(a.positives), k = static_cast<double>(a.negatives);
  const double v10 = a.positives > 1 ? (s10[0] + s10[1] - 2 * s10[2]) / (m - 1) / m : 0;
  const double v01 = a.negatives > 1 ? (s01[0] + s01[1] - 2 * s01[2]) / (k - 1) / k : 0;
  AurocComparison c;
  c.auroc_a = a.auroc;
  c.auroc_b = b.auroc;
  c.difference = a.auroc - b.auroc;
  c.se = std::sqrt(std::max(0.0, v10 + v01));
  if (c.se > 0) {
    c.z = c.difference / c.se;
    c.p_value = std::erfc(std::fabs(c.z) / std::sqrt(2.0));
  } else {
    c.z = 0;
    c.p_value = c.difference == 0 ? 1.0 : 0.0;
  }
  return c;
}

double AveragePrecision(std::span<const float> score, std::span<const uint8_t> outcome) {
  const size_t n = std::min(score.size(), outcome.size());
  std::vector<ScoredRow> rows(n);
  size_t positives = 0;
  for (size_t i = 0; i < n; ++i) {
    rows[i] = {score[i], static_cast<uint32_t>(i)};
    positives += outcome[i] ? 1 : 0;
  }
  if (positives == 0) return 0;
  std::sort(rows.begin(), rows.end(),
            [](const ScoredRow& a, const ScoredRow& b) { return LessNanFirst(b.score, a.score); });
  double ap = 0;
  size_t tp = 0, flagged = 0;
  for (size_t g = 0; g < n;) {
    size_t e = g, pos = 0;
    while (e < n && SameScore(rows[e].score, rows[g].score)) {
      pos += outcome[rows[e].row] ? 1 : 0;
      ++e;
    }
    tp += pos;
    flagged = e;
    if (pos > 0) {
      const double precision = static_cast<double>(tp) / static_cast<double>(flagged);
      ap += precision * static_cast<double>(pos) / static_cast<double>(positives);
    }
    g = e;
  }
  return ap;
}

double BrierScore(std::span<const float> probability, std::span<const uint8_t> outcome) {
  if (probability.empty() || probability.size() != outcome.size()) return std::nan("");
  double sum = 0;
  for (size_t i = 0; i < probability.size(); ++i) {
    const double d = static_cast<double>(probability[i]) - (outcome[i] ? 1.0 : 0.0);
    sum += d * d;
  }
  return sum / static_cast<double>(probability.size());
}

namespace {

Status CheckProbabilities(std::span<const float> probability, std::span<const uint8_t> outcome, const char* what) {
  ICB_RETURN_IF_ERROR(CheckInputs(probability, outcome, what));
  if (probability.empty()) return Status::InvalidInput(std::string(what) + ": no rows");
  size_t events = 0;
  for (uint8_t y : outcome) events += y;
  if (events == 0 || events == outcome.size()) {
    return Status::InvalidInput(std::string(what) + " needs both outcomes: " + std::to_string(events) +
                                " events in " + std::to_string(outcome.size()) + " rows");
  }
  return Status::Ok();
}

std::vector<double> LogitColumn(std::span<const float> probability) {
  std::vector<double> lp(probability.size());
  for (size_t i = 0; i < probability.size(); ++i) lp[i] = Logit(probability[i]);
  return lp;
}

}  // namespace

Result<Calibration> CalibrationFit(std::span<const float> probability, std::span<const uint8_t> outcome) {
  ICB_RETURN_IF_ERROR(CheckProbabilities(probability, outcome, "calibration"));
  const std::vector<double> lp = LogitColumn(probability);
  const size_t n = probability.size();
  // Calibration-in-the-large: logit P(y) = a + offset(logit(p)).
  Result<LogisticFit> large = FitLogistic({}, n, 0, outcome, lp);
  if (!large.ok()) return Status::InvalidInput("calibration intercept: " + large.status().message());
  Calibration c;
  // Slope: logit P(y) = a + b * logit(p). Undefined (NaN) when every probability is the same.
  const bool constant = std::all_of(lp.begin(), lp.end(), [&](double v) { return v == lp[0]; });
  c.slope = c.slope_se = std::numeric_limits<double>::quiet_NaN();
  if (!constant) {
    Result<LogisticFit> slope = FitLogistic(lp, n, 1, outcome);
    if (!slope.ok()) return Status::InvalidInput("calibration slope: " + slope.status().message());
    c.slope = slope->coef[0];
    c.slope_se = slope->se[1];
  }
  c.intercept = large->intercept;
  c.intercept_se = large->se[0];
  for (size_t i = 0; i < n; ++i) {
    c.observed += outcome[i];
    c.expected += probability[i];
  }
  c.oe_ratio = c.expected > 0 ? c.observed / c.expected : std::nan("");
  c.n = n;
  return c;
}

float Recalibration::Apply(float p) const {
  if (identity()) return p;
  return static_cast<float>(Expit(intercept + slope * Logit(p)));
}

Result<Recalibration> FitRecalibration(std::span<const float> probability, std::span<const uint8_t> outcome) {
  ICB_RETURN_IF_ERROR(CheckProbabilities(probability, outcome, "recalibration"));
  const std::vector<double> lp = LogitColumn(probability);
  Result<LogisticFit> fit = FitLogistic(lp, probability.size(), 1, outcome);
  if (!fit.ok()) return Status::InvalidInput("recalibration: " + fit.status().message());
  Recalibration r;
  r.intercept = fit->intercept;
  r.slope = fit->coef[0];
  return r;
}

std::vector<RiskBand> RiskBands(std::span<const float> probability, std::span<const uint8_t> outcome, int bands) {
  const size_t n = std::min(probability.size(), outcome.size());
  if (n == 0 || bands <= 0) return {};
  const size_t groups = std::min(n, static_cast<size_t>(bands));
  std::vector<uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t a, uint32_t b) { return LessNanFirst(probability[a], probability[b]); });
  std::vector<RiskBand> out;
  out.reserve(groups);
  const size_t base = n / groups, extra = n % groups;
  size_t start = 0;
  for (size_t g = 0; g < groups; ++g) {
    const size_t size = base + (g < extra ? 1 : 0);
    RiskBand b;
    b.band = static_cast<int>(g + 1);
    b.n = size;
    double sum_p = 0;
    for (size_t r = start; r < start + size; ++r) {
      sum_p += probability[order[r]];
      b.events += outcome[order[r]] ? 1 : 0;
    }
    b.mean_predicted = sum_p / static_cast<double>(size);
    b.observed = static_cast<double>(b.events) / static_cast<double>(size);
    const stats::Interval ci =
        stats::WilsonInterval(static_cast<double>(b.events), static_cast<double>(size), 0.95);
    b.observed_lower = ci.lower;
    b.observed_upper = ci.upper;
    b.min_score = probability[order[start]];
    b.max_score = probability[order[start + size - 1]];
    out.push_back(b);
    start += size;
  }
  return out;
}

float TopFractionThreshold(std::span<const float> score, double fraction) {
  const size_t n = score.size();
  if (n == 0 || !(fraction > 0)) return std::numeric_limits<float>::infinity();
  // ceil(fraction * n), with a small allowance so that 0.07 * 100 counts as 7, not 8.
  double want = std::ceil(fraction * static_cast<double>(n) - 1e-9);
  const size_t k = static_cast<size_t>(std::clamp(want, 1.0, static_cast<double>(n)));
  std::vector<float> copy(score.begin(), score.end());
  // NaN scores sort last (never flagged).
  auto greater = [](float a, float b) {
    if (std::isnan(a)) return false;
    if (std::isnan(b)) return true;
    return a > b;
  };
  std::nth_element(copy.begin(), copy.begin() + static_cast<std::ptrdiff_t>(k - 1), copy.end(), greater);
  return copy[k - 1];
}

Classification ClassifyAtThreshold(std::span<const float> score, std::span<const uint8_t> outcome, float threshold) {
  Classification c;
  c.threshold = threshold;
  const size_t n = std::min(score.size(), outcome.size());
  c.n = n;
  for (size_t i = 0; i < n; ++i) {
    const bool pos = outcome[i] != 0;
    const bool flag = score[i] >= threshold;  // false for NaN
    c.positives += pos;
    c.flagged += flag;
    c.true_positives += pos && flag;
  }
  const size_t negatives = n - c.positives;
  const size_t false_positives = c.flagged - c.true_positives;
  const size_t false_negatives = c.positives - c.true_positives;
  c.ppv = c.flagged > 0 ? static_cast<double>(c.true_positives) / static_cast<double>(c.flagged) : 0;
  c.sensitivity = c.positives > 0 ? static_cast<double>(c.true_positives) / static_cast<double>(c.positives) : 0;
  c.fpr = negatives > 0 ? static_cast<double>(false_positives) / static_cast<double>(negatives) : 0;
  c.fnr = c.positives > 0 ? static_cast<double>(false_negatives) / static_cast<double>(c.positives) : 0;
  return c;
}

Classification ClassifyTopFraction(std::span<const float> score, std::span<const uint8_t> outcome, double fraction) {
  Classification c = ClassifyAtThreshold(score, outcome, TopFractionThreshold(score, fraction));
  c.fraction = fraction;
  return c;
}

}  // namespace icb::model
