// CSV export of a Table: a header row of column names, then one record per row, fields quoted as
// RFC 4180 says (a field holding a comma, double quote, CR or LF is enclosed in double quotes and
// its double quotes doubled), LF line endings, UTF-8, numbers without thousands separators and
// with the column's decimal places. Stateless; thread safe.
#pragma once

#include <string>
#include <string_view>

#include "report/table.h"

namespace icb::report {

// The field as it appears in a CSV record, quoted only when needed.
std::string CsvField(std::string_view value);
// The whole table as CSV text.
std::string TableToCsv(const Table& table);

}  // namespace icb::report
