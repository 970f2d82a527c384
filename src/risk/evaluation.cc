#include "risk/evaluation.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "data/types.h"

namespace icb::risk {
namespace {

// Age bands of the subgroup report: children, working-age adults in two bands, and three older bands.
constexpr int kAgeBandEdges[] = {18, 45, 65, 75, 85};
const std::vector<std::string> kAgeBandLabels = {"0-17", "18-44", "45-64", "65-74", "75-84", "85+"};

uint8_t AgeBandCode(int age) {
  uint8_t band = 0;
  for (int edge : kAgeBandEdges) {
    if (age >= edge) ++band;
  }
  return band;
}

const std::vector<std::string>& EthnicGroupLabels() {
  static const std::vector<std::string> labels = {"White", "Mixed", "Asian", "Black", "Other", "Not stated or not known"};
  return labels;
}

uint8_t EthnicGroupCode(uint8_t ethnic_index) {
  const std::string_view group = EthnicGroup(ethnic_index);
  const auto& labels = EthnicGroupLabels();
  for (size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] == group) return static_cast<uint8_t>(i);
  }
  return static_cast<uint8_t>(labels.size() - 1);
}

ScoreMeasures Measure(std::span<const float> p, std::span<const uint8_t> y) {
  ScoreMeasures m;
  m.n = p.size();
  double sum = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    m.events += y[i];
    sum += p[i];
  }
  m.mean_predicted = m.n ? sum / static_cast<double>(m.n) : 0;
  if (m.n == 0) return m;
  m.brier = model::BrierScore(p, y);
  m.auprc = model::AveragePrecision(p, y);
  if (m.events > 0 && m.events < m.n) {
    if (auto a = model::Auroc(p, y); a.ok()) m.auroc = *a;
    if (auto c = model::CalibrationFit(p, y); c.ok()) m.calibration = *c;
  }
  return m;
}


}  // namespace

std::vector<Breakdown> CohortBreakdowns(const Dataset& ds, std::span<const uint32_t> persons,
                                        std::span<const uint8_t> age) {
  std::vector<Breakdown> out(4);
  out[0] = {"imd_quintile", "IMD quintile", {"1 (most deprived)", "2", "3", "4", "5 (least deprived)", "Unknown"}, {}};
  out[1] = {"ethnic_group", "Ethnic group", EthnicGroupLabels(), {}};
  out[2] = {"sex", "Sex", {"Male", "Female", "Other or not known"}, {}};
  out[3] = {"age_band", "Age band", kAgeBandLabels, {}};
  for (auto& b : out) b.code.resize(persons.size());
  for (size_t r = 0; r < persons.size(); ++r) {
    const uint32_t p = persons[r];
    const uint32_t lsoa = ds.persons.lsoa[p];
    const uint8_t q = lsoa < ds.lsoas.size() ? ds.lsoas.imd_quintile[lsoa] : 0;
    out[0].code[r] = (q >= 1 && q <= 5) ? static_cast<uint8_t>(q - 1) : 5;
    out[1].code[r] = EthnicGroupCode(ds.persons.ethnicity[p]);
    const auto sex = static_cast<Sex>(ds.persons.sex[p]);
    out[2].code[r] = sex == Sex::kMale ? 0 : sex == Sex::kFemale ? 1 : 2;
    out[3].code[r] = AgeBandCode(age[p]);
  }
  return out;
}

