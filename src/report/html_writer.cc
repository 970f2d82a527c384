#include "report/html_writer.h"

#include <string_view>

#include "report/svg_writer.h"

namespace icb::report {
namespace {

// NHS identity colours; text colours have at least 4.5:1 contrast with their background.
constexpr std::string_view kStyle = R"css(
:root { color-scheme: light; }
body { font-family: Arial, Helvetica, sans-serif; color: #231F20; background: #FFFFFF; margin: 0; line-height: 1.45; }
header { background: #005EB8; color: #FFFFFF; padding: 20px 32px; }
header h1 { margin: 0 0 8px 0; font-size: 28px; }
header dl { display: grid; grid-template-columns: max-content auto; gap: 2px 16px; margin: 0; font-size: 14px; }
header dt { font-weight: bold; }
header dd { margin: 0; }
.disclosure { background: #E8EDEE; border-left: 6px solid #003087; padding: 10px 32px; margin: 0; font-size: 14px; }
nav { padding: 12px 32px; font-size: 14px; }
nav ol { columns: 2; margin: 4px 0; }
nav a, main a { color: #005EB8; }
main { padding: 0 32px 32px 32px; max-width: 1200px; }
section { margin-top: 32px; }
h2 { font-size: 20px; color: #003087; margin-bottom: 8px; }
figure { margin: 12px 0; }
figure svg { max-width: 100%; height: auto; }
figcaption { font-size: 13px; color: #425563; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; font-size: 13px; margin: 8px 0; }
caption { text-align: left; font-weight: bold; padding: 4px 0; }
th, td { border-bottom: 1px solid #D8DDE0; padding: 4px 10px; vertical-align: top; }
thead th { background: #E8EDEE; text-align: left; border-bottom: 2px solid #425563; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tbody th { font-weight: normal; text-align: left; }
tr.total th, tr.total td { font-weight: bold; border-top: 2px solid #425563; }
.notes { font-size: 13px; color: #425563; }
footer { font-size: 12px; color: #425563; padding: 16px 32px; border-top: 1px solid #D8DDE0; }
@media print {
  header { background: none; color: #231F20; padding: 0; }
  nav { display: none; }
  main { padding: 0; max-width: none; }
  figure, tr { break-inside: avoid; page-break-inside: avoid; }
  section { break-before: auto; }
  h2 { break-after: avoid; page-break-after: avoid; }
}
)css";

std::string Esc(std::string_view s) { return XmlEscape(s); }

std::string TableHtml(const Table& t) {
  std::string out = "<div class=\"table-wrap\"><table id=\"table-" + t.name() + "\">\n<caption>" + Esc(t.title()) +
                    "</caption>\n<thead><tr>";
  for (const auto& c : t.columns())
    out += std::string("<th scope=\"col\"") + (c.kind == ColumnKind::kText ? "" : " class=\"num\"") + ">" +
           Esc(c.label) + "</th>";
  out += "</tr></thead>\n<tbody>\n";
  // The first column heads each row when it is a label.
  const bool row_headers = !t.columns().empty() && t.columns()[0].kind == ColumnKind::kText;
  for (size_t r = 0; r < t.row_count(); ++r) {
    out += t.IsTotalRow(r) ? "<tr class=\"total\">" : "<tr>";
    for (size_t i = 0; i < t.columns().size(); ++i) {
      const Column& c = t.columns()[i];
      const Cell& cell = t.rows()[r][i];
      const bool head = i == 0 && row_headers;
      std::string attrs = head ? " scope=\"row\"" : "";
      if (c.kind != ColumnKind::kText) attrs += " class=\"num\"";
      std::string text = std::holds_alternative<Redacted>(cell)
                             ? "<abbr title=\"redacted by disclosure control\">" + std::string(kRedactedText) + "</abbr>"
                             : Esc(DisplayCellText(c, cell));
      out += std::string(head ? "<th" : "<td") + attrs + ">" + text + (head ? "</th>" : "</td>");
    }
    out += "</tr>\n";
  }
  out += "</tbody>\n</table></div>\n";
  if (!t.footnotes().empty()) {
    out += "<ul class=\"notes\">\n";
    for (const auto& f : t.footnotes()) out += "<li>" + Esc(f) + "</li>\n";
    out += "</ul>\n";
  }
  return out;
}

}  // namespace

Result<std::string> ReportToHtml(const Report& report) {
  for (const auto& chart : report.charts)
    if (!report.Find(chart.table))
      return Status::InvalidInput("chart '" + chart.name + "' is drawn from table '" + chart.table +
                                  "', which is not in the report");
  std::string out = "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<title>" + Esc(report.title) + "</title>\n<style>" + std::string(kStyle) + "</style>\n</head>\n<body>\n";
  out += "<header>\n<h1>" + Esc(report.title) + "</h1>\n";
  if (!report.metadata.empty()) {
    out += "<dl>\n";
    for (const auto& [k, v] : report.metadata) out += "<dt>" + Esc(k) + "</dt><dd>" + Esc(v) + "</dd>\n";
    out += "</dl>\n";
  }
  out += "</header>\n<p class=\"disclosure\"><strong>Disclosure control:</strong> " +
         Esc(report.disclosure.empty() ? "none recorded for this report" : report.disclosure) + "</p>\n";
  if (report.tables.size() > 1) {
    out += "<nav aria-label=\"Contents\"><strong>Contents</strong>\n<ol>\n";
    for (const auto& t : report.tables)
      out += "<li><a href=\"#" + t.name() + "\">" + Esc(t.title()) + "</a></li>\n";
    out += "</ol>\n</nav>\n";
  }
  out += "<main>\n";
  for (const auto& t : report.tables) {
    out += "<section id=\"" + t.name() + "\" aria-labelledby=\"h-" + t.name() + "\">\n<h2 id=\"h-" + t.name() + "\">" +
           Esc(t.title()) + "</h2>\n";
    for (const auto& chart : report.charts) {
      if (chart.table != t.name()) continue;
      auto svg = RenderChartSvg(t, chart, SvgOptions{.standalone = false});
      if (!svg.ok()) return svg.status();
      out += "<figure id=\"chart-" + chart.name + "\">\n" + *svg + "<figcaption>" +
             Esc(chart.title.empty() ? chart.name : chart.title) +
             (chart.description.empty() ? std::string() : ". " + Esc(chart.description)) + "</figcaption>\n</figure>\n";
    }
    out += TableHtml(t);
    out += "</section>\n";
  }
  out += "</main>\n<footer>Written by icb-engine. Charts are drawn from the tables beside them after disclosure "
         "control; redacted values are shown as * and are not drawn.</footer>\n</body>\n</html>\n";
  return out;
}

}  // namespace icb::report
