// The principal greenlight acts as when no caller is involved.
#include "auth/principal.h"

namespace greenlight::auth {

Principal systemPrincipal() { return Principal{0, "greenlight", Role::Admin, std::nullopt}; }

}  // namespace greenlight::auth
