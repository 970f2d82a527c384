#include "core/crypto.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cctype>
#include <cstdio>
#include <fstream>
#include <vector>

namespace icb {

struct Sha256::Impl {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  Impl() { EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr); }
  ~Impl() { EVP_MD_CTX_free(ctx); }
};

Sha256::Sha256() : impl_(std::make_unique<Impl>()) {}
Sha256::~Sha256() = default;
void Sha256::Update(const void* data, size_t size) { EVP_DigestUpdate(impl_->ctx, data, size); }
Digest Sha256::Finish() {
  Digest d{};
  unsigned int len = 0;
  EVP_DigestFinal_ex(impl_->ctx, d.data(), &len);
  EVP_DigestInit_ex(impl_->ctx, EVP_sha256(), nullptr);
  return d;
}

Digest Sha256Of(std::string_view data) {
  Sha256 h;
  h.Update(data);
  return h.Finish();
}

std::string ToHex(const uint8_t* data, size_t size) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(size * 2, '0');
  for (size_t i = 0; i < size; ++i) {
    out[2 * i] = kHex[data[i] >> 4];
    out[2 * i + 1] = kHex[data[i] & 15];
  }
  return out;
}

Result<Digest> Sha256File(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return Status::NotFound("cannot open " + path);
  Sha256 h;
  std::vector<char> buf(1 << 20);
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), f)) > 0) h.Update(buf.data(), n);
  const bool err = std::ferror(f);
  std::fclose(f);
  if (err) return Status::IoError("read failed: " + path);
  return h.Finish();
}

Result<HmacKey> HmacKey::Load(const std::string& path) {
  if (path.empty())
    return Status::Refused("no pseudonymisation key given (--key-file); ingest never uses a default key");
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Refused("cannot read key file " + path);
  std::string raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string line = raw.substr(0, raw.find('\n'));
  while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.pop_back();
  bool all_hex = !line.empty();
  for (char c : line) all_hex = all_hex && std::isxdigit(static_cast<unsigned char>(c));
  if (all_hex && line.size() % 2 == 0) {
    if (line.size() < 64)
      return Status::Refused("key file " + path + " holds fewer than 256 bits (64 hex characters)");
    std::string bytes(line.size() / 2, '\0');
    for (size_t i = 0; i < bytes.size(); ++i)
      bytes[i] = static_cast<char>(std::stoi(line.substr(2 * i, 2), nullptr, 16));
    return HmacKey(std::move(bytes));
  }
  if (raw.size() < 32) return Status::Refused("key file " + path + " holds fewer than 32 bytes");
  return HmacKey(std::move(raw));
}

Digest HmacKey::Sign(std::string_view message) const {
  Digest d{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), bytes_.data(), static_cast<int>(bytes_.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), d.data(), &len);
  return d;
}

}  // namespace icb
