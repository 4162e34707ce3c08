// Folder bundles; see directory_bundle.h.
#include "bundle/directory_bundle.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <system_error>

namespace greenlight::bundle {
namespace {

const char* specialTypeName(mode_t mode) {
  if (S_ISCHR(mode)) return "character device";
  if (S_ISBLK(mode)) return "block device";
  if (S_ISFIFO(mode)) return "named pipe (FIFO)";
  if (S_ISSOCK(mode)) return "socket";
  return "file of unknown type";
}

}  // namespace

Status planDirectory(const std::filesystem::path& root, EntryPlan& plan) {
  namespace fs = std::filesystem;
  std::error_code error;
  fs::recursive_directory_iterator walk(root, fs::directory_options::none, error);
  if (error) {
    return Error{"IoError", "cannot read bundle folder " + root.string() + ": " + error.message()};
  }
  for (; walk != fs::recursive_directory_iterator(); walk.increment(error)) {
    if (error) break;
    const fs::path& path = walk->path();
    const std::string name = path.lexically_relative(root).generic_string();
    struct stat info {};
    if (::lstat(path.c_str(), &info) != 0) {
      return errnoError("IoError", "cannot inspect " + path.string() + " in the bundle folder", errno);
    }
    std::string linkTarget;
    EntryKind kind;
    if (S_ISREG(info.st_mode)) {
      kind = EntryKind::File;
    } else if (S_ISDIR(info.st_mode)) {
      kind = EntryKind::Directory;
    } else if (S_ISLNK(info.st_mode)) {
      kind = EntryKind::Symlink;
      linkTarget = fs::read_symlink(path, error).string();
      if (error) break;
    } else {
      return forbiddenEntryType(name, specialTypeName(info.st_mode));
    }
    auto added = plan.add(name, kind, linkTarget, static_cast<std::uint64_t>(info.st_size),
                          info.st_mode, info.st_mtime);
    if (!added) return added;
  }
  if (error) {
    return Error{"IoError", "cannot read bundle folder " + root.string() + ": " + error.message()};
  }
  return Status::success();
}

Status copyDirectory(const std::filesystem::path& root, const EntryPlan& plan, TargetWriter& writer) {
  for (const auto& entry : plan.entries()) {
    if (entry.skipped) continue;
    Status status;
    switch (entry.kind) {
      case EntryKind::Directory:
        status = writer.makeDirectory(entry.path, entry.mode);
        break;
      case EntryKind::Symlink:
        status = writer.makeSymlink(entry.path, entry.linkTarget);
        break;
      case EntryKind::Hardlink:  // a folder walk never yields these
        status = writer.makeHardlink(entry.path, entry.linkTarget);
        break;
      case EntryKind::File: {
        const auto source = root / entry.sourceName;
        const int fd = ::open(source.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
        if (fd < 0) {
          return errnoError("IoError", "cannot read " + source.string() + " from the bundle folder",
                            errno);
        }
        struct stat info {};
        if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
          ::close(fd);
          return unsafeEntry(entry.sourceName, "changed from a file to something else during the copy",
                             "do not modify the bundle folder during a deployment");
        }
        status = writer.writeFile(entry.path, entry.mode, entry.mtime,
                                  [&](char* buffer, std::size_t capacity) -> Result<std::size_t> {
                                    for (;;) {
                                      const ssize_t got = ::read(fd, buffer, capacity);
                                      if (got >= 0) return static_cast<std::size_t>(got);
                                      if (errno != EINTR) {
                                        return errnoError("IoError", "cannot read " + source.string(),
                                                          errno);
                                      }
                                    }
                                  });
        ::close(fd);
        break;
      }
    }
    if (!status) return status;
  }
  return Status::success();
}

}  // namespace greenlight::bundle