Result<Evaluation> Evaluate(std::string model_name, std::span<const float> probability,
                            std::span<const uint8_t> outcome, const std::vector<Breakdown>& breakdowns) {
  if (probability.size() != outcome.size()) {
    return Status::InvalidInput(fmt::format("evaluation: {} scores for {} outcomes", probability.size(), outcome.size()));
  }
  if (probability.empty()) return Status::InvalidInput("evaluation: the cohort is empty");
  Evaluation e;
  e.model = std::move(model_name);
  e.overall = Measure(probability, outcome);
  e.deciles = model::RiskBands(probability, outcome, 10);
  for (double f : kTopFractions) e.top.push_back(model::ClassifyTopFraction(probability, outcome, f));
  const float threshold = model::TopFractionThreshold(probability, kFairnessFraction);

  std::vector<float> p;
  std::vector<uint8_t> y;
  for (const Breakdown& b : breakdowns) {
    if (b.code.size() != probability.size()) {
      return Status::Internal(fmt::format("evaluation: breakdown {} has {} rows, cohort {}", b.name, b.code.size(),
                                          probability.size()));
    }
    FairnessGap gap;
    gap.breakdown = b.name;
    double fpr_max = -1, fpr_min = 2, fnr_max = -1, fnr_min = 2;
    for (size_t g = 0; g < b.groups.size(); ++g) {
      p.clear();
      y.clear();
      for (size_t r = 0; r < b.code.size(); ++r) {
        if (b.code[r] == g) {
          p.push_back(probability[r]);
          y.push_back(outcome[r]);
        }
      }
      if (p.empty()) continue;
      SubgroupMeasures s;
      s.breakdown = b.name;
      s.group = b.groups[g];
      s.measures = Measure(p, y);
      s.at_cohort_threshold = model::ClassifyAtThreshold(p, y, threshold);
      const size_t events = s.measures.events, non_events = s.measures.n - events;
      if (events >= kMinGroupEvents && non_events >= kMinGroupEvents) {
        ++gap.groups_compared;
        const auto& c = s.at_cohort_threshold;
        if (c.fpr > fpr_max) { fpr_max = c.fpr; gap.fpr_highest = s.group; }
        if (c.fpr < fpr_min) { fpr_min = c.fpr; gap.fpr_lowest = s.group; }
        if (c.fnr > fnr_max) { fnr_max = c.fnr; gap.fnr_highest = s.group; }
        if (c.fnr < fnr_min) { fnr_min = c.fnr; gap.fnr_lowest = s.group; }
      }
      e.subgroups.push_back(std::move(s));
    }
    if (gap.groups_compared >= 2) {
      gap.fpr_gap = fpr_max - fpr_min;
      gap.fnr_gap = fnr_max - fnr_min;
    }
    e.gaps.push_back(std::move(gap));
  }
  return e;
}

Status AddTruth(Evaluation& evaluation, std::span<const float> probability, std::span<const uint8_t> outcome,
                std::span<const float> truth) {
  if (truth.size() != probability.size() || outcome.size() != probability.size()) {
    return Status::InvalidInput("truth comparison: sizes differ");
  }
  std::vector<float> p, t;
  std::vector<uint8_t> y;
  for (size_t r = 0; r < truth.size(); ++r) {
    if (std::isnan(truth[r])) continue;
    p.push_back(probability[r]);
    t.push_back(truth[r]);
    y.push_back(outcome[r]);
  }
  if (p.empty()) return Status::InvalidInput("truth comparison: no cohort person has a planted-truth probability");
  TruthComparison c;
  c.matched = p.size();
  auto truth_auroc = model::Auroc(t, y);
  if (!truth_auroc.ok()) return truth_auroc.status();
  auto model_auroc = model::Auroc(p, y);
  if (!model_auroc.ok()) return model_auroc.status();
  auto comparison = model::CompareAuroc(p, t, y);
  if (!comparison.ok()) return comparison.status();
  c.truth_auroc = *truth_auroc;
  c.model_auroc = *model_auroc;
  c.comparison = *comparison;
  if (auto cal = model::CalibrationFit(t, y); cal.ok()) c.truth_calibration = *cal;
  evaluation.truth = c;
  return Status::Ok();
}

nlohmann::json MeasuresJson(const ScoreMeasures& m) {
  nlohmann::json j = {{"n", m.n}, {"events", m.events}, {"auprc", m.auprc}, {"brier", m.brier},
                      {"mean_predicted", m.mean_predicted}};
  if (m.auroc) {
    j["auroc"] = m.auroc->auroc;
    j["auroc_lower"] = m.auroc->lower;
    j["auroc_upper"] = m.auroc->upper;
    j["auroc_se"] = m.auroc->se;
  }
  if (m.calibration) {
    j["calibration_slope"] = m.calibration->slope;
    j["calibration_slope_se"] = m.calibration->slope_se;
    j["calibration_intercept"] = m.calibration->intercept;
    j["calibration_intercept_se"] = m.calibration->intercept_se;
    j["oe_ratio"] = m.calibration->oe_ratio;
  }
  return j;
}

