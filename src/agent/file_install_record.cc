// The cleanup list on disk: one host path per line, replaced atomically so a crash leaves either
// the old list or the new one, never half of one.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>  // mkstemp
#include <string>

#include "agent/file_installer.h"
#include "agent/file_paths.h"

namespace greenlight::agent {

Result<InstallRecord> readInstallRecord(const std::filesystem::path& file) {
  InstallRecord record;
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return record;  // no previous deployment installed anything here
    return fileError("InstallFailed", "Could not open the cleanup list " + file.string(), errno,
                     "Fix its permissions; greenlight needs it to remove the previous deployment's files.");
  }
  std::string content;
  char buffer[65536];
  while (true) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      int readErrno = errno;
      ::close(fd);
      return fileError("InstallFailed", "Could not read the cleanup list " + file.string(), readErrno,
                       "Check the disk; greenlight needs the list to remove the previous deployment's files.");
    }
    content.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);

  std::size_t start = 0;
  while (start < content.size()) {
    std::size_t end = content.find('\n', start);
    if (end == std::string::npos) end = content.size();
    if (end > start) record.paths.push_back(content.substr(start, end - start));
    start = end + 1;
  }
  return record;
}

Status writeInstallRecord(const InstallRecord& record, const std::filesystem::path& file) {
  std::string content;
  for (const std::string& path : record.paths) {
    if (path.find('\n') != std::string::npos) {
      return Error{"InstallFailed", "Cannot write the cleanup list " + file.string() +
                                        ": the installed path '" + path +
                                        "' contains a line break. Rename it in the revision."};
    }
    content += path + "\n";
  }

  std::filesystem::path folder = file.parent_path().empty() ? "." : file.parent_path();
  std::error_code ignored;
  std::filesystem::create_directories(folder, ignored);
  std::string temporary = (folder / ("." + file.filename().string() + ".XXXXXX")).string();
  int fd = ::mkstemp(temporary.data());
  if (fd < 0) {
    return fileError("InstallFailed", "Could not create a file in " + folder.string() +
                         " to save the cleanup list", errno, "Check the folder's permissions and free space.");
  }
  auto fail = [&](const std::string& what, int errnum) -> Status {
    ::close(fd);
    ::unlink(temporary.c_str());
    return fileError("InstallFailed", what + " " + file.string(), errnum,
                     "Check free space on that disk; without the list the next deployment cannot "
                     "remove this one's files.");
  };
  if (int writeErrno = writeFully(fd, content.data(), content.size()); writeErrno != 0) {
    return fail("Could not write the cleanup list", writeErrno);
  }
  if (::fchmod(fd, 0644) != 0) return fail("Could not set the mode of the cleanup list", errno);
  if (::fsync(fd) != 0) return fail("Could not flush the cleanup list", errno);
  if (::close(fd) != 0) {
    int closeErrno = errno;
    ::unlink(temporary.c_str());
    return fileError("InstallFailed", "Could not write the cleanup list " + file.string(), closeErrno,
                     "Check free space on that disk.");
  }
  if (::rename(temporary.c_str(), file.c_str()) != 0) {
    int renameErrno = errno;
    ::unlink(temporary.c_str());
    return fileError("InstallFailed", "Could not put the cleanup list in place at " + file.string(),
                     renameErrno, "Check the folder's permissions.");
  }
  // The rename is only durable once the folder itself is flushed.
  int folderFd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (folderFd >= 0) {
    ::fsync(folderFd);
    ::close(folderFd);
  }
  return Status::success();
}

}  // namespace greenlight::agent
