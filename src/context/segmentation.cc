#include "context/segmentation.h"

#include <algorithm>
#include <array>
#include <filesystem>
#include <map>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "core/file_util.h"
#include "core/parallel.h"
#include "data/types.h"

#ifndef ICB_DATA_DIR
// The source tree's data/ directory, from this file's path (src/context/segmentation.cc).
#define ICB_DATA_DIR ""
#endif

namespace icb {
namespace {

using nlohmann::json;

// The code system each source reads.
CodeSystemKind SourceSystem(RuleSource s) {
  switch (s) {
    case RuleSource::kGpRecord:
    case RuleSource::kAeDiagnosis: return CodeSystemKind::kSnomed;
    case RuleSource::kApcDiagnosis:
    case RuleSource::kApcPrimary: return CodeSystemKind::kIcd10;
    case RuleSource::kApcProcedure:
    case RuleSource::kOpProcedure: return CodeSystemKind::kOpcs4;
    case RuleSource::kHrg: return CodeSystemKind::kHrg;
    case RuleSource::kPrescribing: return CodeSystemKind::kBnf;
    case RuleSource::kRegister: return CodeSystemKind::kQof;
    case RuleSource::kActivity: break;
  }
  return CodeSystemKind::kQof;
}

// The category of row `row`: its `category` column, or its code when the list has none.
const std::string& RowCategory(const CodeList& l, size_t row) {
  const int c = l.ExtraColumn("category");
  return c < 0 ? l.codes[row] : l.extra[row][static_cast<size_t>(c)];
}

class FeatureIndex {
 public:
  explicit FeatureIndex(std::vector<Feature>& features) : features_(features) {}
  uint16_t Intern(int codelist, const std::string& category, int pod) {
    for (size_t i = 0; i < features_.size(); ++i) {
      const Feature& f = features_[i];
      if (f.codelist == codelist && f.category == category && f.pod == pod) return static_cast<uint16_t>(i);
    }
    features_.push_back({codelist, category, pod});
    return static_cast<uint16_t>(features_.size() - 1);
  }

