#include "model/gbm.h"

#include <xgboost/c_api.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <mutex>
#include <utility>

#include <fmt/format.h>

#include "core/parallel.h"
#include "model/json_field_reader.h"

namespace icb::model {
namespace {

// XGBoost's own log level: 0 (silent) unless ICB_XGBOOST_VERBOSE is set (to 0-3; any other value: 1).
int XgboostVerbosity() {
  const char* env = std::getenv("ICB_XGBOOST_VERBOSE");
  if (env == nullptr) return 0;
  const std::string v(env);
  if (v.size() == 1 && v[0] >= '0' && v[0] <= '3') return v[0] - '0';
  return 1;
}

void ConfigureXgboostOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    const std::string config = fmt::format(R"({{"verbosity": {}}})", XgboostVerbosity());
    XGBSetGlobalConfig(config.c_str());  // best effort: a failure only leaves XGBoost's default logging
  });
}

// Turns a failed XGBoost call (non-zero return) into a Status with XGBoost's own message.
Status Check(int rc, const char* what, StatusCode code = StatusCode::kInternal) {
  if (rc == 0) return Status::Ok();
  const char* err = XGBGetLastError();
  std::string msg = fmt::format("XGBoost {} failed: {}", what, err != nullptr ? err : "(no message)");
  switch (code) {
    case StatusCode::kCorrupt: return Status::Corrupt(std::move(msg));
    case StatusCode::kIoError: return Status::IoError(std::move(msg));
    case StatusCode::kInvalidInput: return Status::InvalidInput(std::move(msg));
    default: return Status::Internal(std::move(msg));
  }
}
#define ICB_XGB(call, what) ICB_RETURN_IF_ERROR(Check((call), (what)))

// Owns a DMatrixHandle.
struct DMatrix {
  DMatrixHandle h = nullptr;
  DMatrix() = default;
  DMatrix(const DMatrix&) = delete;
  DMatrix& operator=(const DMatrix&) = delete;
  ~DMatrix() {
    if (h != nullptr) XGDMatrixFree(h);
  }
};

// Owns a BoosterHandle until released.
struct Booster {
  BoosterHandle h = nullptr;
  Booster() = default;
  Booster(const Booster&) = delete;
  Booster& operator=(const Booster&) = delete;
  ~Booster() {
    if (h != nullptr) XGBoosterFree(h);
  }
  BoosterHandle release() { return std::exchange(h, nullptr); }
};

Status MakeDMatrix(const FeatureMatrix& m, std::span<const float> labels, int threads, DMatrix* out) {
  if (m.values.size() != m.rows * m.cols)
    return Status::InvalidInput(fmt::format("feature matrix holds {} values, expected {} rows x {} columns",
                                            m.values.size(), m.rows, m.cols));
  ICB_XGB(XGDMatrixCreateFromMat_omp(m.values.data(), m.rows, m.cols, std::numeric_limits<float>::quiet_NaN(),
                                     &out->h, threads),
          "DMatrix creation");
  if (!labels.empty()) {
    ICB_XGB(XGDMatrixSetFloatInfo(out->h, "label", labels.data(), labels.size()), "setting labels");
  }
  // Feature names travel into the saved model, so it is self-describing in any XGBoost.
  if (m.names.size() == m.cols && m.cols > 0) {
    std::vector<const char*> names;
    names.reserve(m.cols);
    for (const std::string& n : m.names) names.push_back(n.c_str());
    ICB_XGB(XGDMatrixSetStrFeatureInfo(out->h, "feature_name", names.data(), names.size()), "setting feature names");
  }
  return Status::Ok();
}

Status CheckLabels(std::span<const float> labels, size_t rows, const char* which) {
  if (labels.size() != rows)
    return Status::InvalidInput(fmt::format("{} labels: {} values for {} rows", which, labels.size(), rows));
  for (size_t i = 0; i < labels.size(); ++i) {
    if (!(labels[i] >= 0.0f && labels[i] <= 1.0f))
      return Status::InvalidInput(fmt::format("{} labels: row {} is not a probability in [0, 1]", which, i));
  }
  return Status::Ok();
}

