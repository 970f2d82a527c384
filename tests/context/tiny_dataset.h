// The hand-built dataset of the profile spec tests: seven people, two practices, two LSOAs, ten
// events and seven register entries; docs/reference/profile.md works its profile out by hand.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "data/dataset_builder.h"

namespace icb::testing {

inline int32_t D(const char* iso) { return Date::ParseIso(iso)->days(); }
inline int32_t YM(const char* ym) { return Date::ParseYearMonth(ym)->days(); }

struct Tiny {
  DatasetBuilder b;
  Tiny() {
    auto& l = b.ds.lsoas;
    auto lsoa = [&](const char* code, const char* place_code, const char* place, const char* sub_icb, int decile) {
      l.code.Intern(code);
      l.name.push_back(std::string(place) + " 001A");
      l.place_code.push_back(place_code);
      l.place_name.push_back(place);
      l.sub_icb.push_back(sub_icb);
      l.imd_decile.push_back(static_cast<uint8_t>(decile));
      l.imd_quintile.push_back(static_cast<uint8_t>((decile + 1) / 2));
    };
    lsoa("E01000001", "E08000001", "Bolton", "00T", 1);   // L0: quintile 1
    lsoa("E01000002", "E08000002", "Bury", "00V", 10);    // L1: quintile 5
    auto& pr = b.ds.practices;
    auto practice = [&](const char* code, const char* pcn, const char* sub_icb, const char* place) {
      pr.code.Intern(code);
      pr.name.push_back(std::string("Practice ") + code);
      pr.pcn_code.push_back(pcn);
      pr.pcn_name.push_back(std::string("PCN ") + pcn);
      pr.sub_icb.push_back(sub_icb);
      pr.place_name.push_back(place);
    };
    practice("A00001", "U00001", "00T", "Bolton");  // P1 = row 0
    practice("A00002", "U00002", "00V", "Bury");    // P2 = row 1
    const uint8_t male = 1, female = 2, not_known = 0;
    const uint8_t eth_a = *EthnicIndex("A"), eth_b = *EthnicIndex("B"), eth_h = *EthnicIndex("H"),
                  eth_z = *EthnicIndex("Z"), eth_99 = *EthnicIndex("99");
    // p0: born Apr 1954, aged 69 on 2024-03-31 (70 on 2024-04-01). Registered P1.
    p[0] = Person("p0", YM("1954-04"), male, eth_a, 0, kNoDate);
    Reg(p[0], 0, D("2000-01-01"), kNoDate);
    Cond(p[0], "HYP", D("2010-01-01"));
    Cond(p[0], "DM", D("2025-01-01"));  // after as_at: not on the register yet
    // p1: born Mar 1950, aged 74. Registered P2. Asthma and diabetes.
    p[1] = Person("p1", YM("1950-03"), female, eth_h, 1, kNoDate);
    Reg(p[1], 1, D("2023-01-01"), kNoDate);
    Cond(p[1], "AST", D("2020-05-05"));
    Cond(p[1], "DM", D("2019-01-01"));
    // p2: born Jan 2020, aged 4. Registration ended in 2022: resident but not registered.
    p[2] = Person("p2", YM("2020-01"), female, eth_99, 0, kNoDate);
    Reg(p[2], 0, D("2020-02-01"), D("2022-01-01"));
    Cond(p[2], "AST", D("2023-01-01"));
    // p3: born Jun 1930, died 2023-06-15.
    p[3] = Person("p3", YM("1930-06"), male, eth_b, 1, D("2023-06-15"));
    Reg(p[3], 1, D("1990-01-01"), kNoDate);
    // p4: born Jun 2024, after the as-at date.
    p[4] = Person("p4", YM("2024-06"), female, eth_a, 1, kNoDate);
    // p5: born May 2010, sex not known, aged 13. Registered P1, asthma.
    p[5] = Person("p5", YM("2010-05"), not_known, eth_z, 0, kNoDate);
    Reg(p[5], 0, D("2010-06-01"), kNoDate);
    Cond(p[5], "AST", D("2022-01-01"));
    // p6: born Mar 1990, aged 34; died on the as-at date 2024-03-31 (alive that day); registration
    // ends that day (registered that day). Hypertension entered that day.
    p[6] = Person("p6", YM("1990-03"), male, eth_a, 0, D("2024-03-31"));
    Reg(p[6], 0, D("2015-01-01"), D("2024-03-31"));
    Cond(p[6], "HYP", D("2024-03-31"));
    // Activity in FY 2022/23 and 2023/24: first event 2022-04-01, last 2024-03-31. Each setting's
    // data covers its first to its last event date: GP and prescribing from 2022-04-01 and
    // 2022-05-01, A&E from 2023-01-15, APC from 2023-04-01, all to 2024-03-31.
    Event(p[0], D("2022-04-01"), Setting::kGpAppointment, Pod::kGpAppointment, 3000, 1);
    Event(p[5], D("2024-03-31"), Setting::kGpAppointment, Pod::kGpAppointment, 2500, 1);
    Event(p[0], D("2022-05-01"), Setting::kPrescribing, Pod::kPrescribing, 99, 1);
    Event(p[1], D("2023-08-01"), Setting::kPrescribing, Pod::kPrescribing, 1234, 3);
    Event(p[6], D("2024-03-31"), Setting::kPrescribing, Pod::kPrescribing, 500, 2);
    Event(p[3], D("2023-01-15"), Setting::kAe, Pod::kAe, 15000, 1);
    Event(p[1], D("2024-03-31"), Setting::kAe, Pod::kAe, 15000, 1);
    Event(p[0], D("2023-04-01"), Setting::kApc, Pod::kElective, 250000, 1);
    Event(p[0], D("2023-06-01"), Setting::kApc, Pod::kNonElective, 180000, 1);
    Event(p[1], D("2024-03-31"), Setting::kApc, Pod::kNonElective, 200000, 1);
  }
  uint32_t p[7];
  uint32_t Person(const char* id, int32_t birth, uint8_t sex, uint8_t eth, uint32_t lsoa, int32_t death) {
    return b.AddPerson(Sha256Of(id), birth, sex, eth, lsoa, death);
  }
  void Reg(uint32_t person, uint32_t practice, int32_t start, int32_t end) {
    auto& r = b.ds.registrations;
    r.practice.push_back(practice);
    r.start.push_back(start);
    r.end.push_back(end);
    b.registration_person.push_back(person);
  }
  void Cond(uint32_t person, const char* code, int32_t date) {
    b.ds.conditions.condition.push_back(*QofConditionIndex(code));
    b.ds.conditions.date.push_back(date);
    b.condition_person.push_back(person);
  }
  void Event(uint32_t person, int32_t date, Setting s, Pod pod, int64_t cost_pence, uint32_t quantity) {
    auto& e = b.ds.events;
    e.date.push_back(date);
    e.end_date.push_back(kNoDate);
    e.setting.push_back(static_cast<uint8_t>(s));
    e.pod.push_back(static_cast<uint8_t>(pod));
    e.provider.push_back(Dictionary::kNone);
    e.attr1.push_back(Dictionary::kNone);
    e.attr2.push_back(Dictionary::kNone);
    e.attr3.push_back(Dictionary::kNone);
    e.code.push_back(Dictionary::kNone);
    e.procedure.push_back(Dictionary::kNone);
    e.hrg.push_back(Dictionary::kNone);
    e.cost_pence.push_back(cost_pence);
    e.quantity.push_back(quantity);
    b.event_person.push_back(person);
  }
  Dataset Build() {
    auto r = b.Finish();
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return std::move(r).value();
  }
};

inline Dataset TinyDataset() { return Tiny().Build(); }

}  // namespace icb::testing
