// Bundle types: names as CodeDeploy spells them, and detection from a file's first bytes.
#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <system_error>

#include "bundle/bundle.h"

namespace greenlight::bundle {

const char* toString(BundleType type) {
  switch (type) {
    case BundleType::Tar: return "tar";
    case BundleType::Tgz: return "tgz";
    case BundleType::Zip: return "zip";
    case BundleType::Directory: return "directory";
  }
  return "unknown";
}

std::optional<BundleType> parseBundleType(std::string_view text) {
  if (text == "tar") return BundleType::Tar;
  if (text == "tgz" || text == "tar.gz") return BundleType::Tgz;
  if (text == "zip") return BundleType::Zip;
  if (text == "directory" || text == "dir") return BundleType::Directory;
  return std::nullopt;
}

Result<BundleType> detectBundleType(const std::filesystem::path& path) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) return BundleType::Directory;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errnoError("IoError", "cannot open bundle " + path.string(), errno);
  constexpr std::size_t kUstarOffset = 257;
  std::array<unsigned char, kUstarOffset + 5> head{};
  std::size_t have = 0;
  while (have < head.size()) {
    const ssize_t got = ::read(fd, head.data() + have, head.size() - have);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    have += static_cast<std::size_t>(got);
  }
  ::close(fd);
  if (have >= 2 && head[0] == 0x1f && head[1] == 0x8b) return BundleType::Tgz;
  if (have >= 4 && head[0] == 'P' && head[1] == 'K' &&
      ((head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6))) {
    return BundleType::Zip;
  }
  if (have == head.size() && std::memcmp(head.data() + kUstarOffset, "ustar", 5) == 0) {
    return BundleType::Tar;
  }
  return Error{"BundleCorrupt", "bundle " + path.string() +
                                    " is neither a folder nor a tar, tgz or zip archive — check the "
                                    "upload, or name its type explicitly (tar, tgz, zip)"};
}

}  // namespace greenlight::bundle
