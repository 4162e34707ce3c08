// Follows a deployment through GET /v1/deployments/{id}/watch until it ends.
#include "cli/client_watch.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "cli/client_render_deployment.h"

namespace greenlight::cli {

namespace {

// Worth trying again: the server is away or restarting, not refusing the request.
bool isTransient(const Error& error) {
  return error.code == "ServerUnreachable" || error.code == "ServerTimeout" || error.code == "HttpStatus502" ||
         error.code == "HttpStatus503" || error.code == "HttpStatus504";
}

std::size_t lineCount(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

}  // namespace

FollowOptions followOptionsForTerminal() {
  FollowOptions options;
  options.liveView = ::isatty(STDOUT_FILENO) != 0;
  options.colour = options.liveView && std::getenv("NO_COLOR") == nullptr;
  options.pollWaitSeconds = options.liveView ? 2 : 20;
  return options;
}

int followDeployment(ClientSession& session, ApiClient& client, const std::string& id,
                     const FollowOptions& options) {
  Style style(options.colour);
  std::ostream& out = session.out();
  nlohmann::json previous;
  nlohmann::json current;
  long long version = 0;
  std::size_t linesDrawn = 0;
  auto backoff = options.initialBackoff;
  // A flag beside the time, not an optional: GCC 12 at -O2 wrongly calls the optional's value
  // uninitialised.
  bool unreachable = false;
  std::chrono::steady_clock::time_point unreachableSince{};
  if (!session.json() && !options.liveView) out << "Following deployment " << id << " (Ctrl-C stops following; the deployment goes on)" << std::endl;
  while (true) {
    std::string path = apiPath({"deployments", id, "watch"}) +
                       queryString({{"after", std::to_string(version)}, {"wait", std::to_string(options.pollWaitSeconds)}});
    auto answer = client.call("GET", path, std::nullopt, std::chrono::seconds(options.pollWaitSeconds + 30));
    if (!answer.ok()) {
      if (!isTransient(answer.error())) return session.fail(answer.error());
      auto now = std::chrono::steady_clock::now();
      if (!unreachable) {
        unreachable = true;
        unreachableSince = now;
      }
      if (now - unreachableSince > options.reconnectLimit) {
        return session.fail(Error{answer.error().code, answer.error().message + "; gave up following deployment " +
                                                           id + " (it goes on: `greenlight status " + id + " --watch`)"});
      }
      session.err() << "greenlight: lost the server while following " << id << " (" << answer.error().message
                    << "); retrying in " << formatDuration(backoff.count()) << std::endl;
      linesDrawn = 0;  // the message broke the live frame; draw the next one below it
      std::this_thread::sleep_for(backoff);
      backoff = std::min<std::chrono::milliseconds>(backoff * 2, std::chrono::seconds(10));
      continue;
    }
    if (unreachable) {
      session.err() << "greenlight: reconnected to " << client.address() << std::endl;
      unreachable = false;
      backoff = options.initialBackoff;
    }
    previous = std::move(current);
    current = std::move(*answer);
    version = numberOf(current, "version").value_or(version);
    if (!session.json()) {
      if (options.liveView) {
        std::string frame = renderDeploymentView(current, style, std::chrono::system_clock::now());
        if (linesDrawn > 0) out << "\033[" << linesDrawn << "F\033[J";
        out << frame << std::flush;
        linesDrawn = lineCount(frame);
      } else {
        for (const auto& line : describeChanges(previous, current)) out << line << "\n";
        out << std::flush;
      }
    }
    if (isFinalDeploymentStatus(textOf(current, "status"))) break;
  }
  int code = exitCodeForDeployment(current);
  if (session.json()) {
    out << current.dump(2) << std::endl;
  } else {
    if (options.liveView) out << "\n";
    out << renderSummary(current) << std::flush;
    if (code == kExitDeploymentFailed) {
      std::string message = textOf(current, "errorMessage");
      session.err() << "greenlight: deployment " << id << " failed"
                    << (message.empty() ? std::string() : ": " + message) << std::endl;
    } else if (code == kExitDeploymentStopped) {
      session.err() << "greenlight: deployment " << id << " was stopped" << std::endl;
    }
  }
  return code;
}

}  // namespace greenlight::cli
