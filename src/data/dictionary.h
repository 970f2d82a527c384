// Dictionary: dictionary encoding of strings (codes, organisation codes). Values are stored once;
// columns hold uint32 ids. Intern() is not thread safe; Lookup()/at() are safe to call
// concurrently once building is done. Sorted() makes ids independent of insertion order.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace icb {

class Dictionary {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;  // "no value" in a dictionary-encoded column
  uint32_t Intern(std::string_view s);
  uint32_t Lookup(std::string_view s) const;  // kNone if absent
  const std::string& at(uint32_t id) const { return values_[id]; }
  std::string_view Get(uint32_t id) const { return id == kNone ? std::string_view() : values_[id]; }
  size_t size() const { return values_.size(); }
  const std::vector<std::string>& values() const { return values_; }
  // Sorts values; returns old id -> new id, to remap columns.
  std::vector<uint32_t> Sort();
  void Assign(std::vector<std::string> values);  // for loading a snapshot

 private:
  std::vector<std::string> values_;
  std::unordered_map<std::string, uint32_t> index_;
};

}  // namespace icb
