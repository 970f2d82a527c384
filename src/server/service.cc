#include "server/service.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <tuple>
#include <filesystem>
#include <map>
#include <set>

#include <fmt/format.h>

#include "context/breakdown.h"
#include "context/indicator_report.h"
#include "context/indicator_results.h"
#include "context/profile.h"
#include "context/provider_report.h"
#include "context/segment_report.h"
#include "core/file_util.h"
#include "data/dataset_dir.h"
#include "forecast/capacity.h"
#include "forecast/demand_model.h"
#include "forecast/forecast_pipeline.h"
#include "forecast/forecast_report.h"
#include "risk/evaluation.h"
#include "server/egress.h"
#include "risk/risk_pipeline.h"
#include "stats/spc.h"

#ifndef ICB_FORECAST_DATA_DIR
#define ICB_FORECAST_DATA_DIR "data/forecast"
#endif

namespace icb::server {

namespace fs = std::filesystem;

namespace {

void ReplaceAll(std::string& s, const std::string& from, const std::string& to) {
  if (from.empty()) return;
  for (size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size())) {
    s.replace(pos, from.size(), to);
  }
}

Status WithMessage(const Status& st, std::string message) {
  switch (st.code()) {
    case StatusCode::kInvalidInput: return Status::InvalidInput(std::move(message));
    case StatusCode::kNotFound: return Status::NotFound(std::move(message));
    case StatusCode::kIoError: return Status::IoError(std::move(message));
    case StatusCode::kCorrupt: return Status::Corrupt(std::move(message));
    case StatusCode::kRefused: return Status::Refused(std::move(message));
    default: return Status::Internal(std::move(message));
  }
}

bool ValidName(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-')) return false;
  }
  return name != "." && name != "..";
}

// Absolute paths in a report's metadata (rule folders, for example) say where the server's files
// are: each one is cut to its last component before the report leaves.
void StripMetadataPaths(report::Report& r) {
  for (auto& [key, value] : r.metadata) {
    (void)key;
    std::string out;
    size_t i = 0;
    while (i < value.size()) {
      const bool starts = value[i] == '/' && (i == 0 || value[i - 1] == ' ' || value[i - 1] == '(');
      if (!starts) {
        out.push_back(value[i++]);
        continue;
      }
      size_t end = i;
      while (end < value.size() && value[end] != ' ' && value[end] != ',' && value[end] != ')' && value[end] != ';') ++end;
      const std::string token = value.substr(i, end - i);
      if (std::count(token.begin(), token.end(), '/') >= 2) {
        out += fs::path(token).filename().string();
      } else {
        out += token;
      }
      i = end;
    }
    value = std::move(out);
  }
}

}  // namespace

