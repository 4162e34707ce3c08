// Shared by the bundle tests: builds archives (hostile ones too) with Python's tarfile/zipfile,
// and takes snapshots of a folder to prove that a refused bundle wrote nothing at all.
#pragma once

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <map>
#include <string>

#include "bundle/bundle.h"
#include "support/test_support.h"

namespace greenlight::bundle::testing {

namespace fs = std::filesystem;

// Helpers available to the Python snippets; `out` is the archive path.
inline constexpr const char* kPythonPrelude = R"PY(
import io, os, sys, tarfile, zipfile
out = sys.argv[1]
outside = sys.argv[2]
def T(gz=False):
    return tarfile.open(out, 'w:gz' if gz else 'w', format=tarfile.PAX_FORMAT)
def f(t, name, data=b'data', mode=0o644):
    ti = tarfile.TarInfo(name); ti.size = len(data); ti.mode = mode; ti.mtime = 1700000000
    t.addfile(ti, io.BytesIO(data))
def d(t, name, mode=0o755):
    ti = tarfile.TarInfo(name); ti.type = tarfile.DIRTYPE; ti.mode = mode; t.addfile(ti)
def sl(t, name, target):
    ti = tarfile.TarInfo(name); ti.type = tarfile.SYMTYPE; ti.linkname = target; t.addfile(ti)
def hl(t, name, target):
    ti = tarfile.TarInfo(name); ti.type = tarfile.LNKTYPE; ti.linkname = target; t.addfile(ti)
def special(t, name, kind):
    ti = tarfile.TarInfo(name); ti.type = kind; ti.devmajor = 1; ti.devminor = 3; t.addfile(ti)
def Z():
    return zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED)
def zf(z, name, data=b'data', mode=0o644):
    zi = zipfile.ZipInfo(name, (2023, 11, 14, 22, 13, 20)); zi.create_system = 3
    zi.external_attr = (0o100000 | mode) << 16; zi.compress_type = zipfile.ZIP_DEFLATED
    z.writestr(zi, data)
def zd(z, name, mode=0o755):
    zi = zipfile.ZipInfo(name.rstrip('/') + '/'); zi.create_system = 3
    zi.external_attr = ((0o040000 | mode) << 16) | 0x10
    z.writestr(zi, b'')
def zl(z, name, target):
    zi = zipfile.ZipInfo(name); zi.create_system = 3; zi.external_attr = 0o120777 << 16
    z.writestr(zi, target)
)PY";

inline unsigned modeOf(const fs::path& path) {
  struct stat info {};
  ::lstat(path.c_str(), &info);
  return info.st_mode & 07777;
}

class BundleFixture : public ::testing::Test {
 protected:
  BundleFixture() {
    fs::create_directories(work_ / "outside");
    greenlight::testing::writeFile(sentinel(), "untouched\n");
  }

  // Everything under work() is compared before and after a refused extraction.
  const fs::path& work() const { return work_.path(); }
  fs::path outside() const { return work_ / "outside"; }
  fs::path sentinel() const { return outside() / "sentinel.txt"; }
  // Nested so that "../../x" from the target still lands inside work().
  fs::path target() const { return work_ / "deploy" / "revision" / "archive"; }

  // Runs `body` (Python, with the prelude's helpers) to write the archive `name` under work().
  fs::path makeArchive(const std::string& name, const std::string& body) {
    const fs::path archive = work_ / name;
    const fs::path script = scratch_ / "make_bundle.py";
    greenlight::testing::writeFile(script, std::string(kPythonPrelude) + body + "\n");
    const auto result = greenlight::testing::runCommand("python3 " + script.string() + " " +
                                                        archive.string() + " " + outside().string());
    EXPECT_EQ(result.exitCode, 0) << result.output;
    return archive;
  }

  // Path -> kind, mode and contents of everything below `root` (links not followed).
  static std::map<std::string, std::string> snapshot(const fs::path& root) {
    std::map<std::string, std::string> listing;
    std::error_code error;
    for (fs::recursive_directory_iterator walk(root, error), end; !error && walk != end;
         walk.increment(error)) {
      struct stat info {};
      ::lstat(walk->path().c_str(), &info);
      std::string description = std::to_string(info.st_mode);
      if (S_ISREG(info.st_mode)) description += ":" + greenlight::testing::readFile(walk->path());
      if (S_ISLNK(info.st_mode)) description += "->" + fs::read_symlink(walk->path()).string();
      listing[walk->path().lexically_relative(root).string()] = description;
    }
    return listing;
  }

  // Extracts and expects refusal with `code`, and that nothing at all changed on disk.
  Error expectRefused(const fs::path& bundle, BundleType type, const std::string& code,
                      const Limits& limits = {}, std::string_view appspec = "") {
    const auto before = snapshot(work());
    auto result = extract(bundle, type, target(), limits, appspec);
    EXPECT_FALSE(result.ok()) << "extraction of " << bundle << " should have been refused";
    if (result.ok()) return Error{};
    EXPECT_EQ(result.error().code, code) << result.error().message;
    EXPECT_FALSE(fs::exists(fs::symlink_status(target()))) << "target was left behind";
    EXPECT_FALSE(fs::exists(work() / "deploy")) << "the target's parent was left behind";
    EXPECT_EQ(snapshot(work()), before) << "something was written: " << result.error().message;
    EXPECT_EQ(greenlight::testing::readFile(sentinel()), "untouched\n");
    return result.error();
  }

 private:
  greenlight::testing::TempDir work_;
  greenlight::testing::TempDir scratch_;
};

}  // namespace greenlight::bundle::testing
