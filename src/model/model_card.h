// ModelCard: a saved risk model as one portable, versioned JSON document: what it predicts, the
// features (name, description, training distribution bins for drift), the training and validation
// windows, the metrics, the logistic baseline, the XGBoost model (XGBoost's own JSON, embedded), the
// score bins and any local recalibration. Written atomically; loading checks the card version and
// says which field is wrong. Format: docs/reference/risk-models.md. Plain value type.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "model/drift.h"
#include "model/gbm.h"
#include "model/logistic.h"
#include "model/metrics.h"

namespace icb::model {

inline constexpr int kModelCardVersion = 1;

struct CardFeature {
  std::string name;
  std::string description;
  std::string group;
  Bins bins;                    // training distribution (for PSI)
};

struct CardWindow {
  std::string features_as_at;   // ISO date
  std::string outcome_start;    // ISO date, inclusive
  std::string outcome_end;      // ISO date, exclusive
  uint64_t persons = 0;
  uint64_t events = 0;          // positive outcomes
};

struct ModelCard {
  int card_version = kModelCardVersion;
  std::string engine_version;
  std::string created;                 // ISO 8601 UTC
  std::string outcome;                 // "emergency_admission", "top5_cost"
  std::string outcome_description;
  std::string dataset_digest;          // hex SHA-256 of the training dataset snapshot
  bool uses_ethnicity = false;
  std::vector<CardFeature> features;
  CardWindow training, validation;
  nlohmann::json metrics;              // {"gbm": {...}, "logistic": {...}} on the validation window
  GbmParams gbm_params;
  GbmTrainLog gbm_log;
  LogisticModel logistic;
  GbmModel gbm;
  Bins score_bins;                     // training distribution of the gbm probability
  Recalibration recalibration;         // identity unless recalibrated
  std::string recalibration_note;      // where and when it was recalibrated

  std::vector<std::string> FeatureNames() const;
};

// Serialises the card (the XGBoost model embedded as a JSON object).
Result<nlohmann::json> ModelCardToJson(const ModelCard& card);
Result<ModelCard> ModelCardFromJson(const nlohmann::json& j);
// Atomic write (temporary file, fsync, rename).
Status SaveModelCard(const ModelCard& card, const std::string& path);
// NotFound, or InvalidInput naming the field / the unsupported version.
Result<ModelCard> LoadModelCard(const std::string& path);

}  // namespace icb::model
