// Evaluation of a risk score on a cohort with known outcomes: discrimination (AUROC with DeLong
// interval, AUPRC), accuracy (Brier), calibration (slope, calibration-in-the-large, observed/expected,
// a table by risk decile), PPV and sensitivity when the top 0.5%, 1% and 5% are flagged, all of it for
// every subgroup (IMD quintile, ethnic group, sex, age band), with the gaps in false positive and
// false negative rates between the subgroups of each breakdown at the whole cohort's top-5% threshold.
// With the synthetic generator's planted truth, the AUROC of the true probabilities on the same
// outcomes. The result becomes a report (tables and charts that pass disclosure control) and a JSON
// object. Pure; thread safe. Definitions: docs/reference/risk-evaluation.md.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "data/dataset.h"
#include "governance/disclosure.h"
#include "model/metrics.h"
#include "report/report.h"

namespace icb::risk {

// One way of splitting the cohort: a group code per row and the groups' labels.
struct Breakdown {
  std::string name;                  // "imd_quintile", "ethnic_group", "sex", "age_band"
  std::string label;                 // "IMD quintile"
  std::vector<std::string> groups;   // label of each code
  std::vector<uint8_t> code;         // per cohort row
};
// The four breakdowns of the cohort rows `persons` (dataset indices) with ages from `age` (per
// dataset person, as PersonScores::age).
std::vector<Breakdown> CohortBreakdowns(const Dataset& ds, std::span<const uint32_t> persons,
                                        std::span<const uint8_t> age);

struct ScoreMeasures {
  size_t n = 0, events = 0;
  std::optional<model::AurocResult> auroc;        // absent without both outcomes
  double auprc = 0, brier = 0;
  std::optional<model::Calibration> calibration;  // absent without both outcomes
  double mean_predicted = 0;
};

struct SubgroupMeasures {
  std::string breakdown, group;
  ScoreMeasures measures;
  model::Classification at_cohort_threshold;      // flagged at the cohort's top-5% threshold
};

struct FairnessGap {
  std::string breakdown;
  double fpr_gap = 0, fnr_gap = 0;                // max - min over the groups compared
  std::string fpr_highest, fpr_lowest, fnr_highest, fnr_lowest;
  size_t groups_compared = 0;                     // groups with at least kMinGroupEvents events and non-events
};
inline constexpr size_t kMinGroupEvents = 10;

struct TruthComparison {
  size_t matched = 0;                             // cohort rows with a planted-truth probability
  model::AurocResult truth_auroc;                 // of the true probabilities on these rows
  model::AurocResult model_auroc;                 // of the model on the same rows
  model::AurocComparison comparison;              // DeLong paired test (model - truth)
  std::optional<model::Calibration> truth_calibration;
};

struct Evaluation {
  std::string model;                              // "gbm", "logistic"
  ScoreMeasures overall;
  std::vector<model::RiskBand> deciles;
  std::vector<model::Classification> top;         // 0.5%, 1%, 5%
  std::vector<SubgroupMeasures> subgroups;
  std::vector<FairnessGap> gaps;
  std::optional<TruthComparison> truth;
};

inline constexpr double kTopFractions[] = {0.005, 0.01, 0.05};
inline constexpr double kFairnessFraction = 0.05;

// Measures of `probability` against `outcome` for the whole cohort and each breakdown group.
Result<Evaluation> Evaluate(std::string model, std::span<const float> probability, std::span<const uint8_t> outcome,
                            const std::vector<Breakdown>& breakdowns);
// Adds the comparison with planted-truth probabilities (NaN for rows without one).
Status AddTruth(Evaluation& evaluation, std::span<const float> probability, std::span<const uint8_t> outcome,
                std::span<const float> truth);
// Overall measures only (for model cards).
nlohmann::json MeasuresJson(const ScoreMeasures& m);

// Tables (summary, calibration by decile, top fractions, subgroups, fairness gaps) and charts
// (calibration plot, AUROC by subgroup) for one or more evaluated models; counts are declared so that
// disclosure control applies.
report::Report BuildEvaluationReport(const std::vector<Evaluation>& evaluations, const std::string& title,
                                     std::vector<std::pair<std::string, std::string>> metadata);
// The JSON object of `icb risk evaluate --json`: the first evaluation's measures at the top level
// (auroc, auroc_lower, auroc_upper, auprc, brier, calibration_slope, calibration_intercept, oe_ratio,
// truth_auroc when known), then "models", "deciles", "top", "subgroups" and "fairness_gaps". Counts
// pass `policy` (DiscloseCount); a subgroup whose counts are redacted has its measures withheld.
nlohmann::json EvaluationJson(const std::vector<Evaluation>& evaluations, const governance::DisclosurePolicy& policy,
                              std::vector<std::pair<std::string, std::string>> metadata);

}  // namespace icb::risk
