// Writes checked entries below one target folder through file descriptors: every path is walked
// with O_NOFOLLOW from the target's own descriptor, so no symlink (planted or raced) is followed
// and the process's working directory is never used. Counts real bytes against the limits.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "bundle/bundle.h"
#include "common/result.h"

namespace greenlight::bundle {

// Not thread-safe; one per extraction. Paths are relative, normalised (see entry_plan.h).
class TargetWriter {
 public:
  // Fills `buffer` with up to `capacity` bytes; returns how many (0 at the end).
  using Reader = std::function<Result<std::size_t>(char* buffer, std::size_t capacity)>;

  // REQUIRES: `target` is an existing folder (not a symlink).
  static Result<std::unique_ptr<TargetWriter>> open(const std::filesystem::path& target,
                                                    const Limits& limits);
  ~TargetWriter();
  TargetWriter(const TargetWriter&) = delete;
  TargetWriter& operator=(const TargetWriter&) = delete;

  Status makeDirectory(const std::string& path, unsigned mode);
  // Streams `read` into a new file; fails with BundleTooLarge as soon as the real bytes pass the
  // per-file or total limit, whatever the bundle declared.
  Status writeFile(const std::string& path, unsigned mode, std::int64_t mtime, const Reader& read);
  Status makeSymlink(const std::string& path, const std::string& target);
  Status makeHardlink(const std::string& path, const std::string& existingPath);
  // Applies folder modes last, so a read-only folder can still be filled first.
  Status finish();

  const ExtractReport& report() const { return report_; }

 private:
  TargetWriter(int rootFd, std::filesystem::path root, const Limits& limits);
  // Opens (creating when missing) the folder holding `path`; returns a descriptor owned by the
  // writer's cache and the last component.
  Result<int> parentOf(const std::string& path, std::string* leaf);
  Result<int> openFolder(const std::string& path, bool create);
  Result<int> openChild(int parentFd, const std::string& name, const std::string& pathForErrors,
                        bool create);
  Error ioError(const std::string& what, const std::string& path, int errnum) const;

  int rootFd_;
  std::filesystem::path root_;
  Limits limits_;
  std::string cachedParent_;
  int cachedParentFd_ = -1;
  std::vector<std::pair<std::string, unsigned>> folderModes_;
  std::vector<char> buffer_;
  ExtractReport report_;
};

}  // namespace greenlight::bundle