 private:
  std::vector<Feature>& features_;
};

int ListIndex(const std::vector<CodeList>& lists, std::string_view name) {
  for (size_t i = 0; i < lists.size(); ++i)
    if (lists[i].name == name) return static_cast<int>(i);
  return -1;
}

Status ResolveRuleSet(RuleSet& rs, const std::vector<CodeList>& lists, FeatureIndex& index) {
  for (auto& el : rs.elements) {
    const std::string where = rs.file + ": element '" + el.id + "': ";
    for (auto& clause : el.any_of) {
      for (auto& r : clause) {
        if (!r.score.empty() || r.sources == 0) continue;
        if (r.sources == (1u << static_cast<int>(RuleSource::kActivity))) {
          for (int p = 0; p < kPodCount; ++p)
            if ((r.pods >> p) & 1u) r.features.push_back(index.Intern(-1, "", p));
          continue;
        }
        const int li = ListIndex(lists, r.codelist);
        if (li < 0) return Status::InvalidInput(where + "code list '" + r.codelist + "' not found in codelists/");
        const CodeList& l = lists[static_cast<size_t>(li)];
        for (int s = 0; s < kRuleSourceCount; ++s) {
          if (!((r.sources >> s) & 1u)) continue;
          if (SourceSystem(static_cast<RuleSource>(s)) != l.system) {
            return Status::InvalidInput(where + "source '" + std::string(RuleSourceName(static_cast<RuleSource>(s))) +
                                        "' reads " + std::string(CodeSystemKindName(SourceSystem(static_cast<RuleSource>(s)))) +
                                        " codes but list '" + l.name + "' is " + std::string(CodeSystemKindName(l.system)));
          }
        }
        if (!r.category.empty()) {
          bool found = false;
          for (size_t row = 0; row < l.size() && !found; ++row) found = RowCategory(l, row) == r.category;
          if (!found) return Status::InvalidInput(where + "list '" + l.name + "' has no category '" + r.category + "'");
        }
        r.features.push_back(index.Intern(li, r.category, -1));
      }
    }
  }
  return Status::Ok();
}

Result<RuleSet> LoadRules(const std::string& path, std::string_view kind) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return Status::NotFound(path + ": rule file not found");
  auto text = ReadFile(path);
  if (!text.ok()) return text.status();
  return ParseRuleSet(*text, path, kind);
}

Result<uint32_t> ParseSources(const json& j, const std::string& where) {
  uint32_t out = 0;
  std::vector<std::string> names;
  if (j.is_string()) {
    names.push_back(j.get<std::string>());
  } else if (j.is_array()) {
    for (const auto& v : j)
      if (v.is_string()) names.push_back(v.get<std::string>());
  }
  for (const auto& n : names) {
    bool found = false;
    for (int s = 0; s < kRuleSourceCount; ++s) {
      if (RuleSourceName(static_cast<RuleSource>(s)) == n) {
        out |= 1u << s;
        found = true;
      }
    }
    if (!found) return Status::InvalidInput(where + ": unknown source '" + n + "'");
  }
  if (out == 0) return Status::InvalidInput(where + ": \"source\" must name at least one source");
  return out;
}

Status LoadWeighted(const json& j, const char* key, const std::string& file, const std::vector<CodeList>& lists,
                    FeatureIndex& index, WeightedCategories& out) {
  const std::string where = file + ": \"" + key + "\"";
  auto it = j.find(key);
  if (it == j.end() || !it->is_object()) return Status::InvalidInput(where + ": missing object");
  const json& s = *it;
  if (!s.contains("codelist") || !s["codelist"].is_string()) return Status::InvalidInput(where + ": missing \"codelist\"");
  out.codelist = s["codelist"].get<std::string>();
  const int li = ListIndex(lists, out.codelist);
  if (li < 0) return Status::InvalidInput(where + ": code list '" + out.codelist + "' not found in codelists/");
  const CodeList& l = lists[static_cast<size_t>(li)];
  auto sources = ParseSources(s.value("source", json()), where);
  if (!sources.ok()) return sources.status();
  out.sources = *sources;
  for (int k = 0; k < kRuleSourceCount; ++k) {
    if (((out.sources >> k) & 1u) && SourceSystem(static_cast<RuleSource>(k)) != l.system) {
      return Status::InvalidInput(where + ": source '" + std::string(RuleSourceName(static_cast<RuleSource>(k))) +
                                  "' does not read " + std::string(CodeSystemKindName(l.system)) + " codes");
    }
  }
  if (!s.contains("window_days") || !s["window_days"].is_number_integer() || s["window_days"].get<int>() < 0) {
    return Status::InvalidInput(where + ": \"window_days\" must be a whole number of days (0: all history)");
  }
  out.window_days = s["window_days"].get<int>();
  if (!s.contains("weights") || !s["weights"].is_array()) return Status::InvalidInput(where + ": missing \"weights\" array");
  std::vector<int> cols;
  for (const auto& w : s["weights"]) {
    if (!w.is_string()) return Status::InvalidInput(where + ": \"weights\" must name columns");
    const int c = l.ExtraColumn(w.get<std::string>());
    if (c < 0) return Status::InvalidInput(where + ": list '" + l.name + "' has no column '" + w.get<std::string>() + "'");
    out.weight_columns.push_back(w.get<std::string>());
    cols.push_back(c);
  }
  out.weights.assign(cols.size(), {});
  for (size_t row = 0; row < l.size(); ++row) {
    const std::string& cat = RowCategory(l, row);
    auto pos = std::find(out.categories.begin(), out.categories.end(), cat);
    const bool first = pos == out.categories.end();
    const size_t ci = first ? out.categories.size() : static_cast<size_t>(pos - out.categories.begin());
    if (first) {
      out.categories.push_back(cat);
      out.features.push_back(index.Intern(li, cat, -1));
    }
    for (size_t w = 0; w < cols.size(); ++w) {
      auto v = l.Number(row, cols[w]);
      if (!v.ok()) return v.status();
      if (first) {
        out.weights[w].push_back(*v);
      } else if (out.weights[w][ci] != *v) {
        return Status::InvalidInput(l.file + " line " + std::to_string(l.lines[row]) + ": weight '" +
                                    out.weight_columns[w] + "' differs from the category's first row");
      }
    }
  }
  if (auto h = s.find("hierarchy"); h != s.end()) {
    for (const auto& pair : *h) {
      if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() || !pair[1].is_string()) {
        return Status::InvalidInput(where + ": \"hierarchy\" holds [milder, worse] category pairs");
      }
      int a = -1, b = -1;
      for (size_t c = 0; c < out.categories.size(); ++c) {
        if (out.categories[c] == pair[0].get<std::string>()) a = static_cast<int>(c);
        if (out.categories[c] == pair[1].get<std::string>()) b = static_cast<int>(c);
      }
      if (a < 0 || b < 0) return Status::InvalidInput(where + ": hierarchy names a category not in '" + l.name + "'");
      out.hierarchy.emplace_back(a, b);
    }
  }
  return Status::Ok();
}

