#include "risk/outcomes.h"

#include <algorithm>
#include <string>

#include "core/parallel.h"
#include "risk/event_classes.h"

namespace icb::risk {
namespace {

constexpr size_t kGrain = 4096;

// Persons in the top `percent`% of `cost` (a share of the cohort, rounded up: the smallest number
// of persons that is at least that share); every person tied with the cut value is in, and a
// person with no cost never is.
std::vector<uint8_t> TopShare(const std::vector<int64_t>& cost, int percent) {
  const size_t n = cost.size();
  std::vector<uint8_t> out(n, 0);
  if (n == 0) return out;
  const size_t k = (n * static_cast<size_t>(percent) + 99) / 100;  // ceil(n * percent / 100), >= 1
  std::vector<int64_t> sorted = cost;
  std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(k - 1), sorted.end(),
                   std::greater<int64_t>());
  const int64_t cut = sorted[k - 1];
  for (size_t r = 0; r < n; ++r) out[r] = cost[r] > 0 && cost[r] >= cut;
  return out;
}

}  // namespace

std::string_view OutcomeName(Outcome o) {
  switch (o) {
    case Outcome::kEmergencyAdmission: return "emergency_admission";
    case Outcome::kTopCost5: return "top5_cost";
  }
  return "unknown";
}

std::string_view OutcomeDescription(Outcome o) {
  switch (o) {
    case Outcome::kEmergencyAdmission:
      return "At least one emergency admission (admitted patient care, admission method 2x) starting in the window.";
    case Outcome::kTopCost5:
      return "Total cost of care in every setting in the window among the top 5% of the cohort (ties at the cut included).";
  }
  return "";
}

Result<Outcome> ParseOutcome(std::string_view name) {
  for (Outcome o : {Outcome::kEmergencyAdmission, Outcome::kTopCost5})
    if (OutcomeName(o) == name) return o;
  return Status::InvalidInput("unknown outcome '" + std::string(name) + "': expected emergency_admission or top5_cost");
}

std::vector<uint16_t> CountEmergencyAdmissions(const Dataset& ds, std::span<const uint32_t> persons, int32_t start,
                                               int32_t end) {
  std::vector<uint16_t> out(persons.size(), 0);
  const EventClasses classes = ClassifyEvents(ds);
  const EventTable& ev = ds.events;
  ParallelFor(persons.size(), kGrain, [&](size_t b, size_t e) {
    for (size_t r = b; r < e; ++r) {
      const uint32_t p = persons[r];
      uint32_t count = 0;
      for (uint64_t k = ev.offsets[p]; k < ev.offsets[p + 1]; ++k) {
        const int32_t d = ev.date[k];
        if (d >= end) break;
        if (d >= start && classes.IsEmergencyAdmission(ev, k)) ++count;
      }
      out[r] = static_cast<uint16_t>(std::min<uint32_t>(count, UINT16_MAX));
    }
  });
  return out;
}

Result<std::vector<uint8_t>> ComputeOutcome(const Dataset& ds, std::span<const uint32_t> persons, int32_t start,
                                            int32_t end, Outcome outcome) {
  if (start == kNoDate || end == kNoDate || start >= end) {
    return Status::InvalidInput("outcome window must have a start before its end");
  }
  for (uint32_t p : persons)
    if (p >= ds.person_count()) return Status::InvalidInput("outcome: a person index is outside the dataset");
  if (outcome == Outcome::kEmergencyAdmission) {
    const auto counts = CountEmergencyAdmissions(ds, persons, start, end);
    std::vector<uint8_t> out(counts.size());
    for (size_t r = 0; r < counts.size(); ++r) out[r] = counts[r] > 0;
    return out;
  }
  // Top 5% by cost: every setting's cost by event date, summed in 64-bit pence.
  std::vector<int64_t> cost(persons.size(), 0);
  const EventTable& ev = ds.events;
  ParallelFor(persons.size(), kGrain, [&](size_t b, size_t e) {
    for (size_t r = b; r < e; ++r) {
      const uint32_t p = persons[r];
      int64_t sum = 0;
      for (uint64_t k = ev.offsets[p]; k < ev.offsets[p + 1]; ++k) {
        const int32_t d = ev.date[k];
        if (d >= end) break;
        if (d >= start) sum += ev.cost_pence[k];
      }
      cost[r] = sum;
    }
  });
  return TopShare(cost, 5);
}

}  // namespace icb::risk
