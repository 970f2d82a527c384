// SHA-256 digests and HMAC-SHA-256 (OpenSSL). Sha256 accumulates bytes incrementally; one object
// per thread. Keys are secrets: never log them or what they sign.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

namespace icb {

using Digest = std::array<uint8_t, 32>;

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void Update(const void* data, size_t size);
  void Update(std::string_view s) { Update(s.data(), s.size()); }
  Digest Finish();  // the digest; the object can be reused after Finish.

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

Digest Sha256Of(std::string_view data);
// Lower-case hex of `size` bytes.
std::string ToHex(const uint8_t* data, size_t size);
inline std::string ToHex(const Digest& d) { return ToHex(d.data(), d.size()); }
// SHA-256 of a whole file, streamed.
Result<Digest> Sha256File(const std::string& path);

// A secret key for keyed pseudonymisation, loaded from a file outside the dataset.
class HmacKey {
 public:
  // Reads a key file: 64+ hex characters (256+ bits) on the first line, or 32+ raw bytes.
  // Refuses (StatusCode::kRefused) a missing, empty or short key; there is no default key.
  static Result<HmacKey> Load(const std::string& path);
  static HmacKey FromBytes(std::string bytes) { return HmacKey(std::move(bytes)); }
  // HMAC-SHA-256 of `message` under this key.
  Digest Sign(std::string_view message) const;

 private:
  explicit HmacKey(std::string bytes) : bytes_(std::move(bytes)) {}
  std::string bytes_;
};

}  // namespace icb
