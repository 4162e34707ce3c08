// The checked list of a bundle's entries, built before anything is written: names normalised,
// limits enforced, links resolved, the AppSpec folder strip decided. Shared by every bundle type.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "bundle/bundle.h"
#include "common/result.h"

namespace greenlight::bundle {

enum class EntryKind { File, Directory, Symlink, Hardlink };

struct PlannedEntry {
  std::string sourceName;   // the name normalised, before stripping: how the bundle names it
  std::string path;         // where it goes, relative to the target, after stripping
  EntryKind kind = EntryKind::File;
  std::string linkTarget;   // a symlink's target as stored; a hard link's target entry path
  std::uint64_t size = 0;   // declared size of a regular file
  unsigned mode = 0644;     // permission bits to write (no setuid/setgid/sticky)
  std::int64_t mtime = -1;  // seconds since the epoch, -1 when unknown
  bool skipped = false;     // the bundle's root entry ("./") or the stripped top-level folder
};

// "a/./b//c" -> "a/b/c"; "./" -> "". Refuses absolute names, ".." components, empty names and
// names longer than the limit.
Result<std::string> normaliseEntryName(std::string_view raw, std::uint64_t maxPathLength);

Error unsafeEntry(std::string_view name, std::string_view problem, std::string_view remedy);
Error forbiddenEntryType(std::string_view name, std::string_view typeDescription);

// Not thread-safe; one per extraction.
class EntryPlan {
 public:
  explicit EntryPlan(const Limits& limits) : limits_(limits) {}

  // Adds one entry as the bundle names it. Counts it against the entry and size limits.
  // For hard links `linkTarget` is the raw name of the linked entry.
  Status add(std::string_view rawName, EntryKind kind, std::string_view linkTarget,
             std::uint64_t size, unsigned mode, std::int64_t mtime);

  // Called once every entry is in: decides the strip, then checks duplicates, writes through
  // links or files, symlink targets and hard link targets.
  Status finish(std::string_view appspecFilename);

  const std::vector<PlannedEntry>& entries() const { return entries_; }
  const std::string& strippedPrefix() const { return strippedPrefix_; }
  const Limits& limits() const { return limits_; }

 private:
  void decideStrip(std::string_view appspecFilename);
  Status checkConflicts();
  Status checkSymlink(const PlannedEntry& link) const;
  Status checkHardlink(std::size_t index) const;

  Limits limits_;
  std::vector<PlannedEntry> entries_;
  std::unordered_map<std::string, std::size_t> byPath_;  // after stripping; filled by finish()
  std::uint64_t declaredBytes_ = 0;
  std::string strippedPrefix_;
};

}  // namespace greenlight::bundle
