// POSIX ACL entries from an AppSpec permission ("u:bob:rw", "d:g:ops:rwx"), added to a path's
// existing ACLs with libacl the way setfacl -m does.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/result.h"

namespace greenlight::agent {

// An AppSpec's ACL entries split by target: the access ACL, and the default ACL that folders
// pass on to what is created inside them ("d:" or "default:" entries).
struct AclEntries {
  std::vector<std::string> access;
  std::vector<std::string> defaults;
  bool empty() const { return access.empty() && defaults.empty(); }
};

// Checks every entry with libacl (a malformed entry or an unknown user/group fails, naming the
// entry and `where`) and sorts them into access and default entries.
Result<AclEntries> parseAclEntries(const std::vector<std::string>& entries, const std::string& where);

// Adds the entries to `disk`'s ACLs, replacing an entry with the same tag and qualifier; the mask
// is recomputed unless the entries set one. Default entries are applied only to directories.
// REQUIRES: `entries` came from parseAclEntries; `disk` is not a symbolic link.
Status applyAclEntries(const AclEntries& entries, const std::filesystem::path& disk, bool isDirectory,
                       const std::string& hostPath, const std::string& where);

}  // namespace greenlight::agent