namespace {

report::Cell Num(std::optional<double> v) {
  if (!v || !std::isfinite(*v)) return std::monostate{};
  return *v;
}
report::Cell Count(size_t v) { return static_cast<int64_t>(v); }

}  // namespace

report::Report BuildEvaluationReport(const std::vector<Evaluation>& evaluations, const std::string& title,
                                     std::vector<std::pair<std::string, std::string>> metadata) {
  report::Report r;
  r.title = title;
  r.metadata = std::move(metadata);

  report::Table summary("summary", "Discrimination, accuracy and calibration on the validation year");
  summary.AddText("model", "Model").AddCount("persons", "Persons").AddCount("events", "With the outcome");
  summary.AddDecimal("auroc", "AUROC", 4).BasedOn({"persons", "events"});
  summary.AddDecimal("auroc_lower", "95% CI lower", 4).BasedOn({"persons", "events"});
  summary.AddDecimal("auroc_upper", "95% CI upper", 4).BasedOn({"persons", "events"});
  summary.AddDecimal("auprc", "AUPRC", 4).BasedOn({"persons", "events"});
  summary.AddDecimal("brier", "Brier", 5).BasedOn({"persons", "events"});
  summary.AddDecimal("calibration_slope", "Calibration slope", 3).BasedOn({"persons", "events"});
  summary.AddDecimal("calibration_intercept", "Calibration-in-the-large", 3).BasedOn({"persons", "events"});
  summary.AddDecimal("oe_ratio", "Observed / expected", 3).BasedOn({"persons", "events"});
  auto add_summary = [&](const std::string& name, const ScoreMeasures& m) {
    summary.AddRow({name, Count(m.n), Count(m.events), Num(m.auroc ? std::optional(m.auroc->auroc) : std::nullopt),
                    Num(m.auroc ? std::optional(m.auroc->lower) : std::nullopt),
                    Num(m.auroc ? std::optional(m.auroc->upper) : std::nullopt), m.auprc, m.brier,
                    Num(m.calibration ? std::optional(m.calibration->slope) : std::nullopt),
                    Num(m.calibration ? std::optional(m.calibration->intercept) : std::nullopt),
                    Num(m.calibration ? std::optional(m.calibration->oe_ratio) : std::nullopt)});
  };
  for (const auto& e : evaluations) add_summary(e.model, e.overall);
  for (const auto& e : evaluations) {
    if (!e.truth) continue;
    const auto& t = *e.truth;
    summary.AddRow({std::string("planted truth"), Count(t.matched), Count(e.overall.events), t.truth_auroc.auroc,
                    t.truth_auroc.lower, t.truth_auroc.upper, std::monostate{}, std::monostate{},
                    Num(t.truth_calibration ? std::optional(t.truth_calibration->slope) : std::nullopt),
                    Num(t.truth_calibration ? std::optional(t.truth_calibration->intercept) : std::nullopt),
                    Num(t.truth_calibration ? std::optional(t.truth_calibration->oe_ratio) : std::nullopt)});
    summary.footnotes().push_back(fmt::format(
        "Planted truth: the generator's exact probabilities on the same persons and outcomes, the best any model "
        "could do. {} AUROC minus truth AUROC: {:.4f} (DeLong paired SE {:.4f}).",
        e.model, t.comparison.difference, t.comparison.se));
    break;
  }
  summary.footnotes().push_back(
      "AUROC with DeLong 95% interval; calibration slope 1 and calibration-in-the-large 0 are perfect "
      "(docs/reference/risk-evaluation.md).");
  r.tables.push_back(std::move(summary));

  for (const auto& e : evaluations) {
    report::Table cal("calibration_" + e.model, "Calibration by risk decile (" + e.model + ")");
    cal.AddInteger("decile", "Risk decile").AddCount("persons", "Persons").AddCount("events", "With the outcome");
    cal.AddPercent("predicted_pct", "Mean predicted", 2).BasedOn({"persons", "events"});
    cal.AddPercent("observed_pct", "Observed", 2).BasedOn({"persons", "events"});
    cal.AddPercent("observed_lower_pct", "Observed 95% lower", 2).BasedOn({"persons", "events"});
    cal.AddPercent("observed_upper_pct", "Observed 95% upper", 2).BasedOn({"persons", "events"});
    for (const auto& b : e.deciles) {
      cal.AddRow({static_cast<int64_t>(b.band), Count(b.n), Count(b.events), 100 * b.mean_predicted, 100 * b.observed,
                  100 * b.observed_lower, 100 * b.observed_upper});
    }
    cal.footnotes().push_back("Decile 10 holds the tenth of the cohort with the highest predicted risk.");
    report::ChartSpec chart;
    chart.name = "calibration_" + e.model;
    chart.title = "Calibration: predicted and observed risk by decile (" + e.model + ")";
    chart.description = "Mean predicted and observed share with the outcome in each decile of predicted risk.";
    chart.kind = report::ChartKind::kLine;
    chart.table = cal.name();
    chart.x = "decile";
    chart.y = {"predicted_pct", "observed_pct"};
    chart.y_label = "Percent with the outcome";
    r.charts.push_back(chart);
    r.tables.push_back(std::move(cal));

    report::Table top("top_" + e.model, "Flagging the highest risk (" + e.model + ")");
    top.AddPercent("flagged_pct", "Top", 1).AddCount("persons", "Persons").AddCount("events", "With the outcome");
    top.AddCount("flagged", "Flagged").AddCount("true_positives", "Flagged with the outcome");
    top.AddPercent("ppv_pct", "PPV", 1).BasedOn({"flagged", "true_positives"});
    top.AddPercent("sensitivity_pct", "Sensitivity", 1).BasedOn({"events", "true_positives"});
    top.AddDecimal("threshold", "Risk threshold", 4).BasedOn({"flagged"});
    for (const auto& c : e.top) {
      top.AddRow({100 * c.fraction, Count(c.n), Count(c.positives), Count(c.flagged), Count(c.true_positives),
                  100 * c.ppv, 100 * c.sensitivity, static_cast<double>(c.threshold)});
    }
    r.tables.push_back(std::move(top));

    report::Table sub("subgroups_" + e.model, "Performance by subgroup (" + e.model + ")");
    sub.AddText("breakdown", "Breakdown").AddText("group", "Group");
    sub.AddCount("persons", "Persons").AddCount("events", "With the outcome");
    sub.AddDecimal("auroc", "AUROC", 4).BasedOn({"persons", "events"});
    sub.AddDecimal("auroc_lower", "95% CI lower", 4).BasedOn({"persons", "events"});
    sub.AddDecimal("auroc_upper", "95% CI upper", 4).BasedOn({"persons", "events"});
    sub.AddDecimal("auprc", "AUPRC", 4).BasedOn({"persons", "events"});
    sub.AddDecimal("brier", "Brier", 5).BasedOn({"persons", "events"});
    sub.AddDecimal("calibration_slope", "Calibration slope", 3).BasedOn({"persons", "events"});
    sub.AddDecimal("calibration_intercept", "Calibration-in-the-large", 3).BasedOn({"persons", "events"});
    sub.AddPercent("predicted_pct", "Mean predicted", 2).BasedOn({"persons", "events"});
    sub.AddPercent("observed_pct", "Observed", 2).BasedOn({"persons", "events"});
    sub.AddCount("flagged", "Flagged (top 5%)").AddCount("true_positives", "Flagged with the outcome");
    sub.AddPercent("ppv_pct", "PPV", 1).BasedOn({"flagged", "true_positives"});
    sub.AddPercent("sensitivity_pct", "Sensitivity", 1).BasedOn({"events", "true_positives"});
    sub.AddPercent("fpr_pct", "False positive rate", 2).BasedOn({"persons", "events", "flagged", "true_positives"});
    sub.AddPercent("fnr_pct", "False negative rate", 1).BasedOn({"events", "true_positives"});
    for (const auto& s : e.subgroups) {
      const auto& m = s.measures;
      const auto& c = s.at_cohort_threshold;
      sub.AddRow({s.breakdown, s.group, Count(m.n), Count(m.events),
                  Num(m.auroc ? std::optional(m.auroc->auroc) : std::nullopt),
                  Num(m.auroc ? std::optional(m.auroc->lower) : std::nullopt),
                  Num(m.auroc ? std::optional(m.auroc->upper) : std::nullopt), m.auprc, m.brier,
                  Num(m.calibration ? std::optional(m.calibration->slope) : std::nullopt),
                  Num(m.calibration ? std::optional(m.calibration->intercept) : std::nullopt),
                  100 * m.mean_predicted, m.n ? 100.0 * static_cast<double>(m.events) / static_cast<double>(m.n) : 0.0,
                  Count(c.flagged), Count(c.true_positives), 100 * c.ppv, 100 * c.sensitivity, 100 * c.fpr,
                  100 * c.fnr});
    }
    sub.footnotes().push_back(
        "Flagged: at or above the whole cohort's top-5% risk threshold, so every group is judged by the same rule.");
    report::ChartSpec auc;
    auc.name = "auroc_by_group_" + e.model;
    auc.title = "AUROC by subgroup with 95% DeLong intervals (" + e.model + ")";
    auc.description = "AUROC of the model in each IMD quintile, ethnic group, sex and age band.";
    auc.kind = report::ChartKind::kPointsWithIntervals;
    auc.table = sub.name();
    auc.x = "group";
    auc.y = {"auroc"};
    auc.lower = "auroc_lower";
    auc.upper = "auroc_upper";
    auc.y_label = "AUROC";
    r.charts.push_back(auc);
    r.tables.push_back(std::move(sub));

    report::Table gaps("fairness_" + e.model, "Gaps between subgroups at the top-5% threshold (" + e.model + ")");
    gaps.AddText("breakdown", "Breakdown").AddInteger("groups_compared", "Groups compared");
    gaps.AddPercent("fpr_gap_pct", "FPR gap (points)", 2).AddText("fpr_highest", "Highest FPR").AddText("fpr_lowest", "Lowest FPR");
    gaps.AddPercent("fnr_gap_pct", "FNR gap (points)", 1).AddText("fnr_highest", "Highest FNR").AddText("fnr_lowest", "Lowest FNR");
    for (const auto& g : e.gaps) {
      gaps.AddRow({g.breakdown, static_cast<int64_t>(g.groups_compared), 100 * g.fpr_gap, g.fpr_highest, g.fpr_lowest,
                   100 * g.fnr_gap, g.fnr_highest, g.fnr_lowest});
    }
    gaps.footnotes().push_back(fmt::format(
        "Only groups with at least {} persons with and {} without the outcome are compared.", kMinGroupEvents,
        kMinGroupEvents));
    r.tables.push_back(std::move(gaps));
  }
  return r;
}

