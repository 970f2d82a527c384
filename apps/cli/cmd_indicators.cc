// icb indicators: the catalogue's indicators (src/context/indicator_results.h) for a period, broken
// down by deprivation, ethnicity, age, sex, practice, PCN, place or segment, with SII/RII and the
// Core20PLUS5 report; output through EmitReport, so disclosure control always applies.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "apps/cli/command.h"
#include "apps/cli/report_output.h"
#include "context/indicator_report.h"
#include "context/indicator_results.h"
#include "context/segmentation.h"
#include "data/dataset_dir.h"
#include "stats/confidence.h"

namespace {

struct IndicatorsArgs {
  std::string dataset, indicators, by = "all", period, as_at, confidence = "0.95", report, catalogue_dir;
  bool list = false, sii = false, no_scores = false, timings = false;
  int sii_repetitions = 100000;
  icb::cli::ReportOutputArgs out;
};

std::vector<std::string> SplitComma(const std::string& s) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= s.size()) {
    size_t e = s.find(',', pos);
    if (e == std::string::npos) e = s.size();
    if (e > pos) out.push_back(s.substr(pos, e - pos));
    pos = e + 1;
  }
  return out;
}

int Usage(const std::string& msg) {
  std::fprintf(stderr, "icb: %s\n", msg.c_str());
  return 64;
}

