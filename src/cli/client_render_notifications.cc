// Rendering a deployment's notifications for people.
#include "cli/client_render_notifications.h"

#include "cli/client_output.h"

namespace greenlight::cli {

std::string renderNotifications(const nlohmann::json& answer) {
  const nlohmann::json& notifications = arrayOf(answer, "notifications");
  if (notifications.empty()) {
    return "No notifications for " + textOf(answer, "deploymentId") +
           " (its group has no `notifications:`, or none of their events happened yet).\n";
  }
  Table table({"SEQ", "EVENT", "WEBHOOK", "STATUS", "ATTEMPTS", "LAST ANSWER", "LAST ATTEMPT", "NEXT ATTEMPT"});
  std::string errors;
  for (const auto& notification : notifications) {
    std::string status = textOf(notification, "status");
    std::string answered = textOf(notification, "lastHttpStatus");
    if (answered.empty() && !textOf(notification, "lastError").empty()) answered = "no answer";
    table.addRow({textOf(notification, "sequence"), textOf(notification, "event"),
                  textOf(notification, "target"), status,
                  textOf(notification, "attempts") + "/" + textOf(notification, "maxAttempts"),
                  answered.empty() ? "-" : answered,
                  shortTime(textOf(notification, "lastAttemptAt")),
                  status == "Pending" ? shortTime(textOf(notification, "nextAttemptAt")) : "-"});
    if (status != "Delivered" && !textOf(notification, "lastError").empty()) {
      errors += "  " + textOf(notification, "deliveryId") + ": " + textOf(notification, "lastError") + "\n";
    }
  }
  std::string out = table.render();
  if (!errors.empty()) out += "\nNot delivered yet:\n" + errors;
  return out;
}

}  // namespace greenlight::cli
