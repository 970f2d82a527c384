#include "context/breakdown.h"

#include <algorithm>
#include <map>

#include "context/person_scores.h"
#include "context/profile.h"
#include "data/types.h"

namespace icb {

namespace {

constexpr std::string_view kNames[kBreakdownCount] = {"all",       "imd_decile", "imd_quintile", "core20",
                                                      "ethnic_group", "age_band", "sex",          "practice",
                                                      "pcn",       "place",      "segment"};
constexpr std::string_view kShort[kBreakdownCount] = {"all", "imd10", "imd5", "c20", "eth", "age",
                                                      "sex", "prac",  "pcn",  "place", "seg"};

}  // namespace

std::string_view BreakdownName(Breakdown b) { return kNames[static_cast<size_t>(b)]; }
std::string_view BreakdownShort(Breakdown b) { return kShort[static_cast<size_t>(b)]; }

Result<Breakdown> ParseBreakdown(std::string_view name) {
  for (int i = 0; i < kBreakdownCount; ++i)
    if (kNames[i] == name) return static_cast<Breakdown>(i);
  std::string all;
  for (auto n : kNames) all += (all.empty() ? "" : ", ") + std::string(n);
  return Status::InvalidInput("unknown breakdown '" + std::string(name) + "' (expected one of: " + all + ", every)");
}

Result<std::vector<Breakdown>> ParseBreakdownList(std::string_view text) {
  std::vector<Breakdown> out = {Breakdown::kAll};
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t comma = text.find(',', pos);
    if (comma == std::string_view::npos) comma = text.size();
    const std::string_view item = text.substr(pos, comma - pos);
    pos = comma + 1;
    if (item.empty()) continue;
    if (item == "every") {
      out.clear();
      for (int i = 0; i < kBreakdownCount; ++i) out.push_back(static_cast<Breakdown>(i));
      continue;
    }
    auto b = ParseBreakdown(item);
    if (!b.ok()) return b.status();
    if (std::find(out.begin(), out.end(), *b) == out.end()) out.push_back(*b);
  }
  return out;
}

const std::vector<std::string>& EthnicGroupNames() {
  static const std::vector<std::string> k = {"White", "Mixed", "Asian", "Black", "Other", "Not stated/known"};
  return k;
}

uint8_t EthnicGroupIndex(uint8_t ethnic_category) {
  const std::string_view g = EthnicGroup(ethnic_category);
  const auto& names = EthnicGroupNames();
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == g) return static_cast<uint8_t>(i);
  return static_cast<uint8_t>(names.size() - 1);
}

