#include "synth/test_nhs_numbers.h"

#include <string>

#include "core/nhs_number.h"

namespace icb::synth {

Result<TestNhsNumbers> TestNhsNumbers::Create(uint64_t count) {
  TestNhsNumbers t;
  t.numbers_.reserve(count);
  constexpr uint64_t kBlock = 1000000;   // six digits after the three-digit prefix
  constexpr uint64_t kStride = 738561;   // coprime with 10^6: a fixed shuffle within a prefix
  for (uint64_t prefix = 999; prefix >= 900 && t.numbers_.size() < count; --prefix) {
    for (uint64_t i = 0; i < kBlock && t.numbers_.size() < count; ++i) {
      const uint64_t nine = prefix * kBlock + (i * kStride + 12345) % kBlock;
      auto check = NhsCheckDigit(nine);
      if (!check) continue;
      t.numbers_.push_back(nine * 10 + static_cast<uint64_t>(*check));
    }
  }
  if (t.numbers_.size() < count)
    return Status::InvalidInput("--persons too large: the NHS test-number ranges hold at most " +
                                std::to_string(t.numbers_.size()) + " people");
  return t;
}

}  // namespace icb::synth
