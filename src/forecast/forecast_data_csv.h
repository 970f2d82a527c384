// ForecastDataCsv: a small reference-data CSV file of data/forecast/ (strategies, CMS core-segment
// cut-offs) read whole: `# key: value` provenance lines and blank lines are skipped, the first other
// line is the header, fields may be double-quoted (RFC 4180, no embedded newlines). Each row keeps
// its file line for error messages. Plain value type; read-only after loading.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace icb::forecast {

struct ForecastDataCsv {
  std::string file;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;  // each as wide as the header
  std::vector<int> lines;                      // file line of each row

  int Column(std::string_view name) const;     // -1 when absent
  // "file:line: column 'name': message", for errors.
  std::string Where(size_t row, std::string_view column) const;
};

// Reads `path`; NotFound when missing, InvalidInput (file and line) when a row's width differs
// from the header's or `required` columns are absent.
Result<ForecastDataCsv> ReadForecastDataCsv(const std::string& path, const std::vector<std::string>& required);

}  // namespace icb::forecast
