// `greenlight deploy|status|stop|continue|rollback|history|notifications`: start deployments, plan
// them, follow them to the end with exit codes a pipeline can use (0 Succeeded, 4 Failed, 5
// Stopped), list them, and show what their webhooks were told.
#include <CLI/CLI.hpp>
#include <unistd.h>

#include <memory>

#include "cli/client_render_blue_green.h"
#include "cli/client_render_deployment.h"
#include "cli/client_render_notifications.h"
#include "cli/client_session.h"
#include "cli/client_watch.h"

namespace greenlight::cli {

namespace {

struct DeploymentArguments {
  std::string application;
  std::string group;
  std::string revision;
  std::string config;
  std::string description;
  std::string id;
  bool wait = false;
  bool plan = false;
  bool rollback = false;
  int limit = 20;
};

std::string deploymentStarted(const nlohmann::json& deployment) {
  std::string id = textOf(deployment, "id");
  std::string text = "Deployment " + id + " " + textOf(deployment, "status") + ": revision " +
                     shortSha(textOf(deployment, "revision")) + " to " + textOf(deployment, "application") + "/" +
                     textOf(deployment, "groupName") + " with " + textOf(deployment, "configName");
  if (auto of = textOf(deployment, "rollbackOf"); !of.empty()) text += ", rolling back " + of;
  return text + ".\nFollow it with: greenlight status " + id + " --watch\n";
}

// Prints the new deployment, then follows it when asked.
int startedThenMaybeFollow(ClientSession& session, ApiClient& client, const nlohmann::json& deployment, bool follow) {
  if (!follow) return session.print(deployment, deploymentStarted);
  if (!session.json()) session.out() << deploymentStarted(deployment);
  return followDeployment(session, client, textOf(deployment, "id"), followOptionsForTerminal());
}

int runPlan(ClientSession& session, ApiClient& client, const DeploymentArguments& arguments) {
  nlohmann::json body = nlohmann::json::object();
  if (!arguments.config.empty()) body["deploymentConfig"] = arguments.config;
  auto answer = client.call("POST", apiPath({"applications", arguments.application, "groups", arguments.group, "plan"}),
                            body);
  if (!answer.ok()) return session.fail(answer.error());
  std::string label = arguments.application + "/" + arguments.group;
  session.print(*answer, [&label](const nlohmann::json& plan) { return renderPlan(plan, label); });
  // A plan that cannot work fails the command, so `deploy --plan` can gate a pipeline.
  return flagOf(*answer, "feasible") ? kExitOk : kExitError;
}

void addDeploy(CLI::App& app, ClientVerbRegistry& registry) {
  auto arguments = std::make_shared<DeploymentArguments>();
  CLI::App* deploy = app.add_subcommand("deploy", "Deploy a revision to a deployment group (deployer)");
  deploy->add_option("application", arguments->application, "Application name")->required();
  deploy->add_option("group", arguments->group, "Deployment group name")->required();
  deploy->add_option("-r,--revision", arguments->revision, "Revision: a sha256, a unique prefix, or `latest`");
  deploy->add_option("-c,--config", arguments->config, "Deployment configuration (default: the group's)");
  deploy->add_option("-d,--description", arguments->description, "A note kept with the deployment");
  deploy->add_flag("-w,--wait", arguments->wait,
                   "Follow the deployment to its end: live table on a terminal, one line per change otherwise; "
                   "exit 0 Succeeded, 4 Failed, 5 Stopped");
  deploy->add_flag("--plan", arguments->plan,
                   "Only show what would happen (minimum healthy hosts, batches in order) without deploying; "
                   "exit 1 when the deployment could not work");
  deploy->footer("Examples:\n  greenlight deploy sample web --revision latest --wait\n"
                 "  greenlight deploy sample web --config CodeDeployDefault.AllAtOnce --plan");
  registry.addLeaf(deploy, [arguments](ClientSession& session) {
    if (!arguments->plan && arguments->revision.empty()) {
      return session.usage("deploy needs --revision REF (a sha256, a prefix, or `latest`; see `greenlight revision list " +
                           arguments->application + "`)");
    }
    if (arguments->plan && arguments->wait) return session.usage("--plan deploys nothing, so there is nothing to --wait for");
    ApiClient* client = session.connect();
    if (!client) return 1;
    if (arguments->plan) return runPlan(session, *client, *arguments);
    nlohmann::json body = {{"revision", arguments->revision}};
    if (!arguments->config.empty()) body["deploymentConfig"] = arguments->config;
    if (!arguments->description.empty()) body["description"] = arguments->description;
    auto answer = client->call(
        "POST", apiPath({"applications", arguments->application, "groups", arguments->group, "deployments"}), body);
    if (!answer.ok()) return session.fail(answer.error());
    return startedThenMaybeFollow(session, *client, *answer, arguments->wait);
  });
}

void addStatus(CLI::App& app, ClientVerbRegistry& registry) {
  auto arguments = std::make_shared<DeploymentArguments>();
  CLI::App* status = app.add_subcommand(
      "status", "Show a deployment: each instance's status and event, and for failed ones the error and log tail");
  status->add_option("deployment", arguments->id, "Deployment id (d-...)")->required();
  status->add_flag("-w,--watch", arguments->wait, "Follow it to its end; exit 0 Succeeded, 4 Failed, 5 Stopped");
  registry.addLeaf(status, [arguments](ClientSession& session) {
    ApiClient* client = session.connect();
    if (!client) return 1;
    if (arguments->wait) return followDeployment(session, *client, arguments->id, followOptionsForTerminal());
    auto answer = client->get(apiPath({"deployments", arguments->id}));
    if (!answer.ok()) return session.fail(answer.error());
    Style style(::isatty(STDOUT_FILENO) != 0 && std::getenv("NO_COLOR") == nullptr);
    return session.print(*answer, [&style](const nlohmann::json& deployment) {
      return renderDeploymentView(deployment, style, std::chrono::system_clock::now());
    });
  });

  CLI::App* stop = app.add_subcommand(
      "stop", "Stop a deployment (deployer): nothing more starts, instances in flight finish");
  stop->add_option("deployment", arguments->id, "Deployment id (d-...)")->required();
  stop->add_flag("--rollback", arguments->rollback, "Then redeploy the group's last good revision");
  registry.addLeaf(stop, [arguments](ClientSession& session) {
    ApiClient* client = session.connect();
    if (!client) return 1;
    auto answer = client->call("POST", apiPath({"deployments", arguments->id, "stop"}),
                               nlohmann::json{{"rollback", arguments->rollback}});
    if (!answer.ok()) return session.fail(answer.error());
    return session.print(*answer, [](const nlohmann::json& deployment) {
      std::string text = "Deployment " + textOf(deployment, "id") + ": " + textOf(deployment, "status");
      if (flagOf(deployment, "stopRequested") && !isFinalDeploymentStatus(textOf(deployment, "status"))) {
        text += " (stopping: instances in flight finish first)";
      }
      if (auto by = textOf(deployment, "rolledBackBy"); !by.empty()) text += "; rolled back by " + by;
      return text + ".\n";
    });
  });
}

void addContinue(CLI::App& app, ClientVerbRegistry& registry) {
  auto arguments = std::make_shared<DeploymentArguments>();
  CLI::App* go = app.add_subcommand(
      "continue",
      "Let a deployment waiting for a person go on (deployer): a blue/green deployment at Ready, or a "
      "traffic step `pause` without a duration");
  go->add_option("deployment", arguments->id, "Deployment id (d-...)")->required();
  go->add_flag("-w,--wait", arguments->wait, "Then follow it to its end; exit 0 Succeeded, 4 Failed, 5 Stopped");
  go->footer("Exits 1 with what the deployment is doing instead when it is not waiting for `continue`.\n"
             "Example: greenlight continue d-ABC123456 --wait");
  registry.addLeaf(go, [arguments](ClientSession& session) {
    ApiClient* client = session.connect();
    if (!client) return 1;
    auto answer = client->call("POST", apiPath({"deployments", arguments->id, "continue"}), nlohmann::json::object());
    if (!answer.ok()) return session.fail(answer.error());
    if (!arguments->wait) return session.print(*answer, renderContinued);
    if (!session.json()) session.out() << renderContinued(*answer);
    return followDeployment(session, *client, arguments->id, followOptionsForTerminal());
  });
}

void addRollbackAndHistory(CLI::App& app, ClientVerbRegistry& registry) {
  auto arguments = std::make_shared<DeploymentArguments>();
  CLI::App* rollback = app.add_subcommand(
      "rollback", "Redeploy the group's last good revision, or --revision REF, as a new deployment (deployer)");
  rollback->add_option("application", arguments->application, "Application name")->required();
  rollback->add_option("group", arguments->group, "Deployment group name")->required();
  rollback->add_option("-r,--revision", arguments->revision, "The revision to go back to (default: the last good one)");
  rollback->add_flag("-w,--wait", arguments->wait, "Follow it to its end; exit 0 Succeeded, 4 Failed, 5 Stopped");
  registry.addLeaf(rollback, [arguments](ClientSession& session) {
    ApiClient* client = session.connect();
    if (!client) return 1;
    nlohmann::json body = nlohmann::json::object();
    if (!arguments->revision.empty()) body["revision"] = arguments->revision;
    auto answer = client->call(
        "POST", apiPath({"applications", arguments->application, "groups", arguments->group, "rollback"}), body);
    if (!answer.ok()) return session.fail(answer.error());
    return startedThenMaybeFollow(session, *client, *answer, arguments->wait);
  });

  CLI::App* history = app.add_subcommand("history", "A deployment group's deployments, newest first");
  history->add_option("application", arguments->application, "Application name")->required();
  history->add_option("group", arguments->group, "Deployment group name")->required();
  history->add_option("-n,--limit", arguments->limit, "How many (default 20)")->check(CLI::Range(1, 1000));
  registry.addLeaf(history, [arguments](ClientSession& session) {
    ApiClient* client = session.connect();
    if (!client) return 1;
    // The filter alone would answer an empty list for a misspelt group: check it exists first.
    auto group = client->get(apiPath({"applications", arguments->application, "groups", arguments->group}));
    if (!group.ok()) return session.fail(group.error());
    auto answer = client->get(apiPath({"deployments"}) + queryString({{"application", arguments->application},
                                                                      {"group", arguments->group},
                                                                      {"limit", std::to_string(arguments->limit)}}));
    if (!answer.ok()) return session.fail(answer.error());
    return session.print(*answer, renderHistory);
  });
}

void addNotifications(CLI::App& app, ClientVerbRegistry& registry) {
  auto arguments = std::make_shared<DeploymentArguments>();
  CLI::App* notifications = app.add_subcommand(
      "notifications", "A deployment's webhook notifications: each event, its delivery and attempts");
  notifications->add_option("deployment", arguments->id, "Deployment id (d-...)")->required();
  registry.addLeaf(notifications, [arguments](ClientSession& session) {
    ApiClient* client = session.connect();
    if (!client) return 1;
    auto answer = client->get(apiPath({"deployments", arguments->id, "notifications"}));
    if (!answer.ok()) return session.fail(answer.error());
    return session.print(*answer, renderNotifications);
  });
}

}  // namespace

void addDeploymentVerbs(CLI::App& app, ClientVerbRegistry& registry) {
  addDeploy(app, registry);
  addStatus(app, registry);
  addContinue(app, registry);
  addRollbackAndHistory(app, registry);
  addNotifications(app, registry);
}

}  // namespace greenlight::cli