icb::cli::RunFn Setup(CLI::App& app) {
  auto a = std::make_shared<IndicatorsArgs>();
  auto* sub = app.add_subcommand(
      "indicators",
      "Indicators from the catalogue (activity rates, prevalence, mortality, life expectancy, segments, cost per head) "
      "for a period, by IMD decile/quintile, Core20, ethnic group, age band, sex, practice, PCN, place or segment");
  sub->add_option("DATASET", a->dataset, "Published dataset directory (made by icb ingest)");
  sub->add_option("--indicator", a->indicators, "Comma-separated indicator ids (default: every one); see --list");
  sub->add_option("--by", a->by,
                  "Comma-separated breakdowns: all, imd_decile, imd_quintile, core20, ethnic_group, age_band, sex, "
                  "practice, pcn, place, segment, or every (default: all)");
  sub->add_option("--period", a->period,
                  "Financial year 2023/24 or FROM:TO dates YYYY-MM-DD:YYYY-MM-DD (default: the financial year of the "
                  "last event)");
  sub->add_option("--as-at", a->as_at, "Date for prevalence, segments and the population (default: the period end)");
  sub->add_option("--confidence", a->confidence, "Confidence level, or 0.95,0.998 for both (default 0.95)");
  sub->add_flag("--list", a->list, "List the catalogue and exit (no DATASET needed)");
  sub->add_flag("--sii", a->sii, "Add slope and relative indices of inequality across IMD deciles (adds imd_decile)");
  sub->add_option("--sii-repetitions", a->sii_repetitions, "Monte Carlo repetitions for SII intervals (default 100000)");
  sub->add_option("--report", a->report, "A themed report instead of the tables: core20plus5")
      ->check(CLI::IsMember({"core20plus5"}));
  sub->add_flag("--no-scores", a->no_scores, "Do not compute person scores (skips segment indicators; faster)");
  sub->add_flag("--timings", a->timings, "Print the seconds spent loading, scoring and computing to stderr");
  sub->add_option("--catalogue", a->catalogue_dir, "Directory holding catalogue.csv and codelists/ (default: the shipped one)");
  icb::cli::AddReportOptions(sub, a->out);
  sub->footer(
      "Examples:\n"
      "  icb indicators --list\n"
      "  icb indicators icb-data --period 2023/24                       # every indicator for the ICB\n"
      "  icb indicators icb-data --indicator em_adm,prev_hyp --by imd_decile,sex --confidence 0.95,0.998\n"
      "  icb indicators icb-data --by imd_decile --sii --out ind/       # with SII/RII and decile charts\n"
      "  icb indicators icb-data --report core20plus5 --period 2023-01-01:2023-12-31\n"
      "Counts are rounded and small counts redacted (--disclosure standard|strict).\n"
      "Definitions: docs/reference/indicators.md");
  return [a]() -> int {
    auto cat = icb::LoadIndicatorCatalogue(a->catalogue_dir.empty() ? icb::DefaultIndicatorDir() : a->catalogue_dir);
    if (!cat.ok()) return icb::cli::ReportError(cat.status());
    if (a->list) {
      icb::report::Report r = icb::BuildCatalogueReport(*cat);
      return icb::cli::EmitReport(r, a->out);
    }
    if (a->dataset.empty()) return Usage("indicators: DATASET is required (or --list)");
    icb::IndicatorQuery q;
    q.catalogue = &*cat;
    q.indicator_ids = SplitComma(a->indicators);
    std::string by = a->by;
    if (a->sii) by += ",imd_decile";
    if (a->report == "core20plus5") {
      by += ",core20,ethnic_group";
      if (q.indicator_ids.empty())
        for (const auto& item : icb::Core20Plus5Items()) q.indicator_ids.push_back(item.indicator_id);
    }
    auto breakdowns = icb::ParseBreakdownList(by);
    if (!breakdowns.ok()) return Usage("--by: " + breakdowns.status().message());
    q.breakdowns = *breakdowns;
    auto conf = icb::stats::ParseConfidence(a->confidence);
    if (!conf.ok()) return Usage("--confidence: " + conf.status().message());
    q.confidence = *conf;
    q.sii = a->sii;
    q.sii_repetitions = a->sii_repetitions;
    if (!a->as_at.empty()) {
      const auto d = icb::Date::ParseIso(a->as_at);
      if (!d) return Usage("--as-at: expected a date YYYY-MM-DD");
      q.as_at = d->days();
    }
    using Clock = std::chrono::steady_clock;
    auto seconds = [](Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); };
    auto t0 = Clock::now();
    auto gen = icb::DatasetDir::Current(a->dataset);
    if (!gen.ok()) return icb::cli::ReportError(gen.status());
    auto ds = icb::Dataset::Load((std::filesystem::path(*gen) / icb::DatasetDir::kSnapshotFile).string());
    if (!ds.ok()) return icb::cli::ReportError(ds.status());
    if (!a->period.empty()) {
      auto p = icb::ParsePeriod(a->period);
      if (!p.ok()) return Usage("--period: " + p.status().message());
      q.period = *p;
    } else {
      if (ds->LastEventDate() == icb::kNoDate) return Usage("--period is required: the dataset has no events");
      q.period = icb::FinancialYearPeriod(ds->LastEventDate());
    }
    const double load_s = seconds(t0);
    t0 = Clock::now();
    const int32_t as_at = q.as_at == icb::kNoDate ? q.period.to : q.as_at;
    // Person scores: for segment indicators, the segment breakdown and ltc counts.
    icb::PersonScores scores;
    bool want_scores = !a->no_scores;
    if (want_scores && !q.indicator_ids.empty()) {
      want_scores = false;
      for (const auto& id : q.indicator_ids) {
        const int k = cat->Find(id);
        if (k >= 0 && cat->indicators[static_cast<size_t>(k)].needs_scores) want_scores = true;
      }
    }
    for (auto b : q.breakdowns) want_scores |= b == icb::Breakdown::kSegment;
    if (want_scores) {
      auto config = icb::LoadDefaultScoringConfig();
      if (!config.ok()) return icb::cli::ReportError(config.status());
      auto s = icb::ComputePersonScores(*ds, as_at, *config);
      if (!s.ok()) return icb::cli::ReportError(s.status());
      scores = std::move(*s);
    }
    const double scores_s = seconds(t0);
    t0 = Clock::now();
    auto res = icb::ComputeIndicators(*ds, scores, q);
    if (!res.ok()) return icb::cli::ReportError(res.status());
    if (a->timings)
      std::fprintf(stderr, "icb: %zu persons, %zu indicators, %zu cells: load %.2f s, scores %.2f s, indicators %.2f s\n",
                   ds->person_count(), res->indicators.size(), res->layout.cell_count(), load_s, scores_s, seconds(t0));
    icb::report::Report report;
    if (a->report == "core20plus5") {
      auto r = icb::BuildCore20Plus5Report(*res, a->dataset);
      if (!r.ok()) return icb::cli::ReportError(r.status());
      report = std::move(*r);
    } else {
      report = icb::BuildIndicatorReport(*res, a->dataset);
    }
    return icb::cli::EmitReport(report, a->out);
  };
}

}  // namespace

ICB_REGISTER_COMMAND(indicators, Setup);
