#include "risk/event_classes.h"

#include <string>

#include "data/types.h"

namespace icb::risk {
bool EventClasses::IsEmergencyAdmission(const EventTable& ev, uint64_t k) const {
  if (ev.setting[k] != static_cast<uint8_t>(Setting::kApc)) return false;
  const uint32_t method = ev.attr1[k];
  if (method == Dictionary::kNone) return ev.pod[k] == static_cast<uint8_t>(Pod::kNonElective);
  return AttrIs(emergency_method, method);
}

bool EventClasses::OpAttended(const EventTable& ev, uint64_t k) const {
  const uint32_t a = ev.attr2[k];
  return !AttrIs(op_dna, a) && !AttrIs(op_cancelled, a);
}

bool EventClasses::OpDna(const EventTable& ev, uint64_t k) const { return AttrIs(op_dna, ev.attr2[k]); }

EventClasses ClassifyEvents(const Dataset& ds) {
  EventClasses c;
  const size_t n = ds.attrs.size();
  c.emergency_method.assign(n, 0);
  c.op_dna.assign(n, 0);
  c.op_cancelled.assign(n, 0);
  c.gp_dna.assign(n, 0);
  c.reablement.assign(n, 0);
  c.care_home.assign(n, 0);
  for (uint32_t id = 0; id < n; ++id) {
    const std::string& v = ds.attrs.at(id);
    // NHS Data Dictionary ADMISSION METHOD (HOSPITAL PROVIDER SPELL): 21-25 and 2A-2D are emergency.
    c.emergency_method[id] = v.size() == 2 && v[0] == '2';
    // NHS Data Dictionary ATTENDED OR DID NOT ATTEND: 3 did not attend, 7 arrived late and not seen;
    // 2 and 4 cancelled, 0 not applicable; 5 and 6 attended.
    c.op_dna[id] = v == "3" || v == "7";
    c.op_cancelled[id] = v == "0" || v == "2" || v == "4";
    c.gp_dna[id] = v == "DNA";
    c.reablement[id] = v == "REABLEMENT";
    c.care_home[id] = v == "NURSING" || v == "RESIDENTIAL";
  }
  return c;
}

}  // namespace icb::risk
