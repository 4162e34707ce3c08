// The API client verbs of the `greenlight` binary, registered family by family; the runner finds
// the verb that was parsed.
#include <CLI/CLI.hpp>

#include <memory>

#include "cli/client_session.h"
#include "cli/commands.h"

namespace greenlight::cli {

CommandRunner addClientCommands(CLI::App& app) {
  auto registry = std::make_shared<ClientVerbRegistry>();
  addApplicationVerbs(app, *registry);
  addGroupVerbs(app, *registry);
  addRevisionVerbs(app, *registry);
  addDeploymentVerbs(app, *registry);
  addAdministrationVerbs(app, *registry);
  app.footer("Client verbs read the server from GREENLIGHT_ADDR (default 127.0.0.1:7070) and the API token from "
             "GREENLIGHT_TOKEN (or --token-file / GREENLIGHT_TOKEN_FILE).\nExit codes: 0 ok, 1 error, 2 usage, "
             "4 deployment failed, 5 deployment stopped.");
  return [registry] { return registry->runParsed(); };
}

}  // namespace greenlight::cli
