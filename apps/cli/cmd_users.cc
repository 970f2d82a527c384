// icb users add|list|remove: manages the local users of `icb serve` in its application store.
// Passwords come from a file or standard input (or a prompt without echo), are hashed with Argon2id
// and never printed. Every change is itself an entry in the hash-chained audit log.
#include <fmt/format.h>
#include <pwd.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "apps/cli/command.h"
#include "server/app_store.h"
#include "server/identity.h"

namespace {

struct UsersArgs {
  std::string store;
  std::string name;
  std::string role;
  std::vector<std::string> practices;
  std::string password_file;
  bool password_stdin = false;
};

// Who ran the command, for the audit entry: "cli:<login name>".
std::string CliActor() {
  const passwd* pw = getpwuid(geteuid());
  return std::string("cli:") + (pw && pw->pw_name ? pw->pw_name : std::to_string(geteuid()));
}

icb::Status AuditUserChange(icb::server::AppStore& store, const std::string& action, const std::string& name,
                            const nlohmann::json& detail) {
  icb::server::AuditEntry e;
  e.user = CliActor();
  e.role = "admin";
  e.action = action;
  e.scope = "user:" + name;
  e.detail = detail.dump();
  e.request_id = fmt::format("cli-{}", getpid());
  auto stored = store.AppendAudit(std::move(e));
  if (!stored.ok())
    return icb::Status::IoError("the change was made but its audit entry could not be written: " +
                                stored.status().message());
  return icb::Status::Ok();
}

std::string TrimLineEnd(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

icb::Result<std::string> ReadPassword(const UsersArgs& a) {
  std::string line;
  if (!a.password_file.empty()) {
    std::ifstream in(a.password_file);
    if (!in) return icb::Status::NotFound(a.password_file + ": cannot read the password file");
    std::getline(in, line);
    return TrimLineEnd(line);
  }
  if (a.password_stdin || !isatty(STDIN_FILENO)) {
    std::getline(std::cin, line);
    return TrimLineEnd(line);
  }
  // A prompt without echo.
  termios old{};
  tcgetattr(STDIN_FILENO, &old);
  termios quiet = old;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  std::fprintf(stderr, "password for %s: ", a.name.c_str());
  tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  std::getline(std::cin, line);
  tcsetattr(STDIN_FILENO, TCSANOW, &old);
  std::fprintf(stderr, "\n");
  return TrimLineEnd(line);
}

int RunAdd(const UsersArgs& a) {
  const auto role = icb::server::RoleByName(a.role);
  if (!role)
    return icb::cli::ReportError(icb::Status::InvalidInput(
        fmt::format("--role {}: expected analyst, clinician, finance or admin", a.role)));
  auto password = ReadPassword(a);
  if (!password.ok()) return icb::cli::ReportError(password.status());
  auto store = icb::server::OpenAppStore(a.store);
  if (!store.ok()) return icb::cli::ReportError(store.status());
  auto existing = (*store)->GetUser(a.name);
  if (!existing.ok()) return icb::cli::ReportError(existing.status());
  icb::server::Identity identity(**store, icb::server::SessionPolicy{});
  const icb::Status added = identity.AddUser(a.name, *password, *role, a.practices);
  if (!added.ok()) return icb::cli::ReportError(added);
  nlohmann::json detail = {{"role", a.role}, {"replaced", existing->has_value()}};
  if (*role == icb::server::Role::kClinician) detail["practices"] = a.practices;
  const icb::Status logged = AuditUserChange(**store, "user.add", a.name, detail);
  if (!logged.ok()) return icb::cli::ReportError(logged);
  fmt::print("{} user {} ({}{}) in {}\n", existing->has_value() ? "replaced" : "added", a.name, a.role,
             *role == icb::server::Role::kClinician ? ", practices " + fmt::format("{}", fmt::join(a.practices, " "))
                                                    : std::string(),
             (*store)->Describe());
  return 0;
}

int RunList(const UsersArgs& a) {
  auto store = icb::server::OpenAppStore(a.store);
  if (!store.ok()) return icb::cli::ReportError(store.status());
  auto users = (*store)->ListUsers();
  if (!users.ok()) return icb::cli::ReportError(users.status());
  fmt::print("{:<24} {:<10} {:<10} {:<20} {}\n", "user", "role", "state", "created (UTC)", "practices");
  for (const auto& u : *users) {
    char created[32] = "";
    const std::time_t t = static_cast<std::time_t>(u.created_unix);
    std::tm tm{};
    gmtime_r(&t, &tm);
    std::strftime(created, sizeof created, "%Y-%m-%d %H:%M:%S", &tm);
    fmt::print("{:<24} {:<10} {:<10} {:<20} {}\n", u.name, icb::server::RoleName(u.role),
               u.disabled ? "disabled" : "active", created, fmt::join(u.practices, " "));
  }
  return 0;
}

int RunRemove(const UsersArgs& a) {
  auto store = icb::server::OpenAppStore(a.store);
  if (!store.ok()) return icb::cli::ReportError(store.status());
  auto existing = (*store)->GetUser(a.name);
  if (!existing.ok()) return icb::cli::ReportError(existing.status());
  if (!existing->has_value())
    return icb::cli::ReportError(icb::Status::NotFound(fmt::format("user {}: no such user", a.name)));
  const icb::Status removed = (*store)->DeleteUser(a.name);
  if (!removed.ok()) return icb::cli::ReportError(removed);
  const icb::Status logged =
      AuditUserChange(**store, "user.remove", a.name, {{"role", icb::server::RoleName((*existing)->role)}});
  if (!logged.ok()) return icb::cli::ReportError(logged);
  fmt::print("removed user {} and their sessions from {}\n", a.name, (*store)->Describe());
  return 0;
}

void AddStoreOption(CLI::App* sub, UsersArgs& a) {
  sub->add_option("--store", a.store, "Application store: sqlite:PATH, PATH or postgresql://...")->required();
}

icb::cli::RunFn Setup(CLI::App& app) {
  auto* users = app.add_subcommand("users", "Manage the local users of icb serve (Argon2id password hashes)");
  users->require_subcommand(1);
  auto a = std::make_shared<UsersArgs>();

  auto* add = users->add_subcommand("add", "Add or replace a user; the change is written to the audit log");
  add->add_option("NAME", a->name, "Login name ([A-Za-z0-9_.-], 1-64 characters)")->required();
  add->add_option("--role", a->role, "analyst, clinician, finance or admin")->required();
  add->add_option("--practice", a->practices, "A practice a clinician may see case-finding lists for (repeat)");
  auto* file_opt = add->add_option("--password-file", a->password_file, "Read the password from the first line of FILE");
  auto* stdin_opt = add->add_flag("--password-stdin", a->password_stdin, "Read the password from standard input");
  file_opt->excludes(stdin_opt);
  AddStoreOption(add, *a);
  add->footer(
      "The password (12 characters or more) is read from --password-file, --password-stdin or a prompt\n"
      "without echo; it is never printed or stored, only its Argon2id hash.\n"
      "Examples:\n"
      "  icb users add ann --role admin --password-file ann.pw --store out/state/app.db\n"
      "  printf '%s\\n' \"$PW\" | icb users add carl --role clinician --practice P84001 --practice P84002 \\\n"
      "      --password-stdin --store out/state/app.db");

  auto* list = users->add_subcommand("list", "List users: name, role, state, created, practices (never hashes)");
  AddStoreOption(list, *a);
  list->footer("Example:\n  icb users list --store out/state/app.db");

  auto* remove = users->add_subcommand("remove", "Remove a user and end their sessions; written to the audit log");
  remove->add_option("NAME", a->name, "Login name")->required();
  AddStoreOption(remove, *a);
  remove->footer("Example:\n  icb users remove carl --store postgresql://icb@db.example/icb");

  return [users, a]() -> int {
    if (users->got_subcommand("add")) return RunAdd(*a);
    if (users->got_subcommand("list")) return RunList(*a);
    if (users->got_subcommand("remove")) return RunRemove(*a);
    return 64;
  };
}

}  // namespace

ICB_REGISTER_COMMAND(users, Setup);
