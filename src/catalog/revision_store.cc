// The revision store on disk: <folder>/<sha256> for each kept bundle, uploads in .incoming and
// proof extractions in .scratch, both removed whatever happens to the upload.
#include "catalog/revision_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <system_error>

#include "appspec/bundle_checks.h"
#include "appspec/parser.h"
#include "catalog/catalog_support.h"
#include "common/error_codes.h"
#include "common/files.h"
#include "common/sha256.h"

namespace greenlight::catalog {
namespace {

namespace fs = std::filesystem;

constexpr const char* kIncoming = ".incoming";
constexpr const char* kScratch = ".scratch";
constexpr std::size_t kMaxDiagnosticsShown = 20;
// Leftovers of a server killed mid-upload; anything this old is no upload in progress.
constexpr auto kStaleAfter = std::chrono::hours(1);

Error invalidRevision(std::string message) {
  return Error{codes::kInvalidRevision, std::move(message)};
}

Status makePrivateFolder(const fs::path& folder) {
  std::error_code error;
  fs::create_directories(folder, error);
  if (error) {
    return errnoError("IoError", "cannot create the revision store folder " + folder.string(),
                      error.value());
  }
  if (::chmod(folder.c_str(), 0700) != 0) {
    return errnoError("IoError", "cannot make the revision store folder " + folder.string() +
                                     " private (mode 0700)",
                      errno);
  }
  return Status::success();
}

void removeStaleEntries(const fs::path& folder) {
  std::error_code error;
  auto now = fs::file_time_type::clock::now();
  for (const fs::directory_entry& entry : fs::directory_iterator(folder, error)) {
    std::error_code ignored;
    auto written = entry.last_write_time(ignored);
    if (!ignored && now - written > kStaleAfter) fs::remove_all(entry.path(), ignored);
  }
}

Status syncPath(const fs::path& path, int flags, const std::string& what) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return errnoError("IoError", "cannot open " + what + " " + path.string(), errno);
  int synced = ::fsync(fd);
  int savedErrno = errno;
  ::close(fd);
  if (synced != 0) return errnoError("IoError", "cannot sync " + what + " " + path.string(), savedErrno);
  return Status::success();
}

std::string uniqueName(std::string_view prefix) {
  static std::atomic<std::uint64_t> counter{0};
  Result<std::string> random = detail::randomId(prefix, 8);
  if (random.ok()) return *random;
  // Without randomness the pid and a counter still keep names apart within this machine.
  return std::string(prefix) + std::to_string(::getpid()) + "-" + std::to_string(++counter);
}

// Removes a path when it goes out of scope, unless released.
class RemoveOnExit {
 public:
  explicit RemoveOnExit(fs::path path) : path_(std::move(path)) {}
  ~RemoveOnExit() {
    if (path_.empty()) return;
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  RemoveOnExit(const RemoveOnExit&) = delete;
  RemoveOnExit& operator=(const RemoveOnExit&) = delete;
  void release() { path_.clear(); }

 private:
  fs::path path_;
};

// The bundle module's refusals become InvalidRevision (the uploader's fault); its I/O errors stay
// what they are (the server's).
Error bundleRefusal(const Error& error) {
  if (error.code == "BundleUnsafe" || error.code == "BundleTooLarge" ||
      error.code == "BundleCorrupt") {
    return invalidRevision("the bundle is refused (" + error.code + "): " + error.message);
  }
  return error;
}

Status checkAppSpec(const fs::path& root, std::string& appspecFilename) {
  Result<fs::path> found = appspec::findAppSpec(root, "");
  if (!found.ok()) {
    if (found.error().code != "AppSpecMissing") return found.error();
    return invalidRevision("the bundle has no AppSpec file at its root (" +
                           found.error().message +
                           "); put appspec.yml at the top of the archive and push it again");
  }
  appspecFilename = found->filename().string();
  Result<std::string> text = readWholeFile(*found);
  if (!text.ok()) return text.error();
  appspec::ParseResult parsed = appspec::parse(*text, appspecFilename);
  std::vector<appspec::Diagnostic> diagnostics = parsed.diagnostics;
  if (parsed.spec) {
    std::vector<appspec::Diagnostic> files =
        appspec::checkAgainstBundle(*parsed.spec, root, appspecFilename);
    diagnostics.insert(diagnostics.end(), files.begin(), files.end());
  }
  if (!appspec::hasErrors(diagnostics)) return Status::success();
  std::string message = "the bundle's " + appspecFilename +
                        " is not valid; fix it (`greenlight validate` shows the same) and push "
                        "the revision again:";
  std::size_t shown = 0;
  std::size_t errors = 0;
  for (const appspec::Diagnostic& diagnostic : diagnostics) {
    if (diagnostic.severity != appspec::Severity::Error) continue;
    ++errors;
    if (shown++ < kMaxDiagnosticsShown) message += "\n" + appspec::format(diagnostic);
  }
  if (errors > kMaxDiagnosticsShown) {
    message += "\n... and " + std::to_string(errors - kMaxDiagnosticsShown) + " more";
  }
  return invalidRevision(message);
}

}  // namespace

Result<RevisionStore> RevisionStore::open(const fs::path& folder, bundle::Limits limits) {
  fs::path absolute = fs::absolute(folder).lexically_normal();
  for (const fs::path& each : {absolute, absolute / kIncoming, absolute / kScratch}) {
    if (Status made = makePrivateFolder(each); !made.ok()) return made.error();
  }
  removeStaleEntries(absolute / kIncoming);
  removeStaleEntries(absolute / kScratch);
  return RevisionStore(absolute, limits);
}

fs::path RevisionStore::temporaryPath() const {
  return folder_ / kIncoming / uniqueName("upload-");
}

Result<StoredBundle> RevisionStore::ingest(const fs::path& uploaded) {
  fs::path upload = fs::absolute(uploaded).lexically_normal();
  if (upload.parent_path() != folder_ / kIncoming) {
    return detail::invalidArgument("cannot take " + uploaded.string() +
                                   " as an upload: it is not in the revision store's incoming "
                                   "folder " + (folder_ / kIncoming).string() +
                                   " (write it to temporaryPath() first)");
  }
  RemoveOnExit uploadCleanup(upload);
  struct stat status {};
  if (::lstat(upload.c_str(), &status) != 0) {
    return errnoError("IoError", "cannot read the uploaded bundle " + upload.string(), errno);
  }
  if (!S_ISREG(status.st_mode)) {
    return invalidRevision("a revision must be a single tar, tgz or zip file; a folder or link "
                           "cannot be pushed as such (archive it first)");
  }
  Result<bundle::BundleType> type = bundle::detectBundleType(upload);
  if (!type.ok()) {
    if (type.error().code != "BundleCorrupt") return type.error();
    return invalidRevision("the upload is not a tar, tgz or zip archive (its first bytes match "
                           "none of them); check that the file pushed is the bundle");
  }
  if (*type == bundle::BundleType::Directory) {
    return invalidRevision("a revision must be a tar, tgz or zip file, not a folder");
  }
  Result<std::string> sha256 = sha256File(upload);
  if (!sha256.ok()) return sha256.error();

  fs::path scratch = folder_ / kScratch / uniqueName("check-");
  RemoveOnExit scratchCleanup(scratch);
  Result<bundle::ExtractReport> extracted = bundle::extract(upload, *type, scratch, limits_);
  if (!extracted.ok()) return bundleRefusal(extracted.error());
  StoredBundle stored;
  stored.sha256 = *sha256;
  stored.bundleType = bundle::toString(*type);
  stored.sizeBytes = static_cast<std::int64_t>(status.st_size);
  if (Status valid = checkAppSpec(scratch, stored.appspecFilename); !valid.ok()) {
    return valid.error();
  }

  fs::path target = folder_ / stored.sha256;
  std::error_code error;
  auto mirrored = [&]() -> Result<StoredBundle> {
    if (!mirror_) return stored;
    if (Status put = mirror_->put(stored.sha256, target); !put.ok()) {
      return Error{put.error().code, "the revision is stored on the server but not in " +
                                         mirror_->describe(stored.sha256) + ": " +
                                         put.error().message + "; push it again to retry"};
    }
    return stored;
  };
  if (fs::is_regular_file(target, error)) {
    stored.alreadyStored = true;
    return mirrored();
  }
  if (::chmod(upload.c_str(), 0600) != 0) {
    return errnoError("IoError", "cannot set the mode of " + upload.string(), errno);
  }
  if (Status synced = syncPath(upload, O_RDONLY, "the uploaded bundle"); !synced.ok()) {
    return synced.error();
  }
  if (::rename(upload.c_str(), target.c_str()) != 0) {
    return errnoError("IoError", "cannot move the uploaded bundle into the revision store as " +
                                     target.string(),
                      errno);
  }
  uploadCleanup.release();
  if (Status synced = syncPath(folder_, O_RDONLY | O_DIRECTORY, "the revision store folder");
      !synced.ok()) {
    return synced.error();
  }
  return mirrored();
}

Result<BundleContents> RevisionStore::contents(const std::string& sha256,
                                              const std::string& appspecFilename) const {
  Result<fs::path> bundlePath = pathFor(sha256);
  if (!bundlePath.ok()) return bundlePath.error();
  Result<bundle::BundleType> type = bundle::detectBundleType(*bundlePath);
  if (!type.ok()) return type.error();
  fs::path scratch = folder_ / kScratch / uniqueName("read-");
  RemoveOnExit scratchCleanup(scratch);
  Result<bundle::ExtractReport> extracted =
      bundle::extract(*bundlePath, *type, scratch, limits_, appspecFilename);
  if (!extracted.ok()) return extracted.error();
  BundleContents contents;
  contents.appspecFilename = appspecFilename.empty() ? "appspec.yml" : appspecFilename;
  Result<std::string> appspec = readWholeFile(scratch / contents.appspecFilename);
  if (appspec.ok()) contents.appspec = std::move(*appspec);
  std::error_code error;
  for (auto it = fs::recursive_directory_iterator(scratch, error);
       !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
    BundleFile file;
    file.path = fs::relative(it->path(), scratch).generic_string();
    std::error_code ignored;
    if (it->is_symlink(ignored)) {
      file.kind = "symlink";
      file.linkTarget = fs::read_symlink(it->path(), ignored).string();
    } else if (it->is_directory(ignored)) {
      file.kind = "directory";
    } else {
      file.kind = "file";
      file.sizeBytes = static_cast<std::int64_t>(it->file_size(ignored));
      Result<std::string> hash = sha256File(it->path());
      if (hash.ok()) file.sha256 = *hash;
    }
    contents.files.push_back(std::move(file));
  }
  if (error) {
    return errnoError("IoError", "cannot list the bundle " + sha256 + " extracted in " +
                                     scratch.string(),
                      error.value());
  }
  std::sort(contents.files.begin(), contents.files.end(),
            [](const BundleFile& a, const BundleFile& b) { return a.path < b.path; });
  return contents;
}

Result<fs::path> RevisionStore::pathFor(const std::string& sha256) const {
  if (sha256.size() != 64 || !detail::isLowerHex(sha256)) {
    return detail::invalidArgument("'" + sha256 + "' is not a bundle's sha256 (64 lower-case hex "
                                   "characters)");
  }
  fs::path path = folder_ / sha256;
  std::error_code error;
  if (!fs::is_regular_file(path, error) && mirror_) {
    // Fetched beside the store and renamed in, so a half-written copy is never a bundle.
    fs::path partial = temporaryPath();
    Status fetched = mirror_->fetch(sha256, partial);
    if (fetched.ok()) {
      auto digest = sha256File(partial);
      if (digest.ok() && *digest == sha256 && ::rename(partial.c_str(), path.c_str()) == 0) {
        return path;
      }
    }
    fs::remove(partial, error);
    if (!fetched.ok() && fetched.error().code != codes::kNotFound) {
      return Error{fetched.error().code, "the bundle " + sha256 + " is not in the revision store " +
                                             folder_.string() + " and could not be fetched from " +
                                             mirror_->describe(sha256) + ": " + fetched.error().message};
    }
  }
  if (!fs::is_regular_file(path, error)) {
    return detail::notFound("the bundle " + sha256 + " is not in the revision store " +
                            folder_.string() + "; push the revision again");
  }
  return path;
}

}  // namespace greenlight::catalog
