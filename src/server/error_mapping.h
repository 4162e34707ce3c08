// Turns the shared error codes (common/error_codes.h and the modules' own) into HTTP statuses, so
// every handler answers a failure the same way whichever module produced it.
#pragma once

#include <string_view>

#include "common/result.h"
#include "http/http_message.h"

namespace greenlight::server {

// NotFound 404; AlreadyExists, Conflict 409; InvalidArgument, InvalidGroupSpec, MalformedJson and
// other Invalid* codes 400; InvalidRevision and bundle problems 422; Forbidden 403; token errors
// 401; Unavailable and a busy store 503; anything else 500.
int httpStatusFor(std::string_view code);

// The uniform error body with the status its code calls for.
http::HttpResponse errorFor(const Error& error);

}  // namespace greenlight::server
