// XLSX export of a Report with libxlsxwriter: a "Contents" sheet (title, metadata, one line per
// table) and one worksheet per table, named after the table, with the title on top, a bold
// header row (frozen, with filters), Excel number formats (#,##0 for integers, the column's
// decimal places, percentages as 0.0%), column widths fitted to the content and the footnotes
// below. The file is written to a temporary name beside `path` and renamed into place, so a
// crash never leaves half a workbook; the document date is fixed so equal reports give equal
// bytes. Stateless; thread safe for distinct paths.
#pragma once

#include <string>

#include "core/status.h"
#include "report/report.h"

namespace icb::report {

Status WriteXlsx(const Report& report, const std::string& path);

}  // namespace icb::report
