// TestNhsNumbers: deterministic, unique NHS numbers from the range reserved for testing (numbers
// starting 999, valid Modulus 11 check digit), in a fixed shuffled order: person i always gets
// the same number. The 999 range holds 909,091 valid numbers; larger populations continue into
// 998, 997, ... (9xx numbers are not issued to patients in England and Wales; see
// docs/synthetic-icb.md). Immutable after construction; thread safe.
#pragma once

#include <cstdint>
#include <vector>

#include "core/status.h"

namespace icb::synth {

class TestNhsNumbers {
 public:
  // Precomputes numbers for persons 0..count-1; fails beyond the 900-999 prefixes.
  static Result<TestNhsNumbers> Create(uint64_t count);
  uint64_t At(uint64_t person) const { return numbers_[person]; }
  uint64_t size() const { return numbers_.size(); }

 private:
  std::vector<uint64_t> numbers_;
};

}  // namespace icb::synth
