#include "forecast/scenario.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "context/person_scores.h"
#include "forecast/counter_rng.h"

namespace icb::forecast {
namespace {

using json = nlohmann::json;

// ----- small JSON readers that name the path -----

struct Reader {
  std::string where;  // file or "scenario", prefixed to every message
  Status Error(const std::string& path, const std::string& msg) const {
    return Status::InvalidInput(where + ": " + (path.empty() ? std::string("(top level)") : path) + ": " + msg);
  }
  std::string Dist(const std::string& path) const { return where + ": " + path; }
};

std::string Join(const std::string& path, const std::string& key) { return path.empty() ? key : path + "." + key; }

// Refuses keys outside `allowed`, naming the path (catches typos).
Status CheckKeys(const Reader& r, const json& j, const std::string& path, std::initializer_list<const char*> allowed) {
  if (!j.is_object()) return r.Error(path, "expected an object");
  for (auto it = j.begin(); it != j.end(); ++it) {
    bool ok = false;
    for (const char* a : allowed) ok = ok || it.key() == a;
    if (!ok) {
      std::string list;
      for (const char* a : allowed) list += std::string(list.empty() ? "" : ", ") + a;
      return r.Error(Join(path, it.key()), "unknown key (expected one of: " + list + ")");
    }
  }
  return Status::Ok();
}

Status GetInt(const Reader& r, const json& j, const std::string& path, const char* key, int& out, int lo, int hi) {
  auto it = j.find(key);
  if (it == j.end()) return Status::Ok();
  if (!it->is_number_integer()) return r.Error(Join(path, key), "expected an integer");
  const int64_t v = it->get<int64_t>();
  if (v < lo || v > hi)
    return r.Error(Join(path, key), "expected an integer in " + std::to_string(lo) + ".." + std::to_string(hi));
  out = static_cast<int>(v);
  return Status::Ok();
}

Status GetDouble(const Reader& r, const json& j, const std::string& path, const char* key, double& out, double lo,
                 double hi) {
  auto it = j.find(key);
  if (it == j.end()) return Status::Ok();
  if (!it->is_number()) return r.Error(Join(path, key), "expected a number");
  const double v = it->get<double>();
  if (!std::isfinite(v) || v < lo || v > hi)
    return r.Error(Join(path, key), "expected a number in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  out = v;
  return Status::Ok();
}

Status GetBool(const Reader& r, const json& j, const std::string& path, const char* key, bool& out) {
  auto it = j.find(key);
  if (it == j.end()) return Status::Ok();
  if (!it->is_boolean()) return r.Error(Join(path, key), "expected true or false");
  out = it->get<bool>();
  return Status::Ok();
}

Status GetString(const Reader& r, const json& j, const std::string& path, const char* key, std::string& out) {
  auto it = j.find(key);
  if (it == j.end()) return Status::Ok();
  if (!it->is_string()) return r.Error(Join(path, key), "expected a string");
  out = it->get<std::string>();
  return Status::Ok();
}

Status GetDist(const Reader& r, const json& j, const std::string& path, const char* key, Distribution& out) {
  auto it = j.find(key);
  if (it == j.end()) return Status::Ok();
  auto d = Distribution::FromJson(*it, r.Dist(Join(path, key)));
  if (!d.ok()) return d.status();
  out = *d;
  return Status::Ok();
}

Result<ActivityType> TypeAt(const Reader& r, const json& j, const std::string& path) {
  if (!j.is_string()) return r.Error(path, "expected an activity type name");
  auto t = ParseActivityType(j.get<std::string>());
  if (!t.ok()) return r.Error(path, t.status().message());
  return *t;
}

// A B2H segment by name ("long_term_conditions") or number (1..8).
Result<int> SegmentAt(const Reader& r, const json& j, const std::string& path) {
  if (j.is_number_integer()) {
    const int64_t v = j.get<int64_t>();
    if (v < 1 || v > kB2hSegmentCount) return r.Error(path, "expected a Bridges to Health segment number 1..8");
    return static_cast<int>(v);
  }
  if (j.is_string()) {
    const std::string name = j.get<std::string>();
    std::string names;
    for (int s = 1; s <= kB2hSegmentCount; ++s) {
      const std::string_view n = B2hSegmentName(static_cast<B2hSegment>(s));
      if (n == name) return s;
      names += std::string(names.empty() ? "" : ", ") + std::string(n);
    }
    return r.Error(path, "unknown segment \"" + name + "\" (expected " + names + " or 1..8)");
  }
  return r.Error(path, "expected a segment name or number");
}

// ----- sections -----

Status ParsePhasing(const Reader& r, const json& j, const std::string& path, Phasing& p) {
  ICB_RETURN_IF_ERROR(CheckKeys(r, j, path, {"start_year", "full_year"}));
  ICB_RETURN_IF_ERROR(GetInt(r, j, path, "start_year", p.start_year, 0, 3000));
  p.full_year = p.start_year;
  ICB_RETURN_IF_ERROR(GetInt(r, j, path, "full_year", p.full_year, 0, 3000));
  return Status::Ok();
}

Status ParseFilter(const Reader& r, const json& j, const std::string& path, RowFilter& f) {
  ICB_RETURN_IF_ERROR(
      CheckKeys(r, j, path, {"types", "min_age", "max_age", "segments", "imd_quintiles", "strategy", "min_los", "max_los"}));
  if (auto it = j.find("types"); it != j.end()) {
    if (!it->is_array()) return r.Error(Join(path, "types"), "expected an array of activity type names");
    for (size_t i = 0; i < it->size(); ++i) {
      auto t = TypeAt(r, (*it)[i], Join(path, "types") + "[" + std::to_string(i) + "]");
      if (!t.ok()) return t.status();
      f.types.push_back(*t);
    }
  }
  ICB_RETURN_IF_ERROR(GetInt(r, j, path, "min_age", f.min_age, 0, kMaxAge));
  ICB_RETURN_IF_ERROR(GetInt(r, j, path, "max_age", f.max_age, 0, kMaxAge));
  if (f.min_age > f.max_age) return r.Error(Join(path, "min_age"), "is above max_age");
  if (auto it = j.find("segments"); it != j.end()) {
    if (!it->is_array()) return r.Error(Join(path, "segments"), "expected an array of segment names or numbers");
    for (size_t i = 0; i < it->size(); ++i) {
      auto s = SegmentAt(r, (*it)[i], Join(path, "segments") + "[" + std::to_string(i) + "]");
      if (!s.ok()) return s.status();
      f.segments.push_back(*s);
    }
  }
  if (auto it = j.find("imd_quintiles"); it != j.end()) {
    if (!it->is_array()) return r.Error(Join(path, "imd_quintiles"), "expected an array of quintiles 1..5");
    for (size_t i = 0; i < it->size(); ++i) {
      const json& q = (*it)[i];
      if (!q.is_number_integer() || q.get<int64_t>() < 1 || q.get<int64_t>() > 5)
        return r.Error(Join(path, "imd_quintiles") + "[" + std::to_string(i) + "]",
                       "expected an IMD quintile 1 (most deprived) .. 5");
      f.imd_quintiles.push_back(q.get<int>());
    }
  }
  ICB_RETURN_IF_ERROR(GetString(r, j, path, "strategy", f.strategy));
  if (j.contains("min_los") || j.contains("max_los")) {
    f.min_los_set = true;
    ICB_RETURN_IF_ERROR(GetInt(r, j, path, "min_los", f.min_los, 0, 65535));
    ICB_RETURN_IF_ERROR(GetInt(r, j, path, "max_los", f.max_los, 0, 65535));
    if (f.min_los > f.max_los) return r.Error(Join(path, "min_los"), "is above max_los");
  }
  return Status::Ok();
}

Status RequireName(const Reader& r, const json& j, const std::string& path, std::string& name) {
  if (!j.is_object()) return r.Error(path, "expected an object");
  auto it = j.find("name");
  if (it == j.end() || !it->is_string() || it->get<std::string>().empty())
    return r.Error(Join(path, "name"), "every item needs a non-empty \"name\"");
  if (j.contains("remove"))
    return r.Error(Join(path, "remove"), "\"remove\" is only allowed for an item the scenario inherits");
  name = it->get<std::string>();
  return Status::Ok();
}

Status ParseMitigator(const Reader& r, const json& j, const std::string& path, Mitigator& m) {
  ICB_RETURN_IF_ERROR(RequireName(r, j, path, m.name));
  ICB_RETURN_IF_ERROR(
      CheckKeys(r, j, path, {"name", "description", "filter", "reduction", "phasing", "receiving", "avoided_to"}));
  if (auto it = j.find("filter"); it != j.end()) ICB_RETURN_IF_ERROR(ParseFilter(r, *it, Join(path, "filter"), m.filter));
  if (!j.contains("reduction")) return r.Error(Join(path, "reduction"), "missing (the share avoided at full effect)");
  ICB_RETURN_IF_ERROR(GetDist(r, j, path, "reduction", m.reduction));
  if (auto it = j.find("phasing"); it != j.end()) ICB_RETURN_IF_ERROR(ParsePhasing(r, *it, Join(path, "phasing"), m.phasing));
  if (auto it = j.find("receiving"); it != j.end()) {
    if (!it->is_array()) return r.Error(Join(path, "receiving"), "expected an array");
    for (size_t i = 0; i < it->size(); ++i) {
      const std::string p = Join(path, "receiving") + "[" + std::to_string(i) + "]";
      const json& e = (*it)[i];
      ICB_RETURN_IF_ERROR(CheckKeys(r, e, p, {"type", "units_per_avoided", "cost_pence"}));
      Receiving rec;
      if (!e.contains("type")) return r.Error(Join(p, "type"), "missing (where avoided activity goes)");
      auto t = TypeAt(r, e["type"], Join(p, "type"));
      if (!t.ok()) return t.status();
      rec.type = *t;
      ICB_RETURN_IF_ERROR(GetDist(r, e, p, "units_per_avoided", rec.units_per_avoided));
      if (e.contains("cost_pence")) {
        double c = 0;
        ICB_RETURN_IF_ERROR(GetDouble(r, e, p, "cost_pence", c, 0, 1e12));
        rec.cost_pence = c;
      }
      m.receiving.push_back(rec);
    }
  }
  std::string avoided_to;
  ICB_RETURN_IF_ERROR(GetString(r, j, path, "avoided_to", avoided_to));
  if (!avoided_to.empty() && avoided_to != "nowhere")
    return r.Error(Join(path, "avoided_to"), "the only value is \"nowhere\" (otherwise list \"receiving\" settings)");
  m.discard = avoided_to == "nowhere";
  if (m.discard && !m.receiving.empty())
    return r.Error(Join(path, "avoided_to"), "\"nowhere\" contradicts the \"receiving\" settings listed");
  if (!m.discard && m.receiving.empty())
    return r.Error(Join(path, "receiving"),
                   "avoided activity must land somewhere (conservation of demand): list \"receiving\" settings, or "
                   "state \"avoided_to\": \"nowhere\"");
  return Status::Ok();
}

struct EfficiencyKindName {
  Efficiency::Kind kind;
  const char* name;
};
constexpr EfficiencyKindName kEfficiencyKinds[] = {
    {Efficiency::Kind::kLengthOfStay, "length_of_stay"},
    {Efficiency::Kind::kDayCaseConversion, "day_case_conversion"},
    {Efficiency::Kind::kSdecConversion, "sdec_conversion"},
    {Efficiency::Kind::kVirtualWard, "virtual_ward"},
    {Efficiency::Kind::kTeleOutpatient, "tele_outpatient"},
};

Status ParseEfficiency(const Reader& r, const json& j, const std::string& path, Efficiency& e) {
  ICB_RETURN_IF_ERROR(RequireName(r, j, path, e.name));
  ICB_RETURN_IF_ERROR(CheckKeys(r, j, path, {"name", "description", "kind", "filter", "value", "phasing"}));
  std::string kind;
  ICB_RETURN_IF_ERROR(GetString(r, j, path, "kind", kind));
  bool found = false;
  std::string names;
  for (const auto& k : kEfficiencyKinds) {
    names += std::string(names.empty() ? "" : ", ") + k.name;
    if (kind == k.name) {
      e.kind = k.kind;
      found = true;
    }
  }
  if (!found) return r.Error(Join(path, "kind"), "expected one of: " + names);
  if (auto it = j.find("filter"); it != j.end()) ICB_RETURN_IF_ERROR(ParseFilter(r, *it, Join(path, "filter"), e.filter));
  if (!j.contains("value")) return r.Error(Join(path, "value"), "missing (the probability at full effect)");
  ICB_RETURN_IF_ERROR(GetDist(r, j, path, "value", e.value));
  if (auto it = j.find("phasing"); it != j.end()) ICB_RETURN_IF_ERROR(ParsePhasing(r, *it, Join(path, "phasing"), e.phasing));
  return Status::Ok();
}

Status ParsePrevention(const Reader& r, const json& j, const std::string& path, PreventionLever& p) {
  ICB_RETURN_IF_ERROR(RequireName(r, j, path, p.name));
  ICB_RETURN_IF_ERROR(CheckKeys(r, j, path, {"name", "description", "from_segment", "to_segment", "min_age", "max_age",
                                             "relative_change", "lag_years", "phasing"}));
  for (const char* key : {"from_segment", "to_segment"}) {
    if (!j.contains(key)) return r.Error(Join(path, key), "missing");
    auto s = SegmentAt(r, j[key], Join(path, key));
    if (!s.ok()) return s.status();
    (std::string(key) == "from_segment" ? p.from_segment : p.to_segment) = *s;
  }
  ICB_RETURN_IF_ERROR(GetInt(r, j, path, "min_age", p.min_age, 0, kMaxAge));
  ICB_RETURN_IF_ERROR(GetInt(r, j, path, "max_age", p.max_age, 0, kMaxAge));
  if (p.min_age > p.max_age) return r.Error(Join(path, "min_age"), "is above max_age");
  if (!j.contains("relative_change")) return r.Error(Join(path, "relative_change"), "missing");
  ICB_RETURN_IF_ERROR(GetDist(r, j, path, "relative_change", p.relative_change));
  ICB_RETURN_IF_ERROR(GetInt(r, j, path, "lag_years", p.lag_years, 0, 100));
  if (auto it = j.find("phasing"); it != j.end()) ICB_RETURN_IF_ERROR(ParsePhasing(r, *it, Join(path, "phasing"), p.phasing));
  return Status::Ok();
}

// Reads {"ae": x, "gp": y} into an array by activity type.
template <typename F>
Status ParseTypeMap(const Reader& r, const json& j, const std::string& path, F&& set) {
  if (!j.is_object()) return r.Error(path, "expected an object keyed by activity type name");
  for (auto it = j.begin(); it != j.end(); ++it) {
    auto t = ParseActivityType(it.key());
    if (!t.ok()) return r.Error(Join(path, it.key()), t.status().message());
    ICB_RETURN_IF_ERROR(set(*t, it.value(), Join(path, it.key())));
  }
  return Status::Ok();
}

// Arrays of named items that inheritance merges by "name".
bool IsNamedArray(const std::string& key) { return key == "mitigators" || key == "efficiencies" || key == "prevention"; }

bool IsDistributionObject(const json& j) { return j.is_object() && j.contains("dist"); }

Status MergeInto(json& base, const json& child, const std::string& path, const std::string& file);

Status MergeNamedArray(json& base, const json& child, const std::string& path, const std::string& file) {
  for (size_t i = 0; i < child.size(); ++i) {
    const json& item = child[i];
    const std::string p = path + "[" + std::to_string(i) + "]";
    if (!item.is_object() || !item.contains("name") || !item["name"].is_string())
      return Status::InvalidInput(file + ": " + p + ": every item needs a \"name\" (items are merged by name)");
    const std::string name = item["name"].get<std::string>();
    auto found = std::find_if(base.begin(), base.end(),
                              [&](const json& b) { return b.is_object() && b.value("name", std::string()) == name; });
    if (item.value("remove", false)) {
      if (item.size() != 2)
        return Status::InvalidInput(file + ": " + p + ": an item with \"remove\": true takes only \"name\"");
      if (found == base.end())
        return Status::InvalidInput(file + ": " + p + ": \"" + name + "\" is not inherited, so it cannot be removed");
      base.erase(found);
      continue;
    }
    if (found == base.end()) {
      base.push_back(item);
    } else {
      ICB_RETURN_IF_ERROR(MergeInto(*found, item, path + "." + name, file));
    }
  }
  return Status::Ok();
}

// Deep merge, the child winning: objects key by key, named arrays by name, everything else replaced.
Status MergeInto(json& base, const json& child, const std::string& path, const std::string& file) {
  if (!base.is_object() || !child.is_object() || IsDistributionObject(base) || IsDistributionObject(child)) {
    base = child;
    return Status::Ok();
  }
  for (auto it = child.begin(); it != child.end(); ++it) {
    const std::string p = Join(path, it.key());
    auto b = base.find(it.key());
    if (b == base.end()) {
      base[it.key()] = it.value();
    } else if (path.empty() && IsNamedArray(it.key()) && b->is_array() && it->is_array()) {
      ICB_RETURN_IF_ERROR(MergeNamedArray(*b, *it, p, file));
    } else {
      ICB_RETURN_IF_ERROR(MergeInto(*b, *it, p, file));
    }
  }
  return Status::Ok();
}

Result<json> ReadJsonFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("scenario file " + path + " not found or not readable");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    size_t line = 1, col = 1;
    for (size_t i = 0; i < e.byte && i <= text.size(); ++i) {
      if (i > 0 && text[i - 1] == '\n') {
        ++line;
        col = 1;
      } else if (i > 0) {
        ++col;
      }
    }
    return Status::InvalidInput("scenario file " + path + " line " + std::to_string(line) + " column " +
                                std::to_string(col) + ": not valid JSON");
  }
}

// Loads a file and its inherits chain, merged; `stack` holds the canonical paths being loaded.
Result<json> LoadMerged(const std::filesystem::path& file, std::vector<std::string>& stack) {
  std::error_code ec;
  const std::string canon = std::filesystem::weakly_canonical(file, ec).string();
  if (std::find(stack.begin(), stack.end(), canon) != stack.end()) {
    std::string chain;
    for (const auto& s : stack) chain += s + " -> ";
    return Status::InvalidInput("scenario inheritance cycle: " + chain + canon);
  }
  auto j = ReadJsonFile(file.string());
  if (!j.ok()) return j.status();
  if (!j->is_object()) return Status::InvalidInput(file.string() + ": a scenario is a JSON object");
  auto inh = j->find("inherits");
  if (inh == j->end()) return j;
  if (!inh->is_string()) return Status::InvalidInput(file.string() + ": inherits: expected a file path");
  stack.push_back(canon);
  const std::filesystem::path parent_path = file.parent_path() / inh->get<std::string>();
  auto parent = LoadMerged(parent_path, stack);
  stack.pop_back();
  if (!parent.ok()) return parent.status();
  json merged = std::move(*parent);
  merged.erase("inherits");
  merged.erase("name");
  merged.erase("description");
  ICB_RETURN_IF_ERROR(MergeInto(merged, *j, "", file.string()));
  return merged;
}

std::string ShortValue(const json& j) { return j.dump(); }

// Flattens a scenario JSON into path -> value, named arrays keyed by name, distributions as leaves.
void Flatten(const json& j, const std::string& path, std::map<std::string, std::string>& out) {
  if (j.is_object() && !IsDistributionObject(j)) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      const std::string p = Join(path, it.key());
      if (IsNamedArray(it.key()) && it->is_array()) {
        for (const json& item : *it) {
          const std::string ip = p + "." + item.value("name", std::string("?"));
          for (auto f = item.begin(); f != item.end(); ++f)
            if (f.key() != "name") Flatten(f.value(), Join(ip, f.key()), out);
          out[ip] = "present";
        }
      } else {
        Flatten(it.value(), p, out);
      }
    }
    return;
  }
  out[path] = ShortValue(j);
}

}  // namespace

