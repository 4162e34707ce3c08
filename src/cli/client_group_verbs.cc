// `greenlight group ...`: deployment groups, from flags or from a YAML file the server validates.
#include <CLI/CLI.hpp>

#include <filesystem>
#include <memory>

#include "cli/client_render_catalog.h"
#include "cli/client_session.h"

namespace greenlight::cli {

namespace {

struct GroupArguments {
  std::string application;
  std::string name;
  std::string file;
  int instances = 1;
  std::string provider = "local";
  std::string config;
  bool autoRollback = false;
};

// The group JSON the flags describe (the server fills in the rest with its defaults).
nlohmann::json groupFromFlags(const GroupArguments& arguments) {
  nlohmann::json fleet = {{"provider", arguments.provider}};
  if (arguments.provider == "local") fleet["instances"] = arguments.instances;
  nlohmann::json group = {{"application", arguments.application}, {"name", arguments.name}, {"fleet", fleet}};
  if (!arguments.config.empty()) group["deploymentConfig"] = arguments.config;
  if (arguments.autoRollback) group["autoRollback"] = {{"enabled", true}};
  return group;
}

std::string groupCreated(const nlohmann::json& group) {
  return "Created deployment group " + textOf(group, "application") + "/" + textOf(group, "name") + " (" +
         textOf(group, "id") + ").\nNext: greenlight revision push " + textOf(group, "application") +
         " PATH, then greenlight deploy " + textOf(group, "application") + " " + textOf(group, "name") +
         " --revision latest --wait\n";
}

int sendGroupFile(ClientSession& session, const std::string& method, const std::string& path,
                  const std::string& file, const std::function<std::string(const nlohmann::json&)>& render) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(file, error)) {
    return session.usage("cannot read the group file " + file + ": no such file");
  }
  ApiClient* client = session.connect();
  if (!client) return 1;
  // The server parses and validates the YAML: its message names the lines to fix.
  auto answer = client->upload(method, path, file, "application/yaml");
  if (!answer.ok()) return session.fail(answer.error());
  return session.print(*answer, render);
}

void addCreate(CLI::App& group, ClientVerbRegistry& registry, const std::shared_ptr<GroupArguments>& arguments) {
  CLI::App* create = group.add_subcommand(
      "create", "Create a deployment group (admin): from a YAML file with --file, or from the flags");
  create->add_option("application", arguments->application, "Application name")->required();
  create->add_option("name", arguments->name, "Group name (with --file, the file's `name:` is used)");
  create->add_option("-f,--file", arguments->file, "Group YAML file (fleet, deploymentConfig, autoRollback, ...)");
  create->add_option("--instances", arguments->instances, "Local provider: how many instances to start (default 1)")
      ->check(CLI::Range(1, 1000));
  create->add_option("--provider", arguments->provider,
                     "Fleet provider: local (agents started by the server) or static (agents enrolled by hand)")
      ->check(CLI::IsMember({"local", "static"}));
  create->add_option("--config", arguments->config, "Default deployment configuration (default: OneAtATime)");
  create->add_flag("--auto-rollback", arguments->autoRollback, "Redeploy the last good revision when a deployment fails");
  create->footer(
      "Examples:\n  greenlight group create sample web --instances 4 --config CodeDeployDefault.HalfAtATime\n"
      "  greenlight group create sample --file web.yaml");
  registry.addLeaf(create, [arguments, create](ClientSession& session) {
    std::string path = apiPath({"applications", arguments->application, "groups"});
    if (!arguments->file.empty()) {
      bool flagsGiven = create->count("--instances") + create->count("--provider") + create->count("--config") +
                            create->count("--auto-rollback") > 0;
      if (!arguments->name.empty() || flagsGiven) {
        return session.usage("with --file, the group's name and settings come from the file; give either "
                             "--file or NAME with flags, not both");
      }
      return sendGroupFile(session, "POST", path, arguments->file, groupCreated);
    }
    if (arguments->name.empty()) {
      return session.usage("group create needs a group NAME (or --file FILE); see greenlight group create --help");
    }
    if (arguments->provider == "static" && create->count("--instances") > 0) {
      return session.usage("--instances is for the local provider; static groups are made of the agents that enrol");
    }
    ApiClient* client = session.connect();
    if (!client) return 1;
    auto answer = client->call("POST", path, groupFromFlags(*arguments));
    if (!answer.ok()) return session.fail(answer.error());
    return session.print(*answer, groupCreated);
  });
}

}  // namespace

