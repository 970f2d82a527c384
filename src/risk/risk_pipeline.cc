#include "risk/risk_pipeline.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <ctime>

#include "core/crypto.h"
#include "risk/evaluation.h"

#ifndef ICB_ENGINE_VERSION
#define ICB_ENGINE_VERSION "unknown"
#endif

namespace icb::risk {
namespace {

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

std::string FinancialYearLabel(int32_t as_at) {
  const int y = Date(as_at).year();
  return fmt::format("{}/{:02d}", y, (y + 1) % 100);
}

std::string UtcNow() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

size_t CountEvents(const std::vector<uint8_t>& y) {
  size_t n = 0;
  for (uint8_t v : y) n += v;
  return n;
}

// Rows of `cohort` whose pseudonym falls in the early-stopping share (by its first two bytes, so the
// split is stable across runs and thread counts and independent of the outcome).
std::vector<uint8_t> EarlyStoppingRows(const Dataset& ds, const std::vector<uint32_t>& persons, double fraction) {
  std::vector<uint8_t> held(persons.size(), 0);
  const auto cut = static_cast<uint32_t>(fraction * 65536.0);
  for (size_t r = 0; r < persons.size(); ++r) {
    const Digest& d = ds.persons.pseudonym[persons[r]];
    const uint32_t v = (static_cast<uint32_t>(d[30]) << 8) | d[31];
    held[r] = v < cut ? 1 : 0;
  }
  return held;
}

model::FeatureMatrix SelectRows(const model::FeatureMatrix& m, const std::vector<uint8_t>& keep, uint8_t want) {
  size_t rows = 0;
  for (uint8_t k : keep) rows += (k == want);
  model::FeatureMatrix out(rows, m.names);
  size_t o = 0;
  for (size_t r = 0; r < m.rows; ++r) {
    if (keep[r] != want) continue;
    std::copy(m.values.begin() + static_cast<ptrdiff_t>(r * m.cols),
              m.values.begin() + static_cast<ptrdiff_t>((r + 1) * m.cols),
              out.values.begin() + static_cast<ptrdiff_t>(o * m.cols));
    ++o;
  }
  return out;
}

}  // namespace

Result<TimeSplit> MakeTimeSplit(const Dataset& ds, int32_t validation_start) {
  const int32_t first = ds.FirstEventDate(), last = ds.LastEventDate();
  if (first == kNoDate || last == kNoDate) return Status::InvalidInput("time split: the dataset has no activity");
  TimeSplit s;
  if (validation_start == kNoDate) {
    // The financial year holding the last event, if it ends on it; else the one before.
    const Date l(last);
    int y = l.month() >= 4 ? l.year() : l.year() - 1;
    if (Date::FromCivil(y + 1, 3, 31).days() > last) --y;
    s.valid_as_at = Date::FromCivil(y, 4, 1).days();
  } else {
    const Date v(validation_start);
    if (v.month() != 4 || v.day() != 1) {
      return Status::InvalidInput(fmt::format("time split: the validation year must start on 1 April, not {}", v.ToIso()));
    }
    s.valid_as_at = validation_start;
  }
  const int y = Date(s.valid_as_at).year();
  s.valid_end = Date::FromCivil(y + 1, 4, 1).days();
  s.train_as_at = Date::FromCivil(y - 1, 4, 1).days();
  s.train_end = s.valid_as_at;
  if (s.valid_end - 1 > last) {
    return Status::InvalidInput(fmt::format("time split: the data end on {}, before the validation year {} ends",
                                            Date(last).ToIso(), FinancialYearLabel(s.valid_as_at)));
  }
  if (Date::FromCivil(y - 2, 4, 1).days() < first) {
    return Status::InvalidInput(fmt::format(
        "time split: training needs a year of history before {} and the data start on {}; a validation year of {} "
        "needs data from {}",
        Date(s.train_as_at).ToIso(), Date(first).ToIso(), FinancialYearLabel(s.valid_as_at),
        Date::FromCivil(y - 2, 4, 1).ToIso()));
  }
  return s;
}

Result<Cohort> BuildCohort(const Dataset& ds, const ScoringConfig& config, int32_t as_at, int32_t end, Outcome outcome,
                           const FeatureOptions& options, std::span<const uint32_t> subset) {
  Cohort c;
  c.as_at = as_at;
  c.end = end;
  auto scores = ComputePersonScores(ds, as_at, config);
  if (!scores.ok()) return scores.status();
  c.scores = std::move(*scores);
  auto features = BuildFeatures(ds, c.scores, config, options, subset);
  if (!features.ok()) return features.status();
  c.features = std::move(*features);
  if (end != kNoDate) {
    auto y = ComputeOutcome(ds, c.features.person, as_at, end, outcome);
    if (!y.ok()) return y.status();
    c.outcome = std::move(*y);
  }
  return c;
}

FeatureOptions CardFeatureOptions(const model::ModelCard& card) {
  FeatureOptions o;
  o.include_ethnicity = card.uses_ethnicity;
  return o;
}

Result<std::vector<float>> ScoreMatrix(const model::ModelCard& card, const model::FeatureMatrix& m, bool logistic) {
  const auto names = card.FeatureNames();
  if (names != m.names) {
    return Status::InvalidInput(fmt::format(
        "the model card's {} features are not the {} features built for scoring (different engine version or "
        "ethnicity option)",
        names.size(), m.names.size()));
  }
  auto p = logistic ? card.logistic.Predict(m) : card.gbm.Predict(m);
  if (!p.ok()) return p.status();
  if (!card.recalibration.identity()) {
    for (float& v : *p) v = card.recalibration.Apply(v);
  }
  return p;
}

Result<model::ModelCard> TrainRiskModel(const Dataset& ds, const ScoringConfig& config, const TrainOptions& options,
                                        const std::function<void(const std::string&)>& log) {
  auto say = [&](const std::string& s) {
    if (log) log(s);
  };
  auto split = MakeTimeSplit(ds, options.validation_start);
  if (!split.ok()) return split.status();
  const auto& catalogue = FeatureCatalogue(options.features);

  auto t0 = std::chrono::steady_clock::now();
  auto train = BuildCohort(ds, config, split->train_as_at, split->train_end, options.outcome, options.features);
  if (!train.ok()) return train.status();
  const size_t train_events = CountEvents(train->outcome);
  say(fmt::format("training year {}: features as at {} for {} persons ({} features), {} with the outcome ({:.1f} s)",
                  FinancialYearLabel(split->train_as_at), Date(split->train_as_at).ToIso(), train->features.person.size(),
                  catalogue.size(), train_events, Seconds(t0)));
  if (train_events == 0 || train_events == train->outcome.size()) {
    return Status::InvalidInput("training: the outcome is the same for everyone in the training year");
  }

  model::ModelCard card;
  card.engine_version = ICB_ENGINE_VERSION;
  card.created = UtcNow();
  card.outcome = std::string(OutcomeName(options.outcome));
  card.outcome_description = std::string(OutcomeDescription(options.outcome));
  card.dataset_digest = ToHex(ds.loaded_digest());
  card.uses_ethnicity = options.features.include_ethnicity;
  card.gbm_params = options.gbm;
  const model::FeatureMatrix& x = train->features.matrix;
  for (size_t c = 0; c < catalogue.size(); ++c) {
    model::CardFeature f;
    f.name = catalogue[c].name;
    f.description = catalogue[c].description;
    f.group = std::string(FeatureGroupName(catalogue[c].group));
    f.bins = model::MakeQuantileBins(x.column(c), 10);
    card.features.push_back(std::move(f));
  }
  card.training = {Date(split->train_as_at).ToIso(), Date(split->train_as_at).ToIso(), Date(split->train_end).ToIso(),
                   train->features.person.size(), train_events};

  // Logistic baseline on every training row.
  t0 = std::chrono::steady_clock::now();
  std::vector<model::Transform> transforms;
  for (const auto& f : catalogue) transforms.push_back(f.transform);
  model::LogisticOptions lo;
  lo.ridge = options.logistic_ridge;
  auto logistic = model::TrainLogistic(x, train->outcome, transforms, lo);
  if (!logistic.ok()) return logistic.status();
  card.logistic = std::move(*logistic);
  say(fmt::format("logistic baseline: {} iterations, {} ({:.1f} s)", card.logistic.iterations,
                  card.logistic.converged ? "converged" : "NOT converged", Seconds(t0)));

  // XGBoost with early stopping on a held-out share of the training year.
  t0 = std::chrono::steady_clock::now();
  const auto held = EarlyStoppingRows(ds, train->features.person, options.early_stopping_fraction);
  const model::FeatureMatrix fit_x = SelectRows(x, held, 0), stop_x = SelectRows(x, held, 1);
  std::vector<float> fit_y, stop_y;
  const bool soft = static_cast<bool>(options.soft_labels);
  std::vector<float> soft_labels;
  if (soft) {
    auto labels = options.soft_labels(train->features.person, split->train_as_at);
    if (!labels.ok()) return labels.status();
    soft_labels = std::move(*labels);
    if (soft_labels.size() != held.size()) {
      return Status::InvalidInput("training: the soft labels are not one per training person");
    }
  }
  for (size_t r = 0; r < held.size(); ++r) {
    float label = static_cast<float>(train->outcome[r]);
    if (soft && !std::isnan(soft_labels[r])) label = soft_labels[r];
    (held[r] ? stop_y : fit_y).push_back(label);
  }
  if (soft) say("XGBoost learns the planted-truth probabilities (diagnostic: the features' ceiling)");
  if (!options.export_matrix.empty()) {
    ICB_RETURN_IF_ERROR(model::SaveDMatrixBinary(fit_x, fit_y, options.export_matrix));
  }
  t0 = std::chrono::steady_clock::now();
  auto gbm = model::GbmModel::Train(fit_x, fit_y, stop_x, stop_y, options.gbm, &card.gbm_log);
  if (!gbm.ok()) return gbm.status();
  card.gbm = std::move(*gbm);
  say(fmt::format("XGBoost {}: {} trees kept of at most {} (early stopping on {} held-out training persons) ({:.1f} s)",
                  model::XgboostVersion(), card.gbm_log.best_iteration + 1, options.gbm.rounds, stop_x.rows,
                  Seconds(t0)));
  auto train_p = card.gbm.Predict(x);
  if (!train_p.ok()) return train_p.status();
  card.score_bins = model::MakeQuantileBins(*train_p, 10);

  // Validation year.
  t0 = std::chrono::steady_clock::now();
  auto valid = BuildCohort(ds, config, split->valid_as_at, split->valid_end, options.outcome, options.features);
  if (!valid.ok()) return valid.status();
  const size_t valid_events = CountEvents(valid->outcome);
  card.validation = {Date(split->valid_as_at).ToIso(), Date(split->valid_as_at).ToIso(), Date(split->valid_end).ToIso(),
                     valid->features.person.size(), valid_events};
  nlohmann::json metrics = nlohmann::json::object();
  for (bool use_logistic : {false, true}) {
    auto p = ScoreMatrix(card, valid->features.matrix, use_logistic);
    if (!p.ok()) return p.status();
    auto e = Evaluate(use_logistic ? "logistic" : "gbm", *p, valid->outcome, {});
    if (!e.ok()) return e.status();
    metrics[use_logistic ? "logistic" : "gbm"] = MeasuresJson(e->overall);
  }
  metrics["window"] = "validation";
  card.metrics = metrics;
  say(fmt::format("validation year {}: {} persons, {} with the outcome; AUROC XGBoost {:.4f}, logistic {:.4f} ({:.1f} s)",
                  FinancialYearLabel(split->valid_as_at), valid->features.person.size(), valid_events,
                  metrics["gbm"].value("auroc", 0.0), metrics["logistic"].value("auroc", 0.0), Seconds(t0)));
  return card;
}

}  // namespace icb::risk
