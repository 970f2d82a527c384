// icb profile: the population and activity profile of a published dataset (src/context/profile.h),
// printed as tables and, with --out, written as CSV, JSON and XLSX.
#include <cstdio>
#include <memory>
#include <string>

#include "apps/cli/command.h"
#include "context/profile.h"
#include "apps/cli/report_output.h"

namespace {

struct ProfileArgs {
  std::string dataset, as_at;
  icb::cli::ReportOutputArgs output;
};

icb::cli::RunFn Setup(CLI::App& app) {
  auto args = std::make_shared<ProfileArgs>();
  auto* sub = app.add_subcommand(
      "profile",
      "Profile a dataset: population pyramids, deprivation, ethnicity, practices, places, long-term condition "
      "registers, activity and cost by setting and financial year, data quality");
  sub->add_option("DATASET", args->dataset, "Published dataset directory (made by icb ingest)")->required();
  sub->add_option("--as-at", args->as_at, "Snapshot date YYYY-MM-DD (default: the last event date in the dataset)");
  icb::cli::AddReportOptions(sub, args->output);
  sub->footer(
      "Examples:\n"
      "  icb profile icb-data                           # print the tables, as at the last event date\n"
      "  icb profile icb-data --as-at 2024-03-31 --out profile/\n"
      "  icb profile icb-data --format json > profile.json\n"
      "  icb profile icb-data --out profile/ --format xlsx --quiet\n"
      "Counts pass disclosure control (default: 1-7 redacted as *, others rounded to 5; see\n"
      "docs/reference/disclosure.md).\n"
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
    auto report = icb::ProfileDatasetDir(args->dataset, options);
    if (!report.ok()) return icb::cli::ReportError(report.status());
    return icb::cli::EmitReport(*report, args->output);
  };
}

}  // namespace

ICB_REGISTER_COMMAND(profile, Setup);
