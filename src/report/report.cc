#include "report/report.h"

#include <filesystem>
#include <set>

#include "core/file_util.h"
#include "report/csv_writer.h"
#include "report/html_writer.h"
#include "report/json_writer.h"
#include "report/svg_writer.h"
#include "report/xlsx_writer.h"

namespace icb::report {

const Table* Report::Find(std::string_view name) const {
  for (const auto& t : tables)
    if (t.name() == name) return &t;
  return nullptr;
}

Status CheckReport(const Report& report) {
  std::set<std::string> names;
  for (const auto& t : report.tables) {
    if (!IsValidTableName(t.name())) return Status::Internal("invalid table name '" + t.name() + "'");
    if (!names.insert(t.name()).second) return Status::Internal("two tables named '" + t.name() + "'");
    std::set<std::string> columns;
    for (const auto& c : t.columns())
      if (c.name.empty() || !columns.insert(c.name).second)
        return Status::Internal("table '" + t.name() + "': empty or repeated column name");
    for (const auto& row : t.rows())
      if (row.size() != t.columns().size())
        return Status::Internal("table '" + t.name() + "': a row has the wrong number of cells");
    for (const auto& c : t.columns())
      for (const auto& b : c.based_on)
        if (!t.ColumnIndex(b) || !t.columns()[*t.ColumnIndex(b)].is_count)
          return Status::Internal("table '" + t.name() + "': column '" + c.name + "' is based on '" + b +
                                  "', which is not a count column");
  }
  std::set<std::string> charts;
  for (const auto& c : report.charts) {
    if (!IsValidChartName(c.name)) return Status::Internal("invalid chart name '" + c.name + "'");
    if (!charts.insert(c.name).second) return Status::Internal("two charts named '" + c.name + "'");
    if (!report.Find(c.table))
      return Status::Internal("chart '" + c.name + "' is drawn from table '" + c.table + "', which is not in the report");
  }
  return Status::Ok();
}

bool HasCounts(const Report& report) {
  for (const auto& t : report.tables)
    for (const auto& c : t.columns())
      if (c.is_count) return true;
  return false;
}

Status WriteReport(const Report& report, const std::string& dir, unsigned formats) {
  ICB_RETURN_IF_ERROR(CheckReport(report));
  if (report.disclosure.empty() && HasCounts(report))
    return Status::Refused("the report holds counts that have not passed disclosure control");
  // Charts are rendered before anything is written, so a bad chart leaves no partial output.
  std::string html;
  std::vector<std::pair<std::string, std::string>> svgs;  // chart name, SVG text
  if (formats & kFormatHtml) {
    auto page = ReportToHtml(report);
    if (!page.ok()) return page.status();
    html = std::move(page.value());
    for (const auto& chart : report.charts) {
      auto svg = RenderChartSvg(*report.Find(chart.table), chart);
      if (!svg.ok()) return svg.status();
      svgs.emplace_back(chart.name, std::move(svg.value()));
    }
  }
  ICB_RETURN_IF_ERROR(MakeDirs(dir));
  const std::filesystem::path base(dir);
  if (formats & kFormatCsv)
    for (const auto& t : report.tables)
      ICB_RETURN_IF_ERROR(WriteFileAtomic((base / (t.name() + ".csv")).string(), TableToCsv(t)));
  if (formats & kFormatJson)
    ICB_RETURN_IF_ERROR(WriteFileAtomic((base / "report.json").string(), ReportToJsonText(report)));
  if (formats & kFormatXlsx) ICB_RETURN_IF_ERROR(WriteXlsx(report, (base / "report.xlsx").string()));
  if (formats & kFormatHtml) {
    if (!svgs.empty()) ICB_RETURN_IF_ERROR(MakeDirs((base / "charts").string()));
    for (const auto& [name, svg] : svgs)
      ICB_RETURN_IF_ERROR(WriteFileAtomic((base / "charts" / (name + ".svg")).string(), svg));
    ICB_RETURN_IF_ERROR(WriteFileAtomic((base / "report.html").string(), html));
  }
  return Status::Ok();
}

}  // namespace icb::report
