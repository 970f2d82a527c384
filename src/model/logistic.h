// Logistic regression fitted by iteratively reweighted least squares (Newton-Raphson) with an
// optional ridge penalty, on Eigen: the transparent baseline risk model and the engine of the
// calibration fits. LogisticModel adds per-feature transforms (log1p for counts and costs) and
// standardisation, so its coefficients read as "per standard deviation" and it serialises to JSON.
// Fitting is parallel over row blocks with a fixed block order (same result at any thread count).
// Thread safe for concurrent Predict calls.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "model/feature_matrix.h"

namespace icb::model {

struct LogisticOptions {
  // L2 penalty on the coefficients (not the intercept): the fit minimises deviance/2 + ridge/2 * |coef|^2.
  double ridge = 0;
  int max_iterations = 50;
  double tolerance = 1e-10;  // stop when |change in deviance| / (|deviance| + 0.1) is below this
};

struct LogisticFit {
  double intercept = 0;
  std::vector<double> coef;  // one per column
  std::vector<double> se;    // standard errors from the inverse information (intercept first), size cols + 1
  double deviance = 0;
  int iterations = 0;
  bool converged = false;
};
// Fits logit P(y=1) = offset + intercept + X * coef. `x` is row-major, rows x cols (doubles);
// `offset` empty or size rows; `y` 0/1. Newton steps are halved while the deviance would rise.
// InvalidInput on size mismatch, non-finite values, a constant outcome, or a singular information
// matrix (constant or collinear columns; tested after scaling the matrix to a unit diagonal).
Result<LogisticFit> FitLogistic(std::span<const double> x, size_t rows, size_t cols, std::span<const uint8_t> y,
                                std::span<const double> offset = {}, const LogisticOptions& options = {});

enum class Transform : uint8_t { kIdentity = 0, kLog1p = 1 };

// A logistic model over a FeatureMatrix: each column transformed (log1p clamps negative values to 0
// first, so log1p(max(0, x))), then standardised with the training mean and standard deviation
// (divisor n). Constant columns are dropped: coefficient 0, sd 0, se NaN, mean = the constant.
struct LogisticModel {
  std::vector<std::string> names;
  std::vector<Transform> transforms;
  std::vector<double> mean, sd;     // of the transformed training column
  double intercept = 0;
  std::vector<double> coef;         // per standardised column
  std::vector<double> se;           // size cols + 1, intercept first
  int iterations = 0;
  bool converged = false;

  // Probabilities for every row of `m` (columns matched by position; names must agree). NaN in a
  // used column gives a NaN probability.
  Result<std::vector<float>> Predict(const FeatureMatrix& m) const;
  // {"kind":"logistic","version":1,"intercept","intercept_se","iterations","converged",
  //  "features":[{"name","transform","mean","sd","coef","se"}]}; doubles round-trip exactly.
  nlohmann::json ToJson() const;
  static Result<LogisticModel> FromJson(const nlohmann::json& j);
};
// Fits the model; `transforms` has one entry per column of `m`. InvalidInput on a NaN or infinite feature.
Result<LogisticModel> TrainLogistic(const FeatureMatrix& m, std::span<const uint8_t> y,
                                    std::span<const Transform> transforms, const LogisticOptions& options = {});

}  // namespace icb::model
