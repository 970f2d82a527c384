// Tests of the logistic regression (src/model/logistic.h): closed forms for a 2x2 table (Woolf 1955),
// the score equations at the fit, independence from the thread count, ridge, offsets, and the
// LogisticModel wrapper (transforms, standardisation, dropped constant columns, JSON round trip).
#include "model/logistic.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "core/parallel.h"

namespace icb::model {
namespace {

TEST(FitLogistic, SingleBinaryCovariateMatchesWoolf) {
  // A 2x2 table: exposed 30 events / 70 non-events, unexposed 20 / 180. The maximum likelihood fit
  // reproduces the table: intercept = log(20/180) (log odds in the unexposed), coefficient = log odds
  // ratio log(30*180 / (70*20)), SEs by Woolf (1955, Ann Hum Genet 19:251-253):
  // se(log OR) = sqrt(1/30 + 1/70 + 1/20 + 1/180); se(intercept) = sqrt(1/20 + 1/180).
  std::vector<double> x;
  std::vector<uint8_t> y;
  auto add = [&](double xi, uint8_t yi, int n) {
    for (int i = 0; i < n; ++i) {
      x.push_back(xi);
      y.push_back(yi);
    }
  };
  add(1, 1, 30);
  add(1, 0, 70);
  add(0, 1, 20);
  add(0, 0, 180);
  Result<LogisticFit> fit = FitLogistic(x, y.size(), 1, y);
  ASSERT_TRUE(fit.ok()) << fit.status().ToString();
  EXPECT_TRUE(fit->converged);
  EXPECT_NEAR(fit->intercept, std::log(20.0 / 180.0), 1e-9);
  EXPECT_NEAR(fit->coef[0], std::log(30.0 * 180.0 / (70.0 * 20.0)), 1e-9);
  EXPECT_NEAR(fit->se[1], std::sqrt(1.0 / 30 + 1.0 / 70 + 1.0 / 20 + 1.0 / 180), 1e-9);
  EXPECT_NEAR(fit->se[0], std::sqrt(1.0 / 20 + 1.0 / 180), 1e-9);
  // Deviance of the saturated-by-group fit: -2 sum n log(p) with the observed proportions.
  const double dev = -2 * (30 * std::log(0.3) + 70 * std::log(0.7) + 20 * std::log(0.1) + 180 * std::log(0.9));
  EXPECT_NEAR(fit->deviance, dev, 1e-8);
}

struct Data {
  size_t rows = 0, cols = 0;
  std::vector<double> x;
  std::vector<uint8_t> y;
};
Data Random(size_t rows, size_t cols, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  Data d{rows, cols, {}, {}};
  for (size_t r = 0; r < rows; ++r) {
    double eta = -1.5;
    for (size_t c = 0; c < cols; ++c) {
      const double v = normal(rng) * (1.0 + static_cast<double>(c));
      d.x.push_back(v);
      eta += (c % 2 ? -0.3 : 0.4) * v / (1.0 + static_cast<double>(c));
    }
    d.y.push_back(u(rng) < 1.0 / (1.0 + std::exp(-eta)) ? 1 : 0);
  }
  return d;
}

TEST(FitLogistic, ScoreEquationsAreZeroAtTheFit) {
  // At the maximum likelihood estimate, X'(y - p) = 0 for every column and the intercept.
  const Data d = Random(5000, 6, 1);
  Result<LogisticFit> fit = FitLogistic(d.x, d.rows, d.cols, d.y);
  ASSERT_TRUE(fit.ok());
  EXPECT_TRUE(fit->converged);
  std::vector<double> score(d.cols + 1, 0.0);
  for (size_t r = 0; r < d.rows; ++r) {
    double eta = fit->intercept;
    for (size_t c = 0; c < d.cols; ++c) eta += fit->coef[c] * d.x[r * d.cols + c];
    const double resid = d.y[r] - 1.0 / (1.0 + std::exp(-eta));
    score[0] += resid;
    for (size_t c = 0; c < d.cols; ++c) score[c + 1] += resid * d.x[r * d.cols + c];
  }
  for (double s : score) EXPECT_NEAR(s, 0.0, 1e-6);
  ASSERT_EQ(fit->se.size(), d.cols + 1);
  for (double se : fit->se) EXPECT_GT(se, 0.0);
}

TEST(FitLogistic, SameFitAtOneAndTwoThreads) {
  // More than one 16,384-row block, so the blocks are summed in order whatever the thread count.
  const Data d = Random(50000, 4, 2);
  SetThreadCount(1);
  Result<LogisticFit> one = FitLogistic(d.x, d.rows, d.cols, d.y);
  SetThreadCount(2);
  Result<LogisticFit> two = FitLogistic(d.x, d.rows, d.cols, d.y);
  SetThreadCount(0);
  ASSERT_TRUE(one.ok() && two.ok());
  EXPECT_EQ(one->intercept, two->intercept);
  EXPECT_EQ(one->coef, two->coef);
  EXPECT_EQ(one->se, two->se);
  EXPECT_EQ(one->deviance, two->deviance);
}

TEST(FitLogistic, OffsetOnlyGivesCalibrationInTheLarge) {
  // With zero columns and a constant offset o, the intercept is logit(mean y) - o.
  std::vector<uint8_t> y = {1, 0, 0, 0, 1, 0, 0, 0, 0, 0};
  std::vector<double> offset(y.size(), 0.7);
  Result<LogisticFit> fit = FitLogistic({}, y.size(), 0, y, offset);
  ASSERT_TRUE(fit.ok()) << fit.status().ToString();
  EXPECT_NEAR(fit->intercept, std::log(0.2 / 0.8) - 0.7, 1e-10);
  // se = 1 / sqrt(n p (1 - p)) for a single proportion on the logit scale.
  EXPECT_NEAR(fit->se[0], 1.0 / std::sqrt(10 * 0.2 * 0.8), 1e-9);
}

TEST(FitLogistic, RidgeShrinksTheCoefficients) {
  const Data d = Random(3000, 3, 3);
  Result<LogisticFit> plain = FitLogistic(d.x, d.rows, d.cols, d.y);
  LogisticOptions strong;
  strong.ridge = 1e9;
  Result<LogisticFit> shrunk = FitLogistic(d.x, d.rows, d.cols, d.y, {}, strong);
  ASSERT_TRUE(plain.ok() && shrunk.ok());
  for (size_t c = 0; c < d.cols; ++c) {
    EXPECT_LT(std::fabs(shrunk->coef[c]), 1e-4);
    EXPECT_GT(std::fabs(plain->coef[c]), 0.05);
  }
  // The intercept is not penalised: with the coefficients near 0 it is near logit(mean y).
  double events = 0;
  for (uint8_t v : d.y) events += v;
  const double ybar = events / static_cast<double>(d.rows);
  EXPECT_NEAR(shrunk->intercept, std::log(ybar / (1 - ybar)), 1e-3);
}

TEST(FitLogistic, RejectsCollinearColumnsAndConstantOutcomes) {
  Data d = Random(500, 1, 4);
  std::vector<double> twice;
  for (double v : d.x) {
    twice.push_back(v);
    twice.push_back(2 * v);
  }
  EXPECT_EQ(FitLogistic(twice, d.rows, 2, d.y).status().code(), StatusCode::kInvalidInput);
  std::vector<uint8_t> zeros(d.rows, 0);
  EXPECT_EQ(FitLogistic(d.x, d.rows, 1, zeros).status().code(), StatusCode::kInvalidInput);
  EXPECT_EQ(FitLogistic(d.x, d.rows + 1, 1, d.y).status().code(), StatusCode::kInvalidInput);
}

FeatureMatrix Matrix(const Data& d, const std::vector<std::string>& names) {
  FeatureMatrix m(d.rows, names);
  for (size_t r = 0; r < d.rows; ++r) {
    for (size_t c = 0; c < d.cols; ++c) m.at(r, c) = static_cast<float>(d.x[r * d.cols + c]);
  }
  return m;
}

TEST(LogisticModel, StandardisesTransformsAndDropsConstantColumns) {
  Data d = Random(4000, 3, 5);
  // Column 1 becomes a count (log1p) with some negative values, which log1p clamps to 0; a fourth,
  // constant column is added.
  FeatureMatrix m(d.rows, {"age", "admissions_12m", "frailty", "constant"});
  for (size_t r = 0; r < d.rows; ++r) {
    m.at(r, 0) = static_cast<float>(d.x[r * 3 + 0]);
    m.at(r, 1) = static_cast<float>(std::round(std::exp(d.x[r * 3 + 1] / 2)) - (r % 50 == 0 ? 3 : 0));
    m.at(r, 2) = static_cast<float>(d.x[r * 3 + 2]);
    m.at(r, 3) = 7.0f;
  }
  const std::vector<Transform> t = {Transform::kIdentity, Transform::kLog1p, Transform::kIdentity,
                                    Transform::kIdentity};
  Result<LogisticModel> model = TrainLogistic(m, d.y, t);
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  EXPECT_EQ(model->coef[3], 0.0);
  EXPECT_EQ(model->sd[3], 0.0);
  EXPECT_EQ(model->mean[3], 7.0);
  EXPECT_TRUE(std::isnan(model->se[4]));

  // The same fit by hand: transform, standardise (divisor n), FitLogistic on the three columns.
  std::vector<double> z(d.rows * 3);
  for (size_t c = 0; c < 3; ++c) {
    double mean = 0, ss = 0;
    std::vector<double> col(d.rows);
    for (size_t r = 0; r < d.rows; ++r) {
      const double v = m.at(r, c);
      col[r] = c == 1 ? std::log1p(std::max(0.0, v)) : v;
      mean += col[r];
    }
    mean /= static_cast<double>(d.rows);
    for (double v : col) ss += (v - mean) * (v - mean);
    const double sd = std::sqrt(ss / static_cast<double>(d.rows));
    EXPECT_NEAR(model->mean[c], mean, 1e-9);
    EXPECT_NEAR(model->sd[c], sd, 1e-9);
    for (size_t r = 0; r < d.rows; ++r) z[r * 3 + c] = static_cast<float>((col[r] - mean) / sd);
  }
  Result<LogisticFit> fit = FitLogistic(z, d.rows, 3, d.y);
  ASSERT_TRUE(fit.ok());
  EXPECT_NEAR(model->intercept, fit->intercept, 1e-7);
  for (size_t c = 0; c < 3; ++c) EXPECT_NEAR(model->coef[c], fit->coef[c], 1e-7);

  Result<std::vector<float>> p = model->Predict(m);
  ASSERT_TRUE(p.ok());
  for (size_t r = 0; r < d.rows; r += 397) {
    double eta = fit->intercept;
    for (size_t c = 0; c < 3; ++c) eta += fit->coef[c] * z[r * 3 + c];
    EXPECT_NEAR((*p)[r], 1.0 / (1.0 + std::exp(-eta)), 1e-6);
  }
}

TEST(LogisticModel, JsonRoundTripIsExact) {
  const Data d = Random(2000, 3, 6);
  const FeatureMatrix m = Matrix(d, {"a", "b", "c"});
  const std::vector<Transform> t = {Transform::kIdentity, Transform::kIdentity, Transform::kLog1p};
  Result<LogisticModel> model = TrainLogistic(m, d.y, t);
  ASSERT_TRUE(model.ok());
  const std::string text = model->ToJson().dump();
  Result<LogisticModel> back = LogisticModel::FromJson(nlohmann::json::parse(text));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->names, model->names);
  EXPECT_EQ(back->transforms, model->transforms);
  EXPECT_EQ(back->mean, model->mean);
  EXPECT_EQ(back->sd, model->sd);
  EXPECT_EQ(back->intercept, model->intercept);
  EXPECT_EQ(back->coef, model->coef);
  EXPECT_EQ(back->se, model->se);
  EXPECT_EQ(back->iterations, model->iterations);
  EXPECT_EQ(back->converged, model->converged);
  EXPECT_EQ(*back->Predict(m), *model->Predict(m));
}

TEST(LogisticModel, ErrorsNameTheFieldOrColumn) {
  const Data d = Random(500, 2, 7);
  const FeatureMatrix m = Matrix(d, {"a", "b"});
  const std::vector<Transform> t(2, Transform::kIdentity);
  Result<LogisticModel> model = TrainLogistic(m, d.y, t);
  ASSERT_TRUE(model.ok());
  nlohmann::json j = model->ToJson();
  j["features"][1]["transform"] = "sqrt";
  Result<LogisticModel> bad = LogisticModel::FromJson(j);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("logistic.features[1].transform"), std::string::npos)
      << bad.status().message();
  j = model->ToJson();
  j.erase("intercept");
  EXPECT_NE(LogisticModel::FromJson(j).status().message().find("intercept"), std::string::npos);
  const FeatureMatrix renamed = Matrix(d, {"a", "z"});
  Result<std::vector<float>> p = model->Predict(renamed);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("'z'"), std::string::npos);
  FeatureMatrix with_nan = m;
  with_nan.at(3, 1) = std::nanf("");
  Result<LogisticModel> nan_fit = TrainLogistic(with_nan, d.y, t);
  ASSERT_FALSE(nan_fit.ok());
  EXPECT_NE(nan_fit.status().message().find("'b'"), std::string::npos);
}

}  // namespace
}  // namespace icb::model
