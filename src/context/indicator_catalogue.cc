#include "context/indicator_catalogue.h"

#include <charconv>
#include <fstream>
#include <sstream>

#include "context/breakdown.h"
#include "context/person_scores.h"
#include "data/types.h"
#include "stats/input_table.h"

#ifndef ICB_INDICATORS_DIR
#define ICB_INDICATORS_DIR "data/indicators"
#endif

namespace icb {

namespace {

constexpr std::string_view kMethodNames[] = {"proportion", "crude_rate", "dsr", "isr", "mean", "life_expectancy", "count"};

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (pos <= s.size()) {
    size_t e = s.find(sep, pos);
    if (e == std::string_view::npos) e = s.size();
    if (e > pos) out.push_back(s.substr(pos, e - pos));
    pos = e + 1;
  }
  return out;
}

bool ParseInt(std::string_view s, int& v) {
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

struct TermContext {
  std::string where;  // "<file> line L column C (numerator)"
  IndicatorCatalogue* catalogue;
  std::string codelist_dir;
  Status Err(const std::string& what) const { return Status::InvalidInput(where + ": " + what); }
};

// One filter token ("pod=NEL,EL", "age>=65", ...) into `f`; `allowed` names the keys the kind takes.
Status ParseFilter(std::string_view tok, std::string_view allowed, IndicatorFilter& f, const TermContext& c) {
  size_t op_pos = tok.find_first_of("<>=");
  if (op_pos == std::string_view::npos || op_pos == 0) return c.Err("expected key=value, got '" + std::string(tok) + "'");
  const std::string key(tok.substr(0, op_pos));
  std::string op(1, tok[op_pos]);
  if (op_pos + 1 < tok.size() && tok[op_pos + 1] == '=') op += '=';
  const std::string_view value = tok.substr(op_pos + op.size());
  bool key_allowed = false;
  for (auto k : Split(allowed, ' '))
    if (k == key) key_allowed = true;
  if (!key_allowed)
    return c.Err("filter '" + key + "' is not allowed here (allowed: " + std::string(allowed) + ")");
  if (value.empty()) return c.Err("filter '" + key + "' has no value");
  if (key == "age" || key == "ltc") {
    int v = 0;
    if (op == "=" && key == "age") {
      const size_t dash = value.find('-');
      int lo = 0, hi = 0;
      if (dash == std::string_view::npos || !ParseInt(value.substr(0, dash), lo) || !ParseInt(value.substr(dash + 1), hi) ||
          lo > hi)
        return c.Err("age=: expected a range such as 15-44, got '" + std::string(value) + "'");
      f.min_age = lo;
      f.max_age = hi;
      return Status::Ok();
    }
    if (!ParseInt(value, v) || v < 0) return c.Err(key + ": expected a whole number, got '" + std::string(value) + "'");
    if (key == "ltc") {
      if (op != ">=") return c.Err("ltc: only ltc>=N is supported");
      f.min_ltc = v;
      return Status::Ok();
    }
    if (op == ">=") f.min_age = v;
    else if (op == ">") f.min_age = v + 1;
    else if (op == "<") f.max_age = v - 1;
    else if (op == "<=") f.max_age = v;
    else return c.Err("age: expected >=, >, <, <= or =lo-hi");
    return Status::Ok();
  }
  if (op != "=") return c.Err(key + ": expected '='");
  if (key == "sex") {
    if (value == "M") f.sex = static_cast<uint8_t>(Sex::kMale);
    else if (value == "F") f.sex = static_cast<uint8_t>(Sex::kFemale);
    else return c.Err("sex: expected M or F, got '" + std::string(value) + "'");
  } else if (key == "pod") {
    for (auto v : Split(value, ',')) {
      int found = -1;
      for (int p = 0; p < kPodCount; ++p)
        if (PodName(static_cast<Pod>(p)) == v) found = p;
      if (found < 0) return c.Err("pod: unknown point of delivery '" + std::string(v) + "' (expected GP, AE, EL, DC, NEL, MAT, OPFA, OPFU, COM, MH, ASC, RX)");
      f.pod_mask |= 1u << found;
    }
  } else if (key == "setting") {
    for (auto v : Split(value, ',')) {
      int found = -1;
      for (int s = 0; s < kSettingCount; ++s)
        if (SettingName(static_cast<Setting>(s)) == v) found = s;
      if (found < 0) return c.Err("setting: unknown setting '" + std::string(v) + "'");
      f.setting_mask |= 1u << found;
    }
  } else if (key == "register" || key == "qof") {
    const auto q = QofConditionIndex(value);
    if (!q) return c.Err(key + ": unknown QOF register '" + std::string(value) + "'");
    (key == "register" ? f.register_condition : f.qof_age_of) = *q;
  } else if (key == "segment") {
    for (int s = 1; s <= kB2hSegmentCount; ++s)
      if (B2hSegmentName(static_cast<B2hSegment>(s)) == value) f.segment = s;
    if (f.segment < 0) return c.Err("segment: unknown Bridges to Health segment '" + std::string(value) + "'");
  } else if (key == "diag") {
    auto& lists = c.catalogue->codelists;
    for (size_t i = 0; i < lists.size(); ++i)
      if (lists[i].name == value) f.codelist = static_cast<int>(i);
    if (f.codelist < 0) {
      auto list = LoadCodeList(c.codelist_dir + "/" + std::string(value) + ".csv");
      if (!list.ok()) return c.Err("diag=" + std::string(value) + ": " + list.status().message());
      if (list->system != CodeSystemKind::kIcd10) return c.Err("diag=" + std::string(value) + ": not an ICD-10 list");
      f.codelist = static_cast<int>(lists.size());
      lists.push_back(std::move(*list));
    }
  }
  return Status::Ok();
}

}  // namespace

std::string_view IndicatorMethodName(IndicatorMethod m) { return kMethodNames[static_cast<size_t>(m)]; }

int IndicatorCatalogue::Find(std::string_view id) const {
  for (size_t i = 0; i < indicators.size(); ++i)
    if (indicators[i].id == id) return static_cast<int>(i);
  return -1;
}

std::string DefaultIndicatorDir() { return ICB_INDICATORS_DIR; }

Result<IndicatorCatalogue> ParseIndicatorCatalogue(std::string_view text, const std::string& source,
                                                   const std::string& codelist_dir) {
  auto table = stats::InputTable::Parse(text, source);
  if (!table.ok()) return table.status();
  IndicatorCatalogue cat;
  cat.file = source;
  const char* names[] = {"id", "title", "numerator", "denominator", "method", "multiplier", "breakdowns", "source", "definition"};
  size_t col[9];
  for (size_t i = 0; i < 9; ++i) {
    auto c = table->Column(names[i]);
    if (!c.ok()) return c.status();
    col[i] = *c;
  }
  for (size_t r = 0; r < table->row_count(); ++r) {
    auto where = [&](size_t i) {
      return table->Where(r) + " column " + std::to_string(col[i] + 1) + " (" + names[i] + ")";
    };
    IndicatorDef d;
    d.id = table->cell(r, col[0]);
    if (d.id.empty() || d.id.size() > 20 || d.id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos)
      return Status::InvalidInput(where(0) + ": expected an id of 1-20 characters a-z, 0-9, _");
    if (cat.Find(d.id) >= 0) return Status::InvalidInput(where(0) + ": indicator '" + d.id + "' is declared twice");
    d.title = table->cell(r, col[1]);
    d.numerator_text = table->cell(r, col[2]);
    d.denominator_text = table->cell(r, col[3]);
    d.source = table->cell(r, col[7]);
    d.definition = table->cell(r, col[8]);
    if (d.title.empty() || d.source.empty() || d.definition.empty())
      return Status::InvalidInput(table->Where(r) + ": title, source and definition are required");
    // Method and multiplier.
    const std::string& m = table->cell(r, col[4]);
    bool found = false;
    for (size_t i = 0; i < std::size(kMethodNames); ++i)
      if (kMethodNames[i] == m) {
        d.method = static_cast<IndicatorMethod>(i);
        found = true;
      }
    if (!found)
      return Status::InvalidInput(where(4) + ": expected proportion, crude_rate, dsr, isr, mean, life_expectancy or count, got '" + m + "'");
    auto mult = table->Number(r, col[5]);
    if (!mult.ok()) return mult.status();
    if (!mult->has_value() || !(**mult > 0)) return Status::InvalidInput(where(5) + ": expected a positive number");
    d.multiplier = **mult;
    // Numerator and denominator terms.
    TermContext tc{where(2), &cat, codelist_dir};
    auto num = Split(d.numerator_text, ' ');
    if (num.empty()) return tc.Err("empty numerator");
    std::string_view allowed;
    if (num[0] == "events") {
      d.numerator = NumeratorKind::kEvents;
      allowed = "pod setting age sex diag";
    } else if (num[0] == "deaths") {
      d.numerator = NumeratorKind::kDeaths;
      allowed = "age sex";
    } else if (num[0] == "persons") {
      d.numerator = NumeratorKind::kPersons;
      allowed = "register segment ltc age sex";
    } else if (num[0] == "cost") {
      d.numerator = NumeratorKind::kCost;
      allowed = "";
    } else {
      return tc.Err("expected events, deaths, persons or cost, got '" + std::string(num[0]) + "'");
    }
    for (size_t i = 1; i < num.size(); ++i) ICB_RETURN_IF_ERROR(ParseFilter(num[i], allowed, d.numerator_filter, tc));
    tc.where = where(3);
    auto den = Split(d.denominator_text, ' ');
    if (den.empty()) return tc.Err("empty denominator");
    if (den[0] == "person_years") {
      d.denominator = DenominatorKind::kPersonYears;
      allowed = "age sex";
    } else if (den[0] == "population") {
      d.denominator = DenominatorKind::kPopulation;
      allowed = "age sex qof";
    } else {
      return tc.Err("expected person_years or population, got '" + std::string(den[0]) + "'");
    }
    for (size_t i = 1; i < den.size(); ++i) ICB_RETURN_IF_ERROR(ParseFilter(den[i], allowed, d.denominator_filter, tc));
    // Which combinations make sense.
    const bool per_person = d.numerator == NumeratorKind::kPersons || d.numerator == NumeratorKind::kCost;
    if (per_person != (d.denominator == DenominatorKind::kPopulation))
      return tc.Err("persons and cost numerators take a population denominator; events and deaths take person_years");
    if ((d.method == IndicatorMethod::kMean) != (d.numerator == NumeratorKind::kCost))
      return Status::InvalidInput(where(4) + ": the mean method goes with the cost numerator (and only with it)");
    if (d.method == IndicatorMethod::kProportion && d.numerator != NumeratorKind::kPersons)
      return Status::InvalidInput(where(4) + ": proportion needs a persons numerator");
    if ((d.method == IndicatorMethod::kCrudeRate || d.method == IndicatorMethod::kDsr || d.method == IndicatorMethod::kIsr ||
         d.method == IndicatorMethod::kLifeExpectancy) &&
        d.denominator != DenominatorKind::kPersonYears)
      return Status::InvalidInput(where(4) + ": " + m + " needs a person_years denominator");
    d.needs_scores = d.numerator_filter.segment >= 0 || d.numerator_filter.min_ltc >= 0;
    // Breakdowns: "*" (every), "*-a-b" (every but a and b) or "a;b;c".
    const std::string& bd = table->cell(r, col[6]);
    if (!bd.empty() && bd[0] == '*') {
      d.breakdown_mask = kAllBreakdowns;
      for (auto x : Split(std::string_view(bd).substr(1), '-')) {
        auto b = ParseBreakdown(x);
        if (!b.ok()) return Status::InvalidInput(where(6) + ": " + b.status().message());
        d.breakdown_mask &= ~(1u << static_cast<int>(*b));
      }
    } else {
      for (auto x : Split(bd, ';')) {
        auto b = ParseBreakdown(x);
        if (!b.ok()) return Status::InvalidInput(where(6) + ": " + b.status().message());
        d.breakdown_mask |= 1u << static_cast<int>(*b);
      }
    }
    d.breakdown_mask |= 1u << static_cast<int>(Breakdown::kAll);
    cat.indicators.push_back(std::move(d));
  }
  if (cat.indicators.empty()) return Status::InvalidInput(source + ": no indicators declared");
  return cat;
}

Result<IndicatorCatalogue> LoadIndicatorCatalogue(const std::string& dir) {
  const std::string path = dir + "/catalogue.csv";
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(path + ": indicator catalogue not found");
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseIndicatorCatalogue(ss.str(), path, dir + "/codelists");
}

}  // namespace icb
