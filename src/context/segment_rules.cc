#include "context/segment_rules.h"

#include <nlohmann/json.hpp>

#include "data/types.h"

namespace icb {
namespace {

using nlohmann::json;

constexpr std::string_view kSourceNames[kRuleSourceCount] = {
    "gp_record", "apc_diagnosis", "apc_primary", "apc_procedure", "op_procedure",
    "hrg",       "ae_diagnosis",  "prescribing", "register",      "activity"};

constexpr std::string_view kSegmentNames[] = {"not_in_population", "healthy", "maternal_infant",
                                             "acutely_ill", "long_term_conditions", "disability",
                                             "incurable_cancer", "organ_failure", "frailty_dementia"};

constexpr std::string_view kFlagNames[] = {"core20", "ethnic_minority", "learning_disability", "multimorbidity",
                                          "maternity", "smi", "chronic_respiratory", "cancer", "hypertension"};

constexpr std::string_view kScores[] = {"efi_deficits", "hfrs", "cms", "ltc_count", "charlson"};

struct Ctx {
  const std::string& file;
  std::string where;
  Status Err(const std::string& what) const { return Status::InvalidInput(file + ": " + where + ": " + what); }
};

Result<std::string> Str(const json& j, const char* key, const Ctx& c, bool required) {
  auto it = j.find(key);
  if (it == j.end()) {
    if (required) return c.Err(std::string("missing \"") + key + "\"");
    return std::string();
  }
  if (!it->is_string()) return c.Err(std::string("\"") + key + "\" must be a string");
  return it->get<std::string>();
}

Result<int> Int(const json& j, const char* key, const Ctx& c, int fallback, int lo, int hi) {
  auto it = j.find(key);
  if (it == j.end()) return fallback;
  if (!it->is_number_integer()) return c.Err(std::string("\"") + key + "\" must be an integer");
  const int64_t v = it->get<int64_t>();
  if (v < lo || v > hi) {
    return c.Err(std::string("\"") + key + "\" must be between " + std::to_string(lo) + " and " + std::to_string(hi));
  }
  return static_cast<int>(v);
}

Result<B2hSegment> SegmentByName(const std::string& name, const Ctx& c) {
  for (int i = 1; i <= kB2hSegmentCount; ++i)
    if (kSegmentNames[i] == name) return static_cast<B2hSegment>(i);
  return c.Err("unknown segment '" + name + "' (expected healthy, maternal_infant, acutely_ill, long_term_conditions, "
               "disability, incurable_cancer, organ_failure or frailty_dementia)");
}

// Accepts a string or an array of strings.
Result<std::vector<std::string>> Names(const json& j, const char* key, const Ctx& c) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end()) return out;
  if (it->is_string()) {
    out.push_back(it->get<std::string>());
  } else if (it->is_array()) {
    for (const auto& v : *it) {
      if (!v.is_string()) return c.Err(std::string("\"") + key + "\" must hold strings");
      out.push_back(v.get<std::string>());
    }
  } else {
    return c.Err(std::string("\"") + key + "\" must be a string or an array of strings");
  }
  return out;
}

