// SqliteAppStore: see sqlite_app_store.h. Each public method takes the store's mutex, opens one
// transaction, runs prepared statements and commits (or rolls back on the first error).
#include "server/sqlite_app_store.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <functional>
#include <utility>

#include "server/app_store_rows.h"

namespace icb::server {

enum SqliteAppStore::Stmt : int {
  kBeginRead,
  kBeginWrite,
  kCommit,
  kRollback,
  kPutUser,
  kGetUser,
  kListUsers,
  kDeleteUser,
  kDeleteUserSessions,
  kPutSession,
  kGetSession,
  kTouchSession,
  kDeleteSession,
  kDeleteExpiredSessions,
  kReadHead,
  kInsertAudit,
  kUpdateHead,
  kReadAudit,
  kPutObject,
  kGetObject,
  kListObjects,
  kDeleteObject,
  kStmtCount,
};

namespace {

constexpr const char* kStatementSql[] = {
    "BEGIN",
    "BEGIN IMMEDIATE",
    "COMMIT",
    "ROLLBACK",
    "INSERT OR REPLACE INTO users(name, role, practices, password_hash, disabled, created_unix) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
    "SELECT name, role, practices, password_hash, disabled, created_unix FROM users WHERE name = ?1",
    "SELECT name, role, practices, password_hash, disabled, created_unix FROM users ORDER BY name",
    "DELETE FROM users WHERE name = ?1",
    "DELETE FROM sessions WHERE user = ?1",
    "INSERT OR REPLACE INTO sessions(token_hash, session_id, user, created_unix, last_seen_unix) "
    "VALUES(?1, ?2, ?3, ?4, ?5)",
    "SELECT token_hash, session_id, user, created_unix, last_seen_unix FROM sessions WHERE token_hash = ?1",
    "UPDATE sessions SET last_seen_unix = ?2 WHERE token_hash = ?1",
    "DELETE FROM sessions WHERE token_hash = ?1",
    "DELETE FROM sessions WHERE last_seen_unix < ?1 OR created_unix < ?2",
    "SELECT seq, hash FROM audit_head WHERE id = 1",
    "INSERT INTO audit(seq, time, user, role, session_id, action, scope, detail, rows, request_id, prev_hash, hash) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    "UPDATE audit_head SET seq = ?1, hash = ?2 WHERE id = 1",
    "SELECT seq, time, user, role, session_id, action, scope, detail, rows, request_id, prev_hash, hash "
    "FROM audit WHERE seq >= ?1 ORDER BY seq LIMIT ?2",
    "INSERT OR REPLACE INTO objects(kind, name, owner, json, updated) VALUES(?1, ?2, ?3, ?4, ?5)",
    "SELECT kind, name, owner, json, updated FROM objects WHERE kind = ?1 AND name = ?2",
    "SELECT kind, name, owner, '', updated FROM objects WHERE kind = ?1 ORDER BY name",
    "DELETE FROM objects WHERE kind = ?1 AND name = ?2",
};
static_assert(std::size(kStatementSql) == SqliteAppStore::kStmtCount);

constexpr const char* kSchemaSql = R"sql(
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS users (
  name TEXT PRIMARY KEY, role TEXT NOT NULL, practices TEXT NOT NULL, password_hash TEXT NOT NULL,
  disabled INTEGER NOT NULL, created_unix INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
  token_hash TEXT PRIMARY KEY, session_id TEXT NOT NULL, user TEXT NOT NULL,
  created_unix INTEGER NOT NULL, last_seen_unix INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS sessions_user ON sessions(user);
CREATE TABLE IF NOT EXISTS audit (
  seq INTEGER PRIMARY KEY, time TEXT NOT NULL, user TEXT NOT NULL, role TEXT NOT NULL,
  session_id TEXT NOT NULL, action TEXT NOT NULL, scope TEXT NOT NULL, detail TEXT NOT NULL,
  rows INTEGER NOT NULL, request_id TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS audit_head (
  id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL, hash TEXT NOT NULL);
INSERT OR IGNORE INTO audit_head(id, seq, hash) VALUES(1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
CREATE TABLE IF NOT EXISTS objects (
  kind TEXT NOT NULL, name TEXT NOT NULL, owner TEXT NOT NULL, json TEXT NOT NULL, updated INTEGER NOT NULL,
  PRIMARY KEY (kind, name));
)sql";

// Binds and steps one prepared statement; resets it (and clears its bindings) when it goes away.
class Run {
 public:
  explicit Run(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~Run() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  Run(const Run&) = delete;
  Run& operator=(const Run&) = delete;
  Run& Text(int i, std::string_view v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Run& Int(int i, int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  int Step() { return sqlite3_step(stmt_); }  // SQLITE_ROW, SQLITE_DONE or an error
  std::string ColText(int i) const {
    const auto* p = sqlite3_column_text(stmt_, i);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(stmt_, i)))
             : std::string();
  }
  int64_t ColInt(int i) const { return sqlite3_column_int64(stmt_, i); }

 private:
  sqlite3_stmt* stmt_;
};

Result<UserRecord> UserFromRow(const Run& r) {
  UserRecord u;
  u.name = r.ColText(0);
  const auto role = RoleByName(r.ColText(1));
  if (!role) return Status::Corrupt("application store: user with an unknown role");
  u.role = *role;
  u.practices = PracticesFromJson(r.ColText(2));
  u.password_hash = r.ColText(3);
  u.disabled = r.ColInt(4) != 0;
  u.created_unix = r.ColInt(5);
  return u;
}

SessionRecord SessionFromRow(const Run& r) {
  return SessionRecord{r.ColText(0), r.ColText(1), r.ColText(2), r.ColInt(3), r.ColInt(4)};
}

AuditEntry AuditFromRow(const Run& r) {
  AuditEntry e;
  e.seq = r.ColInt(0);
  e.time = r.ColText(1);
  e.user = r.ColText(2);
  e.role = r.ColText(3);
  e.session_id = r.ColText(4);
  e.action = r.ColText(5);
  e.scope = r.ColText(6);
  e.detail = r.ColText(7);
  e.rows = r.ColInt(8);
  e.request_id = r.ColText(9);
  e.prev_hash = r.ColText(10);
  e.hash = r.ColText(11);
  return e;
}

SavedObject ObjectFromRow(const Run& r) {
  return SavedObject{r.ColText(0), r.ColText(1), r.ColText(2), r.ColText(3), r.ColInt(4)};
}

}  // namespace

Status SqliteAppStore::InTxn(bool write, const std::function<Status()>& body) {
  {
    Run begin(Get(write ? kBeginWrite : kBeginRead));
    if (begin.Step() != SQLITE_DONE) return Error("could not begin a transaction");
  }
  Status st = body();
  if (st.ok()) {
    Run commit(Get(kCommit));
    if (commit.Step() == SQLITE_DONE) return Status::Ok();
    st = Error("could not commit");
  }
  Run rollback(Get(kRollback));
  rollback.Step();
  return st;
}

Result<std::unique_ptr<SqliteAppStore>> SqliteAppStore::Open(const std::string& path) {
  // Create the file owner-only before SQLite opens it (it holds password hashes); its -wal and -shm
  // files take the same permissions.
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Status::IoError(fmt::format("{}: cannot open or create the application store", path));
  ::close(fd);
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                                 nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    return Status::IoError(fmt::format("{}: cannot open the application store: {}", path, msg));
  }
  std::unique_ptr<SqliteAppStore> store(new SqliteAppStore(db, path));
  sqlite3_busy_timeout(db, 15000);
  sqlite3_extended_result_codes(db, 1);
  ICB_RETURN_IF_ERROR(store->Exec("PRAGMA journal_mode=WAL"));
  ICB_RETURN_IF_ERROR(store->Exec("PRAGMA synchronous=FULL"));
  ICB_RETURN_IF_ERROR(store->CreateSchema());
  ICB_RETURN_IF_ERROR(store->PrepareAll());
  return store;
}

SqliteAppStore::~SqliteAppStore() {
  for (sqlite3_stmt* s : stmts_) sqlite3_finalize(s);
  sqlite3_close(db_);
}

Status SqliteAppStore::Error(const char* what) const {
  return Status::IoError(fmt::format("{}: application store: {}: {}", path_, what, sqlite3_errmsg(db_)));
}

Status SqliteAppStore::Exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    if (msg.find("not a database") != std::string::npos)
      return Status::Corrupt(fmt::format("{}: not an application store (SQLite says: {})", path_, msg));
    return Status::IoError(fmt::format("{}: application store: {}", path_, msg));
  }
  return Status::Ok();
}

Status SqliteAppStore::CreateSchema() {
  ICB_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
  Status st = Exec(kSchemaSql);
  if (st.ok()) {
    sqlite3_stmt* stmt = nullptr;
    int64_t version = -1;
    if (sqlite3_prepare_v2(db_, "SELECT max(version) FROM schema_version", -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_type(stmt, 0) != SQLITE_NULL)
      version = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    if (version < 0)
      st = Exec(fmt::format("INSERT INTO schema_version(version) VALUES({})", kAppStoreSchemaVersion).c_str());
    else if (version > kAppStoreSchemaVersion)
      st = Status::Refused(fmt::format("{}: application store schema version {} is newer than this engine's ({})",
                                       path_, version, kAppStoreSchemaVersion));
  }
  if (!st.ok()) {
    Exec("ROLLBACK");
    return st;
  }
  return Exec("COMMIT");
}

Status SqliteAppStore::PrepareAll() {
  for (int i = 0; i < kStmtCount; ++i)
    if (sqlite3_prepare_v3(db_, kStatementSql[i], -1, SQLITE_PREPARE_PERSISTENT, &stmts_[i], nullptr) != SQLITE_OK)
      return Error("could not prepare a statement");
  return Status::Ok();
}

Status SqliteAppStore::PutUser(const UserRecord& user) {
  std::lock_guard lock(mu_);
  ICB_RETURN_IF_ERROR(InTxn(true, [&]() -> Status {
    Run r(Get(kPutUser));
    r.Text(1, user.name).Text(2, RoleName(user.role)).Text(3, PracticesToJson(user.practices));
    r.Text(4, user.password_hash).Int(5, user.disabled ? 1 : 0).Int(6, user.created_unix);
    if (r.Step() != SQLITE_DONE) return Error("could not save a user");
    return Status::Ok();
  }));
  return Status::Ok();
}

Result<std::optional<UserRecord>> SqliteAppStore::GetUser(std::string_view name) {
  std::lock_guard lock(mu_);
  std::optional<UserRecord> out;
  ICB_RETURN_IF_ERROR(InTxn(false, [&]() -> Status {
    Run r(Get(kGetUser));
    r.Text(1, name);
    const int rc = r.Step();
    if (rc == SQLITE_ROW) {
      auto u = UserFromRow(r);
      if (!u.ok()) return u.status();
      out = std::move(*u);
    } else if (rc != SQLITE_DONE) {
      return Error("could not read a user");
    }
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<UserRecord>> SqliteAppStore::ListUsers() {
  std::lock_guard lock(mu_);
  std::vector<UserRecord> out;
  ICB_RETURN_IF_ERROR(InTxn(false, [&]() -> Status {
    Run r(Get(kListUsers));
    int rc;
    while ((rc = r.Step()) == SQLITE_ROW) {
      auto u = UserFromRow(r);
      if (!u.ok()) return u.status();
      out.push_back(std::move(*u));
    }
    if (rc != SQLITE_DONE) return Error("could not list users");
    return Status::Ok();
  }));
  return out;
}

Status SqliteAppStore::DeleteUser(std::string_view name) {
  std::lock_guard lock(mu_);
  ICB_RETURN_IF_ERROR(InTxn(true, [&]() -> Status {
    {
      Run r(Get(kDeleteUserSessions));
      r.Text(1, name);
      if (r.Step() != SQLITE_DONE) return Error("could not delete a user's sessions");
    }
    Run r(Get(kDeleteUser));
    r.Text(1, name);
    if (r.Step() != SQLITE_DONE) return Error("could not delete a user");
    return Status::Ok();
  }));
  return Status::Ok();
}

Status SqliteAppStore::PutSession(const SessionRecord& s) {
  std::lock_guard lock(mu_);
  ICB_RETURN_IF_ERROR(InTxn(true, [&]() -> Status {
    Run r(Get(kPutSession));
    r.Text(1, s.token_hash).Text(2, s.session_id).Text(3, s.user).Int(4, s.created_unix).Int(5, s.last_seen_unix);
    if (r.Step() != SQLITE_DONE) return Error("could not save a session");
    return Status::Ok();
  }));
  return Status::Ok();
}

Result<std::optional<SessionRecord>> SqliteAppStore::GetSession(std::string_view token_hash) {
  std::lock_guard lock(mu_);
  std::optional<SessionRecord> out;
  ICB_RETURN_IF_ERROR(InTxn(false, [&]() -> Status {
    Run r(Get(kGetSession));
    r.Text(1, token_hash);
    const int rc = r.Step();
    if (rc == SQLITE_ROW) out = SessionFromRow(r);
    else if (rc != SQLITE_DONE) return Error("could not read a session");
    return Status::Ok();
  }));
  return out;
}

Status SqliteAppStore::TouchSession(std::string_view token_hash, int64_t now_unix) {
  std::lock_guard lock(mu_);
  ICB_RETURN_IF_ERROR(InTxn(true, [&]() -> Status {
    Run r(Get(kTouchSession));
    r.Text(1, token_hash).Int(2, now_unix);
    if (r.Step() != SQLITE_DONE) return Error("could not update a session");
    return Status::Ok();
  }));
  return Status::Ok();
}

Status SqliteAppStore::DeleteSession(std::string_view token_hash) {
  std::lock_guard lock(mu_);
  ICB_RETURN_IF_ERROR(InTxn(true, [&]() -> Status {
    Run r(Get(kDeleteSession));
    r.Text(1, token_hash);
    if (r.Step() != SQLITE_DONE) return Error("could not delete a session");
    return Status::Ok();
  }));
  return Status::Ok();
}

Status SqliteAppStore::DeleteExpiredSessions(int64_t idle_before_unix, int64_t created_before_unix) {
  std::lock_guard lock(mu_);
  ICB_RETURN_IF_ERROR(InTxn(true, [&]() -> Status {
    Run r(Get(kDeleteExpiredSessions));
    r.Int(1, idle_before_unix).Int(2, created_before_unix);
    if (r.Step() != SQLITE_DONE) return Error("could not delete expired sessions");
    return Status::Ok();
  }));
  return Status::Ok();
}

Result<AuditEntry> SqliteAppStore::AppendAudit(AuditEntry entry) {
  std::lock_guard lock(mu_);
  if (entry.time.empty()) entry.time = AuditTimeNow();
  ICB_RETURN_IF_ERROR(InTxn(true, [&]() -> Status {
    {
      Run head(Get(kReadHead));
      if (head.Step() != SQLITE_ROW) return Error("the audit head is missing");
      entry.seq = head.ColInt(0) + 1;
      entry.prev_hash = head.ColText(1);
    }
    entry.hash = ComputeAuditHash(entry);
    {
      Run r(Get(kInsertAudit));
      r.Int(1, entry.seq).Text(2, entry.time).Text(3, entry.user).Text(4, entry.role).Text(5, entry.session_id);
      r.Text(6, entry.action).Text(7, entry.scope).Text(8, entry.detail).Int(9, entry.rows);
      r.Text(10, entry.request_id).Text(11, entry.prev_hash).Text(12, entry.hash);
      if (r.Step() != SQLITE_DONE) return Error("could not append to the audit log");
    }
    Run r(Get(kUpdateHead));
    r.Int(1, entry.seq).Text(2, entry.hash);
    if (r.Step() != SQLITE_DONE) return Error("could not update the audit head");
    return Status::Ok();
  }));
  return entry;
}

Result<std::vector<AuditEntry>> SqliteAppStore::ReadAudit(int64_t from_seq, int64_t limit) {
  std::lock_guard lock(mu_);
  std::vector<AuditEntry> out;
  ICB_RETURN_IF_ERROR(InTxn(false, [&]() -> Status {
    Run r(Get(kReadAudit));
    r.Int(1, from_seq).Int(2, limit);
    int rc;
    while ((rc = r.Step()) == SQLITE_ROW) out.push_back(AuditFromRow(r));
    if (rc != SQLITE_DONE) return Error("could not read the audit log");
    return Status::Ok();
  }));
  return out;
}

Result<AuditHead> SqliteAppStore::ReadAuditHead() {
  std::lock_guard lock(mu_);
  AuditHead head;
  ICB_RETURN_IF_ERROR(InTxn(false, [&]() -> Status {
    Run r(Get(kReadHead));
    const int rc = r.Step();
    if (rc == SQLITE_DONE) return Status::Corrupt(fmt::format("{}: the audit head row is missing", path_));
    if (rc != SQLITE_ROW) return Error("could not read the audit head");
    head.seq = r.ColInt(0);
    head.hash = r.ColText(1);
    return Status::Ok();
  }));
  return head;
}

Status SqliteAppStore::PutObject(const SavedObject& o) {
  ICB_RETURN_IF_ERROR(CheckObjectKey(o.kind, o.name));
  std::lock_guard lock(mu_);
  ICB_RETURN_IF_ERROR(InTxn(true, [&]() -> Status {
    Run r(Get(kPutObject));
    r.Text(1, o.kind).Text(2, o.name).Text(3, o.owner).Text(4, o.json).Int(5, o.updated_unix);
    if (r.Step() != SQLITE_DONE) return Error("could not save an object");
    return Status::Ok();
  }));
  return Status::Ok();
}

Result<std::optional<SavedObject>> SqliteAppStore::GetObject(std::string_view kind, std::string_view name) {
  std::lock_guard lock(mu_);
  std::optional<SavedObject> out;
  ICB_RETURN_IF_ERROR(InTxn(false, [&]() -> Status {
    Run r(Get(kGetObject));
    r.Text(1, kind).Text(2, name);
    const int rc = r.Step();
    if (rc == SQLITE_ROW) out = ObjectFromRow(r);
    else if (rc != SQLITE_DONE) return Error("could not read an object");
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<SavedObject>> SqliteAppStore::ListObjects(std::string_view kind) {
  std::lock_guard lock(mu_);
  std::vector<SavedObject> out;
  ICB_RETURN_IF_ERROR(InTxn(false, [&]() -> Status {
    Run r(Get(kListObjects));
    r.Text(1, kind);
    int rc;
    while ((rc = r.Step()) == SQLITE_ROW) out.push_back(ObjectFromRow(r));
    if (rc != SQLITE_DONE) return Error("could not list objects");
    return Status::Ok();
  }));
  return out;
}

Status SqliteAppStore::DeleteObject(std::string_view kind, std::string_view name) {
  std::lock_guard lock(mu_);
  ICB_RETURN_IF_ERROR(InTxn(true, [&]() -> Status {
    Run r(Get(kDeleteObject));
    r.Text(1, kind).Text(2, name);
    if (r.Step() != SQLITE_DONE) return Error("could not delete an object");
    return Status::Ok();
  }));
  return Status::Ok();
}

}  // namespace icb::server
