// The Install event's copy step: plans every path the AppSpec's `files` will create, checks the
// host for conflicts before touching anything, then copies. See file_installer.h.
#include "agent/file_installer.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <map>

#include "agent/file_copy.h"
#include "agent/file_paths.h"

namespace greenlight::agent {

namespace {

namespace fs = std::filesystem;
using appspec::FileExistsBehavior;
using appspec::FileMapping;

enum class EntryKind { Directory, File, Symlink };

// What the host already has decides what happens to each planned path.
enum class Action { Create, Replace, Keep, UseExisting };

struct PlannedEntry {
  EntryKind kind = EntryKind::File;
  fs::path source;       // in the bundle; empty for a destination and its parent folders
  std::string hostPath;  // as seen on the host, without installRoot
  std::size_t mapping = 0;
  Action action = Action::Create;
};

struct Plan {
  std::vector<PlannedEntry> entries;
  std::map<std::string, std::size_t> indexByHostPath;
};

const char* behaviorName(FileExistsBehavior behavior) {
  switch (behavior) {
    case FileExistsBehavior::Disallow: return "DISALLOW";
    case FileExistsBehavior::Overwrite: return "OVERWRITE";
    case FileExistsBehavior::Retain: return "RETAIN";
  }
  return "DISALLOW";
}

std::string describe(const FileMapping& mapping) {
  std::string text = "the files entry with source '" + mapping.source + "'";
  if (mapping.where.line > 0) text += " (appspec line " + std::to_string(mapping.where.line) + ")";
  return text;
}

std::string listSome(const std::vector<std::string>& paths) {
  constexpr std::size_t kShown = 5;
  std::string text = paths.front();
  for (std::size_t i = 1; i < paths.size() && i < kShown; ++i) text += ", " + paths[i];
  if (paths.size() > kShown) text += " and " + std::to_string(paths.size() - kShown) + " more";
  return text;
}

bool isBelow(const fs::path& path, const fs::path& ancestor) {
  auto [ancestorEnd, pathPos] = std::mismatch(ancestor.begin(), ancestor.end(), path.begin(), path.end());
  return ancestorEnd == ancestor.end();
}

// The bundle path a mapping names. A leading "/" is relative to the bundle root, as in CodeDeploy.
Result<fs::path> resolveSource(const FileMapping& mapping, const fs::path& archiveRoot) {
  fs::path relative = fs::path(mapping.source).relative_path();
  for (const fs::path& part : relative) {
    if (part == "..") {
      return Error{"InvalidAppSpec", "The source of " + describe(mapping) +
                                         " leaves the bundle with '..'. Sources are relative to the "
                                         "bundle root, where appspec.yml sits; remove the '..'."};
    }
  }
  fs::path source = (archiveRoot / relative).lexically_normal();
  if (source.filename().empty()) source = source.parent_path();  // "dir/" -> "dir"
  std::error_code error;
  fs::path root = fs::canonical(archiveRoot, error);
  if (error) {
    return Error{"InstallFailed", "The extracted bundle " + archiveRoot.string() +
                                      " cannot be read: " + error.message() + ". Redeploy to fetch it again."};
  }
  // A link inside the bundle must not lead the source outside it.
  if (source != archiveRoot.lexically_normal()) {
    fs::path parent = fs::weakly_canonical(source.parent_path(), error);
    if (error || !isBelow(parent, root)) {
      return Error{"InvalidAppSpec", "The source of " + describe(mapping) +
                                         " goes through a link that leads outside the bundle. Name "
                                         "the files inside the revision directly."};
    }
  }
  struct stat info {};
  if (::lstat(source.c_str(), &info) != 0) {
    return Error{"InvalidAppSpec", "The source of " + describe(mapping) +
                                       " is not in the bundle. Sources are relative to the bundle "
                                       "root, where appspec.yml sits; fix the path or add the file "
                                       "to the revision."};
  }
  return source;
}

Status addEntry(Plan& plan, PlannedEntry entry, const appspec::AppSpec& spec) {
  auto found = plan.indexByHostPath.find(entry.hostPath);
  if (found == plan.indexByHostPath.end()) {
    plan.indexByHostPath.emplace(entry.hostPath, plan.entries.size());
    plan.entries.push_back(std::move(entry));
    return Status::success();
  }
  const PlannedEntry& earlier = plan.entries[found->second];
  if (earlier.kind == EntryKind::Directory && entry.kind == EntryKind::Directory) return Status::success();
  return Error{"InvalidAppSpec", "Two files entries install to the same path " + entry.hostPath + ": " +
                                     describe(spec.files[earlier.mapping]) + " and " +
                                     describe(spec.files[entry.mapping]) +
                                     ". Change one destination so each path comes from one source."};
}

Status planTree(const fs::path& sourceDir, const std::string& hostDir, std::size_t mapping,
                const appspec::AppSpec& spec, Plan& plan);

Status planPath(const fs::path& source, const std::string& hostPath, std::size_t mapping,
                const appspec::AppSpec& spec, Plan& plan) {
  struct stat info {};
  if (::lstat(source.c_str(), &info) != 0) {
    return fileError("InstallFailed", "Could not read " + source.string() + " in the bundle", errno,
                     "Check that the bundle was extracted completely, then redeploy.");
  }
  if (source.filename().string().find('\n') != std::string::npos) {
    return Error{"BundleUnsafe", "The bundle holds a name with a line break (" + source.string() +
                                     "); greenlight cannot record it for cleanup. Rename it in the revision."};
  }
  PlannedEntry entry{EntryKind::File, source, hostPath, mapping, Action::Create};
  if (S_ISDIR(info.st_mode)) {
    entry.kind = EntryKind::Directory;
    if (Status added = addEntry(plan, entry, spec); !added) return added;
    return planTree(source, hostPath, mapping, spec, plan);
  }
  if (S_ISLNK(info.st_mode)) {
    entry.kind = EntryKind::Symlink;
  } else if (!S_ISREG(info.st_mode)) {
    return Error{"BundleUnsafe", "The bundle holds " + source.string() +
                                     ", which is neither a file, a folder nor a link. Remove it from "
                                     "the revision."};
  }
  return addEntry(plan, entry, spec);
}

// Contents of a bundle folder, in name order so installs are reproducible. Links are recorded as
// links, never followed.
Status planTree(const fs::path& sourceDir, const std::string& hostDir, std::size_t mapping,
                const appspec::AppSpec& spec, Plan& plan) {
  std::error_code error;
  std::vector<fs::path> children;
  for (fs::directory_iterator it(sourceDir, error), end; !error && it != end; it.increment(error)) {
    children.push_back(it->path());
  }
  if (error) {
    return Error{"InstallFailed", "Could not list " + sourceDir.string() + " in the bundle: " +
                                      error.message() + ". Redeploy to fetch the bundle again."};
  }
  std::sort(children.begin(), children.end());
  for (const fs::path& child : children) {
    std::string hostPath = joinHostPath(hostDir, child.filename().string());
    if (Status planned = planPath(child, hostPath, mapping, spec, plan); !planned) return planned;
  }
  return Status::success();
}

Result<Plan> planInstall(const appspec::AppSpec& spec, const fs::path& archiveRoot) {
  Plan plan;
  for (std::size_t index = 0; index < spec.files.size(); ++index) {
    const FileMapping& mapping = spec.files[index];
    if (!isConfinedHostPath(mapping.destination)) {
      return Error{"InvalidAppSpec", "The destination '" + mapping.destination + "' of " + describe(mapping) +
                                         " is not an absolute path without '..'. Write it as a full "
                                         "path such as /var/www/app."};
    }
    Result<fs::path> source = resolveSource(mapping, archiveRoot);
    if (!source) return source.error();
    std::string destination = normalizeHostPath(mapping.destination);

    // The destination folder and its parents, created when missing.
    std::string folder;
    for (const fs::path& part : fs::path(destination).relative_path()) {
      folder = joinHostPath(folder.empty() ? "/" : folder, part.string());
      if (Status added = addEntry(plan, {EntryKind::Directory, {}, folder, index, Action::Create}, spec);
          !added) {
        return added.error();
      }
    }

    struct stat info {};
    ::lstat(source->c_str(), &info);  // resolveSource checked that it exists
    Status planned = S_ISDIR(info.st_mode)
                         ? planTree(*source, destination, index, spec, plan)
                         : planPath(*source, joinHostPath(destination, source->filename().string()), index,
                                    spec, plan);
    if (!planned) return planned.error();
  }
  return plan;
}

Error fileExistsError(const std::vector<std::string>& conflicts) {
  return Error{"FileExists",
               "The deployment failed because a specified file already exists at this location: " +
                   listSome(conflicts) +
                   ". The previous deployment did not install it, so greenlight will not replace it "
                   "on its own; nothing was copied. Choose what happens to files already on the host "
                   "with `file_exists_behavior` at the top level of the AppSpec file or "
                   "`--file-exists-behavior` on the deployment: DISALLOW fails the deployment (the "
                   "default), OVERWRITE replaces them with the revision's version, RETAIN keeps the "
                   "version on the host. Or remove the file from the host and redeploy."};
}

// Decides every entry's action from what the host has, and refuses before anything is copied.
Status inspectHost(Plan& plan, const fs::path& installRoot, FileExistsBehavior behavior) {
  std::error_code error;
  fs::path canonicalRoot = fs::canonical(installRoot, error);
  std::vector<std::string> conflicts;
  std::vector<std::string> foldersInTheWay;
  std::vector<std::string> filesKeptInTheWay;
  std::vector<std::string> linksLeavingRoot;
  for (PlannedEntry& entry : plan.entries) {
    fs::path disk = onDisk(installRoot, entry.hostPath);
    struct stat info {};
    if (::lstat(disk.c_str(), &info) != 0) {
      if (errno != ENOENT && errno != ENOTDIR) {
        return fileError("InstallFailed", "Could not inspect " + entry.hostPath + " on the host", errno,
                         "Fix access to it, then redeploy.");
      }
      entry.action = Action::Create;
      continue;
    }
    if (entry.kind == EntryKind::Directory) {
      struct stat followed {};
      if (S_ISDIR(info.st_mode)) {
        entry.action = Action::UseExisting;
      } else if (S_ISLNK(info.st_mode) && ::stat(disk.c_str(), &followed) == 0 && S_ISDIR(followed.st_mode)) {
        // A link the host already had (e.g. /opt/app -> /data/app) is used as the folder it
        // names, as long as it stays under the install root.
        fs::path target = fs::canonical(disk, error);
        if (error || !isBelow(target, canonicalRoot)) {
          linksLeavingRoot.push_back(entry.hostPath);
        } else {
          entry.action = Action::UseExisting;
        }
      } else if (behavior == FileExistsBehavior::Disallow) {
        conflicts.push_back(entry.hostPath);
      } else if (behavior == FileExistsBehavior::Overwrite) {
        entry.action = Action::Replace;
      } else {
        filesKeptInTheWay.push_back(entry.hostPath);
      }
    } else if (S_ISDIR(info.st_mode)) {
      foldersInTheWay.push_back(entry.hostPath);
    } else if (behavior == FileExistsBehavior::Disallow) {
      conflicts.push_back(entry.hostPath);
    } else {
      entry.action = behavior == FileExistsBehavior::Overwrite ? Action::Replace : Action::Keep;
    }
  }
  if (!foldersInTheWay.empty()) {
    return Error{"FileExists", "The host has a folder where the revision has a file: " +
                                   listSome(foldersInTheWay) +
                                   ". No file_exists_behavior replaces a folder; nothing was copied. "
                                   "Remove or rename the folder, then redeploy."};
  }
  if (!filesKeptInTheWay.empty()) {
    return Error{"FileExists", "The host has a file where the revision needs a folder: " +
                                   listSome(filesKeptInTheWay) +
                                   ". file_exists_behavior RETAIN keeps that file, so nothing below it "
                                   "can be installed; nothing was copied. Remove the file or use "
                                   "OVERWRITE, then redeploy."};
  }
  if (!linksLeavingRoot.empty()) {
    return Error{"InstallFailed", "These destination folders are links leading outside " +
                                      installRoot.string() + ": " + listSome(linksLeavingRoot) +
                                      "; nothing was copied. Replace the links with folders, then redeploy."};
  }
  if (!conflicts.empty()) return fileExistsError(conflicts);
  return Status::success();
}

struct MappingCounts {
  std::size_t files = 0;
  std::size_t links = 0;
  std::size_t directories = 0;
};

Status placeEntry(const PlannedEntry& entry, const fs::path& disk) {
  switch (entry.kind) {
    case EntryKind::Directory:
      if (entry.action == Action::Replace && ::unlink(disk.c_str()) != 0 && errno != ENOENT) {
        return fileError("InstallFailed", "Could not remove the file " + entry.hostPath +
                             " to put the revision's folder there", errno, "Remove it by hand, then redeploy.");
      }
      // Owner-only until the contents are in; the final mode is set afterwards.
      if (::mkdir(disk.c_str(), 0700) != 0) {
        return fileError("InstallFailed", "Could not create the folder " + entry.hostPath, errno,
                         "Check the permissions of its parent folder, then redeploy.");
      }
      return Status::success();
    case EntryKind::File: {
      struct stat info {};
      if (::lstat(entry.source.c_str(), &info) != 0) {
        return fileError("InstallFailed", "Could not read " + entry.source.string() + " in the bundle",
                         errno, "Redeploy to fetch the bundle again.");
      }
      // Set-id and sticky bits from a bundle are not trusted; `permissions` can grant them.
      return copyFileAtomically(entry.source, disk, info.st_mode & 0777, entry.hostPath);
    }
    case EntryKind::Symlink: {
      std::error_code error;
      fs::path target = fs::read_symlink(entry.source, error);
      if (error) {
        return Error{"InstallFailed", "Could not read the link " + entry.source.string() +
                                          " in the bundle: " + error.message() + ". Redeploy to fetch it again."};
      }
      return placeSymlinkAtomically(target.string(), disk, entry.hostPath);
    }
  }
  return Status::success();
}

std::string counted(std::size_t count, const char* one, const char* many) {
  return std::to_string(count) + " " + (count == 1 ? one : many);
}

mode_t directoryMode(const PlannedEntry& entry) {
  struct stat info {};
  if (!entry.source.empty() && ::lstat(entry.source.c_str(), &info) == 0) return info.st_mode & 0777;
  return 0755;  // a destination folder or one of its parents
}

}  // namespace

appspec::FileExistsBehavior effectiveFileExistsBehavior(const appspec::AppSpec& spec,
                                                        const InstallOptions& options) {
  return spec.fileExistsBehavior.value_or(options.fileExistsBehavior);
}

Result<InstallRecord> installFiles(const appspec::AppSpec& spec, const InstallOptions& options,
                                   std::vector<std::string>& log) {
  FileExistsBehavior behavior = effectiveFileExistsBehavior(spec, options);
  Result<Plan> plan = planInstall(spec, options.archiveRoot);
  if (!plan) return plan.error();
  std::error_code error;
  fs::create_directories(options.installRoot, error);
  if (error) {
    return Error{"InstallFailed", "Could not create the install root " + options.installRoot.string() +
                                      ": " + error.message() + ". Check its parent's permissions."};
  }
  if (Status checked = inspectHost(*plan, options.installRoot, behavior); !checked) return checked.error();

  InstallRecord record;
  // Only paths that did not exist before; files replaced under OVERWRITE are not taken back.
  InstallRecord createdHere;
  auto rollback = [&] {
    std::vector<std::string> rollbackLog;
    (void)removePreviousInstall(createdHere, options.installRoot, rollbackLog);
    log.push_back("removed the " + std::to_string(createdHere.paths.size()) +
                  " paths this failed install had created");
  };
  std::vector<MappingCounts> counts(spec.files.size());
  std::vector<const PlannedEntry*> createdDirectories;
  for (const PlannedEntry& entry : plan->entries) {
    if (entry.action == Action::UseExisting) continue;
    if (entry.action == Action::Keep) {
      log.push_back("kept existing " + entry.hostPath + " (file_exists_behavior RETAIN)");
      continue;
    }
    fs::path disk = onDisk(options.installRoot, entry.hostPath);
    if (Status placed = placeEntry(entry, disk); !placed) {
      // Take back what this install created, so the next attempt does not meet it as "already
      // exists".
      rollback();
      return placed.error();
    }
    record.paths.push_back(entry.hostPath);
    if (entry.action == Action::Create) createdHere.paths.push_back(entry.hostPath);
    if (entry.action == Action::Replace) {
      log.push_back("replaced existing " + entry.hostPath + " (file_exists_behavior " +
                    behaviorName(behavior) + ")");
    }
    MappingCounts& count = counts[entry.mapping];
    if (entry.kind == EntryKind::Directory) {
      ++count.directories;
      createdDirectories.push_back(&entry);
    } else if (entry.kind == EntryKind::Symlink) {
      ++count.links;
    } else {
      ++count.files;
    }
  }
  for (const PlannedEntry* entry : createdDirectories) {
    fs::path disk = onDisk(options.installRoot, entry->hostPath);
    if (::chmod(disk.c_str(), directoryMode(*entry)) != 0) {
      int chmodErrno = errno;
      rollback();
      return fileError("InstallFailed", "Could not set the mode of the folder " + entry->hostPath, chmodErrno,
                       "Check the permissions of its parent folder, then redeploy.");
    }
  }

  for (std::size_t index = 0; index < spec.files.size(); ++index) {
    const MappingCounts& count = counts[index];
    std::string line = "installed " + counted(count.files, "file", "files") + ", ";
    if (count.links > 0) line += counted(count.links, "link", "links") + ", ";
    line += counted(count.directories, "directory", "directories") + " into " +
            normalizeHostPath(spec.files[index].destination);
    log.push_back(line);
  }
  return record;
}

}  // namespace greenlight::agent
