// Every value of a generated ICB satisfies the input contract, and the files agree with each other
// (codes found in the reference tables, points of delivery consistent with admission method and
// patient classification, dates in order).
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <unordered_map>

#include "data/contract.h"
#include "synth_fixture.h"

namespace icb::synth::testing {
namespace {

TEST(SynthContract, EveryValueOfEveryFilePassesTheContract) {
  const Fixture& fx = SharedFixture();
  size_t files = 0;
  for (const auto& spec : InputContract()) {
    const std::string path = fx.out + "/" + std::string(spec.file_name);
    ASSERT_TRUE(std::filesystem::exists(path)) << spec.file_name;
    ++files;
    uint64_t rows = 0, bad = 0;
    std::map<std::string, uint64_t> problems;
    const auto header = ForEachRow(path, [&](const std::vector<std::string>& f) {
      ++rows;
      if (f.size() != spec.columns.size()) {
        ++bad;
        problems["wrong field count"]++;
        return;
      }
      for (size_t i = 0; i < f.size(); ++i)
        if (const char* why = CheckValue(spec.columns[i], f[i])) {
          ++bad;
          problems[std::string(spec.columns[i].name) + ": " + why]++;
        }
    });
    ASSERT_EQ(header.size(), spec.columns.size()) << spec.file_name;
    for (size_t i = 0; i < header.size(); ++i) EXPECT_EQ(header[i], spec.columns[i].name) << spec.file_name;
    EXPECT_GT(rows, 0u) << spec.file_name;
    EXPECT_EQ(bad, 0u) << spec.file_name << ": first problem " << (problems.empty() ? "" : problems.begin()->first);
  }
  EXPECT_EQ(files, 15u);
  // Truths stay out of the analytic directory.
  EXPECT_FALSE(std::filesystem::exists(fx.out + "/emergency_risk.csv"));
  EXPECT_FALSE(std::filesystem::exists(fx.out + "/model.json"));
}

TEST(SynthContract, FilesAgreeWithEachOther) {
  const Fixture& fx = SharedFixture();
  std::set<std::string> lsoas, practices, providers, persons;
  ForEachRow(fx.out + "/ref_lsoa.csv", [&](const auto& f) { lsoas.insert(f[0]); });
  ForEachRow(fx.out + "/ref_practices.csv", [&](const auto& f) { practices.insert(f[0]); });
  ForEachRow(fx.out + "/ref_providers.csv", [&](const auto& f) { providers.insert(f[0]); });
  EXPECT_EQ(lsoas.size(), 1702u);   // every LSOA of NHS Greater Manchester
  EXPECT_EQ(practices.size(), 413u);  // every QOF 2022-23 practice of the ICB
  ForEachRow(fx.out + "/persons.csv", [&](const auto& f) {
    EXPECT_TRUE(persons.insert(f[0]).second);
    EXPECT_TRUE(lsoas.count(f[4])) << "LSOA of residence not in ref_lsoa";
  });
  uint64_t regs = 0;
  ForEachRow(fx.out + "/gp_registrations.csv", [&](const auto& f) {
    ++regs;
    EXPECT_TRUE(persons.count(f[0]));
    EXPECT_TRUE(practices.count(f[1]));
    if (!f[3].empty()) { EXPECT_LE(Day(f[2]), Day(f[3])); }
  });
  EXPECT_GT(regs, persons.size() * 9 / 10);
  for (const char* file : {"ae_attendances.csv", "outpatient_attendances.csv"})
    ForEachRow(fx.out + "/" + file, [&](const auto& f) {
      EXPECT_TRUE(persons.count(f[0]));
      EXPECT_TRUE(providers.count(f[2])) << file;
    });
  for (const char* file : {"community_contacts.csv", "mental_health_contacts.csv"})
    ForEachRow(fx.out + "/" + file, [&](const auto& f) { EXPECT_TRUE(providers.count(f[2])) << file; });
  ForEachRow(fx.out + "/social_care_services.csv", [&](const auto& f) {
    EXPECT_TRUE(providers.count(f[3]));
    if (!f[2].empty()) { EXPECT_LE(Day(f[1]), Day(f[2])); }
  });
  for (const char* file : {"gp_appointments.csv", "prescriptions.csv"})
    ForEachRow(fx.out + "/" + file, [&](const auto& f) { EXPECT_TRUE(practices.count(f[2])) << file; });

  std::map<std::string, uint64_t> pods;
  ForEachRow(fx.out + "/apc_spells.csv", [&](const auto& f) {
    EXPECT_TRUE(providers.count(f[1]));
    if (!f[3].empty()) { EXPECT_LE(Day(f[2]), Day(f[3])); }
    const std::string& method = f[4];
    const std::string& cls = f[5];
    const std::string& pod = f[6];
    pods[pod]++;
    if (pod == "EL" || pod == "DC") { EXPECT_EQ(method[0], '1') << pod << " with method " << method; }
    if (pod == "NEL") { EXPECT_TRUE(method[0] == '2' || method[0] == '8') << method; }
    if (pod == "MAT") { EXPECT_EQ(method[0], '3'); }
    if (pod == "DC") { EXPECT_EQ(cls, "2"); }
    if (pod == "EL") { EXPECT_EQ(cls, "1"); }
  });
  for (const char* pod : {"EL", "DC", "NEL", "MAT"}) EXPECT_GT(pods[pod], 0u) << pod;
}

TEST(SynthContract, NoActivityAfterDeathButSomeBeforeRegistration) {
  const Fixture& fx = SharedFixture();
  std::unordered_map<std::string, int32_t> death;
  ForEachRow(fx.out + "/persons.csv", [&](const auto& f) {
    if (!f[5].empty()) death[f[0]] = Day(f[5]);
  });
  EXPECT_GT(death.size(), 100u);
  for (const auto& [file, col] : std::vector<std::pair<std::string, int>>{
           {"ae_attendances.csv", 1}, {"apc_spells.csv", 2}, {"outpatient_attendances.csv", 1},
           {"gp_appointments.csv", 1}, {"community_contacts.csv", 1}, {"mental_health_contacts.csv", 1},
           {"prescriptions.csv", 1}, {"gp_events.csv", 1}, {"social_care_services.csv", 1}}) {
    uint64_t after = 0;
    ForEachRow(fx.out + "/" + file, [&](const auto& f) {
      if (auto it = death.find(f[0]); it != death.end() && Day(f[static_cast<size_t>(col)]) > it->second) ++after;
    });
    EXPECT_EQ(after, 0u) << file;
  }
  // People who move in use A&E before they register with a practice (a realistic wrinkle).
  std::unordered_map<std::string, std::vector<std::pair<int32_t, int32_t>>> regs;
  ForEachRow(fx.out + "/gp_registrations.csv", [&](const auto& f) {
    regs[f[0]].push_back({Day(f[2]), f[3].empty() ? INT32_MAX : Day(f[3])});
  });
  uint64_t outside = 0, total = 0;
  ForEachRow(fx.out + "/ae_attendances.csv", [&](const auto& f) {
    const int32_t d = Day(f[1]);
    bool in = false;
    for (auto [a, b] : regs[f[0]]) in |= a <= d && d <= b;
    outside += !in;
    ++total;
  });
  EXPECT_GT(outside, 0u);
  EXPECT_LT(outside, total / 100);
}

TEST(SynthContract, MoneyHasTwoDecimals) {
  const Fixture& fx = SharedFixture();
  uint64_t checked = 0;
  for (const char* file : {"apc_spells.csv", "ae_attendances.csv", "gp_appointments.csv", "prescriptions.csv",
                           "social_care_services.csv", "outpatient_attendances.csv"}) {
    const auto header = ForEachRow(fx.out + "/" + file, [&](const auto& f) {
      const std::string& cost = f.back();
      const size_t dot = cost.find('.');
      ASSERT_NE(dot, std::string::npos) << file;
      EXPECT_EQ(cost.size() - dot, 3u) << file;
      ++checked;
    });
    EXPECT_EQ(header.back(), "cost");
  }
  EXPECT_GT(checked, 100000u);
}

}  // namespace
}  // namespace icb::synth::testing
