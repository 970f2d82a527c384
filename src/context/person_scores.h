// PersonScores: the segment and scores of every person of a Dataset as at one date, in columns
// indexed by person (the Dataset's person order). Produced by ComputePersonScores
// (src/context/segmentation.h) in one parallel pass over each person's history; read by
// indicators, risk features and forecasts. Person-level: never written out except by
// `icb segment --person-level`. Plain value type; read-only after construction.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/date.h"

namespace icb {

// Bridges to Health segments (Lynn et al. 2007), numbered as in the paper. kNotInPopulation:
// not alive and registered on the as-at date.
enum class B2hSegment : uint8_t {
  kNotInPopulation = 0,
  kHealthy = 1,
  kMaternalInfant = 2,
  kAcutelyIll = 3,
  kLongTermConditions = 4,
  kDisability = 5,
  kIncurableCancer = 6,   // "short period of decline before dying"
  kOrganFailure = 7,      // "limited reserve and serious exacerbations"
  kFrailtyDementia = 8,   // "long period of decline"
};
inline constexpr int kB2hSegmentCount = 8;
std::string_view B2hSegmentName(B2hSegment s);   // "healthy", "maternal_infant", ...
std::string_view B2hSegmentLabel(B2hSegment s);  // "Healthy", "Maternal and infant health", ...

// eFI bands (Clegg et al. 2016): fit <= 0.12 < mild <= 0.24 < moderate <= 0.36 < severe.
enum class EfiBand : uint8_t { kFit = 0, kMild = 1, kModerate = 2, kSevere = 3 };

// Core20PLUS5 flags (bits of PersonScores::core20plus5).
enum Core20Flag : uint16_t {
  kCore20 = 1u << 0,            // lives in an LSOA in the most deprived 20% nationally (IMD deciles 1-2)
  kPlusEthnicMinority = 1u << 1,
  kPlusLearningDisability = 1u << 2,
  kPlusMultimorbidity = 1u << 3,  // 2+ long-term conditions
  kFiveMaternity = 1u << 4,
  kFiveSmi = 1u << 5,             // severe mental illness
  kFiveChronicRespiratory = 1u << 6,
  kFiveCancer = 1u << 7,
  kFiveHypertension = 1u << 8,
};

struct PersonScores {
  int32_t as_at = kNoDate;                 // day number the scores hold on
  std::vector<uint8_t> in_population;      // 1: alive and registered on as_at
  std::vector<uint8_t> segment;            // B2hSegment
  std::vector<uint32_t> subsegments;       // bit i: subsegment i of the rule set (see segmentation.h)
  std::vector<uint8_t> age;                // whole years on as_at (capped at 120)
  std::vector<float> cms;                  // Cambridge Multimorbidity Score, general outcome
  std::vector<float> efi;                  // electronic frailty index, deficits / 36
  std::vector<uint8_t> efi_band;           // EfiBand
  std::vector<float> hfrs;                 // Hospital Frailty Risk Score
  std::vector<uint8_t> charlson_1987;      // Charlson, 1987 weights, with hierarchy rules
  std::vector<uint8_t> charlson_quan2011;  // Charlson, Quan 2011 weights
  std::vector<int16_t> elixhauser_vw;      // Elixhauser, van Walraven weights
  std::vector<uint8_t> ltc_count;          // long-term conditions on the register on as_at
  std::vector<uint16_t> core20plus5;       // Core20Flag bits
  size_t size() const { return segment.size(); }
};

}  // namespace icb
