// Bundle digests: the archive file's sha256, or for a folder a sha256 over a canonical listing
// (sorted paths, kinds, modes, link targets, contents' sha256) that is the same on every machine.
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <string>
#include <system_error>
#include <vector>

#include "bundle/bundle.h"
#include "common/sha256.h"

namespace greenlight::bundle {
namespace {

namespace fs = std::filesystem;

std::string octal(unsigned mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", mode & 07777);
  return text;
}

Result<std::string> directoryDigest(const fs::path& root) {
  std::vector<std::string> names;
  std::error_code error;
  fs::recursive_directory_iterator walk(root, fs::directory_options::none, error);
  for (; !error && walk != fs::recursive_directory_iterator(); walk.increment(error)) {
    names.push_back(walk->path().lexically_relative(root).generic_string());
  }
  if (error) {
    return Error{"IoError", "cannot read bundle folder " + root.string() + ": " + error.message()};
  }
  std::sort(names.begin(), names.end());  // byte order: independent of locale and readdir order

  Sha256 hasher;
  hasher.update(std::string_view("greenlight-directory-digest-v1", 31));  // with its NUL
  for (const auto& name : names) {
    const fs::path path = root / name;
    struct stat info {};
    if (::lstat(path.c_str(), &info) != 0) {
      return errnoError("IoError", "cannot inspect " + path.string() + " in the bundle folder", errno);
    }
    std::string record;
    if (S_ISREG(info.st_mode)) {
      auto contents = sha256File(path);
      if (!contents) return contents.error();
      record = "file\0" + name + '\0' + octal(info.st_mode) + '\0' + *contents;
    } else if (S_ISDIR(info.st_mode)) {
      record = "dir\0" + name + '\0' + octal(info.st_mode);
    } else if (S_ISLNK(info.st_mode)) {
      const auto target = fs::read_symlink(path, error);
      if (error) return Error{"IoError", "cannot read symlink " + path.string() + ": " + error.message()};
      record = "link\0" + name + '\0' + target.string();
    } else {
      return Error{"BundleUnsafe", "bundle folder " + root.string() + " holds \"" + name +
                                       "\", which is neither a file, a folder nor a symlink — "
                                       "remove it from the bundle"};
    }
    record += '\0';
    hasher.update(record);
  }
  return hasher.finishHex();
}

}  // namespace

Result<std::string> digest(const fs::path& bundle, BundleType type) {
  if (type == BundleType::Directory) return directoryDigest(bundle);
  return sha256File(bundle);
}

}  // namespace greenlight::bundle
