#include "report/table.h"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>
#include <cmath>

namespace icb::report {
namespace {

[[maybe_unused]] bool CellFits(ColumnKind kind, const Cell& cell) {
  if (std::holds_alternative<std::monostate>(cell)) return true;
  if (std::holds_alternative<Redacted>(cell)) return kind != ColumnKind::kText;
  switch (kind) {
    case ColumnKind::kText: return std::holds_alternative<std::string>(cell);
    case ColumnKind::kInteger: return std::holds_alternative<int64_t>(cell);
    case ColumnKind::kDecimal:
    case ColumnKind::kPercent: return std::holds_alternative<double>(cell);
  }
  return false;
}

// Fixed-point text of `v` with `places` decimals; never "-0.0".
std::string Fixed(double v, int places) {
  std::string s = fmt::format("{:.{}f}", v, places);
  if (!s.empty() && s[0] == '-' && s.find_first_not_of("-0.") == std::string::npos) s.erase(0, 1);
  return s;
}

// Inserts thousands separators into the integer part of a plain number ("-12345.6" -> "-12,345.6").
std::string Group(const std::string& plain) {
  size_t start = (!plain.empty() && plain[0] == '-') ? 1 : 0;
  size_t end = plain.find('.');
  if (end == std::string::npos) end = plain.size();
  std::string out = plain.substr(0, start);
  const size_t digits = end - start;
  for (size_t i = 0; i < digits; ++i) {
    if (i > 0 && (digits - i) % 3 == 0) out.push_back(',');
    out.push_back(plain[start + i]);
  }
  out.append(plain, end, std::string::npos);
  return out;
}

}  // namespace

std::string_view ColumnKindName(ColumnKind k) {
  switch (k) {
    case ColumnKind::kText: return "text";
    case ColumnKind::kInteger: return "integer";
    case ColumnKind::kDecimal: return "decimal";
    case ColumnKind::kPercent: return "percent";
  }
  return "text";
}

std::optional<ColumnKind> ParseColumnKind(std::string_view name) {
  for (ColumnKind k : {ColumnKind::kText, ColumnKind::kInteger, ColumnKind::kDecimal, ColumnKind::kPercent})
    if (ColumnKindName(k) == name) return k;
  return std::nullopt;
}

bool IsValidTableName(std::string_view name) {
  if (name.empty() || name.size() > 31) return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

Table::Table(std::string name, std::string title) : name_(std::move(name)), title_(std::move(title)) {
  assert(IsValidTableName(name_) && "table names are [a-z0-9_]{1,31}");
}

Table& Table::AddText(std::string name, std::string label) {
  columns_.push_back({std::move(name), std::move(label), ColumnKind::kText, 0, false, {}});
  return *this;
}
Table& Table::AddInteger(std::string name, std::string label) {
  columns_.push_back({std::move(name), std::move(label), ColumnKind::kInteger, 0, false, {}});
  return *this;
}
Table& Table::AddDecimal(std::string name, std::string label, int places) {
  columns_.push_back({std::move(name), std::move(label), ColumnKind::kDecimal, places, false, {}});
  return *this;
}
Table& Table::AddPercent(std::string name, std::string label, int places) {
  columns_.push_back({std::move(name), std::move(label), ColumnKind::kPercent, places, false, {}});
  return *this;
}

Table& Table::AddCount(std::string name, std::string label) {
  columns_.push_back({std::move(name), std::move(label), ColumnKind::kInteger, 0, true, {}});
  return *this;
}
Table& Table::BasedOn(std::vector<std::string> count_columns) {
  assert(!columns_.empty());
  columns_.back().based_on = std::move(count_columns);
  return *this;
}

void Table::MarkTotalRow() {
  assert(!rows_.empty());
  if (total_rows_.empty() || total_rows_.back() != rows_.size() - 1) total_rows_.push_back(rows_.size() - 1);
}
bool Table::IsTotalRow(size_t row) const {
  return std::binary_search(total_rows_.begin(), total_rows_.end(), row);
}

Table& Table::AddBar(size_t column, bool grows_left) {
  assert(column < columns_.size() && columns_[column].kind != ColumnKind::kText);
  bars_.push_back({column, grows_left});
  return *this;
}

void Table::AddRow(std::vector<Cell> row) {
  assert(row.size() == columns_.size() && "one cell per column");
  for (size_t i = 0; i < row.size(); ++i) assert(CellFits(columns_[i].kind, row[i]) && "cell kind mismatch");
  rows_.push_back(std::move(row));
}

void Table::SetCellKey(size_t row, size_t column, uint32_t key) {
  assert(row < rows_.size() && column < columns_.size());
  if (cell_keys_.size() <= row) cell_keys_.resize(row + 1);
  auto& keys = cell_keys_[row];
  if (keys.size() < columns_.size()) keys.resize(columns_.size(), -1);
  keys[column] = static_cast<int32_t>(key & 0x7fffffffu);
}

std::optional<uint32_t> Table::CellKey(size_t row, size_t column) const {
  if (row >= cell_keys_.size() || column >= cell_keys_[row].size() || cell_keys_[row][column] < 0) return std::nullopt;
  return static_cast<uint32_t>(cell_keys_[row][column]);
}

void Table::SetRowStatistic(size_t row, RowStatistic statistic) {
  assert(row < rows_.size());
  if (row_statistics_.size() <= row) row_statistics_.resize(row + 1);
  row_statistics_[row] = std::move(statistic);
}

const RowStatistic* Table::RowStatisticOf(size_t row) const {
  if (row >= row_statistics_.size() || !row_statistics_[row]) return nullptr;
  return &*row_statistics_[row];
}

void Table::ClearEgressHints() {
  cell_keys_.clear();
  row_statistics_.clear();
}

std::optional<size_t> Table::ColumnIndex(std::string_view name) const {
  for (size_t i = 0; i < columns_.size(); ++i)
    if (columns_[i].name == name) return i;
  return std::nullopt;
}

std::string GroupThousands(int64_t value) { return Group(std::to_string(value)); }

std::string PlainCellText(const Column& column, const Cell& cell) {
  if (std::holds_alternative<Redacted>(cell)) return std::string(kRedactedText);
  if (const auto* s = std::get_if<std::string>(&cell)) return *s;
  if (const auto* i = std::get_if<int64_t>(&cell)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&cell)) {
    if (!std::isfinite(*d)) return "";
    return Fixed(*d, column.places);
  }
  return "";
}

std::string DisplayCellText(const Column& column, const Cell& cell) {
  if (std::holds_alternative<Redacted>(cell)) return std::string(kRedactedText);
  if (const auto* s = std::get_if<std::string>(&cell)) return *s;
  if (const auto* i = std::get_if<int64_t>(&cell)) return GroupThousands(*i);
  if (const auto* d = std::get_if<double>(&cell)) {
    if (!std::isfinite(*d)) return "-";
    std::string s = Group(Fixed(*d, column.places));
    if (column.kind == ColumnKind::kPercent) s.push_back('%');
    return s;
  }
  return "-";
}

}  // namespace icb::report
