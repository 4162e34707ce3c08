// `greenlight deploy|status|stop|continue|rollback|history|notifications`: start deployments, plan
// them, follow them to the end with exit codes a pipeline can use (0 Succeeded, 4 Failed, 5
// Stopped), list them, and show what their webhooks were told.
#include <CLI/CLI.hpp>
#include <unistd.h>

#include <iostream>
#include <memory>

#include "cli/client_render_blue_green.h"
#include "cli/client_render_deployment.h"
#include "cli/client_render_notifications.h"
#include "cli/client_rollback_choice.h"
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
  bool yes = false;
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
                   "Follow the deployment to its end: a live tree on a terminal, one timed line per change otherwise; "
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
  status->add_flag("-w,--watch", arguments->wait,
                  "Follow it to its end: a live tree on a terminal, one timed line per change otherwise; exit 0 "
                  "Succeeded, 4 Failed, 5 Stopped");
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

constexpr std::size_t kRollbackChoices = 10;

// Asks on the terminal which of `choices` to go back to; nullopt when the operator gives up
// (q, or the end of input).
std::optional<std::size_t> askRollbackChoice(ClientSession& session, const std::string& groupLabel,
                                             const std::vector<RollbackChoice>& choices) {
  session.out() << "Recent good revisions of " << groupLabel << ", newest first:\n"
                << renderRollbackChoices(choices, std::chrono::system_clock::now());
  std::string answer;
  while (true) {
    session.out() << "Roll back to which one? [1-" << choices.size() << ", Enter for 1, q to cancel] " << std::flush;
    if (!std::getline(std::cin, answer) || answer == "q" || answer == "Q") return std::nullopt;
    if (auto picked = parseRollbackAnswer(answer, choices.size())) return picked;
    session.out() << "'" << answer << "' is not in the list.\n";
  }
}

// The revision to roll back to when none was named: picked on a terminal, else the last good
// one, said aloud. "" lets the server explain that there is nothing to go back to; nullopt when
// the operator cancelled or the history could not be read (already reported).
std::optional<std::string> chooseRollbackRevision(ClientSession& session, ApiClient& client,
                                                  const DeploymentArguments& arguments, int& exitCode) {
  auto history = client.get(apiPath({"deployments"}) + queryString({{"application", arguments.application},
                                                                    {"group", arguments.group},
                                                                    {"limit", "100"}}));
  if (!history.ok()) {
    exitCode = session.fail(history.error());
    return std::nullopt;
  }
  auto choices = rollbackChoices(*history, kRollbackChoices);
  if (choices.empty()) return std::string();
  bool onTerminal = ::isatty(STDIN_FILENO) != 0 && ::isatty(STDOUT_FILENO) != 0;
  if (onTerminal && !arguments.yes && !session.json()) {
    auto picked = askRollbackChoice(session, arguments.application + "/" + arguments.group, choices);
    if (!picked) {
      exitCode = session.fail(Error{"Cancelled", "rollback cancelled: nothing was deployed"});
      return std::nullopt;
    }
    session.out() << describeRollbackChoice(choices[*picked], *picked == 0);
    return choices[*picked].revision;
  }
  // With --output json stdout holds only the answer: the note goes to stderr.
  (session.json() ? session.err() : session.out()) << describeRollbackChoice(choices.front(), true);
  return choices.front().revision;
}

void addRollbackAndHistory(CLI::App& app, ClientVerbRegistry& registry) {
  auto arguments = std::make_shared<DeploymentArguments>();
  CLI::App* rollback = app.add_subcommand(
      "rollback",
      "Redeploy one of the group's recent good revisions as a new deployment (deployer): on a terminal it "
      "lists them and asks which, otherwise it takes the last good one");
  rollback->add_option("application", arguments->application, "Application name")->required();
  rollback->add_option("group", arguments->group, "Deployment group name")->required();
  rollback->add_option("-r,--revision", arguments->revision, "The revision to go back to, without asking");
  rollback->add_flag("-y,--yes", arguments->yes, "Take the last good revision without asking");
  rollback->add_flag("-w,--wait", arguments->wait, "Follow it to its end; exit 0 Succeeded, 4 Failed, 5 Stopped");
  rollback->footer("Examples:\n  greenlight rollback sample web            # pick from the recent good revisions\n"
                   "  greenlight rollback sample web --yes --wait\n"
                   "  greenlight rollback sample web --revision 0123456789ab");
  registry.addLeaf(rollback, [arguments](ClientSession& session) {
    ApiClient* client = session.connect();
    if (!client) return 1;
    std::string revision = arguments->revision;
    if (revision.empty()) {
      int exitCode = 1;
      auto chosen = chooseRollbackRevision(session, *client, *arguments, exitCode);
      if (!chosen) return exitCode;
      revision = *chosen;
    }
    nlohmann::json body = nlohmann::json::object();
    if (!revision.empty()) body["revision"] = revision;
    auto answer = client->call(
        "POST", apiPath({"applications", arguments->application, "groups", arguments->group, "rollback"}), body);
    if (!answer.ok()) return session.fail(answer.error());
    if (!revision.empty() && textOf(*answer, "revision") != revision && !session.json()) {
      // A blue/green group whose previous fleet is still warm switches traffic back to it.
      session.out() << "The previous fleet is still warm: traffic goes back to it, revision "
                    << shortSha(textOf(*answer, "revision")) << ".\n";
    }
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
