// Strong types and enums of the person-level data model: settings of care, points of delivery,
// sex and ethnic category, with their codes and labels. Plain values; thread safe.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace icb {

// Index of a person in a Dataset (0..n-1, ordered by pseudonym). Not an identifier a user sees.
struct PersonIdx {
  uint32_t value = 0;
  constexpr auto operator<=>(const PersonIdx&) const = default;
};

// The setting of care an activity event happened in; one input file per setting.
enum class Setting : uint8_t {
  kGpAppointment = 0,
  kAe = 1,
  kApc = 2,
  kOutpatient = 3,
  kCommunity = 4,
  kMentalHealth = 5,
  kSocialCare = 6,
  kPrescribing = 7,
};
inline constexpr int kSettingCount = 8;
std::string_view SettingName(Setting s);   // "gp_appointment", "ae", ...
std::string_view SettingLabel(Setting s);  // "GP appointments", "A&E attendances", ...

// Point of delivery: the analytic class of an event, derived at ingest from setting-specific fields
// (admission method and patient classification for APC; first attendance for outpatients).
enum class Pod : uint8_t {
  kGpAppointment = 0,
  kAe = 1,
  kElective = 2,       // APC ordinary elective (admission method 11, 12, 13; classification 1)
  kDayCase = 3,        // APC day case (classification 2, 3 or 4 with an elective method)
  kNonElective = 4,    // APC emergency and other non-elective (21-2D, 81-83)
  kMaternity = 5,      // APC maternity (31, 32)
  kOutpatientFirst = 6,
  kOutpatientFollowUp = 7,
  kCommunity = 8,
  kMentalHealth = 9,
  kSocialCare = 10,
  kPrescribing = 11,
};
inline constexpr int kPodCount = 12;
std::string_view PodName(Pod p);   // "EL", "DC", "NEL", ...
std::string_view PodLabel(Pod p);  // "Elective inpatient", ...
Setting PodSetting(Pod p);

// NHS Data Dictionary PERSON STATED GENDER CODE.
enum class Sex : uint8_t { kNotKnown = 0, kMale = 1, kFemale = 2, kIndeterminate = 9 };
std::optional<Sex> ParseSexCode(std::string_view code);
std::string_view SexLabel(Sex s);

// NHS Data Dictionary ETHNIC CATEGORY (2001 census categories A-S, Z not stated, 99 not known).
inline constexpr std::array<std::string_view, 18> kEthnicCodes = {
    "A", "B", "C", "D", "E", "F", "G", "H", "J", "K", "L", "M", "N", "P", "R", "S", "Z", "99"};
std::optional<uint8_t> EthnicIndex(std::string_view code);
std::string_view EthnicLabel(uint8_t idx);
// The five high-level groups used in reporting: White, Mixed, Asian, Black, Other, Not stated.
std::string_view EthnicGroup(uint8_t idx);

// QOF 2022-23 long-term condition registers (GROUP_CODE in the QOF prevalence files).
inline constexpr std::array<std::string_view, 21> kQofConditions = {
    "AF", "AST", "CAN", "CHD", "CKD", "COPD", "DEM", "DEP", "DM", "EP", "HF",
    "HYP", "LD", "MH", "NDH", "OB", "OST", "PAD", "PC", "RA", "STIA"};
std::optional<uint8_t> QofConditionIndex(std::string_view code);

// Code system of a clinical code in the coded-event table.
enum class CodeSystem : uint8_t { kIcd10 = 1, kSnomed = 2, kOpcs4 = 3 };

}  // namespace icb
