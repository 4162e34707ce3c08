// Where revision bundles live: a local folder holding each bundle once, named by its sha256.
// An upload is written to a temporary file, hashed, checked (a bundle with a valid AppSpec at its
// root) and only then moved into place, so a half-written or hostile upload never becomes a
// revision.
#pragma once

#include <memory>

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

// A second, durable home for bundles (the S3 revision store): every bundle the store keeps is put
// there too, and a bundle missing from the local folder (a new server, a lost disk) is fetched
// from it. Implementations are thread-safe.
class RevisionMirror {
 public:
  virtual ~RevisionMirror() = default;
  // Stores the bundle at `path` under its sha256 unless it is there already.
  virtual Status put(const std::string& sha256, const std::filesystem::path& path) = 0;
  // Writes the bundle to `destination`; NotFound when the mirror does not have it.
  virtual Status fetch(const std::string& sha256, const std::filesystem::path& destination) = 0;
  // Where the bundle lives there, for people: "s3://bucket/revisions/<sha256>".
  virtual std::string describe(const std::string& sha256) const = 0;
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
  // The stored bundle's path; NotFound when absent (fetched from the mirror first, if any).
  Result<std::filesystem::path> pathFor(const std::string& sha256) const;
  // Every bundle kept from now on is also put in `mirror`; an upload the mirror refuses fails
  // (the local copy stays, and the same upload again retries the mirror).
  void setMirror(std::shared_ptr<RevisionMirror> mirror) { mirror_ = std::move(mirror); }

  const std::filesystem::path& folder() const { return folder_; }

 private:
  RevisionStore(std::filesystem::path folder, bundle::Limits limits)
      : folder_(std::move(folder)), limits_(limits) {}
  std::filesystem::path folder_;
  bundle::Limits limits_;
  std::shared_ptr<RevisionMirror> mirror_;
};

}  // namespace greenlight::catalog
