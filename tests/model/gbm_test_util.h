// Test helpers for the XGBoost wrapper and model-card tests: a seeded simulated binary-outcome
// problem with known true probabilities, a plain sort-based AUROC, and a self-deleting temporary
// directory. Header-only; each helper is deterministic for a given seed.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <numbers>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "core/parallel.h"
#include "model/feature_matrix.h"

namespace icb::model::testing {

// Rows: scaled down in unoptimised (sanitiser) builds to keep the test binary fast.
inline size_t ScaledRows(size_t release_rows) {
#ifdef NDEBUG
  return release_rows;
#else
  return std::max<size_t>(release_rows / 10, 500);
#endif
}

// Uniform in [0, 1) and standard normal (Box-Muller) from the raw 64-bit output of mt19937_64, so
// the draws are the same with every standard library.
class Draws {
 public:
  explicit Draws(uint64_t seed) : gen_(seed) {}
  double Uniform() { return static_cast<double>(gen_() >> 11) * 0x1.0p-53; }
  double Normal() {
    double u1 = Uniform();
    while (u1 <= 0) u1 = Uniform();
    const double u2 = Uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  }

 private:
  std::mt19937_64 gen_;
};

struct Simulated {
  FeatureMatrix x;
  std::vector<float> labels;        // 0/1
  std::vector<float> truth;         // true probability
};

// Six features: x0..x3 standard normal, x4 binary (p = 0.3), x5 pure noise (unused by the truth).
// True logit = -2 + 0.8 x0 - 0.6 x1 + 0.4 x2 + 0.2 x3 + 0.7 x4 + 0.5 x0 x1 (an interaction the
// logistic baseline would miss). `signal` scales every term but the intercept (small: a noisy problem).
inline Simulated Simulate(size_t rows, uint64_t seed, double signal = 1.0) {
  Simulated s;
  s.x = FeatureMatrix(rows, {"x0", "x1", "x2", "x3", "x4_binary", "x5_noise"});
  s.labels.resize(rows);
  s.truth.resize(rows);
  Draws d(seed);
  for (size_t r = 0; r < rows; ++r) {
    const double x0 = d.Normal(), x1 = d.Normal(), x2 = d.Normal(), x3 = d.Normal();
    const double x4 = d.Uniform() < 0.3 ? 1.0 : 0.0;
    const double x5 = d.Normal();
    const double logit = -2.0 + signal * (0.8 * x0 - 0.6 * x1 + 0.4 * x2 + 0.2 * x3 + 0.7 * x4 + 0.5 * x0 * x1);
    const double p = 1.0 / (1.0 + std::exp(-logit));
    const float vals[6] = {static_cast<float>(x0), static_cast<float>(x1), static_cast<float>(x2),
                           static_cast<float>(x3), static_cast<float>(x4), static_cast<float>(x5)};
    for (size_t c = 0; c < 6; ++c) s.x.at(r, c) = vals[c];
    s.truth[r] = static_cast<float>(p);
    s.labels[r] = d.Uniform() < p ? 1.0f : 0.0f;
  }
  return s;
}

// AUROC as the Mann-Whitney U statistic over ranks with ties at mid-rank (Hanley & McNeil 1982).
inline double SimpleAuroc(const std::vector<float>& score, const std::vector<float>& label) {
  std::vector<size_t> idx(score.size());
  std::iota(idx.begin(), idx.end(), 0);
  std::sort(idx.begin(), idx.end(), [&](size_t a, size_t b) { return score[a] < score[b]; });
  double rank_sum = 0, pos = 0;
  for (size_t i = 0; i < idx.size();) {
    size_t j = i;
    while (j < idx.size() && score[idx[j]] == score[idx[i]]) ++j;
    const double mid = (static_cast<double>(i) + static_cast<double>(j - 1)) / 2.0 + 1.0;
    for (size_t k = i; k < j; ++k) {
      if (label[idx[k]] == 1.0f) {
        rank_sum += mid;
        pos += 1;
      }
    }
    i = j;
  }
  const double neg = static_cast<double>(score.size()) - pos;
  return (rank_sum - pos * (pos + 1) / 2.0) / (pos * neg);
}

// Sets the engine's thread count for one test and restores it. The tests run XGBoost on one
// thread by default: OpenMP's spinning barriers make it many times slower when the machine's cores
// are busy with other work (a shared build host); results do not depend on the count.
class ScopedThreadCount {
 public:
  explicit ScopedThreadCount(int threads) : previous_(ThreadCount()) { SetThreadCount(threads); }
  ~ScopedThreadCount() { SetThreadCount(previous_); }
  ScopedThreadCount(const ScopedThreadCount&) = delete;
  ScopedThreadCount& operator=(const ScopedThreadCount&) = delete;

 private:
  int previous_;
};

class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("icb_model_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace icb::model::testing
