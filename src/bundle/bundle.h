// Revision bundles: tar, tgz, zip or a plain directory, treated as hostile input.
// Extraction checks every entry before writing a single file, and writes only inside the target.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace greenlight::bundle {

enum class BundleType { Tar, Tgz, Zip, Directory };

const char* toString(BundleType type);
// "tar" | "tgz" | "zip" | "directory" (also "tar.gz", "dir"). nullopt otherwise.
std::optional<BundleType> parseBundleType(std::string_view text);
// Looks at the path (a directory) or the file's first bytes (gzip, zip, ustar magic).
Result<BundleType> detectBundleType(const std::filesystem::path& path);

struct Limits {
  std::uint64_t maxTotalBytes = 4ULL << 30;   // sum of all regular files' sizes
  std::uint64_t maxFileBytes = 2ULL << 30;    // one file
  std::uint64_t maxEntries = 100000;          // files, directories and links
  std::uint64_t maxPathLength = 4096;
};

struct ExtractReport {
  std::uint64_t files = 0;
  std::uint64_t directories = 0;
  std::uint64_t symlinks = 0;
  std::uint64_t hardlinks = 0;
  std::uint64_t bytes = 0;
  // The single top-level folder stripped because it held the AppSpec (CodeDeploy's rule),
  // or empty when nothing was stripped.
  std::string strippedPrefix;
};

// Extracts `bundle` of `type` into `target` (created; must not exist or be empty).
// Before writing anything, every entry is checked: no absolute paths, no `..` components,
// no symlink or hard link resolving outside the target, no device files/FIFOs/sockets,
// within `limits`. If the bundle holds exactly one top-level folder and no AppSpec file
// (`appspecFilename`, or appspec.yml/appspec.yaml/appspec.json when empty) at its root,
// but that folder holds one, the folder is stripped.
// On any failure `target` is removed again and nothing else on disk has changed.
// Error codes: "BundleUnsafe" (an entry escapes or is forbidden), "BundleTooLarge",
// "BundleCorrupt" (unreadable archive), "IoError".
Result<ExtractReport> extract(const std::filesystem::path& bundle, BundleType type,
                              const std::filesystem::path& target, const Limits& limits,
                              std::string_view appspecFilename = "");

// sha256 of the archive file, or for a directory a digest over its sorted relative paths,
// file modes, link targets and contents (stable across machines).
Result<std::string> digest(const std::filesystem::path& bundle, BundleType type);

}  // namespace greenlight::bundle
