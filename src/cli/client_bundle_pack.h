// `revision push` of a folder: the folder packed into a gzip-compressed tar first, entries sorted
// by path and relative, owners and the gzip timestamp left out, so the same folder always gives
// the same bytes and therefore the same revision (sha256).
#pragma once

#include <filesystem>

#include "common/result.h"

namespace greenlight::cli {

// Packs regular files, folders and symbolic links under `folder` into `archive` (overwritten).
// Anything else (sockets, devices, fifos) is refused with a message naming it.
Status packFolderAsTgz(const std::filesystem::path& folder, const std::filesystem::path& archive);

// What a file to push is, by its name: "tar", "tgz", "zip"; an Error naming the accepted kinds.
Result<std::string> bundleTypeOfFileName(const std::filesystem::path& file);

}  // namespace greenlight::cli
