#include "report/csv_writer.h"

namespace icb::report {

std::string CsvField(std::string_view value) {
  if (value.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(value);
  std::string out;
  out.reserve(value.size() + 2);
  out.push_back('"');
  for (char c : value) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string TableToCsv(const Table& table) {
  std::string out;
  const auto& cols = table.columns();
  for (size_t i = 0; i < cols.size(); ++i) {
    if (i) out.push_back(',');
    out += CsvField(cols[i].name);
  }
  out.push_back('\n');
  for (const auto& row : table.rows()) {
    for (size_t i = 0; i < cols.size(); ++i) {
      if (i) out.push_back(',');
      out += CsvField(PlainCellText(cols[i], row[i]));
    }
    out.push_back('\n');
  }
  return out;
}

}  // namespace icb::report