// ----- Phasing -----

double Phasing::At(int year) const {
  if (year < start_year) return 0.0;
  if (full_year <= start_year || year >= full_year) return 1.0;
  return static_cast<double>(year - start_year) / static_cast<double>(full_year - start_year);
}

// ----- Scenario <-> JSON -----

Result<Scenario> ScenarioFromJson(const json& j, const std::string& where) {
  const Reader r{where};
  Scenario s;
  ICB_RETURN_IF_ERROR(CheckKeys(r, j, "",
                                {"$schema", "name", "description", "inherits", "seed", "runs", "baseline_year",
                                 "horizon_year", "variant_mix", "housing", "health_status_adjustment", "hsa_ratio",
                                 "segment_transitions", "non_demographic_growth", "mitigators", "efficiencies",
                                 "prevention", "correlations", "capacity", "cost"}));
  ICB_RETURN_IF_ERROR(GetString(r, j, "", "name", s.name));
  ICB_RETURN_IF_ERROR(GetString(r, j, "", "description", s.description));
  ICB_RETURN_IF_ERROR(GetString(r, j, "", "inherits", s.inherits));
  if (auto it = j.find("seed"); it != j.end()) {
    if (!it->is_number_unsigned()) return r.Error("seed", "expected a non-negative integer");
    s.seed = it->get<uint64_t>();
  }
  ICB_RETURN_IF_ERROR(GetInt(r, j, "", "runs", s.runs, 0, 1000000));
  ICB_RETURN_IF_ERROR(GetInt(r, j, "", "baseline_year", s.baseline_year, 0, 3000));
  ICB_RETURN_IF_ERROR(GetInt(r, j, "", "horizon_year", s.horizon_year, 0, 3000));
  if (s.baseline_year > 0 && s.horizon_year > 0 && s.horizon_year <= s.baseline_year)
    return r.Error("horizon_year", "must be after baseline_year");
  if (auto it = j.find("variant_mix"); it != j.end()) {
    if (!it->is_object() || it->empty())
      return r.Error("variant_mix", "expected an object of variant name -> probability, e.g. {\"principal\": 1}");
    s.variant_mix.clear();
    double sum = 0;
    for (auto v = it->begin(); v != it->end(); ++v) {
      if (!v->is_number() || v->get<double>() < 0)
        return r.Error("variant_mix." + v.key(), "expected a probability >= 0");
      s.variant_mix.emplace_back(v.key(), v->get<double>());
      sum += v->get<double>();
    }
    if (std::fabs(sum - 1.0) > 1e-6)
      return r.Error("variant_mix", "probabilities sum to " + std::to_string(sum) + ", not 1");
  }
  if (auto it = j.find("housing"); it != j.end()) {
    if (!it->is_array()) return r.Error("housing", "expected an array");
    for (size_t i = 0; i < it->size(); ++i) {
      const std::string p = "housing[" + std::to_string(i) + "]";
      const json& h = (*it)[i];
      ICB_RETURN_IF_ERROR(CheckKeys(r, h, p, {"place", "from_year", "to_year", "dwellings_per_year", "persons_per_dwelling"}));
      HousingGrowth g;
      ICB_RETURN_IF_ERROR(GetString(r, h, p, "place", g.place));
      if (g.place.empty()) return r.Error(Join(p, "place"), "missing");
      ICB_RETURN_IF_ERROR(GetInt(r, h, p, "from_year", g.from_year, 0, 3000));
      ICB_RETURN_IF_ERROR(GetInt(r, h, p, "to_year", g.to_year, 0, 3000));
      if (g.to_year < g.from_year) return r.Error(Join(p, "to_year"), "is before from_year");
      ICB_RETURN_IF_ERROR(GetDouble(r, h, p, "dwellings_per_year", g.dwellings_per_year, 0, 1e7));
      ICB_RETURN_IF_ERROR(GetDouble(r, h, p, "persons_per_dwelling", g.persons_per_dwelling, 0, 20));
      s.housing.push_back(g);
    }
  }
  ICB_RETURN_IF_ERROR(GetBool(r, j, "", "health_status_adjustment", s.health_status_adjustment));
  ICB_RETURN_IF_ERROR(GetDist(r, j, "", "hsa_ratio", s.hsa_ratio));
  ICB_RETURN_IF_ERROR(GetBool(r, j, "", "segment_transitions", s.segment_transitions));
  if (auto it = j.find("non_demographic_growth"); it != j.end()) {
    ICB_RETURN_IF_ERROR(ParseTypeMap(r, *it, "non_demographic_growth",
                                     [&](ActivityType t, const json& v, const std::string& p) -> Status {
                                       auto d = Distribution::FromJson(v, r.Dist(p));
                                       if (!d.ok()) return d.status();
                                       s.non_demographic_growth[static_cast<int>(t)] = *d;
                                       return Status::Ok();
                                     }));
  }
  std::set<std::string> names;
  auto unique = [&](const std::string& section, const std::string& name, size_t i) -> Status {
    if (!names.insert(section + "." + name).second)
      return r.Error(section + "[" + std::to_string(i) + "].name", "\"" + name + "\" is used twice");
    return Status::Ok();
  };
  auto array_at = [&](const char* key) -> Result<const json*> {
    auto it = j.find(key);
    if (it == j.end()) return static_cast<const json*>(nullptr);
    if (!it->is_array()) return r.Error(key, "expected an array");
    return &*it;
  };
  {
    auto a = array_at("mitigators");
    if (!a.ok()) return a.status();
    for (size_t i = 0; *a && i < (*a)->size(); ++i) {
      Mitigator m;
      ICB_RETURN_IF_ERROR(ParseMitigator(r, (**a)[i], "mitigators[" + std::to_string(i) + "]", m));
      ICB_RETURN_IF_ERROR(unique("mitigators", m.name, i));
      s.mitigators.push_back(std::move(m));
    }
  }
  {
    auto a = array_at("efficiencies");
    if (!a.ok()) return a.status();
    for (size_t i = 0; *a && i < (*a)->size(); ++i) {
      Efficiency e;
      ICB_RETURN_IF_ERROR(ParseEfficiency(r, (**a)[i], "efficiencies[" + std::to_string(i) + "]", e));
      ICB_RETURN_IF_ERROR(unique("efficiencies", e.name, i));
      s.efficiencies.push_back(std::move(e));
    }
  }
  {
    auto a = array_at("prevention");
    if (!a.ok()) return a.status();
    for (size_t i = 0; *a && i < (*a)->size(); ++i) {
      PreventionLever p;
      ICB_RETURN_IF_ERROR(ParsePrevention(r, (**a)[i], "prevention[" + std::to_string(i) + "]", p));
      ICB_RETURN_IF_ERROR(unique("prevention", p.name, i));
      s.prevention.push_back(std::move(p));
    }
  }
  {
    auto a = array_at("correlations");
    if (!a.ok()) return a.status();
    for (size_t i = 0; *a && i < (*a)->size(); ++i) {
      const std::string p = "correlations[" + std::to_string(i) + "]";
      const json& c = (**a)[i];
      ICB_RETURN_IF_ERROR(CheckKeys(r, c, p, {"a", "b", "rho"}));
      Correlation k;
      ICB_RETURN_IF_ERROR(GetString(r, c, p, "a", k.a));
      ICB_RETURN_IF_ERROR(GetString(r, c, p, "b", k.b));
      if (!c.contains("rho")) return r.Error(Join(p, "rho"), "missing");
      ICB_RETURN_IF_ERROR(GetDouble(r, c, p, "rho", k.rho, -1, 1));
      s.correlations.push_back(k);
    }
  }
  if (auto it = j.find("capacity"); it != j.end()) {
    const json& c = *it;
    CapacityAssumptions& k = s.capacity;
    ICB_RETURN_IF_ERROR(CheckKeys(r, c, "capacity",
                                  {"bed_occupancy", "theatre_cases_per_session", "clinic_attendances_per_session",
                                   "ae_minutes_per_attendance", "ae_hours_per_year", "ae_utilisation", "units_per_wte"}));
    ICB_RETURN_IF_ERROR(GetDouble(r, c, "capacity", "bed_occupancy", k.bed_occupancy, 0.01, 1));
    ICB_RETURN_IF_ERROR(GetDouble(r, c, "capacity", "theatre_cases_per_session", k.theatre_cases_per_session, 0.01, 1e4));
    ICB_RETURN_IF_ERROR(
        GetDouble(r, c, "capacity", "clinic_attendances_per_session", k.clinic_attendances_per_session, 0.01, 1e4));
    ICB_RETURN_IF_ERROR(GetDouble(r, c, "capacity", "ae_minutes_per_attendance", k.ae_minutes_per_attendance, 0, 1e5));
    ICB_RETURN_IF_ERROR(GetDouble(r, c, "capacity", "ae_hours_per_year", k.ae_hours_per_year, 1, 8784));
    ICB_RETURN_IF_ERROR(GetDouble(r, c, "capacity", "ae_utilisation", k.ae_utilisation, 0.01, 1));
    if (auto u = c.find("units_per_wte"); u != c.end()) {
      ICB_RETURN_IF_ERROR(ParseTypeMap(r, *u, "capacity.units_per_wte",
                                       [&](ActivityType t, const json& v, const std::string& p) -> Status {
                                         if (!v.is_number() || v.get<double>() < 0)
                                           return r.Error(p, "expected units a year per WTE, >= 0");
                                         k.units_per_wte[static_cast<int>(t)] = v.get<double>();
                                         return Status::Ok();
                                       }));
    }
  }
  if (auto it = j.find("cost"); it != j.end()) {
    const json& c = *it;
    CostAssumptions& k = s.cost;
    ICB_RETURN_IF_ERROR(CheckKeys(r, c, "cost",
                                  {"inflation", "efficiency", "unit_cost_pence", "marginal_bed_day_pence",
                                   "allocation_pence_per_head", "allocation_growth"}));
    ICB_RETURN_IF_ERROR(GetDist(r, c, "cost", "inflation", k.inflation));
    ICB_RETURN_IF_ERROR(GetDist(r, c, "cost", "efficiency", k.efficiency));
    ICB_RETURN_IF_ERROR(GetDist(r, c, "cost", "allocation_growth", k.allocation_growth));
    ICB_RETURN_IF_ERROR(GetDouble(r, c, "cost", "marginal_bed_day_pence", k.marginal_bed_day_pence, 0, 1e9));
    ICB_RETURN_IF_ERROR(GetDouble(r, c, "cost", "allocation_pence_per_head", k.allocation_pence_per_head, 0, 1e12));
    if (auto u = c.find("unit_cost_pence"); u != c.end()) {
      ICB_RETURN_IF_ERROR(ParseTypeMap(r, *u, "cost.unit_cost_pence",
                                       [&](ActivityType t, const json& v, const std::string& p) -> Status {
                                         if (!v.is_number() || v.get<double>() < 0)
                                           return r.Error(p, "expected a unit cost in pence, >= 0");
                                         k.unit_cost_pence[static_cast<int>(t)] = v.get<double>();
                                         return Status::Ok();
                                       }));
    }
  }
  ICB_RETURN_IF_ERROR(ValidateCorrelations(s, where));
  return s;
}

