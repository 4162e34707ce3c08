// Building notification bodies from a deployment's view and one derived event.
#include "notify/notification_payload.h"

namespace greenlight::notify {
namespace {

using nlohmann::json;

std::string text(const json& object, const char* key) {
  if (!object.is_object()) return "";
  auto found = object.find(key);
  return found != object.end() && found->is_string() ? found->get<std::string>() : "";
}

std::string firstLine(const std::string& message) { return message.substr(0, message.find('\n')); }

template <typename T>
json orNull(const std::optional<T>& value) {
  return value ? json(*value) : json(nullptr);
}

std::string stepText(const json& step) {
  std::string where = "step " + std::to_string(step.value("number", 0)) + " of " +
                      std::to_string(step.value("count", 0));
  if (step.contains("setWeight")) {
    return where + ": " + std::to_string(step.value("setWeight", 0)) + "% to the new fleet";
  }
  if (step.contains("gate") && step["gate"].is_object()) {
    const json& gate = step["gate"];
    std::string waits = gate.value("continue", false) ? "`greenlight continue`" : "";
    if (gate.contains("webhook") && gate["webhook"].is_object()) {
      waits += std::string(waits.empty() ? "" : " and ") + "a 2xx from " +
               gate["webhook"].value("url", std::string("its webhook"));
    }
    return where + ": a gate at " + std::to_string(step.value("trafficPercent", 0)) + "% until " + waits;
  }
  const json pause = step.value("pause", json::object());
  if (pause.is_object() && pause.contains("seconds") && pause["seconds"].is_number_integer()) {
    return where + ": a pause of " + std::to_string(pause["seconds"].get<int>()) + "s at " +
           std::to_string(step.value("trafficPercent", 0)) + "%";
  }
  return where + ": a pause at " + std::to_string(step.value("trafficPercent", 0)) +
         "% until `greenlight continue`";
}

}  // namespace

json payloadFor(const engine::DeploymentView& view, const DerivedEvent& event,
                const std::string& deliveryId) {
  const bool carriesError = event.event == "DeploymentFailure" || event.event == "DeploymentStop" ||
                            event.event == "DeploymentRollback";
  const engine::DeploymentCounts& counts = view.counts;
  json payload = {
      {"event", event.event},
      {"sequence", event.sequence},
      {"time", formatTimestamp(event.time)},
      {"deliveryId", deliveryId},
      {"deploymentId", view.id},
      {"application", view.application},
      {"deploymentGroup", view.groupName},
      {"status", event.status},
      {"revision", view.revision},
      {"configName", view.configName},
      {"strategy", view.strategy},
      {"creator", view.creator},
      {"createdBy", view.createdBy},
      {"description", view.description},
      {"errorCode", carriesError ? view.errorCode : ""},
      {"errorMessage", carriesError ? view.errorMessage : ""},
      {"rollbackOf", orNull(view.rollbackOf)},
      {"rolledBackBy", orNull(view.rolledBackBy)},
      {"counts",
       {{"pending", counts.pending},
        {"inProgress", counts.inProgress},
        {"succeeded", counts.succeeded},
        {"failed", counts.failed},
        {"skipped", counts.skipped},
        {"unknown", counts.unknown},
        {"ready", counts.ready}}},
      {"fleetVersion", view.blueGreen.is_object() ? view.blueGreen.value("fleetVersion", json(nullptr))
                                                  : json(nullptr)},
      {"previousFleetVersion", view.blueGreen.is_object()
                                   ? view.blueGreen.value("previousFleetVersion", json(nullptr))
                                   : json(nullptr)},
  };
  if (!event.instance.is_null()) payload["instance"] = event.instance;
  if (!event.step.is_null()) payload["step"] = event.step;
  if (!event.analysis.is_null()) payload["analysis"] = event.analysis;
  return payload;
}

std::string summaryOf(const json& payload) {
  std::string revision = text(payload, "revision").substr(0, 12);
  std::string summary = "greenlight: " + text(payload, "event") + " of " +
                        text(payload, "application") + "/" + text(payload, "deploymentGroup") +
                        " (" + text(payload, "deploymentId") +
                        (revision.empty() ? "" : ", revision " + revision) +
                        "): " + text(payload, "status");
  const json instance = payload.value("instance", json(nullptr));
  if (instance.is_object()) {
    summary += " — instance " + text(instance, "instanceId");
    if (!text(instance, "hostName").empty()) summary += " (" + text(instance, "hostName") + ")";
    summary += " " + text(instance, "status");
    if (!text(instance, "lifecycleEvent").empty()) summary += " at " + text(instance, "lifecycleEvent");
    if (!text(instance, "errorCode").empty()) {
      summary += ": " + text(instance, "errorCode") + " " + firstLine(text(instance, "message"));
    }
  }
  const json step = payload.value("step", json(nullptr));
  if (step.is_object()) summary += " — " + stepText(step);
  const json analysis = payload.value("analysis", json(nullptr));
  if (analysis.is_object()) {
    summary += " — analysis at " + std::to_string(analysis.value("trafficPercent", 0)) + "%: " +
               text(analysis, "verdict");
    for (const auto& result : analysis.value("results", json::array())) {
      summary += "; " + text(result, "name") + " " + text(result, "verdict");
      if (!text(result, "summary").empty()) summary += " (" + text(result, "summary") + ")";
    }
  }
  if (!text(payload, "errorCode").empty() || !text(payload, "errorMessage").empty()) {
    summary += " — " + text(payload, "errorCode") + ": " + firstLine(text(payload, "errorMessage"));
  }
  if (text(payload, "event") == "DeploymentRollback" && payload.value("rolledBackBy", json(nullptr)).is_string()) {
    summary += " — rolled back by " + payload["rolledBackBy"].get<std::string>();
  }
  return summary;
}

std::string bodyFor(catalog::NotificationFormat format, const json& payload) {
  // A hook's output may hold bytes that are not UTF-8: replaced rather than refused.
  constexpr auto replace = json::error_handler_t::replace;
  if (format == catalog::NotificationFormat::Slack) {
    return json{{"text", summaryOf(payload)}}.dump(-1, ' ', false, replace);
  }
  return payload.dump(-1, ' ', false, replace);
}

}  // namespace greenlight::notify
