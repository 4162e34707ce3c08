// extract(): check the whole bundle, then create the target and write into it; on any failure
// the target (and any folder created for it) is removed again.
#include <system_error>

#include "bundle/archive_bundle.h"
#include "bundle/bundle.h"
#include "bundle/directory_bundle.h"
#include "bundle/entry_plan.h"
#include "bundle/target_writer.h"

namespace greenlight::bundle {
namespace {

namespace fs = std::filesystem;

// What extract() created, so a failure can put the disk back as it was.
struct PreparedTarget {
  fs::path target;
  fs::path topmostCreated;  // empty when the target existed (empty) beforehand
};

Result<bool> targetExists(const fs::path& target) {
  std::error_code error;
  const auto status = fs::symlink_status(target, error);
  if (error && error != std::errc::no_such_file_or_directory) {
    return Error{"IoError", "cannot inspect deployment folder " + target.string() + ": " +
                                error.message()};
  }
  if (!fs::exists(status)) return false;
  if (!fs::is_directory(status) || !fs::is_empty(target, error) || error) {
    return Error{"IoError", "deployment folder " + target.string() +
                                " already exists and is not an empty folder — remove it or "
                                "choose a fresh folder for this revision"};
  }
  return true;
}

Result<PreparedTarget> prepareTarget(const fs::path& target, bool existed) {
  PreparedTarget prepared{target, {}};
  if (existed) return prepared;
  // The first missing ancestor is what a failure removes.
  fs::path topmost = target;
  std::error_code error;
  for (fs::path parent = target.parent_path(); !parent.empty() && parent != parent.parent_path();
       parent = parent.parent_path()) {
    if (fs::exists(fs::symlink_status(parent, error))) break;
    topmost = parent;
  }
  fs::create_directories(target, error);
  if (error) {
    return Error{"IoError", "cannot create deployment folder " + target.string() + ": " +
                                error.message() + " — check the agent's root folder and its "
                                                  "permissions"};
  }
  prepared.topmostCreated = topmost;
  return prepared;
}

void undo(const PreparedTarget& prepared) {
  std::error_code ignored;
  if (!prepared.topmostCreated.empty()) {
    fs::remove_all(prepared.topmostCreated, ignored);
    return;
  }
  for (const auto& child : fs::directory_iterator(prepared.target, ignored)) {
    fs::remove_all(child.path(), ignored);
  }
}

}  // namespace

Result<ExtractReport> extract(const fs::path& bundle, BundleType type, const fs::path& target,
                              const Limits& limits, std::string_view appspecFilename) {
  if (target.empty()) return Error{"IoError", "no deployment folder given to extract the bundle into"};
  fs::path cleanTarget = fs::absolute(target).lexically_normal();
  // "a/b/" has an empty filename and would make parent_path() the target itself.
  if (!cleanTarget.has_filename()) cleanTarget = cleanTarget.parent_path();
  auto existed = targetExists(cleanTarget);
  if (!existed) return existed.error();

  // Pass 1: read and check everything; nothing is written.
  EntryPlan plan(limits);
  std::unique_ptr<ArchiveBundle> archive;
  if (type == BundleType::Directory) {
    if (auto status = planDirectory(bundle, plan); !status) return status.error();
  } else {
    auto opened = ArchiveBundle::open(bundle, type);
    if (!opened) return opened.error();
    archive = std::move(*opened);
    if (auto status = archive->plan(plan); !status) return status.error();
  }
  if (auto status = plan.finish(appspecFilename); !status) return status.error();

  // Pass 2: write.
  auto prepared = prepareTarget(cleanTarget, *existed);
  if (!prepared) return prepared.error();
  auto writer = TargetWriter::open(cleanTarget, limits);
  if (!writer) {
    undo(*prepared);
    return writer.error();
  }
  Status written = archive ? archive->write(plan, **writer) : copyDirectory(bundle, plan, **writer);
  if (written) written = (*writer)->finish();
  if (!written) {
    writer->reset();  // close every descriptor before removing
    undo(*prepared);
    return written.error();
  }
  ExtractReport report = (*writer)->report();
  report.strippedPrefix = plan.strippedPrefix();
  return report;
}

}  // namespace greenlight::bundle
