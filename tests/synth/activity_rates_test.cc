// Activity per 1,000 person-years in FY 2022/23, computed from the CSVs as an analyst would
// (denominator: days registered with a practice, up to death), is within 10% of the England
// 2022-23 figures in data/reference/england_activity_rates.csv. Sampling error of the 20,000-person
// ICB (a ratio estimator's standard error over people) is allowed for on top: three standard errors.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <unordered_map>

#include "synth/reference_data.h"
#include "synth_fixture.h"

namespace icb::synth::testing {
namespace {

struct PersonCounts {
  double exposure = 0;                  // registered years in the FY
  std::map<std::string, double> count;  // per measure
};

TEST(SynthActivity, RatesWithinTenPercentOfEngland) {
  const Fixture& fx = SharedFixture();
  const int32_t fs = Day(2022, 4, 1), fe = Day(2023, 4, 1);
  auto in_fy = [&](const std::string& d) {
    const int32_t x = Day(d);
    return x >= fs && x < fe;
  };
  std::unordered_map<std::string, int32_t> death;
  ForEachRow(fx.out + "/persons.csv", [&](const auto& f) {
    if (!f[5].empty()) death[f[0]] = Day(f[5]);
  });
  std::unordered_map<std::string, PersonCounts> people;
  ForEachRow(fx.out + "/gp_registrations.csv", [&](const auto& f) {
    int32_t a = std::max(Day(f[2]), fs);
    int32_t b = f[3].empty() ? fe : std::min(fe, Day(f[3]) + 1);
    if (auto it = death.find(f[0]); it != death.end()) b = std::min(b, it->second + 1);
    if (b > a) people[f[0]].exposure += (b - a) / 365.25;
  });
  auto add = [&](const std::string& person, const char* measure, double n = 1) { people[person].count[measure] += n; };
  ForEachRow(fx.out + "/gp_appointments.csv", [&](const auto& f) {
    if (in_fy(f[1]) && f[5] == "ATTENDED") add(f[0], "gp_appointments_attended");
  });
  ForEachRow(fx.out + "/ae_attendances.csv", [&](const auto& f) {
    if (in_fy(f[1])) add(f[0], "ae_attendances");
  });
  ForEachRow(fx.out + "/apc_spells.csv", [&](const auto& f) {
    if (!in_fy(f[2])) return;
    static const std::map<std::string, const char*> kPod = {{"NEL", "non_elective_admissions"},
                                                            {"EL", "elective_ordinary_admissions"},
                                                            {"DC", "day_cases"},
                                                            {"MAT", "maternity_admissions"}};
    add(f[0], kPod.at(f[6]));
  });
  ForEachRow(fx.out + "/outpatient_attendances.csv", [&](const auto& f) {
    if (!in_fy(f[1]) || (f[5] != "5" && f[5] != "6")) return;
    add(f[0], (f[3] == "1" || f[3] == "3") ? "outpatient_first_attended" : "outpatient_followup_attended");
  });
  ForEachRow(fx.out + "/community_contacts.csv", [&](const auto& f) {
    if (in_fy(f[1])) add(f[0], "community_contacts");
  });
  ForEachRow(fx.out + "/mental_health_contacts.csv", [&](const auto& f) {
    if (in_fy(f[1])) add(f[0], "mental_health_contacts");
  });
  std::unordered_map<std::string, bool> long_term;
  ForEachRow(fx.out + "/social_care_services.csv", [&](const auto& f) {
    if (f[4] == "REABLEMENT" || f[4] == "OTHER") return;
    if (Day(f[1]) < fe && (f[2].empty() || Day(f[2]) >= fs)) long_term[f[0]] = true;
  });
  for (const auto& [person, yes] : long_term) add(person, "adult_social_care_long_term");
  ForEachRow(fx.out + "/prescriptions.csv", [&](const auto& f) {
    if (in_fy(f[1])) add(f[0], "prescription_items", std::stod(f[4]));
  });

  auto ref = LoadReferenceData(DefaultReferenceDir());
  ASSERT_TRUE(ref.ok());
  ASSERT_EQ(ref->targets.size(), 12u);
  for (const auto& t : ref->targets) {
    double events = 0, years = 0;
    for (const auto& [p, c] : people) {
      years += c.exposure;
      if (auto it = c.count.find(t.measure); it != c.count.end()) events += it->second;
    }
    ASSERT_GT(years, kFixturePersons * 0.9);
    const double r = events / years;
    double var = 0;  // ratio estimator variance
    for (const auto& [p, c] : people) {
      const auto it = c.count.find(t.measure);
      const double d = (it == c.count.end() ? 0.0 : it->second) - r * c.exposure;
      var += d * d;
    }
    const double se = std::sqrt(var) / years;
    const double target = t.rate_per_1000 / 1000.0;
    EXPECT_NEAR(r / target, 1.0, 0.10 + 3.0 * se / target)
        << t.measure << ": " << r * 1000 << " per 1,000 vs England " << t.rate_per_1000 << " (se " << se * 1000 << ")";
  }
}

}  // namespace
}  // namespace icb::synth::testing
