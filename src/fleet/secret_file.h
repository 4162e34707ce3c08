// A secret kept in a file only its owner may read (the group's enrolment token for local agents).
#pragma once

#include <filesystem>
#include <string>

#include "common/result.h"

namespace greenlight::fleet {

// Creates the file with mode 0600 from the start (never briefly readable by others), through a
// temporary file renamed over `path`, so a crash leaves the old content or the new, never half.
Status writeSecretFile(const std::filesystem::path& path, const std::string& secret);

}  // namespace greenlight::fleet
