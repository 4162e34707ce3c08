// Where each lifecycle event falls in an in-place deployment, so that events read back in the
// order they run whatever order their reports arrived in.
#pragma once

#include <string_view>

namespace greenlight::engine {

// 0 for BeforeBlockTraffic ... 12 for AfterAllowTraffic; events greenlight does not know sort
// after them all.
int lifecycleOrdinal(std::string_view event);

}  // namespace greenlight::engine
