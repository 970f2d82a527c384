// Breakdown: the dimensions an indicator can be split by (IMD decile and quintile, Core20, ethnic
// group, age band, sex, practice, PCN, place, Bridges to Health segment) and their groups for one
// Dataset. BreakdownLayout lays the requested breakdowns' groups end to end as "cells", so one
// pass over persons can add a person's contribution to every requested breakdown at once. Every
// group of a breakdown is listed even when empty. Plain value types; read-only after building.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "data/dataset.h"

namespace icb {

enum class Breakdown : uint8_t {
  kAll = 0,
  kImdDecile,
  kImdQuintile,
  kCore20,
  kEthnicGroup,
  kAgeBand,
  kSex,
  kPractice,
  kPcn,
  kPlace,
  kSegment,
};
inline constexpr int kBreakdownCount = 11;
inline constexpr uint32_t kAllBreakdowns = (1u << kBreakdownCount) - 1;
std::string_view BreakdownName(Breakdown b);   // "all", "imd_decile", ...
std::string_view BreakdownShort(Breakdown b);  // for table names: "all", "imd10", "imd5", "c20", ...
Result<Breakdown> ParseBreakdown(std::string_view name);
// "imd_decile,sex" -> breakdowns (always with kAll first, no repeats). "every" gives all of them.
Result<std::vector<Breakdown>> ParseBreakdownList(std::string_view text);

// The fixed attributes of one person that breakdowns read (age band varies with the day and is
// passed separately).
struct PersonKeys {
  uint8_t imd_decile = 0;   // 0 not known
  uint8_t ethnic_group = 5; // index into EthnicGroupNames()
  uint8_t sex = 2;          // 0 male, 1 female, 2 other or not known
  int32_t practice = -1;    // row of PracticeTable; -1 none
  uint8_t segment = 0;      // B2hSegment; 0 not known / not in the population
};

// The five reporting ethnic groups plus "Not stated/known", in report order.
const std::vector<std::string>& EthnicGroupNames();
uint8_t EthnicGroupIndex(uint8_t ethnic_category);

class BreakdownLayout {
 public:
  BreakdownLayout() = default;
  // Groups of each breakdown in `breakdowns` for `ds` (practices, PCNs and places from its tables).
  BreakdownLayout(const Dataset& ds, const std::vector<Breakdown>& breakdowns);

  size_t cell_count() const { return cell_count_; }
  const std::vector<Breakdown>& breakdowns() const { return breakdowns_; }
  // First cell and number of groups of breakdown `k` (index into breakdowns()).
  size_t offset(size_t k) const { return offsets_[k]; }
  size_t group_count(size_t k) const { return labels_[k].size(); }
  const std::string& label(size_t k, size_t group) const { return labels_[k][group]; }
  // Cells of every breakdown for a person with `keys` and ESP age band `band`; writes at most
  // breakdowns().size() cells into `out` and returns how many (a breakdown the person has no group
  // in, such as practice for the never-registered, is skipped).
  size_t Cells(const PersonKeys& keys, int band, size_t* out) const;

 private:
  std::vector<Breakdown> breakdowns_;
  std::vector<size_t> offsets_;
  std::vector<std::vector<std::string>> labels_;
  std::vector<uint32_t> practice_pcn_, practice_place_;
  size_t cell_count_ = 0;
};

}  // namespace icb
