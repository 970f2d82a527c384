// Status and Result<T>: errors that a user or an input can cause are values, not exceptions.
// A Status is ok or carries a code and a message a person can act on (file, line, column, what was
// expected). Result<T> holds either a value or a non-ok Status. Both are cheap to move and are not
// synchronised: share them across threads only by copying.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace icb {

enum class StatusCode {
  kOk = 0,
  kInvalidInput = 1,   // bad input data or arguments
  kNotFound = 2,       // a file or key that should exist does not
  kIoError = 3,        // the operating system failed a read or write
  kCorrupt = 4,        // a checksum or format check failed
  kRefused = 5,        // a governance rule refuses the action (e.g. no pseudonymisation key)
  kInternal = 6,       // our own bug
};

class Status {
 public:
  Status() = default;
  static Status Ok() { return {}; }
  static Status InvalidInput(std::string msg) { return {StatusCode::kInvalidInput, std::move(msg)}; }
  static Status NotFound(std::string msg) { return {StatusCode::kNotFound, std::move(msg)}; }
  static Status IoError(std::string msg) { return {StatusCode::kIoError, std::move(msg)}; }
  static Status Corrupt(std::string msg) { return {StatusCode::kCorrupt, std::move(msg)}; }
  static Status Refused(std::string msg) { return {StatusCode::kRefused, std::move(msg)}; }
  static Status Internal(std::string msg) { return {StatusCode::kInternal, std::move(msg)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "invalid input: persons.csv line 4 column 2 (year_month_of_birth): expected YYYY-MM".
  std::string ToString() const;

 private:
  Status(StatusCode code, std::string msg) : code_(code), message_(std::move(msg)) {}
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}              // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {        // NOLINT: implicit by design
    assert(!std::get<Status>(v_).ok() && "Result constructed from an ok Status");
  }
  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace icb

// Return early from the enclosing function when a Status-returning expression fails.
#define ICB_RETURN_IF_ERROR(expr)            \
  do {                                       \
    ::icb::Status _icb_st = (expr);          \
    if (!_icb_st.ok()) return _icb_st;       \
  } while (0)
