// The subcommands of the `greenlight` binary. Each registers its options on the CLI11 app and
// returns a function that runs it and yields the exit code.
#pragma once

#include <functional>

namespace CLI {
class App;
}

namespace greenlight::cli {

using CommandRunner = std::function<int()>;

// `greenlight local`: run an AppSpec lifecycle on this machine without a server.
CommandRunner addLocalCommand(CLI::App& app);
// `greenlight validate`: lint an AppSpec file, a bundle archive or a bundle folder.
CommandRunner addValidateCommand(CLI::App& app);

// `greenlight import goployer`: Goployer manifests into deployment-group files (no server).
CommandRunner addImportCommand(CLI::App& app);

// `greenlight server`: the control plane (store, API, engine, fleet).
CommandRunner addServerCommand(CLI::App& app);

// `greenlight agent`: the host side, long-polling a server for commands.
CommandRunner addAgentCommand(CLI::App& app);

// The API client verbs: app, group, config, revision, deploy, status, stop, rollback, history,
// instances, token, audit. Registers several subcommands; the runner finds the one parsed.
CommandRunner addClientCommands(CLI::App& app);

}  // namespace greenlight::cli
