// PersonHistory: everything the generator simulates for one synthetic person (demographics,
// registrations, activity in every setting, clinical record, prescriptions and the planted
// truths), before it is written out as CSV rows. Codes point into tables owned by SynthContext,
// which must outlive the history. One object per worker, reused person after person (Clear()).
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "synth/reference_data.h"

namespace icb::synth {

enum class PersonKind : uint8_t { kResident = 0, kBirth = 1, kInMigrant = 2 };
enum class ExitReason : uint8_t { kNone = 0, kDeath = 1, kMovedOut = 2 };
enum class ApcPod : uint8_t { kElective = 0, kDayCase = 1, kNonElective = 2, kMaternity = 3 };

inline constexpr int32_t kOpen = INT32_MAX;  // open-ended date (registration, service, discharge)

struct RegistrationPeriod {
  int32_t start = 0, end = kOpen;  // days; end inclusive, kOpen if current
  int practice = 0;
};

struct GpAppointment {
  int32_t date = 0;
  int practice = -1;
  uint8_t hcp = 0, mode = 0, status = 0;  // indexes into the contract's allowed values
  int64_t cost_pence = 0;
};

struct AeAttendance {
  int32_t date = 0;
  int provider = 0;
  uint8_t department_type = 1, arrival_mode = 2, disposal = 3;  // numeric codes
  std::string_view snomed;   // empty if not coded
  int hrg = -1;              // NCC row
  int64_t cost_pence = 0;
};

struct ApcSpell {
  int32_t admission = 0, discharge = kOpen;  // discharge kOpen: not yet discharged at data end
  int provider = 0;
  std::string_view method;   // ADMISSION METHOD code
  uint8_t classification = 1;
  ApcPod pod = ApcPod::kNonElective;
  bool emergency = false;    // method 2x
  bool terminal = false;     // the admission in which the person died
  std::string_view icd10, opcs;
  uint32_t comorbidity_mask = 0;  // conditions present at admission (secondary diagnoses)
  int hrg = -1;
  int64_t cost_pence = 0;
};

struct OpAttendance {
  int32_t date = 0;
  int provider = 0;
  uint8_t first_attendance = 1;  // 1..4
  std::string_view tfc;
  char attended = '5';           // ATTENDED OR DID NOT ATTEND code
  std::string_view opcs;
  int hrg = -1;                  // procedure HRG (NCC row), -1 for a plain attendance
  int64_t cost_pence = 0;
};

struct CareContact {  // community and mental health contacts
  int32_t date = 0;
  int provider = 0;
  uint8_t service = 0;  // index into the contract's allowed service types
  int64_t cost_pence = 0;
};

struct SocialCareService {
  int32_t start = 0, end = kOpen;
  int provider = 0;
  uint8_t setting = 0;  // index into the contract's allowed support settings
  int64_t cost_pence = 0;
};

struct PrescriptionRow {
  int32_t month = 0;  // first day of the month
  int practice = -1;
  int drug = 0;       // index into ReferenceData::drugs
  int items = 0;
  int64_t cost_pence = 0;
};

struct GpEvent {
  int32_t date = 0;
  std::string_view snomed;
  double value = 0;
  bool has_value = false;
  std::string_view unit;
};

struct LtcEntry {
  int condition = 0;
  int32_t date = 0;
  int code = 0;  // index into ReferenceData::condition_codes
};

struct RiskTruth {
  int fy = 0;        // index of the financial year in the period
  double p = 0;      // true P(at least one emergency admission in the year)
};

struct PersonHistory {
  uint64_t index = 0;
  PersonKind kind = PersonKind::kResident;
  uint8_t sex = 0;        // 0 male, 1 female
  int32_t dob = 0;
  uint8_t ethnic = 0;     // index into kEthnicCodes
  int lsoa = 0;
  std::array<int, kConditionCount> condition_code{};  // the person's code row per condition
  int32_t entry = 0;      // first day resident in the ICB
  int32_t death = kOpen;  // date of death, kOpen if alive at data end or moved out
  int32_t exit = kOpen;   // last resident day + 1 (death, move out), kOpen if still resident
  ExitReason exit_reason = ExitReason::kNone;

  std::vector<RegistrationPeriod> registrations;
  std::vector<GpAppointment> gp;
  std::vector<AeAttendance> ae;
  std::vector<ApcSpell> apc;
  std::vector<OpAttendance> op;
  std::vector<CareContact> community, mental_health;
  std::vector<SocialCareService> social_care;
  std::vector<PrescriptionRow> prescriptions;
  std::vector<GpEvent> gp_events;
  std::vector<LtcEntry> ltc;

  // Planted truths.
  std::vector<RiskTruth> risk;
  double frailty_entry = 0, frailty_exit = 0;
  double z_general = 1, z_acute = 1, z_mental = 1;
  uint32_t conditions_at_exit = 0;  // bit c: condition c present at exit or data end

  void Clear() {
    registrations.clear();
    gp.clear();
    ae.clear();
    apc.clear();
    op.clear();
    community.clear();
    mental_health.clear();
    social_care.clear();
    prescriptions.clear();
    gp_events.clear();
    ltc.clear();
    risk.clear();
    death = exit = kOpen;
    exit_reason = ExitReason::kNone;
    conditions_at_exit = 0;
  }
};

}  // namespace icb::synth