Result<std::unique_ptr<Service>> Service::Open(ServiceOptions options, ReleaseFn release) {
  std::unique_ptr<Service> s(new Service());
  if (options.label.empty()) options.label = fs::path(options.dataset_dir).lexically_normal().filename().string();
  if (options.label.empty()) options.label = "dataset";
  if (options.scenario_dir.empty()) options.scenario_dir = (fs::path(ICB_FORECAST_DATA_DIR) / "scenarios").string();
  if (options.work_dir.empty()) return Status::InvalidInput("service: work_dir is required");
  s->options_ = std::move(options);
  s->release_ = std::move(release);
  auto gen = DatasetDir::Current(s->options_.dataset_dir);
  if (!gen.ok()) return gen.status();
  auto ds = Dataset::Load((fs::path(*gen) / DatasetDir::kSnapshotFile).string());
  if (!ds.ok()) return ds.status();
  s->ds_ = std::move(*ds);
  s->generation_ = fs::path(*gen).filename().string();
  const std::string dq_path = (fs::path(*gen) / "dq_report.json").string();
  if (fs::exists(dq_path)) {
    auto text = ReadFile(dq_path);
    if (text.ok()) {
      auto j = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
      if (!j.is_discarded()) s->dq_report_ = std::move(j);
    }
  }
  if (s->ds_.LastEventDate() == kNoDate) return Status::InvalidInput(s->options_.dataset_dir + ": the dataset has no events");
  s->as_at_ = s->ds_.LastEventDate();
  auto config = LoadDefaultScoringConfig();
  if (!config.ok()) return config.status();
  s->config_ = std::move(*config);
  auto cat = LoadIndicatorCatalogue(DefaultIndicatorDir());
  if (!cat.ok()) return cat.status();
  s->catalogue_ = std::move(*cat);
  if (!s->options_.model_path.empty()) {
    auto card = model::LoadModelCard(s->options_.model_path);
    if (!card.ok()) return card.status();
    s->card_ = std::move(*card);
  }
  auto scores = ComputePersonScores(s->ds_, s->as_at_, s->config_);
  if (!scores.ok()) return scores.status();
  s->scores_ = std::make_shared<const PersonScores>(std::move(*scores));
  if (s->options_.secret) s->record_keys_ = RecordKeys(s->ds_, *s->options_.secret);
  // Saved scenarios are resolved in work_dir beside copies of the built-in ones, so that
  // "inherits": "nhp_like.json" works for them too.
  std::error_code ec;
  fs::create_directories(s->options_.work_dir, ec);
  if (ec) return Status::IoError(s->options_.work_dir + ": cannot create the folder: " + ec.message());
  for (const auto& name : s->BuiltinScenarios()) {
    fs::copy_file(fs::path(s->options_.scenario_dir) / (name + ".json"), fs::path(s->options_.work_dir) / (name + ".json"),
                  fs::copy_options::overwrite_existing, ec);
    if (ec) return Status::IoError(s->options_.work_dir + ": cannot copy the built-in scenarios: " + ec.message());
  }
  return s;
}

std::string Service::Generic(const Status& st) const {
  std::string m = st.message();
  for (const std::string* p : {&options_.work_dir, &options_.scenario_dir, &options_.model_path, &options_.dataset_dir}) {
    if (p->empty()) continue;
    ReplaceAll(m, fs::absolute(*p).lexically_normal().string(), "");
    ReplaceAll(m, *p, "");
  }
  ReplaceAll(m, "//", "/");
  return m;
}

size_t Service::cache_size() const {
  std::lock_guard<std::mutex> lock(cache_mu_);
  return lru_.size();
}

Result<ReportPtr> Service::Cached(const std::string& key, const std::function<Result<report::Report>()>& build) {
  {
    std::lock_guard<std::mutex> lock(cache_mu_);
    auto it = index_.find(key);
    if (it != index_.end()) {
      lru_.splice(lru_.begin(), lru_, it->second);
      return it->second->second;
    }
  }
  // Built outside the lock: two threads asking for the same new key both build it (the same result).
  auto built = build();
  if (!built.ok()) return built.status();
  auto released = release_ ? release_(std::move(*built)) : Result<report::Report>(std::move(*built));
  if (!released.ok()) return released.status();
  StripMetadataPaths(*released);
  auto ptr = std::make_shared<const report::Report>(std::move(*released));
  std::lock_guard<std::mutex> lock(cache_mu_);
  auto it = index_.find(key);
  if (it != index_.end()) return it->second->second;
  lru_.emplace_front(key, ptr);
  index_[key] = lru_.begin();
  while (lru_.size() > std::max<size_t>(options_.cache_entries, 1)) {
    index_.erase(lru_.back().first);
    lru_.pop_back();
  }
  return ptr;
}

