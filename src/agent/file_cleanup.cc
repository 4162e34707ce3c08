// Removing what the previous deployment installed, so a redeploy of the same files never meets
// "file already exists"; see removePreviousInstall in file_installer.h.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <set>

#include "agent/file_installer.h"
#include "agent/file_paths.h"

namespace greenlight::agent {

namespace {

std::size_t depth(const std::string& hostPath) {
  return static_cast<std::size_t>(std::count(hostPath.begin(), hostPath.end(), '/'));
}

// A corrupted list must not delete anything outside the install root: check every entry before
// removing the first.
Status checkRecord(const InstallRecord& record) {
  for (std::size_t index = 0; index < record.paths.size(); ++index) {
    const std::string& entry = record.paths[index];
    if (!isConfinedHostPath(entry) || normalizeHostPath(entry) == "/") {
      return Error{"InstallRecordCorrupt",
                   "The cleanup list of the previous deployment holds '" + entry + "' (entry " +
                       std::to_string(index + 1) +
                       "), which is not an absolute path without '..'; greenlight removed nothing. "
                       "The list is damaged: remove the previous deployment's files by hand, delete "
                       "the cleanup list, and redeploy."};
    }
  }
  return Status::success();
}

}  // namespace

Status removePreviousInstall(const InstallRecord& previous, const std::filesystem::path& installRoot,
                             std::vector<std::string>& log) {
  if (Status valid = checkRecord(previous); !valid) return valid;

  std::set<std::string> directories;
  std::size_t removedFiles = 0;
  std::size_t alreadyGone = 0;
  for (const std::string& entry : previous.paths) {
    std::string hostPath = normalizeHostPath(entry);
    std::filesystem::path disk = onDisk(installRoot, hostPath);
    struct stat info {};
    // lstat and unlink act on the entry itself: a link is removed, never what it points to.
    if (::lstat(disk.c_str(), &info) != 0) {
      if (errno == ENOENT || errno == ENOTDIR) {
        ++alreadyGone;
        continue;
      }
      return fileError("CleanupFailed", "Could not inspect " + hostPath +
                           ", installed by the previous deployment", errno,
                       "Fix access to it or remove it by hand, then redeploy.");
    }
    if (S_ISDIR(info.st_mode)) {
      directories.insert(hostPath);
      continue;
    }
    if (::unlink(disk.c_str()) != 0 && errno != ENOENT) {
      return fileError("CleanupFailed", "Could not remove " + hostPath +
                           ", installed by the previous deployment", errno,
                       "Fix its permissions or remove it by hand, then redeploy.");
    }
    ++removedFiles;
  }

  // Deepest first, so a folder's emptied subfolders are gone before it is tried.
  std::vector<std::string> ordered(directories.begin(), directories.end());
  std::stable_sort(ordered.begin(), ordered.end(), [](const std::string& a, const std::string& b) {
    return depth(a) > depth(b);
  });
  std::size_t removedDirectories = 0;
  for (const std::string& hostPath : ordered) {
    std::filesystem::path disk = onDisk(installRoot, hostPath);
    if (::rmdir(disk.c_str()) == 0) {
      ++removedDirectories;
    } else if (errno == ENOTEMPTY || errno == EEXIST) {
      log.push_back("kept folder " + hostPath + ": it holds files the previous deployment did not install");
    } else if (errno != ENOENT) {
      return fileError("CleanupFailed", "Could not remove the folder " + hostPath +
                           ", created by the previous deployment", errno,
                       "Fix its permissions or remove it by hand, then redeploy.");
    }
  }

  if (!previous.paths.empty()) {
    std::string line = "removed " + std::to_string(removedFiles) + (removedFiles == 1 ? " file and " : " files and ") +
                       std::to_string(removedDirectories) + (removedDirectories == 1 ? " folder" : " folders") +
                       " installed by the previous deployment";
    if (alreadyGone > 0) line += " (" + std::to_string(alreadyGone) + " were already gone)";
    log.push_back(line);
  }
  return Status::success();
}

}  // namespace greenlight::agent
