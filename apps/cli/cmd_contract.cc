// icb contract: prints the input contract (the CSV files and columns ingest accepts).
#include <cstdio>

#include "apps/cli/command.h"
#include "data/contract.h"

namespace {

icb::cli::RunFn Setup(CLI::App& app) {
  auto* sub = app.add_subcommand("contract", "Print the input contract: files, columns, types, allowed values");
  sub->footer("Example:\n  icb contract --markdown > docs/reference/input-contract.md");
  auto markdown = std::make_shared<bool>(false);
  sub->add_flag("--markdown", *markdown, "As Markdown (the reference page)");
  return [markdown] {
    if (*markdown) {
      std::fputs(icb::ContractMarkdown().c_str(), stdout);
      return 0;
    }
    for (const auto& f : icb::InputContract()) {
      std::printf("%s%s\n", std::string(f.file_name).c_str(), f.required ? " (required)" : "");
      for (const auto& c : f.columns)
        std::printf("  %-28s %-26s %s\n", std::string(c.name).c_str(),
                    std::string(icb::ColumnTypeName(c.type)).c_str(), c.required ? "required" : "optional");
    }
    return 0;
  };
}

}  // namespace

ICB_REGISTER_COMMAND(contract, Setup);