Result<RuleCriterion> ParseCriterion(const json& j, const Ctx& c) {
  if (!j.is_object()) return c.Err("a criterion must be an object");
  static const std::vector<std::string_view> kKeys = {"source", "codelist", "category", "pod", "window_days",
                                                      "min_count", "distinct", "not", "min_age", "max_age",
                                                      "sex", "score", "min", "comment"};
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (std::find(kKeys.begin(), kKeys.end(), it.key()) == kKeys.end()) return c.Err("unknown criterion key '" + it.key() + "'");
  }
  RuleCriterion r;
  auto sources = Names(j, "source", c);
  if (!sources.ok()) return sources.status();
  for (const auto& s : *sources) {
    int found = -1;
    for (int i = 0; i < kRuleSourceCount; ++i)
      if (kSourceNames[i] == s) found = i;
    if (found < 0) {
      return c.Err("unknown source '" + s + "' (expected gp_record, apc_diagnosis, apc_primary, apc_procedure, "
                   "op_procedure, hrg, ae_diagnosis, prescribing, register or activity)");
    }
    r.sources |= 1u << found;
  }
  auto codelist = Str(j, "codelist", c, false);
  if (!codelist.ok()) return codelist.status();
  r.codelist = *codelist;
  auto category = Str(j, "category", c, false);
  if (!category.ok()) return category.status();
  r.category = *category;
  auto pods = Names(j, "pod", c);
  if (!pods.ok()) return pods.status();
  for (const auto& p : *pods) {
    int found = -1;
    for (int i = 0; i < kPodCount; ++i)
      if (PodName(static_cast<Pod>(i)) == p) found = i;
    if (found < 0) return c.Err("unknown pod '" + p + "' (expected GP, AE, EL, DC, NEL, MAT, OPFA, OPFU, COM, MH, ASC, RX)");
    r.pods |= static_cast<uint16_t>(1u << found);
  }
  auto window = Int(j, "window_days", c, 0, 0, 365 * 120);
  if (!window.ok()) return window.status();
  r.window_days = *window;
  auto min_count = Int(j, "min_count", c, 1, 1, 100000);
  if (!min_count.ok()) return min_count.status();
  r.min_count = *min_count;
  auto distinct = Str(j, "distinct", c, false);
  if (!distinct.ok()) return distinct.status();
  if (*distinct == "codes") {
    r.distinct_codes = true;
  } else if (!distinct->empty() && *distinct != "days") {
    return c.Err("\"distinct\" must be \"days\" or \"codes\"");
  }
  if (auto it = j.find("not"); it != j.end()) {
    if (!it->is_boolean()) return c.Err("\"not\" must be true or false");
    r.negate = it->get<bool>();
  }
  auto min_age = Int(j, "min_age", c, 0, 0, 255);
  if (!min_age.ok()) return min_age.status();
  auto max_age = Int(j, "max_age", c, 255, 0, 255);
  if (!max_age.ok()) return max_age.status();
  r.min_age = *min_age;
  r.max_age = *max_age;
  if (r.min_age > r.max_age) return c.Err("min_age is above max_age");
  auto sex = Str(j, "sex", c, false);
  if (!sex.ok()) return sex.status();
  if (*sex == "M") {
    r.sex = 1;
  } else if (*sex == "F") {
    r.sex = 2;
  } else if (!sex->empty()) {
    return c.Err("\"sex\" must be \"M\" or \"F\"");
  }
  auto score = Str(j, "score", c, false);
  if (!score.ok()) return score.status();
  r.score = *score;
  if (!r.score.empty()) {
    if (std::find(std::begin(kScores), std::end(kScores), r.score) == std::end(kScores)) {
      return c.Err("unknown score '" + r.score + "' (expected efi_deficits, hfrs, cms, ltc_count or charlson)");
    }
    auto it = j.find("min");
    if (it == j.end() || !it->is_number()) return c.Err("a score criterion needs a numeric \"min\"");
    r.score_min = it->get<double>();
    if (r.sources != 0 || !r.codelist.empty()) return c.Err("a score criterion takes no source or codelist");
    return r;
  }
  const bool activity = (r.sources >> static_cast<int>(RuleSource::kActivity)) & 1u;
  if (activity && r.sources != (1u << static_cast<int>(RuleSource::kActivity))) {
    return c.Err("source 'activity' cannot be combined with other sources");
  }
  if (activity && (!r.codelist.empty() || r.pods == 0)) return c.Err("source 'activity' takes a pod and no codelist");
  if (r.sources != 0 && !activity && r.codelist.empty()) return c.Err("a criterion with a source needs a codelist");
  if (r.sources == 0 && !r.codelist.empty()) return c.Err("a criterion with a codelist needs a source");
  if (r.sources == 0 && r.min_age == 0 && r.max_age == 255 && r.sex == 0) {
    return c.Err("a criterion needs a source, a score, or an age or sex condition");
  }
  return r;
}

Result<std::vector<RuleCriterion>> ParseClause(const json& j, const Ctx& c) {
  std::vector<RuleCriterion> clause;
  if (j.is_object()) {
    auto r = ParseCriterion(j, c);
    if (!r.ok()) return r.status();
    clause.push_back(std::move(*r));
    return clause;
  }
  if (!j.is_array() || j.empty()) return c.Err("a clause must be a criterion or a non-empty array of criteria (all must hold)");
  for (const auto& k : j) {
    auto r = ParseCriterion(k, c);
    if (!r.ok()) return r.status();
    clause.push_back(std::move(*r));
  }
  return clause;
}

}  // namespace

std::string_view RuleSourceName(RuleSource s) { return kSourceNames[static_cast<int>(s)]; }

std::string_view B2hSegmentName(B2hSegment s) { return kSegmentNames[static_cast<int>(s)]; }

std::string_view B2hSegmentLabel(B2hSegment s) {
  static constexpr std::string_view k[] = {"Not in population",
                                           "Healthy",
                                           "Maternal and infant health",
                                           "Acutely ill, likely to recover",
                                           "Long-term conditions",
                                           "Stable but serious disability",
                                           "Incurable cancer",
                                           "Organ failure",
                                           "Frailty and dementia"};
  return k[static_cast<int>(s)];
}

