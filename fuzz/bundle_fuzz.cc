// Fuzzes bundle extraction: any bytes, read as tar, tgz and zip with small limits, must never
// crash, hang or write anything outside the fresh target folder.
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

#include "bundle/bundle.h"

namespace {

namespace fs = std::filesystem;

void require(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "bundle_fuzz: %s\n", what);
    std::abort();
  }
}

bool inside(const fs::path& path, const fs::path& root) {
  const auto relative = path.lexically_relative(root);
  return !relative.empty() && *relative.begin() != "..";
}

// Every link below `target` must resolve inside it; nothing but the target may appear in `work`.
void checkContained(const fs::path& work, const fs::path& target, const fs::path& sentinel) {
  std::error_code error;
  for (const auto& child : fs::directory_iterator(work, error)) {
    const auto name = child.path().filename();
    require(name == "bundle" || name == "sentinel" || child.path() == target,
            "a file appeared next to the target");
  }
  struct stat info {};
  require(::lstat(sentinel.c_str(), &info) == 0 && S_ISREG(info.st_mode) && info.st_nlink == 1 &&
              info.st_size == 9,
          "the sentinel outside the target was changed or linked");
  if (!fs::exists(fs::symlink_status(target, error))) return;
  const fs::path root = fs::canonical(target, error);
  require(!error, "the target cannot be resolved");
  for (fs::recursive_directory_iterator walk(target, error), end; !error && walk != end;
       walk.increment(error)) {
    if (!walk->is_symlink(error)) continue;
    const fs::path resolved = fs::weakly_canonical(walk->path(), error);
    if (error) {  // a loop or an over-long chain: not an escape, but it must not point outside
      error.clear();
      continue;
    }
    require(resolved == root || inside(resolved, root), "a symlink resolves outside the target");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  char pattern[] = "/tmp/greenlight-bundle-fuzz-XXXXXX";
  const char* made = ::mkdtemp(pattern);
  require(made != nullptr, "cannot create a temporary folder");
  const fs::path work(made);
  const fs::path bundlePath = work / "bundle";
  const fs::path sentinel = work / "sentinel";
  {
    std::ofstream(sentinel) << "untouched";
    std::ofstream out(bundlePath, std::ios::binary);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }

  greenlight::bundle::Limits limits;
  limits.maxTotalBytes = 1 << 20;
  limits.maxFileBytes = 256 << 10;
  limits.maxEntries = 256;
  limits.maxPathLength = 1024;
  for (auto type : {greenlight::bundle::BundleType::Tar, greenlight::bundle::BundleType::Tgz,
                    greenlight::bundle::BundleType::Zip}) {
    const fs::path target = work / "target";
    auto result = greenlight::bundle::extract(bundlePath, type, target, limits);
    if (!result.ok()) {
      require(!fs::exists(fs::symlink_status(target)), "a failed extraction left its target");
    }
    checkContained(work, target, sentinel);
    std::error_code ignored;
    fs::remove_all(target, ignored);
  }
  std::error_code ignored;
  fs::remove_all(work, ignored);
  return 0;
}
