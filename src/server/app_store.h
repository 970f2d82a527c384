// AppStore: the server's durable application state: users, sessions, the hash-chained audit log and
// saved objects (scenarios, saved reports). Two implementations behind one interface, chosen by URL:
//   "sqlite:PATH" or a plain PATH   SQLite (embedded; the default, WAL mode, one file);
//   "postgresql://..." / "postgres://..."   PostgreSQL through libpq (a started server).
// Every method is one transaction. AppendAudit computes the chain inside its transaction (reads the
// last entry's hash, writes the new entry with seq+1), so concurrent appenders never fork the chain.
// Holds no patient-level values: audit entries carry scope codes and row counts only.
// Thread safe: methods may be called from many request threads at once.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "server/audit_chain.h"
#include "server/principal.h"

namespace icb::server {

struct UserRecord {
  std::string name;
  Role role = Role::kAnalyst;
  std::vector<std::string> practices;  // clinician scope
  std::string password_hash;           // Argon2id encoded string ($argon2id$v=19$m=...,t=...,p=...$salt$hash)
  bool disabled = false;
  int64_t created_unix = 0;
};

struct SessionRecord {
  std::string token_hash;  // hex SHA-256 of the bearer token; the token itself is never stored
  std::string session_id;  // short non-secret id (first 12 hex of another hash), for the audit log
  std::string user;
  int64_t created_unix = 0;
  int64_t last_seen_unix = 0;
};

// The recorded head of the audit chain: the last entry's seq and hash (0 and kGenesisHash when empty).
struct AuditHead {
  int64_t seq = 0;
  std::string hash = kGenesisHash;
};

struct SavedObject {
  std::string kind;   // "scenario" or "report"
  std::string name;   // [A-Za-z0-9_.-]{1,64}
  std::string owner;  // user who saved it
  std::string json;   // the object
  int64_t updated_unix = 0;
};

class AppStore {
 public:
  virtual ~AppStore() = default;
  virtual std::string Describe() const = 0;  // "sqlite:/path/app.db" or "postgresql://host/db" (no password)

  virtual Status PutUser(const UserRecord& user) = 0;  // insert or replace by name
  virtual Result<std::optional<UserRecord>> GetUser(std::string_view name) = 0;
  virtual Result<std::vector<UserRecord>> ListUsers() = 0;
  virtual Status DeleteUser(std::string_view name) = 0;  // and their sessions

  virtual Status PutSession(const SessionRecord& session) = 0;
  virtual Result<std::optional<SessionRecord>> GetSession(std::string_view token_hash) = 0;
  virtual Status TouchSession(std::string_view token_hash, int64_t now_unix) = 0;
  virtual Status DeleteSession(std::string_view token_hash) = 0;

  // Appends `entry` (seq, prev_hash and hash are filled in here) and returns it as stored.
  // IoError when the write fails: the caller must then fail the request.
  virtual Result<AuditEntry> AppendAudit(AuditEntry entry) = 0;
  // Entries with seq >= from_seq in seq order, at most `limit`.
  virtual Result<std::vector<AuditEntry>> ReadAudit(int64_t from_seq, int64_t limit) = 0;
  // The head row written in the same transaction as each append (Internal for a store without one).
  virtual Result<AuditHead> ReadAuditHead() { return Status::Internal("this application store keeps no audit head"); }
  // Deletes sessions last seen before `idle_before_unix` or created before `created_before_unix`.
  virtual Status DeleteExpiredSessions(int64_t idle_before_unix, int64_t created_before_unix) {
    (void)idle_before_unix;
    (void)created_before_unix;
    return Status::Ok();
  }

  virtual Status PutObject(const SavedObject& object) = 0;  // insert or replace by (kind, name)
  virtual Result<std::optional<SavedObject>> GetObject(std::string_view kind, std::string_view name) = 0;
  virtual Result<std::vector<SavedObject>> ListObjects(std::string_view kind) = 0;  // json left empty
  virtual Status DeleteObject(std::string_view kind, std::string_view name) = 0;
};

// Opens (creating the schema when missing) the store at `url` as described above.
Result<std::unique_ptr<AppStore>> OpenAppStore(const std::string& url);

// Reads the head, then every entry up to it page by page, and verifies the chain against the head.
// Entries appended after the head was read are left for the next verification.
Result<AuditVerification> VerifyStoredAudit(AppStore& store);

}  // namespace icb::server