Status CheckParams(const GbmParams& p) {
  auto bad = [](const char* name, const std::string& rule) {
    return Status::InvalidInput(fmt::format("gbm parameter '{}' must be {}", name, rule));
  };
  if (p.rounds < 1) return bad("rounds", "at least 1");
  if (!(p.eta > 0 && p.eta <= 1)) return bad("eta", "in (0, 1]");
  if (p.max_depth < 1) return bad("max_depth", "at least 1");
  if (!(p.min_child_weight >= 0)) return bad("min_child_weight", "at least 0");
  if (!(p.subsample > 0 && p.subsample <= 1)) return bad("subsample", "in (0, 1]");
  if (!(p.colsample_bytree > 0 && p.colsample_bytree <= 1)) return bad("colsample_bytree", "in (0, 1]");
  if (!(p.lambda >= 0)) return bad("lambda", "at least 0");
  if (p.max_bin < 2) return bad("max_bin", "at least 2");
  if (p.seed > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return bad("seed", "below 2^63");
  if (p.threads < 0) return bad("threads", "0 (all) or more");
  return Status::Ok();
}

// Shortest decimal that reads back as the same double.
std::string Num(double v) { return fmt::format("{}", v); }

Status SetParams(BoosterHandle h, const std::vector<std::pair<std::string, std::string>>& params) {
  for (const auto& [name, value] : params) {
    ICB_RETURN_IF_ERROR(Check(XGBoosterSetParam(h, name.c_str(), value.c_str()), ("setting " + name).c_str()));
  }
  return Status::Ok();
}

// The feature names, saved in the model (XGBoost's "feature_names"), so it is self-describing.
Status SetFeatureNames(BoosterHandle h, const std::vector<std::string>& names) {
  if (names.empty()) return Status::Ok();
  std::vector<const char*> ptrs;
  ptrs.reserve(names.size());
  for (const std::string& n : names) ptrs.push_back(n.c_str());
  return Check(XGBoosterSetStrFeatureInfo(h, "feature_name", ptrs.data(), ptrs.size()), "setting feature names");
}

// Per-booster settings that are not part of the saved model.
Status SetRuntimeParams(BoosterHandle h, int threads) {
  return SetParams(h, {{"nthread", std::to_string(threads)}, {"verbosity", std::to_string(XgboostVerbosity())}});
}

// "[12]\tvalid-logloss:0.4321" -> 0.4321.
Result<double> ParseEvalLogloss(const char* text) {
  const std::string s = text != nullptr ? text : "";
  const std::string key = "valid-logloss:";
  const size_t at = s.find(key);
  if (at == std::string::npos) return Status::Internal("unexpected XGBoost evaluation output: '" + s + "'");
  const char* begin = s.c_str() + at + key.size();
  char* end = nullptr;
  const double v = std::strtod(begin, &end);
  if (end == begin) return Status::Internal("unexpected XGBoost evaluation output: '" + s + "'");
  return v;
}

}  // namespace

// ---- GbmParams / GbmTrainLog -------------------------------------------------------------------

nlohmann::json GbmParams::ToJson() const {
  return nlohmann::json{{"rounds", rounds},
                        {"early_stopping_rounds", early_stopping_rounds},
                        {"eta", eta},
                        {"max_depth", max_depth},
                        {"min_child_weight", min_child_weight},
                        {"subsample", subsample},
                        {"colsample_bytree", colsample_bytree},
                        {"lambda", lambda},
                        {"max_bin", max_bin},
                        {"seed", seed},
                        {"threads", threads}};
}

