#include "model/logistic.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <string>

#include <Eigen/Dense>

#include "core/parallel.h"
#include "model/json_field_reader.h"

namespace icb::model {
namespace {

// Rows per block of the information-matrix accumulation: each block has its own slot and slots are
// summed in block order, so the fit does not depend on the thread count.
constexpr size_t kBlockRows = 16384;

// Writes rows [begin, end) of the design (without the intercept column) into `out`: row r - begin
// starts at out + (r - begin) * stride and holds `cols` doubles.
using BlockFill = std::function<void(size_t begin, size_t end, double* out, size_t stride)>;

using RowMajorMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// log(1 + exp(x)) without overflow.
double Softplus(double x) { return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x)); }

double Expit(double x) {
  if (x >= 0) return 1.0 / (1.0 + std::exp(-x));
  const double e = std::exp(x);
  return e / (1.0 + e);
}

// One pass over the data at `beta` (intercept first): the information X'WX, the score X'(y - p) and
// the deviance.
struct Pass {
  Eigen::MatrixXd information;
  Eigen::VectorXd score;
  double deviance = 0;
};

Pass Evaluate(const BlockFill& fill, size_t rows, size_t cols, std::span<const uint8_t> y,
              std::span<const double> offset, const Eigen::VectorXd& beta) {
  const Eigen::Index p = static_cast<Eigen::Index>(cols) + 1;
  const size_t blocks = (rows + kBlockRows - 1) / kBlockRows;
  std::vector<Eigen::MatrixXd> info(blocks);
  std::vector<Eigen::VectorXd> score(blocks);
  std::vector<double> deviance(blocks, 0.0);
  ParallelFor(blocks, 1, [&](size_t first_block, size_t last_block) {
    // The block's design with the intercept column first, row-major, so that the caller fills rows
    // in place and each row is weighted in place.
    RowMajorMatrix z;
    Eigen::VectorXd eta, resid;
    for (size_t b = first_block; b < last_block; ++b) {
      const size_t begin = b * kBlockRows, end = std::min(rows, begin + kBlockRows);
      const Eigen::Index nb = static_cast<Eigen::Index>(end - begin);
      z.resize(nb, p);
      z.col(0).setOnes();
      if (cols > 0) fill(begin, end, z.data() + 1, static_cast<size_t>(p));
      eta.noalias() = z * beta;
      if (!offset.empty()) {
        for (Eigen::Index i = 0; i < nb; ++i) eta[i] += offset[begin + static_cast<size_t>(i)];
      }
      resid.resize(nb);
      double dev = 0;
      for (Eigen::Index i = 0; i < nb; ++i) {
        const double e = eta[i];
        const double mu = Expit(e);
        const bool event = y[begin + static_cast<size_t>(i)] != 0;
        resid[i] = (event ? 1.0 : 0.0) - mu;
        eta[i] = std::sqrt(mu * (1.0 - mu));  // reused: the square root of the weight
        dev += 2.0 * (event ? Softplus(-e) : Softplus(e));
      }
      Eigen::VectorXd g(p);
      g.noalias() = z.transpose() * resid;
      for (Eigen::Index i = 0; i < nb; ++i) z.row(i) *= eta[i];
      Eigen::MatrixXd h = Eigen::MatrixXd::Zero(p, p);
      h.selfadjointView<Eigen::Lower>().rankUpdate(z.transpose());
      info[b] = std::move(h);
      score[b] = std::move(g);
      deviance[b] = dev;
    }
  });
  Pass out;
  out.information = Eigen::MatrixXd::Zero(p, p);
  out.score = Eigen::VectorXd::Zero(p);
  for (size_t b = 0; b < blocks; ++b) {
    out.information += info[b];
    out.score += score[b];
    out.deviance += deviance[b];
  }
  out.information.triangularView<Eigen::StrictlyUpper>() = out.information.transpose();
  return out;
}

// The penalised information (ridge on the coefficients, not the intercept), factorised after
// scaling to a unit diagonal so that the singularity test does not depend on the columns' units.
struct Factor {
  Eigen::VectorXd scale;  // 1 / sqrt(diagonal)
  Eigen::LDLT<Eigen::MatrixXd> ldlt;
  bool ok = false;
};

