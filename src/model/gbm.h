// Gradient-boosted trees through Debian's XGBoost C API (libxgboost, 1.7): training with early
// stopping on a validation matrix, probabilities, SHAP contributions (TreeSHAP, pred_contribs) and
// the model as XGBoost's own JSON, so a saved model loads in any XGBoost. GbmModel owns its booster
// handle (move-only). Predict and Contributions are const and may be called from one thread at a
// time per model (XGBoost parallelises inside, on params.threads after Train and ThreadCount() after
// LoadJson); results do not depend on the thread count. Parameters and their defaults:
// docs/reference/risk-models.md.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "model/feature_matrix.h"

namespace icb::model {

struct GbmParams {
  int rounds = 600;              // upper bound on boosting rounds
  int early_stopping_rounds = 40;
  double eta = 0.05;
  int max_depth = 5;
  double min_child_weight = 20;
  double subsample = 0.8;
  double colsample_bytree = 0.8;
  double lambda = 1.0;
  int max_bin = 256;
  uint64_t seed = 20261123;
  int threads = 0;               // 0: ThreadCount() (src/core/parallel.h)

  nlohmann::json ToJson() const;
  // InvalidInput naming the missing or wrongly typed field, prefixed by `path` (e.g. "gbm_params").
  static Result<GbmParams> FromJson(const nlohmann::json& j, const std::string& path = "");
};

struct GbmTrainLog {
  int best_iteration = -1;       // 0-based; rounds kept = best_iteration + 1
  double best_validation_logloss = 0;
  std::vector<double> validation_logloss;  // per round
  double seconds = 0;
  int threads = 0;               // XGBoost threads used for training

  nlohmann::json ToJson() const;
  static Result<GbmTrainLog> FromJson(const nlohmann::json& j, const std::string& path = "");
};

class GbmModel {
 public:
  GbmModel();
  ~GbmModel();
  GbmModel(GbmModel&&) noexcept;
  GbmModel& operator=(GbmModel&&) noexcept;

  // binary:logistic, tree_method hist. Early stopping on `valid` when it has rows; the model keeps
  // the best iteration's trees only. Labels are 0/1 outcomes, or probabilities in [0, 1] (soft labels:
  // binary:logistic then fits their expectation).
  static Result<GbmModel> Train(const FeatureMatrix& train, std::span<const float> labels,
                                const FeatureMatrix& valid, std::span<const float> valid_labels,
                                const GbmParams& params, GbmTrainLog* log = nullptr);
  // Probability for every row.
  Result<std::vector<float>> Predict(const FeatureMatrix& m) const;
  // The margin (log-odds) for every row: logit of Predict, computed by XGBoost.
  Result<std::vector<float>> PredictMargin(const FeatureMatrix& m) const;
  // SHAP contributions on the log-odds scale: rows x (cols + 1), the last column the bias; each
  // row sums to the row's margin. Exact TreeSHAP is slow (hundreds of rows a second): call it for
  // the rows to be explained, not the whole population.
  Result<std::vector<float>> Contributions(const FeatureMatrix& m) const;
  // XGBoost's JSON model (UBJSON not used), and back.
  Result<std::string> SaveJson() const;
  static Result<GbmModel> LoadJson(const std::string& json);
  int feature_count() const { return feature_count_; }
  // The training matrix's column names, saved in the model (empty if it had none). Predict,
  // PredictMargin and Contributions refuse a named matrix whose names differ from these.
  const std::vector<std::string>& feature_names() const { return feature_names_; }
  // Boosting rounds (trees) in the model.
  int rounds() const;
  bool loaded() const;

 private:
  struct Handle;
  std::unique_ptr<Handle> handle_;
  int feature_count_ = 0;
  std::vector<std::string> feature_names_;
};

// XGBoost's version "major.minor.patch" as linked.
std::string XgboostVersion();
// Writes `m` with `labels` as an XGBoost binary DMatrix buffer (for the xgboost CLI comparison).
Status SaveDMatrixBinary(const FeatureMatrix& m, std::span<const float> labels, const std::string& path);
// A configuration file for Debian's `xgboost` command-line tool that trains the same model as
// GbmModel::Train with `params` for exactly `rounds` rounds (the tool has no early stopping) on
// binary DMatrix files, evaluating `valid_path` each round and writing JSON to `model_out` (a path
// ending in .json). With the same data the tool's model predicts bit-identically (tested).
// InvalidInput if a path contains a double quote or a newline.
Result<std::string> XgboostCliConfig(const GbmParams& params, int rounds, int threads, const std::string& train_path,
                                     const std::string& valid_path, const std::string& model_out);

}  // namespace icb::model
