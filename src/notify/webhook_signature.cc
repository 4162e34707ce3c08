// HMAC-SHA256 through OpenSSL's one-shot HMAC().
#include "notify/webhook_signature.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace greenlight::notify {

std::string hmacSha256Hex(std::string_view key, std::string_view message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &length);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0x0f]);
  }
  return hex;
}

std::string signatureFor(std::string_view key, std::string_view body) {
  return "sha256=" + hmacSha256Hex(key, body);
}

}  // namespace greenlight::notify
