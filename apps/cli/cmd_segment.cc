// icb segment: Bridges to Health segments, subsegments and scores of a published dataset as at a
// date (src/context/segmentation.h), summarised as tables that pass disclosure control; with
// --person-level FILE, also one row per person (pseudonym and scores only).
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "apps/cli/command.h"
#include "apps/cli/report_output.h"
#include "context/segment_report.h"
#include "context/segmentation.h"
#include "data/dataset_dir.h"

namespace {

struct SegmentArgs {
  std::string dataset, as_at, person_level, rules;
  icb::cli::ReportOutputArgs output;
};

icb::cli::RunFn Setup(CLI::App& app) {
  auto args = std::make_shared<SegmentArgs>();
  auto* sub = app.add_subcommand(
      "segment",
      "Segment the population (Bridges to Health) and compute CMS, eFI, HFRS, Charlson, Elixhauser, LTC count and "
      "Core20PLUS5 flags as at a date");
  sub->add_option("DATASET", args->dataset, "Published dataset directory (made by icb ingest)")->required();
  sub->add_option("--as-at", args->as_at, "Date YYYY-MM-DD the segments and scores hold on")->required();
  sub->add_option("--person-level", args->person_level,
                  "Also write one row per person (pseudonym, segment, subsegments, scores) to this CSV file");
  sub->add_option("--rules", args->rules, "Data directory holding codelists/ and segmentation/ (default: the shipped rules)");
  icb::cli::AddReportOptions(sub, args->output);
  sub->footer(
      "Examples:\n"
      "  icb segment icb-data --as-at 2024-03-31                    # print the summary tables\n"
      "  icb segment icb-data --as-at 2024-03-31 --out segments/    # CSV, JSON, XLSX, HTML with the segment-mix chart\n"
      "  icb segment icb-data --as-at 2024-03-31 --person-level scores.csv --quiet\n"
      "The summary's counts pass disclosure control (1-7 redacted, others rounded to 5). The person-level file is\n"
      "NOT disclosure controlled: it holds pseudonyms and must stay inside the ICB's secure environment.\n"
      "Definitions: docs/reference/segmentation.md, docs/reference/scores.md");
  return [args]() -> int {
    const auto day = icb::Date::ParseIso(args->as_at);
    if (!day) {
      std::fprintf(stderr, "icb: --as-at: expected a date YYYY-MM-DD\n");
      return 64;
    }
    auto config = args->rules.empty() ? icb::LoadDefaultScoringConfig() : icb::LoadScoringConfig(args->rules);
    if (!config.ok()) return icb::cli::ReportError(config.status());
    auto gen = icb::DatasetDir::Current(args->dataset);
    if (!gen.ok()) return icb::cli::ReportError(gen.status());
    auto ds = icb::Dataset::Load((std::filesystem::path(*gen) / icb::DatasetDir::kSnapshotFile).string());
    if (!ds.ok()) return icb::cli::ReportError(ds.status());
    auto scores = icb::ComputePersonScores(*ds, day->days(), *config);
    if (!scores.ok()) return icb::cli::ReportError(scores.status());
    if (!args->person_level.empty()) {
      std::fprintf(stderr,
                   "icb: WARNING: %s is a PERSON-LEVEL file (pseudonyms with segments and scores). It is not disclosure "
                   "controlled; keep it inside the secure environment.\n",
                   args->person_level.c_str());
      const icb::Status st = icb::WritePersonLevelScores(args->person_level, *ds, *scores, *config);
      if (!st.ok()) return icb::cli::ReportError(st);
    }
    auto report = icb::BuildSegmentReport(*ds, *scores, *config, args->dataset);
    return icb::cli::EmitReport(report, args->output);
  };
}

}  // namespace

ICB_REGISTER_COMMAND(segment, Setup);
