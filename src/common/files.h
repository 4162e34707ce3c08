// Small file helpers used across modules: whole-file reads and crash-safe writes.
#pragma once

#include <filesystem>
#include <string>

#include "common/result.h"

namespace greenlight {

Result<std::string> readWholeFile(const std::filesystem::path& path);
// Writes to a temporary file in the same folder, fsyncs it, renames it over `path` and fsyncs
// the folder: after a crash the file holds either the old or the new content, never a mix.
Status writeFileAtomically(const std::filesystem::path& path, const std::string& content);

}  // namespace greenlight
