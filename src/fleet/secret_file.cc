// See secret_file.h.
#include "fleet/secret_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "common/error_codes.h"
#include "os/unique_fd.h"

namespace greenlight::fleet {

Status writeSecretFile(const std::filesystem::path& path, const std::string& secret) {
  const auto temporary = path.string() + ".tmp";
  ::unlink(temporary.c_str());  // a leftover from a crash
  os::UniqueFd fd(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!fd.valid()) return errnoError(codes::kInternal, "cannot create " + temporary, errno);
  size_t written = 0;
  while (written < secret.size()) {
    ssize_t n = ::write(fd.get(), secret.data() + written, secret.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return errnoError(codes::kInternal, "cannot write " + temporary, errno);
    written += static_cast<size_t>(n);
  }
  if (::fsync(fd.get()) != 0) return errnoError(codes::kInternal, "cannot sync " + temporary, errno);
  fd.reset();
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    return errnoError(codes::kInternal, "cannot rename " + temporary + " to " + path.string(), errno);
  }
  os::UniqueFd folder(::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (folder.valid()) ::fsync(folder.get());
  return Status::success();
}

}  // namespace greenlight::fleet
