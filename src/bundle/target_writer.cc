// File-descriptor based writes below the target; see target_writer.h for why.
#include "bundle/target_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace greenlight::bundle {
namespace {

constexpr std::size_t kCopyBufferBytes = 64 * 1024;  // fixed: memory does not grow with the bundle
constexpr unsigned kImplicitFolderMode = 0755;

class FdCloser {
 public:
  explicit FdCloser(int fd) : fd_(fd) {}
  ~FdCloser() {
    if (fd_ >= 0) ::close(fd_);
  }
  FdCloser(const FdCloser&) = delete;
  FdCloser& operator=(const FdCloser&) = delete;
  int get() const { return fd_; }
  int release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

// Returns 0 or the errno of the failed write.
int writeAll(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t written = ::write(fd, data, size);
    if (written < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    data += written;
    size -= static_cast<std::size_t>(written);
  }
  return 0;
}

}  // namespace

Result<std::unique_ptr<TargetWriter>> TargetWriter::open(const std::filesystem::path& target,
                                                         const Limits& limits) {
  const int fd = ::open(target.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    return errnoError("IoError", "cannot open the deployment folder " + target.string(), errno);
  }
  return std::unique_ptr<TargetWriter>(new TargetWriter(fd, target, limits));
}

TargetWriter::TargetWriter(int rootFd, std::filesystem::path root, const Limits& limits)
    : rootFd_(rootFd), root_(std::move(root)), limits_(limits), buffer_(kCopyBufferBytes) {}

TargetWriter::~TargetWriter() {
  if (cachedParentFd_ >= 0) ::close(cachedParentFd_);
  ::close(rootFd_);
}

Error TargetWriter::ioError(const std::string& what, const std::string& path, int errnum) const {
  return errnoError("IoError", what + " " + (root_ / path).string() + " while extracting the bundle",
                    errnum);
}

Result<int> TargetWriter::openChild(int parentFd, const std::string& name,
                                    const std::string& pathForErrors, bool create) {
  bool created = false;
  if (create) {
    if (::mkdirat(parentFd, name.c_str(), 0700) == 0) {
      created = true;
    } else if (errno != EEXIST) {
      return ioError("cannot create folder", pathForErrors, errno);
    }
  }
  const int fd = ::openat(parentFd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOTDIR || errno == ELOOP) {
      return Error{"BundleUnsafe", "bundle entry \"" + pathForErrors +
                                       "\" is not a folder on disk but the bundle writes below it; "
                                       "greenlight refuses to follow it — rebuild the bundle"};
    }
    return ioError("cannot open folder", pathForErrors, errno);
  }
  if (created) {
    // mkdir is subject to the umask; folders the bundle implies get a predictable mode.
    ::fchmod(fd, kImplicitFolderMode);
    ++report_.directories;
  }
  return fd;
}

Result<int> TargetWriter::openFolder(const std::string& path, bool create) {
  int current = ::dup(rootFd_);
  if (current < 0) return ioError("cannot reopen", "", errno);
  std::size_t start = 0;
  while (start < path.size()) {
    std::size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    auto child = openChild(current, path.substr(start, slash - start), path.substr(0, slash), create);
    ::close(current);
    if (!child) return child.error();
    current = *child;
    start = slash + 1;
  }
  return current;
}

Result<int> TargetWriter::parentOf(const std::string& path, std::string* leaf) {
  const std::size_t slash = path.rfind('/');
  const std::string parent = slash == std::string::npos ? "" : path.substr(0, slash);
  *leaf = slash == std::string::npos ? path : path.substr(slash + 1);
  if (cachedParentFd_ >= 0 && parent == cachedParent_) return cachedParentFd_;
  auto fd = openFolder(parent, true);
  if (!fd) return fd.error();
  if (cachedParentFd_ >= 0) ::close(cachedParentFd_);
  cachedParentFd_ = *fd;
  cachedParent_ = parent;
  return cachedParentFd_;
}

