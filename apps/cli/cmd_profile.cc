// icb profile: the population and activity profile of a published dataset (src/context/profile.h),
// printed as tables and, with --out, written as CSV, JSON and XLSX.
#include <cstdio>
#include <memory>
#include <string>

#include "apps/cli/command.h"
#include "context/profile.h"
#include "report/json_writer.h"
#include "report/text_writer.h"

namespace {

struct ProfileArgs {
  std::string dataset, out, as_at, format = "all";
  bool quiet = false;
};

icb::cli::RunFn Setup(CLI::App& app) {
  auto args = std::make_shared<ProfileArgs>();
  auto* sub = app.add_subcommand(
      "profile",
      "Profile a dataset: population pyramids, deprivation, ethnicity, practices, places, long-term condition "
      "registers, activity and cost by setting and financial year, data quality");
  sub->add_option("DATASET", args->dataset, "Published dataset directory (made by icb ingest)")->required();
  sub->add_option("--out", args->out, "Write the tables here: <table>.csv, report.json, report.xlsx");
  sub->add_option("--as-at", args->as_at, "Snapshot date YYYY-MM-DD (default: the last event date in the dataset)");
  sub->add_option("--format", args->format,
                  "What to produce: table (print only), csv, json, xlsx or all (default). Without --out, json "
                  "prints the report as JSON instead of tables")
      ->check(CLI::IsMember({"table", "csv", "json", "xlsx", "all"}));
  sub->add_flag("--quiet", args->quiet, "Do not print the tables (with --out)");
  sub->footer(
      "Examples:\n"
      "  icb profile icb-data                           # print the tables, as at the last event date\n"
      "  icb profile icb-data --as-at 2024-03-31 --out profile/\n"
      "  icb profile icb-data --format json > profile.json\n"
      "  icb profile icb-data --out profile/ --format xlsx --quiet\n"
      "Counts are not suppressed or rounded: apply disclosure control before publishing.\n"
      "Definitions: docs/reference/profile.md");
  return [args]() -> int {
    icb::ProfileOptions options;
    if (!args->as_at.empty()) {
      const auto day = icb::Date::ParseIso(args->as_at);
      if (!day) {
        std::fprintf(stderr, "icb: --as-at: expected a date YYYY-MM-DD\n");
        return 64;
      }
      options.as_at = day->days();
    }
    const bool to_files = !args->out.empty();
    if (!to_files && (args->format == "csv" || args->format == "xlsx")) {
      std::fprintf(stderr, "icb: --format %s needs --out DIR\n", args->format.c_str());
      return 64;
    }
    auto report = icb::ProfileDatasetDir(args->dataset, options);
    if (!report.ok()) return icb::cli::ReportError(report.status());
    if (!to_files && args->format == "json") {
      std::fputs(icb::report::ReportToJsonText(*report).c_str(), stdout);
      return 0;
    }
    if (!args->quiet || !to_files) std::fputs(icb::report::RenderText(*report).c_str(), stdout);
    if (to_files && args->format != "table") {
      unsigned formats = icb::report::kFormatAll;
      if (args->format == "csv") formats = icb::report::kFormatCsv;
      if (args->format == "json") formats = icb::report::kFormatJson;
      if (args->format == "xlsx") formats = icb::report::kFormatXlsx;
      const icb::Status st = icb::report::WriteReport(*report, args->out, formats);
      if (!st.ok()) return icb::cli::ReportError(st);
      std::fprintf(stderr, "icb: wrote %zu tables to %s\n", report->tables.size(), args->out.c_str());
    }
    return 0;
  };
}

}  // namespace

ICB_REGISTER_COMMAND(profile, Setup);
