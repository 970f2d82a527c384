// PersonIndex: NHS number (as a 64-bit integer) -> the builder's person id, for linking every
// activity row to its person during ingest. Open addressing with key and value side by side, so a
// lookup costs one cache miss. Insert() is single-threaded (the persons merge), Find() is safe
// from many threads once inserting is done. It holds NHS numbers in memory only for the duration
// of an ingest; they are never written anywhere.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace icb {

class PersonIndex {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;
  // Returns kNone after inserting, or the existing id when `nhs` is already present.
  uint32_t Insert(uint64_t nhs, uint32_t person);
  uint32_t Find(uint64_t nhs) const;
  size_t size() const { return size_; }
  void Reserve(size_t n);

 private:
  struct Slot {
    uint64_t key = 0;  // nhs + 1; 0 = empty
    uint32_t value = 0;
  };
  static uint64_t Mix(uint64_t x);
  void Grow(size_t buckets);
  std::vector<Slot> slots_;
  size_t size_ = 0, mask_ = 0;
};

}  // namespace icb
