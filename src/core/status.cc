#include "core/status.h"

namespace icb {

std::string Status::ToString() const {
  const char* label = "ok";
  switch (code_) {
    case StatusCode::kOk: return "ok";
    case StatusCode::kInvalidInput: label = "invalid input"; break;
    case StatusCode::kNotFound: label = "not found"; break;
    case StatusCode::kIoError: label = "I/O error"; break;
    case StatusCode::kCorrupt: label = "corrupt"; break;
    case StatusCode::kRefused: label = "refused"; break;
    case StatusCode::kInternal: label = "internal error"; break;
  }
  return std::string(label) + ": " + message_;
}

}  // namespace icb
