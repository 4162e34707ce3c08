// The dashboard's files (src/server/web), compiled into the binary by a CMake step
// (cmake/EmbedWebAssets.cmake), and how the server answers for them: content type, ETag, cache
// and security headers.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "http/http_message.h"

namespace greenlight::server {

struct WebAsset {
  std::string_view name;   // the file's name, e.g. "app.js"
  std::string_view bytes;  // its content, static storage
};

// Every embedded file, by name. Defined in the generated web_assets_data.cc.
std::span<const WebAsset> webAssets();

// "text/html; charset=utf-8", "text/javascript; charset=utf-8", ... from the name's extension.
std::string_view contentTypeFor(std::string_view name);

// The Content-Security-Policy every dashboard page is served with: only this origin's scripts,
// styles, and connections; no inline script, no frames, no plugins.
inline constexpr std::string_view kDashboardPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'";

// The response for the embedded file `name` (200, or 304 when `ifNoneMatch` names its ETag), or
// nothing when there is no such file.
std::optional<http::HttpResponse> webAssetResponse(std::string_view name,
                                                   const std::optional<std::string>& ifNoneMatch);

}  // namespace greenlight::server
