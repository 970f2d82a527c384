// PostgresAppStore: see postgres_app_store.h. Statements go through PQexecParams with text parameters
// (never string concatenation); errors carry PostgreSQL's primary message only, never its DETAIL lines,
// which can quote the values of a row.
#include "server/postgres_app_store.h"

#include <fmt/format.h>

#include <cstdlib>
#include <utility>

#include "server/app_store_rows.h"

namespace icb::server {
namespace {

constexpr const char* kSchemaSql = R"sql(
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS users (
  name TEXT PRIMARY KEY, role TEXT NOT NULL, practices TEXT NOT NULL, password_hash TEXT NOT NULL,
  disabled BOOLEAN NOT NULL, created_unix BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
  token_hash TEXT PRIMARY KEY, session_id TEXT NOT NULL, "user" TEXT NOT NULL,
  created_unix BIGINT NOT NULL, last_seen_unix BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS sessions_user ON sessions("user");
CREATE TABLE IF NOT EXISTS audit (
  seq BIGINT PRIMARY KEY, "time" TEXT NOT NULL, "user" TEXT NOT NULL, role TEXT NOT NULL,
  session_id TEXT NOT NULL, action TEXT NOT NULL, scope TEXT NOT NULL, detail TEXT NOT NULL,
  "rows" BIGINT NOT NULL, request_id TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS audit_head (
  id INTEGER PRIMARY KEY CHECK (id = 1), seq BIGINT NOT NULL, hash TEXT NOT NULL);
INSERT INTO audit_head(id, seq, hash)
  VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000') ON CONFLICT (id) DO NOTHING;
CREATE TABLE IF NOT EXISTS objects (
  kind TEXT NOT NULL, name TEXT NOT NULL, owner TEXT NOT NULL, json TEXT NOT NULL, updated BIGINT NOT NULL,
  PRIMARY KEY (kind, name));
)sql";

constexpr const char* kAuditColumns =
    R"(seq, "time", "user", role, session_id, action, scope, detail, "rows", request_id, prev_hash, hash)";

void IgnoreNotice(void*, const char*) {}

std::string Cell(const PGresult* r, int row, int col) {
  return std::string(PQgetvalue(r, row, col), static_cast<size_t>(PQgetlength(r, row, col)));
}
int64_t CellInt(const PGresult* r, int row, int col) { return std::strtoll(PQgetvalue(r, row, col), nullptr, 10); }

Result<UserRecord> UserFromRow(const PGresult* r, int row) {
  UserRecord u;
  u.name = Cell(r, row, 0);
  const auto role = RoleByName(Cell(r, row, 1));
  if (!role) return Status::Corrupt("application store: user with an unknown role");
  u.role = *role;
  u.practices = PracticesFromJson(Cell(r, row, 2));
  u.password_hash = Cell(r, row, 3);
  u.disabled = Cell(r, row, 4) == "t";
  u.created_unix = CellInt(r, row, 5);
  return u;
}

AuditEntry AuditFromRow(const PGresult* r, int row) {
  AuditEntry e;
  e.seq = CellInt(r, row, 0);
  e.time = Cell(r, row, 1);
  e.user = Cell(r, row, 2);
  e.role = Cell(r, row, 3);
  e.session_id = Cell(r, row, 4);
  e.action = Cell(r, row, 5);
  e.scope = Cell(r, row, 6);
  e.detail = Cell(r, row, 7);
  e.rows = CellInt(r, row, 8);
  e.request_id = Cell(r, row, 9);
  e.prev_hash = Cell(r, row, 10);
  e.hash = Cell(r, row, 11);
  return e;
}

SavedObject ObjectFromRow(const PGresult* r, int row) {
  return SavedObject{Cell(r, row, 0), Cell(r, row, 1), Cell(r, row, 2), Cell(r, row, 3), CellInt(r, row, 4)};
}

}  // namespace

PostgresAppStore::PostgresAppStore(PGconn* conn) : conn_(conn) {
  const char* host = PQhost(conn);
  const char* port = PQport(conn);
  const char* user = PQuser(conn);
  const char* db = PQdb(conn);
  described_ = fmt::format("postgresql://{}@{}:{}/{}", user ? user : "", host ? host : "", port ? port : "",
                           db ? db : "");
}

PostgresAppStore::~PostgresAppStore() { PQfinish(conn_); }

Result<std::unique_ptr<PostgresAppStore>> PostgresAppStore::Open(const std::string& url) {
  PGconn* conn = PQconnectdb(url.c_str());
  if (conn == nullptr) return Status::IoError("application store: PostgreSQL: out of memory");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(conn);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    PQfinish(conn);
    return Status::IoError(fmt::format("application store: cannot connect to PostgreSQL: {}", msg));
  }
  PQsetNoticeProcessor(conn, IgnoreNotice, nullptr);
  std::unique_ptr<PostgresAppStore> store(new PostgresAppStore(conn));
  ICB_RETURN_IF_ERROR(store->CreateSchema());
  return store;
}

Result<PostgresAppStore::PgResult> PostgresAppStore::Exec(const std::string& sql,
                                                           const std::vector<std::string>& params) {
  if (PQstatus(conn_) != CONNECTION_OK) PQreset(conn_);
  std::vector<const char*> values;
  std::vector<int> lengths;
  for (const auto& p : params) {
    values.push_back(p.c_str());
    lengths.push_back(static_cast<int>(p.size()));
  }
  // Constant SQL without parameters may hold several statements (the schema): PQexec takes those.
  PgResult r(params.empty() ? PQexec(conn_, sql.c_str())
                            : PQexecParams(conn_, sql.c_str(), static_cast<int>(params.size()), nullptr,
                                           values.data(), lengths.data(), nullptr, 0));
  const ExecStatusType st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return r;
  const char* primary = r ? PQresultErrorField(r.get(), PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  return Status::IoError(fmt::format("application store {}: PostgreSQL: {}", described_,
                                     primary ? primary : "connection lost"));
}

Status PostgresAppStore::InTxn(const std::function<Status()>& body) {
  auto begin = Exec("BEGIN");
  if (!begin.ok()) return begin.status();
  Status st = body();
  if (st.ok()) {
    auto commit = Exec("COMMIT");
    if (commit.ok()) return Status::Ok();
    st = commit.status();
  }
  (void)Exec("ROLLBACK");
  return st;
}

Status PostgresAppStore::CreateSchema() {
  std::lock_guard lock(mu_);
  return InTxn([&]() -> Status {
    // Two processes creating the schema at once would collide on the catalogue: serialise them.
    auto lock_r = Exec("SELECT pg_advisory_xact_lock(7346210951)");
    if (!lock_r.ok()) return lock_r.status();
    auto schema = Exec(kSchemaSql);
    if (!schema.ok()) return schema.status();
    auto version = Exec("SELECT max(version) FROM schema_version");
    if (!version.ok()) return version.status();
    if (PQgetisnull(version->get(), 0, 0)) {
      auto ins = Exec("INSERT INTO schema_version(version) VALUES ($1)", {std::to_string(kAppStoreSchemaVersion)});
      return ins.ok() ? Status::Ok() : ins.status();
    }
    const int64_t v = CellInt(version->get(), 0, 0);
    if (v > kAppStoreSchemaVersion)
      return Status::Refused(fmt::format("{}: application store schema version {} is newer than this engine's ({})",
                                         described_, v, kAppStoreSchemaVersion));
    return Status::Ok();
  });
}

Status PostgresAppStore::PutUser(const UserRecord& u) {
  std::lock_guard lock(mu_);
  auto r = Exec(
      "INSERT INTO users(name, role, practices, password_hash, disabled, created_unix) VALUES ($1, $2, $3, $4, $5, $6) "
      "ON CONFLICT (name) DO UPDATE SET role = EXCLUDED.role, practices = EXCLUDED.practices, "
      "password_hash = EXCLUDED.password_hash, disabled = EXCLUDED.disabled, created_unix = EXCLUDED.created_unix",
      {u.name, std::string(RoleName(u.role)), PracticesToJson(u.practices), u.password_hash,
       u.disabled ? "true" : "false", std::to_string(u.created_unix)});
  return r.ok() ? Status::Ok() : r.status();
}

Result<std::optional<UserRecord>> PostgresAppStore::GetUser(std::string_view name) {
  std::lock_guard lock(mu_);
  auto r = Exec("SELECT name, role, practices, password_hash, disabled, created_unix FROM users WHERE name = $1",
                {std::string(name)});
  if (!r.ok()) return r.status();
  if (PQntuples(r->get()) == 0) return std::optional<UserRecord>();
  auto u = UserFromRow(r->get(), 0);
  if (!u.ok()) return u.status();
  return std::optional<UserRecord>(std::move(*u));
}

Result<std::vector<UserRecord>> PostgresAppStore::ListUsers() {
  std::lock_guard lock(mu_);
  auto r = Exec("SELECT name, role, practices, password_hash, disabled, created_unix FROM users ORDER BY name");
  if (!r.ok()) return r.status();
  std::vector<UserRecord> out;
  for (int i = 0; i < PQntuples(r->get()); ++i) {
    auto u = UserFromRow(r->get(), i);
    if (!u.ok()) return u.status();
    out.push_back(std::move(*u));
  }
  return out;
}

Status PostgresAppStore::DeleteUser(std::string_view name) {
  std::lock_guard lock(mu_);
  return InTxn([&]() -> Status {
    auto s = Exec(R"(DELETE FROM sessions WHERE "user" = $1)", {std::string(name)});
    if (!s.ok()) return s.status();
    auto u = Exec("DELETE FROM users WHERE name = $1", {std::string(name)});
    return u.ok() ? Status::Ok() : u.status();
  });
}

Status PostgresAppStore::PutSession(const SessionRecord& s) {
  std::lock_guard lock(mu_);
  auto r = Exec(
      R"(INSERT INTO sessions(token_hash, session_id, "user", created_unix, last_seen_unix) VALUES ($1, $2, $3, $4, $5) )"
      R"(ON CONFLICT (token_hash) DO UPDATE SET session_id = EXCLUDED.session_id, "user" = EXCLUDED."user", )"
      "created_unix = EXCLUDED.created_unix, last_seen_unix = EXCLUDED.last_seen_unix",
      {s.token_hash, s.session_id, s.user, std::to_string(s.created_unix), std::to_string(s.last_seen_unix)});
  return r.ok() ? Status::Ok() : r.status();
}

Result<std::optional<SessionRecord>> PostgresAppStore::GetSession(std::string_view token_hash) {
  std::lock_guard lock(mu_);
  auto r = Exec(R"(SELECT token_hash, session_id, "user", created_unix, last_seen_unix FROM sessions WHERE token_hash = $1)",
                {std::string(token_hash)});
  if (!r.ok()) return r.status();
  if (PQntuples(r->get()) == 0) return std::optional<SessionRecord>();
  const PGresult* p = r->get();
  return std::optional<SessionRecord>(
      SessionRecord{Cell(p, 0, 0), Cell(p, 0, 1), Cell(p, 0, 2), CellInt(p, 0, 3), CellInt(p, 0, 4)});
}

Status PostgresAppStore::TouchSession(std::string_view token_hash, int64_t now_unix) {
  std::lock_guard lock(mu_);
  auto r = Exec("UPDATE sessions SET last_seen_unix = $2 WHERE token_hash = $1",
                {std::string(token_hash), std::to_string(now_unix)});
  return r.ok() ? Status::Ok() : r.status();
}

Status PostgresAppStore::DeleteSession(std::string_view token_hash) {
  std::lock_guard lock(mu_);
  auto r = Exec("DELETE FROM sessions WHERE token_hash = $1", {std::string(token_hash)});
  return r.ok() ? Status::Ok() : r.status();
}

Status PostgresAppStore::DeleteExpiredSessions(int64_t idle_before_unix, int64_t created_before_unix) {
  std::lock_guard lock(mu_);
  auto r = Exec("DELETE FROM sessions WHERE last_seen_unix < $1 OR created_unix < $2",
                {std::to_string(idle_before_unix), std::to_string(created_before_unix)});
  return r.ok() ? Status::Ok() : r.status();
}

Result<AuditEntry> PostgresAppStore::AppendAudit(AuditEntry entry) {
  std::lock_guard lock(mu_);
  if (entry.time.empty()) entry.time = AuditTimeNow();
  Status st = InTxn([&]() -> Status {
    // One appender at a time across every connection: the chain cannot fork.
    auto lock_r = Exec("LOCK TABLE audit IN EXCLUSIVE MODE");
    if (!lock_r.ok()) return lock_r.status();
    auto head = Exec("SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE");
    if (!head.ok()) return head.status();
    if (PQntuples(head->get()) != 1) return Status::Corrupt("application store: the audit head is missing");
    entry.seq = CellInt(head->get(), 0, 0) + 1;
    entry.prev_hash = Cell(head->get(), 0, 1);
    entry.hash = ComputeAuditHash(entry);
    auto ins = Exec(fmt::format("INSERT INTO audit({}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                                kAuditColumns),
                    {std::to_string(entry.seq), entry.time, entry.user, entry.role, entry.session_id, entry.action,
                     entry.scope, entry.detail, std::to_string(entry.rows), entry.request_id, entry.prev_hash,
                     entry.hash});
    if (!ins.ok()) return ins.status();
    auto upd = Exec("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1", {std::to_string(entry.seq), entry.hash});
    return upd.ok() ? Status::Ok() : upd.status();
  });
  if (!st.ok()) return st;
  return entry;
}

Result<std::vector<AuditEntry>> PostgresAppStore::ReadAudit(int64_t from_seq, int64_t limit) {
  std::lock_guard lock(mu_);
  auto r = Exec(fmt::format("SELECT {} FROM audit WHERE seq >= $1 ORDER BY seq LIMIT $2", kAuditColumns),
                {std::to_string(from_seq), std::to_string(limit)});
  if (!r.ok()) return r.status();
  std::vector<AuditEntry> out;
  for (int i = 0; i < PQntuples(r->get()); ++i) out.push_back(AuditFromRow(r->get(), i));
  return out;
}

Result<AuditHead> PostgresAppStore::ReadAuditHead() {
  std::lock_guard lock(mu_);
  auto r = Exec("SELECT seq, hash FROM audit_head WHERE id = 1");
  if (!r.ok()) return r.status();
  if (PQntuples(r->get()) != 1) return Status::Corrupt(fmt::format("{}: the audit head row is missing", described_));
  return AuditHead{CellInt(r->get(), 0, 0), Cell(r->get(), 0, 1)};
}

Status PostgresAppStore::PutObject(const SavedObject& o) {
  ICB_RETURN_IF_ERROR(CheckObjectKey(o.kind, o.name));
  std::lock_guard lock(mu_);
  auto r = Exec(
      "INSERT INTO objects(kind, name, owner, json, updated) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (kind, name) "
      "DO UPDATE SET owner = EXCLUDED.owner, json = EXCLUDED.json, updated = EXCLUDED.updated",
      {o.kind, o.name, o.owner, o.json, std::to_string(o.updated_unix)});
  return r.ok() ? Status::Ok() : r.status();
}

Result<std::optional<SavedObject>> PostgresAppStore::GetObject(std::string_view kind, std::string_view name) {
  std::lock_guard lock(mu_);
  auto r = Exec("SELECT kind, name, owner, json, updated FROM objects WHERE kind = $1 AND name = $2",
                {std::string(kind), std::string(name)});
  if (!r.ok()) return r.status();
  if (PQntuples(r->get()) == 0) return std::optional<SavedObject>();
  return std::optional<SavedObject>(ObjectFromRow(r->get(), 0));
}

Result<std::vector<SavedObject>> PostgresAppStore::ListObjects(std::string_view kind) {
  std::lock_guard lock(mu_);
  auto r = Exec("SELECT kind, name, owner, '', updated FROM objects WHERE kind = $1 ORDER BY name", {std::string(kind)});
  if (!r.ok()) return r.status();
  std::vector<SavedObject> out;
  for (int i = 0; i < PQntuples(r->get()); ++i) out.push_back(ObjectFromRow(r->get(), i));
  return out;
}

Status PostgresAppStore::DeleteObject(std::string_view kind, std::string_view name) {
  std::lock_guard lock(mu_);
  auto r = Exec("DELETE FROM objects WHERE kind = $1 AND name = $2", {std::string(kind), std::string(name)});
  return r.ok() ? Status::Ok() : r.status();
}

}  // namespace icb::server
