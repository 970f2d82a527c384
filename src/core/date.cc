#include "core/date.h"

#include <cstdio>

namespace icb {
namespace {

// Howard Hinnant, "chrono-Compatible Low-Level Date Algorithms".
int32_t DaysFromCivil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int>(doe) - 719468;
}

void CivilFromDays(int32_t z, int& y, int& m, int& d) {
  z += 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int yy = static_cast<int>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  y = yy + (m <= 2);
}

bool Digits(std::string_view s, size_t pos, size_t n, int& out) {
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    const char c = s[i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

}  // namespace

Date Date::FromCivil(int year, int month, int day) {
  return Date(DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)));
}

bool Date::IsValidCivil(int year, int month, int day) {
  if (year < 1800 || year > 2200 || month < 1 || month > 12 || day < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  const int max_day = kDays[month - 1] + (month == 2 && leap ? 1 : 0);
  return day <= max_day;
}

std::optional<Date> Date::ParseIso(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  int y, m, d;
  if (!Digits(s, 0, 4, y) || !Digits(s, 5, 2, m) || !Digits(s, 8, 2, d)) return std::nullopt;
  if (!IsValidCivil(y, m, d)) return std::nullopt;
  return FromCivil(y, m, d);
}

std::optional<Date> Date::ParseYearMonth(std::string_view s) {
  if (s.size() != 7 || s[4] != '-') return std::nullopt;
  int y, m;
  if (!Digits(s, 0, 4, y) || !Digits(s, 5, 2, m)) return std::nullopt;
  if (!IsValidCivil(y, m, 1)) return std::nullopt;
  return FromCivil(y, m, 1);
}

void Date::ToCivil(int& year, int& month, int& day) const { CivilFromDays(days_, year, month, day); }
int Date::year() const { int y, m, d; ToCivil(y, m, d); return y; }
int Date::month() const { int y, m, d; ToCivil(y, m, d); return m; }
int Date::day() const { int y, m, d; ToCivil(y, m, d); return d; }

std::string Date::ToIso() const {
  int y, m, d;
  ToCivil(y, m, d);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  return buf;
}

std::string Date::ToYearMonth() const {
  int y, m, d;
  ToCivil(y, m, d);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d", y, m);
  return buf;
}

int Date::AgeOn(Date on) const {
  int by, bm, bd, oy, om, od;
  ToCivil(by, bm, bd);
  on.ToCivil(oy, om, od);
  int age = oy - by;
  if (om < bm || (om == bm && od < bd)) --age;
  return age;
}

}  // namespace icb
