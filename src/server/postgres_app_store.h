// PostgresAppStore: the AppStore on a running PostgreSQL server through libpq, with the same tables
// and semantics as SqliteAppStore. Audit appends run in a transaction that first takes
// `LOCK TABLE audit IN EXCLUSIVE MODE`, so appenders on any number of connections or machines never
// fork the chain; the schema is created under a transaction-scoped advisory lock. Owns one connection
// (reset once when it has dropped); thread safe (one mutex per store).
#pragma once

#include <libpq-fe.h>

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "server/app_store.h"

namespace icb::server {

class PostgresAppStore final : public AppStore {
 public:
  // Connects to `url` (a libpq connection URI, postgresql://...) and creates the schema when missing.
  static Result<std::unique_ptr<PostgresAppStore>> Open(const std::string& url);
  ~PostgresAppStore() override;
  PostgresAppStore(const PostgresAppStore&) = delete;
  PostgresAppStore& operator=(const PostgresAppStore&) = delete;

  std::string Describe() const override { return described_; }
  Status PutUser(const UserRecord& user) override;
  Result<std::optional<UserRecord>> GetUser(std::string_view name) override;
  Result<std::vector<UserRecord>> ListUsers() override;
  Status DeleteUser(std::string_view name) override;
  Status PutSession(const SessionRecord& session) override;
  Result<std::optional<SessionRecord>> GetSession(std::string_view token_hash) override;
  Status TouchSession(std::string_view token_hash, int64_t now_unix) override;
  Status DeleteSession(std::string_view token_hash) override;
  Status DeleteExpiredSessions(int64_t idle_before_unix, int64_t created_before_unix) override;
  Result<AuditEntry> AppendAudit(AuditEntry entry) override;
  Result<std::vector<AuditEntry>> ReadAudit(int64_t from_seq, int64_t limit) override;
  Result<AuditHead> ReadAuditHead() override;
  Status PutObject(const SavedObject& object) override;
  Result<std::optional<SavedObject>> GetObject(std::string_view kind, std::string_view name) override;
  Result<std::vector<SavedObject>> ListObjects(std::string_view kind) override;
  Status DeleteObject(std::string_view kind, std::string_view name) override;

  struct ResultDeleter {
    void operator()(PGresult* r) const { PQclear(r); }
  };
  using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

 private:
  explicit PostgresAppStore(PGconn* conn);
  // Runs one statement with text parameters; IoError with PostgreSQL's primary message on failure.
  Result<PgResult> Exec(const std::string& sql, const std::vector<std::string>& params = {});
  // Runs `body` between BEGIN and COMMIT (ROLLBACK when it fails). Caller holds mu_.
  Status InTxn(const std::function<Status()>& body);
  Status CreateSchema();

  PGconn* conn_;
  std::string described_;
  std::mutex mu_;
};

}  // namespace icb::server
