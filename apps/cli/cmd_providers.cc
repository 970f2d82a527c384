// icb providers: activity, unit cost and length of stay by provider, and variation between GP
// practices, with funnel significance (src/context/provider_report.h); output through EmitReport.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "apps/cli/command.h"
#include "apps/cli/report_output.h"
#include "context/provider_report.h"
#include "data/dataset_dir.h"
#include "stats/confidence.h"

namespace {

struct ProvidersArgs {
  std::string dataset, period, confidence = "0.95";
  icb::cli::ReportOutputArgs out;
};

icb::cli::RunFn Setup(CLI::App& app) {
  auto a = std::make_shared<ProvidersArgs>();
  auto* sub = app.add_subcommand(
      "providers",
      "Benchmark providers (activity, unit cost, length of stay, zero-day emergency stays) and practices "
      "(standardised emergency admissions, A&E, GP appointments, hypertension prevalence) with funnel plots");
  sub->add_option("DATASET", a->dataset, "Published dataset directory (made by icb ingest)")->required();
  sub->add_option("--period", a->period,
                  "Financial year 2023/24 or FROM:TO dates (default: the financial year of the last event)");
  sub->add_option("--confidence", a->confidence, "Confidence level, or 0.95,0.998 (default 0.95)");
  icb::cli::AddReportOptions(sub, a->out);
  sub->footer(
      "Examples:\n"
      "  icb providers icb-data --period 2023/24\n"
      "  icb providers icb-data --period 2023/24 --out providers/ --format all   # CSV, JSON, XLSX, HTML with funnels\n"
      "Definitions: docs/reference/providers.md");
  return [a]() -> int {
    icb::ProviderQuery q;
    q.dataset_label = a->dataset;
    auto conf = icb::stats::ParseConfidence(a->confidence);
    if (!conf.ok()) {
      std::fprintf(stderr, "icb: --confidence: %s\n", conf.status().message().c_str());
      return 64;
    }
    q.confidence = *conf;
    auto gen = icb::DatasetDir::Current(a->dataset);
    if (!gen.ok()) return icb::cli::ReportError(gen.status());
    auto ds = icb::Dataset::Load((std::filesystem::path(*gen) / icb::DatasetDir::kSnapshotFile).string());
    if (!ds.ok()) return icb::cli::ReportError(ds.status());
    if (!a->period.empty()) {
      auto p = icb::ParsePeriod(a->period);
      if (!p.ok()) {
        std::fprintf(stderr, "icb: --period: %s\n", p.status().message().c_str());
        return 64;
      }
      q.period = *p;
    } else {
      if (ds->LastEventDate() == icb::kNoDate) {
        std::fprintf(stderr, "icb: --period is required: the dataset has no events\n");
        return 64;
      }
      q.period = icb::FinancialYearPeriod(ds->LastEventDate());
    }
    auto report = icb::ComputeProviderReport(*ds, q);
    if (!report.ok()) return icb::cli::ReportError(report.status());
    return icb::cli::EmitReport(*report, a->out);
  };
}

}  // namespace

ICB_REGISTER_COMMAND(providers, Setup);
