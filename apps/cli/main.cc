// icb: the command-line door to the engine. Subcommands register themselves (command.h); this
// file parses the global options, runs the chosen subcommand and returns its exit code.
#include <algorithm>
#include <cstdio>
#include <map>

#include "apps/cli/command.h"
#include "core/parallel.h"

namespace icb::cli {
namespace {
std::map<std::string, SetupFn>& Registry() {
  static std::map<std::string, SetupFn> r;
  return r;
}
}  // namespace

int RegisterCommand(const char* name, SetupFn setup) {
  Registry()[name] = std::move(setup);
  return 0;
}

int ReportError(const Status& status) {
  std::fprintf(stderr, "icb: %s\n", status.ToString().c_str());
  return ExitCode(status);
}

}  // namespace icb::cli

int main(int argc, char** argv) {
  CLI::App app{
      "icb: the analytical and payer engine of an NHS Integrated Care Board.\n"
      "Quick start:\n"
      "  icb synth --persons 20000 --seed 1 --out icb-csv --truth-out icb-truth\n"
      "  icb ingest icb-csv --out icb-data --key-file key.hex\n"
      "  icb profile icb-data --out profile/"};
  app.set_version_flag("--version", "icb-engine 0.1.0");
  int threads = 0;
  app.add_option("--threads", threads, "Worker threads for every command (default: all cores)")
      ->check(CLI::NonNegativeNumber);
  std::vector<std::pair<CLI::App*, icb::cli::RunFn>> commands;
  for (auto& [name, setup] : icb::cli::Registry()) {
    (void)name;
    commands.push_back({nullptr, setup(app)});
    commands.back().first = app.get_subcommands({}).back();
  }
  app.require_subcommand(1);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 64;
  }
  icb::SetThreadCount(threads);
  for (auto& [sub, run] : commands)
    if (sub && sub->parsed()) return run();
  return 64;
}