nlohmann::ordered_json Service::Meta() const {
  using J = nlohmann::ordered_json;
  J j;
  j["dataset"] = options_.label;
  j["generation"] = generation_;
  j["as_at"] = Date(as_at_).ToIso();
  J periods = J::array();
  const int first = FinancialYearOf(Date(ds_.FirstEventDate())), last = FinancialYearOf(Date(as_at_));
  for (int fy = last; fy >= first && fy >= last - 20; --fy) periods.push_back(FinancialYearLabel(fy));
  j["periods"] = periods;
  J breakdowns = J::array();
  for (int b = 0; b < kBreakdownCount; ++b) breakdowns.push_back(std::string(BreakdownName(static_cast<Breakdown>(b))));
  j["breakdowns"] = breakdowns;
  J indicators = J::array();
  for (const auto& d : catalogue_.indicators) indicators.push_back({{"id", d.id}, {"title", d.title}});
  j["indicators"] = indicators;
  J practices = J::array();
  for (size_t i = 0; i < ds_.practices.size(); ++i) {
    practices.push_back({{"code", std::string(ds_.practices.code.Get(static_cast<uint32_t>(i)))},
                         {"name", ds_.practices.name[i]},
                         {"pcn", ds_.practices.pcn_code[i]},
                         {"place", ds_.practices.place_name[i]}});
  }
  j["practices"] = practices;
  std::set<std::string> places(ds_.lsoas.place_name.begin(), ds_.lsoas.place_name.end());
  places.erase("");
  j["places"] = J(std::vector<std::string>(places.begin(), places.end()));
  j["model"] = card_ ? J(card_->outcome) : J(nullptr);
  return j;
}

Result<std::shared_ptr<const PersonScores>> Service::ScoresAt(int32_t as_at) const {
  if (as_at == as_at_) return scores_;
  auto s = ComputePersonScores(ds_, as_at, config_);
  if (!s.ok()) return s.status();
  return std::make_shared<const PersonScores>(std::move(*s));
}

Result<Period> Service::PeriodOrDefault(const std::string& text) const {
  if (text.empty()) return FinancialYearPeriod(as_at_);
  auto p = ParsePeriod(text);
  if (!p.ok()) return Status::InvalidInput("period: " + p.status().message());
  return p;
}

Result<ReportPtr> Service::Profile() {
  return Cached("profile", [&]() -> Result<report::Report> {
    ProfileOptions o;
    o.as_at = as_at_;
    o.dataset_label = options_.label;
    o.generation = generation_;
    o.dq_report = dq_report_;
    return ComputeProfile(ds_, o);
  });
}

Result<ReportPtr> Service::Quality() {
  return Cached("quality", [&]() -> Result<report::Report> {
    ProfileOptions o;
    o.as_at = as_at_;
    o.dataset_label = options_.label;
    o.generation = generation_;
    o.dq_report = dq_report_;
    auto p = ComputeProfile(ds_, o);
    if (!p.ok()) return p.status();
    report::Report r;
    r.title = "Data quality: " + options_.label;
    r.metadata = p->metadata;
    for (auto& t : p->tables) {
      if (t.name().rfind("dq_", 0) == 0 || t.name() == "dataset_tables") r.tables.push_back(std::move(t));
    }
    for (auto& c : p->charts) {
      if (r.Find(c.table) != nullptr) r.charts.push_back(std::move(c));
    }
    if (!dq_report_) r.metadata.emplace_back("data_quality", "the dataset has no ingest data-quality report");
    return r;
  });
}

Result<ReportPtr> Service::Segments(const std::string& as_at_text) {
  int32_t as_at = as_at_;
  if (!as_at_text.empty()) {
    const auto d = Date::ParseIso(as_at_text);
    if (!d) return Status::InvalidInput("as_at: expected a date YYYY-MM-DD");
    as_at = d->days();
    // Each date costs a scoring pass over everyone: only dates the data cover.
    if (as_at < ds_.FirstEventDate() || as_at > as_at_) {
      return Status::InvalidInput("as_at: expected a date from " + Date(ds_.FirstEventDate()).ToIso() + " to " +
                                  Date(as_at_).ToIso());
    }
  }
  return Cached("segments|" + Date(as_at).ToIso(), [&, as_at]() -> Result<report::Report> {
    auto scores = ScoresAt(as_at);
    if (!scores.ok()) return WithMessage(scores.status(), Generic(scores.status()));
    return BuildSegmentReport(ds_, **scores, config_, options_.label);
  });
}

