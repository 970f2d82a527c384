#include "report/text_writer.h"

#include <algorithm>
#include <cmath>

namespace icb::report {
namespace {

// Characters on screen: UTF-8 code points (every byte that is not a continuation byte).
size_t Width(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

void Pad(std::string& out, const std::string& s, size_t width, bool right) {
  const size_t w = Width(s);
  if (right && w < width) out.append(width - w, ' ');
  out += s;
  if (!right && w < width) out.append(width - w, ' ');
}

double NumericValue(const Cell& cell) {
  if (const auto* i = std::get_if<int64_t>(&cell)) return static_cast<double>(*i);
  if (const auto* d = std::get_if<double>(&cell)) return std::isfinite(*d) ? *d : 0.0;
  return 0.0;
}

std::string BarText(double value, double max, size_t width) {
  if (value <= 0 || max <= 0) return "";
  size_t n = static_cast<size_t>(std::lround(value / max * static_cast<double>(width)));
  n = std::clamp<size_t>(n, 1, width);  // a non-zero value always shows
  return std::string(n, '#');
}

}  // namespace

std::string RenderText(const Table& table, const TextOptions& options) {
  const auto& cols = table.columns();
  const auto& bars = table.bars();
  const size_t ncols = cols.size() + bars.size();
  // Cell texts, header first.
  std::vector<std::vector<std::string>> grid;
  std::vector<bool> right(ncols, false);
  grid.emplace_back();
  for (const auto& c : cols) grid[0].push_back(c.label.empty() ? c.name : c.label);
  for (size_t i = 0; i < cols.size(); ++i) right[i] = cols[i].kind != ColumnKind::kText;
  double max = 0;
  for (const auto& b : bars)
    for (const auto& row : table.rows()) max = std::max(max, NumericValue(row[b.column]));
  for (size_t b = 0; b < bars.size(); ++b) {
    grid[0].push_back(grid[0][bars[b].column]);
    right[cols.size() + b] = bars[b].grows_left;
  }
  for (const auto& row : table.rows()) {
    std::vector<std::string> line;
    for (size_t i = 0; i < cols.size(); ++i) line.push_back(DisplayCellText(cols[i], row[i]));
    for (const auto& b : bars) line.push_back(BarText(NumericValue(row[b.column]), max, options.bar_width));
    grid.push_back(std::move(line));
  }
  std::vector<size_t> width(ncols, 0);
  for (const auto& line : grid)
    for (size_t i = 0; i < ncols; ++i) width[i] = std::max(width[i], Width(line[i]));
  for (size_t b = 0; b < bars.size(); ++b)
    width[cols.size() + b] = std::max(width[cols.size() + b], options.bar_width);
  // A left-growing bar followed by a right-growing one meet at a '|' (a pyramid's spine).
  auto separator = [&](size_t i) -> std::string {
    if (i >= cols.size() + 1 && right[i - 1] && !right[i] && i - 1 >= cols.size()) return " | ";
    return "  ";
  };

  std::string out = table.title() + "\n";
  for (size_t r = 0; r < grid.size(); ++r) {
    std::string line;
    for (size_t i = 0; i < ncols; ++i) {
      if (i) line += separator(i);
      const bool last = i + 1 == ncols;
      if (last && !right[i]) {
        line += grid[r][i];  // no trailing blanks
      } else {
        Pad(line, grid[r][i], width[i], right[i]);
      }
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
    if (r == 0) {
      std::string rule;
      for (size_t i = 0; i < ncols; ++i) {
        if (i) rule += separator(i) == " | " ? "-+-" : "  ";
        rule.append(width[i], '-');
      }
      out += rule + "\n";
    }
  }
  if (table.rows().empty()) out += "(no rows)\n";
  for (const auto& f : table.footnotes()) out.append("Note: ").append(f).push_back('\n');
  return out;
}

std::string RenderText(const Report& report, const TextOptions& options) {
  std::string out;
  if (!report.title.empty()) {
    out.append(report.title).push_back('\n');
    out.append(Width(report.title), '=').push_back('\n');
  }
  for (const auto& [k, v] : report.metadata) out.append(k).append(": ").append(v).push_back('\n');
  for (const auto& t : report.tables) {
    out.push_back('\n');
    out += RenderText(t, options);
  }
  return out;
}

}  // namespace icb::report
