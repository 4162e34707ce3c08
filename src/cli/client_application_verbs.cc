// `greenlight app ...` and `greenlight config ...`: applications and deployment configurations.
#include <CLI/CLI.hpp>

#include <memory>

#include "cli/client_render_catalog.h"
#include "cli/client_session.h"

namespace greenlight::cli {

namespace {

struct ApplicationArguments {
  std::string name;
  std::string platform = "server";
};

struct ConfigArguments {
  std::string name;
  int hostCount = -1;
  int fleetPercent = -1;
};

void addApplicationCommands(CLI::App& app, ClientVerbRegistry& registry) {
  auto arguments = std::make_shared<ApplicationArguments>();
  CLI::App* group = app.add_subcommand("app", "Applications: create, list, show, delete");
  group->require_subcommand(1);

  CLI::App* create = group->add_subcommand("create", "Create an application (admin)");
  create->add_option("name", arguments->name, "Application name: letters, digits, '.', '_', '-'")->required();
  create->add_option("--platform", arguments->platform, "Compute platform: server (default), lambda or ecs")
      ->check(CLI::IsMember({"server", "lambda", "ecs"}));
  create->footer("Example: greenlight app create sample --platform server");
  registry.addLeaf(create, [arguments](ClientSession& session) {
    ApiClient* client = session.connect();
    if (!client) return 1;
    auto answer = client->call("POST", apiPath({"applications"}),
                               nlohmann::json{{"name", arguments->name}, {"computePlatform", arguments->platform}});
    if (!answer.ok()) return session.fail(answer.error());
    return session.print(*answer, [](const nlohmann::json& application) {
      return "Created application " + textOf(application, "name") + " (" + textOf(application, "computePlatform") +
             ").\nNext: greenlight group create " + textOf(application, "name") + " NAME --instances N\n";
    });
  });

  CLI::App* list = group->add_subcommand("list", "List the applications");
  registry.addLeaf(list, [](ClientSession& session) {
    ApiClient* client = session.connect();
    if (!client) return 1;
    auto answer = client->get(apiPath({"applications"}));
    if (!answer.ok()) return session.fail(answer.error());
    return session.print(*answer, renderApplications);
  });

  CLI::App* show = group->add_subcommand("show", "Show one application");
  show->add_option("name", arguments->name, "Application name")->required();
  registry.addLeaf(show, [arguments](ClientSession& session) {
    ApiClient* client = session.connect();
    if (!client) return 1;
    auto answer = client->get(apiPath({"applications", arguments->name}));
    if (!answer.ok()) return session.fail(answer.error());
    return session.print(*answer, renderApplication);
  });

  CLI::App* remove = group->add_subcommand("delete", "Delete an application without deployment groups (admin)");
  remove->add_option("name", arguments->name, "Application name")->required();
  registry.addLeaf(remove, [arguments](ClientSession& session) {
    ApiClient* client = session.connect();
    if (!client) return 1;
    auto answer = client->call("DELETE", apiPath({"applications", arguments->name}));
    if (!answer.ok()) return session.fail(answer.error());
    return session.printDone(*answer, "Deleted application " + arguments->name + ".");
  });
}

void addConfigCommands(CLI::App& app, ClientVerbRegistry& registry) {
  auto arguments = std::make_shared<ConfigArguments>();
  CLI::App* group = app.add_subcommand("config", "Deployment configurations: list, show, create, delete");
  group->require_subcommand(1);

  CLI::App* list = group->add_subcommand("list", "List the predefined and custom deployment configurations");
  registry.addLeaf(list, [](ClientSession& session) {
    ApiClient* client = session.connect();
    if (!client) return 1;
    auto answer = client->get(apiPath({"deployment-configs"}));
    if (!answer.ok()) return session.fail(answer.error());
    return session.print(*answer, renderConfigs);
  });

  CLI::App* show = group->add_subcommand("show", "Show one deployment configuration");
  show->add_option("name", arguments->name, "Configuration name, e.g. CodeDeployDefault.HalfAtATime")->required();
  registry.addLeaf(show, [arguments](ClientSession& session) {
    ApiClient* client = session.connect();
    if (!client) return 1;
    auto answer = client->get(apiPath({"deployment-configs", arguments->name}));
    if (!answer.ok()) return session.fail(answer.error());
    return session.print(*answer, renderConfig);
  });

  CLI::App* create = group->add_subcommand(
      "create", "Create a server configuration keeping a minimum of healthy hosts (admin); exactly one of "
                "--host-count and --fleet-percent");
  create->add_option("name", arguments->name, "Configuration name")->required();
  auto* hostCount = create->add_option("--host-count", arguments->hostCount,
                                       "Keep at least N instances healthy during a deployment")
                        ->check(CLI::NonNegativeNumber);
  auto* fleetPercent = create->add_option("--fleet-percent", arguments->fleetPercent,
                                          "Keep at least P% of the instances healthy (rounded up)")
                           ->check(CLI::Range(0, 99));
  hostCount->excludes(fleetPercent);
  create->footer("Example: greenlight config create TwoAtATime --host-count 2");
  registry.addLeaf(create, [arguments](ClientSession& session) {
    bool byCount = arguments->hostCount >= 0;
    bool byPercent = arguments->fleetPercent >= 0;
    if (byCount == byPercent) {
      return session.usage("config create needs exactly one of --host-count N and --fleet-percent P");
    }
    ApiClient* client = session.connect();
    if (!client) return 1;
    nlohmann::json body = {
        {"name", arguments->name},
        {"computePlatform", "server"},
        {"minimumHealthyHosts",
         {{"type", byCount ? "HOST_COUNT" : "FLEET_PERCENT"},
          {"value", byCount ? arguments->hostCount : arguments->fleetPercent}}}};
    auto answer = client->call("POST", apiPath({"deployment-configs"}), body);
    if (!answer.ok()) return session.fail(answer.error());
    return session.print(*answer, [](const nlohmann::json& config) {
      return "Created deployment config " + textOf(config, "name") + ": " + describeConfig(config) + ".\n";
    });
  });

  CLI::App* remove = group->add_subcommand("delete", "Delete a custom deployment configuration no group uses (admin)");
  remove->add_option("name", arguments->name, "Configuration name")->required();
  registry.addLeaf(remove, [arguments](ClientSession& session) {
    ApiClient* client = session.connect();
    if (!client) return 1;
    auto answer = client->call("DELETE", apiPath({"deployment-configs", arguments->name}));
    if (!answer.ok()) return session.fail(answer.error());
    return session.printDone(*answer, "Deleted deployment config " + arguments->name + ".");
  });
}

}  // namespace

void addApplicationVerbs(CLI::App& app, ClientVerbRegistry& registry) {
  addApplicationCommands(app, registry);
  addConfigCommands(app, registry);
}

}  // namespace greenlight::cli
