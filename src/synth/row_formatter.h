// RowFormatter: turns a PersonHistory into CSV rows of the input contract (data/contract.h: same
// files, same header names, every value valid) plus the truth files, appended to per-file text
// buffers for one block of people. Codes of enumerated columns are taken from the contract's
// allowed values. One formatter per worker thread; the SynthContext is shared read-only.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "synth/person_history.h"
#include "synth/synth_context.h"

namespace icb::synth {

enum class OutFile : int {
  kPersons = 0, kRegistrations, kGpAppointments, kAe, kApc, kOutpatients, kCommunity, kMentalHealth,
  kSocialCare, kPrescriptions, kGpEvents, kLtc, kTruthRisk, kTruthPersons, kCount
};
inline constexpr int kOutFileCount = static_cast<int>(OutFile::kCount);
inline constexpr int kContractOutFiles = static_cast<int>(OutFile::kTruthRisk);  // the rest are truths

// The file name of `f` ("persons.csv"); truth files live in the truth directory.
std::string_view OutFileName(OutFile f);
// The header line of `f` (with newline).
std::string OutFileHeader(OutFile f);

struct BlockBuffers {
  std::array<std::string, kOutFileCount> text;
  std::array<uint64_t, kOutFileCount> rows{};
};

class RowFormatter {
 public:
  explicit RowFormatter(const SynthContext& ctx);
  // Appends every row of `h` to `out`; `nhs` is the person's ten-digit NHS number.
  void Format(const PersonHistory& h, uint64_t nhs, BlockBuffers& out);

 private:
  void Date(std::string& s, int32_t day);
  const SynthContext& ctx_;
  std::vector<std::string_view> hcp_, mode_, status_, community_, mental_health_, setting_;
};

}  // namespace icb::synth