Factor Factorise(const Eigen::MatrixXd& information, double ridge) {
  Eigen::MatrixXd a = information;
  for (Eigen::Index j = 1; j < a.rows(); ++j) a(j, j) += ridge;
  Factor f;
  f.scale.resize(a.rows());
  for (Eigen::Index j = 0; j < a.rows(); ++j) {
    if (!(a(j, j) > 0) || !std::isfinite(a(j, j))) return f;
    f.scale[j] = 1.0 / std::sqrt(a(j, j));
  }
  a = f.scale.asDiagonal() * a * f.scale.asDiagonal();
  f.ldlt.compute(a);
  if (f.ldlt.info() != Eigen::Success || !f.ldlt.isPositive()) return f;
  const Eigen::VectorXd d = f.ldlt.vectorD();
  f.ok = d.minCoeff() > 1e-11 * std::max(1.0, d.maxCoeff());
  return f;
}

Eigen::MatrixXd Solve(const Factor& f, const Eigen::MatrixXd& rhs) {
  const Eigen::MatrixXd scaled = f.scale.asDiagonal() * rhs;
  return f.scale.asDiagonal() * f.ldlt.solve(scaled);
}

double Penalised(const Pass& pass, const Eigen::VectorXd& beta, double ridge) {
  return pass.deviance + (ridge > 0 ? ridge * beta.tail(beta.size() - 1).squaredNorm() : 0.0);
}

Status Singular() {
  return Status::InvalidInput(
      "logistic regression: the information matrix is singular (a constant or collinear column, or a "
      "column that separates the outcome); drop the column or add a ridge penalty");
}

Result<LogisticFit> FitCore(const BlockFill& fill, size_t rows, size_t cols, std::span<const uint8_t> y,
                            std::span<const double> offset, const LogisticOptions& options) {
  if (y.size() != rows) {
    return Status::InvalidInput("logistic regression: " + std::to_string(rows) + " rows but " +
                                std::to_string(y.size()) + " outcomes");
  }
  if (!offset.empty() && offset.size() != rows) {
    return Status::InvalidInput("logistic regression: " + std::to_string(rows) + " rows but an offset of " +
                                std::to_string(offset.size()));
  }
  if (rows == 0) return Status::InvalidInput("logistic regression: no rows");
  if (!(options.ridge >= 0)) return Status::InvalidInput("logistic regression: ridge must be >= 0");
  size_t events = 0;
  for (size_t i = 0; i < rows; ++i) {
    if (y[i] > 1) {
      return Status::InvalidInput("logistic regression: outcome of row " + std::to_string(i) + " is not 0 or 1");
    }
    events += y[i];
  }
  if (events == 0 || events == rows) {
    return Status::InvalidInput("logistic regression: the outcome is " + std::string(events == 0 ? "0" : "1") +
                                " in every row, so the model cannot be fitted");
  }
  for (size_t i = 0; i < offset.size(); ++i) {
    if (!std::isfinite(offset[i])) {
      return Status::InvalidInput("logistic regression: offset of row " + std::to_string(i) + " is not finite");
    }
  }
  const Eigen::Index p = static_cast<Eigen::Index>(cols) + 1;
  Eigen::VectorXd beta = Eigen::VectorXd::Zero(p);
  if (offset.empty()) {
    const double ybar = static_cast<double>(events) / static_cast<double>(rows);
    beta[0] = std::log(ybar / (1.0 - ybar));
  }
  const double ridge = options.ridge;
  Pass current = Evaluate(fill, rows, cols, y, offset, beta);
  if (!std::isfinite(current.deviance)) {
    return Status::InvalidInput("logistic regression: non-finite deviance at the start");
  }
  LogisticFit fit;
  for (int it = 1; it <= options.max_iterations; ++it) {
    const Factor f = Factorise(current.information, ridge);
    if (!f.ok) return Singular();
    Eigen::VectorXd gradient = current.score;
    if (ridge > 0) gradient.tail(p - 1) -= ridge * beta.tail(p - 1);
    const Eigen::VectorXd step = Solve(f, gradient).col(0);
    if (!step.allFinite()) return Singular();
    const double before = Penalised(current, beta, ridge);
    // Step-halving: shorten the Newton step until the penalised deviance does not rise.
    double length = 1.0;
    Eigen::VectorXd candidate;
    Pass next;
    bool accepted = false;
    for (int halving = 0; halving < 20; ++halving, length *= 0.5) {
      candidate = beta + length * step;
      next = Evaluate(fill, rows, cols, y, offset, candidate);
      const double after = Penalised(next, candidate, ridge);
      if (std::isfinite(after) && after <= before + 1e-10 * (std::fabs(before) + 1.0)) {
        accepted = true;
        break;
      }
    }
    fit.iterations = it;
    if (!accepted) break;  // no step lowers the deviance: at the optimum to rounding
    const double after = Penalised(next, candidate, ridge);
    beta = candidate;
    current = std::move(next);
    if (std::fabs(after - before) / (std::fabs(after) + 0.1) < options.tolerance) {
      fit.converged = true;
      break;
    }
  }
  if (!fit.converged) {
    // A last check: a step that could not lower the deviance at all means we are at the optimum.
    const Factor f = Factorise(current.information, ridge);
    if (!f.ok) return Singular();
    Eigen::VectorXd gradient = current.score;
    if (ridge > 0) gradient.tail(p - 1) -= ridge * beta.tail(p - 1);
    fit.converged = gradient.cwiseAbs().maxCoeff() < 1e-8 * (1.0 + current.deviance);
  }
  const Factor f = Factorise(current.information, ridge);
  if (!f.ok) return Singular();
  // Standard errors: square roots of the diagonal of the inverse (penalised) information.
  const Eigen::MatrixXd inverse = Solve(f, Eigen::MatrixXd::Identity(p, p));
  fit.intercept = beta[0];
  fit.coef.assign(beta.data() + 1, beta.data() + p);
  fit.se.resize(static_cast<size_t>(p));
  for (Eigen::Index j = 0; j < p; ++j) fit.se[static_cast<size_t>(j)] = std::sqrt(std::max(0.0, inverse(j, j)));
  fit.deviance = current.deviance;
  return fit;
}

