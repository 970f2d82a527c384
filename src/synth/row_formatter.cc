#include "synth/row_formatter.h"

#include <cmath>

#include "core/date.h"
#include "data/contract.h"
#include "data/types.h"

namespace icb::synth {
namespace {

// ISO strings of every day from 1880-01-01 to 2100-12-31, built once.
struct DateCache {
  int32_t base = 0;
  std::vector<std::array<char, 10>> iso;
  DateCache() {
    base = icb::Date::FromCivil(1880, 1, 1).days();
    const int32_t last = icb::Date::FromCivil(2100, 12, 31).days();
    iso.resize(static_cast<size_t>(last - base + 1));
    for (int32_t d = base; d <= last; ++d) {
      const std::string s = icb::Date(d).ToIso();
      std::copy(s.begin(), s.end(), iso[static_cast<size_t>(d - base)].begin());
    }
  }
};
const DateCache& Dates() {
  static const DateCache kCache;
  return kCache;
}

void U64(std::string& s, uint64_t v) {
  char buf[24];
  int n = 0;
  do {
    buf[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v);
  while (n) s.push_back(buf[--n]);
}
void Money(std::string& s, int64_t pence) {
  if (pence < 0) pence = 0;
  U64(s, static_cast<uint64_t>(pence / 100));
  s.push_back('.');
  s.push_back(static_cast<char>('0' + (pence % 100) / 10));
  s.push_back(static_cast<char>('0' + pence % 10));
}
// One decimal place at most ("138", "35.4").
void Decimal1(std::string& s, double v) {
  long long t = std::llround(v * 10.0);
  if (t < 0) {
    s.push_back('-');
    t = -t;
  }
  U64(s, static_cast<uint64_t>(t / 10));
  if (t % 10) {
    s.push_back('.');
    s.push_back(static_cast<char>('0' + t % 10));
  }
}
void Fixed(std::string& s, double v, int decimals) {
  char buf[48];
  const int n = std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  s.append(buf, static_cast<size_t>(n));
}
void Code2(std::string& s, int v) {
  s.push_back(static_cast<char>('0' + v / 10));
  s.push_back(static_cast<char>('0' + v % 10));
}
std::vector<std::string_view> Allowed(std::string_view file, std::string_view column) {
  const FileSpec* f = FindFileSpec(file);
  const int c = f ? f->ColumnIndex(column) : -1;
  if (c < 0) return {};
  return f->columns[static_cast<size_t>(c)].allowed;
}

}  // namespace

std::string_view OutFileName(OutFile f) {
  static constexpr std::string_view k[] = {
      "persons.csv",          "gp_registrations.csv",       "gp_appointments.csv",   "ae_attendances.csv",
      "apc_spells.csv",       "outpatient_attendances.csv", "community_contacts.csv", "mental_health_contacts.csv",
      "social_care_services.csv", "prescriptions.csv",      "gp_events.csv",          "ltc_registers.csv",
      "emergency_risk.csv",   "persons.csv"};
  return k[static_cast<int>(f)];
}

std::string OutFileHeader(OutFile f) {
  std::string h;
  if (f == OutFile::kTruthRisk) return "nhs_number,financial_year,p_emergency_admission\n";
  if (f == OutFile::kTruthPersons) {
    h = "nhs_number,person_kind,entry_date,exit_reason,frailty_index_entry,frailty_index_exit,z_general,z_acute,z_mental";
    for (auto c : kQofConditions) {
      h += ",has_";
      for (char ch : c) h.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
    }
    return h + "\n";
  }
  const FileSpec* spec = FindFileSpec(OutFileName(f));
  for (size_t i = 0; spec && i < spec->columns.size(); ++i) {
    if (i) h.push_back(',');
    h += spec->columns[i].name;
  }
  return h + "\n";
}

RowFormatter::RowFormatter(const SynthContext& ctx) : ctx_(ctx) {
  hcp_ = Allowed("gp_appointments", "hcp_type");
  mode_ = Allowed("gp_appointments", "appointment_mode");
  status_ = Allowed("gp_appointments", "appointment_status");
  community_ = Allowed("community_contacts", "service_type");
  mental_health_ = Allowed("mental_health_contacts", "service_type");
  setting_ = Allowed("social_care_services", "support_setting");
}

void RowFormatter::Date(std::string& s, int32_t day) {
  const DateCache& d = Dates();
  const int64_t i = static_cast<int64_t>(day) - d.base;
  if (i >= 0 && i < static_cast<int64_t>(d.iso.size())) {
    s.append(d.iso[static_cast<size_t>(i)].data(), 10);
  } else {
    s += icb::Date(day).ToIso();
  }
}

void RowFormatter::Format(const PersonHistory& h, uint64_t nhs_number, BlockBuffers& out) {
  const ReferenceData& ref = ctx_.ref;
  char nhs_buf[10];
  for (int i = 9; i >= 0; --i) {
    nhs_buf[i] = static_cast<char>('0' + nhs_number % 10);
    nhs_number /= 10;
  }
  const std::string_view nhs(nhs_buf, 10);
  auto begin = [&](OutFile f) -> std::string& {
    auto& s = out.text[static_cast<size_t>(f)];
    ++out.rows[static_cast<size_t>(f)];
    s.append(nhs);
    s.push_back(',');
    return s;
  };
  auto practice = [&](int p) -> std::string_view { return ref.practices[static_cast<size_t>(p)].code; };
  auto provider = [&](int p) -> std::string_view { return ref.providers[static_cast<size_t>(p)].code; };

  {
    auto& s = begin(OutFile::kPersons);
    const icb::Date dob(h.dob);
    s += dob.ToYearMonth();
    s += h.sex == 0 ? ",1," : ",2,";
    s += kEthnicCodes[h.ethnic];
    s.push_back(',');
    s += ref.lsoas[static_cast<size_t>(h.lsoa)].code;
    s.push_back(',');
    if (h.death != kOpen) Date(s, h.death);
    s.push_back('\n');
  }
  for (const auto& r : h.registrations) {
    auto& s = begin(OutFile::kRegistrations);
    s += practice(r.practice);
    s.push_back(',');
    Date(s, r.start);
    s.push_back(',');
    if (r.end != kOpen) Date(s, r.end);
    s.push_back('\n');
  }
  for (const auto& g : h.gp) {
    auto& s = begin(OutFile::kGpAppointments);
    Date(s, g.date);
    s.push_back(',');
    s += practice(g.practice);
    s.push_back(',');
    s += hcp_[g.hcp];
    s.push_back(',');
    s += mode_[g.mode];
    s.push_back(',');
    s += status_[g.status];
    s.push_back(',');
    Money(s, g.cost_pence);
    s.push_back('\n');
  }
  for (const auto& a : h.ae) {
    auto& s = begin(OutFile::kAe);
    Date(s, a.date);
    s.push_back(',');
    s += provider(a.provider);
    s.push_back(',');
    Code2(s, a.department_type);
    s.push_back(',');
    s.push_back(static_cast<char>('0' + a.arrival_mode));
    s.push_back(',');
    Code2(s, a.disposal);
    s.push_back(',');
    s += a.snomed;
    s.push_back(',');
    s += ctx_.hrg.Code(a.hrg);
    s.push_back(',');
    Money(s, a.cost_pence);
    s.push_back('\n');
  }
  for (const auto& a : h.apc) {
    auto& s = begin(OutFile::kApc);
    s += provider(a.provider);
    s.push_back(',');
    Date(s, a.admission);
    s.push_back(',');
    if (a.discharge != kOpen) Date(s, a.discharge);
    s.push_back(',');
    s += a.method;
    s.push_back(',');
    s.push_back(static_cast<char>('0' + a.classification));
    s.push_back(',');
    static constexpr std::string_view kPod[] = {"EL", "DC", "NEL", "MAT"};
    s += kPod[static_cast<int>(a.pod)];
    s.push_back(',');
    s += a.icd10;
    s.push_back(',');
    int n = 0;
    for (int c = 0; c < kConditionCount && n < 8; ++c) {
      if (!((a.comorbidity_mask >> c) & 1u)) continue;
      const std::string_view code = ref.condition_codes[static_cast<size_t>(h.condition_code[c])].icd10;
      if (code == a.icd10) continue;
      if (n++) s.push_back(';');
      s += code;
    }
    s.push_back(',');
    s += a.opcs;
    s.push_back(',');
    s += ctx_.hrg.Code(a.hrg);
    s.push_back(',');
    Money(s, a.cost_pence);
    s.push_back('\n');
  }
  for (const auto& o : h.op) {
    auto& s = begin(OutFile::kOutpatients);
    Date(s, o.date);
    s.push_back(',');
    s += provider(o.provider);
    s.push_back(',');
    s.push_back(static_cast<char>('0' + o.first_attendance));
    s.push_back(',');
    s += o.tfc;
    s.push_back(',');
    s.push_back(o.attended);
    s.push_back(',');
    s += o.opcs;
    s.push_back(',');
    if (o.hrg >= 0) s += ctx_.hrg.Code(o.hrg);
    s.push_back(',');
    Money(s, o.cost_pence);
    s.push_back('\n');
  }
  auto contacts = [&](OutFile f, const std::vector<CareContact>& v, const std::vector<std::string_view>& names) {
    for (const auto& c : v) {
      auto& s = begin(f);
      Date(s, c.date);
      s.push_back(',');
      s += provider(c.provider);
      s.push_back(',');
      s += names[c.service];
      s.push_back(',');
      Money(s, c.cost_pence);
      s.push_back('\n');
    }
  };
  contacts(OutFile::kCommunity, h.community, community_);
  contacts(OutFile::kMentalHealth, h.mental_health, mental_health_);
  for (const auto& c : h.social_care) {
    auto& s = begin(OutFile::kSocialCare);
    Date(s, c.start);
    s.push_back(',');
    if (c.end != kOpen) Date(s, c.end);
    s.push_back(',');
    s += provider(c.provider);
    s.push_back(',');
    s += setting_[c.setting];
    s.push_back(',');
    Money(s, c.cost_pence);
    s.push_back('\n');
  }
  for (const auto& r : h.prescriptions) {
    auto& s = begin(OutFile::kPrescriptions);
    Date(s, r.month);
    s.push_back(',');
    s += practice(r.practice);
    s.push_back(',');
    s += ref.drugs[static_cast<size_t>(r.drug)].bnf;
    s.push_back(',');
    U64(s, static_cast<uint64_t>(r.items));
    s.push_back(',');
    Money(s, r.cost_pence);
    s.push_back('\n');
  }
  for (const auto& e : h.gp_events) {
    auto& s = begin(OutFile::kGpEvents);
    Date(s, e.date);
    s.push_back(',');
    s += e.snomed;
    s.push_back(',');
    if (e.has_value) Decimal1(s, e.value);
    s.push_back(',');
    s += e.unit;
    s.push_back('\n');
  }
  for (const auto& l : h.ltc) {
    auto& s = begin(OutFile::kLtc);
    s += kQofConditions[l.condition];
    s.push_back(',');
    Date(s, l.date);
    s.push_back('\n');
  }
  // Truths: the last two financial years' emergency admission risk, and the person's latent state.
  for (const auto& r : h.risk) {
    if (r.fy < ctx_.period.years - 2) continue;
    auto& s = begin(OutFile::kTruthRisk);
    s += ctx_.period.FyLabel(r.fy);
    s.push_back(',');
    Fixed(s, r.p, 8);
    s.push_back('\n');
  }
  {
    auto& s = begin(OutFile::kTruthPersons);
    static constexpr std::string_view kKind[] = {"resident", "birth", "in_migrant"};
    static constexpr std::string_view kExit[] = {"", "death", "moved_out"};
    s += kKind[static_cast<int>(h.kind)];
    s.push_back(',');
    Date(s, h.entry);
    s.push_back(',');
    s += kExit[static_cast<int>(h.exit_reason)];
    for (double v : {h.frailty_entry, h.frailty_exit, h.z_general, h.z_acute, h.z_mental}) {
      s.push_back(',');
      Fixed(s, v, 4);
    }
    for (int c = 0; c < kConditionCount; ++c) {
      s.push_back(',');
      s.push_back(((h.conditions_at_exit >> c) & 1u) ? '1' : '0');
    }
    s.push_back('\n');
  }
}

}  // namespace icb::synth
