// Tests of model cards (model/model_card.h): a full card survives save and load field for field
// (the embedded XGBoost model predicting bit-identically), and loading refuses newer card versions
// and names the missing or wrongly typed field. The card format is specified in
// docs/reference/risk-models.md; the expectations here follow from that specification.
#include "model/model_card.h"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/file_util.h"
#include "gbm_test_util.h"

namespace icb::model {
namespace {

using testing::ScopedThreadCount;
using testing::Simulate;
using testing::Simulated;
using testing::TempDir;

const Simulated& Data() {
  static const Simulated* s = new Simulated(Simulate(2000, 101));
  return *s;
}

ModelCard MakeCard() {
  ModelCard card;
  card.engine_version = "0.1.0";
  card.created = "2026-11-23T03:00:00Z";
  card.outcome = "emergency_admission";
  card.outcome_description = "At least one emergency admission in the 12 months after the features date";
  card.dataset_digest = std::string(64, 'a');
  card.uses_ethnicity = true;
  const Simulated& s = Data();
  for (size_t c = 0; c < s.x.cols; ++c) {
    CardFeature f;
    f.name = s.x.names[c];
    f.description = "simulated feature " + std::to_string(c);
    f.group = c < 4 ? "continuous" : "other";
    f.bins.edges = {-1.2815515655446004, 0.0, 1.2815515655446004 + static_cast<double>(c)};
    f.bins.reference_shares = {0.1, 0.4, 0.4, 0.1};
    card.features.push_back(f);
  }
  card.training = {"2024-04-01", "2024-04-01", "2025-04-01", 123456, 7890};
  card.validation = {"2025-04-01", "2025-04-01", "2026-04-01", 120000, 8001};
  card.metrics = {{"gbm", {{"auroc", 0.7712345678901234}, {"calibration_slope", 1.01}}},
                  {"logistic", {{"auroc", 0.74}}}};
  card.gbm_params.rounds = 12;
  card.gbm_params.eta = 0.2;
  card.gbm_params.threads = 1;
  GbmTrainLog log;
  Result<GbmModel> gbm = GbmModel::Train(s.x, s.labels, s.x, s.labels, card.gbm_params, &log);
  EXPECT_TRUE(gbm.ok()) << gbm.status().ToString();
  if (gbm.ok()) card.gbm = std::move(*gbm);
  card.gbm_log = log;
  card.logistic.names = s.x.names;
  card.logistic.transforms = {Transform::kIdentity, Transform::kIdentity, Transform::kIdentity,
                              Transform::kIdentity, Transform::kLog1p,    Transform::kIdentity};
  card.logistic.mean = {0.01, -0.02, 0.03, 0.0, 0.21, 0.001};
  card.logistic.sd = {1.01, 0.99, 1.0, 1.02, 0.3, 0.98};
  card.logistic.intercept = -2.1;
  card.logistic.coef = {0.8, -0.6, 0.4, 0.2, 0.3, 0.0};
  card.logistic.se = {0.05, 0.04, 0.04, 0.04, 0.04, 0.04, 0.04};
  card.logistic.iterations = 6;
  card.logistic.converged = true;
  card.score_bins.edges = {0.05, 0.1, 0.2};
  card.score_bins.reference_shares = {0.3, 0.3, 0.3, 0.1};
  card.recalibration.intercept = 0.125;
  card.recalibration.slope = 0.95;
  card.recalibration_note = "recalibrated on 2026-04-01 for a test area";
  return card;
}

void ExpectBinsEqual(const Bins& a, const Bins& b) {
  EXPECT_EQ(a.edges, b.edges);
  EXPECT_EQ(a.reference_shares, b.reference_shares);
}
void ExpectWindowEqual(const CardWindow& a, const CardWindow& b) {
  EXPECT_EQ(a.features_as_at, b.features_as_at);
  EXPECT_EQ(a.outcome_start, b.outcome_start);
  EXPECT_EQ(a.outcome_end, b.outcome_end);
  EXPECT_EQ(a.persons, b.persons);
  EXPECT_EQ(a.events, b.events);
}

// Writes `j` and loads it back as a card.
Result<ModelCard> LoadEdited(const TempDir& dir, const nlohmann::json& j) {
  const std::string path = dir.File("edited.json");
  EXPECT_TRUE(WriteFileAtomic(path, j.dump()).ok());
  return LoadModelCard(path);
}

nlohmann::json SavedCardJson(const TempDir& dir) {
  const std::string path = dir.File("card.json");
  EXPECT_TRUE(SaveModelCard(MakeCard(), path).ok());
  Result<std::string> text = ReadFile(path);
  return nlohmann::json::parse(*text);
}

TEST(ModelCard, RoundTripKeepsEveryField) {
  ScopedThreadCount one_thread(1);
  TempDir dir;
  const ModelCard a = MakeCard();
  ASSERT_TRUE(a.gbm.loaded());
  const std::string path = dir.File("card.json");
  Status st = SaveModelCard(a, path);
  ASSERT_TRUE(st.ok()) << st.ToString();
  Result<ModelCard> loaded = LoadModelCard(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  const ModelCard& b = *loaded;
  EXPECT_EQ(b.card_version, kModelCardVersion);
  EXPECT_EQ(b.engine_version, a.engine_version);
  EXPECT_EQ(b.created, a.created);
  EXPECT_EQ(b.outcome, a.outcome);
  EXPECT_EQ(b.outcome_description, a.outcome_description);
  EXPECT_EQ(b.dataset_digest, a.dataset_digest);
  EXPECT_EQ(b.uses_ethnicity, a.uses_ethnicity);
  ASSERT_EQ(b.features.size(), a.features.size());
  for (size_t i = 0; i < a.features.size(); ++i) {
    EXPECT_EQ(b.features[i].name, a.features[i].name);
    EXPECT_EQ(b.features[i].description, a.features[i].description);
    EXPECT_EQ(b.features[i].group, a.features[i].group);
    ExpectBinsEqual(b.features[i].bins, a.features[i].bins);
  }
  EXPECT_EQ(b.FeatureNames(), a.FeatureNames());
  ExpectWindowEqual(b.training, a.training);
  ExpectWindowEqual(b.validation, a.validation);
  EXPECT_EQ(b.metrics, a.metrics);
  EXPECT_EQ(b.gbm_params.ToJson(), a.gbm_params.ToJson());
  EXPECT_EQ(b.gbm_log.best_iteration, a.gbm_log.best_iteration);
  EXPECT_EQ(b.gbm_log.best_validation_logloss, a.gbm_log.best_validation_logloss);
  EXPECT_EQ(b.gbm_log.validation_logloss, a.gbm_log.validation_logloss);
  EXPECT_EQ(b.gbm_log.seconds, a.gbm_log.seconds);
  EXPECT_EQ(b.gbm_log.threads, a.gbm_log.threads);
  EXPECT_EQ(b.logistic.names, a.logistic.names);
  EXPECT_EQ(b.logistic.transforms, a.logistic.transforms);
  EXPECT_EQ(b.logistic.mean, a.logistic.mean);
  EXPECT_EQ(b.logistic.sd, a.logistic.sd);
  EXPECT_EQ(b.logistic.intercept, a.logistic.intercept);
  EXPECT_EQ(b.logistic.coef, a.logistic.coef);
  EXPECT_EQ(b.logistic.se, a.logistic.se);
  ExpectBinsEqual(b.score_bins, a.score_bins);
  EXPECT_EQ(b.recalibration.intercept, a.recalibration.intercept);
  EXPECT_EQ(b.recalibration.slope, a.recalibration.slope);
  EXPECT_EQ(b.recalibration_note, a.recalibration_note);
  // The embedded XGBoost model predicts bit-identically, and the whole document is unchanged.
  ASSERT_TRUE(b.gbm.loaded());
  const std::vector<float> pa = *a.gbm.Predict(Data().x);
  const std::vector<float> pb = *b.gbm.Predict(Data().x);
  ASSERT_EQ(pa.size(), pb.size());
  EXPECT_EQ(std::memcmp(pa.data(), pb.data(), pa.size() * sizeof(float)), 0);
  EXPECT_EQ(*ModelCardToJson(b), *ModelCardToJson(a));
}

TEST(ModelCard, EmbedsTheXgboostModelAsAnObjectAndKeepsHeaderFieldsFirst) {
  ScopedThreadCount one_thread(1);
  TempDir dir;
  const std::string path = dir.File("card.json");
  ASSERT_TRUE(SaveModelCard(MakeCard(), path).ok());
  const std::string text = *ReadFile(path);
  EXPECT_EQ(text.rfind("{\n  \"card_version\": 1,\n  \"engine_version\"", 0), 0u) << text.substr(0, 80);
  const nlohmann::json j = nlohmann::json::parse(text);
  ASSERT_TRUE(j["gbm"].is_object());
  EXPECT_TRUE(j["gbm"].contains("learner"));
  EXPECT_TRUE(j["gbm"].contains("version"));
  // No temporary file is left beside the card.
  size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(path).parent_path())) {
    (void)e;
    ++files;
  }
  EXPECT_EQ(files, 1u);
}

TEST(ModelCard, CardWithoutAnXgboostModelLoads) {
  ScopedThreadCount one_thread(1);
  TempDir dir;
  nlohmann::json j = SavedCardJson(dir);
  j["gbm"] = nullptr;
  Result<ModelCard> card = LoadEdited(dir, j);
  ASSERT_TRUE(card.ok()) << card.status().ToString();
  EXPECT_FALSE(card->gbm.loaded());
}

TEST(ModelCard, RefusesANewerCardVersion) {
  ScopedThreadCount one_thread(1);
  TempDir dir;
  nlohmann::json j = SavedCardJson(dir);
  j["card_version"] = 99;
  Result<ModelCard> card = LoadEdited(dir, j);
  ASSERT_FALSE(card.ok());
  EXPECT_EQ(card.status().code(), StatusCode::kInvalidInput);
  const std::string& msg = card.status().message();
  EXPECT_NE(msg.find("card_version 99"), std::string::npos) << msg;
  EXPECT_NE(msg.find("newer"), std::string::npos) << msg;
  EXPECT_NE(msg.find("edited.json"), std::string::npos) << msg;
}

TEST(ModelCard, NamesTheMissingOrWronglyTypedField) {
  ScopedThreadCount one_thread(1);
  TempDir dir;
  const nlohmann::json good = SavedCardJson(dir);
  const std::string where = "model card " + dir.File("edited.json") + ": ";

  nlohmann::json j = good;
  j["training"].erase("features_as_at");
  Result<ModelCard> card = LoadEdited(dir, j);
  ASSERT_FALSE(card.ok());
  EXPECT_EQ(card.status().code(), StatusCode::kInvalidInput);
  EXPECT_EQ(card.status().message(), where + "field 'training.features_as_at' is missing");

  j = good;
  j.erase("card_version");
  EXPECT_EQ(LoadEdited(dir, j).status().message(), where + "field 'card_version' is missing");

  j = good;
  j["uses_ethnicity"] = "yes";
  EXPECT_EQ(LoadEdited(dir, j).status().message(),
            where + "field 'uses_ethnicity' should be true or false, found a string");

  j = good;
  j["features"][2]["bins"]["edges"][1] = "zero";
  EXPECT_EQ(LoadEdited(dir, j).status().message(),
            where + "field 'features[2].bins.edges[1]' should be a number, found a string");

  j = good;
  j["gbm_params"].erase("eta");
  EXPECT_EQ(LoadEdited(dir, j).status().message(), where + "field 'gbm_params.eta' is missing");

  j = good;
  j["logistic"].erase("intercept");
  EXPECT_EQ(LoadEdited(dir, j).status().message(), where + "field 'logistic.intercept' is missing");

  j = good;
  j["validation"]["persons"] = -5;
  EXPECT_EQ(LoadEdited(dir, j).status().message(),
            where + "field 'validation.persons' should be a non-negative integer, found an integer");

  j = good;
  j["gbm"] = "a string";
  card = LoadEdited(dir, j);
  ASSERT_FALSE(card.ok());
  EXPECT_NE(card.status().message().find("field 'gbm'"), std::string::npos) << card.status().message();

  // A feature list that does not match the embedded model is refused.
  j = good;
  j["features"].erase(5);
  card = LoadEdited(dir, j);
  ASSERT_FALSE(card.ok());
  EXPECT_NE(card.status().message().find("takes 6 features"), std::string::npos) << card.status().message();
}

TEST(ModelCard, MissingFileIsNotFoundAndBrokenJsonIsCorrupt) {
  ScopedThreadCount one_thread(1);
  TempDir dir;
  Result<ModelCard> missing = LoadModelCard(dir.File("nope.json"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("nope.json"), std::string::npos);

  const std::string path = dir.File("broken.json");
  ASSERT_TRUE(WriteFileAtomic(path, "{\"card_version\": 1,").ok());
  Result<ModelCard> broken = LoadModelCard(path);
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.status().code(), StatusCode::kCorrupt);
  EXPECT_NE(broken.status().message().find("broken.json"), std::string::npos);
}

}  // namespace
}  // namespace icb::model
