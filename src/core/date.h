// Date: a calendar day stored as a signed day number (days since 1970-01-01), a strong type so a
// date cannot be passed where a count or a person index is expected. Conversions use Howard
// Hinnant's civil-calendar algorithms (proleptic Gregorian). Plain value type; thread safe.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace icb {

class Date {
 public:
  constexpr Date() = default;
  constexpr explicit Date(int32_t days_since_epoch) : days_(days_since_epoch) {}
  // The date for a civil year, month (1-12) and day (1-31); no validation (see IsValidCivil).
  static Date FromCivil(int year, int month, int day);
  static bool IsValidCivil(int year, int month, int day);
  // Parses "YYYY-MM-DD" exactly; nullopt when malformed or not a real calendar day.
  static std::optional<Date> ParseIso(std::string_view text);
  // Parses "YYYY-MM" (month precision) as the first day of that month.
  static std::optional<Date> ParseYearMonth(std::string_view text);

  constexpr int32_t days() const { return days_; }
  int year() const;
  int month() const;
  int day() const;
  void ToCivil(int& year, int& month, int& day) const;
  std::string ToIso() const;        // "YYYY-MM-DD"
  std::string ToYearMonth() const;  // "YYYY-MM"
  // Whole years of age on `on` for someone born on *this (birthday rule).
  int AgeOn(Date on) const;

  constexpr Date operator+(int32_t d) const { return Date(days_ + d); }
  constexpr Date operator-(int32_t d) const { return Date(days_ - d); }
  constexpr int32_t operator-(Date o) const { return days_ - o.days_; }
  constexpr auto operator<=>(const Date&) const = default;

 private:
  int32_t days_ = 0;
};

// Sentinel for "no date" in columnar storage (e.g. alive: no date of death).
inline constexpr int32_t kNoDate = INT32_MIN;

}  // namespace icb
