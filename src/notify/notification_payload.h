// What a webhook receives for one event: a JSON document describing the event and the deployment
// (format json), or a one-line summary in Slack's incoming-webhook shape {"text": "..."} (format
// slack). Built once, when the event is found, and stored: every attempt sends the same bytes,
// which the signature covers.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "catalog/notification_spec.h"
#include "engine/engine.h"
#include "notify/notification_events.h"

namespace greenlight::notify {

// {"event", "sequence", "time", "deliveryId", "deploymentId", "application", "deploymentGroup",
//  "status", "revision", "configName", "strategy", "creator", "createdBy", "description",
//  "errorCode", "errorMessage", "rollbackOf", "rolledBackBy", "counts", "fleetVersion",
//  "previousFleetVersion"} plus "instance", "step" or "analysis" for those events. The error
// fields are the deployment's for DeploymentFailure, DeploymentStop and DeploymentRollback, and
// empty otherwise (an instance's error is in "instance").
nlohmann::json payloadFor(const engine::DeploymentView& view, const DerivedEvent& event,
                          const std::string& deliveryId);

// "greenlight: DeploymentFailure of sample/web (d-ABC123456, revision 1a2b3c4d5e6f): Failed — ..."
std::string summaryOf(const nlohmann::json& payload);

// The exact body sent: the payload (json) or {"text": summaryOf(payload)} (slack), compact.
std::string bodyFor(catalog::NotificationFormat format, const nlohmann::json& payload);

}  // namespace greenlight::notify