Result<ReportPtr> Service::Indicators(const std::string& ids, const std::string& by, const std::string& period, bool sii) {
  IndicatorQuery q;
  q.catalogue = &catalogue_;
  for (size_t pos = 0; pos <= ids.size();) {
    size_t e = ids.find(',', pos);
    if (e == std::string::npos) e = ids.size();
    if (e > pos) {
      std::string id = ids.substr(pos, e - pos);
      if (catalogue_.Find(id) < 0) return Status::InvalidInput("ids: unknown indicator '" + id + "'");
      q.indicator_ids.push_back(std::move(id));
    }
    pos = e + 1;
  }
  std::string by_text = by.empty() ? "all" : by;
  if (sii) by_text += ",imd_decile";
  auto breakdowns = ParseBreakdownList(by_text);
  if (!breakdowns.ok()) return Status::InvalidInput("by: " + breakdowns.status().message());
  q.breakdowns = *breakdowns;
  auto p = PeriodOrDefault(period);
  if (!p.ok()) return p.status();
  q.period = *p;
  q.as_at = std::min(q.period.to, as_at_);
  q.sii = sii;
  q.sii_repetitions = 10000;
  if (!record_keys_.empty()) q.record_keys = &record_keys_;
  std::string key = "indicators|" + ids + "|" + by_text + "|" + q.period.label + "|" + (sii ? "sii" : "");
  return Cached(key, [&, q]() -> Result<report::Report> {
    auto scores = ScoresAt(q.as_at);
    if (!scores.ok()) return WithMessage(scores.status(), Generic(scores.status()));
    auto res = ComputeIndicators(ds_, **scores, q);
    if (!res.ok()) return WithMessage(res.status(), Generic(res.status()));
    return BuildIndicatorReport(*res, options_.label);
  });
}

Result<ReportPtr> Service::Providers(const std::string& period) {
  auto p = PeriodOrDefault(period);
  if (!p.ok()) return p.status();
  return Cached("providers|" + p->label, [&, p = *p]() -> Result<report::Report> {
    ProviderQuery q;
    q.catalogue = &catalogue_;
    q.period = p;
    q.dataset_label = options_.label;
    return ComputeProviderReport(ds_, q);
  });
}

Result<ReportPtr> Service::Variation(const std::string& period) {
  auto p = PeriodOrDefault(period);
  if (!p.ok()) return p.status();
  return Cached("variation|" + p->label, [&, p = *p]() { return BuildVariation(p); });
}

