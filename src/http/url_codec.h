// Percent-decoding of paths and query strings (RFC 3986; '+' is a space in queries only).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "http/http_message.h"

namespace greenlight::http {

// Decodes %XX escapes; nullopt when an escape is malformed (e.g. "%zz" or a trailing "%4").
std::optional<std::string> percentDecode(std::string_view text, bool plusIsSpace = false);

// Splits "a=1&b=x%20y&flag" into {{"a","1"},{"b","x y"},{"flag",""}}; nullopt if malformed.
std::optional<NameValueList> parseQueryString(std::string_view query);

// Percent-encodes everything except RFC 3986 unreserved characters (for building URLs).
std::string percentEncode(std::string_view text);

}  // namespace greenlight::http
