// Answering parked long-polls: agents waiting for commands (by instance id) and clients watching
// a deployment (by deployment id). Handlers park, then read the store; the engine's hooks post
// the wake-ups below to the WakeQueue, which reads the store again and answers whoever is due.
#pragma once

#include <chrono>
#include <string>

#include "http/http_message.h"
#include "http/responder.h"
#include "server/api_context.h"

namespace greenlight::server {

// Parks an agent's poll for `instanceId`; answers at once when it has commands, else after `wait`
// with none.
void pollCommands(ApiContext& context, const std::string& instanceId,
                  const http::Responder& responder, std::chrono::milliseconds wait);
// Parks a watch of `deploymentId`; answers at once when its version is past `after` or it is
// final, else when it changes, else after `wait` with the deployment as it is.
void watchDeployment(ApiContext& context, const std::string& deploymentId, std::uint64_t after,
                     const http::Responder& responder, std::chrono::milliseconds wait);

// Wake-ups (on the WakeQueue's thread): answer whoever the change concerns.
void answerAgentPolls(ApiContext& context, const std::string& instanceId);
void answerWatchers(ApiContext& context, const std::string& deploymentId);

// {"commands": [payload, ...]} for the instance.
Result<http::HttpResponse> commandsResponse(ApiContext& context, const std::string& instanceId,
                                            bool* any);

}  // namespace greenlight::server
