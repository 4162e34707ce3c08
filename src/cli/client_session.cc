// The client verbs' shared session and the registry that dispatches to the parsed leaf.
#include "cli/client_session.h"

#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/client_render_deployment.h"

namespace greenlight::cli {

ApiClient* ClientSession::connect() {
  if (client_) return client_.get();
  auto settings = resolveClientSettings(options_.tokenFile, &processEnvironment);
  if (!settings.ok()) {
    fail(settings.error());
    return nullptr;
  }
  client_ = std::make_unique<ApiClient>(*settings);
  return client_.get();
}

int ClientSession::fail(const Error& error) {
  err_ << "greenlight: " << error.message << std::endl;
  return kExitError;
}

int ClientSession::usage(const std::string& message) {
  err_ << "greenlight: " << message << std::endl;
  return kExitUsage;
}

int ClientSession::print(const nlohmann::json& answer,
                         const std::function<std::string(const nlohmann::json&)>& render) {
  if (json()) {
    out_ << answer.dump(2) << std::endl;
  } else {
    out_ << render(answer) << std::flush;
  }
  return kExitOk;
}

int ClientSession::printDone(const nlohmann::json& answer, const std::string& text) {
  if (json()) {
    out_ << (answer.is_null() ? nlohmann::json::object() : answer).dump(2) << std::endl;
  } else {
    out_ << text << std::endl;
  }
  return kExitOk;
}

void ClientVerbRegistry::addLeaf(CLI::App* leaf, ClientVerb run) {
  leaf->add_option("-o,--output", options_.output, "Output format: text (default) or json (the API's JSON)")
      ->check(CLI::IsMember({"text", "json"}));
  leaf->add_option("--token-file", options_.tokenFile,
                   "File holding the API token (default: $GREENLIGHT_TOKEN, then the file $GREENLIGHT_TOKEN_FILE)");
  leaves_.emplace_back(leaf, std::move(run));
}

int ClientVerbRegistry::runParsed() {
  for (auto& [leaf, run] : leaves_) {
    if (leaf->parsed() && leaf->get_subcommands().empty()) {
      ClientSession session(options_, std::cout, std::cerr);
      return run(session);
    }
  }
  return kExitUsage;
}

}  // namespace greenlight::cli