// Practice funnels (the practice part of the provider report) and monthly XmR charts of emergency
// admissions and A&E attendances over the complete months up to the data end (at most 36). The SPC
// runs on the counts as they will be published (DiscloseCount), so its limits reveal nothing the
// published counts do not.
Result<report::Report> Service::BuildVariation(const Period& period) const {
  ProviderQuery q;
  q.catalogue = &catalogue_;
  q.period = period;
  q.dataset_label = options_.label;
  auto pr = ComputeProviderReport(ds_, q);
  if (!pr.ok()) return pr.status();
  report::Report r;
  r.title = "Variation: practice funnels and monthly SPC, " + options_.label;
  r.metadata = pr->metadata;
  for (auto& t : pr->tables)
    if (t.name().rfind("practice", 0) == 0) r.tables.push_back(std::move(t));
  for (auto& c : pr->charts)
    if (r.Find(c.table) != nullptr) r.charts.push_back(std::move(c));

  // Monthly counts: month index = year * 12 + month - 1.
  const Date last(as_at_);
  int last_month = last.year() * 12 + last.month() - 1;
  if ((last + 1).month() == last.month()) --last_month;  // the last month is incomplete
  const int first_month = last_month - 35;
  const size_t months = static_cast<size_t>(last_month - first_month + 1);
  std::vector<int64_t> em(months, 0), ae(months, 0);
  const EventTable& ev = ds_.events;
  for (size_t e = 0; e < ev.size(); ++e) {
    const Date d(ev.date[e]);
    const int m = d.year() * 12 + d.month() - 1;
    if (m < first_month || m > last_month) continue;
    const size_t i = static_cast<size_t>(m - first_month);
    if (static_cast<Pod>(ev.pod[e]) == Pod::kNonElective) ++em[i];
    if (static_cast<Setting>(ev.setting[e]) == Setting::kAe) ++ae[i];
  }
  report::Table t("spc_monthly", "Monthly emergency admissions and A&E attendances: XmR charts (Making Data Count)");
  t.AddText("measure", "Measure");
  t.AddText("month", "Month");
  t.AddCount("count", "Count");
  t.AddDecimal("mean", "Mean", 1);
  t.AddDecimal("lpl", "Lower process limit", 1);
  t.AddDecimal("upl", "Upper process limit", 1);
  t.AddText("special_cause", "Special cause");
  t.AddText("point_type", "Point type");
  auto spc_options = stats::SpcPreset("NHSRplotthedots-0.2.2");
  if (!spc_options.ok()) return spc_options.status();
  stats::SpcOptions o = *spc_options;
  o.improvement = stats::SpcImprovement::kDecrease;
  std::vector<stats::SpcPoint> points;
  std::map<std::pair<std::string, std::string>, int64_t> true_count;
  for (const auto& [measure, counts] : {std::pair{"emergency_admissions", &em}, std::pair{"ae_attendances", &ae}}) {
    for (size_t i = 0; i < months; ++i) {
      const int m = first_month + static_cast<int>(i);
      stats::SpcPoint pt;
      pt.facet = measure;
      pt.period = Date::FromCivil(m / 12, m % 12 + 1, 1).ToYearMonth();
      const auto published = governance::DiscloseCount((*counts)[i], options_.policy);
      pt.value = published ? static_cast<double>(*published) : 0.0;
      true_count[{pt.facet, pt.period}] = (*counts)[i];
      points.push_back(pt);
    }
  }
  if (months > 0) {
    auto spc = stats::CalculateSpc(points, o);
    if (!spc.ok()) return spc.status();
    for (const auto& pt : spc->points) {
      auto num = [](double v) -> report::Cell { return std::isfinite(v) ? report::Cell(v) : report::Cell(); };
      t.AddRow({pt.facet, pt.period, true_count[{pt.facet, pt.period}], num(pt.mean), num(pt.lpl), num(pt.upl),
                stats::SpcRuleLabel(pt.rule, o.run_length), std::string(stats::SpcPointTypeName(pt.point_type))});
    }
  }
  t.footnotes().push_back(
      "XmR charts in the Making Data Count style (NHSRplotthedots 0.2.2 rules); limits are computed from the "
      "published (rounded) monthly counts. Emergency admissions: non-elective spells (admission method 21-2D, "
      "81-83); A&E attendances: all departments. Complete calendar months only, at most 36.");
  r.tables.push_back(std::move(t));
  for (const auto& [name, measure, title] :
       {std::tuple{"spc_emergency", "emergency_admissions", "Emergency admissions per month"},
        std::tuple{"spc_ae", "ae_attendances", "A&E attendances per month"}}) {
    report::ChartSpec c;
    c.name = name;
    c.title = title;
    c.description = std::string(title) + ", XmR chart with mean and process limits";
    c.kind = report::ChartKind::kSpc;
    c.table = "spc_monthly";
    c.x = "month";
    c.y = {"count"};
    c.limits = {"mean", "lpl", "upl"};
    c.series = "point_type";
    c.improvement = "decrease";
    c.filter_column = "measure";
    c.filter_values = {measure};
    r.charts.push_back(std::move(c));
  }
  return r;
}

Result<ReportPtr> Service::Risk() {
  if (!card_) return Status::NotFound("no risk model is loaded (start the server with --model)");
  return Cached("risk", [&]() { return BuildRisk(); });
}