namespace {

json PhasingJson(const Phasing& p) { return {{"start_year", p.start_year}, {"full_year", p.full_year}}; }

json FilterJson(const RowFilter& f) {
  json j = json::object();
  if (!f.types.empty()) {
    json t = json::array();
    for (ActivityType a : f.types) t.push_back(std::string(ActivityTypeName(a)));
    j["types"] = t;
  }
  if (f.min_age != 0) j["min_age"] = f.min_age;
  if (f.max_age != kMaxAge) j["max_age"] = f.max_age;
  if (!f.segments.empty()) {
    json t = json::array();
    for (int s : f.segments) t.push_back(std::string(B2hSegmentName(static_cast<B2hSegment>(s))));
    j["segments"] = t;
  }
  if (!f.imd_quintiles.empty()) j["imd_quintiles"] = f.imd_quintiles;
  if (!f.strategy.empty()) j["strategy"] = f.strategy;
  if (f.min_los_set) {
    j["min_los"] = f.min_los;
    j["max_los"] = f.max_los;
  }
  return j;
}

std::string SegmentNameOf(int s) { return std::string(B2hSegmentName(static_cast<B2hSegment>(s))); }

}  // namespace

json ScenarioToJson(const Scenario& s) {
  json j;
  j["name"] = s.name;
  if (!s.description.empty()) j["description"] = s.description;
  if (!s.inherits.empty()) j["inherits"] = s.inherits;
  j["seed"] = s.seed;
  j["runs"] = s.runs;
  j["baseline_year"] = s.baseline_year;
  j["horizon_year"] = s.horizon_year;
  json mix = json::object();
  for (const auto& [name, p] : s.variant_mix) mix[name] = p;
  j["variant_mix"] = mix;
  json housing = json::array();
  for (const auto& h : s.housing)
    housing.push_back({{"place", h.place},
                       {"from_year", h.from_year},
                       {"to_year", h.to_year},
                       {"dwellings_per_year", h.dwellings_per_year},
                       {"persons_per_dwelling", h.persons_per_dwelling}});
  j["housing"] = housing;
  j["health_status_adjustment"] = s.health_status_adjustment;
  j["hsa_ratio"] = s.hsa_ratio.ToJson();
  j["segment_transitions"] = s.segment_transitions;
  json ndg = json::object();
  for (int t = 0; t < kActivityTypeCount; ++t)
    if (s.non_demographic_growth[t])
      ndg[std::string(ActivityTypeName(static_cast<ActivityType>(t)))] = s.non_demographic_growth[t]->ToJson();
  j["non_demographic_growth"] = ndg;
  json mit = json::array();
  for (const auto& m : s.mitigators) {
    json e = {{"name", m.name}, {"filter", FilterJson(m.filter)}, {"reduction", m.reduction.ToJson()},
              {"phasing", PhasingJson(m.phasing)}};
    json rec = json::array();
    for (const auto& r : m.receiving) {
      json x = {{"type", std::string(ActivityTypeName(r.type))}, {"units_per_avoided", r.units_per_avoided.ToJson()}};
      if (r.cost_pence) x["cost_pence"] = *r.cost_pence;
      rec.push_back(x);
    }
    if (m.discard) {
      e["avoided_to"] = "nowhere";
    } else {
      e["receiving"] = rec;
    }
    mit.push_back(e);
  }
  j["mitigators"] = mit;
  json eff = json::array();
  for (const auto& e : s.efficiencies) {
    std::string kind;
    for (const auto& k : kEfficiencyKinds)
      if (k.kind == e.kind) kind = k.name;
    eff.push_back({{"name", e.name}, {"kind", kind}, {"filter", FilterJson(e.filter)}, {"value", e.value.ToJson()},
                   {"phasing", PhasingJson(e.phasing)}});
  }
  j["efficiencies"] = eff;
  json prev = json::array();
  for (const auto& p : s.prevention)
    prev.push_back({{"name", p.name},
                    {"from_segment", SegmentNameOf(p.from_segment)},
                    {"to_segment", SegmentNameOf(p.to_segment)},
                    {"min_age", p.min_age},
                    {"max_age", p.max_age},
                    {"relative_change", p.relative_change.ToJson()},
                    {"lag_years", p.lag_years},
                    {"phasing", PhasingJson(p.phasing)}});
  j["prevention"] = prev;
  json cor = json::array();
  for (const auto& c : s.correlations) cor.push_back({{"a", c.a}, {"b", c.b}, {"rho", c.rho}});
  j["correlations"] = cor;
  const CapacityAssumptions& c = s.capacity;
  json wte = json::object();
  for (int t = 0; t < kActivityTypeCount; ++t)
    if (c.units_per_wte[t] > 0) wte[std::string(ActivityTypeName(static_cast<ActivityType>(t)))] = c.units_per_wte[t];
  j["capacity"] = {{"bed_occupancy", c.bed_occupancy},
                   {"theatre_cases_per_session", c.theatre_cases_per_session},
                   {"clinic_attendances_per_session", c.clinic_attendances_per_session},
                   {"ae_minutes_per_attendance", c.ae_minutes_per_attendance},
                   {"ae_hours_per_year", c.ae_hours_per_year},
                   {"ae_utilisation", c.ae_utilisation},
                   {"units_per_wte", wte}};
  const CostAssumptions& k = s.cost;
  json uc = json::object();
  for (int t = 0; t < kActivityTypeCount; ++t)
    if (k.unit_cost_pence[t]) uc[std::string(ActivityTypeName(static_cast<ActivityType>(t)))] = *k.unit_cost_pence[t];
  j["cost"] = {{"inflation", k.inflation.ToJson()},
               {"efficiency", k.efficiency.ToJson()},
               {"unit_cost_pence", uc},
               {"marginal_bed_day_pence", k.marginal_bed_day_pence},
               {"allocation_pence_per_head", k.allocation_pence_per_head},
               {"allocation_growth", k.allocation_growth.ToJson()}};
  return j;
}

