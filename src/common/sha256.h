// SHA-256 of files and byte ranges, as lowercase hex (OpenSSL's EVP underneath).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "common/result.h"

namespace greenlight {

// Incremental hasher; not thread-safe; one instance per stream.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(std::string_view bytes);
  // Returns the lowercase hex digest. REQUIRES: called once.
  std::string finishHex();

 private:
  void* context_;  // EVP_MD_CTX*, kept opaque so OpenSSL headers stay out of users.
};

std::string sha256Hex(std::string_view bytes);
// Streams the file in fixed-size chunks: memory stays constant whatever the file size.
Result<std::string> sha256File(const std::filesystem::path& path);

}  // namespace greenlight
