#include "context/segment_report.h"

#include <array>
#include <cstdio>

#include "core/file_util.h"

namespace icb {
namespace {

using report::Cell;
using report::Table;

constexpr int kSegs = kB2hSegmentCount;

Cell Pct(int64_t n, int64_t d) { return d > 0 ? Cell(100.0 * static_cast<double>(n) / static_cast<double>(d)) : Cell(); }

// Adds "people" and "share" (% of the population) columns.
void AddPeople(Table& t) {
  t.AddCount("people", "People");
  t.AddPercent("share", "% of population", 1).BasedOn({"people"});
}

std::string AgeBand(int age) {
  static constexpr std::array<int, 9> kLower = {0, 5, 18, 30, 45, 65, 75, 85, 200};
  for (size_t i = 0; i + 1 < kLower.size(); ++i) {
    if (age < kLower[i + 1]) {
      return kLower[i + 1] == 200 ? std::to_string(kLower[i]) + "+"
                                  : std::to_string(kLower[i]) + "-" + std::to_string(kLower[i + 1] - 1);
    }
  }
  return "?";
}

// A breakdown of segments by a person attribute: one row per value, one count column per segment.
Table SegmentBreakdown(const std::string& name, const std::string& title, const std::string& by_label,
                       const std::vector<std::string>& keys, const std::vector<std::array<int64_t, kSegs + 1>>& counts) {
  Table t(name, title);
  t.AddText("group", by_label);
  for (int s = 1; s <= kSegs; ++s) t.AddCount(std::string(B2hSegmentName(static_cast<B2hSegment>(s))), std::string(B2hSegmentLabel(static_cast<B2hSegment>(s))));
  t.AddCount("population", "All segments");
  std::array<int64_t, kSegs + 1> total{};
  for (size_t k = 0; k < keys.size(); ++k) {
    std::vector<Cell> row{keys[k]};
    int64_t all = 0;
    for (int s = 1; s <= kSegs; ++s) {
      row.push_back(counts[k][static_cast<size_t>(s)]);
      total[static_cast<size_t>(s)] += counts[k][static_cast<size_t>(s)];
      all += counts[k][static_cast<size_t>(s)];
    }
    row.push_back(all);
    t.AddRow(std::move(row));
  }
  std::vector<Cell> row{std::string("Total")};
  int64_t all = 0;
  for (int s = 1; s <= kSegs; ++s) {
    row.push_back(total[static_cast<size_t>(s)]);
    all += total[static_cast<size_t>(s)];
  }
  row.push_back(all);
  t.AddRow(std::move(row));
  t.MarkTotalRow();
  return t;
}

}  // namespace

report::Report BuildSegmentReport(const Dataset& ds, const PersonScores& sc, const ScoringConfig& cfg,
                                  const std::string& dataset_label) {
  report::Report r;
  const std::string as_at = Date(sc.as_at).ToIso();
  r.title = "Population segmentation and scores as at " + as_at;
  r.metadata = {{"Dataset", dataset_label},
                {"As at", as_at},
                {"Segmentation", cfg.b2h.name + " (" + cfg.b2h.version + ")"},
                {"Rules", cfg.dir + "/segmentation, " + cfg.dir + "/codelists"},
                {"Definitions", "docs/reference/segmentation.md, docs/reference/scores.md"}};
  const size_t n = sc.size();
  const size_t nsub = cfg.b2h.subsegments.size();
  std::array<int64_t, kSegs + 1> seg{};
  std::vector<int64_t> sub(nsub, 0);
  std::vector<std::string> age_keys = {"0-4", "5-17", "18-29", "30-44", "45-64", "65-74", "75-84", "85+"};
  std::vector<std::array<int64_t, kSegs + 1>> by_age(age_keys.size()), by_sex(3), by_imd(6);
  std::array<int64_t, 6> cms{}, efi{}, hfrs{}, charlson{}, charlson11{}, elix{}, ltc{};
  std::array<int64_t, 9> core{};
  int64_t population = 0;
  for (size_t i = 0; i < n; ++i) {
    if (!sc.in_population[i]) continue;
    ++population;
    const size_t s = sc.segment[i];
    ++seg[s];
    for (size_t b = 0; b < nsub; ++b)
      if ((sc.subsegments[i] >> b) & 1u) ++sub[b];
    const std::string band = AgeBand(sc.age[i]);
    for (size_t k = 0; k < age_keys.size(); ++k)
      if (age_keys[k] == band) ++by_age[k][s];
    const uint8_t sex = ds.persons.sex[i];
    ++by_sex[sex == 1 ? 0 : sex == 2 ? 1 : 2][s];
    const uint32_t lsoa = ds.persons.lsoa[i];
    const uint8_t q = lsoa < ds.lsoas.imd_quintile.size() ? ds.lsoas.imd_quintile[lsoa] : 0;
    ++by_imd[q >= 1 && q <= 5 ? q - 1 : 5][s];
    const float c = sc.cms[i];
    ++cms[c <= 0 ? 0 : c < 1 ? 1 : c < 2 ? 2 : c < 3 ? 3 : c < 5 ? 4 : 5];
    ++efi[sc.efi_band[i]];
    const float h = sc.hfrs[i];
    ++hfrs[h < 5 ? 0 : h <= 15 ? 1 : 2];
    auto ch_band = [](int v) { return v == 0 ? 0 : v == 1 ? 1 : v == 2 ? 2 : v <= 4 ? 3 : 4; };
    ++charlson[static_cast<size_t>(ch_band(sc.charlson_1987[i]))];
    ++charlson11[static_cast<size_t>(ch_band(sc.charlson_quan2011[i]))];
    const int e = sc.elixhauser_vw[i];
    ++elix[e < 0 ? 0 : e == 0 ? 1 : e <= 4 ? 2 : e <= 9 ? 3 : 4];
    ++ltc[std::min<size_t>(sc.ltc_count[i], 5)];
    for (int f = 0; f < 9; ++f)
      if ((sc.core20plus5[i] >> f) & 1u) ++core[static_cast<size_t>(f)];
  }

  {
    Table t("segments", "People by Bridges to Health segment on " + as_at);
    t.AddInteger("number", "Segment").AddText("segment", "Name").AddText("label", "Segment");
    AddPeople(t);
    for (B2hSegment s : cfg.b2h.precedence) {
      const int v = static_cast<int>(s);
      t.AddRow({int64_t{v}, std::string(B2hSegmentName(s)), std::string(B2hSegmentLabel(s)), seg[static_cast<size_t>(v)],
                Pct(seg[static_cast<size_t>(v)], population)});
    }
    t.AddRow({Cell(), std::string("all"), std::string("Population (alive and registered)"), population, Pct(population, population)});
    t.MarkTotalRow();
    t.footnotes().push_back("Rows in precedence order (highest need first): each person is in the first segment whose rules they meet.");
    r.tables.push_back(std::move(t));
    report::ChartSpec chart;
    chart.name = "segment_mix";
    chart.title = "Segment mix on " + as_at;
    chart.description = "Bar chart of the number of people in each Bridges to Health segment";
    chart.kind = report::ChartKind::kBar;
    chart.table = "segments";
    chart.x = "label";
    chart.y = {"people"};
    r.charts.push_back(chart);
  }
  {
    Table t("subsegments", "People by subsegment (flags: a person can have several)");
    t.AddText("subsegment", "Subsegment").AddText("segment", "Segment");
    AddPeople(t);
    for (size_t b = 0; b < nsub; ++b) {
      t.AddRow({cfg.b2h.subsegments[b].label, std::string(B2hSegmentLabel(cfg.b2h.subsegments[b].segment)), sub[b],
                Pct(sub[b], population)});
    }
    r.tables.push_back(std::move(t));
  }
  r.tables.push_back(SegmentBreakdown("segment_by_age", "Segment by age band on " + as_at, "Age band", age_keys, by_age));
  r.tables.push_back(SegmentBreakdown("segment_by_sex", "Segment by sex", "Sex", {"Male", "Female", "Other or not known"}, by_sex));
  r.tables.push_back(SegmentBreakdown("segment_by_imd", "Segment by IMD quintile (1 = most deprived)", "IMD quintile",
                                      {"1", "2", "3", "4", "5", "Unknown"}, by_imd));
  {
    Table t("score_bands", "Score distributions");
    t.AddText("score", "Score").AddText("band", "Band");
    AddPeople(t);
    auto add = [&](const std::string& score, const std::vector<std::string>& bands, const auto& counts) {
      for (size_t k = 0; k < bands.size(); ++k) {
        t.AddRow({score, bands[k], counts[k], Pct(counts[k], population)});
      }
    };
    add("Cambridge Multimorbidity Score", {"0", "> 0 to < 1", "1 to < 2", "2 to < 3", "3 to < 5", "5+"}, cms);
    add("Electronic Frailty Index", {"Fit (<= 0.12)", "Mild (> 0.12 to 0.24)", "Moderate (> 0.24 to 0.36)", "Severe (> 0.36)"}, efi);
    add("Hospital Frailty Risk Score", {"Low (< 5)", "Intermediate (5 to 15)", "High (> 15)"}, hfrs);
    add("Charlson (1987 weights)", {"0", "1", "2", "3-4", "5+"}, charlson);
    add("Charlson (Quan 2011 weights)", {"0", "1", "2", "3-4", "5+"}, charlson11);
    add("Elixhauser (van Walraven)", {"< 0", "0", "1-4", "5-9", "10+"}, elix);
    add("Long-term conditions (QOF registers)", {"0", "1", "2", "3", "4", "5+"}, ltc);
    t.footnotes().push_back("eFI and HFRS are validated for ages 65+ and 75+; they are shown here for the whole population.");
    r.tables.push_back(std::move(t));
  }
  {
    Table t("core20plus5", "Core20PLUS5 groups and clinical areas");
    t.AddText("group", "Group");
    AddPeople(t);
    const char* labels[] = {"Core20: IMD deciles 1-2 (national)", "PLUS: ethnic minority", "PLUS: learning disability or autism",
                            "PLUS: multimorbidity (2+ LTCs)", "5: maternity", "5: severe mental illness",
                            "5: chronic respiratory disease", "5: cancer diagnosed in the last 12 months", "5: hypertension"};
    for (size_t f = 0; f < 9; ++f) t.AddRow({std::string(labels[f]), core[f], Pct(core[f], population)});
    r.tables.push_back(std::move(t));
  }
  return r;
}

Status WritePersonLevelScores(const std::string& path, const Dataset& ds, const PersonScores& sc, const ScoringConfig& cfg) {
  std::string out =
      "pseudonym,segment,subsegments,age,cms,efi,efi_band,hfrs,charlson_1987,charlson_quan2011,elixhauser_vw,ltc_count,"
      "core20plus5\n";
  char buf[160];
  for (size_t i = 0; i < sc.size(); ++i) {
    if (!sc.in_population[i]) continue;
    out += ToHex(ds.persons.pseudonym[i]);
    out += ',';
    out += B2hSegmentName(static_cast<B2hSegment>(sc.segment[i]));
    out += ',';
    bool first = true;
    for (size_t b = 0; b < cfg.b2h.subsegments.size(); ++b) {
      if (!((sc.subsegments[i] >> b) & 1u)) continue;
      if (!first) out += ';';
      out += cfg.b2h.subsegments[b].name;
      first = false;
    }
    std::snprintf(buf, sizeof buf, ",%d,%.2f,%.4f,%s,%.1f,%d,%d,%d,%d,%u\n", sc.age[i], static_cast<double>(sc.cms[i]),
                  static_cast<double>(sc.efi[i]), std::string(EfiBandName(static_cast<EfiBand>(sc.efi_band[i]))).c_str(),
                  static_cast<double>(sc.hfrs[i]), sc.charlson_1987[i], sc.charlson_quan2011[i], sc.elixhauser_vw[i],
                  sc.ltc_count[i], static_cast<unsigned>(sc.core20plus5[i]));
    out += buf;
  }
  return WriteFileAtomic(path, out);
}

}  // namespace icb
