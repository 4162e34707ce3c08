// Catalog: revisions of an application, named by their bundle's sha256.
#include <algorithm>
#include <cctype>

#include "catalog/catalog.h"
#include "catalog/catalog_support.h"

namespace greenlight::catalog {
namespace {

using detail::firstError;

constexpr const char* kRevisionColumns =
    "SELECT application, sha256, bundle_type, size_bytes, description, appspec_filename,"
    " created_at FROM revisions";
constexpr std::size_t kShortestPrefix = 7;
constexpr std::size_t kMaxDescription = 1000;

Result<Revision> readRevision(const store::SqliteStatement& row) {
  auto application = row.read<std::string>(0);
  auto sha256 = row.read<std::string>(1);
  auto bundleType = row.read<std::string>(2);
  auto sizeBytes = row.read<std::int64_t>(3);
  auto description = row.read<std::string>(4);
  auto appspecFilename = row.read<std::string>(5);
  auto createdAt = row.read<std::string>(6);
  if (const Error* error =
          firstError(application, sha256, bundleType, sizeBytes, description, appspecFilename,
                     createdAt)) {
    return *error;
  }
  return Revision{*application, *sha256,          *bundleType, *sizeBytes,
                  *description, *appspecFilename, parseTimestamp(*createdAt)};
}

Status checkRevision(const Revision& revision) {
  if (revision.sha256.size() != 64 || !detail::isLowerHex(revision.sha256)) {
    return detail::invalidArgument("a revision's sha256 must be 64 lower-case hex characters, "
                                   "not '" + revision.sha256 + "'");
  }
  if (revision.bundleType != "tar" && revision.bundleType != "tgz" &&
      revision.bundleType != "zip") {
    return detail::invalidArgument("a revision's bundle type must be tar, tgz or zip, not '" +
                                   revision.bundleType + "'");
  }
  if (revision.sizeBytes < 0) {
    return detail::invalidArgument("a revision's size cannot be negative");
  }
  if (revision.description.size() > kMaxDescription) {
    return detail::invalidArgument("a revision's description must be at most " +
                                   std::to_string(kMaxDescription) + " characters, not " +
                                   std::to_string(revision.description.size()) +
                                   "; shorten it");
  }
  if (revision.appspecFilename.empty()) {
    return detail::invalidArgument("a revision must name the AppSpec file found in its bundle");
  }
  return Status::success();
}

std::string lowerCase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

}  // namespace

Result<Revision> Catalog::addRevision(const Revision& revision) {
  if (Status valid = checkRevision(revision); !valid.ok()) return valid.error();
  Result<domain::Application> application = getApplication(revision.application);
  if (!application.ok()) return application.error();
  auto existing = detail::queryFirst<Revision>(
      db_, std::string(kRevisionColumns) + " WHERE application = ? AND sha256 = ?", readRevision,
      revision.application, revision.sha256);
  if (!existing.ok()) return existing.error();
  if (*existing) return std::move(**existing);
  Revision stored = revision;
  stored.createdAt = clock_.now();
  Status inserted = db_.run(
      "INSERT INTO revisions (application, sha256, bundle_type, size_bytes, description,"
      " appspec_filename, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      stored.application, stored.sha256, stored.bundleType, stored.sizeBytes, stored.description,
      stored.appspecFilename, formatTimestamp(stored.createdAt));
  if (!inserted.ok()) return inserted.error();
  return stored;
}

Result<Revision> Catalog::getRevision(const std::string& application, const std::string& ref) {
  Result<domain::Application> app = getApplication(application);
  if (!app.ok()) return app.error();
  if (ref == "latest") {
    auto latest = detail::queryFirst<Revision>(
        db_, std::string(kRevisionColumns) + " WHERE application = ? ORDER BY seq DESC LIMIT 1",
        readRevision, application);
    if (!latest.ok()) return latest.error();
    if (!*latest) {
      return detail::notFound("application '" + application +
                              "' has no revisions yet; push one first");
    }
    return std::move(**latest);
  }
  std::string prefix = lowerCase(ref);
  if (prefix.size() < kShortestPrefix || prefix.size() > 64 || !detail::isLowerHex(prefix)) {
    return detail::invalidArgument(
        "'" + ref + "' does not name a revision: give its sha256, a prefix of at least " +
        std::to_string(kShortestPrefix) + " hex characters, or 'latest'");
  }
  // Hex digits hold no LIKE wildcards, so the prefix is matched literally.
  auto matches = detail::queryAll<Revision>(
      db_,
      std::string(kRevisionColumns) +
          " WHERE application = ? AND sha256 LIKE ? || '%' ORDER BY seq DESC LIMIT 6",
      readRevision, application, prefix);
  if (!matches.ok()) return matches.error();
  if (matches->empty()) {
    return detail::notFound("application '" + application + "' has no revision " + ref +
                            "; list its revisions to see their sha256");
  }
  if (matches->size() > 1) {
    std::vector<std::string> candidates;
    for (const Revision& match : *matches) candidates.push_back(match.sha256.substr(0, 16));
    return detail::invalidArgument("'" + ref + "' matches several revisions of application '" +
                                   application + "' (" + detail::quotedList(candidates, 5) +
                                   "); give more characters of the sha256");
  }
  return std::move(matches->front());
}

Result<std::vector<Revision>> Catalog::listRevisions(const std::string& application) {
  Result<domain::Application> app = getApplication(application);
  if (!app.ok()) return app.error();
  return detail::queryAll<Revision>(
      db_, std::string(kRevisionColumns) + " WHERE application = ? ORDER BY seq DESC",
      readRevision, application);
}

}  // namespace greenlight::catalog
