#include "context/codelist.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <system_error>

#include "core/file_util.h"

namespace icb {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string Where(const std::string& file, int line) { return file + " line " + std::to_string(line); }

// Splits one CSV line (RFC 4180 quoting within the line). False on an unterminated quote.
bool SplitCsv(std::string_view line, std::vector<std::string>& out) {
  out.clear();
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < line.size() && line[i + 1] == '"') {
          field.push_back('"');
          ++i;
        } else {
          quoted = false;
        }
      } else {
        field.push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.push_back(std::string(Trim(field)));
      field.clear();
    } else {
      field.push_back(c);
    }
  }
  if (quoted) return false;
  out.push_back(std::string(Trim(field)));
  return true;
}

bool ValidCode(std::string_view code) {
  if (code.empty()) return false;
  return std::all_of(code.begin(), code.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; });
}

}  // namespace

std::string_view CodeSystemKindName(CodeSystemKind k) {
  switch (k) {
    case CodeSystemKind::kIcd10: return "ICD-10";
    case CodeSystemKind::kSnomed: return "SNOMED CT";
    case CodeSystemKind::kOpcs4: return "OPCS-4";
    case CodeSystemKind::kBnf: return "BNF";
    case CodeSystemKind::kHrg: return "HRG";
    case CodeSystemKind::kQof: return "QOF register";
  }
  return "?";
}

std::string NormaliseCode(std::string_view code) {
  std::string out;
  out.reserve(code.size());
  for (char c : code) {
    if (c == '.' || std::isspace(static_cast<unsigned char>(c))) continue;
    out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  return out;
}

int CodeList::ExtraColumn(std::string_view column) const {
  for (size_t i = 2; i < columns.size(); ++i)
    if (columns[i] == column) return static_cast<int>(i - 2);
  return -1;
}

Result<double> CodeList::Number(size_t row, int column) const {
  const std::string& s = extra[row][static_cast<size_t>(column)];
  double v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size()) {
    return Status::InvalidInput(Where(file, lines[row]) + ": column '" + columns[static_cast<size_t>(column) + 2] +
                                "' must be a number");
  }
  return v;
}

bool CodeList::Matches(std::string_view code) const {
  const std::string c = NormaliseCode(code);
  for (const auto& k : codes) {
    if (prefix_match ? c.compare(0, k.size(), k) == 0 : c == k) return true;
  }
  return false;
}

