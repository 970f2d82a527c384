// A self-contained HTML rendering of a Report: one file with inline CSS and inline SVG charts and
// no external assets, scripts or links, so it can be e-mailed, archived or opened offline. It holds
// the title, the metadata, the disclosure policy line, every table as an accessible <table>
// (<caption>, <th scope>), each chart (report/svg_writer.h) placed with the table it is drawn
// from, and the footnotes; a print style sheet keeps figures and tables whole on paper.
// Stateless; thread safe.
#pragma once

#include <string>

#include "core/status.h"
#include "report/report.h"

namespace icb::report {

// The report as one HTML5 document. InvalidInput when a chart names a missing table or column.
Result<std::string> ReportToHtml(const Report& report);

}  // namespace icb::report
