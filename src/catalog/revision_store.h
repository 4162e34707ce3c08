// Where revision bundles live: a local folder holding each bundle once, named by its sha256.
// An upload is written to a temporary file, hashed, checked (a bundle with a valid AppSpec at its
// root) and only then moved into place, so a half-written or hostile upload never becomes a
// revision.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "bundle/bundle.h"
#include "common/result.h"

namespace greenlight::catalog {

struct StoredBundle {
  std::string sha256;
  std::string bundleType;       // "tar", "tgz", "zip"
  std::int64_t sizeBytes = 0;
  std::string appspecFilename;  // "appspec.yml", ...
  bool alreadyStored = false;   // the same bytes were stored before
};

// What a stored bundle holds, for showing and comparing revisions.
struct BundleFile {
  std::string path;       // relative to the bundle's root, '/'-separated
  std::string kind;       // "file", "directory", "symlink"
  std::int64_t sizeBytes = 0;
  std::string sha256;     // files only
  std::string linkTarget; // symlinks only
};
struct BundleContents {
  std::string appspecFilename;
  std::string appspec;             // the AppSpec file's text
  std::vector<BundleFile> files;   // sorted by path
};

// Thread-safe: every write goes through a unique temporary name and an atomic rename.
class RevisionStore {
 public:
  // Creates `folder` (mode 0700) when missing.
  static Result<RevisionStore> open(const std::filesystem::path& folder, bundle::Limits limits = {});

  // A path inside the store for an upload to be streamed into (then passed to ingest()).
  std::filesystem::path temporaryPath() const;
  // Takes `uploaded` (a file inside temporaryPath()'s folder, consumed either way): detects its
  // type, refuses a folder bundle, hashes it, extracts it into a scratch folder under the
  // store's limits to prove it is safe and that it holds a valid AppSpec (error kInvalidRevision
  // with the AppSpec diagnostics, or the bundle's own error), then keeps it as <sha256>.
  Result<StoredBundle> ingest(const std::filesystem::path& uploaded);
  // The AppSpec and file list of a stored bundle, read by extracting it (under the store's
  // limits) into a scratch folder removed afterwards. NotFound when absent.
  Result<BundleContents> contents(const std::string& sha256,
                                  const std::string& appspecFilename) const;
  // The stored bundle's path; NotFound when absent.
  Result<std::filesystem::path> pathFor(const std::string& sha256) const;

  const std::filesystem::path& folder() const { return folder_; }

 private:
  RevisionStore(std::filesystem::path folder, bundle::Limits limits)
      : folder_(std::move(folder)), limits_(limits) {}
  std::filesystem::path folder_;
  bundle::Limits limits_;
};

}  // namespace greenlight::catalog
