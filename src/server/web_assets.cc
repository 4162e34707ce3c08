// Serving the embedded dashboard files: types by extension, an ETag per file (its sha256, computed
// once), and headers that keep the pages from being framed, sniffed or run foreign scripts.
#include "server/web_assets.h"

#include <map>

#include "common/sha256.h"

namespace greenlight::server {

namespace {

bool endsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// name -> "\"<sha256>\"", built on first use; read-only afterwards (thread-safe static init).
const std::map<std::string_view, std::string>& etags() {
  static const std::map<std::string_view, std::string> byName = [] {
    std::map<std::string_view, std::string> result;
    for (const WebAsset& asset : webAssets()) {
      result.emplace(asset.name, "\"" + sha256Hex(asset.bytes).substr(0, 32) + "\"");
    }
    return result;
  }();
  return byName;
}

// If-None-Match may list several tags, or be "*".
bool matches(const std::string& ifNoneMatch, const std::string& etag) {
  return ifNoneMatch == "*" || ifNoneMatch.find(etag) != std::string::npos;
}

}  // namespace

std::string_view contentTypeFor(std::string_view name) {
  if (endsWith(name, ".html")) return "text/html; charset=utf-8";
  if (endsWith(name, ".js")) return "text/javascript; charset=utf-8";
  if (endsWith(name, ".css")) return "text/css; charset=utf-8";
  if (endsWith(name, ".svg")) return "image/svg+xml";
  if (endsWith(name, ".json")) return "application/json";
  return "application/octet-stream";
}

std::optional<http::HttpResponse> webAssetResponse(std::string_view name,
                                                   const std::optional<std::string>& ifNoneMatch) {
  for (const WebAsset& asset : webAssets()) {
    if (asset.name != name) continue;
    const std::string& etag = etags().at(asset.name);
    http::HttpResponse response;
    response.contentType = std::string(contentTypeFor(name));
    // Names carry no hash, so the browser asks again each time and gets a 304 while unchanged.
    response.headers = {{"ETag", etag},
                        {"Cache-Control", "no-cache"},
                        {"Content-Security-Policy", std::string(kDashboardPolicy)},
                        {"X-Content-Type-Options", "nosniff"},
                        {"X-Frame-Options", "DENY"},
                        {"Referrer-Policy", "no-referrer"}};
    if (ifNoneMatch && matches(*ifNoneMatch, etag)) {
      response.status = 304;
      response.contentType.clear();
      return response;
    }
    response.body = std::string(asset.bytes);
    return response;
  }
  return std::nullopt;
}

}  // namespace greenlight::server