BreakdownLayout::BreakdownLayout(const Dataset& ds, const std::vector<Breakdown>& breakdowns)
    : breakdowns_(breakdowns) {
  // PCNs and places of practices, in order of first appearance in code order.
  std::map<std::string, uint32_t> pcn_index, place_index;
  std::vector<std::string> pcns, places;
  const auto& pr = ds.practices;
  std::vector<uint32_t> order(pr.size());
  for (uint32_t i = 0; i < pr.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return pr.code.at(a) < pr.code.at(b); });
  std::vector<std::string> pcn_codes(pr.pcn_code.begin(), pr.pcn_code.end());
  std::sort(pcn_codes.begin(), pcn_codes.end());
  pcn_codes.erase(std::unique(pcn_codes.begin(), pcn_codes.end()), pcn_codes.end());
  for (const auto& c : pcn_codes) {
    pcn_index[c] = static_cast<uint32_t>(pcns.size());
    pcns.push_back(c);
  }
  std::vector<std::string> place_names(pr.place_name.begin(), pr.place_name.end());
  std::sort(place_names.begin(), place_names.end());
  place_names.erase(std::unique(place_names.begin(), place_names.end()), place_names.end());
  for (const auto& c : place_names) {
    place_index[c] = static_cast<uint32_t>(places.size());
    places.push_back(c.empty() ? "Not known" : c);
  }
  practice_pcn_.resize(pr.size());
  practice_place_.resize(pr.size());
  for (size_t i = 0; i < pr.size(); ++i) {
    practice_pcn_[i] = pcn_index[pr.pcn_code[i]];
    practice_place_[i] = place_index[pr.place_name[i]];
  }
  // Practice groups are in practice-row order (the dataset's dictionary order).
  std::vector<std::string> practice_codes;
  for (size_t i = 0; i < pr.size(); ++i) practice_codes.push_back(pr.code.at(static_cast<uint32_t>(i)));

  for (Breakdown b : breakdowns_) {
    std::vector<std::string> l;
    switch (b) {
      case Breakdown::kAll: l = {"All"}; break;
      case Breakdown::kImdDecile:
        for (int d = 1; d <= 10; ++d) l.push_back(std::to_string(d));
        l.push_back("Not known");
        break;
      case Breakdown::kImdQuintile:
        for (int d = 1; d <= 5; ++d) l.push_back(std::to_string(d));
        l.push_back("Not known");
        break;
      case Breakdown::kCore20: l = {"Core20", "Rest", "Not known"}; break;
      case Breakdown::kEthnicGroup: l = EthnicGroupNames(); break;
      case Breakdown::kAgeBand:
        for (int a = 0; a < kAgeBandCount; ++a) l.push_back(AgeBandLabel(a));
        break;
      case Breakdown::kSex: l = {"Male", "Female", "Other or not known"}; break;
      case Breakdown::kPractice: l = practice_codes; break;
      case Breakdown::kPcn: l = pcns; break;
      case Breakdown::kPlace: l = places; break;
      case Breakdown::kSegment:
        for (int s = 1; s <= kB2hSegmentCount; ++s) l.push_back(std::string(B2hSegmentName(static_cast<B2hSegment>(s))));
        l.push_back("Not known");
        break;
    }
    offsets_.push_back(cell_count_);
    cell_count_ += l.size();
    labels_.push_back(std::move(l));
  }
}

size_t BreakdownLayout::Cells(const PersonKeys& k, int band, size_t* out) const {
  size_t n = 0;
  for (size_t i = 0; i < breakdowns_.size(); ++i) {
    const size_t o = offsets_[i];
    switch (breakdowns_[i]) {
      case Breakdown::kAll: out[n++] = o; break;
      case Breakdown::kImdDecile: out[n++] = o + (k.imd_decile >= 1 && k.imd_decile <= 10 ? k.imd_decile - 1 : 10); break;
      case Breakdown::kImdQuintile:
        out[n++] = o + (k.imd_decile >= 1 && k.imd_decile <= 10 ? (k.imd_decile - 1) / 2 : 5);
        break;
      case Breakdown::kCore20: out[n++] = o + (k.imd_decile == 0 || k.imd_decile > 10 ? 2 : k.imd_decile <= 2 ? 0 : 1); break;
      case Breakdown::kEthnicGroup: out[n++] = o + k.ethnic_group; break;
      case Breakdown::kAgeBand: out[n++] = o + static_cast<size_t>(band); break;
      case Breakdown::kSex: out[n++] = o + k.sex; break;
      case Breakdown::kPractice:
        if (k.practice >= 0) out[n++] = o + static_cast<size_t>(k.practice);
        break;
      case Breakdown::kPcn:
        if (k.practice >= 0) out[n++] = o + practice_pcn_[static_cast<size_t>(k.practice)];
        break;
      case Breakdown::kPlace:
        if (k.practice >= 0) out[n++] = o + practice_place_[static_cast<size_t>(k.practice)];
        break;
      case Breakdown::kSegment:
        out[n++] = o + (k.segment >= 1 && k.segment <= kB2hSegmentCount ? k.segment - 1u : kB2hSegmentCount);
        break;
    }
  }
  return n;
}

}  // namespace icb
