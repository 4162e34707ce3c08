// Weight arithmetic for traffic shifting.
#include "traffic/traffic_split.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace greenlight::traffic {

namespace {
constexpr int kMaxWeight = 256;
}

std::map<std::string, int> weightsForSplit(const std::vector<std::string>& oldMembers,
                                           const std::vector<std::string>& newMembers,
                                           int percentToNew) {
  percentToNew = std::clamp(percentToNew, 0, 100);
  if (oldMembers.empty()) percentToNew = newMembers.empty() ? 0 : 100;
  if (newMembers.empty()) percentToNew = 0;
  // Exact per-member weights: new = p * |old|, old = (100 - p) * |new|, reduced by their gcd and
  // scaled into 1..256 when they do not fit.
  long long newWeight = static_cast<long long>(percentToNew) * static_cast<long long>(oldMembers.size());
  long long oldWeight = static_cast<long long>(100 - percentToNew) * static_cast<long long>(newMembers.size());
  if (percentToNew == 100) { newWeight = 1; oldWeight = 0; }
  if (percentToNew == 0) { newWeight = 0; oldWeight = 1; }
  long long divisor = std::gcd(newWeight, oldWeight);
  if (divisor > 0) {
    newWeight /= divisor;
    oldWeight /= divisor;
  }
  long long largest = std::max(newWeight, oldWeight);
  if (largest > kMaxWeight) {
    double scale = static_cast<double>(kMaxWeight) / static_cast<double>(largest);
    auto scaled = [&](long long weight) {
      if (weight == 0) return 0LL;
      return std::max(1LL, static_cast<long long>(std::llround(static_cast<double>(weight) * scale)));
    };
    newWeight = scaled(newWeight);
    oldWeight = scaled(oldWeight);
  }
  std::map<std::string, int> weights;
  for (const auto& member : oldMembers) weights[member] = static_cast<int>(oldWeight);
  for (const auto& member : newMembers) weights[member] = static_cast<int>(newWeight);
  return weights;
}

std::map<std::string, double> shareBySide(const std::vector<MemberStatus>& members,
                                          const std::map<std::string, std::string>& side) {
  std::map<std::string, double> weightBySide;
  double total = 0;
  for (const auto& member : members) {
    auto label = side.find(member.instanceId);
    std::string name = label == side.end() ? std::string() : label->second;
    weightBySide.try_emplace(name, 0.0);
    if (!member.healthy || member.adminState != "ready" || member.weight <= 0) continue;
    weightBySide[name] += member.weight;
    total += member.weight;
  }
  for (auto& [name, weight] : weightBySide) {
    weight = total > 0 ? 100.0 * weight / total : 0.0;
  }
  return weightBySide;
}

}  // namespace greenlight::traffic
