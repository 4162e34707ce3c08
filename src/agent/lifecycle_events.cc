// Lifecycle event order (CodeDeploy's in-place order).
#include "agent/lifecycle_events.h"

#include <algorithm>
#include <array>

namespace greenlight::agent {

namespace {

constexpr std::array<std::string_view, 3> kBlockEvents = {"BeforeBlockTraffic", "BlockTraffic", "AfterBlockTraffic"};
constexpr std::array<std::string_view, 7> kCoreEvents = {"ApplicationStop", "DownloadBundle", "BeforeInstall", "Install",
                                                         "AfterInstall",    "ApplicationStart", "ValidateService"};
constexpr std::array<std::string_view, 3> kAllowEvents = {"BeforeAllowTraffic", "AllowTraffic", "AfterAllowTraffic"};

bool contains(const std::vector<std::string>& events, std::string_view name) {
  return std::find(events.begin(), events.end(), name) != events.end();
}

}  // namespace

std::vector<std::string> defaultEventOrder(bool withLoadBalancer) {
  std::vector<std::string> events;
  if (withLoadBalancer) events.insert(events.end(), kBlockEvents.begin(), kBlockEvents.end());
  events.insert(events.end(), kCoreEvents.begin(), kCoreEvents.end());
  if (withLoadBalancer) events.insert(events.end(), kAllowEvents.begin(), kAllowEvents.end());
  return events;
}

bool isBuiltInEvent(std::string_view event) {
  return event == "DownloadBundle" || event == "Install" || event == "BlockTraffic" || event == "AllowTraffic";
}

bool runsPreviousRevision(std::string_view event) {
  return event == "ApplicationStop" || event == "BeforeBlockTraffic" || event == "AfterBlockTraffic";
}

std::vector<std::string> eventsFromList(const std::vector<std::string>& requested) {
  std::vector<std::string> events;
  for (const auto& name : requested) {
    if (!name.empty() && !contains(events, name)) events.push_back(name);
  }
  // DownloadBundle goes before the first event that needs the new revision; Install right after
  // BeforeInstall when present, otherwise right after DownloadBundle.
  if (!contains(events, "DownloadBundle")) {
    auto firstNew = std::find_if(events.begin(), events.end(), [](const std::string& e) {
      return !runsPreviousRevision(e) && e != "BlockTraffic";
    });
    events.insert(firstNew, "DownloadBundle");
  }
  if (!contains(events, "Install")) {
    auto anchor = std::find(events.begin(), events.end(), "BeforeInstall");
    if (anchor == events.end()) anchor = std::find(events.begin(), events.end(), "DownloadBundle");
    events.insert(anchor + 1, "Install");
  }
  return events;
}

}  // namespace greenlight::agent
