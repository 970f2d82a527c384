#include "governance/cell_key.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/crypto.h"

#ifndef ICB_DISCLOSURE_DATA_DIR
#define ICB_DISCLOSURE_DATA_DIR "data/disclosure"
#endif

namespace icb::governance {
namespace {

bool ParseInt(std::string_view s, int64_t& out) {
  const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

}  // namespace

std::string DefaultCellKeyTablePath() { return std::string(ICB_DISCLOSURE_DATA_DIR) + "/ptable.csv"; }

Result<CellKeyTable> CellKeyTable::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read the perturbation table " + path);
  std::stringstream text;
  text << in.rdbuf();
  return Parse(text.str(), path);
}

Result<CellKeyTable> CellKeyTable::Parse(std::string_view text, const std::string& source) {
  constexpr int16_t kUnset = INT16_MIN;
  std::vector<std::array<int16_t, kCellKeyModulus>> rows;
  size_t line_no = 0, pos = 0;
  auto where = [&](int column) { return fmt::format("{}:{}:{}: ", source, line_no, column); };
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if (line_no == 1) {
      if (line != "count,offset,key_from,key_to")
        return Status::InvalidInput(where(1) + "expected the header count,offset,key_from,key_to");
      continue;
    }
    int64_t f[4];
    size_t start = 0;
    for (int k = 0; k < 4; ++k) {
      size_t comma = k < 3 ? line.find(',', start) : line.size();
      if (comma == std::string_view::npos || !ParseInt(line.substr(start, comma - start), f[k]))
        return Status::InvalidInput(where(k + 1) + "expected four whole numbers count,offset,key_from,key_to");
      start = comma + 1;
    }
    const int64_t count = f[0], offset = f[1], from = f[2], to = f[3];
    if (count < 0 || count > static_cast<int64_t>(rows.size()))
      return Status::InvalidInput(where(1) + fmt::format("count {} out of order (expected {} or {})", count,
                                                         rows.empty() ? 0 : rows.size() - 1, rows.size()));
    if (count == static_cast<int64_t>(rows.size())) {
      rows.emplace_back();
      rows.back().fill(kUnset);
    }
    if (offset < -100 || offset > 100) return Status::InvalidInput(where(2) + "offset out of range -100..100");
    if (count == 0 && offset != 0) return Status::InvalidInput(where(2) + "a count of 0 must stay 0");
    if (count > 0 && count + offset < 1)
      return Status::InvalidInput(where(2) + "the offset would make a positive count zero or negative");
    if (from < 0 || to >= kCellKeyModulus || from > to)
      return Status::InvalidInput(where(3) + "expected 0 <= key_from <= key_to <= 255");
    for (int64_t k = from; k <= to; ++k) {
      auto& slot = rows[static_cast<size_t>(count)][static_cast<size_t>(k)];
      if (slot != kUnset) return Status::InvalidInput(where(3) + fmt::format("cell key {} given twice", k));
      slot = static_cast<int16_t>(offset);
    }
  }
  if (rows.empty()) return Status::InvalidInput(source + ": no rows");
  CellKeyTable t;
  for (size_t c = 0; c < rows.size(); ++c) {
    int64_t sum = 0;
    std::array<int8_t, kCellKeyModulus> row{};
    for (size_t k = 0; k < kCellKeyModulus; ++k) {
      if (rows[c][k] == kUnset)
        return Status::InvalidInput(fmt::format("{}: count {}: cell key {} has no offset", source, c, k));
      row[k] = static_cast<int8_t>(rows[c][k]);
      sum += row[k];
      t.max_offset_ = std::max<int64_t>(t.max_offset_, std::abs(row[k]));
    }
    if (sum != 0)
      return Status::InvalidInput(fmt::format("{}: count {}: the offsets do not have mean 0 (sum {})", source, c, sum));
    t.rows_.push_back(row);
  }
  return t;
}

int64_t CellKeyTable::Offset(int64_t count, uint32_t cell_key) const {
  if (rows_.empty() || count < 0) return 0;
  const size_t r = std::min(static_cast<size_t>(count), rows_.size() - 1);
  return rows_[r][cell_key % kCellKeyModulus];
}

uint32_t DescribedCellKey(std::string_view table, const std::vector<std::string>& row_labels,
                          std::string_view column) {
  Sha256 h;
  h.Update(table);
  for (const auto& l : row_labels) {
    h.Update("\x1f", 1);
    h.Update(l);
  }
  h.Update("\x1f\x1f", 2);
  h.Update(column);
  return h.Finish()[0];
}

}  // namespace icb::governance
