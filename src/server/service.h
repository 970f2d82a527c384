// Service: the engine behind the HTTP API. Open loads the published dataset once, the scoring
// configuration, the indicator catalogue, the optional risk model card and the person scores as at
// the dataset's last event date; each report method then builds its report with the engine's own
// functions (the same ones the CLI commands call), passes it through the release function (the
// server's egress: disclosure control) and keeps the released report in a bounded LRU cache keyed by
// the query, so a repeated aggregate request costs a lookup. Nothing unreleased leaves this class
// except the case-finding list (person-level; the caller audits it before sending it).
// Error messages are generic (no paths, no patient values): they may be shown to the user.
// Thread safe: the dataset, configuration and scores are read-only after Open; the cache has a mutex.
#pragma once

#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "context/indicator_catalogue.h"
#include "context/indicator_results.h"
#include "context/person_scores.h"
#include "context/segmentation.h"
#include "core/crypto.h"
#include "core/status.h"
#include "data/dataset.h"
#include "forecast/scenario.h"
#include "governance/disclosure.h"
#include "model/model_card.h"
#include "report/report.h"
#include "risk/casefind.h"
#include "server/job_queue.h"

namespace icb::server {

struct ServiceOptions {
  std::string dataset_dir;   // published dataset (made by icb ingest)
  std::string label;         // shown in report metadata; default: the dataset folder's name (never a path)
  std::string model_path;    // risk model card (icb risk train); empty: no risk report, no case finding
  std::string scenario_dir;  // built-in forecast scenarios; default: the source tree's data/forecast/scenarios
  std::string work_dir;      // where saved scenarios are resolved (a folder the server owns); required
  governance::DisclosurePolicy policy = governance::StandardPolicy();  // for SPC limits on published counts
  // The egress secret: record keys (server::RecordKeys) are derived from it once, and the indicator
  // cells then carry cell keys for consistent perturbation. Unset: the egress keys cells by description.
  std::optional<HmacKey> secret;
  size_t cache_entries = 64;
  int max_forecast_runs = 2000;
};

using ReportPtr = std::shared_ptr<const report::Report>;
// The server's egress: takes a built report and returns the report that may leave (or an error).
using ReleaseFn = std::function<Result<report::Report>(report::Report)>;

class Service {
 public:
  static Result<std::unique_ptr<Service>> Open(ServiceOptions options, ReleaseFn release);

  const Dataset& dataset() const { return ds_; }
  int32_t as_at() const { return as_at_; }  // the dataset's last event date
  bool has_model() const { return card_.has_value(); }
  const std::string& label() const { return options_.label; }

  // Dataset label, as-at date, financial years, breakdowns, indicators, practices, places.
  nlohmann::ordered_json Meta() const;

  Result<ReportPtr> Profile();
  Result<ReportPtr> Segments(const std::string& as_at);  // "" or YYYY-MM-DD
  Result<ReportPtr> Indicators(const std::string& ids, const std::string& by, const std::string& period, bool sii);
  Result<ReportPtr> Variation(const std::string& period);
  Result<ReportPtr> Quality();
  Result<ReportPtr> Providers(const std::string& period);
  Result<ReportPtr> Risk();

  // Built-in scenario names (file stems), sorted.
  std::vector<std::string> BuiltinScenarios() const;
  // A built-in scenario's resolved JSON (inheritance applied); NotFound for an unknown name.
  Result<nlohmann::json> BuiltinScenarioJson(const std::string& name) const;
  // A built-in scenario, resolved; NotFound for an unknown name.
  Result<forecast::Scenario> BuiltinScenario(const std::string& name) const;
  // Checks a scenario JSON (inherits may name a built-in file) and returns it resolved.
  Result<forecast::Scenario> ParseScenario(const std::string& name, const nlohmann::json& json) const;
  // Runs a forecast (and a comparison when `compare` is set) and releases the report. `runs` < 0: the
  // scenario's. Reports progress to `ctx` when given.
  Result<report::Report> Forecast(const forecast::Scenario& scenario, const std::optional<forecast::Scenario>& compare,
                                  int runs, JobContext* ctx) const;

  // The person-level case-finding list of one practice as at the day after the data end (not cached,
  // not released: the caller checks access and audits before anything is sent).
  Result<risk::CasefindList> Casefind(const std::string& practice, size_t top, double percent, bool impactability) const;

  size_t cache_size() const;

 private:
  Service() = default;
  Result<ReportPtr> Cached(const std::string& key, const std::function<Result<report::Report>()>& build);
  Result<Period> PeriodOrDefault(const std::string& text) const;
  // The cached scores when as_at is the dataset's as-at date, else freshly computed ones.
  Result<std::shared_ptr<const PersonScores>> ScoresAt(int32_t as_at) const;
  Result<report::Report> BuildVariation(const Period& period) const;
  Result<report::Report> BuildRisk() const;
  std::string Generic(const Status& st) const;  // the message with folder paths removed

  ServiceOptions options_;
  ReleaseFn release_;
  Dataset ds_;
  std::string generation_;
  std::optional<nlohmann::json> dq_report_;
  ScoringConfig config_;
  IndicatorCatalogue catalogue_;
  std::optional<model::ModelCard> card_;
  std::shared_ptr<const PersonScores> scores_;
  std::vector<uint32_t> record_keys_;  // one per person; empty without a secret
  int32_t as_at_ = 0;

  mutable std::mutex cache_mu_;
  std::list<std::pair<std::string, ReportPtr>> lru_;  // most recent first
  std::unordered_map<std::string, std::list<std::pair<std::string, ReportPtr>>::iterator> index_;
};

}  // namespace icb::server
