// Dispatches `greenlight <subcommand>`; each subcommand lives in its own file.
#include "cli/main_command.h"

#include <CLI/CLI.hpp>

#include <iostream>
#include <map>

#include "cli/commands.h"

namespace greenlight::cli {

int run(int argc, char** argv) {
  CLI::App app{"greenlight: zero-downtime deployments, CodeDeploy-compatible"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "greenlight 0.1.0");
  std::map<CLI::App*, CommandRunner> commands;
  auto add = [&](CommandRunner (*factory)(CLI::App&)) {
    std::size_t before = app.get_subcommands({}).size();
    CommandRunner runner = factory(app);
    auto subcommands = app.get_subcommands({});
    for (std::size_t i = before; i < subcommands.size(); ++i) commands[subcommands[i]] = runner;
  };
  add(&addLocalCommand);
  add(&addValidateCommand);
  add(&addImportCommand);
  add(&addServerCommand);
  add(&addAgentCommand);
  add(&addClientCommands);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error) == 0 ? 0 : 2;  // 2: a usage error, as most Unix tools
  }
  for (auto& [subcommand, runner] : commands) {
    if (subcommand->parsed()) return runner();
  }
  std::cerr << app.help();
  return 2;
}

}  // namespace greenlight::cli
