// Identity: Argon2id password hashes, bearer sessions and their timeouts (see identity.h).
#include "server/identity.h"

#include <argon2.h>
#include <openssl/rand.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>

#include "core/crypto.h"

namespace icb::server {
namespace {

constexpr size_t kSaltBytes = 16;
constexpr size_t kHashBytes = 32;
constexpr size_t kTokenBytes = 32;
constexpr size_t kMinPasswordChars = 12;
// One message for every login failure, so that it does not tell which user names exist.
constexpr char kLoginRefused[] = "login refused: unknown user or wrong password";
constexpr char kSessionRefused[] = "session unknown or expired: log in again";

struct Argon2Cost {
  uint32_t t_cost;
  uint32_t m_cost_kib;
  uint32_t parallelism;
};

// OWASP's Argon2id guidance allows t=3, m=64 MiB, p=1 among its equivalent settings. Tests set
// ICB_ARGON2_TEST_COST=1 for t=1, m=1 MiB (never in production: it is far cheaper to attack).
Argon2Cost CurrentCost() {
  const char* test = std::getenv("ICB_ARGON2_TEST_COST");
  if (test != nullptr && std::strcmp(test, "1") == 0) return {1, 1024, 1};
  return {3, 65536, 1};
}

Result<std::string> RandomHex(size_t bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes)) != 1)
    return Status::Internal("the random number generator failed");
  return ToHex(reinterpret_cast<const uint8_t*>(raw.data()), raw.size());
}

bool IsHexToken(std::string_view token) {
  if (token.size() != 2 * kTokenBytes) return false;
  for (char c : token)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

bool ValidUserName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
          c == '-'))
      return false;
  return true;
}

std::string TokenHash(std::string_view token) { return ToHex(Sha256Of(token)); }

std::string SessionIdOf(std::string_view token) {
  std::string material = "sid:";
  material.append(token);
  return ToHex(Sha256Of(material)).substr(0, 12);
}

// A hash of a random password at the current cost, verified when the user does not exist so that a
// failed login takes the same time either way.
const std::string& DummyHash() {
  static const std::string hash = [] {
    auto random = RandomHex(kTokenBytes);
    auto h = HashPassword(random.ok() ? *random : std::string("dummy-password-never-used"));
    return h.ok() ? *h : std::string();
  }();
  return hash;
}

int64_t SystemNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

Result<std::string> HashPassword(std::string_view password) {
  const Argon2Cost cost = CurrentCost();
  unsigned char salt[kSaltBytes];
  if (RAND_bytes(salt, sizeof salt) != 1) return Status::Internal("the random number generator failed");
  std::string encoded(argon2_encodedlen(cost.t_cost, cost.m_cost_kib, cost.parallelism, kSaltBytes, kHashBytes,
                                        Argon2_id),
                      '\0');
  const int rc = argon2id_hash_encoded(cost.t_cost, cost.m_cost_kib, cost.parallelism, password.data(),
                                       password.size(), salt, kSaltBytes, kHashBytes, encoded.data(), encoded.size());
  if (rc != ARGON2_OK) return Status::Internal(std::string("password hashing failed: ") + argon2_error_message(rc));
  encoded.resize(std::strlen(encoded.c_str()));
  return encoded;
}

bool VerifyPassword(const std::string& encoded_hash, std::string_view password) {
  if (encoded_hash.empty()) return false;
  return argon2id_verify(encoded_hash.c_str(), password.data(), password.size()) == ARGON2_OK;
}

Identity::Identity(AppStore& store, SessionPolicy policy, Clock clock)
    : store_(store), policy_(policy), clock_(clock ? std::move(clock) : Clock(SystemNow)) {}

