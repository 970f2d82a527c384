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
  if (buckets > keys_.size()) Grow(buckets);
}

void PersonIndex::Grow(size_t buckets) {
  std::vector<uint64_t> keys(buckets, 0);
  std::vector<uint32_t> values(buckets, 0);
  const size_t mask = buckets - 1;
  for (size_t i = 0; i < keys_.size(); ++i) {
    if (keys_[i] == 0) continue;
    size_t b = Mix(keys_[i]) & mask;
    while (keys[b] != 0) b = (b + 1) & mask;
    keys[b] = keys_[i];
    values[b] = values_[i];
  }
  keys_.swap(keys);
  values_.swap(values);
  mask_ = mask;
}

uint32_t PersonIndex::Insert(uint64_t nhs, uint32_t person) {
  if ((size_ + 1) * 2 > keys_.size()) Grow(keys_.empty() ? 16 : keys_.size() * 2);
  const uint64_t key = nhs + 1;
  size_t b = Mix(key) & mask_;
  for (; keys_[b] != 0; b = (b + 1) & mask_)
    if (keys_[b] == key) return values_[b];
  keys_[b] = key;
  values_[b] = person;
  ++size_;
  return kNone;
}

uint32_t PersonIndex::Find(uint64_t nhs) const {
  if (keys_.empty()) return kNone;
  const uint64_t key = nhs + 1;
  for (size_t b = Mix(key) & mask_; keys_[b] != 0; b = (b + 1) & mask_)
    if (keys_[b] == key) return values_[b];
  return kNone;
}

}  // namespace icb
