// icb risk: risk stratification models (src/risk/risk_pipeline.h). Subcommands:
//   train        features as at year t-1 -> outcome in t-1; validated on year t; writes a model card
//   evaluate     discrimination, calibration, top-x% PPV/sensitivity and subgroup fairness of a card,
//                with the planted truth's AUROC on synthetic data (--truth)
//   drift        population stability of every feature and of the score, and calibration-in-the-large
//   recalibrate  refit the card's intercept and slope on a new period or place
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "apps/cli/command.h"
#include "apps/cli/report_output.h"
#include "data/dataset_dir.h"
#include "governance/disclosure.h"
#include "model/drift.h"
#include "risk/evaluation.h"
#include "risk/risk_pipeline.h"
#include "risk/truth.h"

namespace {

using icb::cli::ReportError;

double Since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

icb::Result<icb::Dataset> OpenDataset(const std::string& dir) {
  auto gen = icb::DatasetDir::Current(dir);
  if (!gen.ok()) return gen.status();
  return icb::Dataset::Load((std::filesystem::path(*gen) / icb::DatasetDir::kSnapshotFile).string());
}

icb::Result<icb::ScoringConfig> OpenRules(const std::string& rules) {
  return rules.empty() ? icb::LoadDefaultScoringConfig() : icb::LoadScoringConfig(rules);
}

// What evaluate, drift and recalibrate all start from: the card, its outcome, the rules and the data.
struct ModelInputs {
  icb::model::ModelCard card;
  icb::risk::Outcome outcome = icb::risk::Outcome::kEmergencyAdmission;
  icb::ScoringConfig config;
  icb::Dataset ds;
};

icb::Result<ModelInputs> OpenModelInputs(const std::string& model, const std::string& rules, const std::string& dataset) {
  ModelInputs in;
  auto card = icb::model::LoadModelCard(model);
  if (!card.ok()) return card.status();
  auto outcome = icb::risk::ParseOutcome(card->outcome);
  if (!outcome.ok()) return outcome.status();
  auto config = OpenRules(rules);
  if (!config.ok()) return config.status();
  auto ds = OpenDataset(dataset);
  if (!ds.ok()) return ds.status();
  in.card = std::move(*card);
  in.outcome = *outcome;
  in.config = std::move(*config);
  in.ds = std::move(*ds);
  return in;
}

// "2024/25" -> 1 April 2024; kNoDate for "".
icb::Result<int32_t> ParseFinancialYear(const std::string& text) {
  if (text.empty()) return icb::kNoDate;
  int y = 0, yy = 0;
  if (std::sscanf(text.c_str(), "%4d/%2d", &y, &yy) != 2 || text.size() != 7 || (y + 1) % 100 != yy) {
    return icb::Status::InvalidInput(fmt::format("'{}': expected a financial year such as 2024/25", text));
  }
  return icb::Date::FromCivil(y, 4, 1).days();
}

void PrintMeasures(const char* name, const nlohmann::json& m) {
  std::printf("  %-9s AUROC %.4f (95%% CI %.4f-%.4f)  AUPRC %.4f  Brier %.5f  calibration slope %.3f  "
              "calibration-in-the-large %+.3f  O/E %.3f\n",
              name, m.value("auroc", NAN), m.value("auroc_lower", NAN), m.value("auroc_upper", NAN),
              m.value("auprc", NAN), m.value("brier", NAN), m.value("calibration_slope", NAN),
              m.value("calibration_intercept", NAN), m.value("oe_ratio", NAN));
}

// ---- train ----
struct TrainArgs {
  std::string dataset, outcome = "emergency_admission", out, validation_year, rules;
  bool with_ethnicity = false;
  std::string export_matrix, fit_to_truth, key_file;
  int rounds = -1, max_depth = -1, early_stopping = -1;
  double eta = -1;
};

void SetupTrain(CLI::App* risk, std::shared_ptr<TrainArgs> a) {
  auto* sub = risk->add_subcommand("train", "Train the logistic baseline and the XGBoost model; write a model card");
  sub->add_option("DATASET", a->dataset, "Published dataset directory (made by icb ingest)")->required();
  sub->add_option("--outcome", a->outcome, "emergency_admission (default) or top5_cost");
  sub->add_option("--out", a->out, "Model card to write (JSON)")->required();
  sub->add_option("--validation-year", a->validation_year,
                  "Financial year to validate on, e.g. 2024/25 (default: the last complete year in the data); the "
                  "model is trained on the year before");
  sub->add_flag("--with-ethnicity", a->with_ethnicity,
                "Use ethnic group as a predictor (off by default; see docs/reference/risk-features.md)");
  sub->add_option("--rounds", a->rounds, "Most XGBoost rounds (default 600, early stopping decides)");
  sub->add_option("--max-depth", a->max_depth, "XGBoost tree depth (default 5)");
  sub->add_option("--eta", a->eta, "XGBoost learning rate (default 0.05)");
  sub->add_option("--early-stopping-rounds", a->early_stopping,
                  "Stop after this many rounds without improvement on held-out training persons (default 40; 0: "
                  "run all --rounds)");
  sub->add_option("--export-matrix", a->export_matrix,
                  "Also write XGBoost's training matrix as a binary DMatrix (for timing the xgboost CLI on it)");
  sub->add_option("--fit-to-truth", a->fit_to_truth,
                  "Synthetic data only, a diagnostic: XGBoost learns the planted-truth probabilities (emergency_risk.csv) "
                  "instead of the outcomes, estimating the best these features allow");
  sub->add_option("--key-file", a->key_file, "Pseudonymisation key of the dataset (with --fit-to-truth)");
  sub->add_option("--rules", a->rules, "Data directory with codelists/ and segmentation/ (default: shipped)");
  sub->footer(
      "Examples:\n"
      "  icb risk train icb-data --outcome emergency_admission --out ea-model.json\n"
      "  icb risk train icb-data --outcome top5_cost --validation-year 2023/24 --out cost-model.json\n"
      "Features as at 1 April of the training year predict the outcome in that year; the card's metrics are from\n"
      "the validation year (the next year), so nothing from the future is used. Docs: docs/reference/risk-models.md");
}

int RunTrain(const TrainArgs& a) {
  auto outcome = icb::risk::ParseOutcome(a.outcome);
  if (!outcome.ok()) return ReportError(outcome.status());
  auto vy = ParseFinancialYear(a.validation_year);
  if (!vy.ok()) return ReportError(vy.status());
  auto config = OpenRules(a.rules);
  if (!config.ok()) return ReportError(config.status());
  const auto t0 = std::chrono::steady_clock::now();
  auto ds = OpenDataset(a.dataset);
  if (!ds.ok()) return ReportError(ds.status());
  std::fprintf(stderr, "icb risk train: loaded %zu persons (%.1f s)\n", ds->person_count(), Since(t0));
  icb::risk::TrainOptions o;
  o.outcome = *outcome;
  o.validation_start = *vy;
  o.features.include_ethnicity = a.with_ethnicity;
  if (a.rounds > 0) o.gbm.rounds = a.rounds;
  if (a.max_depth > 0) o.gbm.max_depth = a.max_depth;
  if (a.eta > 0) o.gbm.eta = a.eta;
  if (a.early_stopping >= 0) o.gbm.early_stopping_rounds = a.early_stopping;
  o.export_matrix = a.export_matrix;
  std::optional<icb::HmacKey> key;
  if (!a.fit_to_truth.empty()) {
    if (a.key_file.empty() || *outcome != icb::risk::Outcome::kEmergencyAdmission) {
      std::fprintf(stderr, "icb: --fit-to-truth needs --key-file and the emergency_admission outcome\n");
      return 64;
    }
    auto k = icb::HmacKey::Load(a.key_file);
    if (!k.ok()) return ReportError(k.status());
    key = std::move(*k);
    o.soft_labels = [&](std::span<const uint32_t> persons, int32_t as_at) -> icb::Result<std::vector<float>> {
      auto t = icb::risk::ReadTruth(a.fit_to_truth, *key, *ds, persons, icb::risk::FinancialYearOf(as_at));
      if (!t.ok()) return t.status();
      std::fprintf(stderr, "icb risk train: planted truth for %zu of %zu training persons\n", t->matched, persons.size());
      return std::move(t->probability);
    };
  }
  auto card = icb::risk::TrainRiskModel(*ds, *config, o, [](const std::string& s) {
    std::fprintf(stderr, "icb risk train: %s\n", s.c_str());
  });
  if (!card.ok()) return ReportError(card.status());
  const icb::Status st = icb::model::SaveModelCard(*card, a.out);
  if (!st.ok()) return ReportError(st);
  std::printf("Model card %s: %s, %zu features, trained on %s to %s (%llu persons), validated on %s to %s (%llu persons)\n",
              a.out.c_str(), card->outcome.c_str(), card->features.size(), card->training.outcome_start.c_str(),
              card->training.outcome_end.c_str(), static_cast<unsigned long long>(card->training.persons),
              card->validation.outcome_start.c_str(), card->validation.outcome_end.c_str(),
              static_cast<unsigned long long>(card->validation.persons));
  PrintMeasures("XGBoost", card->metrics["gbm"]);
  PrintMeasures("logistic", card->metrics["logistic"]);
  std::printf("Total %.1f s\n", Since(t0));
  return 0;
}

// ---- evaluate ----
struct EvaluateArgs {
  std::string dataset, model, truth, key_file, year, rules;
  bool json = false;
  icb::cli::ReportOutputArgs output;
};

void SetupEvaluate(CLI::App* risk, std::shared_ptr<EvaluateArgs> a) {
  auto* sub = risk->add_subcommand("evaluate", "Evaluate a model card: AUROC, calibration, PPV, subgroups, fairness gaps");
  sub->add_option("DATASET", a->dataset, "Published dataset directory")->required();
  sub->add_option("--model", a->model, "Model card (from icb risk train)")->required();
  sub->add_option("--year", a->year, "Financial year to evaluate on, e.g. 2024/25 (default: the card's validation year)");
  sub->add_option("--truth", a->truth, "Synthetic data only: the generator's emergency_risk.csv (planted truth)");
  sub->add_option("--key-file", a->key_file, "Pseudonymisation key of the dataset (needed with --truth)");
  sub->add_flag("--json", a->json, "Print one JSON object (auroc, calibration_slope, truth_auroc, subgroups...)");
  sub->add_option("--rules", a->rules, "Data directory with codelists/ and segmentation/ (default: shipped)");
  icb::cli::AddReportOptions(sub, a->output);
  sub->footer(
      "Examples:\n"
      "  icb risk evaluate icb-data --model ea-model.json --out eval/        # tables, calibration plot, HTML\n"
      "  icb risk evaluate icb-data --model ea-model.json --truth icb-truth/emergency_risk.csv --key-file key.hex --json\n"
      "Counts pass disclosure control (--disclosure). Docs: docs/reference/risk-evaluation.md");
}

int RunEvaluate(EvaluateArgs& a) {
  if (!a.truth.empty() && a.key_file.empty()) {
    std::fprintf(stderr, "icb: --truth needs --key-file (the truth file holds NHS numbers)\n");
    return 64;
  }
  auto policy = icb::governance::PolicyByName(a.output.disclosure);
  if (!policy.ok()) return ReportError(policy.status());
  auto t0 = std::chrono::steady_clock::now();
  auto in = OpenModelInputs(a.model, a.rules, a.dataset);
  if (!in.ok()) return ReportError(in.status());
  const icb::model::ModelCard* card = &in->card;
  const icb::risk::Outcome* outcome = &in->outcome;
  const icb::ScoringConfig* config = &in->config;
  const icb::Dataset* ds = &in->ds;
  std::fprintf(stderr, "icb risk evaluate: loaded %zu persons (%.1f s)\n", ds->person_count(), Since(t0));
  int32_t as_at = icb::kNoDate;
  if (!a.year.empty()) {
    auto y = ParseFinancialYear(a.year);
    if (!y.ok()) return ReportError(y.status());
    as_at = *y;
  } else {
    auto d = icb::Date::ParseIso(card->validation.features_as_at);
    if (!d) return ReportError(icb::Status::InvalidInput(a.model + ": validation.features_as_at is not a date"));
    as_at = d->days();
  }
  const int32_t end = icb::Date::FromCivil(icb::Date(as_at).year() + 1, 4, 1).days();
  if (end - 1 > ds->LastEventDate()) {
    return ReportError(icb::Status::InvalidInput(fmt::format(
        "the data end on {}, before the outcome year {} ends", icb::Date(ds->LastEventDate()).ToIso(),
        icb::risk::FinancialYearOf(as_at))));
  }
  t0 = std::chrono::steady_clock::now();
  auto cohort = icb::risk::BuildCohort(*ds, *config, as_at, end, *outcome, icb::risk::CardFeatureOptions(*card));
  if (!cohort.ok()) return ReportError(cohort.status());
  std::fprintf(stderr, "icb risk evaluate: segments, scores and %zu features for %zu persons as at %s (%.1f s)\n",
               cohort->features.matrix.cols, cohort->features.person.size(), icb::Date(as_at).ToIso().c_str(),
               Since(t0));
  const auto breakdowns = icb::risk::CohortBreakdowns(*ds, cohort->features.person, cohort->scores.age);
  std::vector<icb::risk::Evaluation> evaluations;
  for (bool logistic : {false, true}) {
    t0 = std::chrono::steady_clock::now();
    auto p = icb::risk::ScoreMatrix(*card, cohort->features.matrix, logistic);
    if (!p.ok()) return ReportError(p.status());
    std::fprintf(stderr, "icb risk evaluate: scored %zu persons with the %s model (%.2f s)\n", p->size(),
                 logistic ? "logistic" : "XGBoost", Since(t0));
    auto e = icb::risk::Evaluate(logistic ? "logistic" : "gbm", *p, cohort->outcome, breakdowns);
    if (!e.ok()) return ReportError(e.status());
    if (!a.truth.empty()) {
      auto key = icb::HmacKey::Load(a.key_file);
      if (!key.ok()) return ReportError(key.status());
      auto truth = icb::risk::ReadTruth(a.truth, *key, *ds, cohort->features.person, icb::risk::FinancialYearOf(as_at));
      if (!truth.ok()) return ReportError(truth.status());
      if (truth->matched == 0) {
        return ReportError(icb::Status::InvalidInput(fmt::format(
            "{}: no row for {} matches a person of the cohort (wrong key file or year?)", a.truth,
            icb::risk::FinancialYearOf(as_at))));
      }
      const icb::Status st = icb::risk::AddTruth(*e, *p, cohort->outcome, truth->probability);
      if (!st.ok()) return ReportError(st);
    }
    evaluations.push_back(std::move(*e));
  }
  std::vector<std::pair<std::string, std::string>> meta = {
      {"dataset", a.dataset},
      {"model", a.model},
      {"outcome", card->outcome},
      {"features_as_at", icb::Date(as_at).ToIso()},
      {"outcome_window", icb::Date(as_at).ToIso() + " to " + icb::Date(end - 1).ToIso()},
      {"trained_on", card->training.outcome_start + " to " + card->training.outcome_end}};
  if (as_at < icb::Date::ParseIso(card->training.outcome_end).value_or(icb::Date(0)).days()) {
    std::fprintf(stderr, "icb: WARNING: the evaluation year overlaps the training window: these are not validation figures\n");
  }
  if (a.json) {
    auto j = icb::risk::EvaluationJson(evaluations, *policy, meta);
    std::printf("%s\n", j.dump(2).c_str());
    if (a.output.out.empty()) return 0;
    a.output.quiet = true;
  }
  auto report = icb::risk::BuildEvaluationReport(evaluations, "Risk model evaluation: " + card->outcome, meta);
  return icb::cli::EmitReport(report, a.output);
}

// ---- drift ----
struct DriftArgs {
  std::string dataset, model, as_at, rules;
  icb::cli::ReportOutputArgs output;
};

void SetupDrift(CLI::App* risk, std::shared_ptr<DriftArgs> a) {
  auto* sub = risk->add_subcommand("drift", "Population stability (PSI) of features and score; calibration-in-the-large");
  sub->add_option("DATASET", a->dataset, "Published dataset directory")->required();
  sub->add_option("--model", a->model, "Model card")->required();
  sub->add_option("--as-at", a->as_at, "Current period's as-at date YYYY-MM-DD (default: the day after the data end)");
  sub->add_option("--rules", a->rules, "Data directory with codelists/ and segmentation/ (default: shipped)");
  icb::cli::AddReportOptions(sub, a->output);
  sub->footer(
      "Examples:\n"
      "  icb risk drift icb-data --model ea-model.json\n"
      "PSI < 0.1 stable, 0.1-0.25 moderate, >= 0.25 major; calibration-in-the-large is checked on the latest year\n"
      "whose outcomes are known. Warnings go to stderr. Docs: docs/reference/risk-drift.md");
}

int RunDrift(DriftArgs& a) {
  auto in = OpenModelInputs(a.model, a.rules, a.dataset);
  if (!in.ok()) return ReportError(in.status());
  const icb::model::ModelCard* card = &in->card;
  const icb::risk::Outcome* outcome = &in->outcome;
  const icb::ScoringConfig* config = &in->config;
  const icb::Dataset* ds = &in->ds;
  int32_t as_at = ds->LastEventDate() + 1;
  if (!a.as_at.empty()) {
    auto d = icb::Date::ParseIso(a.as_at);
    if (!d) {
      std::fprintf(stderr, "icb: --as-at: expected a date YYYY-MM-DD\n");
      return 64;
    }
    as_at = d->days();
  }
  const auto options = icb::risk::CardFeatureOptions(*card);
  auto current = icb::risk::BuildCohort(*ds, *config, as_at, icb::kNoDate, *outcome, options);
  if (!current.ok()) return ReportError(current.status());
  const auto& m = current->features.matrix;
  if (m.names != card->FeatureNames()) {
    return ReportError(icb::Status::InvalidInput("the model card's features are not this engine's features"));
  }
  icb::report::Report r;
  r.title = "Drift since training: " + card->outcome;
  r.metadata = {{"dataset", a.dataset},
                {"model", a.model},
                {"training_features_as_at", card->training.features_as_at},
                {"current_as_at", icb::Date(as_at).ToIso()}};
  icb::report::Table psi("psi", "Population stability index, training year to current period");
  psi.AddText("feature", "Feature").AddText("group", "Group").AddDecimal("psi", "PSI", 4).AddText("level", "Level");
  int moderate = 0, major = 0;
  auto add = [&](const std::string& name, const std::string& group, const icb::model::Bins& bins,
                 const std::vector<float>& values) {
    const double v = icb::model::Psi(bins, values);
    const auto level = icb::model::PsiLevel(v);
    if (level == icb::model::DriftLevel::kModerate) ++moderate;
    if (level == icb::model::DriftLevel::kMajor) {
      ++major;
      std::fprintf(stderr, "icb: WARNING: major drift in %s (PSI %.3f)\n", name.c_str(), v);
    }
    psi.AddRow({name, group, v, std::string(icb::model::DriftLevelName(level))});
  };
  auto score = icb::risk::ScoreMatrix(*card, m);
  if (!score.ok()) return ReportError(score.status());
  add("risk_score", "score", card->score_bins, *score);
  for (size_t c = 0; c < m.cols; ++c) add(card->features[c].name, card->features[c].group, card->features[c].bins, m.column(c));
  psi.footnotes().push_back("PSI < 0.1 stable, 0.1-0.25 moderate, >= 0.25 major; bins are the training year's deciles.");
  r.tables.push_back(std::move(psi));

  // Calibration-in-the-large on the latest year with known outcomes.
  auto split = icb::risk::MakeTimeSplit(*ds);
  if (split.ok()) {
    auto known = icb::risk::BuildCohort(*ds, *config, split->valid_as_at, split->valid_end, *outcome, options);
    if (!known.ok()) return ReportError(known.status());
    auto p = icb::risk::ScoreMatrix(*card, known->features.matrix);
    if (!p.ok()) return ReportError(p.status());
    auto cal = icb::model::CalibrationFit(*p, known->outcome);
    if (!cal.ok()) return ReportError(cal.status());
    icb::report::Table citl("calibration_in_the_large", "Calibration-in-the-large on the latest year with outcomes");
    citl.AddText("year", "Outcome year").AddCount("persons", "Persons").AddCount("events", "With the outcome");
    citl.AddDecimal("oe_ratio", "Observed / expected", 3).BasedOn({"persons", "events"});
    citl.AddDecimal("intercept", "Calibration-in-the-large", 3).BasedOn({"persons", "events"});
    citl.AddDecimal("intercept_lower", "95% lower", 3).BasedOn({"persons", "events"});
    citl.AddDecimal("intercept_upper", "95% upper", 3).BasedOn({"persons", "events"});
    citl.AddDecimal("slope", "Calibration slope", 3).BasedOn({"persons", "events"});
    citl.AddText("verdict", "Verdict");
    const double lo = cal->intercept - 1.959964 * cal->intercept_se, hi = cal->intercept + 1.959964 * cal->intercept_se;
    const bool drifted = (lo > 0 || hi < 0) && std::fabs(cal->oe_ratio - 1) > 0.1;
    citl.AddRow({icb::risk::FinancialYearOf(split->valid_as_at), static_cast<int64_t>(cal->n),
                 static_cast<int64_t>(std::llround(cal->observed)), cal->oe_ratio, cal->intercept, lo, hi, cal->slope,
                 std::string(drifted ? "drifted: recalibrate (icb risk recalibrate)" : "calibrated")});
    citl.footnotes().push_back(
        "Drifted when the 95% interval of calibration-in-the-large excludes 0 and observed/expected is more than "
        "10% from 1.");
    if (drifted) {
      std::fprintf(stderr, "icb: WARNING: calibration-in-the-large has drifted (O/E %.3f, intercept %.3f)\n",
                   cal->oe_ratio, cal->intercept);
    }
    r.tables.push_back(std::move(citl));
  }
  if (major + moderate > 0) {
    std::fprintf(stderr, "icb: WARNING: %d feature(s) or score with major drift, %d moderate\n", major, moderate);
  }
  return icb::cli::EmitReport(r, a.output);
}

// ---- recalibrate ----
struct RecalibrateArgs {
  std::string dataset, model, out, year, place, rules;
};

void SetupRecalibrate(CLI::App* risk, std::shared_ptr<RecalibrateArgs> a) {
  auto* sub = risk->add_subcommand("recalibrate", "Refit a model card's intercept and slope on a new period or place");
  sub->add_option("DATASET", a->dataset, "Published dataset directory")->required();
  sub->add_option("--model", a->model, "Model card to recalibrate")->required();
  sub->add_option("--out", a->out, "Recalibrated model card to write")->required();
  sub->add_option("--year", a->year, "Outcome year to fit on, e.g. 2024/25 (default: the latest complete year)");
  sub->add_option("--place", a->place, "Only people resident in this place (LSOA place name, e.g. Bolton)");
  sub->add_option("--rules", a->rules, "Data directory with codelists/ and segmentation/ (default: shipped)");
  sub->footer(
      "Examples:\n"
      "  icb risk recalibrate icb-data --model ea-model.json --place Bolton --out ea-model-bolton.json\n"
      "Fits logit P(y) = a + b logit(p) on the year's outcomes; the trees are unchanged.");
}

int RunRecalibrate(const RecalibrateArgs& a) {
  auto vy = ParseFinancialYear(a.year);
  if (!vy.ok()) return ReportError(vy.status());
  auto in = OpenModelInputs(a.model, a.rules, a.dataset);
  if (!in.ok()) return ReportError(in.status());
  icb::model::ModelCard* card = &in->card;
  const icb::risk::Outcome* outcome = &in->outcome;
  const icb::ScoringConfig* config = &in->config;
  const icb::Dataset* ds = &in->ds;
  auto split = icb::risk::MakeTimeSplit(*ds, *vy);
  if (!split.ok()) return ReportError(split.status());
  std::vector<uint32_t> subset;
  if (!a.place.empty()) {
    for (uint32_t p = 0; p < ds->person_count(); ++p) {
      const uint32_t l = ds->persons.lsoa[p];
      if (l < ds->lsoas.size() && ds->lsoas.place_name[l] == a.place) subset.push_back(p);
    }
    if (subset.empty()) return ReportError(icb::Status::NotFound("no person lives in place " + a.place));
  }
  auto cohort = icb::risk::BuildCohort(*ds, *config, split->valid_as_at, split->valid_end, *outcome,
                                       icb::risk::CardFeatureOptions(*card), subset);
  if (!cohort.ok()) return ReportError(cohort.status());
  icb::model::ModelCard recal = std::move(*card);
  recal.recalibration = {};
  auto raw = icb::risk::ScoreMatrix(recal, cohort->features.matrix);
  if (!raw.ok()) return ReportError(raw.status());
  auto before = icb::model::CalibrationFit(*raw, cohort->outcome);
  auto fit = icb::model::FitRecalibration(*raw, cohort->outcome);
  if (!before.ok() || !fit.ok()) return ReportError(before.ok() ? fit.status() : before.status());
  recal.recalibration = *fit;
  recal.recalibration_note = fmt::format("recalibrated on {}{} ({} persons)", icb::risk::FinancialYearOf(split->valid_as_at),
                                         a.place.empty() ? std::string() : ", place " + a.place, raw->size());
  std::vector<float> adjusted(*raw);
  for (float& v : adjusted) v = recal.recalibration.Apply(v);
  auto after = icb::model::CalibrationFit(adjusted, cohort->outcome);
  if (!after.ok()) return ReportError(after.status());
  const icb::Status st = icb::model::SaveModelCard(recal, a.out);
  if (!st.ok()) return ReportError(st);
  std::printf("%s: %s\n  intercept %.4f, slope %.4f\n  before: calibration slope %.3f, calibration-in-the-large %+.3f, "
              "O/E %.3f\n  after:  calibration slope %.3f, calibration-in-the-large %+.3f, O/E %.3f\n",
              a.out.c_str(), recal.recalibration_note.c_str(), fit->intercept, fit->slope, before->slope,
              before->intercept, before->oe_ratio, after->slope, after->intercept, after->oe_ratio);
  return 0;
}

icb::cli::RunFn Setup(CLI::App& app) {
  auto* risk = app.add_subcommand("risk", "Risk stratification: train, evaluate, drift and recalibrate risk models");
  risk->require_subcommand(1);
  auto train = std::make_shared<TrainArgs>();
  auto evaluate = std::make_shared<EvaluateArgs>();
  auto drift = std::make_shared<DriftArgs>();
  auto recal = std::make_shared<RecalibrateArgs>();
  SetupTrain(risk, train);
  SetupEvaluate(risk, evaluate);
  SetupDrift(risk, drift);
  SetupRecalibrate(risk, recal);
  return [risk, train, evaluate, drift, recal]() -> int {
    if (risk->got_subcommand("train")) return RunTrain(*train);
    if (risk->got_subcommand("evaluate")) return RunEvaluate(*evaluate);
    if (risk->got_subcommand("drift")) return RunDrift(*drift);
    if (risk->got_subcommand("recalibrate")) return RunRecalibrate(*recal);
    return 64;
  };
}

}  // namespace

ICB_REGISTER_COMMAND(risk, Setup);