Result<GbmParams> GbmParams::FromJson(const nlohmann::json& j, const std::string& path) {
  GbmParams p;
  JsonFieldReader r(j, path);
  r.Read("rounds", &p.rounds);
  r.Read("early_stopping_rounds", &p.early_stopping_rounds);
  r.Read("eta", &p.eta);
  r.Read("max_depth", &p.max_depth);
  r.Read("min_child_weight", &p.min_child_weight);
  r.Read("subsample", &p.subsample);
  r.Read("colsample_bytree", &p.colsample_bytree);
  r.Read("lambda", &p.lambda);
  r.Read("max_bin", &p.max_bin);
  r.Read("seed", &p.seed);
  r.Read("threads", &p.threads);
  if (!r.ok()) return r.status();
  return p;
}

nlohmann::json GbmTrainLog::ToJson() const {
  return nlohmann::json{{"best_iteration", best_iteration},
                        {"best_validation_logloss", DoubleToJson(best_validation_logloss)},
                        {"validation_logloss", DoublesToJson(validation_logloss)},
                        {"seconds", seconds},
                        {"threads", threads}};
}

Result<GbmTrainLog> GbmTrainLog::FromJson(const nlohmann::json& j, const std::string& path) {
  GbmTrainLog log;
  JsonFieldReader r(j, path);
  r.Read("best_iteration", &log.best_iteration);
  r.Read("best_validation_logloss", &log.best_validation_logloss);
  r.Read("validation_logloss", &log.validation_logloss);
  r.Read("seconds", &log.seconds);
  r.Read("threads", &log.threads);
  if (!r.ok()) return r.status();
  return log;
}

// ---- GbmModel ----------------------------------------------------------------------------------

struct GbmModel::Handle {
  BoosterHandle booster = nullptr;
  explicit Handle(BoosterHandle b) : booster(b) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() {
    if (booster != nullptr) XGBoosterFree(booster);
  }
};

GbmModel::GbmModel() = default;
GbmModel::~GbmModel() = default;
GbmModel::GbmModel(GbmModel&&) noexcept = default;
GbmModel& GbmModel::operator=(GbmModel&&) noexcept = default;

bool GbmModel::loaded() const { return handle_ != nullptr && handle_->booster != nullptr; }

int GbmModel::rounds() const {
  if (!loaded()) return 0;
  int n = 0;
  if (XGBoosterBoostedRounds(handle_->booster, &n) != 0) return 0;
  return n;
}