double ApplyTransform(Transform t, double x) {
  switch (t) {
    case Transform::kLog1p:
      return std::log1p(std::max(0.0, x));
    case Transform::kIdentity:
      break;
  }
  return x;
}

std::string_view TransformName(Transform t) { return t == Transform::kLog1p ? "log1p" : "identity"; }

}  // namespace

Result<LogisticFit> FitLogistic(std::span<const double> x, size_t rows, size_t cols, std::span<const uint8_t> y,
                                std::span<const double> offset, const LogisticOptions& options) {
  if (x.size() != rows * cols) {
    return Status::InvalidInput("logistic regression: the design has " + std::to_string(x.size()) +
                                " values, expected rows x cols = " + std::to_string(rows) + " x " +
                                std::to_string(cols));
  }
  for (size_t i = 0; i < x.size(); ++i) {
    if (!std::isfinite(x[i])) {
      return Status::InvalidInput("logistic regression: value at row " + std::to_string(i / cols) + ", column " +
                                  std::to_string(i % cols) + " is not finite");
    }
  }
  BlockFill fill = [&](size_t begin, size_t end, double* out, size_t stride) {
    for (size_t r = begin; r < end; ++r, out += stride) {
      const auto row = x.begin() + static_cast<std::ptrdiff_t>(r * cols);
      std::copy(row, row + static_cast<std::ptrdiff_t>(cols), out);
    }
  };
  return FitCore(fill, rows, cols, y, offset, options);
}

