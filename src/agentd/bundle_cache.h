// The agent's copies of revision bundles: ROOT/bundles/<sha256>, downloaded from the server once
// and reused while their content still matches the name; a download whose sha256 is not the one
// asked for is deleted and refused, so nothing of it is ever extracted. Bounded: the oldest are
// removed beyond a count.
#pragma once

#include <atomic>
#include <cstddef>
#include <filesystem>
#include <string>

#include "agentd/server_client.h"
#include "common/result.h"

namespace greenlight::agentd {

class BundleCache {
 public:
  explicit BundleCache(std::filesystem::path folder) : folder_(std::move(folder)) {}

  // The local path of the bundle with `sha256`, downloading it from `path` when needed.
  // Errors: "BundleChecksumMismatch", "BundleUnavailable" (the server would not give it),
  // "Stopped", "IoError", and the client's fatal errors.
  Result<std::filesystem::path> fetch(ServerClient& client, const std::string& sha256, const std::string& path);
  // Keeps the `keep` most recently used bundles and `current`.
  void prune(std::size_t keep, const std::string& current);

 private:
  std::filesystem::path folder_;
};

// sha256 is 64 lowercase hex digits (it becomes a file name).
bool isSha256(const std::string& text);

}  // namespace greenlight::agentd
