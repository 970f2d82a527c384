// SqliteAppStore: the default AppStore, one SQLite file in WAL mode (busy timeout, synchronous=FULL,
// created with mode 0600 because it holds password hashes). Statements are prepared once at open;
// every method is one transaction, appends to the audit log in a BEGIN IMMEDIATE transaction so that
// concurrent appenders (threads or processes) never fork the chain. Owns its connection; thread safe
// (one mutex per store; other processes are serialised by SQLite's locks).
#pragma once

#include <sqlite3.h>

#include <array>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "server/app_store.h"

namespace icb::server {

class SqliteAppStore final : public AppStore {
 public:
  // Opens or creates the database file at `path` and its schema.
  static Result<std::unique_ptr<SqliteAppStore>> Open(const std::string& path);
  ~SqliteAppStore() override;
  SqliteAppStore(const SqliteAppStore&) = delete;
  SqliteAppStore& operator=(const SqliteAppStore&) = delete;

  std::string Describe() const override { return "sqlite:" + path_; }
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

  enum Stmt : int;  // the prepared statements (defined in the .cc)

 private:
  SqliteAppStore(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  Status CreateSchema();
  Status PrepareAll();
  Status Exec(const char* sql);
  // Runs `body` in one transaction (BEGIN IMMEDIATE when `write`): COMMIT when ok, ROLLBACK otherwise.
  Status InTxn(bool write, const std::function<Status()>& body);
  Status Error(const char* what) const;
  sqlite3_stmt* Get(int stmt) { return stmts_[stmt]; }

  sqlite3* db_;
  std::string path_;
  std::mutex mu_;
  std::array<sqlite3_stmt*, 32> stmts_{};
};

}  // namespace icb::server