Result<Scenario> LoadScenario(const std::string& path) {
  std::vector<std::string> stack;
  auto merged = LoadMerged(std::filesystem::path(path), stack);
  if (!merged.ok()) return merged.status();
  return ScenarioFromJson(*merged, path);
}

std::vector<std::string> CompareScenarios(const Scenario& a, const Scenario& b) {
  std::map<std::string, std::string> fa, fb;
  Flatten(ScenarioToJson(a), "", fa);
  Flatten(ScenarioToJson(b), "", fb);
  std::set<std::string> keys;
  for (const auto& [k, v] : fa) keys.insert(k);
  for (const auto& [k, v] : fb) keys.insert(k);
  std::vector<std::string> out;
  for (const auto& k : keys) {
    auto ia = fa.find(k);
    auto ib = fb.find(k);
    const std::string va = ia == fa.end() ? "(absent)" : ia->second;
    const std::string vb = ib == fb.end() ? "(absent)" : ib->second;
    if (va != vb) out.push_back(k + ": " + va + " -> " + vb);
  }
  return out;
}

// ----- ParameterSampler -----

namespace {

struct NamedDist {
  std::string name;
  Distribution dist;
};

// Every uncertain value of a scenario, in the fixed order documented in scenario.h, with each value
// clipped to its valid range (shares 0..1, ratios >= 0, relative changes >= -1).
std::vector<NamedDist> ParameterList(const Scenario& s) {
  auto clip = [](Distribution d, double lo, double hi) {
    d.lo = std::max(d.lo, lo);
    d.hi = std::min(d.hi, hi);
    if (d.lo > d.hi) d.lo = d.hi;
    return d;
  };
  std::vector<NamedDist> out;
  out.push_back({"hsa_ratio", s.hsa_ratio});
  for (int t = 0; t < kActivityTypeCount; ++t)
    if (s.non_demographic_growth[t])
      out.push_back({"non_demographic_growth." + std::string(ActivityTypeName(static_cast<ActivityType>(t))),
                     *s.non_demographic_growth[t]});
  for (const auto& m : s.mitigators) {
    out.push_back({"mitigators." + m.name + ".reduction", clip(m.reduction, 0, 1)});
    for (size_t i = 0; i < m.receiving.size(); ++i)
      out.push_back({"mitigators." + m.name + ".receiving." + std::to_string(i) + ".units_per_avoided",
                     clip(m.receiving[i].units_per_avoided, 0, 1e300)});
  }
  for (const auto& e : s.efficiencies) out.push_back({"efficiencies." + e.name + ".value", clip(e.value, 0, 1)});
  for (const auto& p : s.prevention)
    out.push_back({"prevention." + p.name + ".relative_change", clip(p.relative_change, -1, 1e300)});
  out.push_back({"cost.inflation", s.cost.inflation});
  out.push_back({"cost.efficiency", s.cost.efficiency});
  out.push_back({"cost.allocation_growth", s.cost.allocation_growth});
  return out;
}

// Cholesky factor of the correlation matrix implied by `s.correlations` over `names`; an error
// names the parameter where positive definiteness fails and the correlations that involve it.
Status CorrelationFactor(const Scenario& s, const std::vector<std::string>& names, std::vector<std::vector<double>>& l,
                         const std::string& where) {
  const size_t n = names.size();
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < n; ++i) index[names[i]] = i;
  std::vector<std::vector<double>> c(n, std::vector<double>(n, 0.0));
  for (size_t i = 0; i < n; ++i) c[i][i] = 1.0;
  for (size_t k = 0; k < s.correlations.size(); ++k) {
    const Correlation& x = s.correlations[k];
    const std::string p = where + ": correlations[" + std::to_string(k) + "]";
    auto ia = index.find(x.a), ib = index.find(x.b);
    if (ia == index.end()) return Status::InvalidInput(p + ".a: \"" + x.a + "\" is not a parameter of this scenario");
    if (ib == index.end()) return Status::InvalidInput(p + ".b: \"" + x.b + "\" is not a parameter of this scenario");
    if (ia->second == ib->second) return Status::InvalidInput(p + ": a parameter cannot be correlated with itself");
    if (c[ia->second][ib->second] != 0.0)
      return Status::InvalidInput(p + ": the pair " + x.a + " ~ " + x.b + " is given twice");
    c[ia->second][ib->second] = c[ib->second][ia->second] = x.rho;
  }
  l.assign(n, std::vector<double>(n, 0.0));
  for (size_t j = 0; j < n; ++j) {
    double d = c[j][j];
    for (size_t k = 0; k < j; ++k) d -= l[j][k] * l[j][k];
    if (d <= 1e-10) {
      std::string pairs;
      for (const auto& x : s.correlations)
        if (x.a == names[j] || x.b == names[j])
          pairs += std::string(pairs.empty() ? "" : "; ") + x.a + " ~ " + x.b + " (" + std::to_string(x.rho) + ")";
      return Status::InvalidInput(where + ": correlations: the correlation matrix is not positive definite at " +
                                  names[j] + ": check the pairs " + pairs);
    }
    l[j][j] = std::sqrt(d);
    for (size_t i = j + 1; i < n; ++i) {
      double v = c[i][j];
      for (size_t k = 0; k < j; ++k) v -= l[i][k] * l[j][k];
      l[i][j] = v / l[j][j];
    }
  }
  return Status::Ok();
}

}  // namespace

