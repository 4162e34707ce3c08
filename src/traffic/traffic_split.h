// Turning "this share of the requests to the new fleet" into per-member weights, and reading the
// share each fleet really gets back from the balancer's view of its members.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "traffic/traffic_provider.h"

namespace greenlight::traffic {

// Weights (0..256) that send `percentToNew` (0..100) of the requests to `newMembers` and the rest
// to `oldMembers`, as exactly as whole weights allow (90/10 over 4+4 members is 9 and 1 each).
// Every member is named; at 0 or 100 the other side gets weight 0.
std::map<std::string, int> weightsForSplit(const std::vector<std::string>& oldMembers,
                                           const std::vector<std::string>& newMembers,
                                           int percentToNew);

// The share (0..100, rounded) of new requests each side gets from the balancer as it is: the sum
// of the weights of members that are healthy and ready, by side. `side` maps instance id to a
// label (a fleet version); members without a label are counted under "".
std::map<std::string, double> shareBySide(const std::vector<MemberStatus>& members,
                                          const std::map<std::string, std::string>& side);

}  // namespace greenlight::traffic
