#include "ingest/contract_mapping.h"

namespace icb {

const std::vector<EventMapping>& ContractEventMappings() {
  static const std::vector<EventMapping> kMappings = {
      // file, setting, pod, date, end_date, org, org_is_practice, attr1, attr2, attr3, code, procedure, hrg, quantity
      {"gp_appointments", Setting::kGpAppointment, Pod::kGpAppointment, "appointment_date", "",
       "gp_practice_code", true, "hcp_type", "appointment_mode", "appointment_status", "", "", "", ""},
      {"ae_attendances", Setting::kAe, Pod::kAe, "arrival_date", "", "provider_code", false,
       "ae_department_type", "arrival_mode", "attendance_disposal", "diagnosis_snomed", "", "hrg_code", ""},
      {"apc_spells", Setting::kApc, Pod::kNonElective, "admission_date", "discharge_date", "provider_code", false,
       "admission_method", "patient_classification", "", "primary_diagnosis_icd10", "primary_procedure_opcs4",
       "hrg_code", ""},
      {"outpatient_attendances", Setting::kOutpatient, Pod::kOutpatientFirst, "appointment_date", "",
       "provider_code", false, "treatment_function_code", "attended_or_did_not_attend", "first_attendance", "",
       "primary_procedure_opcs4", "hrg_code", ""},
      {"community_contacts", Setting::kCommunity, Pod::kCommunity, "contact_date", "", "provider_code", false,
       "service_type", "", "", "", "", "", ""},
      {"mental_health_contacts", Setting::kMentalHealth, Pod::kMentalHealth, "contact_date", "", "provider_code",
       false, "service_type", "", "", "", "", "", ""},
      {"social_care_services", Setting::kSocialCare, Pod::kSocialCare, "service_start_date", "service_end_date",
       "provider_code", false, "support_setting", "", "", "", "", "", ""},
      {"prescriptions", Setting::kPrescribing, Pod::kPrescribing, "dispensed_date", "", "gp_practice_code", true,
       "", "", "", "bnf_code", "", "", "items"},
  };
  return kMappings;
}

const EventMapping* FindEventMapping(std::string_view file) {
  for (const auto& m : ContractEventMappings())
    if (m.file == file) return &m;
  return nullptr;
}

const char* ApcPodProblem(std::string_view pod, std::string_view method, std::string_view classification) {
  const char group = method.empty() ? '?' : method[0];
  if (pod == "EL" || pod == "DC") {
    if (group != '1') return "point of delivery EL/DC needs an elective admission method (11, 12, 13)";
    if (pod == "DC" && classification != "2") return "point of delivery DC needs patient classification 2";
    if (pod == "EL" && classification == "2") return "patient classification 2 (day case) needs point of delivery DC";
    return nullptr;
  }
  if (pod == "NEL")
    return (group == '2' || group == '8') ? nullptr
                                          : "point of delivery NEL needs an emergency (2x) or other (8x) admission method";
  if (pod == "MAT") return group == '3' ? nullptr : "point of delivery MAT needs a maternity admission method (3x)";
  return "unknown point of delivery";
}

Pod ApcPod(std::string_view pod) {
  if (pod == "EL") return Pod::kElective;
  if (pod == "DC") return Pod::kDayCase;
  if (pod == "MAT") return Pod::kMaternity;
  return Pod::kNonElective;
}

Pod OutpatientPod(std::string_view first_attendance) {
  return (first_attendance == "1" || first_attendance == "3") ? Pod::kOutpatientFirst : Pod::kOutpatientFollowUp;
}

}  // namespace icb
