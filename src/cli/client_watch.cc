// Follows a deployment through GET /v1/deployments/{id}/watch until it ends.
#include "cli/client_watch.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "cli/client_render_blue_green.h"
#include "cli/client_render_deployment.h"
#include "cli/client_render_tree.h"

namespace greenlight::cli {

namespace {

// Worth trying again: the server is away or restarting, not refusing the request.
bool isTransient(const Error& error) {
  return error.code == "ServerUnreachable" || error.code == "ServerTimeout" || error.code == "HttpStatus502" ||
         error.code == "HttpStatus503" || error.code == "HttpStatus504";
}

// The group's instances for the tree (online or not, the previous fleet's members); null when
// they cannot be read: the tree is drawn without them rather than not at all.
nlohmann::json groupInstances(ApiClient& client, const nlohmann::json& deployment) {
  std::string application = textOf(deployment, "application");
  std::string group = textOf(deployment, "groupName");
  if (application.empty() || group.empty()) return nullptr;
  auto answer = client.call("GET", apiPath({"applications", application, "groups", group, "instances"}), std::nullopt,
                            std::chrono::seconds(5));
  return answer.ok() ? std::move(*answer) : nlohmann::json();
}

// One frame of the live view: back to the top of the previous frame, each line written over the
// old one and the rest of it erased, then whatever the old frame had below erased — no blank
// frame in between, so nothing flickers. Lines stop one column short of the edge, where a
// terminal would wrap.
std::string liveFrame(const std::vector<std::string>& lines, std::size_t previousLines) {
  std::string frame;
  if (previousLines > 0) frame += "\033[" + std::to_string(previousLines) + "F";
  for (const auto& line : lines) frame += line + "\033[K\n";
  return frame + "\033[J";
}

// "10:04:12 " (UTC), the time a change was seen, for CI logs.
std::string clockPrefix() { return timeOfDay(formatTimestamp(std::chrono::system_clock::now())) + " "; }

}  // namespace

FollowOptions followOptionsForTerminal() {
  FollowOptions options;
  options.liveView = ::isatty(STDOUT_FILENO) != 0;
  options.colour = options.liveView && std::getenv("NO_COLOR") == nullptr;
  options.unicode = localeIsUtf8();
  options.pollWaitSeconds = options.liveView ? 2 : 20;
  return options;
}

int followDeployment(ClientSession& session, ApiClient& client, const std::string& id,
                     const FollowOptions& options) {
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
        TerminalSize size = stdoutTerminalSize();
        TreeOptions tree;
        tree.width = (options.columns > 0 ? options.columns : size.columns) - 1;
        tree.unicode = options.unicode;
        tree.colour = options.colour;
        // The frame keeps below the terminal's height, so going back up always reaches its top.
        tree.maxLines = (options.rows > 0 ? options.rows : size.rows) - 1;
        auto lines = renderDeploymentTree(current, groupInstances(client, current), std::chrono::system_clock::now(), tree);
        lines = fitToHeight(std::move(lines), tree.maxLines, options.unicode);
        out << liveFrame(lines, linesDrawn) << std::flush;
        linesDrawn = lines.size();
      } else {
        for (const auto& line : describeChanges(previous, current)) out << clockPrefix() << line << "\n";
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
