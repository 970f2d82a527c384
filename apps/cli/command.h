// Registry of CLI subcommands. Each subcommand lives in its own cmd_<name>.cc and registers
// itself with ICB_REGISTER_COMMAND: the setup function adds a CLI11 subcommand (options, help
// text with examples) and returns the function that runs it, which returns an exit code.
// Exit codes (documented in README): 0 success, 1 invalid input, 2 not found, 3 I/O error,
// 4 corrupt data, 5 refused by a governance rule, 6 internal error, 64 bad command line.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

#include "core/status.h"

namespace icb::cli {

using RunFn = std::function<int()>;
using SetupFn = std::function<RunFn(CLI::App& app)>;

int RegisterCommand(const char* name, SetupFn setup);
// Prints "icb: <status>" to stderr and returns the exit code for the status.
int ReportError(const Status& status);
inline int ExitCode(const Status& s) { return static_cast<int>(s.code()); }

}  // namespace icb::cli

#define ICB_REGISTER_COMMAND(name, setup) \
  static const int icb_registered_##name = ::icb::cli::RegisterCommand(#name, setup)
