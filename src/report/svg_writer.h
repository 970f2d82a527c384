// SVG rendering of one ChartSpec from its Table: every chart kind (pyramid, bar, points with
// intervals, funnel, SPC, line) written as plain SVG text by hand, no external library. Output
// is accessible (role="img", <title>, and a <desc> holding the spec's description plus a text
// summary generated from the data, including how many values are redacted or missing), uses the
// NHS identity colours with WCAG AA contrast for text and 3:1 for marks, "nice" axis ticks with
// thousands separators, and labels that are truncated or thinned rather than overlapped. Redacted
// (report::Redacted) and empty cells are never drawn. Every data mark carries class="mark".
// Stateless functions; thread safe.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"
#include "report/chart.h"
#include "report/table.h"

namespace icb::report {

struct SvgOptions {
  // true: a standalone .svg file (XML declaration and SVG namespace); false: an element to inline
  // in HTML (no declaration, no namespace URL).
  bool standalone = true;
};

// The chart `spec` drawn from `table`. InvalidInput naming the chart, the column and its role
// when a named column is missing or of the wrong kind, or the kind's columns are incomplete.
Result<std::string> RenderChartSvg(const Table& table, const ChartSpec& spec, const SvgOptions& options = {});
// The checks RenderChartSvg makes before drawing (columns exist and have the right kinds).
Status CheckChart(const Table& table, const ChartSpec& spec);
// Text escaped for XML character data and attribute values (& < > " '); control characters
// that XML 1.0 forbids are dropped.
std::string XmlEscape(std::string_view text);

}  // namespace icb::report
