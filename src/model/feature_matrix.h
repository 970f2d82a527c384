// FeatureMatrix: a dense, row-major table of float features (one row per person, one column per
// feature), the common input of the logistic baseline, the XGBoost model and the drift checks.
// NaN means "missing" (XGBoost treats it so; the logistic baseline never receives NaN because the
// risk features are built without missing values). Plain value type; read-only sharing is safe.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace icb::model {

struct FeatureMatrix {
  size_t rows = 0;
  size_t cols = 0;
  std::vector<std::string> names;  // size cols
  std::vector<float> values;       // rows * cols, row-major

  FeatureMatrix() = default;
  FeatureMatrix(size_t r, std::vector<std::string> n)
      : rows(r), cols(n.size()), names(std::move(n)), values(r * cols, 0.0f) {}
  float& at(size_t r, size_t c) { return values[r * cols + c]; }
  float at(size_t r, size_t c) const { return values[r * cols + c]; }
  std::span<const float> row(size_t r) const { return {values.data() + r * cols, cols}; }
  std::span<float> row(size_t r) { return {values.data() + r * cols, cols}; }
  // Column c copied out (for drift and one-feature summaries).
  std::vector<float> column(size_t c) const {
    std::vector<float> out(rows);
    for (size_t r = 0; r < rows; ++r) out[r] = values[r * cols + c];
    return out;
  }
};

}  // namespace icb::model
