// How a receiver can tell a notification came from this server: an HMAC-SHA256 of the exact body
// bytes under a key both sides hold, sent as `X-Greenlight-Signature: sha256=<hex>` (the shape
// GitHub's webhooks use, so existing verifiers work).
#pragma once

#include <string>
#include <string_view>

namespace greenlight::notify {

inline constexpr const char* kSignatureHeader = "X-Greenlight-Signature";
inline constexpr const char* kEventHeader = "X-Greenlight-Event";
inline constexpr const char* kDeliveryHeader = "X-Greenlight-Delivery";

// Lower-case hex of HMAC-SHA256(key, message).
std::string hmacSha256Hex(std::string_view key, std::string_view message);
// "sha256=" + hmacSha256Hex(key, body): the signature header's value.
std::string signatureFor(std::string_view key, std::string_view body);

}  // namespace greenlight::notify