Result<CodeList> ParseCodeList(std::string_view text, const std::string& file) {
  CodeList list;
  list.file = file;
  bool have_system = false, have_match = false, have_header = false;
  int line_no = 0;
  std::vector<std::string> fields;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = text.substr(pos, eol - pos);
    pos = eol + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (Trim(line).empty()) continue;
    if (line.front() == '#') {
      if (have_header) return Status::InvalidInput(Where(file, line_no) + ": '# key: value' lines must come before the CSV header");
      std::string_view kv = Trim(line.substr(1));
      const size_t colon = kv.find(':');
      if (colon == std::string_view::npos) {
        return Status::InvalidInput(Where(file, line_no) + ": expected '# key: value'");
      }
      const std::string_view key = Trim(kv.substr(0, colon)), value = Trim(kv.substr(colon + 1));
      if (key == "name") {
        list.name = value;
      } else if (key == "version") {
        list.version = value;
      } else if (key == "source") {
        list.source = value;
      } else if (key == "licence") {
        list.licence = value;
      } else if (key == "rule") {
        list.rule = value;
      } else if (key == "system") {
        have_system = true;
        if (value == "ICD-10") {
          list.system = CodeSystemKind::kIcd10;
        } else if (value == "SNOMED CT") {
          list.system = CodeSystemKind::kSnomed;
        } else if (value == "OPCS-4") {
          list.system = CodeSystemKind::kOpcs4;
        } else if (value == "BNF") {
          list.system = CodeSystemKind::kBnf;
        } else if (value == "HRG") {
          list.system = CodeSystemKind::kHrg;
        } else if (value == "QOF") {
          list.system = CodeSystemKind::kQof;
        } else {
          return Status::InvalidInput(Where(file, line_no) +
                                      ": system must be one of ICD-10, SNOMED CT, OPCS-4, BNF, HRG, QOF");
        }
      } else if (key == "match") {
        have_match = true;
        if (value == "prefix") {
          list.prefix_match = true;
        } else if (value == "exact") {
          list.prefix_match = false;
        } else {
          return Status::InvalidInput(Where(file, line_no) + ": match must be 'prefix' or 'exact'");
        }
      } else if (key == "note" || key == "proxy" || key == "weights") {
        // Free text kept in the file for readers.
      } else {
        return Status::InvalidInput(Where(file, line_no) + ": unknown header key '" + std::string(key) +
                                    "' (expected name, version, source, licence, rule, system, match, note)");
      }
      continue;
    }
    if (!SplitCsv(line, fields)) return Status::InvalidInput(Where(file, line_no) + ": unterminated quote");
    if (!have_header) {
      for (const char* key : {"name", "version", "source", "licence", "rule"}) {
        const std::string& v = key == std::string_view("name") ? list.name
                               : key == std::string_view("version") ? list.version
                               : key == std::string_view("source") ? list.source
                               : key == std::string_view("licence") ? list.licence
                                                                    : list.rule;
        if (v.empty()) return Status::InvalidInput(Where(file, line_no) + ": missing '# " + key + ": ...' header line");
      }
      if (!have_system) return Status::InvalidInput(Where(file, line_no) + ": missing '# system: ...' header line");
      if (fields.size() < 2 || fields[0] != "code" || fields[1] != "term") {
        return Status::InvalidInput(Where(file, line_no) + ": expected the CSV header 'code,term[,...]'");
      }
      list.columns = fields;
      have_header = true;
      continue;
    }
    if (fields.size() != list.columns.size()) {
      return Status::InvalidInput(Where(file, line_no) + ": expected " + std::to_string(list.columns.size()) +
                                  " fields, found " + std::to_string(fields.size()));
    }
    std::string code = NormaliseCode(fields[0]);
    if (!ValidCode(code)) {
      return Status::InvalidInput(Where(file, line_no) + ": code must be letters and digits (dots allowed)");
    }
    list.codes.push_back(std::move(code));
    list.terms.push_back(fields[1]);
    list.extra.emplace_back(fields.begin() + 2, fields.end());
    list.lines.push_back(line_no);
  }
  if (!have_header) return Status::InvalidInput(file + ": no CSV header 'code,term' found");
  if (list.codes.empty()) return Status::InvalidInput(file + ": no codes");
  if (!have_match) list.prefix_match = list.system != CodeSystemKind::kSnomed && list.system != CodeSystemKind::kQof;
  // A code twice in one category is a mistake in the file; report the second. (A code may sit in
  // two categories, e.g. I426 is both heart failure and alcohol abuse in Elixhauser.)
  const int cat = list.ExtraColumn("category");
  std::vector<std::string> keys(list.codes.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    keys[i] = list.codes[i];
    if (cat >= 0) keys[i] += '\x1f' + list.extra[i][static_cast<size_t>(cat)];
  }
  std::vector<size_t> order(keys.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return keys[a] < keys[b]; });
  for (size_t i = 1; i < order.size(); ++i) {
    if (keys[order[i]] == keys[order[i - 1]]) {
      const size_t later = std::max(order[i], order[i - 1]), earlier = std::min(order[i], order[i - 1]);
      return Status::InvalidInput(Where(file, list.lines[later]) + ": duplicate code (first on line " +
                                  std::to_string(list.lines[earlier]) + ")");
    }
  }
  return list;
}

Result<CodeList> LoadCodeList(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return Status::NotFound(path + ": code list not found");
  auto text = ReadFile(path);
  if (!text.ok()) return text.status();
  return ParseCodeList(*text, path);
}

Result<std::vector<CodeList>> LoadCodeListDir(const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return Status::NotFound(dir + ": code list directory not found");
  std::vector<std::string> paths;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    if (e.path().extension() == ".csv") paths.push_back(e.path().string());
  }
  if (ec) return Status::IoError(dir + ": " + ec.message());
  std::sort(paths.begin(), paths.end());
  std::vector<CodeList> lists;
  for (const auto& p : paths) {
    auto l = LoadCodeList(p);
    if (!l.ok()) return l.status();
    for (const auto& other : lists) {
      if (other.name == l->name) return Status::InvalidInput(p + ": code list name '" + l->name + "' is also used by " + other.file);
    }
    lists.push_back(std::move(*l));
  }
  return lists;
}

}  // namespace icb
