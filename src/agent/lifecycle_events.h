// The AppSpec lifecycle for in-place deployments on a host: which events run, in which order,
// which take scripts, and which run the previous revision's scripts. Pure logic.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace greenlight::agent {

// The full in-place order. Traffic events only appear when a load balancer is in play.
std::vector<std::string> defaultEventOrder(bool withLoadBalancer);

// DownloadBundle, Install, BlockTraffic and AllowTraffic are run by greenlight itself.
bool isBuiltInEvent(std::string_view event);
// ApplicationStop, BeforeBlockTraffic and AfterBlockTraffic run the scripts of the last
// successful revision: the new revision is not on the host yet.
bool runsPreviousRevision(std::string_view event);

// The events for an explicit `--events` list: the given names in the given order, with
// DownloadBundle and Install inserted where they belong when absent (a revision is always
// downloaded and installed), duplicates dropped.
std::vector<std::string> eventsFromList(const std::vector<std::string>& requested);

}  // namespace greenlight::agent
