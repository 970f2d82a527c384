#include "data/dictionary.h"

#include <algorithm>
#include <numeric>

namespace icb {

uint32_t Dictionary::Intern(std::string_view s) {
  auto it = index_.find(std::string(s));
  if (it != index_.end()) return it->second;
  const auto id = static_cast<uint32_t>(values_.size());
  values_.emplace_back(s);
  index_.emplace(values_.back(), id);
  return id;
}

uint32_t Dictionary::Lookup(std::string_view s) const {
  auto it = index_.find(std::string(s));
  return it == index_.end() ? kNone : it->second;
}

std::vector<uint32_t> Dictionary::Sort() {
  std::vector<uint32_t> order(values_.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return values_[a] < values_[b]; });
  std::vector<uint32_t> remap(values_.size());
  std::vector<std::string> sorted(values_.size());
  for (uint32_t i = 0; i < order.size(); ++i) {
    remap[order[i]] = i;
    sorted[i] = std::move(values_[order[i]]);
  }
  Assign(std::move(sorted));
  return remap;
}

void Dictionary::Assign(std::vector<std::string> values) {
  values_ = std::move(values);
  index_.clear();
  index_.reserve(values_.size());
  for (uint32_t i = 0; i < values_.size(); ++i) index_.emplace(values_[i], i);
}

}  // namespace icb
