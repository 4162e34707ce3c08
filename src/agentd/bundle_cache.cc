// Download, verification, reuse and pruning of bundles.
#include "agentd/bundle_cache.h"

#include <algorithm>
#include <vector>

#include "common/sha256.h"

namespace greenlight::agentd {

namespace fs = std::filesystem;

bool isSha256(const std::string& text) {
  return text.size() == 64 &&
         std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

Result<fs::path> BundleCache::fetch(ServerClient& client, const std::string& sha256, const std::string& path) {
  if (!isSha256(sha256)) {
    return Error{"BundleUnavailable", "the command names revision '" + sha256 + "', which is not a sha256; the server sent a malformed command"};
  }
  std::error_code error;
  fs::create_directories(folder_, error);
  if (error) return Error{"IoError", "cannot create the bundle folder " + folder_.string() + ": " + error.message()};
  fs::path bundle = folder_ / sha256;
  if (fs::exists(bundle, error)) {
    auto digest = sha256File(bundle);
    if (digest.ok() && *digest == sha256) {
      fs::last_write_time(bundle, fs::file_time_type::clock::now(), error);  // most recently used
      return bundle;
    }
    fs::remove(bundle, error);  // damaged on disk: fetch it again
  }
  fs::path partial = folder_ / (sha256 + ".download");
  auto answer = client.download(path, partial);
  if (!answer.ok()) return answer.error();
  if (!answer->ok()) {
    return Error{"BundleUnavailable", "the server would not give revision " + sha256 + " (GET " + path + ", HTTP " +
                                          std::to_string(answer->status) + "): " + answer->toError().message};
  }
  auto digest = sha256File(partial);
  if (!digest.ok()) return digest.error();
  if (*digest != sha256) {
    fs::remove(partial, error);
    return Error{"BundleChecksumMismatch", "the bundle downloaded from " + path + " has sha256 " + *digest + " but " +
                                               sha256 + " was expected; it was changed or corrupted on the way or in "
                                               "the revision store. Nothing was extracted; push the revision again."};
  }
  fs::rename(partial, bundle, error);
  if (error) return Error{"IoError", "cannot store the bundle at " + bundle.string() + ": " + error.message()};
  return bundle;
}

void BundleCache::prune(std::size_t keep, const std::string& current) {
  std::error_code error;
  std::vector<std::pair<fs::file_time_type, fs::path>> bundles;
  for (fs::directory_iterator it(folder_, error), end; !error && it != end; it.increment(error)) {
    if (!it->is_regular_file(error) || it->path().filename() == current) continue;
    bundles.emplace_back(it->last_write_time(error), it->path());
  }
  std::sort(bundles.begin(), bundles.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::size_t others = keep > 0 ? keep - 1 : 0;  // `current` is one of the kept
  for (std::size_t i = others; i < bundles.size(); ++i) fs::remove(bundles[i].second, error);
}

}  // namespace greenlight::agentd
