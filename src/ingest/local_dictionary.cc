#include "ingest/local_dictionary.h"

#include <cstring>

namespace icb {

uint64_t LocalDictionary::Hash(std::string_view s) {
  // FNV-1a over 8-byte words, then a final mix; values are short codes.
  uint64_t h = 0xcbf29ce484222325ull ^ s.size();
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    h = (h ^ w) * 0x100000001b3ull;
    h ^= h >> 29;
  }
  uint64_t tail = 0;
  if (i < s.size()) std::memcpy(&tail, s.data() + i, s.size() - i);
  h = (h ^ tail) * 0x9E3779B97F4A7C15ull;
  h ^= h >> 32;
  h *= 0xD6E8FEB86659FD93ull;
  h ^= h >> 32;
  return h;
}

void LocalDictionary::Rehash(size_t buckets) {
  slots_.assign(buckets, 0);
  slot_hash_.assign(buckets, 0);
  mask_ = buckets - 1;
  for (uint32_t id = 0; id < size(); ++id) {
    const uint64_t h = Hash(value(id));
    size_t b = h & mask_;
    while (slots_[b] != 0) b = (b + 1) & mask_;
    slots_[b] = id + 1;
    slot_hash_[b] = static_cast<uint32_t>(h >> 32);
  }
}

uint32_t LocalDictionary::Find(std::string_view s) const {
  const uint64_t h = Hash(s);
  const auto tag = static_cast<uint32_t>(h >> 32);
  for (size_t b = h & mask_;; b = (b + 1) & mask_) {
    const uint32_t slot = slots_[b];
    if (slot == 0) return kNone;
    if (slot_hash_[b] == tag && value(slot - 1) == s) return slot - 1;
  }
}

uint32_t LocalDictionary::Intern(std::string_view s) {
  const uint64_t h = Hash(s);
  const auto tag = static_cast<uint32_t>(h >> 32);
  size_t b = h & mask_;
  for (;; b = (b + 1) & mask_) {
    const uint32_t slot = slots_[b];
    if (slot == 0) break;
    if (slot_hash_[b] == tag && value(slot - 1) == s) return slot - 1;
  }
  const auto id = static_cast<uint32_t>(size());
  arena_.append(s);
  offsets_.push_back(static_cast<uint32_t>(arena_.size()));
  slots_[b] = id + 1;
  slot_hash_[b] = tag;
  if (size() * 2 > slots_.size()) Rehash(slots_.size() * 2);
  return id;
}

void LocalDictionary::Clear() {
  arena_.clear();
  offsets_.assign(1, 0);
  Rehash(64);
}

}  // namespace icb
