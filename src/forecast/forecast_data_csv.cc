#include "forecast/forecast_data_csv.h"

#include <filesystem>

#include "core/file_util.h"

namespace icb::forecast {
namespace {

bool SplitLine(std::string_view line, std::vector<std::string>& out) {
  out.clear();
  std::string f;
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        f.push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        f.push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.push_back(std::move(f));
      f.clear();
    } else {
      f.push_back(c);
    }
  }
  out.push_back(std::move(f));
  return !quoted;
}

}  // namespace

int ForecastDataCsv::Column(std::string_view name) const {
  for (size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return static_cast<int>(i);
  return -1;
}

std::string ForecastDataCsv::Where(size_t row, std::string_view column) const {
  return file + ":" + std::to_string(lines[row]) + ": column '" + std::string(column) + "'";
}

Result<ForecastDataCsv> ReadForecastDataCsv(const std::string& path, const std::vector<std::string>& required) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return Status::NotFound(path + ": not found");
  auto text = ReadFile(path);
  if (!text.ok()) return text.status();
  ForecastDataCsv t;
  t.file = path;
  std::string_view rest = *text;
  int line_no = 0;
  std::vector<std::string> fields;
  while (!rest.empty()) {
    const size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    if (!SplitLine(line, fields)) {
      return Status::InvalidInput(path + ":" + std::to_string(line_no) + ": unterminated quoted field");
    }
    if (t.header.empty()) {
      t.header = fields;
      continue;
    }
    if (fields.size() != t.header.size()) {
      return Status::InvalidInput(path + ":" + std::to_string(line_no) + ": expected " +
                                  std::to_string(t.header.size()) + " fields (as the header), found " +
                                  std::to_string(fields.size()));
    }
    t.rows.push_back(fields);
    t.lines.push_back(line_no);
  }
  if (t.header.empty()) return Status::InvalidInput(path + ": no header line");
  for (const auto& r : required)
    if (t.Column(r) < 0) return Status::InvalidInput(path + ": header lacks the column '" + r + "'");
  return t;
}

}  // namespace icb::forecast
