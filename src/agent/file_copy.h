// Putting one file or link in place so that a reader sees either the old version or the new one,
// never a half-written file: write under a temporary name in the same folder, then rename.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>

#include "common/result.h"

namespace greenlight::agent {

// Copies the regular file `source` (never following a link) to `target` with `mode`, replacing
// whatever file or link is at `target`. `hostPath` names the target in error messages.
Status copyFileAtomically(const std::filesystem::path& source, const std::filesystem::path& target,
                          mode_t mode, const std::string& hostPath);

// Makes `target` a symbolic link to `linkTarget`, replacing whatever file or link is there.
Status placeSymlinkAtomically(const std::string& linkTarget, const std::filesystem::path& target,
                              const std::string& hostPath);

}  // namespace greenlight::agent
