// Cell-key perturbation (the ABS TableBuilder / ONS Census 2021 method): every person carries a
// record key 0..255, a cell's key is the sum of its people's keys modulo 256, and a fixed
// perturbation table maps (true count, cell key) to a small offset added to the count before it is
// redacted and rounded. The same people give the same key and so the same offset, however the cell
// is asked for: repeating or re-describing a query cannot average the noise away. The table is the
// data file data/disclosure/ptable.csv (construction in data/disclosure/README.md); where a report
// has no record keys, DescribedCellKey gives a weaker key from the cell's description (same cell,
// same offset, but not the same for the same people described differently). CellKeyTable is a
// plain value, const after loading; thread safe. Documented in docs/reference/disclosure.md.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace icb::governance {

inline constexpr uint32_t kCellKeyModulus = 256;

class CellKeyTable {
 public:
  // Reads a table (header count,offset,key_from,key_to). InvalidInput naming file, line and
  // column when a count's key ranges do not cover 0..255 exactly once, the counts are not 0..K
  // without gaps, an offset would make a positive count zero or negative, a count of 0 moves, or
  // a count's offsets do not have mean 0.
  static Result<CellKeyTable> Load(const std::string& path);
  static Result<CellKeyTable> Parse(std::string_view text, const std::string& source);
  // The offset for a true count and a cell key (taken modulo 256); counts beyond the last row use
  // the last row.
  int64_t Offset(int64_t count, uint32_t cell_key) const;
  int64_t Perturb(int64_t count, uint32_t cell_key) const { return count + Offset(count, cell_key); }
  // The largest |offset| in the table (D).
  int64_t max_offset() const { return max_offset_; }
  // Number of count rows (the last applies to every larger count).
  size_t row_count() const { return rows_.size(); }

 private:
  std::vector<std::array<int8_t, kCellKeyModulus>> rows_;
  int64_t max_offset_ = 0;
};

// data/disclosure/ptable.csv in the source tree.
std::string DefaultCellKeyTablePath();

// A cell key from the cell's description, for reports without record keys: the first byte of
// SHA-256 over the table name, the row's labels and the column name (separated by 0x1f).
uint32_t DescribedCellKey(std::string_view table, const std::vector<std::string>& row_labels,
                          std::string_view column);

}  // namespace icb::governance
