#include "apps/cli/report_output.h"

#include <cstdio>

#include "apps/cli/command.h"
#include "governance/disclosure.h"
#include "report/json_writer.h"
#include "report/text_writer.h"

namespace icb::cli {

void AddReportOptions(CLI::App* sub, ReportOutputArgs& args) {
  sub->add_option("--out", args.out,
                  "Write the tables here: <table>.csv, report.json, report.xlsx, report.html and charts/<chart>.svg");
  sub->add_option("--format", args.format,
                  "What to produce: table (print only), csv, json, xlsx, html (one self-contained page with "
                  "every table and chart, and the charts as SVG) or all (default). Without --out, json prints the "
                  "report as JSON instead of tables")
      ->check(CLI::IsMember({"table", "csv", "json", "xlsx", "html", "all"}));
  sub->add_option("--disclosure", args.disclosure,
                  "Disclosure control: standard (counts 1-7 redacted, others rounded to 5; default), strict "
                  "(10-5 rule) or none (secure environments only; the output says so)")
      ->check(CLI::IsMember({"standard", "strict", "none"}));
  sub->add_flag("--quiet", args.quiet, "Do not print the tables (with --out)");
}

int EmitReport(report::Report& report, const ReportOutputArgs& args) {
  const bool to_files = !args.out.empty();
  if (!to_files && (args.format == "csv" || args.format == "xlsx" || args.format == "html")) {
    std::fprintf(stderr, "icb: --format %s needs --out DIR\n", args.format.c_str());
    return 64;
  }
  auto policy = governance::PolicyByName(args.disclosure);
  if (!policy.ok()) return ReportError(policy.status());
  if (Status st = governance::ApplyDisclosure(report, *policy); !st.ok()) return ReportError(st);
  if (!to_files && args.format == "json") {
    std::fputs(report::ReportToJsonText(report).c_str(), stdout);
    return 0;
  }
  if (!args.quiet || !to_files) std::fputs(report::RenderText(report).c_str(), stdout);
  if (to_files && args.format != "table") {
    unsigned formats = report::kFormatAll;
    if (args.format == "csv") formats = report::kFormatCsv;
    if (args.format == "json") formats = report::kFormatJson;
    if (args.format == "xlsx") formats = report::kFormatXlsx;
    if (args.format == "html") formats = report::kFormatHtml;
    if (Status st = report::WriteReport(report, args.out, formats); !st.ok()) return ReportError(st);
    std::fprintf(stderr, "icb: wrote %zu tables to %s\n", report.tables.size(), args.out.c_str());
  }
  return 0;
}

}  // namespace icb::cli
