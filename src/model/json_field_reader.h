// JsonFieldReader: typed reads of the fields of one JSON object for the model loaders (GbmParams,
// GbmTrainLog, model cards), keeping the first error as an InvalidInput that names the field by its
// dotted path ("field 'training.features_as_at' is missing"). Internal to src/model; header-only.
// A reader refers to the object it was given (keep it alive); not synchronised.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace icb::model {

// A double as JSON; NaN and infinities (which JSON lacks) as the strings "NaN", "Infinity", "-Infinity".
inline nlohmann::json DoubleToJson(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  return v;
}
inline nlohmann::json DoublesToJson(const std::vector<double>& v) {
  nlohmann::json a = nlohmann::json::array();
  for (double x : v) a.push_back(DoubleToJson(x));
  return a;
}

class JsonFieldReader {
 public:
  // `path` is the dotted path of `object` itself ("" at the top level).
  JsonFieldReader(const nlohmann::json& object, std::string path) : j_(object), path_(std::move(path)) {
    if (!j_.is_object()) Fail(path_.empty() ? "the document should be a JSON object" : Where("") + " should be an object");
  }

  const Status& status() const { return status_; }
  bool ok() const { return status_.ok(); }
  // The dotted path of a field of this object.
  std::string Path(const std::string& name) const { return path_.empty() ? name : path_ + "." + name; }

  // The field itself (nullptr after recording an error when it is missing).
  const nlohmann::json* Field(const std::string& name) {
    if (!ok()) return nullptr;
    auto it = j_.find(name);
    if (it == j_.end()) {
      Fail(Where(name) + " is missing");
      return nullptr;
    }
    return &*it;
  }
  bool Has(const std::string& name) const { return j_.is_object() && j_.contains(name); }

  bool Read(const std::string& name, std::string* out) {
    const nlohmann::json* f = Field(name);
    if (f == nullptr) return false;
    if (!f->is_string()) return WrongType(name, "a string", *f);
    *out = f->get<std::string>();
    return true;
  }
  bool Read(const std::string& name, bool* out) {
    const nlohmann::json* f = Field(name);
    if (f == nullptr) return false;
    if (!f->is_boolean()) return WrongType(name, "true or false", *f);
    *out = f->get<bool>();
    return true;
  }
  bool Read(const std::string& name, double* out) {
    const nlohmann::json* f = Field(name);
    if (f == nullptr) return false;
    if (!ToDouble(*f, out)) return WrongType(name, "a number", *f);
    return true;
  }
  bool Read(const std::string& name, int* out) {
    const nlohmann::json* f = Field(name);
    if (f == nullptr) return false;
    if (!f->is_number_integer()) return WrongType(name, "an integer", *f);
    const bool in_range = f->is_number_unsigned()
                              ? f->get<uint64_t>() <= static_cast<uint64_t>(std::numeric_limits<int>::max())
                              : (f->get<int64_t>() >= std::numeric_limits<int>::min() &&
                                 f->get<int64_t>() <= std::numeric_limits<int>::max());
    if (!in_range) return WrongType(name, "an integer in the range of int", *f);
    const int64_t v = f->get<int64_t>();
    *out = static_cast<int>(v);
    return true;
  }
  bool Read(const std::string& name, uint64_t* out) {
    const nlohmann::json* f = Field(name);
    if (f == nullptr) return false;
    if (f->is_number_unsigned()) {
      *out = f->get<uint64_t>();
      return true;
    }
    if (f->is_number_integer() && f->get<int64_t>() >= 0) {
      *out = static_cast<uint64_t>(f->get<int64_t>());
      return true;
    }
    return WrongType(name, "a non-negative integer", *f);
  }
  bool Read(const std::string& name, std::vector<double>* out) {
    const nlohmann::json* f = Field(name);
    if (f == nullptr) return false;
    if (!f->is_array()) return WrongType(name, "an array of numbers", *f);
    out->clear();
    out->reserve(f->size());
    for (size_t i = 0; i < f->size(); ++i) {
      double v = 0;
      if (!ToDouble((*f)[i], &v)) {
        Fail("field '" + Path(name) + "[" + std::to_string(i) + "]' should be a number, found " + TypeName((*f)[i]));
        return false;
      }
      out->push_back(v);
    }
    return true;
  }
  // A field that must be an object or array; records an error otherwise.
  const nlohmann::json* Object(const std::string& name) {
    const nlohmann::json* f = Field(name);
    if (f == nullptr) return nullptr;
    if (!f->is_object()) {
      WrongType(name, "an object", *f);
      return nullptr;
    }
    return f;
  }
  const nlohmann::json* Array(const std::string& name) {
    const nlohmann::json* f = Field(name);
    if (f == nullptr) return nullptr;
    if (!f->is_array()) {
      WrongType(name, "an array", *f);
      return nullptr;
    }
    return f;
  }
  // Records `status` (from a nested loader) unless an error is already held.
  void Absorb(const Status& status) {
    if (ok() && !status.ok()) status_ = status;
  }
  void Fail(const std::string& message) {
    if (ok()) status_ = Status::InvalidInput(message);
  }

  static std::string TypeName(const nlohmann::json& v) {
    if (v.is_number_integer()) return "an integer";
    if (v.is_number()) return "a number";
    if (v.is_string()) return "a string";
    if (v.is_boolean()) return "a boolean";
    if (v.is_null()) return "null";
    if (v.is_array()) return "an array";
    return "an object";
  }

 private:
  std::string Where(const std::string& name) const {
    return "field '" + (name.empty() ? path_ : Path(name)) + "'";
  }
  static bool ToDouble(const nlohmann::json& v, double* out) {
    if (v.is_number()) {
      *out = v.get<double>();
      return true;
    }
    if (v.is_string()) {
      const std::string& s = v.get_ref<const std::string&>();
      if (s == "NaN") *out = std::numeric_limits<double>::quiet_NaN();
      else if (s == "Infinity") *out = std::numeric_limits<double>::infinity();
      else if (s == "-Infinity") *out = -std::numeric_limits<double>::infinity();
      else return false;
      return true;
    }
    return false;
  }
  bool WrongType(const std::string& name, const std::string& expected, const nlohmann::json& found) {
    Fail(Where(name) + " should be " + expected + ", found " + TypeName(found));
    return false;
  }

  const nlohmann::json& j_;
  std::string path_;
  Status status_;
};

}  // namespace icb::model
