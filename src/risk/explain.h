// Explanations: the features that drove one person's score most, from XGBoost's SHAP contributions
// (TreeSHAP, on the log-odds scale), put into the words of the feature catalogue ("3 emergency
// admissions in the last 12 months; moderate frailty; heart failure"). Only features that raised the
// risk and have wording for their value are named. Pure; thread safe.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "model/feature_matrix.h"
#include "risk/features.h"

namespace icb::risk {

struct Reason {
  size_t feature = 0;        // column
  float contribution = 0;    // SHAP value (log-odds)
  std::string text;          // "3 emergency admissions in the last 12 months"
};

// The words for feature `def` at `value`, or "" when it has none for that value.
std::string DescribeFeature(const FeatureDef& def, float value);

// Up to `max_reasons` reasons for row `row` of `m`, from `contributions` (rows x (cols + 1), the
// layout of GbmModel::Contributions), strongest first.
std::vector<Reason> ExplainRow(const std::vector<FeatureDef>& catalogue, const model::FeatureMatrix& m,
                               std::span<const float> contributions, size_t row, size_t max_reasons = 3);

// The reasons joined with "; ".
std::string JoinReasons(const std::vector<Reason>& reasons);

}  // namespace icb::risk