Result<report::Report> Service::BuildRisk() const {
  const model::ModelCard& card = *card_;
  auto outcome = risk::ParseOutcome(card.outcome);
  if (!outcome.ok()) return WithMessage(outcome.status(), "the model card's outcome is not known to this engine");
  int32_t as_at = kNoDate;
  if (auto d = Date::ParseIso(card.validation.features_as_at)) as_at = d->days();
  // The card's validation year, or else the latest financial year whose outcomes are all known.
  auto year_end = [](int32_t start) { return Date::FromCivil(Date(start).year() + 1, 4, 1).days(); };
  if (as_at == kNoDate || year_end(as_at) - 1 > as_at_) {
    const int fy = FinancialYearOf(Date(as_at_ + 1)) - 1;
    as_at = FinancialYearStart(fy).days();
  }
  const int32_t end = year_end(as_at);
  auto cohort = risk::BuildCohort(ds_, config_, as_at, end, *outcome, risk::CardFeatureOptions(card));
  if (!cohort.ok()) return WithMessage(cohort.status(), Generic(cohort.status()));
  const auto breakdowns = risk::CohortBreakdowns(ds_, cohort->features.person, cohort->scores.age);
  std::vector<risk::Evaluation> evaluations;
  for (bool logistic : {false, true}) {
    auto p = risk::ScoreMatrix(card, cohort->features.matrix, logistic);
    if (!p.ok()) return WithMessage(p.status(), Generic(p.status()));
    auto e = risk::Evaluate(logistic ? "logistic" : "gbm", *p, cohort->outcome, breakdowns);
    if (!e.ok()) return WithMessage(e.status(), Generic(e.status()));
    evaluations.push_back(std::move(*e));
  }
  std::vector<std::pair<std::string, std::string>> meta = {
      {"dataset", options_.label},
      {"model", fs::path(options_.model_path).filename().string()},
      {"outcome", card.outcome},
      {"features_as_at", Date(as_at).ToIso()},
      {"outcome_window", Date(as_at).ToIso() + " to " + Date(end - 1).ToIso()},
      {"trained_on", card.training.outcome_start + " to " + card.training.outcome_end}};
  return risk::BuildEvaluationReport(evaluations, "Risk model evaluation: " + card.outcome, meta);
}