Result<RuleSet> ParseRuleSet(std::string_view text, const std::string& file, std::string_view kind) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) return Status::InvalidInput(file + ": not valid JSON");
  if (!j.is_object()) return Status::InvalidInput(file + ": the top level must be an object");
  Ctx c{file, "top level"};
  RuleSet rs;
  rs.file = file;
  for (auto [key, out] : {std::pair{"name", &rs.name}, std::pair{"version", &rs.version},
                          std::pair{"source", &rs.source}, std::pair{"licence", &rs.licence},
                          std::pair{"statement", &rs.statement}}) {
    auto v = Str(j, key, c, true);
    if (!v.ok()) return v.status();
    *out = *v;
  }
  const bool b2h = kind == "b2h";
  if (b2h) {
    auto prec = Names(j, "precedence", c);
    if (!prec.ok()) return prec.status();
    for (const auto& s : *prec) {
      auto seg = SegmentByName(s, c);
      if (!seg.ok()) return seg.status();
      if (std::find(rs.precedence.begin(), rs.precedence.end(), *seg) != rs.precedence.end()) {
        return c.Err("segment '" + s + "' appears twice in \"precedence\"");
      }
      rs.precedence.push_back(*seg);
    }
    if (rs.precedence.size() != static_cast<size_t>(kB2hSegmentCount)) {
      return c.Err("\"precedence\" must list all eight segments, highest need first");
    }
    if (rs.precedence.back() != B2hSegment::kHealthy) return c.Err("\"precedence\" must end with healthy (the default)");
    if (auto it = j.find("segments"); it != j.end() && it->is_array()) {
      for (const auto& s : *it) {
        Ctx sc{file, "segments"};
        auto name = Str(s, "segment", sc, true);
        if (!name.ok()) return name.status();
        auto seg = SegmentByName(*name, sc);
        if (!seg.ok()) return seg.status();
        auto st = Str(s, "statement", sc, true);
        if (!st.ok()) return st.status();
        rs.segments.push_back({*seg, *st});
      }
    }
    auto subs = j.find("subsegments");
    if (subs == j.end() || !subs->is_array()) return c.Err("missing \"subsegments\" array");
    for (const auto& s : *subs) {
      Ctx sc{file, "subsegments"};
      Subsegment sub;
      auto name = Str(s, "name", sc, true);
      if (!name.ok()) return name.status();
      auto label = Str(s, "label", sc, true);
      if (!label.ok()) return label.status();
      auto segname = Str(s, "segment", sc, true);
      if (!segname.ok()) return segname.status();
      auto seg = SegmentByName(*segname, sc);
      if (!seg.ok()) return seg.status();
      for (const auto& o : rs.subsegments)
        if (o.name == *name) return sc.Err("subsegment '" + *name + "' declared twice");
      rs.subsegments.push_back({*name, *label, *seg});
    }
    if (rs.subsegments.size() > 32) return c.Err("at most 32 subsegments (bits of a 32-bit mask)");
  }
  auto elements = j.find("elements");
  if (elements == j.end() || !elements->is_array() || elements->empty()) return c.Err("missing \"elements\" array");
  for (const auto& e : *elements) {
    RuleElement el;
    Ctx ec{file, "element"};
    auto id = Str(e, "id", ec, true);
    if (!id.ok()) return id.status();
    el.id = *id;
    ec.where = "element '" + el.id + "'";
    for (const auto& o : rs.elements)
      if (o.id == el.id) return ec.Err("id used twice");
    auto label = Str(e, "label", ec, false);
    if (!label.ok()) return label.status();
    el.label = label->empty() ? el.id : *label;
    auto statement = Str(e, "statement", ec, true);
    if (!statement.ok()) return statement.status();
    el.statement = *statement;
    auto proxy = Str(e, "proxy", ec, false);
    if (!proxy.ok()) return proxy.status();
    el.proxy = *proxy;
    if (auto it = e.find("weight"); it != e.end()) {
      if (!it->is_number()) return ec.Err("\"weight\" must be a number");
      el.weight = it->get<double>();
    } else if (kind == "cms") {
      return ec.Err("missing \"weight\"");
    }
    if (b2h) {
      auto segname = Str(e, "segment", ec, true);
      if (!segname.ok()) return segname.status();
      auto seg = SegmentByName(*segname, ec);
      if (!seg.ok()) return seg.status();
      el.segment = *seg;
      auto sub = Str(e, "subsegment", ec, false);
      if (!sub.ok()) return sub.status();
      if (!sub->empty()) {
        for (size_t i = 0; i < rs.subsegments.size(); ++i)
          if (rs.subsegments[i].name == *sub) el.subsegment = static_cast<int>(i);
        if (el.subsegment < 0) return ec.Err("subsegment '" + *sub + "' is not declared in \"subsegments\"");
      }
    }
    if (kind == "core20plus5") {
      auto flag = Str(e, "flag", ec, true);
      if (!flag.ok()) return flag.status();
      for (size_t i = 0; i < std::size(kFlagNames); ++i)
        if (kFlagNames[i] == *flag) el.flag = static_cast<uint16_t>(1u << i);
      if (el.flag == 0) return ec.Err("unknown flag '" + *flag + "'");
    }
    auto any = e.find("any_of");
    auto all = e.find("all_of");
    if ((any == e.end()) == (all == e.end())) return ec.Err("needs exactly one of \"any_of\" (clauses) or \"all_of\" (criteria)");
    if (all != e.end()) {
      auto clause = ParseClause(*all, ec);
      if (!clause.ok()) return clause.status();
      el.any_of.push_back(std::move(*clause));
    } else {
      if (!any->is_array() || any->empty()) return ec.Err("\"any_of\" must be a non-empty array");
      for (const auto& k : *any) {
        auto clause = ParseClause(k, ec);
        if (!clause.ok()) return clause.status();
        el.any_of.push_back(std::move(*clause));
      }
    }
    rs.elements.push_back(std::move(el));
  }
  return rs;
}

}  // namespace icb
