// Atomic placement of files and links; see file_copy.h.
#include "agent/file_copy.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "agent/file_paths.h"

namespace greenlight::agent {

namespace {

constexpr const char* kAdvice = "Check free space and permissions on that disk, then redeploy.";

// A short fixed prefix keeps the temporary name valid however long the target's name is.
std::string temporaryTemplate(const std::filesystem::path& target) {
  return (target.parent_path() / ".greenlight-XXXXXX").string();
}

}  // namespace

Status copyFileAtomically(const std::filesystem::path& source, const std::filesystem::path& target,
                          mode_t mode, const std::string& hostPath) {
  int input = ::open(source.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (input < 0) {
    return fileError("InstallFailed", "Could not read " + source.string() + " from the bundle", errno,
                     "Check that the bundle was extracted completely, then redeploy.");
  }
  std::string temporary = temporaryTemplate(target);
  int output = ::mkstemp(temporary.data());
  if (output < 0) {
    int openErrno = errno;
    ::close(input);
    return fileError("InstallFailed", "Could not create a file next to " + hostPath, openErrno, kAdvice);
  }

  auto fail = [&](const std::string& what, int errnum) -> Status {
    ::close(input);
    ::close(output);
    ::unlink(temporary.c_str());
    return fileError("InstallFailed", what, errnum, kAdvice);
  };
  char buffer[65536];
  while (true) {
    ssize_t n = ::read(input, buffer, sizeof buffer);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("Could not read " + source.string() + " from the bundle", errno);
    }
    if (int writeErrno = writeFully(output, buffer, static_cast<std::size_t>(n)); writeErrno != 0) {
      return fail("Could not write " + hostPath, writeErrno);
    }
  }
  // mkstemp creates 0600; set the revision's mode explicitly so the umask plays no part.
  if (::fchmod(output, mode) != 0) return fail("Could not set the mode of " + hostPath, errno);
  ::close(input);
  if (::close(output) != 0) {
    int closeErrno = errno;
    ::unlink(temporary.c_str());
    return fileError("InstallFailed", "Could not write " + hostPath, closeErrno, kAdvice);
  }
  if (::rename(temporary.c_str(), target.c_str()) != 0) {
    int renameErrno = errno;
    ::unlink(temporary.c_str());
    return fileError("InstallFailed", "Could not put " + hostPath + " in place", renameErrno, kAdvice);
  }
  return Status::success();
}

Status placeSymlinkAtomically(const std::string& linkTarget, const std::filesystem::path& target,
                              const std::string& hostPath) {
  // symlink() has no mkstemp; reserve a unique name with mkstemp, then reuse it for the link.
  std::string temporary = temporaryTemplate(target);
  int reserved = ::mkstemp(temporary.data());
  if (reserved < 0) {
    return fileError("InstallFailed", "Could not create a link next to " + hostPath, errno, kAdvice);
  }
  ::close(reserved);
  ::unlink(temporary.c_str());
  if (::symlink(linkTarget.c_str(), temporary.c_str()) != 0) {
    return fileError("InstallFailed", "Could not create the link " + hostPath, errno, kAdvice);
  }
  if (::rename(temporary.c_str(), target.c_str()) != 0) {
    int renameErrno = errno;
    ::unlink(temporary.c_str());
    return fileError("InstallFailed", "Could not put the link " + hostPath + " in place", renameErrno,
                     kAdvice);
  }
  return Status::success();
}

}  // namespace greenlight::agent
