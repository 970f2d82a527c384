#include "core/nhs_number.h"

namespace icb {

std::optional<int> NhsCheckDigit(uint64_t nine) {
  int sum = 0;
  for (int weight = 2; weight <= 10; ++weight) {  // last of the nine digits has weight 2
    sum += static_cast<int>(nine % 10) * weight;
    nine /= 10;
  }
  int check = 11 - sum % 11;
  if (check == 11) check = 0;
  if (check == 10) return std::nullopt;
  return check;
}

const char* NhsNumberProblem(std::string_view s) {
  if (s.size() != 10) return "expected 10 digits";
  for (char c : s)
    if (c < '0' || c > '9') return "expected 10 digits";
  uint64_t nine = 0;
  for (int i = 0; i < 9; ++i) nine = nine * 10 + static_cast<uint64_t>(s[i] - '0');
  const auto check = NhsCheckDigit(nine);
  if (!check || *check != s[9] - '0') return "wrong Modulus 11 check digit";
  return nullptr;
}

std::optional<uint64_t> ParseNhsNumber(std::string_view s) {
  if (NhsNumberProblem(s) != nullptr) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) v = v * 10 + static_cast<uint64_t>(c - '0');
  return v;
}

}  // namespace icb
