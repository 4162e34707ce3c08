// errno conversion at the OS boundary.
#include "common/result.h"

#include <cstring>

namespace greenlight {

Error errnoError(std::string code, const std::string& what, int errnum) {
  return Error{std::move(code), what + ": " + std::strerror(errnum)};
}

}  // namespace greenlight