Result<GbmModel> GbmModel::Train(const FeatureMatrix& train, std::span<const float> labels,
                                 const FeatureMatrix& valid, std::span<const float> valid_labels,
                                 const GbmParams& params, GbmTrainLog* log) {
  ConfigureXgboostOnce();
  const auto start = std::chrono::steady_clock::now();
  ICB_RETURN_IF_ERROR(CheckParams(params));
  if (train.rows == 0 || train.cols == 0)
    return Status::InvalidInput(fmt::format("gbm training matrix is empty ({} rows x {} columns)", train.rows, train.cols));
  ICB_RETURN_IF_ERROR(CheckLabels(labels, train.rows, "training"));
  const bool use_valid = valid.rows > 0;
  if (use_valid) {
    if (valid.cols != train.cols)
      return Status::InvalidInput(fmt::format("validation matrix has {} columns, training matrix {}", valid.cols, train.cols));
    if (valid.names != train.names)
      return Status::InvalidInput("validation matrix columns are not the training matrix columns (names differ)");
    ICB_RETURN_IF_ERROR(CheckLabels(valid_labels, valid.rows, "validation"));
  }
  const int threads = params.threads > 0 ? params.threads : ThreadCount();

  DMatrix dtrain, dvalid;
  ICB_RETURN_IF_ERROR(MakeDMatrix(train, labels, threads, &dtrain));
  if (use_valid) ICB_RETURN_IF_ERROR(MakeDMatrix(valid, valid_labels, threads, &dvalid));

  Booster booster;
  DMatrixHandle cache[2] = {dtrain.h, dvalid.h};
  ICB_XGB(XGBoosterCreate(cache, use_valid ? 2 : 1, &booster.h), "booster creation");
  ICB_RETURN_IF_ERROR(SetParams(booster.h, {{"booster", "gbtree"},
                                            {"objective", "binary:logistic"},
                                            {"tree_method", "hist"},
                                            {"eval_metric", "logloss"},
                                            {"eta", Num(params.eta)},
                                            {"max_depth", std::to_string(params.max_depth)},
                                            {"min_child_weight", Num(params.min_child_weight)},
                                            {"subsample", Num(params.subsample)},
                                            {"colsample_bytree", Num(params.colsample_bytree)},
                                            {"lambda", Num(params.lambda)},
                                            {"max_bin", std::to_string(params.max_bin)},
                                            {"seed", std::to_string(params.seed)}}));
  ICB_RETURN_IF_ERROR(SetRuntimeParams(booster.h, threads));
  const bool named = train.names.size() == train.cols;
  if (named) ICB_RETURN_IF_ERROR(SetFeatureNames(booster.h, train.names));

  GbmTrainLog local;
  local.threads = threads;
  const char* eval_names[1] = {"valid"};
  double best = std::numeric_limits<double>::infinity();
  int best_iter = -1;
  for (int iter = 0; iter < params.rounds; ++iter) {
    ICB_XGB(XGBoosterUpdateOneIter(booster.h, iter, dtrain.h), "boosting round");
    if (!use_valid) continue;
    const char* out = nullptr;
    ICB_XGB(XGBoosterEvalOneIter(booster.h, iter, &dvalid.h, eval_names, 1, &out), "validation");
    Result<double> loss = ParseEvalLogloss(out);
    if (!loss.ok()) return loss.status();
    local.validation_logloss.push_back(*loss);
    if (*loss < best) {
      best = *loss;
      best_iter = iter;
    }
    if (params.early_stopping_rounds > 0 && iter - best_iter >= params.early_stopping_rounds) break;
  }
  int total = 0;
  ICB_XGB(XGBoosterBoostedRounds(booster.h, &total), "counting rounds");
  if (!use_valid || params.early_stopping_rounds <= 0) {
    best_iter = total - 1;
    if (use_valid) best = local.validation_logloss.back();
  }
  local.best_iteration = best_iter;
  local.best_validation_logloss = use_valid ? best : std::numeric_limits<double>::quiet_NaN();

  if (best_iter + 1 < total) {
    // Keep the best rounds only: the saved model then predicts as the early-stopped model everywhere.
    Booster sliced;
    ICB_XGB(XGBoosterSlice(booster.h, 0, best_iter + 1, 1, &sliced.h), "slicing to the best round");
    ICB_RETURN_IF_ERROR(SetRuntimeParams(sliced.h, threads));
    if (named) ICB_RETURN_IF_ERROR(SetFeatureNames(sliced.h, train.names));
    std::swap(booster.h, sliced.h);
  }

  GbmModel model;
  model.handle_ = std::make_unique<Handle>(booster.release());
  model.feature_count_ = static_cast<int>(train.cols);
  if (named) model.feature_names_ = train.names;
  local.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (log != nullptr) *log = std::move(local);
  return model;
}

