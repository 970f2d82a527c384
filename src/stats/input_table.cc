#include "stats/input_table.h"

#include <cctype>
#include <charconv>
#include <cmath>

#include "core/file_util.h"

namespace icb::stats {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

}  // namespace

Result<InputTable> InputTable::Read(const std::string& path) {
  auto text = ReadFile(path);
  if (!text.ok()) return text.status();
  return Parse(*text, path);
}

Result<InputTable> InputTable::Parse(std::string_view text, std::string source) {
  InputTable t;
  t.source_ = std::move(source);
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // UTF-8 BOM
  size_t pos = 0, line = 1;
  bool have_header = false;
  while (pos < text.size()) {
    const size_t record_line = line;
    std::vector<std::string> fields;
    std::string field;
    bool quoted_field = false;
    // One record: fields separated by commas, ending at an unquoted LF (or CRLF) or end of text.
    while (true) {
      if (pos < text.size() && text[pos] == '"' && Trim(field).empty()) {
        field.clear();
        quoted_field = true;
        ++pos;
        while (true) {
          if (pos >= text.size())
            return Status::InvalidInput(t.source_ + " line " + std::to_string(record_line) +
                                        ": a quoted field is not closed");
          const char c = text[pos++];
          if (c == '"') {
            if (pos < text.size() && text[pos] == '"') {
              field.push_back('"');
              ++pos;
            } else {
              break;
            }
          } else {
            if (c == '\n') ++line;
            field.push_back(c);
          }
        }
        // Only spaces may follow a closing quote before the separator.
        while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t')) ++pos;
        if (pos < text.size() && text[pos] != ',' && text[pos] != '\n' && text[pos] != '\r')
          return Status::InvalidInput(t.source_ + " line " + std::to_string(line) + " column " +
                                      std::to_string(fields.size() + 1) + ": unexpected text after a closing quote");
      }
      while (pos < text.size() && text[pos] != ',' && text[pos] != '\n') {
        if (text[pos] == '"' && !quoted_field)
          return Status::InvalidInput(t.source_ + " line " + std::to_string(line) + " column " +
                                      std::to_string(fields.size() + 1) + ": a double quote inside an unquoted field");
        if (text[pos] != '\r' || quoted_field) field.push_back(text[pos]);
        ++pos;
      }
      fields.push_back(quoted_field ? field : std::string(Trim(field)));
      field.clear();
      quoted_field = false;
      if (pos < text.size() && text[pos] == ',') {
        ++pos;
        continue;
      }
      if (pos < text.size()) ++pos;  // the '\n'
      ++line;
      break;
    }
    if (fields.size() == 1 && fields[0].empty()) continue;  // blank line
    if (!have_header) {
      t.header_ = std::move(fields);
      have_header = true;
      continue;
    }
    if (fields.size() != t.header_.size())
      return Status::InvalidInput(t.source_ + " line " + std::to_string(record_line) + ": expected " +
                                  std::to_string(t.header_.size()) + " fields (as the header), got " +
                                  std::to_string(fields.size()));
    t.rows_.push_back(std::move(fields));
    t.lines_.push_back(record_line);
  }
  if (!have_header) return Status::InvalidInput(t.source_ + ": empty file (a header row is required)");
  return t;
}

Result<size_t> InputTable::Column(std::string_view name) const {
  for (size_t i = 0; i < header_.size(); ++i)
    if (header_[i] == name) return i;
  std::string cols;
  for (size_t i = 0; i < header_.size(); ++i) cols += (i ? ", " : "") + header_[i];
  return Status::InvalidInput(source_ + ": no column '" + std::string(name) + "' (columns: " + cols + ")");
}

Result<std::optional<double>> InputTable::Number(size_t row, size_t col) const {
  const std::string_view s = Trim(rows_[row][col]);
  if (s.empty() || EqualsIgnoreCase(s, "NA") || EqualsIgnoreCase(s, "NaN")) return std::optional<double>();
  double v = 0;
  const char* begin = s.data();
  if (!s.empty() && s.front() == '+') ++begin;
  auto [p, ec] = std::from_chars(begin, s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v)) {
    std::string shown(s.substr(0, 40));
    return Status::InvalidInput(Where(row) + " column " + std::to_string(col + 1) + " (" + header_[col] +
                                "): expected a number, got '" + shown + "'");
  }
  return std::optional<double>(v);
}

std::string InputTable::Where(size_t row) const { return source_ + " line " + std::to_string(lines_[row]); }

}  // namespace icb::stats
