// What every client verb shares: the options all of them take, the connection made only when a
// verb needs it (so usage errors come first), and one way to print answers and errors.
#pragma once

#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/client_api.h"
#include "cli/client_output.h"
#include "common/result.h"

namespace CLI {
class App;
}

namespace greenlight::cli {

class ClientSession {
 public:
  ClientSession(const CommonClientOptions& options, std::ostream& out, std::ostream& err)
      : options_(options), out_(out), err_(err) {}

  const CommonClientOptions& options() const { return options_; }
  bool json() const { return options_.json(); }
  std::ostream& out() { return out_; }
  std::ostream& err() { return err_; }

  // The API client, connected with the settings from the environment; nullptr after printing
  // why when there is no token.
  ApiClient* connect();

  // "greenlight: <message>" on stderr; returns 1.
  int fail(const Error& error);
  // "greenlight: <message>" on stderr; returns 2 (a usage error).
  int usage(const std::string& message);
  // The answer: as JSON with --output json, else through `render`. Returns 0.
  int print(const nlohmann::json& answer, const std::function<std::string(const nlohmann::json&)>& render);
  // For calls that answer nothing worth showing (204): `text`, or {} / the answer as JSON.
  int printDone(const nlohmann::json& answer, const std::string& text);

 private:
  const CommonClientOptions& options_;
  std::ostream& out_;
  std::ostream& err_;
  std::unique_ptr<ApiClient> client_;
};

using ClientVerb = std::function<int(ClientSession&)>;

// The leaves of the client's command tree and what each runs. The options every verb shares live
// here, bound to each leaf's --output and --token-file.
class ClientVerbRegistry {
 public:
  // Adds --output/-o and --token-file to `leaf` and remembers what it runs.
  void addLeaf(CLI::App* leaf, ClientVerb run);
  // Runs the leaf that was parsed (a parsed leaf with no parsed subcommand); 2 when none was.
  int runParsed();

 private:
  CommonClientOptions options_;
  std::vector<std::pair<CLI::App*, ClientVerb>> leaves_;
};

// The verb families, each in its own file.
void addApplicationVerbs(CLI::App& app, ClientVerbRegistry& registry);   // app, config
void addGroupVerbs(CLI::App& app, ClientVerbRegistry& registry);         // group
void addRevisionVerbs(CLI::App& app, ClientVerbRegistry& registry);      // revision
void addDeploymentVerbs(CLI::App& app, ClientVerbRegistry& registry);    // deploy, status, stop, continue, rollback, history, notifications
void addAdministrationVerbs(CLI::App& app, ClientVerbRegistry& registry);  // instances, token, audit

}  // namespace greenlight::cli
