#include "synth/csv_table.h"

#include <cstdlib>
#include <string>

#include "core/file_util.h"

namespace icb::synth {

Result<CsvTable> CsvTable::Load(const std::string& path) {
  auto text = ReadFile(path);
  if (!text.ok()) return text.status();
  return Parse(*text, path);
}

Result<CsvTable> CsvTable::Parse(std::string_view text, const std::string& name) {
  CsvTable t;
  t.name_ = name;
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::vector<std::string> fields;
  std::string field;
  size_t line = 1, i = 0;
  bool header_done = false;
  auto end_row = [&]() -> Status {
    fields.push_back(std::move(field));
    field.clear();
    if (!header_done) {
      t.header_ = std::move(fields);
      header_done = true;
    } else if (!(fields.size() == 1 && fields[0].empty())) {
      if (fields.size() != t.header_.size())
        return Status::InvalidInput(name + " line " + std::to_string(line) + ": expected " +
                                    std::to_string(t.header_.size()) + " fields, found " +
                                    std::to_string(fields.size()));
      t.rows_.push_back(std::move(fields));
    }
    fields.clear();
    return Status::Ok();
  };
  while (i < text.size()) {
    const char c = text[i];
    if (c == '"' && field.empty()) {
      ++i;
      for (;;) {
        if (i >= text.size())
          return Status::InvalidInput(name + " line " + std::to_string(line) + ": unterminated quote");
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            field.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        if (text[i] == '\n') ++line;
        field.push_back(text[i++]);
      }
      continue;
    }
    if (c == ',') {
      fields.push_back(std::move(field));
      field.clear();
      ++i;
    } else if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      ++i;
      ICB_RETURN_IF_ERROR(end_row());
      ++line;
    } else {
      field.push_back(c);
      ++i;
    }
  }
  if (!field.empty() || !fields.empty()) ICB_RETURN_IF_ERROR(end_row());
  if (!header_done) return Status::InvalidInput(name + ": empty file");
  return t;
}

int CsvTable::Column(std::string_view column) const {
  for (size_t i = 0; i < header_.size(); ++i)
    if (header_[i] == column) return static_cast<int>(i);
  return -1;
}

Result<std::vector<int>> CsvTable::Columns(const std::vector<std::string_view>& columns) const {
  std::vector<int> out;
  for (auto c : columns) {
    const int i = Column(c);
    if (i < 0) return Status::InvalidInput(name_ + ": missing column " + std::string(c));
    out.push_back(i);
  }
  return out;
}

bool ParseDouble(std::string_view s, double& out) {
  if (s.empty() || s.size() > 60) return false;
  char buf[64];
  s.copy(buf, s.size());
  buf[s.size()] = '\0';
  char* end = nullptr;
  out = std::strtod(buf, &end);
  return end == buf + s.size();
}

}  // namespace icb::synth
