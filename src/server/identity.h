// Identity: local users with Argon2id password hashes (Debian's libargon2) and bearer sessions of 256
// random bits (OpenSSL RAND_bytes), stored as SHA-256 hashes, with an idle and an absolute timeout.
// Login failures take the same time whether or not the user exists (a dummy hash is verified).
// OpenID Connect (NHS CIS2, Entra ID) would plug in beside Login: it would map a verified ID token's
// subject to a UserRecord and call IssueSession; that is not built. Thread safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "server/app_store.h"
#include "server/principal.h"

namespace icb::server {

struct SessionPolicy {
  int64_t idle_seconds = 30 * 60;          // a session unused this long ends
  int64_t absolute_seconds = 12 * 60 * 60; // and every session ends this long after login
};

struct LoginResult {
  std::string token;  // 64 hex characters (256 bits); give to the client once, never log it
  Principal principal;
  int64_t expires_unix = 0;  // the absolute expiry
};

// Argon2id encoded hash of `password` with a fresh 16-byte salt (t=3, m=64 MiB, p=1 by default;
// tests may lower the cost through the environment variable ICB_ARGON2_TEST_COST=1).
Result<std::string> HashPassword(std::string_view password);
bool VerifyPassword(const std::string& encoded_hash, std::string_view password);

class Identity {
 public:
  using Clock = std::function<int64_t()>;  // unix seconds
  Identity(AppStore& store, SessionPolicy policy, Clock clock = {});

  // Creates or replaces a user. InvalidInput for a bad name ([A-Za-z0-9_.-]{1,64}), a password under
  // 12 characters, or a clinician without practices.
  Status AddUser(const std::string& name, std::string_view password, Role role, std::vector<std::string> practices);
  // Refused (the same message for a wrong user or password) or a new session.
  Result<LoginResult> Login(std::string_view user, std::string_view password);
  // The session's principal, touching it; Refused when unknown, idle too long or past its absolute
  // timeout (the session is then deleted).
  Result<Principal> Authenticate(std::string_view token);
  Status Logout(std::string_view token);

 private:
  AppStore& store_;
  SessionPolicy policy_;
  Clock clock_;
};

}  // namespace icb::server
