// Placeholder replaced by the revision store.
#include "catalog/revision_store.h"
#include "common/error_codes.h"

namespace greenlight::catalog {

Result<RevisionStore> RevisionStore::open(const std::filesystem::path& folder, bundle::Limits limits) {
  return RevisionStore(folder, limits);
}
std::filesystem::path RevisionStore::temporaryPath() const { return folder_ / ".incoming"; }
Result<StoredBundle> RevisionStore::ingest(const std::filesystem::path&) {
  return Error{codes::kInternal, "not implemented"};
}
Result<std::filesystem::path> RevisionStore::pathFor(const std::string&) const {
  return Error{codes::kInternal, "not implemented"};
}

}  // namespace greenlight::catalog