Status TargetWriter::makeDirectory(const std::string& path, unsigned mode) {
  std::string leaf;
  auto parent = parentOf(path, &leaf);
  if (!parent) return parent.error();
  auto fd = openChild(*parent, leaf, path, true);
  if (!fd) return fd.error();
  ::close(*fd);
  // Owner keeps full access so the agent can fill, replace and clean up the folder later.
  folderModes_.emplace_back(path, (mode & 0777) | 0700);
  return Status::success();
}

Status TargetWriter::writeFile(const std::string& path, unsigned mode, std::int64_t mtime,
                               const Reader& read) {
  std::string leaf;
  auto parent = parentOf(path, &leaf);
  if (!parent) return parent.error();
  FdCloser file(::openat(*parent, leaf.c_str(),
                         O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (file.get() < 0) return ioError("cannot create file", path, errno);

  std::uint64_t fileBytes = 0;
  for (;;) {
    auto got = read(buffer_.data(), buffer_.size());
    if (!got) return got.error();
    if (*got == 0) break;
    fileBytes += *got;
    report_.bytes += *got;
    if (fileBytes > limits_.maxFileBytes) {
      return Error{"BundleTooLarge",
                   "bundle entry \"" + path + "\" holds more than " +
                       std::to_string(limits_.maxFileBytes) +
                       " bytes, the limit for one file (its header said less) — keep large "
                       "artifacts out of the bundle or raise the agent's per-file limit"};
    }
    if (report_.bytes > limits_.maxTotalBytes) {
      return Error{"BundleTooLarge",
                   "bundle holds more than " + std::to_string(limits_.maxTotalBytes) +
                       " bytes of files (passed while writing \"" + path +
                       "\") — make the bundle smaller or raise the agent's bundle size limit"};
    }
    if (const int errnum = writeAll(file.get(), buffer_.data(), *got); errnum != 0) {
      return ioError("cannot write", path, errnum);
    }
  }
  // fchmod ignores the umask: hook scripts keep exactly the bits the bundle gave them.
  if (::fchmod(file.get(), mode & 0777) != 0) return ioError("cannot set the mode of", path, errno);
  if (mtime >= 0) {
    const timespec times[2] = {{0, UTIME_OMIT}, {static_cast<time_t>(mtime), 0}};
    ::futimens(file.get(), times);  // best effort: a wrong time is no reason to fail a deployment
  }
  if (::close(file.release()) != 0) return ioError("cannot finish writing", path, errno);
  ++report_.files;
  return Status::success();
}

Status TargetWriter::makeSymlink(const std::string& path, const std::string& target) {
  std::string leaf;
  auto parent = parentOf(path, &leaf);
  if (!parent) return parent.error();
  if (::symlinkat(target.c_str(), *parent, leaf.c_str()) != 0) {
    return ioError("cannot create symlink", path, errno);
  }
  ++report_.symlinks;
  return Status::success();
}

Status TargetWriter::makeHardlink(const std::string& path, const std::string& existingPath) {
  std::string existingLeaf;
  const std::size_t slash = existingPath.rfind('/');
  existingLeaf = slash == std::string::npos ? existingPath : existingPath.substr(slash + 1);
  auto existingParent =
      openFolder(slash == std::string::npos ? "" : existingPath.substr(0, slash), false);
  if (!existingParent) return existingParent.error();
  FdCloser existingParentFd(*existingParent);

  std::string leaf;
  auto parent = parentOf(path, &leaf);
  if (!parent) return parent.error();
  // flags 0: never follow a symlink named as the link's source.
  if (::linkat(existingParentFd.get(), existingLeaf.c_str(), *parent, leaf.c_str(), 0) != 0) {
    return ioError("cannot create hard link", path, errno);
  }
  ++report_.hardlinks;
  return Status::success();
}

Status TargetWriter::finish() {
  for (const auto& [path, mode] : folderModes_) {
    auto fd = openFolder(path, false);
    if (!fd) return fd.error();
    const int result = ::fchmod(*fd, mode);
    const int savedErrno = errno;
    ::close(*fd);
    if (result != 0) return ioError("cannot set the mode of", path, savedErrno);
  }
  return Status::success();
}

}  // namespace greenlight::bundle