// ---- Per-person evaluation ---------------------------------------------------------------------

struct Hit {
  uint16_t feature;
  uint8_t source;
  uint8_t pod;
  int32_t date;
  uint32_t code;
};

// Code id -> feature ids, per code system (CSR).
struct CodeFeatures {
  std::vector<uint32_t> offsets;
  std::vector<uint16_t> features;
  std::pair<const uint16_t*, const uint16_t*> Of(uint32_t code) const {
    if (code + 1 >= offsets.size()) return {nullptr, nullptr};
    return {features.data() + offsets[code], features.data() + offsets[code + 1]};
  }
};

constexpr int kSystems = 6;

struct Compiled {
  std::array<CodeFeatures, kSystems> by_system;  // indexed by CodeSystemKind
  std::vector<int16_t> pod_feature;              // pod -> feature, -1 when unused
};

Compiled Compile(const Dataset& ds, const ScoringConfig& cfg) {
  Compiled c;
  const auto& features = cfg.scores.features;
  // Per system: normalised code (or prefix) -> features, split into exact and prefix maps.
  std::array<std::unordered_map<std::string, std::vector<uint16_t>>, kSystems> exact, prefix;
  for (size_t f = 0; f < features.size(); ++f) {
    const Feature& ft = features[f];
    if (ft.codelist < 0) continue;
    const CodeList& l = cfg.codelists[static_cast<size_t>(ft.codelist)];
    auto& m = (l.prefix_match ? prefix : exact)[static_cast<int>(l.system)];
    for (size_t row = 0; row < l.size(); ++row) {
      if (!ft.category.empty() && RowCategory(l, row) != ft.category) continue;
      m[l.codes[row]].push_back(static_cast<uint16_t>(f));
    }
  }
  const size_t n = ds.codes.size();
  std::vector<uint16_t> found;
  for (int s = 0; s < kSystems; ++s) {
    auto& cf = c.by_system[static_cast<size_t>(s)];
    if (s == static_cast<int>(CodeSystemKind::kQof)) {
      // QOF registers are condition indexes, not dictionary codes.
      cf.offsets.assign(1, 0);
      for (size_t k = 0; k < kQofConditions.size(); ++k) {
        found.clear();
        if (auto it = exact[static_cast<size_t>(s)].find(std::string(kQofConditions[k])); it != exact[static_cast<size_t>(s)].end())
          found = it->second;
        if (auto it = prefix[static_cast<size_t>(s)].find(std::string(kQofConditions[k])); it != prefix[static_cast<size_t>(s)].end())
          found.insert(found.end(), it->second.begin(), it->second.end());
        std::sort(found.begin(), found.end());
        found.erase(std::unique(found.begin(), found.end()), found.end());
        cf.features.insert(cf.features.end(), found.begin(), found.end());
        cf.offsets.push_back(static_cast<uint32_t>(cf.features.size()));
      }
      continue;
    }
    const auto& ex = exact[static_cast<size_t>(s)];
    const auto& pr = prefix[static_cast<size_t>(s)];
    cf.offsets.assign(1, 0);
    cf.offsets.reserve(n + 1);
    std::string key;
    for (uint32_t id = 0; id < n; ++id) {
      found.clear();
      if (!ex.empty() || !pr.empty()) {
        const std::string code = NormaliseCode(ds.codes.at(id));
        if (auto it = ex.find(code); it != ex.end()) found = it->second;
        for (size_t len = 1; len <= code.size() && !pr.empty(); ++len) {
          key.assign(code, 0, len);
          if (auto it = pr.find(key); it != pr.end()) found.insert(found.end(), it->second.begin(), it->second.end());
        }
        std::sort(found.begin(), found.end());
        found.erase(std::unique(found.begin(), found.end()), found.end());
      }
      cf.features.insert(cf.features.end(), found.begin(), found.end());
      cf.offsets.push_back(static_cast<uint32_t>(cf.features.size()));
    }
  }
  c.pod_feature.assign(kPodCount, -1);
  for (size_t f = 0; f < features.size(); ++f)
    if (features[f].pod >= 0) c.pod_feature[static_cast<size_t>(features[f].pod)] = static_cast<int16_t>(f);
  return c;
}

