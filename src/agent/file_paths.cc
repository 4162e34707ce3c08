// Host path checks and mapping under the install root; see file_paths.h.
#include "agent/file_paths.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>
#include <vector>

namespace greenlight::agent {

namespace {

std::vector<std::string> components(const std::string& path) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream stream(path);
  while (std::getline(stream, part, '/')) {
    if (!part.empty()) parts.push_back(part);
  }
  return parts;
}

}  // namespace

bool isConfinedHostPath(const std::string& hostPath) {
  if (hostPath.empty() || hostPath.front() != '/') return false;
  for (const std::string& part : components(hostPath)) {
    if (part == "." || part == "..") return false;
  }
  return hostPath.find('\0') == std::string::npos;
}

std::string normalizeHostPath(const std::string& hostPath) {
  std::string normalized;
  for (const std::string& part : components(hostPath)) normalized += "/" + part;
  return normalized.empty() ? "/" : normalized;
}

std::filesystem::path onDisk(const std::filesystem::path& installRoot, const std::string& hostPath) {
  std::string relative = normalizeHostPath(hostPath).substr(1);
  if (relative.empty()) return installRoot;
  return installRoot / relative;
}

std::string joinHostPath(const std::string& parent, const std::string& relative) {
  if (relative.empty()) return parent;
  return parent == "/" ? "/" + relative : parent + "/" + relative;
}

bool isAtOrBelow(const std::string& path, const std::string& ancestor) {
  if (ancestor == "/") return !path.empty() && path.front() == '/';
  if (path.size() < ancestor.size() || path.compare(0, ancestor.size(), ancestor) != 0) return false;
  return path.size() == ancestor.size() || path[ancestor.size()] == '/';
}

int writeFully(int fd, const char* data, std::size_t size) {
  std::size_t written = 0;
  while (written < size) {
    ssize_t n = ::write(fd, data + written, size - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    written += static_cast<std::size_t>(n);
  }
  return 0;
}

Error fileError(std::string code, const std::string& what, int errnum, const std::string& advice) {
  return Error{std::move(code), what + ": " + std::strerror(errnum) + ". " + advice};
}

}  // namespace greenlight::agent