namespace {

// The matrix has the model's columns: their number, and their names when both sides have names.
Status CheckColumns(const FeatureMatrix& m, int feature_count, const std::vector<std::string>& names) {
  if (static_cast<int>(m.cols) != feature_count)
    return Status::InvalidInput(
        fmt::format("the model expects {} feature columns, the matrix has {}", feature_count, m.cols));
  if (!names.empty() && m.names.size() == m.cols) {
    for (size_t c = 0; c < m.cols; ++c) {
      if (m.names[c] != names[c])
        return Status::InvalidInput(fmt::format("feature column {} is '{}', but the model was trained with '{}' there",
                                                c, m.names[c], names[c]));
    }
  }
  return Status::Ok();
}

// Inplace prediction of type 0 (probability) or 1 (margin) over the dense rows of `m`.
Result<std::vector<float>> PredictDense(BoosterHandle h, const FeatureMatrix& m, int type) {
  if (m.values.size() != m.rows * m.cols)
    return Status::InvalidInput(fmt::format("feature matrix holds {} values, expected {} rows x {} columns",
                                            m.values.size(), m.rows, m.cols));
  if (m.rows == 0) return std::vector<float>{};
  const std::string array = fmt::format(R"({{"data": [{}, true], "shape": [{}, {}], "typestr": "<f4", "version": 3}})",
                                        reinterpret_cast<uintptr_t>(m.values.data()), m.rows, m.cols);
  const std::string config = fmt::format(
      R"({{"type": {}, "training": false, "iteration_begin": 0, "iteration_end": 0, "strict_shape": false, )"
      R"("missing": NaN, "cache_id": 0}})",
      type);
  const bst_ulong* shape = nullptr;
  bst_ulong dim = 0;
  const float* result = nullptr;
  ICB_XGB(XGBoosterPredictFromDense(h, array.c_str(), config.c_str(), nullptr, &shape, &dim, &result), "prediction");
  bst_ulong n = 1;
  for (bst_ulong i = 0; i < dim; ++i) n *= shape[i];
  if (n != m.rows) return Status::Internal(fmt::format("XGBoost returned {} predictions for {} rows", n, m.rows));
  return std::vector<float>(result, result + n);
}

}  // namespace

Result<std::vector<float>> GbmModel::Predict(const FeatureMatrix& m) const {
  if (!loaded()) return Status::InvalidInput("gbm model is not trained or loaded");
  ICB_RETURN_IF_ERROR(CheckColumns(m, feature_count_, feature_names_));
  return PredictDense(handle_->booster, m, 0);
}

Result<std::vector<float>> GbmModel::PredictMargin(const FeatureMatrix& m) const {
  if (!loaded()) return Status::InvalidInput("gbm model is not trained or loaded");
  ICB_RETURN_IF_ERROR(CheckColumns(m, feature_count_, feature_names_));
  return PredictDense(handle_->booster, m, 1);
}

Result<std::vector<float>> GbmModel::Contributions(const FeatureMatrix& m) const {
  if (!loaded()) return Status::InvalidInput("gbm model is not trained or loaded");
  ICB_RETURN_IF_ERROR(CheckColumns(m, feature_count_, feature_names_));
  if (m.rows == 0) return std::vector<float>{};
  DMatrix d;
  ICB_RETURN_IF_ERROR(MakeDMatrix(m, {}, ThreadCount(), &d));
  const char* config =
      R"({"type": 2, "training": false, "iteration_begin": 0, "iteration_end": 0, "strict_shape": false})";
  const bst_ulong* shape = nullptr;
  bst_ulong dim = 0;
  const float* result = nullptr;
  ICB_XGB(XGBoosterPredictFromDMatrix(handle_->booster, d.h, config, &shape, &dim, &result), "SHAP contributions");
  const size_t expected = m.rows * (m.cols + 1);
  bst_ulong n = 1;
  for (bst_ulong i = 0; i < dim; ++i) n *= shape[i];
  if (n != expected)
    return Status::Internal(fmt::format("XGBoost returned {} contributions, expected {} rows x {}", n, m.rows, m.cols + 1));
  return std::vector<float>(result, result + n);
}

Result<std::string> GbmModel::SaveJson() const {
  if (!loaded()) return Status::InvalidInput("gbm model is not trained or loaded");
  bst_ulong len = 0;
  const char* data = nullptr;
  ICB_XGB(XGBoosterSaveModelToBuffer(handle_->booster, R"({"format": "json"})", &len, &data), "saving the model");
  return std::string(data, len);
}