Result<LogisticModel> TrainLogistic(const FeatureMatrix& m, std::span<const uint8_t> y,
                                    std::span<const Transform> transforms, const LogisticOptions& options) {
  if (transforms.size() != m.cols) {
    return Status::InvalidInput("logistic model: " + std::to_string(transforms.size()) + " transforms for " +
                                std::to_string(m.cols) + " columns");
  }
  if (m.values.size() != m.rows * m.cols || m.names.size() != m.cols) {
    return Status::InvalidInput("logistic model: the feature matrix is malformed");
  }
  const size_t rows = m.rows, cols = m.cols;
  // Pass 1: per-block sums, minima and maxima of the transformed columns (blocks combined in order).
  const size_t blocks = (rows + kBlockRows - 1) / kBlockRows;
  std::vector<std::vector<double>> sums(blocks), lows(blocks), highs(blocks);
  std::vector<size_t> bad(blocks, SIZE_MAX);
  ParallelFor(blocks, 1, [&](size_t b0, size_t b1) {
    for (size_t b = b0; b < b1; ++b) {
      std::vector<double> s(cols, 0.0), lo(cols, std::numeric_limits<double>::infinity()),
          hi(cols, -std::numeric_limits<double>::infinity());
      const size_t begin = b * kBlockRows, end = std::min(rows, begin + kBlockRows);
      for (size_t r = begin; r < end; ++r) {
        for (size_t c = 0; c < cols; ++c) {
          const float raw = m.at(r, c);
          if (!std::isfinite(raw)) {
            if (bad[b] == SIZE_MAX) bad[b] = r * cols + c;
            continue;
          }
          const double v = ApplyTransform(transforms[c], raw);
          s[c] += v;
          lo[c] = std::min(lo[c], v);
          hi[c] = std::max(hi[c], v);
        }
      }
      sums[b] = std::move(s);
      lows[b] = std::move(lo);
      highs[b] = std::move(hi);
    }
  });
  for (size_t b = 0; b < blocks; ++b) {
    if (bad[b] != SIZE_MAX) {
      return Status::InvalidInput("logistic model: feature '" + m.names[bad[b] % cols] +
                                  "' is missing or not finite at row " + std::to_string(bad[b] / cols));
    }
  }
  LogisticModel model;
  model.names = m.names;
  model.transforms.assign(transforms.begin(), transforms.end());
  model.mean.assign(cols, 0.0);
  model.sd.assign(cols, 0.0);
  constexpr double kInf = std::numeric_limits<double>::infinity();
  std::vector<double> lo(cols, kInf), hi(cols, -kInf);
  for (size_t b = 0; b < blocks; ++b) {
    for (size_t c = 0; c < cols; ++c) {
      model.mean[c] += sums[b][c];
      lo[c] = std::min(lo[c], lows[b][c]);
      hi[c] = std::max(hi[c], highs[b][c]);
    }
  }
  if (rows > 0) {
    for (double& v : model.mean) v /= static_cast<double>(rows);
  }
  // Pass 2: the standard deviation (divisor n) around the mean.
  std::vector<std::vector<double>> squares(blocks);
  ParallelFor(blocks, 1, [&](size_t b0, size_t b1) {
    for (size_t b = b0; b < b1; ++b) {
      std::vector<double> s(cols, 0.0);
      const size_t begin = b * kBlockRows, end = std::min(rows, begin + kBlockRows);
      for (size_t r = begin; r < end; ++r) {
        for (size_t c = 0; c < cols; ++c) {
          const double d = ApplyTransform(transforms[c], m.at(r, c)) - model.mean[c];
          s[c] += d * d;
        }
      }
      squares[b] = std::move(s);
    }
  });
  std::vector<size_t> kept;
  for (size_t c = 0; c < cols; ++c) {
    double ss = 0;
    for (size_t b = 0; b < blocks; ++b) ss += squares[b][c];
    const bool constant = !(hi[c] > lo[c]);
    model.sd[c] = constant ? 0.0 : std::sqrt(ss / static_cast<double>(rows));
    if (constant) {
      model.mean[c] = rows > 0 ? lo[c] : 0.0;
    } else {
      kept.push_back(c);
    }
  }
  // Pass 3: the standardised kept columns, stored once as floats (half the memory of doubles).
  const size_t k = kept.size();
  std::vector<float> z(rows * k);
  ParallelFor(blocks, 1, [&](size_t b0, size_t b1) {
    for (size_t b = b0; b < b1; ++b) {
      const size_t begin = b * kBlockRows, end = std::min(rows, begin + kBlockRows);
      for (size_t r = begin; r < end; ++r) {
        for (size_t j = 0; j < k; ++j) {
          const size_t c = kept[j];
          z[r * k + j] =
              static_cast<float>((ApplyTransform(transforms[c], m.at(r, c)) - model.mean[c]) / model.sd[c]);
        }
      }
    }
  });
  BlockFill fill = [&](size_t begin, size_t end, double* out, size_t stride) {
    for (size_t r = begin; r < end; ++r, out += stride) {
      const auto row = z.begin() + static_cast<std::ptrdiff_t>(r * k);
      std::copy(row, row + static_cast<std::ptrdiff_t>(k), out);
    }
  };
  Result<LogisticFit> fit = FitCore(fill, rows, k, y, {}, options);
  if (!fit.ok()) return fit.status();
  model.intercept = fit->intercept;
  model.coef.assign(cols, 0.0);
  model.se.assign(cols + 1, std::numeric_limits<double>::quiet_NaN());
  model.se[0] = fit->se[0];
  for (size_t j = 0; j < k; ++j) {
    model.coef[kept[j]] = fit->coef[j];
    model.se[kept[j] + 1] = fit->se[j + 1];
  }
  model.iterations = fit->iterations;
  model.converged = fit->converged;
  return model;
}

