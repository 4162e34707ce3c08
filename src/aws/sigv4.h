// AWS Signature Version 4: the canonical request, the string to sign, the signing key and the
// Authorization header, computed from the request alone (pure, no I/O, no clock).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aws/credentials.h"
#include "common/clock.h"

namespace greenlight::aws {

// Header name/value pairs in the order they are sent; names compare case-insensitively.
using Headers = std::vector<std::pair<std::string, std::string>>;

// The request as it will be sent. `path` is the raw (decoded) path, e.g. "/my bucket/a b.txt";
// the signer percent-encodes it once, and uriEncodePath() gives the same encoding for the wire.
// `query` is the query string without '?', either raw or already percent-encoded (it is decoded
// and re-encoded canonically). `headers` must include Host.
struct SigningRequest {
  std::string method;
  std::string path = "/";
  std::string query;
  Headers headers;
  std::string_view body;
};

struct SigningParams {
  Credentials credentials;
  std::string region;   // e.g. "us-east-1"
  std::string service;  // the signing name, e.g. "autoscaling", "s3"
  WallTime time;
  // S3 signs the path as given; every other service removes dot segments and duplicate slashes.
  bool normalizePath = true;
  // Adds x-amz-content-sha256 (S3 requires it): the body's SHA-256, or UNSIGNED-PAYLOAD.
  bool addContentSha256 = false;
  bool unsignedPayload = false;
};

// Every intermediate string, so tests can compare each step with AWS's suite.
struct SignedRequest {
  std::string canonicalRequest;
  std::string stringToSign;
  std::string signature;      // lowercase hex
  std::string authorization;  // the Authorization header value
  // Headers the signer added and the request must carry: X-Amz-Date (when absent),
  // X-Amz-Security-Token (with a session token), x-amz-content-sha256 (when asked).
  Headers addedHeaders;
};

// REQUIRES: request.headers contains Host. Thread-safe (no state).
SignedRequest signRequest(const SigningRequest& request, const SigningParams& params);

// "20150830T123600Z", the X-Amz-Date form of `time` in UTC.
std::string amzDate(WallTime time);
// AWS percent-encoding: everything but A-Z a-z 0-9 - _ . ~ becomes %XX (uppercase hex).
std::string uriEncode(std::string_view text);
// As uriEncode, keeping '/' (the canonical and wire form of a path).
std::string uriEncodePath(std::string_view path);
// Decodes %XX sequences ('+' is kept as is); text with a malformed escape is returned unchanged.
std::string uriDecode(std::string_view text);
// RFC 3986 dot-segment removal plus collapsed duplicate slashes (non-S3 canonical paths).
std::string normalizePath(std::string_view path);
std::string hmacSha256(std::string_view key, std::string_view data);  // raw bytes
std::string toHex(std::string_view bytes);

}  // namespace greenlight::aws
