// Report: an ordered list of Tables with a title, ordered metadata (dataset, date, version) and
// the charts drawn from its tables, and the one call that writes it to a directory in every
// format: <table>.csv per table, report.json, report.xlsx, report.html and charts/<chart>.svg. Every file is written atomically (temporary beside the target,
// fsync, rename), so a reader never sees half a file. Plain value type; build on one thread.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "report/chart.h"
#include "report/table.h"

namespace icb::report {

struct Report {
  std::string title;
  std::vector<std::pair<std::string, std::string>> metadata;  // shown in order
  std::vector<Table> tables;
  std::vector<ChartSpec> charts;  // drawn from `tables` by the SVG and HTML writers
  // The disclosure policy applied to the report's counts ("standard: ..."), set by
  // governance::ApplyDisclosure; empty while none has been. WriteReport refuses a report with
  // count columns and no policy.
  std::string disclosure;

  // The table named `name`, or nullptr.
  const Table* Find(std::string_view name) const;
  bool operator==(const Report&) const = default;
};

// Which files WriteReport produces (bitwise or of the values).
enum Format : unsigned {
  kFormatCsv = 1u << 0,
  kFormatJson = 1u << 1,
  kFormatXlsx = 1u << 2,
  kFormatHtml = 1u << 3,  // report.html (self-contained) and charts/<chart>.svg
  kFormatAll = kFormatCsv | kFormatJson | kFormatXlsx | kFormatHtml,
};

// Writes the report into `dir` (created if missing): <name>.csv for each table, report.json,
// report.xlsx, report.html and charts/<chart>.svg (only when there are charts), as selected by
// `formats`. Refuses (kInternal) duplicate or invalid table or chart names; InvalidInput when a
// chart names a missing column.
Status WriteReport(const Report& report, const std::string& dir, unsigned formats = kFormatAll);
// Whether any table has a count column (Column::is_count).
bool HasCounts(const Report& report);
// Checks table names are valid and unique, column names non-empty and unique within each table,
// every row has one cell per column, and chart names are valid and unique and name a table.
Status CheckReport(const Report& report);

}  // namespace icb::report