struct PersonState {
  int age = 0;
  uint8_t sex = 0;
  int32_t as_at = 0;
  std::vector<Hit> hits;
  std::vector<uint32_t> begin, end;  // per feature: range in hits
  std::vector<uint16_t> touched;
  std::vector<int64_t> scratch;
  double efi_deficits = 0, hfrs = 0, cms = 0, ltc_count = 0, charlson = 0;
};

void AddHits(PersonState& st, const CodeFeatures& cf, uint32_t code, RuleSource src, uint8_t pod, int32_t date) {
  auto [b, e] = cf.Of(code);
  for (auto* f = b; f != e; ++f) st.hits.push_back({*f, static_cast<uint8_t>(src), pod, date, code});
}

// Number of distinct days (or codes) with a hit of the criterion's features, sources and pods in
// its window; stops counting at `enough`.
int CountHits(const RuleCriterion& r, PersonState& st, int enough) {
  const int32_t from = r.window_days > 0 ? st.as_at - r.window_days + 1 : INT32_MIN;
  st.scratch.clear();
  for (uint16_t f : r.features) {
    for (uint32_t k = st.begin[f]; k < st.end[f]; ++k) {
      const Hit& h = st.hits[k];
      if (h.date < from || !((r.sources >> h.source) & 1u)) continue;
      if (r.pods != 0 && (h.pod >= kPodCount || !((r.pods >> h.pod) & 1u))) continue;
      st.scratch.push_back(r.distinct_codes ? static_cast<int64_t>(h.code) : static_cast<int64_t>(h.date));
      if (enough == 1) return 1;
    }
  }
  std::sort(st.scratch.begin(), st.scratch.end());
  return static_cast<int>(std::unique(st.scratch.begin(), st.scratch.end()) - st.scratch.begin());
}

bool Holds(const RuleCriterion& r, PersonState& st) {
  if (st.age < r.min_age || st.age > r.max_age) return false;
  if (r.sex != 0 && st.sex != r.sex) return false;
  bool result = true;
  if (!r.score.empty()) {
    const double v = r.score == "efi_deficits" ? st.efi_deficits
                     : r.score == "hfrs"       ? st.hfrs
                     : r.score == "cms"        ? st.cms
                     : r.score == "ltc_count"  ? st.ltc_count
                                               : st.charlson;
    result = v >= r.score_min;
  } else if (r.sources != 0) {
    result = CountHits(r, st, r.min_count) >= r.min_count;
  }
  return r.negate ? !result : result;
}

bool ElementHolds(const RuleElement& e, PersonState& st) {
  for (const auto& clause : e.any_of) {
    bool all = true;
    for (const auto& r : clause) {
      if (!Holds(r, st)) {
        all = false;
        break;
      }
    }
    if (all) return true;
  }
  return false;
}

// Which categories of a weighted score are present, after the hierarchy.
void Present(const WeightedCategories& w, PersonState& st, std::vector<uint8_t>& present) {
  present.assign(w.categories.size(), 0);
  const int32_t from = w.window_days > 0 ? st.as_at - w.window_days + 1 : INT32_MIN;
  for (size_t c = 0; c < w.categories.size(); ++c) {
    const uint16_t f = w.features[c];
    for (uint32_t k = st.begin[f]; k < st.end[f]; ++k) {
      const Hit& h = st.hits[k];
      if (h.date >= from && ((w.sources >> h.source) & 1u)) {
        present[c] = 1;
        break;
      }
    }
  }
  for (auto [milder, worse] : w.hierarchy)
    if (present[static_cast<size_t>(worse)]) present[static_cast<size_t>(milder)] = 0;
}

