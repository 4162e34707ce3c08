// HAProxy's CLI has no status codes: each command's success is recognised by its reply (empty
// for `set server … state/weight`, "New server registered." for `add server`, …).
#include "providers/traffic/haproxy/backend_runtime.h"

#include <chrono>
#include <thread>

#include "common/error_codes.h"
#include "providers/traffic/haproxy/config_writer.h"

namespace greenlight::providers::haproxy {
namespace {

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

}  // namespace

Result<std::string> BackendRuntime::run(const std::string& command, const std::vector<std::string>& acceptedPrefixes,
                                        const std::string& subject) {
  auto reply = session_.execute(command);
  if (!reply.ok()) return reply;
  std::string text = trimmed(*reply);
  for (const auto& prefix : acceptedPrefixes) {
    if (prefix.empty() ? text.empty() : text.rfind(prefix, 0) == 0) return text;
  }
  std::string code = text.find("No such") != std::string::npos ? codes::kNotFound : codes::kConflict;
  return Error{code, "HAProxy refused `" + command + "` for " + subject + " on " + session_.socketPath().string() +
                         ": \"" + text + "\"; check the backend and server names (`show stat`) and the HAProxy log"};
}

Result<std::map<std::string, StatRow>> BackendRuntime::servers() {
  auto reply = session_.execute("show stat");
  if (!reply.ok()) return reply.error();
  auto rows = parseShowStat(*reply);
  if (!rows.ok()) return rows.error();
  std::map<std::string, StatRow> servers;
  bool backendSeen = false;
  for (auto& row : *rows) {
    if (row.proxy() != backend_) continue;
    if (row.service() == "BACKEND") backendSeen = true;
    if (row.isServer()) {
      std::string name = row.service();
      servers.emplace(std::move(name), std::move(row));
    }
  }
  if (!backendSeen) {
    return Error{codes::kNotFound, "HAProxy behind " + session_.socketPath().string() + " has no backend " + backend_ +
                                       "; check the pool's backend name against its configuration (`show stat`)"};
  }
  return servers;
}

Status BackendRuntime::bringUp(const traffic::Member& member, const traffic::HealthCheck& check) {
  const std::string server = backend_ + "/" + member.instanceId;
  const std::string subject = "instance " + member.instanceId;
  auto added = run("add server " + server + " " + member.address + ":" + std::to_string(member.port) + " " +
                       checkOptions(check) + " weight 0 pool-max-conn -1 pool-purge-delay 5s",
                   {"New server registered."}, subject);
  if (!added.ok()) return added.error();
  if (auto checked = run("enable health " + server, {""}, subject); !checked.ok()) return checked.error();
  if (auto drained = run("set server " + server + " state drain", {""}, subject); !drained.ok()) return drained.error();
  // A new server's check starts as passed (UP, drained): force it down so that `rise` real passes
  // are needed before it can serve. In MAINT the command is a no-op, and leaving MAINT is applied
  // by HAProxy asynchronously, so the command is repeated until HAProxy shows the server DOWN.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  for (;;) {
    if (auto down = run("set server " + server + " health down", {""}, subject); !down.ok()) return down.error();
    auto rows = servers();
    if (!rows.ok()) return rows.error();
    auto row = rows->find(member.instanceId);
    if (row != rows->end() && row->second.get("status").rfind("DOWN", 0) == 0) return {};
    if (std::chrono::steady_clock::now() >= deadline) {
      return Error{codes::kUnavailable, "HAProxy on " + session_.socketPath().string() + " did not mark the new " +
                                            "server " + server + " down before its first checks; it stays drained "
                                            "(weight 0); remove it and add it again"};
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

Status BackendRuntime::setAddress(const traffic::Member& member) {
  auto changed = run("set server " + backend_ + "/" + member.instanceId + " addr " + member.address + " port " +
                         std::to_string(member.port),
                     {"IP changed", "no need to change", "port changed", "IP and port changed"},
                     "instance " + member.instanceId);
  if (!changed.ok()) return changed.error();
  return {};
}

Status BackendRuntime::setWeight(const std::string& server, int weight) {
  auto done = run("set server " + backend_ + "/" + server + " weight " + std::to_string(weight), {""},
                  "instance " + server);
  if (!done.ok()) return done.error();
  return {};
}

Status BackendRuntime::setState(const std::string& server, const std::string& state) {
  auto done = run("set server " + backend_ + "/" + server + " state " + state, {""}, "instance " + server);
  if (!done.ok()) return done.error();
  return {};
}

Result<bool> BackendRuntime::remove(const std::string& server) {
  auto reply = session_.execute("del server " + backend_ + "/" + server);
  if (!reply.ok()) return reply.error();
  std::string text = trimmed(*reply);
  if (text.rfind("Server deleted.", 0) == 0 || text.rfind("No such server", 0) == 0) return true;
  if (text.find("connection") != std::string::npos || text.find("still") != std::string::npos ||
      text.find("queue") != std::string::npos) {
    return false;  // requests or connections still attached: the caller asks again
  }
  return Error{codes::kConflict, "HAProxy refused `del server " + backend_ + "/" + server + "` on " +
                                     session_.socketPath().string() + ": \"" + text + "\""};
}

}  // namespace greenlight::providers::haproxy
