// The in-place lifecycle order (DESIGN.md §5), as the agent runs it.
#include "engine/lifecycle_order.h"

#include <array>

namespace greenlight::engine {

int lifecycleOrdinal(std::string_view event) {
  static constexpr std::array<std::string_view, 13> kOrder = {
      "BeforeBlockTraffic", "BlockTraffic",     "AfterBlockTraffic", "ApplicationStop",
      "DownloadBundle",     "BeforeInstall",    "Install",           "AfterInstall",
      "ApplicationStart",   "ValidateService",  "BeforeAllowTraffic", "AllowTraffic",
      "AfterAllowTraffic"};
  for (std::size_t i = 0; i < kOrder.size(); ++i) {
    if (kOrder[i] == event) return static_cast<int>(i);
  }
  return static_cast<int>(kOrder.size());
}

}  // namespace greenlight::engine
