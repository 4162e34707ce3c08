// SigV4 per AWS's "Create a signed AWS API request"; verified against the 26-case suite.
#include "aws/sigv4.h"

#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <map>

#include "common/sha256.h"
#include "http/url_codec.h"

namespace greenlight::aws {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// Trims the value and collapses runs of spaces (folded lines arrive joined by spaces).
std::string canonicalValue(std::string_view value) {
  std::string out;
  bool space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::string canonicalQuery(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> pairs;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view part = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (part.empty()) continue;
    size_t eq = part.find('=');
    std::string key = uriEncode(uriDecode(part.substr(0, eq)));
    std::string value = eq == std::string_view::npos ? "" : uriEncode(uriDecode(part.substr(eq + 1)));
    pairs.emplace_back(std::move(key), std::move(value));
  }
  std::sort(pairs.begin(), pairs.end());
  std::string out;
  for (const auto& [key, value] : pairs) {
    if (!out.empty()) out += '&';
    out += key + "=" + value;
  }
  return out;
}

std::string dateStamp(std::string_view amzDateText) { return std::string(amzDateText.substr(0, 8)); }

std::string headerValue(const Headers& headers, std::string_view lowerName) {
  for (const auto& [name, value] : headers)
    if (lower(name) == lowerName) return value;
  return {};
}

}  // namespace

std::string amzDate(WallTime time) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y%m%dT%H%M%SZ", &utc);
  return text;
}

std::string uriEncode(std::string_view text) { return http::percentEncode(text); }

std::string uriEncodePath(std::string_view path) {
  std::string out;
  size_t start = 0;
  while (true) {
    size_t slash = path.find('/', start);
    out += uriEncode(path.substr(start, slash - start));
    if (slash == std::string_view::npos) break;
    out += '/';
    start = slash + 1;
  }
  return out;
}

std::string uriDecode(std::string_view text) {
  return http::percentDecode(text).value_or(std::string(text));
}

std::string normalizePath(std::string_view path) {
  std::vector<std::string_view> segments;
  size_t start = 0;
  bool trailingSlash = !path.empty() && path.back() == '/';
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    std::string_view segment = path.substr(start, slash == std::string_view::npos ? path.npos : slash - start);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
      trailingSlash = trailingSlash || slash == std::string_view::npos;
    } else if (segment == ".") {
      trailingSlash = trailingSlash || slash == std::string_view::npos;
    } else if (!segment.empty()) {
      segments.push_back(segment);
    }
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  std::string out;
  for (std::string_view segment : segments) out += "/" + std::string(segment);
  if (out.empty() || trailingSlash) out += '/';
  return out;
}

std::string hmacSha256(std::string_view key, std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest, &length);
  return std::string(reinterpret_cast<const char*>(digest), length);
}

std::string toHex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

SignedRequest signRequest(const SigningRequest& request, const SigningParams& params) {
  SignedRequest signed_;
  Headers headers = request.headers;
  std::string date = headerValue(headers, "x-amz-date");
  if (date.empty()) {
    date = amzDate(params.time);
    signed_.addedHeaders.emplace_back("X-Amz-Date", date);
  }
  if (!params.credentials.sessionToken.empty() && headerValue(headers, "x-amz-security-token").empty())
    signed_.addedHeaders.emplace_back("X-Amz-Security-Token", params.credentials.sessionToken);
  std::string payloadHash = params.unsignedPayload ? "UNSIGNED-PAYLOAD" : sha256Hex(request.body);
  if (params.addContentSha256) signed_.addedHeaders.emplace_back("x-amz-content-sha256", payloadHash);
  headers.insert(headers.end(), signed_.addedHeaders.begin(), signed_.addedHeaders.end());

  // Same-name headers join with ',' in the order sent; std::map sorts the names.
  std::map<std::string, std::string> canonicalHeaders;
  for (const auto& [name, value] : headers) {
    std::string& joined = canonicalHeaders[lower(name)];
    if (!joined.empty()) joined += ',';
    joined += canonicalValue(value);
  }
  std::string headerLines, signedHeaders;
  for (const auto& [name, value] : canonicalHeaders) {
    headerLines += name + ":" + value + "\n";
    signedHeaders += (signedHeaders.empty() ? "" : ";") + name;
  }
  std::string path = params.normalizePath ? normalizePath(request.path) : request.path;
  signed_.canonicalRequest = request.method + "\n" + uriEncodePath(path.empty() ? "/" : path) + "\n" +
                             canonicalQuery(request.query) + "\n" + headerLines + "\n" + signedHeaders +
                             "\n" + payloadHash;

  std::string scope = dateStamp(date) + "/" + params.region + "/" + params.service + "/aws4_request";
  signed_.stringToSign = std::string(kAlgorithm) + "\n" + date + "\n" + scope + "\n" +
                         sha256Hex(signed_.canonicalRequest);
  std::string key = hmacSha256("AWS4" + params.credentials.secretAccessKey, dateStamp(date));
  key = hmacSha256(key, params.region);
  key = hmacSha256(key, params.service);
  key = hmacSha256(key, "aws4_request");
  signed_.signature = toHex(hmacSha256(key, signed_.stringToSign));
  signed_.authorization = std::string(kAlgorithm) + " Credential=" + params.credentials.accessKeyId + "/" +
                          scope + ", SignedHeaders=" + signedHeaders + ", Signature=" + signed_.signature;
  return signed_;
}

}  // namespace greenlight::aws
