#include "data/contract.h"

#include "core/date.h"
#include "core/nhs_number.h"

#include <cctype>
#include <string>

namespace icb {
namespace {

using T = ColumnType;

ColumnSpec Nhs() {
  return {"nhs_number", T::kNhsNumber, true, {},
          "NHS NUMBER: 10 digits with a Modulus 11 check digit. Replaced at ingest by an HMAC-SHA-256 "
          "pseudonym under a key held outside the dataset."};
}
ColumnSpec Money(std::string_view desc) { return {"cost", T::kMoney, true, {}, desc}; }

std::vector<FileSpec> BuildContract() {
  std::vector<FileSpec> c;
  c.push_back({"ref_lsoa", "ref_lsoa.csv", FileKind::kReference, true,
               "Lower layer super output areas (2021) of the ICB with deprivation and place.",
               {{"lsoa_code", T::kLsoa, true, {}, "LOWER LAYER SUPER OUTPUT AREA code (2021), E01xxxxxx."},
                {"lsoa_name", T::kText, true, {}, "LSOA name."},
                {"imd_decile", T::kCode, true, {"1","2","3","4","5","6","7","8","9","10"},
                 "Index of Multiple Deprivation decile, 1 = most deprived 10% of England."},
                {"imd_quintile", T::kCode, true, {"1","2","3","4","5"},
                 "IMD quintile, 1 = most deprived 20% of England (deciles 1-2)."},
                {"sub_icb_code", T::kOdsCode, true, {}, "Sub-ICB location ODS code, e.g. 02A."},
                {"place_code", T::kOdsCode, true, {}, "Place: local authority district code, e.g. E08000009."},
                {"place_name", T::kText, true, {}, "Place name, e.g. Trafford."}}});
  c.push_back({"ref_practices", "ref_practices.csv", FileKind::kReference, true,
               "GP practices with their primary care network, sub-ICB location and place.",
               {{"gp_practice_code", T::kOdsCode, true, {}, "GENERAL MEDICAL PRACTICE CODE (PATIENT REGISTRATION)."},
                {"practice_name", T::kText, true, {}, "Practice name."},
                {"pcn_code", T::kOdsCode, true, {}, "Primary care network ODS code."},
                {"pcn_name", T::kText, true, {}, "Primary care network name."},
                {"sub_icb_code", T::kOdsCode, true, {}, "Sub-ICB location ODS code."},
                {"place_name", T::kText, true, {}, "Place name."}}});
  c.push_back({"ref_providers", "ref_providers.csv", FileKind::kReference, true,
               "Providers of activity (trusts, local authorities, practices).",
               {{"provider_code", T::kOdsCode, true, {}, "ORGANISATION IDENTIFIER (CODE OF PROVIDER)."},
                {"provider_name", T::kText, true, {}, "Provider name."},
                {"provider_type", T::kCode, true,
                 {"ACUTE", "COMMUNITY", "MENTAL_HEALTH", "GP", "LOCAL_AUTHORITY", "INDEPENDENT", "AMBULANCE"},
                 "Kind of provider."}}});
  c.push_back({"persons", "persons.csv", FileKind::kPerson, true,
               "One row per person: demographics and residence.",
               {Nhs(),
                {"year_month_of_birth", T::kYearMonth, true, {}, "PERSON BIRTH DATE at month precision, YYYY-MM."},
                {"person_stated_gender_code", T::kCode, true, {"1", "2", "9", "0", "X"},
                 "PERSON STATED GENDER CODE: 1 male, 2 female, 9 indeterminate, 0 or X not known."},
                {"ethnic_category", T::kCode, true,
                 {"A","B","C","D","E","F","G","H","J","K","L","M","N","P","R","S","Z","99"},
                 "ETHNIC CATEGORY (NHS Data Dictionary): A-S, Z not stated, 99 not known."},
                {"lsoa_of_residence", T::kLsoa, true, {},
                 "LOWER LAYER SUPER OUTPUT AREA (RESIDENCE), 2021 code; must be in ref_lsoa."},
                {"date_of_death", T::kDate, false, {}, "PERSON DEATH DATE, YYYY-MM-DD; empty if alive."}}});
  c.push_back({"gp_registrations", "gp_registrations.csv", FileKind::kRegistration, true,
               "Periods of registration with a GP practice.",
               {Nhs(),
                {"gp_practice_code", T::kOdsCode, true, {}, "GENERAL MEDICAL PRACTICE CODE (PATIENT REGISTRATION); in ref_practices."},
                {"registration_start_date", T::kDate, true, {}, "Start of registration."},
                {"registration_end_date", T::kDate, false, {}, "End of registration; empty if current."}}});
  c.push_back({"gp_appointments", "gp_appointments.csv", FileKind::kActivity, false,
               "General practice appointments (GP Appointments Data style).",
               {Nhs(),
                {"appointment_date", T::kDate, true, {}, "APPOINTMENT DATE."},
                {"gp_practice_code", T::kOdsCode, true, {}, "Practice where the appointment took place."},
                {"hcp_type", T::kCode, true, {"GP", "OTHER", "UNKNOWN"}, "Health care professional type."},
                {"appointment_mode", T::kCode, true, {"FACE_TO_FACE", "TELEPHONE", "VIDEO_ONLINE", "HOME_VISIT", "UNKNOWN"},
                 "Appointment mode."},
                {"appointment_status", T::kCode, true, {"ATTENDED", "DNA", "UNKNOWN"}, "Attended or did not attend."},
                Money("Cost of the appointment, GBP.")}});
  c.push_back({"ae_attendances", "ae_attendances.csv", FileKind::kActivity, false,
               "A&E attendances (Emergency Care Data Set).",
               {Nhs(),
                {"arrival_date", T::kDate, true, {}, "EMERGENCY CARE ARRIVAL DATE."},
                {"provider_code", T::kOdsCode, true, {}, "ORGANISATION IDENTIFIER (CODE OF PROVIDER); in ref_providers."},
                {"ae_department_type", T::kCode, true, {"01", "02", "03", "04"},
                 "EMERGENCY CARE DEPARTMENT TYPE: 01 consultant-led 24h, 02 single specialty, 03 UTC/other, 04 walk-in."},
                {"arrival_mode", T::kCode, true, {"1", "2"}, "Arrival mode: 1 ambulance, 2 other."},
                {"attendance_disposal", T::kCode, true, {"01","02","03","04","05","06","07","10","11","12","13","14"},
                 "A&E ATTENDANCE DISPOSAL: 01 admitted, 02 GP follow-up, 03 no follow-up, ..."},
                {"diagnosis_snomed", T::kSnomed, false, {}, "EMERGENCY CARE DIAGNOSIS (SNOMED CT)."},
                {"hrg_code", T::kHrg, true, {}, "HRG code, VB01Z-VB11Z."},
                Money("Cost of the attendance, GBP.")}});
  c.push_back({"apc_spells", "apc_spells.csv", FileKind::kActivity, false,
               "Admitted patient care hospital provider spells (SUS/HES APC).",
               {Nhs(),
                {"provider_code", T::kOdsCode, true, {}, "ORGANISATION IDENTIFIER (CODE OF PROVIDER); in ref_providers."},
                {"admission_date", T::kDate, true, {}, "START DATE (HOSPITAL PROVIDER SPELL)."},
                {"discharge_date", T::kDate, false, {}, "DISCHARGE DATE (HOSPITAL PROVIDER SPELL); empty if not yet discharged."},
                {"admission_method", T::kCode, true,
                 {"11","12","13","21","22","23","24","25","2A","2B","2C","2D","28","31","32","81","82","83"},
                 "ADMISSION METHOD (HOSPITAL PROVIDER SPELL): 1x elective, 2x emergency, 3x maternity, 8x other."},
                {"patient_classification", T::kCode, true, {"1", "2", "3", "4", "5"},
                 "PATIENT CLASSIFICATION: 1 ordinary, 2 day case, 3 regular day, 4 regular night, 5 mothers and babies."},
                {"point_of_delivery", T::kCode, true, {"EL", "DC", "NEL", "MAT"},
                 "Point of delivery; must agree with admission method (EL/DC: 1x, NEL: 2x or 8x, MAT: 3x) and "
                 "patient classification (DC: 2)."},
                {"primary_diagnosis_icd10", T::kIcd10, true, {}, "PRIMARY DIAGNOSIS (ICD), ICD-10 without dot."},
                {"secondary_diagnoses_icd10", T::kIcd10List, false, {}, "SECONDARY DIAGNOSIS (ICD) codes separated by ';'."},
                {"primary_procedure_opcs4", T::kOpcs4, false, {}, "PRIMARY PROCEDURE (OPCS), OPCS-4 without dot."},
                {"hrg_code", T::kHrg, true, {}, "HRG code of the spell."},
                Money("Cost of the spell, GBP.")}});
  c.push_back({"outpatient_attendances", "outpatient_attendances.csv", FileKind::kActivity, false,
               "Outpatient appointments (SUS/HES OP).",
               {Nhs(),
                {"appointment_date", T::kDate, true, {}, "APPOINTMENT DATE."},
                {"provider_code", T::kOdsCode, true, {}, "ORGANISATION IDENTIFIER (CODE OF PROVIDER); in ref_providers."},
                {"first_attendance", T::kCode, true, {"1", "2", "3", "4"},
                 "FIRST ATTENDANCE: 1 first face to face, 2 follow-up face to face, 3 first remote, 4 follow-up remote."},
                {"treatment_function_code", T::kCode, true,
                 {"100","101","110","120","130","140","150","160","300","301","302","303","320","330","340","361",
                  "370","400","410","420","430","502","503","560","650","800","812"},
                 "TREATMENT FUNCTION CODE."},
                {"attended_or_did_not_attend", T::kCode, true, {"0", "2", "3", "4", "5", "6", "7"},
                 "ATTENDED OR DID NOT ATTEND: 5/6 attended, 7 arrived late not seen, 2/4 cancelled, 3 did not attend."},
                {"primary_procedure_opcs4", T::kOpcs4, false, {}, "PRIMARY PROCEDURE (OPCS)."},
                {"hrg_code", T::kHrg, false, {}, "HRG code (procedures) ; empty for plain attendances."},
                Money("Cost of the attendance, GBP.")}});
  c.push_back({"community_contacts", "community_contacts.csv", FileKind::kActivity, false,
               "Community health service contacts (Community Services Data Set).",
               {Nhs(),
                {"contact_date", T::kDate, true, {}, "CARE CONTACT DATE."},
                {"provider_code", T::kOdsCode, true, {}, "ORGANISATION IDENTIFIER (CODE OF PROVIDER); in ref_providers."},
                {"service_type", T::kCode, true,
                 {"DISTRICT_NURSING", "PHYSIOTHERAPY", "OCCUPATIONAL_THERAPY", "SPEECH_LANGUAGE", "PODIATRY",
                  "HEALTH_VISITING", "SCHOOL_NURSING", "COMMUNITY_MATRON", "INTERMEDIATE_CARE", "OTHER"},
                 "Team or service type."},
                Money("Cost of the contact, GBP.")}});
  c.push_back({"mental_health_contacts", "mental_health_contacts.csv", FileKind::kActivity, false,
               "Mental health care contacts (Mental Health Services Data Set).",
               {Nhs(),
                {"contact_date", T::kDate, true, {}, "CARE CONTACT DATE."},
                {"provider_code", T::kOdsCode, true, {}, "ORGANISATION IDENTIFIER (CODE OF PROVIDER); in ref_providers."},
                {"service_type", T::kCode, true,
                 {"COMMUNITY_MENTAL_HEALTH", "CRISIS", "TALKING_THERAPIES", "EARLY_INTERVENTION", "CAMHS",
                  "LIAISON", "OLDER_ADULTS", "OTHER"},
                 "Service or team type."},
                Money("Cost of the contact, GBP.")}});
  c.push_back({"social_care_services", "social_care_services.csv", FileKind::kActivity, false,
               "Adult social care long-term and short-term services (Client Level Data style).",
               {Nhs(),
                {"service_start_date", T::kDate, true, {}, "Start of the service period."},
                {"service_end_date", T::kDate, false, {}, "End of the service period; empty if ongoing."},
                {"provider_code", T::kOdsCode, true, {}, "Local authority or provider code; in ref_providers."},
                {"support_setting", T::kCode, true,
                 {"NURSING", "RESIDENTIAL", "HOME_CARE", "DIRECT_PAYMENT", "DAY_CARE", "SUPPORTED_LIVING",
                  "REABLEMENT", "OTHER"},
                 "Service type or support setting."},
                Money("Cost of the service over the period, GBP.")}});
  c.push_back({"prescriptions", "prescriptions.csv", FileKind::kActivity, false,
               "Prescription items dispensed, one row per person, month and BNF presentation.",
               {Nhs(),
                {"dispensed_date", T::kDate, true, {}, "Date (or first day of the month) dispensed."},
                {"gp_practice_code", T::kOdsCode, true, {}, "Prescribing practice."},
                {"bnf_code", T::kBnf, true, {}, "BNF code (chapter, section, ... presentation)."},
                {"items", T::kInteger, true, {}, "Number of prescription items (>= 1)."},
                Money("Net ingredient cost, GBP.")}});
  c.push_back({"gp_events", "gp_events.csv", FileKind::kClinical, false,
               "Coded GP record entries: diagnoses and observations (SNOMED CT).",
               {Nhs(),
                {"event_date", T::kDate, true, {}, "Date recorded."},
                {"snomed_code", T::kSnomed, true, {}, "SNOMED CT concept id."},
                {"value", T::kDecimal, false, {}, "Numeric value for an observation (e.g. systolic BP)."},
                {"unit", T::kText, false, {}, "Unit of the value."}}});
  c.push_back({"ltc_registers", "ltc_registers.csv", FileKind::kClinical, false,
               "Long-term condition registers (QOF disease register entries).",
               {Nhs(),
                {"condition", T::kCode, true,
                 {"AF","AST","CAN","CHD","CKD","COPD","DEM","DEP","DM","EP","HF","HYP","LD","MH","NDH","OB","OST",
                  "PAD","PC","RA","STIA"},
                 "QOF register (GROUP_CODE)."},
                {"register_date", T::kDate, true, {}, "Date of first diagnosis / register entry."}}});
  return c;
}

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}
bool Upper(char c) { return c >= 'A' && c <= 'Z'; }
bool Digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::string_view ColumnTypeName(ColumnType t) {
  switch (t) {
    case T::kNhsNumber: return "NHS number";
    case T::kDate: return "date YYYY-MM-DD";
    case T::kYearMonth: return "year-month YYYY-MM";
    case T::kCode: return "code";
    case T::kInteger: return "integer 0-65535";
    case T::kMoney: return "money (GBP, 2 d.p., at most 21,474,836.47)";
    case T::kIcd10: return "ICD-10 code";
    case T::kIcd10List: return "ICD-10 codes, ';'-separated";
    case T::kOpcs4: return "OPCS-4 code";
    case T::kSnomed: return "SNOMED CT id";
    case T::kBnf: return "BNF code";
    case T::kHrg: return "HRG code";
    case T::kLsoa: return "LSOA 2021 code";
    case T::kOdsCode: return "ODS code";
    case T::kText: return "text";
    case T::kDecimal: return "decimal";
  }
  return "?";
}

int FileSpec::ColumnIndex(std::string_view column) const {
  for (size_t i = 0; i < columns.size(); ++i)
    if (columns[i].name == column) return static_cast<int>(i);
  return -1;
}

const std::vector<FileSpec>& InputContract() {
  static const std::vector<FileSpec> kContract = BuildContract();
  return kContract;
}

const FileSpec* FindFileSpec(std::string_view name) {
  for (const auto& f : InputContract())
    if (f.name == name || f.file_name == name) return &f;
  return nullptr;
}

char VerhoeffCheckDigit(std::string_view digits) {
  static constexpr int d[10][10] = {{0,1,2,3,4,5,6,7,8,9},{1,2,3,4,0,6,7,8,9,5},{2,3,4,0,1,7,8,9,5,6},
                                    {3,4,0,1,2,8,9,5,6,7},{4,0,1,2,3,9,5,6,7,8},{5,9,8,7,6,0,4,3,2,1},
                                    {6,5,9,8,7,1,0,4,3,2},{7,6,5,9,8,2,1,0,4,3},{8,7,6,5,9,3,2,1,0,4},
                                    {9,8,7,6,5,4,3,2,1,0}};
  static constexpr int p[8][10] = {{0,1,2,3,4,5,6,7,8,9},{1,5,7,6,2,8,3,0,9,4},{5,8,0,3,7,9,6,1,4,2},
                                   {8,9,1,6,0,4,3,5,2,7},{9,4,5,3,1,2,6,8,7,0},{4,2,8,6,5,7,3,9,0,1},
                                   {2,7,9,3,8,0,6,4,1,5},{7,0,4,6,9,1,3,2,5,8}};
  static constexpr int inv[10] = {0,4,3,2,1,5,6,7,8,9};
  int c = 0;
  const size_t n = digits.size();
  for (size_t i = 0; i < n; ++i) c = d[c][p[(i + 1) % 8][digits[n - 1 - i] - '0']];
  return static_cast<char>('0' + inv[c]);
}

bool IsSnomedId(std::string_view s) {
  if (s.size() < 6 || s.size() > 18 || !AllDigits(s) || s[0] == '0') return false;
  const std::string_view partition = s.substr(s.size() - 3, 2);
  if (partition != "00" && partition != "01" && partition != "02" && partition != "10" &&
      partition != "11" && partition != "12")
    return false;
  return VerhoeffCheckDigit(s.substr(0, s.size() - 1)) == s.back();
}

bool IsIcd10(std::string_view s) {
  if (s.size() < 3 || s.size() > 5 || !Upper(s[0]) || !Digit(s[1]) || !Digit(s[2])) return false;
  for (size_t i = 3; i < s.size(); ++i)
    if (!Digit(s[i]) && s[i] != 'X' && s[i] != 'D' && s[i] != 'A' && s[i] != '-') return false;
  return true;
}

bool IsOpcs4(std::string_view s) {
  if (s.size() < 3 || s.size() > 4 || !Upper(s[0]) || s[0] == 'I') return false;
  for (size_t i = 1; i < s.size(); ++i)
    if (!Digit(s[i])) return false;
  return true;
}

bool IsBnfCode(std::string_view s) {
  if (s.size() < 2 || s.size() > 15 || !Digit(s[0]) || !Digit(s[1])) return false;
  const int chapter = (s[0] - '0') * 10 + (s[1] - '0');
  if (chapter < 1 || chapter > 23 || chapter == 16 || chapter == 17) return false;
  for (char c : s)
    if (!Digit(c) && !Upper(c)) return false;
  return true;
}

bool IsHrg(std::string_view s) {
  return s.size() == 5 && Upper(s[0]) && Upper(s[1]) && Digit(s[2]) && Digit(s[3]) && Upper(s[4]);
}

bool IsLsoaCode(std::string_view s) {
  return s.size() == 9 && s.substr(0, 3) == "E01" && AllDigits(s.substr(3));
}

bool IsOdsCode(std::string_view s) {
  if (s.size() < 3 || s.size() > 9) return false;
  for (char c : s)
    if (!Digit(c) && !Upper(c)) return false;
  return true;
}

bool ParseMoneyPence(std::string_view s, int64_t& pence) {
  if (s.empty() || s.size() > 15) return false;
  const size_t dot = s.find('.');
  const std::string_view whole = s.substr(0, dot);
  if (!AllDigits(whole)) return false;
  int64_t v = 0;
  for (char c : whole) v = v * 10 + (c - '0');
  int64_t frac = 0;
  if (dot != std::string_view::npos) {
    const std::string_view f = s.substr(dot + 1);
    if (f.empty() || f.size() > 2 || !AllDigits(f)) return false;
    frac = (f[0] - '0') * 10 + (f.size() == 2 ? f[1] - '0' : 0);
  }
  pence = v * 100 + frac;
  return true;
}

const char* CheckValue(const ColumnSpec& col, std::string_view v) {
  if (v.empty()) return col.required ? "required value is empty" : nullptr;
  switch (col.type) {
    case T::kNhsNumber: {
      const char* problem = NhsNumberProblem(v);  // core/nhs_number.h: the one Modulus 11 check
      if (problem == nullptr) return nullptr;
      return v.size() != 10 || !AllDigits(v) ? "NHS number: expected 10 digits"
                                             : "NHS number: wrong Modulus 11 check digit";
    }
    case T::kDate: {
      if (v.size() != 10 || v[4] != '-' || v[7] != '-' || !AllDigits(v.substr(0, 4)) ||
          !AllDigits(v.substr(5, 2)) || !AllDigits(v.substr(8, 2)))
        return "expected a date YYYY-MM-DD";
      return Date::ParseIso(v) ? nullptr : "not a real calendar date";  // core/date.h calendar rules
    }
    case T::kYearMonth: {
      if (v.size() != 7 || v[4] != '-' || !AllDigits(v.substr(0, 4)) || !AllDigits(v.substr(5, 2)))
        return "expected a year and month YYYY-MM";
      return Date::ParseYearMonth(v) ? nullptr : "not a real year and month";
    }
    case T::kCode:
      for (auto a : col.allowed)
        if (a == v) return nullptr;
      return "not an allowed code for this column";
    case T::kInteger:
      return AllDigits(v) && v.size() <= 5 && std::stoi(std::string(v)) <= 65535 ? nullptr
                                                                               : "expected a whole number 0-65535";
    case T::kMoney: {
      int64_t p;
      if (!ParseMoneyPence(v, p)) return "expected an amount in pounds with at most 2 decimals";
      return p <= INT32_MAX ? nullptr : "amount above the per-row limit of 21,474,836.47";
    }
    case T::kIcd10: return IsIcd10(v) ? nullptr : "not an ICD-10 code (e.g. I219)";
    case T::kIcd10List: {
      size_t start = 0;
      while (start <= v.size()) {
        const size_t end = v.find(';', start);
        const std::string_view part = v.substr(start, end == std::string_view::npos ? v.npos : end - start);
        if (!IsIcd10(part)) return "not a ';'-separated list of ICD-10 codes";
        if (end == std::string_view::npos) break;
        start = end + 1;
      }
      return nullptr;
    }
    case T::kOpcs4: return IsOpcs4(v) ? nullptr : "not an OPCS-4 code (e.g. W371)";
    case T::kSnomed: return IsSnomedId(v) ? nullptr : "not a SNOMED CT id (partition or Verhoeff check digit)";
    case T::kBnf: return IsBnfCode(v) ? nullptr : "not a BNF code (chapter 01-15 or 18-23)";
    case T::kHrg: return IsHrg(v) ? nullptr : "not an HRG code (e.g. FD01A)";
    case T::kLsoa: return IsLsoaCode(v) ? nullptr : "not an LSOA 2021 code (E01 and 6 digits)";
    case T::kOdsCode: return IsOdsCode(v) ? nullptr : "not an organisation code (3-9 capitals or digits)";
    case T::kText: return nullptr;
    case T::kDecimal: {
      size_t i = (v[0] == '-') ? 1 : 0;
      bool digits = false, dot = false;
      for (; i < v.size(); ++i) {
        if (Digit(v[i])) digits = true;
        else if (v[i] == '.' && !dot) dot = true;
        else return "expected a decimal number";
      }
      return digits ? nullptr : "expected a decimal number";
    }
  }
  return "unknown column type";
}

std::string ContractMarkdown() {
  std::string md =
      "# Input contract\n\n"
      "Generated from `src/data/contract.cc` by `icb contract --markdown`; do not edit by hand.\n\n"
      "A dataset directory holds one CSV file per table below: UTF-8 (a byte-order mark is accepted), "
      "comma-separated, RFC 4180 quoting, a header row naming the columns (any order), LF or CRLF line "
      "ends. Required files must be present; optional activity files may be absent. Every row is checked "
      "against its columns' types; a row that fails goes to the rejects file with file, line, column and "
      "reason, and each file's counts balance: rows read = rows loaded + rows rejected.\n\n";
  for (const auto& f : InputContract()) {
    md += "## `" + std::string(f.file_name) + "`" + (f.required ? " (required)" : " (optional)") + "\n\n";
    md += std::string(f.description) + "\n\n";
    md += "| column | type | required | allowed values | meaning |\n|---|---|---|---|---|\n";
    for (const auto& c : f.columns) {
      std::string allowed;
      for (size_t i = 0; i < c.allowed.size(); ++i) allowed += (i ? ", " : "") + std::string(c.allowed[i]);
      md += "| `" + std::string(c.name) + "` | " + std::string(ColumnTypeName(c.type)) + " | " +
            (c.required ? "yes" : "no") + " | " + allowed + " | " + std::string(c.description) + " |\n";
    }
    md += "\n";
  }
  return md;
}

}  // namespace icb
