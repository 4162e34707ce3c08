// The Install event: removes what the previous deployment installed, copies the AppSpec's
// `files` into place under `file_exists_behavior`, and applies `permissions`.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "appspec/appspec.h"
#include "common/result.h"

namespace greenlight::agent {

struct InstallOptions {
  std::filesystem::path archiveRoot;   // the extracted bundle
  // Every destination and permission object is resolved under this folder ("/" on a real host;
  // a per-instance folder for local fleets and tests).
  std::filesystem::path installRoot = "/";
  appspec::FileExistsBehavior fileExistsBehavior = appspec::FileExistsBehavior::Disallow;
};

// What a deployment installed, in creation order: the paths (as seen on the host, i.e. without
// installRoot) of files, symlinks and the directories it created. Persisted as the cleanup list.
struct InstallRecord {
  std::vector<std::string> paths;
};

// The behaviour in force: the AppSpec's `file_exists_behavior`, else options.fileExistsBehavior
// (the deployment's --file-exists-behavior). As in CodeDeploy, the AppSpec wins.
appspec::FileExistsBehavior effectiveFileExistsBehavior(const appspec::AppSpec& spec,
                                                        const InstallOptions& options);

// Removes the files a previous deployment installed (files and links first, then the
// directories it created if they are empty, deepest first). Missing entries are fine.
// Never follows a link at an entry (the link is removed). An entry that is not absolute or holds
// ".." makes it refuse the whole list (code "InstallRecordCorrupt") before removing anything.
// `log` receives one line per notable action.
Status removePreviousInstall(const InstallRecord& previous, const std::filesystem::path& installRoot,
                             std::vector<std::string>& log);

// Copies files as CodeDeploy does: a file source goes to destination/<basename>; a directory
// source's contents go below destination; "/" or "" is the whole bundle. An existing
// destination file is an error (code "FileExists", naming the file and the three behaviours)
// under DISALLOW, replaced under OVERWRITE, kept under RETAIN.
// Sources must stay inside archiveRoot (code "InvalidAppSpec" otherwise).
// All conflicts are checked before anything is copied. Links in the bundle are installed as links;
// file modes are kept (without set-id/sticky bits). The behaviour is effectiveFileExistsBehavior().
// If copying fails midway, the paths created so far are removed again.
Result<InstallRecord> installFiles(const appspec::AppSpec& spec, const InstallOptions& options,
                                   std::vector<std::string>& log);

// Applies each permission to the object and to installed paths below it matching `pattern`,
// not matching `except`, of the listed `types`: owner, group, mode, ACL entries (via libacl),
// and SELinux context (via chcon; skipped with a log line when SELinux is not enabled).
// Errors carry code "PermissionsFailed" with the path and the permission's line.
Status applyPermissions(const appspec::AppSpec& spec, const InstallRecord& installed,
                        const std::filesystem::path& installRoot, std::vector<std::string>& log);

// The cleanup list on disk: one path per line. A missing file reads as an empty record; writing
// replaces the file atomically (temporary file, fsync, rename).
Result<InstallRecord> readInstallRecord(const std::filesystem::path& file);
Status writeInstallRecord(const InstallRecord& record, const std::filesystem::path& file);

}  // namespace greenlight::agent