nlohmann::json EvaluationJson(const std::vector<Evaluation>& evaluations, const governance::DisclosurePolicy& policy,
                              std::vector<std::pair<std::string, std::string>> metadata) {
  auto disclose = [&](size_t v) -> nlohmann::json {
    auto d = governance::DiscloseCount(static_cast<int64_t>(v), policy);
    return d ? nlohmann::json(*d) : nlohmann::json("redacted");
  };
  auto measures = [&](const ScoreMeasures& m) {
    nlohmann::json j = MeasuresJson(m);
    j["n"] = disclose(m.n);
    j["events"] = disclose(m.events);
    if (!governance::DiscloseCount(static_cast<int64_t>(m.n), policy) ||
        !governance::DiscloseCount(static_cast<int64_t>(m.events), policy)) {
      for (auto it = j.begin(); it != j.end(); ++it) {
        if (it.key() != "n" && it.key() != "events") it.value() = "redacted";
      }
    }
    return j;
  };
  nlohmann::json out = nlohmann::json::object();
  nlohmann::json meta = nlohmann::json::object();
  for (auto& [k, v] : metadata) meta[k] = v;
  if (!evaluations.empty()) {
    const Evaluation& first = evaluations.front();
    out = measures(first.overall);
    out["model"] = first.model;
    if (first.truth) {
      out["truth_auroc"] = first.truth->truth_auroc.auroc;
      out["truth_auroc_lower"] = first.truth->truth_auroc.lower;
      out["truth_auroc_upper"] = first.truth->truth_auroc.upper;
      out["truth_matched"] = disclose(first.truth->matched);
      out["auroc_minus_truth"] = first.truth->comparison.difference;
      out["auroc_minus_truth_se"] = first.truth->comparison.se;
    }
  }
  out["metadata"] = meta;
  out["disclosure"] = policy.Describe();
  nlohmann::json models = nlohmann::json::array();
  for (const auto& e : evaluations) {
    nlohmann::json m = measures(e.overall);
    m["model"] = e.model;
    nlohmann::json dec = nlohmann::json::array();
    for (const auto& b : e.deciles) {
      const bool ok = governance::DiscloseCount(static_cast<int64_t>(b.n), policy) &&
                      governance::DiscloseCount(static_cast<int64_t>(b.events), policy);
      nlohmann::json d = {{"decile", b.band}, {"n", disclose(b.n)}, {"events", disclose(b.events)}};
      d["mean_predicted"] = ok ? nlohmann::json(b.mean_predicted) : nlohmann::json("redacted");
      d["observed"] = ok ? nlohmann::json(b.observed) : nlohmann::json("redacted");
      dec.push_back(d);
    }
    m["deciles"] = dec;
    nlohmann::json top = nlohmann::json::array();
    for (const auto& c : e.top) {
      const bool ok = governance::DiscloseCount(static_cast<int64_t>(c.flagged), policy) &&
                      governance::DiscloseCount(static_cast<int64_t>(c.true_positives), policy);
      top.push_back({{"fraction", c.fraction},
                     {"flagged", disclose(c.flagged)},
                     {"ppv", ok ? nlohmann::json(c.ppv) : nlohmann::json("redacted")},
                     {"sensitivity", ok ? nlohmann::json(c.sensitivity) : nlohmann::json("redacted")}});
    }
    m["top"] = top;
    nlohmann::json subs = nlohmann::json::array();
    for (const auto& s : e.subgroups) {
      nlohmann::json j = measures(s.measures);
      j["breakdown"] = s.breakdown;
      j["group"] = s.group;
      const auto& c = s.at_cohort_threshold;
      const bool ok = governance::DiscloseCount(static_cast<int64_t>(c.flagged), policy) &&
                      governance::DiscloseCount(static_cast<int64_t>(c.true_positives), policy) &&
                      governance::DiscloseCount(static_cast<int64_t>(s.measures.events), policy);
      j["flagged"] = disclose(c.flagged);
      for (auto [k, v] : {std::pair{"ppv", c.ppv}, {"sensitivity", c.sensitivity}, {"fpr", c.fpr}, {"fnr", c.fnr}}) {
        j[k] = ok ? nlohmann::json(v) : nlohmann::json("redacted");
      }
      subs.push_back(j);
    }
    m["subgroups"] = subs;
    nlohmann::json gaps = nlohmann::json::array();
    for (const auto& g : e.gaps) {
      gaps.push_back({{"breakdown", g.breakdown},
                      {"groups_compared", g.groups_compared},
                      {"fpr_gap", g.fpr_gap},
                      {"fnr_gap", g.fnr_gap},
                      {"fpr_highest", g.fpr_highest},
                      {"fpr_lowest", g.fpr_lowest},
                      {"fnr_highest", g.fnr_highest},
                      {"fnr_lowest", g.fnr_lowest}});
    }
    m["fairness_gaps"] = gaps;
    models.push_back(m);
  }
  out["models"] = models;
  return out;
}

}  // namespace icb::risk
