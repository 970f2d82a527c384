// Outcomes the risk models predict, over a window [start, end) after the features' as-at date:
//   emergency_admission: at least one admitted-patient-care spell with admission method 2x
//     (emergency) starting in the window;
//   top5_cost: the person's total cost of care (all settings) in the window is among the top 5% of
//     the cohort (every person tied with the cut is in).
// Persons who die or leave during the window keep the events they had. Pure; parallel over persons;
// the same at any thread count. Definitions: docs/reference/risk-models.md.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "data/dataset.h"

namespace icb::risk {

enum class Outcome : uint8_t { kEmergencyAdmission = 0, kTopCost5 = 1 };
std::string_view OutcomeName(Outcome o);         // "emergency_admission", "top5_cost"
std::string_view OutcomeDescription(Outcome o);  // one sentence
Result<Outcome> ParseOutcome(std::string_view name);  // InvalidInput listing the valid names

// 0/1 label of each person of `persons` (dataset indices). InvalidInput when start >= end.
Result<std::vector<uint8_t>> ComputeOutcome(const Dataset& ds, std::span<const uint32_t> persons, int32_t start,
                                            int32_t end, Outcome outcome);

// Number of emergency admissions (method 2x) of each person in [start, end) (helper shared with
// features and case finding).
std::vector<uint16_t> CountEmergencyAdmissions(const Dataset& ds, std::span<const uint32_t> persons, int32_t start,
                                               int32_t end);

}  // namespace icb::risk
