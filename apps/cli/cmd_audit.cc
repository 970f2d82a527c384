// icb audit verify|list: checks the hash chain of the application store's audit log (every link and
// the recorded head) and lists its entries. Entries hold who, what scope and how many rows, never
// patient-level values.
#include <fmt/format.h>

#include <memory>
#include <string>

#include "apps/cli/command.h"
#include "server/app_store.h"

namespace {

struct AuditArgs {
  std::string store;
  int64_t from = 1;
  int64_t limit = 100;
};

int RunVerify(const AuditArgs& a) {
  auto store = icb::server::OpenAppStore(a.store);
  if (!store.ok()) return icb::cli::ReportError(store.status());
  auto v = icb::server::VerifyStoredAudit(**store);
  if (!v.ok()) return icb::cli::ReportError(v.status());
  if (!v->ok) {
    fmt::print(stderr, "icb: audit log in {} is corrupt: {} ({} entries verified before it)\n", (*store)->Describe(),
               v->problem, v->entries);
    return icb::cli::ExitCode(icb::Status::Corrupt(""));
  }
  auto head = (*store)->ReadAuditHead();
  if (!head.ok()) return icb::cli::ReportError(head.status());
  fmt::print("audit log OK: {} entries checked in {}\n", v->entries, (*store)->Describe());
  if (v->entries > 0) fmt::print("head: entry {} hash {}\n", head->seq, head->hash);
  return 0;
}

int RunList(const AuditArgs& a) {
  auto store = icb::server::OpenAppStore(a.store);
  if (!store.ok()) return icb::cli::ReportError(store.status());
  auto entries = (*store)->ReadAudit(a.from, a.limit);
  if (!entries.ok()) return icb::cli::ReportError(entries.status());
  fmt::print("{:>6}  {:<24}  {:<16}  {:<9}  {:<12}  {:<14}  {:<18}  {:>6}  {:<14}  {}\n", "seq", "time (UTC)", "user",
             "role", "session", "action", "scope", "rows", "request", "detail");
  for (const auto& e : *entries)
    fmt::print("{:>6}  {:<24}  {:<16}  {:<9}  {:<12}  {:<14}  {:<18}  {:>6}  {:<14}  {}\n", e.seq, e.time, e.user,
               e.role, e.session_id, e.action, e.scope, e.rows, e.request_id, e.detail);
  return 0;
}

icb::cli::RunFn Setup(CLI::App& app) {
  auto* audit = app.add_subcommand("audit", "Verify and list the hash-chained audit log of icb serve");
  audit->require_subcommand(1);
  auto a = std::make_shared<AuditArgs>();
  auto* verify = audit->add_subcommand(
      "verify", "Check every link of the audit chain and the recorded head; exit 4 when anything was edited or removed");
  verify->add_option("--store", a->store, "Application store: sqlite:PATH, PATH or postgresql://...")->required();
  verify->footer(
      "Prints the number of entries checked and the head's hash (keep it elsewhere: a later verify that\n"
      "ends on a different hash at that entry shows the log was rewritten).\n"
      "Example:\n  icb audit verify --store out/state/app.db");
  auto* list = audit->add_subcommand("list", "Print audit entries in order");
  list->add_option("--store", a->store, "Application store: sqlite:PATH, PATH or postgresql://...")->required();
  list->add_option("--from", a->from, "First entry (seq) to print")->check(CLI::PositiveNumber);
  list->add_option("--limit", a->limit, "Most entries to print")->check(CLI::PositiveNumber);
  list->footer("Example:\n  icb audit list --store out/state/app.db --from 100 --limit 20");
  return [audit, a]() -> int {
    if (audit->got_subcommand("verify")) return RunVerify(*a);
    if (audit->got_subcommand("list")) return RunList(*a);
    return 64;
  };
}

}  // namespace

ICB_REGISTER_COMMAND(audit, Setup);