double Sum(const WeightedCategories& w, const std::vector<uint8_t>& present, size_t column) {
  double s = 0;
  for (size_t c = 0; c < present.size(); ++c)
    if (present[c]) s += w.weights[column][c];
  return s;
}

bool AliveAndRegistered(const Dataset& ds, size_t i, int32_t as_at) {
  const int32_t birth = ds.persons.birth[i], death = ds.persons.death[i];
  if (birth > as_at || (death != kNoDate && death < as_at)) return false;
  const auto& r = ds.registrations;
  for (uint64_t k = r.offsets[i]; k < r.offsets[i + 1]; ++k) {
    if (r.start[k] > as_at) break;
    if (r.end[k] == kNoDate || r.end[k] >= as_at) return true;
  }
  return false;
}

void ScorePerson(const Dataset& ds, const ScoringConfig& cfg, const Compiled& cc, size_t i, PersonState& st,
                 PersonScores& out, std::vector<uint8_t>& present) {
  const int32_t as_at = st.as_at;
  st.hits.clear();
  const auto& sys = cc.by_system;
  auto S = [&](CodeSystemKind k) -> const CodeFeatures& { return sys[static_cast<size_t>(k)]; };
  // GP record and APC diagnoses.
  const auto& cd = ds.coded;
  for (uint64_t k = cd.offsets[i]; k < cd.offsets[i + 1]; ++k) {
    if (cd.date[k] > as_at) break;
    if (cd.system[k] == static_cast<uint8_t>(CodeSystem::kIcd10)) {
      AddHits(st, S(CodeSystemKind::kIcd10), cd.code[k], RuleSource::kApcDiagnosis, 255, cd.date[k]);
    } else if (cd.system[k] == static_cast<uint8_t>(CodeSystem::kSnomed)) {
      AddHits(st, S(CodeSystemKind::kSnomed), cd.code[k], RuleSource::kGpRecord, 255, cd.date[k]);
    } else if (cd.system[k] == static_cast<uint8_t>(CodeSystem::kOpcs4)) {
      AddHits(st, S(CodeSystemKind::kOpcs4), cd.code[k], RuleSource::kApcProcedure, 255, cd.date[k]);
    }
  }
  // Activity.
  const auto& ev = ds.events;
  for (uint64_t k = ev.offsets[i]; k < ev.offsets[i + 1]; ++k) {
    const int32_t d = ev.date[k];
    if (d > as_at) break;
    const uint8_t pod = ev.pod[k];
    if (pod < kPodCount && cc.pod_feature[pod] >= 0) {
      st.hits.push_back({static_cast<uint16_t>(cc.pod_feature[pod]), static_cast<uint8_t>(RuleSource::kActivity), pod, d, 0});
    }
    switch (static_cast<Setting>(ev.setting[k])) {
      case Setting::kApc:
        if (ev.code[k] != Dictionary::kNone) AddHits(st, S(CodeSystemKind::kIcd10), ev.code[k], RuleSource::kApcPrimary, pod, d);
        if (ev.procedure[k] != Dictionary::kNone) AddHits(st, S(CodeSystemKind::kOpcs4), ev.procedure[k], RuleSource::kApcProcedure, pod, d);
        if (ev.hrg[k] != Dictionary::kNone) AddHits(st, S(CodeSystemKind::kHrg), ev.hrg[k], RuleSource::kHrg, pod, d);
        break;
      case Setting::kOutpatient:
        if (ev.procedure[k] != Dictionary::kNone) AddHits(st, S(CodeSystemKind::kOpcs4), ev.procedure[k], RuleSource::kOpProcedure, pod, d);
        if (ev.hrg[k] != Dictionary::kNone) AddHits(st, S(CodeSystemKind::kHrg), ev.hrg[k], RuleSource::kHrg, pod, d);
        break;
      case Setting::kAe:
        if (ev.code[k] != Dictionary::kNone) AddHits(st, S(CodeSystemKind::kSnomed), ev.code[k], RuleSource::kAeDiagnosis, pod, d);
        if (ev.hrg[k] != Dictionary::kNone) AddHits(st, S(CodeSystemKind::kHrg), ev.hrg[k], RuleSource::kHrg, pod, d);
        break;
      case Setting::kPrescribing:
        if (ev.code[k] != Dictionary::kNone) AddHits(st, S(CodeSystemKind::kBnf), ev.code[k], RuleSource::kPrescribing, pod, d);
        break;
      default: break;
    }
  }
  // QOF registers (the condition index stands in for the code).
  const auto& cn = ds.conditions;
  for (uint64_t k = cn.offsets[i]; k < cn.offsets[i + 1]; ++k) {
    if (cn.date[k] > as_at) continue;
    AddHits(st, S(CodeSystemKind::kQof), cn.condition[k], RuleSource::kRegister, 255, cn.date[k]);
  }
  std::sort(st.hits.begin(), st.hits.end(), [](const Hit& a, const Hit& b) {
    return a.feature != b.feature ? a.feature < b.feature : a.date < b.date;
  });
  for (uint16_t f : st.touched) st.begin[f] = st.end[f] = 0;
  st.touched.clear();
  for (uint32_t k = 0; k < st.hits.size(); ++k) {
    const uint16_t f = st.hits[k].feature;
    if (k == 0 || st.hits[k - 1].feature != f) {
      st.begin[f] = k;
      st.touched.push_back(f);
    }
    st.end[f] = k + 1;
  }

  const ScoreTables& t = cfg.scores;
  // LTC count: distinct QOF registers of the LTC list with an entry on or before as_at.
  {
    RuleCriterion r;
    r.sources = 1u << static_cast<int>(RuleSource::kRegister);
    r.distinct_codes = true;
    r.features.push_back(t.ltc_feature);
    st.ltc_count = CountHits(r, st, 0);
  }
  Present(t.hfrs, st, present);
  st.hfrs = Sum(t.hfrs, present, 0);
  Present(t.charlson, st, present);
  const double ch1987 = Sum(t.charlson, present, 0), ch2011 = Sum(t.charlson, present, 1);
  st.charlson = ch1987;
  Present(t.elixhauser, st, present);
  const double elix = Sum(t.elixhauser, present, 0);
  double cms = 0;
  for (const auto& e : t.cms.elements)
    if (ElementHolds(e, st)) cms += e.weight;
  st.cms = cms;
  int deficits = 0;
  for (const auto& e : t.efi.elements)
    if (ElementHolds(e, st)) ++deficits;
  st.efi_deficits = deficits;
  uint16_t flags = 0;
  const uint32_t lsoa = ds.persons.lsoa[i];
  if (lsoa < ds.lsoas.imd_decile.size() && ds.lsoas.imd_decile[lsoa] >= 1 && ds.lsoas.imd_decile[lsoa] <= 2) flags |= kCore20;
  const uint8_t eth = ds.persons.ethnicity[i];
  if (eth < kEthnicCodes.size() && kEthnicCodes[eth] != "A" && kEthnicCodes[eth] != "Z" && kEthnicCodes[eth] != "99") {
    flags |= kPlusEthnicMinority;
  }
  for (const auto& e : t.core20plus5.elements)
    if (ElementHolds(e, st)) flags |= e.flag;

  // Bridges to Health: every element sets its subsegment bit; the segment is the first in the
  // precedence order with a true element; healthy when none.
  uint32_t subs = 0, segments_true = 0;
  for (const auto& e : cfg.b2h.elements) {
    if (!ElementHolds(e, st)) continue;
    if (e.subsegment >= 0) subs |= 1u << e.subsegment;
    segments_true |= 1u << static_cast<int>(e.segment);
  }
  B2hSegment seg = B2hSegment::kHealthy;
  for (B2hSegment s : cfg.b2h.precedence) {
    if ((segments_true >> static_cast<int>(s)) & 1u) {
      seg = s;
      break;
    }
  }
  out.segment[i] = static_cast<uint8_t>(seg);
  out.subsegments[i] = subs;
  out.cms[i] = static_cast<float>(cms);
  out.efi[i] = t.efi.elements.empty() ? 0.f : static_cast<float>(deficits) / static_cast<float>(t.efi.elements.size());
  out.efi_band[i] = static_cast<uint8_t>(EfiBandOf(deficits));
  out.hfrs[i] = static_cast<float>(st.hfrs);
  out.charlson_1987[i] = static_cast<uint8_t>(std::clamp(ch1987, 0.0, 255.0));
  out.charlson_quan2011[i] = static_cast<uint8_t>(std::clamp(ch2011, 0.0, 255.0));
  out.elixhauser_vw[i] = static_cast<int16_t>(elix);
  out.ltc_count[i] = static_cast<uint8_t>(std::min(st.ltc_count, 255.0));
  out.core20plus5[i] = flags;
}

}  // namespace

