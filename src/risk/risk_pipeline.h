// The risk-model pipeline: the time split, cohorts (features as at a date with the outcome over the
// following year), training the logistic baseline and the XGBoost model into a ModelCard, and
// scoring a cohort with a saved card. Nothing from the future leaks: features as at year t-1's start
// predict the outcome in year t-1 for training; the model is validated with features as at year t's
// start on the outcome in year t (t = the last complete financial year in the data by default).
// Functions are pure apart from progress on stderr; they parallelise inside. Definitions:
// docs/reference/risk-models.md.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "context/person_scores.h"
#include "context/segmentation.h"
#include "core/status.h"
#include "data/dataset.h"
#include "model/model_card.h"
#include "risk/features.h"
#include "risk/outcomes.h"

namespace icb::risk {

// Outcome windows are [as_at, end): a financial year from 1 April to the next 1 April.
struct TimeSplit {
  int32_t train_as_at = kNoDate, train_end = kNoDate;
  int32_t valid_as_at = kNoDate, valid_end = kNoDate;
};
// Validation year: the financial year starting `validation_start` (a 1 April), or when kNoDate the
// last financial year that the data covers completely (its last event on or after 31 March).
// Training year: the year before. InvalidInput when the data cover fewer than three years
// (training needs a year of history before its as-at date).
Result<TimeSplit> MakeTimeSplit(const Dataset& ds, int32_t validation_start = kNoDate);

// Persons in the population on `as_at` with their features and (when end != kNoDate) outcomes.
struct Cohort {
  int32_t as_at = kNoDate;
  int32_t end = kNoDate;             // outcome window end; kNoDate: no outcome
  PersonScores scores;               // of every dataset person
  CohortFeatures features;           // rows = cohort persons
  std::vector<uint8_t> outcome;      // per row; empty when end == kNoDate
};
// `subset`: ascending dataset person indices to restrict to (empty: everyone).
Result<Cohort> BuildCohort(const Dataset& ds, const ScoringConfig& config, int32_t as_at, int32_t end,
                           Outcome outcome, const FeatureOptions& options, std::span<const uint32_t> subset = {});

struct TrainOptions {
  Outcome outcome = Outcome::kEmergencyAdmission;
  int32_t validation_start = kNoDate;    // see MakeTimeSplit
  FeatureOptions features;
  model::GbmParams gbm;
  double logistic_ridge = 1.0;
  // Share of training persons held out (by pseudonym, not at random) for XGBoost's early stopping;
  // they are from the training year, so nothing from the validation year is seen.
  double early_stopping_fraction = 0.1;
  // When set, the matrix XGBoost trains on is also written here as an XGBoost binary DMatrix (for
  // bench/risk_compare.sh, which times Debian's xgboost command-line tool on the same rows).
  std::string export_matrix;
  // Synthetic data only, a diagnostic: XGBoost learns the generator's planted-truth probabilities of
  // the training year (soft labels, per row; NaN: use the 0/1 outcome) instead of the outcomes. Its
  // validation AUROC estimates the best any model could reach from these features (E[p | features]),
  // which separates what the features miss from what no record shows (bench/risk_compare.sh).
  // Called with the training cohort's persons and as-at date.
  std::function<Result<std::vector<float>>(std::span<const uint32_t> persons, int32_t as_at)> soft_labels;
};

// Trains both models on the training year and evaluates them on the validation year; the card's
// metrics hold the validation measures ("gbm", "logistic": auroc, ci, auprc, brier, calibration).
// `log` (may be empty) receives one line per step for the terminal.
Result<model::ModelCard> TrainRiskModel(const Dataset& ds, const ScoringConfig& config, const TrainOptions& options,
                                        const std::function<void(const std::string&)>& log = {});

// The card's probabilities for a cohort's feature matrix (recalibration applied). InvalidInput when
// the matrix's columns are not the card's features. `logistic`: the baseline instead of XGBoost.
Result<std::vector<float>> ScoreMatrix(const model::ModelCard& card, const model::FeatureMatrix& m,
                                       bool logistic = false);

// Feature options that rebuild the card's matrix (ethnicity as trained).
FeatureOptions CardFeatureOptions(const model::ModelCard& card);

}  // namespace icb::risk