Result<std::vector<float>> LogisticModel::Predict(const FeatureMatrix& m) const {
  const size_t k = names.size();
  if (transforms.size() != k || mean.size() != k || sd.size() != k || coef.size() != k) {
    return Status::InvalidInput("logistic model: names, transforms, mean, sd and coef differ in length");
  }
  if (m.values.size() != m.rows * m.cols || m.names.size() != m.cols) {
    return Status::InvalidInput("logistic model: the feature matrix is malformed");
  }
  if (m.cols != names.size()) {
    return Status::InvalidInput("logistic model: the matrix has " + std::to_string(m.cols) + " columns, the model " +
                                std::to_string(names.size()));
  }
  for (size_t c = 0; c < m.cols; ++c) {
    if (m.names[c] != names[c]) {
      return Status::InvalidInput("logistic model: column " + std::to_string(c) + " is '" + m.names[c] +
                                  "', the model expects '" + names[c] + "'");
    }
  }
  // Per column: eta += coef * (T(x) - mean) / sd, folded into one factor and one constant.
  std::vector<double> factor(m.cols, 0.0);
  double constant = intercept;
  for (size_t c = 0; c < m.cols; ++c) {
    if (sd[c] > 0) {
      factor[c] = coef[c] / sd[c];
      constant -= factor[c] * mean[c];
    }
  }
  std::vector<float> out(m.rows);
  ParallelFor(m.rows, 4096, [&](size_t begin, size_t end) {
    for (size_t r = begin; r < end; ++r) {
      double eta = constant;
      for (size_t c = 0; c < m.cols; ++c) {
        if (factor[c] != 0) eta += factor[c] * ApplyTransform(transforms[c], m.at(r, c));
      }
      out[r] = static_cast<float>(Expit(eta));
    }
  });
  return out;
}

nlohmann::json LogisticModel::ToJson() const {
  nlohmann::json features = nlohmann::json::array();
  for (size_t c = 0; c < names.size(); ++c) {
    features.push_back({{"name", names[c]},
                        {"transform", std::string(TransformName(transforms[c]))},
                        {"mean", DoubleToJson(mean[c])},
                        {"sd", DoubleToJson(sd[c])},
                        {"coef", DoubleToJson(coef[c])},
                        {"se", DoubleToJson(se[c + 1])}});
  }
  return {{"kind", "logistic"},
          {"version", 1},
          {"intercept", DoubleToJson(intercept)},
          {"intercept_se", DoubleToJson(se.empty() ? std::nan("") : se[0])},
          {"iterations", iterations},
          {"converged", converged},
          {"features", features}};
}

Result<LogisticModel> LogisticModel::FromJson(const nlohmann::json& j) {
  JsonFieldReader reader(j, "logistic");
  LogisticModel m;
  std::string kind;
  int version = 0;
  double intercept_se = 0;
  reader.Read("kind", &kind);
  reader.Read("version", &version);
  if (reader.ok() && kind != "logistic") {
    reader.Fail("field 'logistic.kind' should be \"logistic\", found \"" + kind + "\"");
  }
  if (reader.ok() && version != 1) {
    reader.Fail("field 'logistic.version' is " + std::to_string(version) + "; this engine reads version 1");
  }
  reader.Read("intercept", &m.intercept);
  reader.Read("intercept_se", &intercept_se);
  reader.Read("iterations", &m.iterations);
  reader.Read("converged", &m.converged);
  const nlohmann::json* features = reader.Array("features");
  if (!reader.ok()) return reader.status();
  m.se.push_back(intercept_se);
  for (size_t i = 0; i < features->size(); ++i) {
    JsonFieldReader f((*features)[i], "logistic.features[" + std::to_string(i) + "]");
    std::string name, transform;
    double mean = 0, sd = 0, coef = 0, se = 0;
    f.Read("name", &name);
    f.Read("transform", &transform);
    f.Read("mean", &mean);
    f.Read("sd", &sd);
    f.Read("coef", &coef);
    f.Read("se", &se);
    if (f.ok() && transform != "identity" && transform != "log1p") {
      f.Fail("field '" + f.Path("transform") + "' should be \"identity\" or \"log1p\", found \"" + transform + "\"");
    }
    if (f.ok() && (!std::isfinite(mean) || !(sd >= 0) || !std::isfinite(sd) || !std::isfinite(coef))) {
      f.Fail("field '" + f.Path("mean") + "', 'sd' or 'coef' is not a finite number (sd >= 0)");
    }
    if (!f.ok()) return f.status();
    m.names.push_back(name);
    m.transforms.push_back(transform == "log1p" ? Transform::kLog1p : Transform::kIdentity);
    m.mean.push_back(mean);
    m.sd.push_back(sd);
    m.coef.push_back(coef);
    m.se.push_back(se);
  }
  return m;
}

}  // namespace icb::model
