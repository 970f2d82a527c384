// EventClasses: lookup tables, built once per Dataset, that sort activity events into the kinds the
// risk features and outcomes count: emergency admissions (APC admission method 2x), outpatient
// attendances and DNAs, GP appointments not attended, long-term and care-home social care. The
// attribute columns are dictionary ids (Dataset::attrs), so each table is indexed by attrs id and a
// lookup is one array read. Read-only after construction: safe to share across threads.
#pragma once

#include <cstdint>
#include <vector>

#include "data/dataset.h"

namespace icb::risk {

struct EventClasses {
  // By attrs id. Each is meaningful only for the setting named.
  std::vector<uint8_t> emergency_method;  // APC attr1: admission method 21-25, 2A-2D (starts with '2')
  std::vector<uint8_t> op_dna;            // outpatient attr2: 3 did not attend, 7 arrived late, not seen
  std::vector<uint8_t> op_cancelled;      // outpatient attr2: 2/4 cancelled, 0 not applicable
  std::vector<uint8_t> gp_dna;            // GP attr3: appointment status DNA
  std::vector<uint8_t> reablement;        // social care attr1: REABLEMENT (short-term support)
  std::vector<uint8_t> care_home;         // social care attr1: NURSING or RESIDENTIAL

  // True when event row `k` is an emergency admission: setting APC and admission method 2x. When
  // the method is missing (OMOP sources carry none) the NEL point of delivery stands in, so method
  // 81-83 transfers (NEL with a method) are never counted.
  bool IsEmergencyAdmission(const EventTable& ev, uint64_t k) const;
  // Outpatient row `k` was attended (5, 6 or no code recorded).
  bool OpAttended(const EventTable& ev, uint64_t k) const;
  bool OpDna(const EventTable& ev, uint64_t k) const;
};

// True when `table` (one of the above) is set for attrs id `id`; false for Dictionary::kNone.
inline bool AttrIs(const std::vector<uint8_t>& table, uint32_t id) { return id < table.size() && table[id] != 0; }

// The tables for `ds` (one pass over its attribute dictionary).
EventClasses ClassifyEvents(const Dataset& ds);

}  // namespace icb::risk
