// Hand-built datasets for the risk feature and outcome tests: a builder that takes attribute and
// code strings, the eight people whose features tests/risk/features_test.cc works out by hand
// (as at 2024-04-01), and a generator of random persons for the thread-count and twin tests.
#pragma once

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "data/dataset_builder.h"

namespace icb::risk::testing {

// prefix + the number (written with append: g++ 12 -O3 warns falsely on "literal" + std::string).
inline std::string Cat(const char* prefix, long long n) {
  std::string s(prefix);
  s.append(std::to_string(n));
  return s;
}

inline int32_t Day(const char* iso) { return Date::ParseIso(iso)->days(); }

struct RiskBuilder {
  DatasetBuilder b;
  RiskBuilder() {
    auto& l = b.ds.lsoas;
    // L0: decile 1, L1: decile 10, L2: decile unknown (0).
    for (int k = 0; k < 3; ++k) {
      l.code.Intern(Cat("E0100000", k));
      l.name.push_back(Cat("LSOA ", k));
      l.place_code.push_back("E08000001");
      l.place_name.push_back("Bolton");
      l.sub_icb.push_back("00T");
      const int decile = k == 0 ? 1 : k == 1 ? 10 : 0;
      l.imd_decile.push_back(static_cast<uint8_t>(decile));
      l.imd_quintile.push_back(static_cast<uint8_t>((decile + 1) / 2));
    }
    auto& pr = b.ds.practices;
    pr.code.Intern("A00001");
    pr.name.push_back("Practice A00001");
    pr.pcn_code.push_back("U00001");
    pr.pcn_name.push_back("PCN U00001");
    pr.sub_icb.push_back("00T");
    pr.place_name.push_back("Bolton");
  }
  // A person registered with the one practice from 2000-01-01 (unless `registered` is false).
  uint32_t Person(const std::string& id, const char* birth_ym, uint8_t sex, const char* eth, uint32_t lsoa,
                  int32_t death = kNoDate, bool registered = true) {
    const uint32_t p = b.AddPerson(Sha256Of(id), Date::ParseYearMonth(birth_ym)->days(), sex, *EthnicIndex(eth), lsoa, death);
    if (registered) Reg(p, Day("2000-01-01"), kNoDate);
    return p;
  }
  void Reg(uint32_t p, int32_t start, int32_t end) {
    auto& r = b.ds.registrations;
    r.practice.push_back(0);
    r.start.push_back(start);
    r.end.push_back(end);
    b.registration_person.push_back(p);
  }
  void Cond(uint32_t p, const char* code, int32_t date) {
    b.ds.conditions.condition.push_back(*QofConditionIndex(code));
    b.ds.conditions.date.push_back(date);
    b.condition_person.push_back(p);
  }
  uint32_t Attr(const std::string& v) { return v.empty() ? Dictionary::kNone : b.ds.attrs.Intern(v); }
  uint32_t Code(const std::string& v) { return v.empty() ? Dictionary::kNone : b.ds.codes.Intern(v); }
  // One event; attrs and code are strings ("" for none).
  void Event(uint32_t p, int32_t date, int32_t end_date, Setting s, Pod pod, int64_t cost_pence, const std::string& attr1 = "",
             const std::string& attr2 = "", const std::string& attr3 = "", const std::string& code = "", uint16_t quantity = 1) {
    auto& e = b.ds.events;
    e.date.push_back(date);
    e.end_date.push_back(end_date);
    e.setting.push_back(static_cast<uint8_t>(s));
    e.pod.push_back(static_cast<uint8_t>(pod));
    e.provider.push_back(Dictionary::kNone);
    e.attr1.push_back(Attr(attr1));
    e.attr2.push_back(Attr(attr2));
    e.attr3.push_back(Attr(attr3));
    e.code.push_back(Code(code));
    e.procedure.push_back(Dictionary::kNone);
    e.hrg.push_back(Dictionary::kNone);
    e.cost_pence.push_back(static_cast<int32_t>(cost_pence));
    e.quantity.push_back(quantity);
    b.event_person.push_back(p);
  }
  // APC spell with an admission method (the POD follows it as ingest derives it).
  void Spell(uint32_t p, const char* admit, const char* discharge, const std::string& method, int64_t cost_pence,
             const std::string& diagnosis = "", Pod pod = Pod::kNonElective) {
    Event(p, Day(admit), discharge ? Day(discharge) : kNoDate, Setting::kApc, pod, cost_pence, method, "1", "", diagnosis);
  }
  Dataset Build() {
    auto r = b.Finish();
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return std::move(r).value();
  }
};

// Dataset index of the person built with `id`.
inline uint32_t IndexOf(const Dataset& ds, const std::string& id) {
  const Digest d = Sha256Of(id);
  for (uint32_t i = 0; i < ds.person_count(); ++i)
    if (ds.persons.pseudonym[i] == d) return i;
  ADD_FAILURE() << "no person " << id;
  return 0;
}

// `n` random persons (fixed seed) with activity in every setting from 2020 to 2025, every attribute
// value the features distinguish, long stays and open spells, registers and prescriptions.
inline Dataset RandomDataset(uint32_t n, uint32_t seed) {
  RiskBuilder rb;
  std::mt19937 rng(seed);
  auto pick = [&](int k) { return static_cast<int>(rng() % static_cast<uint32_t>(k)); };
  const int32_t first = Day("2020-01-01"), span = Day("2025-06-30") - first;
  const char* methods[] = {"11", "12", "21", "22", "23", "24", "25", "28", "2A", "2D", "31", "81", "82", ""};
  const char* op_codes[] = {"0", "2", "3", "4", "5", "6", "7", ""};
  const char* gp_codes[] = {"ATTENDED", "DNA", "UNKNOWN"};
  const char* settings_sc[] = {"NURSING", "RESIDENTIAL", "HOME_CARE", "REABLEMENT", "DAY_CARE", "OTHER"};
  const char* diagnoses[] = {"I50", "J45", "I480", "R074", "S7200", "J440", ""};
  const char* eths[] = {"A", "B", "C", "D", "F", "H", "J", "K", "M", "N", "P", "R", "S", "Z", "99"};
  for (uint32_t i = 0; i < n; ++i) {
    const int year = 1925 + pick(99);
    char birth[8];
    std::snprintf(birth, sizeof birth, "%04d-%02d", year, 1 + pick(12));
    const bool registered = pick(20) != 0;
    const int32_t death = pick(30) == 0 ? first + pick(span) : kNoDate;
    const uint32_t p = rb.Person(Cat("r", i), birth, static_cast<uint8_t>(1 + pick(2)), eths[pick(15)],
                                 static_cast<uint32_t>(pick(3)), death, registered);
    for (int c = 0, k = pick(4); c < k; ++c) rb.Cond(p, std::string(kQofConditions[static_cast<size_t>(pick(21))]).c_str(), first + pick(span));
    for (int e = 0, k = pick(40); e < k; ++e) {
      const int32_t d = first + pick(span);
      const int64_t cost = pick(500000);
      switch (pick(8)) {
        case 0: {
          const std::string m = methods[pick(14)];
          const Pod pod = m.empty() ? (pick(2) ? Pod::kNonElective : Pod::kElective)
                          : m[0] == '1' ? (pick(2) ? Pod::kElective : Pod::kDayCase)
                          : m[0] == '3' ? Pod::kMaternity
                                        : Pod::kNonElective;
          const int32_t end = pick(10) == 0 ? kNoDate : d + (pod == Pod::kDayCase ? 0 : pick(60));
          rb.Event(p, d, end, Setting::kApc, pod, cost, m, "1", "", diagnoses[pick(7)]);
          break;
        }
        case 1: rb.Event(p, d, kNoDate, Setting::kAe, Pod::kAe, cost, "01", "1", "03"); break;
        case 2: rb.Event(p, d, kNoDate, Setting::kOutpatient, Pod::kOutpatientFollowUp, cost, "100", op_codes[pick(8)], "2"); break;
        case 3: rb.Event(p, d, kNoDate, Setting::kGpAppointment, Pod::kGpAppointment, cost, "GP", "FACE_TO_FACE", gp_codes[pick(3)]); break;
        case 4: rb.Event(p, d, kNoDate, Setting::kCommunity, Pod::kCommunity, cost, "DISTRICT_NURSING"); break;
        case 5: rb.Event(p, d, kNoDate, Setting::kMentalHealth, Pod::kMentalHealth, cost, "CRISIS"); break;
        case 6: {
          char bnf[16];
          std::snprintf(bnf, sizeof bnf, "0%d0%d000%c0AAA%cA", pick(9), pick(9), static_cast<char>('A' + pick(6)),
                        static_cast<char>('A' + pick(3)));
          rb.Event(p, d, kNoDate, Setting::kPrescribing, Pod::kPrescribing, cost / 100, "", "", "", bnf,
                   static_cast<uint16_t>(1 + pick(4)));
          break;
        }
        default: {
          const int32_t end = pick(3) == 0 ? kNoDate : d + pick(400);
          rb.Event(p, d, end, Setting::kSocialCare, Pod::kSocialCare, cost, settings_sc[pick(6)]);
          break;
        }
      }
    }
  }
  return rb.Build();
}

}  // namespace icb::risk::testing