std::vector<std::string> Service::BuiltinScenarios() const {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(options_.scenario_dir, ec)) {
    if (e.path().extension() == ".json" && ValidName(e.path().stem().string())) out.push_back(e.path().stem().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

Result<forecast::Scenario> Service::BuiltinScenario(const std::string& name) const {
  const auto names = BuiltinScenarios();
  if (std::find(names.begin(), names.end(), name) == names.end()) return Status::NotFound("no such scenario");
  auto s = forecast::LoadScenario((fs::path(options_.scenario_dir) / (name + ".json")).string());
  if (!s.ok()) return WithMessage(s.status(), Generic(s.status()));
  return s;
}

Result<nlohmann::json> Service::BuiltinScenarioJson(const std::string& name) const {
  auto s = BuiltinScenario(name);
  if (!s.ok()) return s.status();
  return forecast::ScenarioToJson(*s);
}

Result<forecast::Scenario> Service::ParseScenario(const std::string& name, const nlohmann::json& json) const {
  if (!ValidName(name)) return Status::InvalidInput("a scenario name is 1-64 of A-Z a-z 0-9 _ . -");
  if (!json.is_object()) return Status::InvalidInput("a scenario is a JSON object");
  if (!json.contains("inherits")) {
    auto s = forecast::ScenarioFromJson(json, name);
    if (!s.ok()) return WithMessage(s.status(), Generic(s.status()));
    return s;
  }
  const auto& inh = json["inherits"];
  const auto builtin = BuiltinScenarios();
  if (!inh.is_string() || std::find(builtin.begin(), builtin.end(), fs::path(inh.get<std::string>()).stem().string()) ==
                              builtin.end() || inh.get<std::string>().find('/') != std::string::npos) {
    return Status::InvalidInput("inherits: a saved scenario may inherit from a built-in scenario file only (e.g. "
                                "\"nhp_like.json\")");
  }
  // Resolve it as a file beside the copies of the built-in ones (unique name: requests run at once).
  static std::atomic<uint64_t> counter{0};
  const fs::path file = fs::path(options_.work_dir) / fmt::format("saved.{}.{}.tmp.json", name, ++counter);
  Status st = WriteFileAtomic(file.string(), json.dump(2));
  if (!st.ok()) return Status::IoError("the scenario could not be checked");
  auto s = forecast::LoadScenario(file.string());
  std::error_code ec;
  fs::remove(file, ec);
  if (!s.ok()) {
    std::string m = Generic(s.status());
    ReplaceAll(m, file.filename().string(), name);
    return WithMessage(s.status(), m);
  }
  return s;
}

Result<report::Report> Service::Forecast(const forecast::Scenario& scenario,
                                         const std::optional<forecast::Scenario>& compare, int runs,
                                         JobContext* ctx) const {
  if (runs > options_.max_forecast_runs) {
    return Status::InvalidInput(fmt::format("runs: at most {} on this server", options_.max_forecast_runs));
  }
  auto progress = [&](double f, const std::string& m) {
    if (ctx) ctx->SetProgress(f, m);
  };
  forecast::RunOptions ro;
  ro.runs = runs;
  forecast::PrepareOptions po;
  const double share = compare ? 0.45 : 0.9;
  auto run = [&](const forecast::Scenario& s, forecast::PreparedForecast& prepared,
                 double from) -> Result<forecast::ForecastResult> {
    progress(from + 0.05 * share, "preparing " + s.name);
    ICB_RETURN_IF_ERROR(forecast::PrepareForecast(ds_, config_, s, po, prepared));
    progress(from + 0.4 * share, "simulating " + s.name);
    forecast::RunOptions o = ro;
    o.horizon_year = prepared.horizon_year;
    forecast::Scenario with_costs = s;
    if (with_costs.cost.marginal_bed_day_pence <= 0) {
      auto bed_day = forecast::LoadMarginalBedDayPence();
      if (!bed_day.ok()) return bed_day.status();
      with_costs.cost.marginal_bed_day_pence = *bed_day;
    }
    auto r = forecast::RunForecast(prepared.baseline, prepared.context, with_costs, o);
    progress(from + share, "simulated " + s.name);
    return r;
  };
  auto prepared = std::make_unique<forecast::PreparedForecast>();
  auto result = run(scenario, *prepared, 0);
  if (!result.ok()) return WithMessage(result.status(), Generic(result.status()));
  auto report = forecast::BuildForecastReport(*result, *prepared, scenario, options_.label);
  if (compare) {
    auto prepared_b = std::make_unique<forecast::PreparedForecast>();
    auto rb = run(*compare, *prepared_b, share);
    if (!rb.ok()) return WithMessage(rb.status(), Generic(rb.status()));
    forecast::AddScenarioComparison(report, *result, scenario, *rb, *compare);
  }
  progress(0.95, "disclosure control");
  auto released = release_ ? release_(std::move(report)) : Result<report::Report>(std::move(report));
  if (released.ok()) StripMetadataPaths(*released);
  return released;
}

Result<risk::CasefindList> Service::Casefind(const std::string& practice, size_t top, double percent,
                                             bool impactability) const {
  if (!card_) return Status::NotFound("no risk model is loaded (start the server with --model)");
  risk::CasefindQuery q;
  q.scope = {risk::ScopeKind::kPractice, practice, {}};
  q.as_at = as_at_ + 1;
  q.top_k = top;
  q.top_percent = percent;
  q.impactability = impactability;
  auto list = risk::FindCases(ds_, config_, *card_, q);
  if (!list.ok()) return WithMessage(list.status(), Generic(list.status()));
  return list;
}

}  // namespace icb::server
