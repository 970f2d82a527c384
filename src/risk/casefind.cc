#include "risk/casefind.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <unordered_set>

#include "core/file_util.h"
#include "report/csv_writer.h"
#include "risk/explain.h"
#include "risk/risk_pipeline.h"

namespace icb::risk {
namespace {

constexpr int32_t kRecentContactDays = 90;
// Rising risk: the risk now at least this multiple of the risk a year earlier, and this much higher.
constexpr float kRisingRatio = 1.25f;
constexpr float kRisingAbsolute = 0.02f;

// The practice row a person is registered with on `day`, or -1.
int64_t PracticeOn(const Dataset& ds, uint32_t p, int32_t day) {
  const auto& r = ds.registrations;
  for (uint64_t i = r.offsets[p]; i < r.offsets[p + 1]; ++i) {
    if (r.start[i] <= day && (r.end[i] == kNoDate || r.end[i] >= day)) return r.practice[i];
  }
  return -1;
}

int FeatureIndex(const std::vector<std::string>& names, std::string_view name) {
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return static_cast<int>(i);
  }
  return -1;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Recent use in words from the feature row: the counts a care coordinator looks at first.
std::string RecentUse(const model::FeatureMatrix& m, size_t row) {
  struct Item {
    const char* feature;
    const char* singular;
    const char* plural;
  };
  static const Item kItems[] = {
      {"nel_admissions_12m", "emergency admission", "emergency admissions"},
      {"ae_attendances_12m", "A&E attendance", "A&E attendances"},
      {"elective_admissions_12m", "planned admission", "planned admissions"},
      {"op_attendances_12m", "outpatient attendance", "outpatient attendances"},
      {"gp_appointments_12m", "GP appointment", "GP appointments"},
      {"community_contacts_12m", "community contact", "community contacts"},
      {"mh_contacts_12m", "mental health contact", "mental health contacts"},
  };
  std::string out;
  for (const Item& it : kItems) {
    const int c = FeatureIndex(m.names, it.feature);
    if (c < 0) continue;
    const long n = std::lround(m.at(row, static_cast<size_t>(c)));
    if (n <= 0) continue;
    if (!out.empty()) out += ", ";
    out += fmt::format("{} {}", n, n == 1 ? it.singular : it.plural);
  }
  return out.empty() ? std::string("no recorded use in the last 12 months") : out + " in the last 12 months";
}

bool RecentContact(const Dataset& ds, uint32_t p, int32_t as_at, const std::vector<Setting>& settings) {
  if (settings.empty()) return false;
  const auto& e = ds.events;
  for (uint64_t i = e.offsets[p]; i < e.offsets[p + 1]; ++i) {
    if (e.date[i] >= as_at) break;
    const auto s = static_cast<Setting>(e.setting[i]);
    if (std::find(settings.begin(), settings.end(), s) == settings.end()) continue;
    const bool open_service = s == Setting::kSocialCare && (e.end_date[i] == kNoDate || e.end_date[i] >= as_at);
    if (e.date[i] >= as_at - kRecentContactDays || open_service) return true;
  }
  return false;
}

}  // namespace

std::string_view ScopeKindName(ScopeKind k) {
  switch (k) {
    case ScopeKind::kPractice: return "practice";
    case ScopeKind::kPcn: return "pcn";
    case ScopeKind::kNeighbourhood: return "neighbourhood";
  }
  return "?";
}

Result<std::vector<uint32_t>> ScopePersons(const Dataset& ds, const CasefindScope& scope, int32_t as_at) {
  std::vector<uint8_t> practice_in(ds.practices.size(), 0), lsoa_in(ds.lsoas.size(), 0);
  size_t matched = 0;
  switch (scope.kind) {
    case ScopeKind::kPractice:
      for (size_t i = 0; i < ds.practices.size(); ++i) {
        if (ds.practices.code.Get(static_cast<uint32_t>(i)) == scope.code) practice_in[i] = 1, ++matched;
      }
      if (!matched) return Status::NotFound(fmt::format("casefind: no practice {} in the dataset", scope.code));
      break;
    case ScopeKind::kPcn:
      for (size_t i = 0; i < ds.practices.size(); ++i) {
        if (ds.practices.pcn_code[i] == scope.code) practice_in[i] = 1, ++matched;
      }
      if (!matched) return Status::NotFound(fmt::format("casefind: no practice of PCN {} in the dataset", scope.code));
      break;
    case ScopeKind::kNeighbourhood: {
      std::unordered_set<std::string> wanted(scope.lsoas.begin(), scope.lsoas.end());
      for (size_t i = 0; i < ds.lsoas.size(); ++i) {
        if (wanted.count(std::string(ds.lsoas.code.Get(static_cast<uint32_t>(i))))) lsoa_in[i] = 1, ++matched;
      }
      if (!matched) {
        return Status::NotFound(
            fmt::format("casefind: none of the {} LSOAs of neighbourhood {} is in the dataset", wanted.size(), scope.code));
      }
      break;
    }
  }
  std::vector<uint32_t> out;
  for (uint32_t p = 0; p < ds.person_count(); ++p) {
    if (ds.persons.birth[p] > as_at) continue;
    if (ds.persons.death[p] != kNoDate && ds.persons.death[p] < as_at) continue;
    const int64_t practice = PracticeOn(ds, p, as_at);
    if (practice < 0) continue;
    const bool in = scope.kind == ScopeKind::kNeighbourhood
                        ? (ds.persons.lsoa[p] < lsoa_in.size() && lsoa_in[ds.persons.lsoa[p]])
                        : practice_in[static_cast<size_t>(practice)] != 0;
    if (in) out.push_back(p);
  }
  if (out.size() > kMaxScopePersons) {
    return Status::Refused(fmt::format(
        "casefind: {} {} holds {} registered people, more than the {} a case-finding list may cover; choose a "
        "practice, a PCN or a smaller neighbourhood",
        ScopeKindName(scope.kind), scope.code, out.size(), kMaxScopePersons));
  }
  return out;
}

Result<CasefindList> FindCases(const Dataset& ds, const ScoringConfig& config, const model::ModelCard& card,
                               const CasefindQuery& q) {
  if (q.as_at == kNoDate) return Status::InvalidInput("casefind: no as-at date");
  auto scope = ScopePersons(ds, q.scope, q.as_at);
  if (!scope.ok()) return scope.status();
  CasefindList list;
  list.scope_description = fmt::format("{} {}", ScopeKindName(q.scope.kind), q.scope.code);

  const FeatureOptions options = CardFeatureOptions(card);
  auto cohort = BuildCohort(ds, config, q.as_at, kNoDate, Outcome::kEmergencyAdmission, options, *scope);
  if (!cohort.ok()) return cohort.status();
  const auto& persons = cohort->features.person;
  const model::FeatureMatrix& x = cohort->features.matrix;
  list.scope_persons = persons.size();
  auto risk = ScoreMatrix(card, x);
  if (!risk.ok()) return risk.status();

  // Filters.
  int condition_col = -1;
  if (!q.condition.empty()) {
    condition_col = FeatureIndex(x.names, "ltc_" + Lower(q.condition));
    if (condition_col < 0) {
      return Status::InvalidInput(fmt::format("casefind: unknown condition '{}' (use a QOF register code such as HF, COPD, DM)",
                                              q.condition));
    }
  }
  std::vector<Digest> exclude = q.exclude;
  std::sort(exclude.begin(), exclude.end());
  std::vector<size_t> eligible;
  for (size_t r = 0; r < persons.size(); ++r) {
    const uint32_t p = persons[r];
    bool keep = true;
    if (q.segment && cohort->scores.segment[p] != static_cast<uint8_t>(*q.segment)) keep = false;
    if (keep && condition_col >= 0 && x.at(r, static_cast<size_t>(condition_col)) < 0.5f) keep = false;
    if (keep && !exclude.empty() && std::binary_search(exclude.begin(), exclude.end(), ds.persons.pseudonym[p])) keep = false;
    if (keep && RecentContact(ds, p, q.as_at, q.exclude_recent)) keep = false;
    if (keep) eligible.push_back(r);
  }
  list.eligible = eligible.size();
  list.excluded = persons.size() - eligible.size();

  // Impactability: ACSC admissions in the last 12 months, or risk rising over the year.
  std::vector<uint8_t> impactable(persons.size(), 0);
  std::vector<float> risk_before(persons.size(), -1.0f);
  std::vector<std::string> because(persons.size());
  if (q.impactability) {
    const int acsc = FeatureIndex(x.names, "acsc_admissions_12m");
    if (acsc < 0) return Status::Internal("casefind: the model has no acsc_admissions_12m feature");
    std::vector<uint32_t> eligible_persons;
    for (size_t r : eligible) eligible_persons.push_back(persons[r]);
    auto before = BuildCohort(ds, config, q.as_at - 365, kNoDate, Outcome::kEmergencyAdmission, options, eligible_persons);
    if (!before.ok()) return before.status();
    auto before_risk = ScoreMatrix(card, before->features.matrix);
    if (!before_risk.ok()) return before_risk.status();
    size_t j = 0;
    for (size_t r : eligible) {
      const uint32_t p = persons[r];
      while (j < before->features.person.size() && before->features.person[j] < p) ++j;
      if (j < before->features.person.size() && before->features.person[j] == p) risk_before[r] = (*before_risk)[j];
      const long n = std::lround(x.at(r, static_cast<size_t>(acsc)));
      if (n > 0) {
        impactable[r] = 1;
        because[r] = fmt::format("{} emergency admission{} for an ambulatory care sensitive condition in the last 12 months",
                                 n, n == 1 ? "" : "s");
      }
      const float now = (*risk)[r], then = risk_before[r];
      if (then >= 0 && now >= kRisingRatio * then && now - then >= kRisingAbsolute) {
        impactable[r] = 1;
        if (!because[r].empty()) because[r] += "; ";
        because[r] += fmt::format("risk rose from {:.1f}% to {:.1f}% over the year", 100 * then, 100 * now);
      }
    }
  }

  std::sort(eligible.begin(), eligible.end(), [&](size_t a, size_t b) {
    if (q.impactability && impactable[a] != impactable[b]) return impactable[a] > impactable[b];
    if ((*risk)[a] != (*risk)[b]) return (*risk)[a] > (*risk)[b];
    return ds.persons.pseudonym[persons[a]] < ds.persons.pseudonym[persons[b]];
  });
  size_t k = q.top_k;
  if (k == 0) {
    k = q.top_percent > 0 ? static_cast<size_t>(std::ceil(q.top_percent / 100.0 * static_cast<double>(eligible.size())))
                          : 50;
  }
  k = std::min(k, eligible.size());

  // Explanations for the listed rows only.
  model::FeatureMatrix listed(k, x.names);
  for (size_t i = 0; i < k; ++i) std::copy(x.row(eligible[i]).begin(), x.row(eligible[i]).end(), listed.row(i).begin());
  std::vector<float> contributions;
  if (k > 0) {
    auto c = card.gbm.Contributions(listed);
    if (!c.ok()) return c.status();
    contributions = std::move(*c);
  }
  const auto& catalogue = FeatureCatalogue(options);
  for (size_t i = 0; i < k; ++i) {
    const size_t r = eligible[i];
    const uint32_t p = persons[r];
    CasefindEntry e;
    e.rank = i + 1;
    e.person = p;
    e.pseudonym = ToHex(ds.persons.pseudonym[p]);
    const int64_t practice = PracticeOn(ds, p, q.as_at);
    e.practice = practice >= 0 ? std::string(ds.practices.code.Get(static_cast<uint32_t>(practice))) : "";
    e.risk = (*risk)[r];
    e.risk_year_before = risk_before[r];
    e.segment = std::string(B2hSegmentLabel(static_cast<B2hSegment>(cohort->scores.segment[p])));
    e.reasons = JoinReasons(ExplainRow(catalogue, listed, contributions, i, q.max_reasons));
    e.recent_use = RecentUse(x, r);
    e.impactable = impactable[r] != 0;
    e.impactable_because = because[r];
    list.entries.push_back(std::move(e));
  }
  return list;
}

Status WriteCasefindCsv(const CasefindList& list, const std::string& path) {
  std::string out = "rank,pseudonym,practice,risk_pct,segment,reasons,recent_use,impactable,impactable_because\n";
  for (const auto& e : list.entries) {
    out += fmt::format("{},{},{},{:.1f},{},{},{},{},{}\n", e.rank, e.pseudonym, report::CsvField(e.practice),
                       100.0 * e.risk, report::CsvField(e.segment), report::CsvField(e.reasons),
                       report::CsvField(e.recent_use), e.impactable ? "yes" : "no",
                       report::CsvField(e.impactable_because));
  }
  return WriteFileAtomic(path, out);
}

}  // namespace icb::risk
