// `greenlight app ...` and `greenlight config ...`: applications and deployment configurations.
#include <CLI/CLI.hpp>

#include <memory>

#include "cli/client_render_catalog.h"
#include "cli/client_session.h"
#include "cli/client_traffic_steps.h"

namespace greenlight::cli {

namespace {

struct ApplicationArguments {
  std::string name;
  std::string platform = "server";
};

struct ConfigArguments {
  std::string name;
  std::string platform = "server";
  int hostCount = -1;
  int fleetPercent = -1;
  std::string steps;
  int canary = -1;
  int linear = -1;
  int intervalMinutes = -1;
  bool allAtOnce = false;
};

// The configuration the flags describe; a usage error when they do not name exactly one rule.
Result<nlohmann::json> configFromFlags(const ConfigArguments& arguments) {
  int rules = (arguments.hostCount >= 0) + (arguments.fleetPercent >= 0) + !arguments.steps.empty() +
              (arguments.canary >= 0) + (arguments.linear >= 0) + arguments.allAtOnce;
  if (rules != 1) {
    return Error{"Usage", "config create needs exactly one of --host-count N, --fleet-percent P (in place), "
                          "--steps LIST, --canary P, --linear P or --all-at-once (traffic routing)"};
  }
  bool timed = arguments.canary >= 0 || arguments.linear >= 0;
  if (timed != (arguments.intervalMinutes >= 0)) {
    return Error{"Usage", timed ? "--canary and --linear need --interval MINUTES"
                                : "--interval goes with --canary or --linear"};
  }
  nlohmann::json config = {{"name", arguments.name}, {"computePlatform", arguments.platform}};
  if (arguments.hostCount >= 0 || arguments.fleetPercent >= 0) {
    bool byCount = arguments.hostCount >= 0;
    config["minimumHealthyHosts"] = {{"type", byCount ? "HOST_COUNT" : "FLEET_PERCENT"},
                                     {"value", byCount ? arguments.hostCount : arguments.fleetPercent}};
  } else if (!arguments.steps.empty()) {
    auto steps = parseTrafficSteps(arguments.steps);
    if (!steps.ok()) return Error{"Usage", steps.error().message};
    config["trafficRouting"] = {{"type", "Steps"}, {"steps", *steps}};
  } else if (timed) {
    bool canary = arguments.canary >= 0;
    config["trafficRouting"] = {{"type", canary ? "TimeBasedCanary" : "TimeBasedLinear"},
                                {"percent", canary ? arguments.canary : arguments.linear},
                                {"intervalMinutes", arguments.intervalMinutes}};
  } else {
    config["trafficRouting"] = {{"type", "AllAtOnce"}};
  }
  return config;
}

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
      "create", "Create a deployment configuration (admin): a minimum of healthy hosts (in place) or a traffic "
                "routing (blue/green, lambda, ecs); exactly one of --host-count, --fleet-percent, --steps, "
                "--canary, --linear and --all-at-once");
  create->add_option("name", arguments->name, "Configuration name")->required();
  create->add_option("--platform", arguments->platform, "Compute platform: server (default), lambda or ecs")
      ->check(CLI::IsMember({"server", "lambda", "ecs"}));
  auto* hostCount = create->add_option("--host-count", arguments->hostCount,
                                       "Keep at least N instances healthy during a deployment")
                        ->check(CLI::NonNegativeNumber);
  auto* fleetPercent = create->add_option("--fleet-percent", arguments->fleetPercent,
                                          "Keep at least P% of the instances healthy (rounded up)")
                           ->check(CLI::Range(0, 99));
  hostCount->excludes(fleetPercent);
  create->add_option("--steps", arguments->steps,
                     "Traffic steps, comma-separated: N or N% sets the new fleet's weight, `pause` waits for "
                     "`greenlight continue`, `pause=30s` / `pause=2m` waits that long");
  create->add_option("--canary", arguments->canary, "TimeBasedCanary: send P% first, the rest after --interval")
      ->check(CLI::Range(0, 100));
  create->add_option("--linear", arguments->linear, "TimeBasedLinear: add P% every --interval")
      ->check(CLI::Range(0, 100));
  create->add_option("--interval", arguments->intervalMinutes, "Minutes between --canary / --linear shifts")
      ->check(CLI::NonNegativeNumber);
  create->add_flag("--all-at-once", arguments->allAtOnce, "AllAtOnce: move all traffic in one step");
  create->footer("Examples:\n  greenlight config create TwoAtATime --host-count 2\n"
                 "  greenlight config create canary-10 --steps 10,pause,100\n"
                 "  greenlight config create gentle --steps 10,pause=30s,50,pause,100\n"
                 "  greenlight config create linear-25 --linear 25 --interval 1");
  registry.addLeaf(create, [arguments](ClientSession& session) {
    auto body = configFromFlags(*arguments);
    if (!body.ok()) return session.usage(body.error().message);
    ApiClient* client = session.connect();
    if (!client) return 1;
    auto answer = client->call("POST", apiPath({"deployment-configs"}), *body);
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
