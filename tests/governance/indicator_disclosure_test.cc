// Property test of disclosure control on indicator and provider reports: many random queries
// (indicators x breakdowns x periods x confidence x policy standard/strict) on a small random ICB
// built in memory; every report must pass governance::VerifyDisclosure after ApplyDisclosure, and,
// checked independently of the disclosure module, no value or interval may be shown in a row whose
// true numerator or denominator lies in 1..redact_max (the policy of docs/reference/disclosure.md:
// counts 1-7, or 1-9 under the 10-5 rule, are redacted, and values built on them too).
#include <gtest/gtest.h>

#include <random>

#include "context/indicator_report.h"
#include "context/indicator_results.h"
#include "context/provider_report.h"
#include "data/dataset_builder.h"
#include "governance/disclosure.h"

namespace icb {
namespace {

// A random ICB: `persons` people in 20 LSOAs (two per IMD decile) and 8 practices in 3 PCNs,
// registrations (some ending), deaths, QOF register entries and events in FY 2022/23-2023/24.
Dataset RandomIcb(uint32_t persons, uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto uni = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  DatasetBuilder b;
  for (int i = 0; i < 20; ++i) {
    auto& l = b.ds.lsoas;
    std::string code = "E0";
    code += std::to_string(1001000 + i);  // E01001000..E01001019
    l.code.Intern(code);
    l.name.push_back(code);
    l.place_code.push_back(i < 10 ? "E08000001" : "E08000002");
    l.place_name.push_back(i < 10 ? "Bolton" : "Bury");
    l.sub_icb.push_back("00T");
    l.imd_decile.push_back(static_cast<uint8_t>(i / 2 + 1));
    l.imd_quintile.push_back(static_cast<uint8_t>(i / 4 + 1));
  }
  for (int i = 0; i < 8; ++i) {
    auto& p = b.ds.practices;
    const char* pcn[] = {"U0", "U1", "U2"};
    const char* code[] = {"P81000", "P81001", "P81002", "P81003", "P81004", "P81005", "P81006", "P81007"};
    p.code.Intern(code[i]);
    p.name.push_back(code[i]);
    p.pcn_code.push_back(pcn[i % 3]);
    p.pcn_name.push_back(pcn[i % 3]);
    p.sub_icb.push_back("00T");
    p.place_name.push_back(i < 4 ? "Bolton" : "Bury");
  }
  const uint32_t prov = b.ds.orgs.Intern("RXX");
  const uint32_t prov2 = b.ds.orgs.Intern("RYY");
  const uint32_t codes[] = {b.ds.codes.Intern("J441"), b.ds.codes.Intern("I500"), b.ds.codes.Intern("R074")};
  const int32_t start = Date::ParseIso("2022-04-01")->days();
  for (uint32_t i = 0; i < persons; ++i) {
    const std::string id = std::to_string(i);
    const int32_t birth = Date::FromCivil(uni(1925, 2023), uni(1, 12), 1).days();
    const int32_t death = uni(0, 30) == 0 ? start + uni(0, 729) : kNoDate;
    if (death != kNoDate && death < birth) continue;
    const uint32_t p = b.AddPerson(Sha256Of(id), birth, static_cast<uint8_t>(uni(0, 2)), static_cast<uint8_t>(uni(0, 17)),
                                   static_cast<uint32_t>(uni(0, 19)), death);
    if (uni(0, 20) > 0) {
      b.ds.registrations.practice.push_back(static_cast<uint32_t>(uni(0, 7)));
      b.ds.registrations.start.push_back(std::min(birth + uni(0, 400), start + uni(0, 700)));
      b.ds.registrations.end.push_back(uni(0, 10) == 0 ? start + uni(300, 729) : kNoDate);
      b.registration_person.push_back(p);
    }
    for (int c = 0; c < 3; ++c)
      if (uni(0, 5) == 0) {
        b.ds.conditions.condition.push_back(static_cast<uint8_t>(uni(0, 20)));
        b.ds.conditions.date.push_back(start - uni(0, 3000) + uni(0, 1000));
        b.condition_person.push_back(p);
      }
    const int n_events = uni(0, 6);
    for (int k = 0; k < n_events; ++k) {
      const int kind = uni(0, 5);
      const Pod pod = kind == 0 ? Pod::kNonElective : kind == 1 ? Pod::kElective : kind == 2 ? Pod::kAe
                      : kind == 3 ? Pod::kOutpatientFirst : kind == 4 ? Pod::kGpAppointment : Pod::kMaternity;
      const int32_t day = start + uni(0, 729);
      auto& e = b.ds.events;
      e.date.push_back(day);
      const bool apc = pod == Pod::kNonElective || pod == Pod::kElective || pod == Pod::kMaternity;
      e.end_date.push_back(apc ? day + uni(0, 6) : kNoDate);
      e.setting.push_back(static_cast<uint8_t>(PodSetting(pod)));
      e.pod.push_back(static_cast<uint8_t>(pod));
      e.provider.push_back(uni(0, 1) ? prov : prov2);
      e.attr1.push_back(Dictionary::kNone);
      e.attr2.push_back(Dictionary::kNone);
      e.attr3.push_back(Dictionary::kNone);
      e.code.push_back(pod == Pod::kNonElective ? codes[uni(0, 2)] : Dictionary::kNone);
      e.procedure.push_back(Dictionary::kNone);
      e.hrg.push_back(Dictionary::kNone);
      e.cost_pence.push_back(uni(0, 300000));
      e.quantity.push_back(1);
      b.event_person.push_back(p);
    }
  }
  auto r = b.Finish();
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return std::move(r).value();
}

const IndicatorCatalogue& Catalogue() {
  static const IndicatorCatalogue c = [] {
    auto r = LoadIndicatorCatalogue(DefaultIndicatorDir());
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return std::move(r).value();
  }();
  return c;
}

bool IsRedacted(const report::Cell& c) { return std::holds_alternative<report::Redacted>(c); }

// The independent check: in every table, a value column based on counts shows nothing where one
// of those counts is redacted, and no count shows 1..redact_max.
void CheckReport(const report::Report& rep, const governance::DisclosurePolicy& policy, const std::string& what) {
  for (const auto& t : rep.tables)
    for (const auto& row : t.rows())
      for (size_t c = 0; c < t.columns().size(); ++c) {
        const auto& col = t.columns()[c];
        if (col.is_count && std::holds_alternative<int64_t>(row[c])) {
          const int64_t v = std::get<int64_t>(row[c]);
          EXPECT_FALSE(v >= 1 && v <= policy.redact_max) << what << " " << t.name() << "." << col.name;
          EXPECT_EQ(v % policy.round_to, 0) << what << " " << t.name() << "." << col.name;
        }
        for (const auto& b : col.based_on) {
          const auto bi = t.ColumnIndex(b);
          ASSERT_TRUE(bi.has_value()) << t.name() << " " << b;
          if (IsRedacted(row[*bi])) {
            EXPECT_TRUE(IsRedacted(row[c]) || std::holds_alternative<std::monostate>(row[c]))
                << what << " " << t.name() << "." << col.name << " shown on a redacted " << b;
          }
        }
      }
}

TEST(IndicatorDisclosureProperty, RandomQueriesNeverBreakThePolicy) {
  const Dataset ds = RandomIcb(1500, 20240331);
  std::mt19937_64 rng(7);
  auto uni = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  const auto& cat = Catalogue();
  const char* periods[] = {"2022/23", "2023/24", "2023-01-01:2023-12-31", "2023-10-01:2023-10-31"};
  int reports = 0, rows_checked = 0, redacted_values = 0;
  for (int iter = 0; iter < 120; ++iter) {
    IndicatorQuery q;
    q.catalogue = &cat;
    q.period = *ParsePeriod(periods[uni(0, 3)]);
    q.confidence = uni(0, 1) ? std::vector<double>{0.95} : std::vector<double>{0.95, 0.998};
    std::vector<Breakdown> by = {Breakdown::kAll};
    for (int b = 1; b < kBreakdownCount - 1; ++b)  // every breakdown but segment (no scores here)
      if (uni(0, 2) == 0) by.push_back(static_cast<Breakdown>(b));
    q.breakdowns = by;
    q.sii = uni(0, 3) == 0;
    q.sii_repetitions = 1000;
    if (q.sii) q.breakdowns.push_back(Breakdown::kImdDecile);
    // A few indicators that allow every chosen breakdown.
    for (int k = 0; k < 4; ++k) {
      const auto& d = cat.indicators[static_cast<size_t>(uni(0, static_cast<int>(cat.indicators.size()) - 1))];
      if (d.needs_scores) continue;
      bool ok = true;
      for (Breakdown b : q.breakdowns) ok &= ((d.breakdown_mask >> static_cast<int>(b)) & 1u) != 0;
      if (ok && std::find(q.indicator_ids.begin(), q.indicator_ids.end(), d.id) == q.indicator_ids.end())
        q.indicator_ids.push_back(d.id);
    }
    if (q.indicator_ids.empty()) q.indicator_ids = {"em_adm"};
    auto res = ComputeIndicators(ds, PersonScores{}, q);
    ASSERT_TRUE(res.ok()) << res.status().ToString();
    const auto policy = uni(0, 1) ? governance::StandardPolicy() : governance::StrictPolicy();
    report::Report rep = BuildIndicatorReport(*res, "random");
    ASSERT_TRUE(governance::ApplyDisclosure(rep, policy).ok());
    const std::string what = "query " + std::to_string(iter) + " (" + policy.name + ")";
    const Status v = governance::VerifyDisclosure(rep, policy);
    EXPECT_TRUE(v.ok()) << what << ": " << v.ToString();
    CheckReport(rep, policy, what);
    // Against the true counts: a row whose numerator or denominator is 1..redact_max shows no value.
    const auto* ov = rep.Find("overview");
    ASSERT_NE(ov, nullptr);
    const size_t value = *ov->ColumnIndex("value");
    for (size_t k = 0; k < res->indicators.size(); ++k) {
      const auto& cell = res->indicators[k].cells[0];
      const int64_t den = static_cast<int64_t>(std::llround(cell.denominator));
      const bool small = (cell.numerator >= 1 && cell.numerator <= policy.redact_max) || (den >= 1 && den <= policy.redact_max);
      if (small) {
        EXPECT_TRUE(IsRedacted(ov->rows()[k][value])) << what << " " << res->indicators[k].def.id;
      }
      redacted_values += IsRedacted(ov->rows()[k][value]) ? 1 : 0;
      ++rows_checked;
    }
    ++reports;
  }
  // Core20PLUS5 and provider reports under both policies.
  for (const auto& policy : {governance::StandardPolicy(), governance::StrictPolicy()}) {
    IndicatorQuery q;
    q.catalogue = &cat;
    q.period = *ParsePeriod("2023/24");
    q.breakdowns = {Breakdown::kAll, Breakdown::kCore20, Breakdown::kEthnicGroup};
    for (const auto& item : Core20Plus5Items())
      if (!cat.indicators[static_cast<size_t>(cat.Find(item.indicator_id))].needs_scores) q.indicator_ids.push_back(item.indicator_id);
    auto res = ComputeIndicators(ds, PersonScores{}, q);
    ASSERT_TRUE(res.ok()) << res.status().ToString();
    auto rep = BuildCore20Plus5Report(*res, "random");
    ASSERT_TRUE(rep.ok());
    ASSERT_TRUE(governance::ApplyDisclosure(*rep, policy).ok());
    EXPECT_TRUE(governance::VerifyDisclosure(*rep, policy).ok());
    CheckReport(*rep, policy, "core20plus5");
    ProviderQuery pq;
    pq.catalogue = &cat;
    pq.period = q.period;
    auto prov = ComputeProviderReport(ds, pq);
    ASSERT_TRUE(prov.ok()) << prov.status().ToString();
    ASSERT_TRUE(governance::ApplyDisclosure(*prov, policy).ok());
    EXPECT_TRUE(governance::VerifyDisclosure(*prov, policy).ok());
    CheckReport(*prov, policy, "providers");
    reports += 2;
  }
  EXPECT_EQ(reports, 124);
  EXPECT_GT(rows_checked, 120);
  EXPECT_GT(redacted_values, 0);  // the queries do reach small counts
}

}  // namespace
}  // namespace icb