Result<GbmModel> GbmModel::LoadJson(const std::string& json) {
  ConfigureXgboostOnce();
  const size_t first = json.find_first_not_of(" \t\r\n");
  if (first == std::string::npos || json[first] != '{')
    return Status::Corrupt("gbm model is not XGBoost JSON (it should start with '{')");
  Booster booster;
  ICB_XGB(XGBoosterCreate(nullptr, 0, &booster.h), "booster creation");
  ICB_RETURN_IF_ERROR(
      Check(XGBoosterLoadModelFromBuffer(booster.h, json.data(), json.size()), "model load", StatusCode::kCorrupt));
  ICB_RETURN_IF_ERROR(SetRuntimeParams(booster.h, ThreadCount()));
  bst_ulong features = 0;
  ICB_XGB(XGBoosterGetNumFeature(booster.h, &features), "reading the feature count");
  bst_ulong name_count = 0;
  const char** names = nullptr;
  ICB_XGB(XGBoosterGetStrFeatureInfo(booster.h, "feature_name", &name_count, &names), "reading the feature names");
  GbmModel model;
  if (name_count == features) model.feature_names_.assign(names, names + name_count);
  model.handle_ = std::make_unique<Handle>(booster.release());
  model.feature_count_ = static_cast<int>(features);
  return model;
}

std::string XgboostVersion() {
  int major = 0, minor = 0, patch = 0;
  XGBoostVersion(&major, &minor, &patch);
  return fmt::format("{}.{}.{}", major, minor, patch);
}

Status SaveDMatrixBinary(const FeatureMatrix& m, std::span<const float> labels, const std::string& path) {
  ConfigureXgboostOnce();
  if (!labels.empty() && labels.size() != m.rows)
    return Status::InvalidInput(fmt::format("{} labels for {} rows", labels.size(), m.rows));
  DMatrix d;
  ICB_RETURN_IF_ERROR(MakeDMatrix(m, labels, ThreadCount(), &d));
  return Check(XGDMatrixSaveBinary(d.h, path.c_str(), 1), ("writing " + path).c_str(), StatusCode::kIoError);
}

Result<std::string> XgboostCliConfig(const GbmParams& params, int rounds, int threads, const std::string& train_path,
                                     const std::string& valid_path, const std::string& model_out) {
  ICB_RETURN_IF_ERROR(CheckParams(params));
  if (rounds < 1) return Status::InvalidInput("xgboost CLI configuration: rounds must be at least 1");
  for (const std::string* path : {&train_path, &valid_path, &model_out}) {
    if (path->find_first_of("\"\n") != std::string::npos)
      return Status::InvalidInput("xgboost CLI configuration: a path contains a double quote or a newline");
  }
  if (train_path.empty() || model_out.empty())
    return Status::InvalidInput("xgboost CLI configuration: the training data and model paths are required");
  std::string conf = fmt::format(
      "# Written by icb-engine: the parameters of GbmModel::Train (docs/reference/risk-models.md)\n"
      "booster = gbtree\nobjective = binary:logistic\ntree_method = hist\neval_metric = logloss\n"
      "eta = {}\nmax_depth = {}\nmin_child_weight = {}\nsubsample = {}\ncolsample_bytree = {}\nlambda = {}\n"
      "max_bin = {}\nseed = {}\nnthread = {}\nnum_round = {}\ndata = \"{}\"\nmodel_out = \"{}\"\n",
      Num(params.eta), params.max_depth, Num(params.min_child_weight), Num(params.subsample),
      Num(params.colsample_bytree), Num(params.lambda), params.max_bin, params.seed,
      threads > 0 ? threads : ThreadCount(), rounds, train_path, model_out);
  if (!valid_path.empty()) conf += fmt::format("eval[valid] = \"{}\"\n", valid_path);
  return conf;
}

}  // namespace icb::model