void addGroupVerbs(CLI::App& app, ClientVerbRegistry& registry) {
  auto arguments = std::make_shared<GroupArguments>();
  CLI::App* group = app.add_subcommand("group", "Deployment groups: create, list, show, update, delete, enrolment-token");
  group->require_subcommand(1);
  addCreate(*group, registry, arguments);

  CLI::App* list = group->add_subcommand("list", "List an application's deployment groups");
  list->add_option("application", arguments->application, "Application name")->required();
  registry.addLeaf(list, [arguments](ClientSession& session) {
    ApiClient* client = session.connect();
    if (!client) return 1;
    auto answer = client->get(apiPath({"applications", arguments->application, "groups"}));
    if (!answer.ok()) return session.fail(answer.error());
    return session.print(*answer, renderGroups);
  });

  CLI::App* show = group->add_subcommand("show", "Show a deployment group and its instances");
  show->add_option("application", arguments->application, "Application name")->required();
  show->add_option("group", arguments->name, "Group name")->required();
  registry.addLeaf(show, [arguments](ClientSession& session) {
    ApiClient* client = session.connect();
    if (!client) return 1;
    auto found = client->get(apiPath({"applications", arguments->application, "groups", arguments->name}));
    if (!found.ok()) return session.fail(found.error());
    auto instances =
        client->get(apiPath({"applications", arguments->application, "groups", arguments->name, "instances"}));
    if (!instances.ok()) return session.fail(instances.error());
    nlohmann::json combined = *found;
    combined["instances"] = instances->is_object() && instances->contains("instances") ? (*instances)["instances"]
                                                                                      : nlohmann::json::array();
    return session.print(combined, [&instances](const nlohmann::json& shown) { return renderGroup(shown, *instances); });
  });

  CLI::App* update = group->add_subcommand("update", "Replace a deployment group's settings from a YAML file (admin)");
  update->add_option("application", arguments->application, "Application name")->required();
  update->add_option("group", arguments->name, "Group name")->required();
  update->add_option("-f,--file", arguments->file, "Group YAML file")->required();
  registry.addLeaf(update, [arguments](ClientSession& session) {
    return sendGroupFile(session, "PUT", apiPath({"applications", arguments->application, "groups", arguments->name}),
                         arguments->file, [](const nlohmann::json& updated) {
                           return "Updated deployment group " + textOf(updated, "application") + "/" +
                                  textOf(updated, "name") + ".\n";
                         });
  });

  CLI::App* remove = group->add_subcommand(
      "delete", "Delete a deployment group and stop its local instances (admin); refused while a deployment runs");
  remove->add_option("application", arguments->application, "Application name")->required();
  remove->add_option("group", arguments->name, "Group name")->required();
  registry.addLeaf(remove, [arguments](ClientSession& session) {
    ApiClient* client = session.connect();
    if (!client) return 1;
    auto answer = client->call("DELETE", apiPath({"applications", arguments->application, "groups", arguments->name}));
    if (!answer.ok()) return session.fail(answer.error());
    return session.printDone(*answer, "Deleted deployment group " + arguments->application + "/" + arguments->name + ".");
  });

  CLI::App* enrol = group->add_subcommand(
      "enrolment-token", "Create a token static agents enrol into the group with (admin; shown once)");
  enrol->add_option("application", arguments->application, "Application name")->required();
  enrol->add_option("group", arguments->name, "Group name")->required();
  registry.addLeaf(enrol, [arguments](ClientSession& session) {
    ApiClient* client = session.connect();
    if (!client) return 1;
    auto answer = client->call(
        "POST", apiPath({"applications", arguments->application, "groups", arguments->name, "enrolment-tokens"}),
        nlohmann::json::object());
    if (!answer.ok()) return session.fail(answer.error());
    std::string label = arguments->application + "/" + arguments->name;
    std::string address = client->address();
    return session.print(*answer, [&label, &address](const nlohmann::json& token) {
      return renderEnrolmentToken(token, label, address);
    });
  });
}

}  // namespace greenlight::cli
