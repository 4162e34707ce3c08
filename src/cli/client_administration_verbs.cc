// `greenlight instances|token|audit`: a group's instances (and restarting a lost one), API
// tokens, and the audit log.
#include <CLI/CLI.hpp>

#include <memory>

#include "cli/client_render_catalog.h"
#include "cli/client_session.h"

namespace greenlight::cli {

namespace {

struct AdministrationArguments {
  std::string application;
  std::string group;
  std::string id;
  std::string name;
  std::string role;
  int limit = 50;
};

void addInstances(CLI::App& app, ClientVerbRegistry& registry, const std::shared_ptr<AdministrationArguments>& arguments) {
  CLI::App* instances = app.add_subcommand(
      "instances", "A deployment group's instances: id, host, port, lifecycle, online, revision, health");
  instances->add_option("application", arguments->application, "Application name");
  instances->add_option("group", arguments->group, "Deployment group name");
  instances->footer("Usage: greenlight instances APP GROUP\n       greenlight instances restart INSTANCE_ID");

  CLI::App* restart = instances->add_subcommand(
      "restart", "Start a lost local instance's agent again (admin)");
  restart->add_option("instance", arguments->id, "Instance id (i-...)")->required();
  registry.addLeaf(restart, [arguments](ClientSession& session) {
    ApiClient* client = session.connect();
    if (!client) return 1;
    auto answer = client->call("POST", apiPath({"instances", arguments->id, "restart"}), nlohmann::json::object());
    if (!answer.ok()) return session.fail(answer.error());
    return session.printDone(*answer, "Restarting instance " + arguments->id + ".");
  });

  registry.addLeaf(instances, [arguments](ClientSession& session) {
    if (arguments->application.empty() || arguments->group.empty()) {
      return session.usage("instances needs an application and a group: greenlight instances APP GROUP");
    }
    ApiClient* client = session.connect();
    if (!client) return 1;
    auto answer =
        client->get(apiPath({"applications", arguments->application, "groups", arguments->group, "instances"}));
    if (!answer.ok()) return session.fail(answer.error());
    return session.print(*answer, renderInstances);
  });
}

void addTokens(CLI::App& app, ClientVerbRegistry& registry, const std::shared_ptr<AdministrationArguments>& arguments) {
  CLI::App* token = app.add_subcommand("token", "API tokens (admin): create, list, revoke");
  token->require_subcommand(1);

  CLI::App* create = token->add_subcommand("create", "Create an API token; its secret is shown once");
  create->add_option("name", arguments->name, "Who or what holds it, e.g. ci-pipeline")->required();
  create->add_option("--role", arguments->role, "viewer (reads), deployer (also deploys), admin (everything)")
      ->required()
      ->check(CLI::IsMember({"viewer", "deployer", "admin"}));
  registry.addLeaf(create, [arguments](ClientSession& session) {
    ApiClient* client = session.connect();
    if (!client) return 1;
    auto answer = client->call("POST", apiPath({"tokens"}),
                               nlohmann::json{{"name", arguments->name}, {"role", arguments->role}});
    if (!answer.ok()) return session.fail(answer.error());
    return session.print(*answer, renderCreatedToken);
  });

  CLI::App* list = token->add_subcommand("list", "List the tokens (never their secrets)");
  registry.addLeaf(list, [](ClientSession& session) {
    ApiClient* client = session.connect();
    if (!client) return 1;
    auto answer = client->get(apiPath({"tokens"}));
    if (!answer.ok()) return session.fail(answer.error());
    return session.print(*answer, renderTokens);
  });

  CLI::App* revoke = token->add_subcommand("revoke", "Revoke a token: it stops working at once");
  revoke->add_option("id", arguments->id, "Token id (from `token list`)")->required();
  registry.addLeaf(revoke, [arguments](ClientSession& session) {
    ApiClient* client = session.connect();
    if (!client) return 1;
    auto answer = client->call("DELETE", apiPath({"tokens", arguments->id}));
    if (!answer.ok()) return session.fail(answer.error());
    return session.printDone(*answer, "Revoked token " + arguments->id + ".");
  });
}

void addAudit(CLI::App& app, ClientVerbRegistry& registry, const std::shared_ptr<AdministrationArguments>& arguments) {
  CLI::App* audit = app.add_subcommand("audit", "The audit log: every change, who made it and when, newest first");
  audit->add_option("-n,--limit", arguments->limit, "How many entries (default 50)")->check(CLI::Range(1, 1000));
  registry.addLeaf(audit, [arguments](ClientSession& session) {
    ApiClient* client = session.connect();
    if (!client) return 1;
    auto answer = client->get(apiPath({"audit"}) + queryString({{"limit", std::to_string(arguments->limit)}}));
    if (!answer.ok()) return session.fail(answer.error());
    return session.print(*answer, renderAudit);
  });
}

}  // namespace

void addAdministrationVerbs(CLI::App& app, ClientVerbRegistry& registry) {
  auto arguments = std::make_shared<AdministrationArguments>();
  addInstances(app, registry, arguments);
  addTokens(app, registry, arguments);
  addAudit(app, registry, arguments);
}

}  // namespace greenlight::cli
