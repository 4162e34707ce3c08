// Merging AppSpec ACL entries into a path's ACLs; see permissions_acl.h.
#include "agent/permissions_acl.h"

#include <acl/libacl.h>
#include <sys/acl.h>

#include <cerrno>

#include "agent/file_paths.h"

namespace greenlight::agent {

namespace {

// Owns an acl_t (or any libacl allocation) for the scope.
class AclHandle {
 public:
  explicit AclHandle(acl_t acl) : acl_(acl) {}
  ~AclHandle() {
    if (acl_ != nullptr) acl_free(acl_);
  }
  AclHandle(const AclHandle&) = delete;
  AclHandle& operator=(const AclHandle&) = delete;
  acl_t& get() { return acl_; }

 private:
  acl_t acl_;
};

bool stripDefaultPrefix(std::string& entry) {
  for (const char* prefix : {"default:", "d:"}) {
    std::string text = prefix;
    if (entry.compare(0, text.size(), text) == 0) {
      entry.erase(0, text.size());
      return true;
    }
  }
  return false;
}

// The qualifier (uid or gid) of a named user/group entry; -1 for the others.
long long qualifierOf(acl_entry_t entry, acl_tag_t tag) {
  if (tag != ACL_USER && tag != ACL_GROUP) return -1;
  void* qualifier = acl_get_qualifier(entry);
  if (qualifier == nullptr) return -1;
  long long id = tag == ACL_USER ? static_cast<long long>(*static_cast<uid_t*>(qualifier))
                                 : static_cast<long long>(*static_cast<gid_t*>(qualifier));
  acl_free(qualifier);
  return id;
}

// Replaces or adds each of `additions`' entries in `target`. Returns whether a mask was given.
bool mergeEntries(acl_t& target, acl_t additions) {
  bool maskGiven = false;
  acl_entry_t addition = nullptr;
  for (int more = acl_get_entry(additions, ACL_FIRST_ENTRY, &addition); more == 1;
       more = acl_get_entry(additions, ACL_NEXT_ENTRY, &addition)) {
    acl_tag_t tag = ACL_UNDEFINED_TAG;
    acl_get_tag_type(addition, &tag);
    if (tag == ACL_MASK) maskGiven = true;
    long long qualifier = qualifierOf(addition, tag);

    acl_entry_t slot = nullptr;
    acl_entry_t existing = nullptr;
    for (int found = acl_get_entry(target, ACL_FIRST_ENTRY, &existing); found == 1;
         found = acl_get_entry(target, ACL_NEXT_ENTRY, &existing)) {
      acl_tag_t existingTag = ACL_UNDEFINED_TAG;
      acl_get_tag_type(existing, &existingTag);
      if (existingTag == tag && qualifierOf(existing, existingTag) == qualifier) {
        slot = existing;
        break;
      }
    }
    if (slot == nullptr) acl_create_entry(&target, &slot);
    acl_copy_entry(slot, addition);
  }
  return maskGiven;
}

// A folder without a default ACL gets the owner/group/other entries of its access ACL first,
// as setfacl does, so that "d:u:bob:rwx" alone makes a valid default ACL.
void seedDefaultFromAccess(acl_t& defaults, acl_t access) {
  if (acl_entries(defaults) > 0) return;
  acl_entry_t entry = nullptr;
  for (int more = acl_get_entry(access, ACL_FIRST_ENTRY, &entry); more == 1;
       more = acl_get_entry(access, ACL_NEXT_ENTRY, &entry)) {
    acl_tag_t tag = ACL_UNDEFINED_TAG;
    acl_get_tag_type(entry, &tag);
    if (tag != ACL_USER_OBJ && tag != ACL_GROUP_OBJ && tag != ACL_OTHER) continue;
    acl_entry_t copy = nullptr;
    acl_create_entry(&defaults, &copy);
    acl_copy_entry(copy, entry);
  }
}

Status setAcl(const std::vector<std::string>& entries, acl_type_t type, const std::filesystem::path& disk,
              const std::string& hostPath, const std::string& where) {
  std::string joined;
  for (const std::string& entry : entries) joined += (joined.empty() ? "" : ",") + entry;
  AclHandle additions(acl_from_text(joined.c_str()));
  AclHandle current(acl_get_file(disk.c_str(), type));
  if (current.get() == nullptr) {
    return fileError("PermissionsFailed", "Could not read the ACL of " + hostPath + " for " + where, errno,
                     "The filesystem may not support ACLs; mount it with ACL support or remove "
                     "the acls from the AppSpec.");
  }
  if (type == ACL_TYPE_DEFAULT) {
    AclHandle access(acl_get_file(disk.c_str(), ACL_TYPE_ACCESS));
    if (access.get() != nullptr) seedDefaultFromAccess(current.get(), access.get());
  }
  bool maskGiven = mergeEntries(current.get(), additions.get());
  if (!maskGiven && acl_calc_mask(&current.get()) != 0) {
    return fileError("PermissionsFailed", "Could not compute the ACL mask of " + hostPath + " for " + where,
                     errno, "Check the acls entries.");
  }
  if (acl_valid(current.get()) != 0) {
    return Error{"PermissionsFailed", "The acls of " + where + " do not form a valid ACL on " + hostPath +
                                          " (entries: " + joined +
                                          "). Each of user::, group:: and other:: may appear once; fix "
                                          "the entries."};
  }
  if (acl_set_file(disk.c_str(), type, current.get()) != 0) {
    return fileError("PermissionsFailed", "Could not set the ACL of " + hostPath + " for " + where, errno,
                     "The filesystem may not support ACLs; mount it with ACL support or remove the "
                     "acls from the AppSpec.");
  }
  return Status::success();
}

}  // namespace

Result<AclEntries> parseAclEntries(const std::vector<std::string>& entries, const std::string& where) {
  AclEntries parsed;
  for (const std::string& written : entries) {
    std::string entry = written;
    bool isDefault = stripDefaultPrefix(entry);
    AclHandle acl(entry.find(',') == std::string::npos ? acl_from_text(entry.c_str()) : nullptr);
    if (acl.get() == nullptr || acl_entries(acl.get()) != 1) {
      return Error{"PermissionsFailed",
                   "The ACL entry '" + written + "' of " + where +
                       " is not valid: write one entry per line as [d:]u|g|o|m:[name]:rwx (e.g. "
                       "u:bob:rw, d:g:ops:rwx), and check that the user or group exists on this host."};
    }
    (isDefault ? parsed.defaults : parsed.access).push_back(entry);
  }
  return parsed;
}

Status applyAclEntries(const AclEntries& entries, const std::filesystem::path& disk, bool isDirectory,
                       const std::string& hostPath, const std::string& where) {
  if (!entries.access.empty()) {
    if (Status set = setAcl(entries.access, ACL_TYPE_ACCESS, disk, hostPath, where); !set) return set;
  }
  if (isDirectory && !entries.defaults.empty()) {
    if (Status set = setAcl(entries.defaults, ACL_TYPE_DEFAULT, disk, hostPath, where); !set) return set;
  }
  return Status::success();
}

}  // namespace greenlight::agent