const CodeList* ScoringConfig::Find(std::string_view name) const {
  const int i = ListIndex(codelists, name);
  return i < 0 ? nullptr : &codelists[static_cast<size_t>(i)];
}

std::vector<std::string> ScoringConfig::SubsegmentNames() const {
  std::vector<std::string> out;
  for (const auto& s : b2h.subsegments) out.push_back(s.name);
  return out;
}

std::string DefaultScoringDir() {
  const std::string configured = ICB_DATA_DIR;
  if (!configured.empty()) return configured;
  return (std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / "data").string();
}

Result<ScoringConfig> LoadScoringConfig(const std::string& dir) {
  ScoringConfig cfg;
  cfg.dir = dir;
  auto lists = LoadCodeListDir(dir + "/codelists");
  if (!lists.ok()) return lists.status();
  cfg.codelists = std::move(*lists);
  std::sort(cfg.codelists.begin(), cfg.codelists.end(), [](const CodeList& a, const CodeList& b) { return a.name < b.name; });
  const std::string seg = dir + "/segmentation/";
  auto b2h = LoadRules(seg + "b2h.json", "b2h");
  if (!b2h.ok()) return b2h.status();
  cfg.b2h = std::move(*b2h);
  auto cms = LoadRules(seg + "cms.json", "cms");
  if (!cms.ok()) return cms.status();
  cfg.scores.cms = std::move(*cms);
  auto efi = LoadRules(seg + "efi.json", "efi");
  if (!efi.ok()) return efi.status();
  cfg.scores.efi = std::move(*efi);
  if (cfg.scores.efi.elements.size() != 36) {
    return Status::InvalidInput(cfg.scores.efi.file + ": the eFI has 36 deficits; found " +
                                std::to_string(cfg.scores.efi.elements.size()));
  }
  auto core = LoadRules(seg + "core20plus5.json", "core20plus5");
  if (!core.ok()) return core.status();
  cfg.scores.core20plus5 = std::move(*core);

  FeatureIndex index(cfg.scores.features);
  const std::string scores_path = seg + "scores.json";
  {
    std::error_code ec;
    if (!std::filesystem::exists(scores_path, ec)) return Status::NotFound(scores_path + ": not found");
    auto text = ReadFile(scores_path);
    if (!text.ok()) return text.status();
    json j = json::parse(*text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return Status::InvalidInput(scores_path + ": not a valid JSON object");
    ICB_RETURN_IF_ERROR(LoadWeighted(j, "hfrs", scores_path, cfg.codelists, index, cfg.scores.hfrs));
    ICB_RETURN_IF_ERROR(LoadWeighted(j, "charlson", scores_path, cfg.codelists, index, cfg.scores.charlson));
    ICB_RETURN_IF_ERROR(LoadWeighted(j, "elixhauser", scores_path, cfg.codelists, index, cfg.scores.elixhauser));
    if (cfg.scores.charlson.weight_columns.size() != 2) {
      return Status::InvalidInput(scores_path + ": \"charlson\" needs two weight columns (1987, Quan 2011)");
    }
    if (cfg.scores.hfrs.weight_columns.size() != 1 || cfg.scores.elixhauser.weight_columns.size() != 1) {
      return Status::InvalidInput(scores_path + ": \"hfrs\" and \"elixhauser\" take one weight column each");
    }
    if (!j.contains("ltc_count") || !j["ltc_count"].contains("codelist") || !j["ltc_count"]["codelist"].is_string()) {
      return Status::InvalidInput(scores_path + ": missing \"ltc_count\": {\"codelist\": ...}");
    }
    cfg.scores.ltc_codelist = j["ltc_count"]["codelist"].get<std::string>();
    const int li = ListIndex(cfg.codelists, cfg.scores.ltc_codelist);
    if (li < 0 || cfg.codelists[static_cast<size_t>(li)].system != CodeSystemKind::kQof) {
      return Status::InvalidInput(scores_path + ": \"ltc_count\" must name a QOF register code list");
    }
    cfg.scores.ltc_feature = index.Intern(li, "", -1);
  }
  ICB_RETURN_IF_ERROR(ResolveRuleSet(cfg.scores.cms, cfg.codelists, index));
  ICB_RETURN_IF_ERROR(ResolveRuleSet(cfg.scores.efi, cfg.codelists, index));
  ICB_RETURN_IF_ERROR(ResolveRuleSet(cfg.scores.core20plus5, cfg.codelists, index));
  ICB_RETURN_IF_ERROR(ResolveRuleSet(cfg.b2h, cfg.codelists, index));
  if (cfg.scores.features.size() > 65535) return Status::InvalidInput(dir + ": too many code list categories");
  return cfg;
}

Result<ScoringConfig> LoadDefaultScoringConfig() { return LoadScoringConfig(DefaultScoringDir()); }

EfiBand EfiBandOf(int deficits) {
  // Compare deficits/36 with 0.12, 0.24, 0.36 exactly: d/36 <= c  <=>  100*d <= 36*100*c.
  const int scaled = deficits * 100;  // 100 * d; cut points 0.12*36*100 = 432, 864, 1296
  if (scaled <= 432) return EfiBand::kFit;
  if (scaled <= 864) return EfiBand::kMild;
  if (scaled <= 1296) return EfiBand::kModerate;
  return EfiBand::kSevere;
}

std::string_view EfiBandName(EfiBand b) {
  static constexpr std::string_view k[] = {"fit", "mild", "moderate", "severe"};
  return k[static_cast<int>(b)];
}

Result<PersonScores> ComputePersonScores(const Dataset& ds, int32_t as_at, const ScoringConfig& config) {
  if (as_at == kNoDate) return Status::InvalidInput("segmentation needs an as-at date");
  const size_t n = ds.person_count();
  PersonScores out;
  out.as_at = as_at;
  out.in_population.assign(n, 0);
  out.segment.assign(n, 0);
  out.subsegments.assign(n, 0);
  out.age.assign(n, 0);
  out.cms.assign(n, 0);
  out.efi.assign(n, 0);
  out.efi_band.assign(n, 0);
  out.hfrs.assign(n, 0);
  out.charlson_1987.assign(n, 0);
  out.charlson_quan2011.assign(n, 0);
  out.elixhauser_vw.assign(n, 0);
  out.ltc_count.assign(n, 0);
  out.core20plus5.assign(n, 0);
  const Compiled cc = Compile(ds, config);
  const size_t features = config.scores.features.size();
  // Each person's outputs depend only on that person's rows: any chunking gives the same result.
  ParallelFor(n, 2048, [&](size_t begin, size_t end) {
    PersonState st;
    st.as_at = as_at;
    st.begin.assign(features, 0);
    st.end.assign(features, 0);
    std::vector<uint8_t> present;
    for (size_t i = begin; i < end; ++i) {
      if (!AliveAndRegistered(ds, i, as_at)) continue;
      const int age = std::min(Date(ds.persons.birth[i]).AgeOn(Date(as_at)), 120);
      out.in_population[i] = 1;
      out.age[i] = static_cast<uint8_t>(age);
      st.age = age;
      st.sex = ds.persons.sex[i];
      ScorePerson(ds, config, cc, i, st, out, present);
    }
  });
  return out;
}

}  // namespace icb
