// The one way a command prints and writes a report: options --out, --format, --quiet and
// --disclosure are added to its subcommand by AddReportOptions, and EmitReport applies the
// disclosure policy (governance/disclosure.h) before anything is printed or written, then renders
// the tables on screen and writes CSV, JSON, XLSX and HTML (with SVG charts) under --out.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "report/report.h"

namespace icb::cli {

struct ReportOutputArgs {
  std::string out;                    // directory; empty: print only
  std::string format = "all";         // table, csv, json, xlsx, html or all
  std::string disclosure = "standard";  // standard, strict or none
  bool quiet = false;
};

void AddReportOptions(CLI::App* sub, ReportOutputArgs& args);
// Applies disclosure control, prints, writes. Returns the exit code (0, or the error's code,
// 64 for a bad combination of options).
int EmitReport(report::Report& report, const ReportOutputArgs& args);

}  // namespace icb::cli
