#include "ingest/person_index.h"

namespace icb {

uint64_t PersonIndex::Mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ull;
  x ^= x >> 33;
  return x;
}

void PersonIndex::Reserve(size_t n) {
  size_t buckets = 16;
  while (buckets < n * 2) buckets *= 2;
  if (buckets > slots_.size()) Grow(buckets);
}

void PersonIndex::Grow(size_t buckets) {
  std::vector<Slot> slots(buckets);
  const size_t mask = buckets - 1;
  for (const Slot& s : slots_) {
    if (s.key == 0) continue;
    size_t b = Mix(s.key) & mask;
    while (slots[b].key != 0) b = (b + 1) & mask;
    slots[b] = s;
  }
  slots_.swap(slots);
  mask_ = mask;
}

uint32_t PersonIndex::Insert(uint64_t nhs, uint32_t person) {
  if ((size_ + 1) * 2 > slots_.size()) Grow(slots_.empty() ? 16 : slots_.size() * 2);
  const uint64_t key = nhs + 1;
  size_t b = Mix(key) & mask_;
  for (; slots_[b].key != 0; b = (b + 1) & mask_)
    if (slots_[b].key == key) return slots_[b].value;
  slots_[b] = Slot{key, person};
  ++size_;
  return kNone;
}

uint32_t PersonIndex::Find(uint64_t nhs) const {
  if (slots_.empty()) return kNone;
  const uint64_t key = nhs + 1;
  for (size_t b = Mix(key) & mask_; slots_[b].key != 0; b = (b + 1) & mask_)
    if (slots_[b].key == key) return slots_[b].value;
  return kNone;
}

}  // namespace icb
