// JSON export of a Report and the matching reader (for tests and for tools that post-process a
// report). Layout: {"title", "metadata": {key: value, ...}, "tables": [{"name", "title",
// "columns": [{"name", "label", "type", "places"}], "rows": [{column name: value, ...}],
// "footnotes": [...], "bars": [...]}], "charts": [{"name", "kind", "table", "title", "x", "y", ...}]}
// (the ChartSpec fields; empty ones left out; "charts" only when there are any); empty cells are
// null. Key order is kept. Stateless.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/status.h"
#include "report/report.h"

namespace icb::report {

nlohmann::ordered_json TableToJson(const Table& table);
nlohmann::ordered_json ReportToJson(const Report& report);
// The report as pretty-printed JSON text (2-space indent, trailing newline).
std::string ReportToJsonText(const Report& report);
// Reads what ReportToJson wrote; InvalidInput naming the table and column when it does not fit.
Result<Report> ReportFromJson(const nlohmann::ordered_json& json);
Result<Report> ReportFromJsonText(const std::string& text);

}  // namespace icb::report
