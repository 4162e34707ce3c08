// tar, tgz and zip bundles read with libarchive in two passes over one open file: headers only
// (to plan and check), then data (to write). Data is streamed; nothing is held whole in memory.
#pragma once

#include <filesystem>
#include <memory>

#include "bundle/bundle.h"
#include "bundle/entry_plan.h"
#include "bundle/target_writer.h"
#include "common/result.h"

namespace greenlight::bundle {

// Not thread-safe; one per extraction.
class ArchiveBundle {
 public:
  // REQUIRES: type is Tar, Tgz or Zip.
  static Result<std::unique_ptr<ArchiveBundle>> open(const std::filesystem::path& path,
                                                     BundleType type);
  ~ArchiveBundle();
  ArchiveBundle(const ArchiveBundle&) = delete;
  ArchiveBundle& operator=(const ArchiveBundle&) = delete;

  // Pass 1: every header into `plan`; reads no file data and writes nothing.
  Status plan(EntryPlan& plan);
  // Pass 2: writes the planned entries. Fails if the archive no longer matches the plan.
  Status write(const EntryPlan& plan, TargetWriter& writer);

 private:
  ArchiveBundle(int fd, std::filesystem::path path, BundleType type)
      : fd_(fd), path_(std::move(path)), type_(type) {}

  int fd_;
  std::filesystem::path path_;
  BundleType type_;
};

}  // namespace greenlight::bundle
