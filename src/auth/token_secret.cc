// Generating, recognising and hashing token secrets.
#include "auth/token_secret.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/rand.h>

#include <array>

#include "common/sha256.h"

namespace greenlight::auth {
namespace {

constexpr char kBase64Url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string base64UrlUnpadded(const unsigned char* bytes, std::size_t size) {
  std::string out;
  std::size_t i = 0;
  for (; i + 3 <= size; i += 3) {
    unsigned triple = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    for (int shift = 18; shift >= 0; shift -= 6) out.push_back(kBase64Url[(triple >> shift) & 63]);
  }
  std::size_t rest = size - i;
  if (rest == 1) {
    unsigned single = bytes[i] << 16;
    out.push_back(kBase64Url[(single >> 18) & 63]);
    out.push_back(kBase64Url[(single >> 12) & 63]);
  } else if (rest == 2) {
    unsigned pair = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out.push_back(kBase64Url[(pair >> 18) & 63]);
    out.push_back(kBase64Url[(pair >> 12) & 63]);
    out.push_back(kBase64Url[(pair >> 6) & 63]);
  }
  return out;
}

bool isBase64UrlCharacter(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

}  // namespace

Result<std::string> generateTokenSecret() {
  std::array<unsigned char, kSecretBytes> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    return Error{"RandomUnavailable",
                 "cannot make a token secret: OpenSSL's random generator failed (" +
                     std::to_string(ERR_get_error()) +
                     "); check that /dev/urandom or getrandom() is available to greenlight"};
  }
  std::string secret = std::string(kTokenPrefix) + base64UrlUnpadded(bytes.data(), bytes.size());
  OPENSSL_cleanse(bytes.data(), bytes.size());
  return secret;
}

bool looksLikeTokenSecret(std::string_view text) {
  if (text.size() != kSecretLength || text.substr(0, kTokenPrefix.size()) != kTokenPrefix) {
    return false;
  }
  for (char c : text.substr(kTokenPrefix.size())) {
    if (!isBase64UrlCharacter(c)) return false;
  }
  return true;
}

std::string tokenSecretHash(std::string_view secret) { return sha256Hex(secret); }

bool hashesEqual(std::string_view left, std::string_view right) {
  return left.size() == right.size() && CRYPTO_memcmp(left.data(), right.data(), left.size()) == 0;
}

}  // namespace greenlight::auth
