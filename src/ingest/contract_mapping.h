// ContractMapping: how each activity file of the input contract becomes rows of EventTable,
// declared once as data (which column feeds date, provider, attr1..3, code, procedure, HRG,
// quantity), plus the rules that derive or check the point of delivery. The reader, the docs
// (docs/reference/ingest.md) and the tests all use these declarations. Immutable; thread safe.
#pragma once

#include <string_view>
#include <vector>

#include "data/types.h"

namespace icb {

struct EventMapping {
  std::string_view file;        // contract file name, e.g. "apc_spells"
  Setting setting;
  Pod pod;                      // POD when not derived per row (APC and outpatients derive it)
  std::string_view date;        // start / arrival / appointment date column
  std::string_view end_date;    // "" when the setting has no end date
  std::string_view org;         // provider or practice column (events.provider)
  bool org_is_practice;         // org must be in ref_practices (else ref_providers)
  std::string_view attr1, attr2, attr3;  // code columns, "" when unused
  std::string_view code;        // primary clinical code column (events.code)
  std::string_view procedure;   // OPCS-4 column (events.procedure)
  std::string_view hrg;         // HRG column (events.hrg)
  std::string_view quantity;    // prescription items; "" means quantity 1
};

const std::vector<EventMapping>& ContractEventMappings();
const EventMapping* FindEventMapping(std::string_view file);

// APC point of delivery rule (contract, apc_spells.point_of_delivery): EL and DC need an elective
// admission method (11, 12, 13); DC needs patient classification 2 and EL any other
// classification; NEL needs an emergency (2x) or other (8x) method; MAT a maternity method (3x).
// Returns why the three values disagree, or nullptr when they agree.
const char* ApcPodProblem(std::string_view pod, std::string_view admission_method,
                          std::string_view patient_classification);
// The Pod for a valid APC point_of_delivery code (EL, DC, NEL, MAT).
Pod ApcPod(std::string_view pod);
// Outpatient POD from FIRST ATTENDANCE: 1 and 3 are first attendances, 2 and 4 follow-ups.
Pod OutpatientPod(std::string_view first_attendance);

}  // namespace icb