Status Identity::AddUser(const std::string& name, std::string_view password, Role role,
                         std::vector<std::string> practices) {
  if (!ValidUserName(name))
    return Status::InvalidInput("user name: expected 1-64 characters from A-Z a-z 0-9 _ . -");
  if (password.size() < kMinPasswordChars)
    return Status::InvalidInput("password: expected at least 12 characters");
  if (role == Role::kClinician && practices.empty())
    return Status::InvalidInput("a clinician needs at least one practice (--practice CODE)");
  for (const auto& p : practices)
    if (!ValidUserName(p)) return Status::InvalidInput("practice code: expected 1-64 characters from A-Z a-z 0-9 _ . -");
  auto hash = HashPassword(password);
  if (!hash.ok()) return hash.status();
  UserRecord user;
  user.name = name;
  user.role = role;
  if (role == Role::kClinician) user.practices = std::move(practices);
  user.password_hash = std::move(*hash);
  user.created_unix = clock_();
  return store_.PutUser(user);
}

Result<LoginResult> Identity::Login(std::string_view user_name, std::string_view password) {
  auto user = store_.GetUser(user_name);
  if (!user.ok()) return user.status();
  const bool usable = user->has_value() && !(*user)->disabled;
  // Verify against the dummy hash for an unknown or disabled user: the same work either way.
  const bool verified = VerifyPassword(usable ? (*user)->password_hash : DummyHash(), password);
  if (!usable || !verified) return Status::Refused(kLoginRefused);
  const UserRecord& u = **user;

  const int64_t now = clock_();
  // Clear out sessions that expired without being used again.
  ICB_RETURN_IF_ERROR(store_.DeleteExpiredSessions(now - policy_.idle_seconds, now - policy_.absolute_seconds));
  auto token = RandomHex(kTokenBytes);
  if (!token.ok()) return token.status();
  SessionRecord session;
  session.token_hash = TokenHash(*token);
  session.session_id = SessionIdOf(*token);
  session.user = u.name;
  session.created_unix = now;
  session.last_seen_unix = now;
  ICB_RETURN_IF_ERROR(store_.PutSession(session));

  LoginResult out;
  out.token = std::move(*token);
  out.principal.user = u.name;
  out.principal.role = u.role;
  out.principal.practices = u.practices;
  out.principal.session_id = session.session_id;
  out.expires_unix = now + policy_.absolute_seconds;
  return out;
}

Result<Principal> Identity::Authenticate(std::string_view token) {
  if (!IsHexToken(token)) return Status::Refused(kSessionRefused);
  const std::string token_hash = TokenHash(token);
  auto session = store_.GetSession(token_hash);
  if (!session.ok()) return session.status();
  if (!session->has_value()) return Status::Refused(kSessionRefused);
  const SessionRecord& s = **session;
  const int64_t now = clock_();
  if (now - s.last_seen_unix >= policy_.idle_seconds || now - s.created_unix >= policy_.absolute_seconds) {
    ICB_RETURN_IF_ERROR(store_.DeleteSession(token_hash));
    return Status::Refused(kSessionRefused);
  }
  auto user = store_.GetUser(s.user);
  if (!user.ok()) return user.status();
  if (!user->has_value() || (*user)->disabled) {
    ICB_RETURN_IF_ERROR(store_.DeleteSession(token_hash));
    return Status::Refused(kSessionRefused);
  }
  // Record activity at most every tenth of the idle timeout (at most a minute, at least a second), so
  // that a busy session does not write to the store on every request; the idle timeout is then exact
  // to within that step.
  const int64_t touch_every = std::max<int64_t>(1, std::min<int64_t>(60, policy_.idle_seconds / 10));
  if (now - s.last_seen_unix >= touch_every) ICB_RETURN_IF_ERROR(store_.TouchSession(token_hash, now));
  Principal p;
  p.user = (*user)->name;
  p.role = (*user)->role;
  p.practices = (*user)->practices;
  p.session_id = s.session_id;
  return p;
}

Status Identity::Logout(std::string_view token) {
  if (!IsHexToken(token)) return Status::Ok();
  return store_.DeleteSession(TokenHash(token));
}

}  // namespace icb::server
