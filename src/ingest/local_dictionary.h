// LocalDictionary: a small, fast string -> dense id map that owns copies of its strings, used as
// the chunk-local dictionary of one parsing task (merged into the dataset's Dictionary in chunk
// order afterwards) and as a read-only lookup of reference codes during parsing. Open addressing
// over one contiguous arena, so interning a value already seen does not allocate. Intern() is not
// thread safe; Find() and value() are safe concurrently once no thread interns.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace icb {

class LocalDictionary {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;
  LocalDictionary() { Rehash(64); }
  // The id of `s`, adding it when new. Ids are dense, in order of first appearance.
  uint32_t Intern(std::string_view s);
  uint32_t Find(std::string_view s) const;  // kNone if absent
  std::string_view value(uint32_t id) const {
    return {arena_.data() + offsets_[id], offsets_[id + 1] - offsets_[id]};
  }
  size_t size() const { return offsets_.size() - 1; }
  void Clear();

  static uint64_t Hash(std::string_view s);

 private:
  void Rehash(size_t buckets);
  std::string arena_;
  std::vector<uint32_t> offsets_{0};  // value i is arena_[offsets_[i], offsets_[i+1])
  std::vector<uint32_t> slots_;       // id + 1, 0 = empty
  std::vector<uint32_t> slot_hash_;   // low 32 bits of the hash, to skip most compares
  size_t mask_ = 0;
};

}  // namespace icb
