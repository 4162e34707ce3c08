// Token secrets: 32 random bytes shown once as "glt_<base64url>", and the sha256 that is all the
// store ever keeps of them.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace greenlight::auth {

inline constexpr std::string_view kTokenPrefix = "glt_";
inline constexpr std::size_t kSecretBytes = 32;
// 32 bytes in unpadded base64url take 43 characters.
inline constexpr std::size_t kSecretLength = kTokenPrefix.size() + 43;

// A fresh secret from OpenSSL's CSPRNG; fails only if the CSPRNG cannot be seeded.
Result<std::string> generateTokenSecret();
// True when `text` has the shape of a secret (prefix, length, alphabet), nothing more.
bool looksLikeTokenSecret(std::string_view text);
// The lowercase hex sha256 of the whole secret, as stored.
std::string tokenSecretHash(std::string_view secret);
// Constant-time equality of two hashes of equal length (false when lengths differ).
bool hashesEqual(std::string_view left, std::string_view right);

}  // namespace greenlight::auth
