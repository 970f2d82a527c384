// NHS number checks (NHS Data Dictionary, "NHS Number": ten digits, the tenth a Modulus 11 check
// digit). Pure functions; thread safe. NHS numbers are patient identifiers: never log them.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace icb {

// The Modulus 11 check digit for the first nine digits (weights 10..2), or nullopt when the
// remainder gives 10, which makes the nine digits unusable.
std::optional<int> NhsCheckDigit(uint64_t first_nine_digits);
// Parses ten ASCII digits (no spaces) with a valid check digit; nullopt otherwise.
std::optional<uint64_t> ParseNhsNumber(std::string_view text);
// Why `text` is not a valid NHS number ("expected 10 digits", "wrong Modulus 11 check digit"), or
// nullptr when it is valid.
const char* NhsNumberProblem(std::string_view text);

}  // namespace icb
