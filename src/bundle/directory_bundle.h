// Bundles that are plain folders: walked without following symlinks, checked like archives,
// then copied file by file into the target.
#pragma once

#include <filesystem>

#include "bundle/entry_plan.h"
#include "bundle/target_writer.h"
#include "common/result.h"

namespace greenlight::bundle {

// Adds every entry below `root` to `plan` (the root itself is not an entry). Writes nothing.
Status planDirectory(const std::filesystem::path& root, EntryPlan& plan);
// Copies the planned entries; a file that became something else since planning is refused.
Status copyDirectory(const std::filesystem::path& root, const EntryPlan& plan, TargetWriter& writer);

}  // namespace greenlight::bundle