Status ValidateCorrelations(const Scenario& s, const std::string& where) {
  if (s.correlations.empty()) return Status::Ok();
  std::vector<std::string> names;
  for (const auto& p : ParameterList(s)) names.push_back(p.name);
  std::vector<std::vector<double>> l;
  return CorrelationFactor(s, names, l, where);
}

ParameterSampler::ParameterSampler(const Scenario& s) {
  for (auto& p : ParameterList(s)) {
    names_.push_back(std::move(p.name));
    dists_.push_back(p.dist);
  }
  if (!s.correlations.empty()) {
    status_ = CorrelationFactor(s, names_, cholesky_, s.name.empty() ? "scenario" : s.name);
    if (!status_.ok()) cholesky_.clear();  // draws stay independent; callers check status()
  }
  // FNV-1a (32-bit) of each name; a clash between two names (vanishingly rare) is separated by the index.
  for (size_t i = 0; i < names_.size(); ++i) {
    uint32_t h = 2166136261u;
    for (unsigned char ch : names_[i]) h = (h ^ ch) * 16777619u;
    for (size_t k = 0; k < i; ++k)
      if (stream_keys_[k] == h) h ^= static_cast<uint32_t>(0x9E3779B9u * (i + 1));
    stream_keys_.push_back(h);
  }
}

std::vector<double> ParameterSampler::Draw(uint64_t seed, uint32_t run) const {
  const size_t n = dists_.size();
  std::vector<double> out(n);
  if (run == 0) {
    for (size_t i = 0; i < n; ++i) out[i] = dists_[i].Central();
    return out;
  }
  std::vector<double> z(n);
  for (size_t i = 0; i < n; ++i) z[i] = CounterRng(seed, run, RngStream::kParameters, stream_keys_[i]).Normal();
  if (!cholesky_.empty()) {
    std::vector<double> y(n, 0.0);
    for (size_t i = 0; i < n; ++i) {
      double v = 0;
      for (size_t k = 0; k <= i; ++k) v += cholesky_[i][k] * z[k];
      y[i] = v;
    }
    z.swap(y);
  }
  for (size_t i = 0; i < n; ++i) out[i] = dists_[i].Quantile(NormalCdf(z[i]));
  return out;
}

int ParameterSampler::Find(const std::string& name) const {
  for (size_t i = 0; i < names_.size(); ++i)
    if (names_[i] == name) return static_cast<int>(i);
  return -1;
}

}  // namespace icb::forecast
