#include "data/types.h"

namespace icb {

std::string_view SettingName(Setting s) {
  static constexpr std::string_view k[] = {"gp_appointment", "ae", "apc", "outpatient",
                                           "community", "mental_health", "social_care", "prescribing"};
  return k[static_cast<int>(s)];
}

std::string_view SettingLabel(Setting s) {
  static constexpr std::string_view k[] = {"GP appointments", "A&E attendances", "Admitted patient care spells",
                                           "Outpatient attendances", "Community contacts",
                                           "Mental health contacts", "Adult social care services",
                                           "Prescription items"};
  return k[static_cast<int>(s)];
}

std::string_view PodName(Pod p) {
  static constexpr std::string_view k[] = {"GP", "AE", "EL", "DC", "NEL", "MAT",
                                           "OPFA", "OPFU", "COM", "MH", "ASC", "RX"};
  return k[static_cast<int>(p)];
}

std::string_view PodLabel(Pod p) {
  static constexpr std::string_view k[] = {"GP appointment", "A&E attendance", "Elective inpatient",
                                           "Day case", "Non-elective admission", "Maternity admission",
                                           "Outpatient first", "Outpatient follow-up", "Community contact",
                                           "Mental health contact", "Adult social care service",
                                           "Prescription items"};
  return k[static_cast<int>(p)];
}

Setting PodSetting(Pod p) {
  switch (p) {
    case Pod::kGpAppointment: return Setting::kGpAppointment;
    case Pod::kAe: return Setting::kAe;
    case Pod::kElective:
    case Pod::kDayCase:
    case Pod::kNonElective:
    case Pod::kMaternity: return Setting::kApc;
    case Pod::kOutpatientFirst:
    case Pod::kOutpatientFollowUp: return Setting::kOutpatient;
    case Pod::kCommunity: return Setting::kCommunity;
    case Pod::kMentalHealth: return Setting::kMentalHealth;
    case Pod::kSocialCare: return Setting::kSocialCare;
    case Pod::kPrescribing: return Setting::kPrescribing;
  }
  return Setting::kGpAppointment;
}

std::optional<Sex> ParseSexCode(std::string_view c) {
  if (c == "1") return Sex::kMale;
  if (c == "2") return Sex::kFemale;
  if (c == "9") return Sex::kIndeterminate;
  if (c == "0" || c == "X") return Sex::kNotKnown;
  return std::nullopt;
}

std::string_view SexLabel(Sex s) {
  switch (s) {
    case Sex::kMale: return "Male";
    case Sex::kFemale: return "Female";
    case Sex::kIndeterminate: return "Indeterminate";
    case Sex::kNotKnown: return "Not known";
  }
  return "Not known";
}

std::optional<uint8_t> EthnicIndex(std::string_view code) {
  for (size_t i = 0; i < kEthnicCodes.size(); ++i)
    if (kEthnicCodes[i] == code) return static_cast<uint8_t>(i);
  return std::nullopt;
}

std::string_view EthnicLabel(uint8_t idx) {
  static constexpr std::string_view k[] = {
      "White - British", "White - Irish", "White - Any other White background",
      "Mixed - White and Black Caribbean", "Mixed - White and Black African", "Mixed - White and Asian",
      "Mixed - Any other mixed background", "Asian or Asian British - Indian",
      "Asian or Asian British - Pakistani", "Asian or Asian British - Bangladeshi",
      "Asian or Asian British - Any other Asian background", "Black or Black British - Caribbean",
      "Black or Black British - African", "Black or Black British - Any other Black background",
      "Other Ethnic Groups - Chinese", "Other Ethnic Groups - Any other ethnic group", "Not stated",
      "Not known"};
  return idx < 18 ? k[idx] : "Not known";
}

std::string_view EthnicGroup(uint8_t idx) {
  if (idx <= 2) return "White";
  if (idx <= 6) return "Mixed";
  if (idx <= 10) return "Asian";
  if (idx <= 13) return "Black";
  if (idx <= 15) return "Other";
  return "Not stated/known";
}

std::optional<uint8_t> QofConditionIndex(std::string_view code) {
  for (size_t i = 0; i < kQofConditions.size(); ++i)
    if (kQofConditions[i] == code) return static_cast<uint8_t>(i);
  return std::nullopt;
}

}  // namespace icb
