// Error codes shared across modules, so the API can answer every failure with the right HTTP
// status without knowing which module produced it (see httpStatusFor in the server).
#pragma once

namespace greenlight::codes {

inline constexpr const char* kNotFound = "NotFound";            // 404: unknown id or name
inline constexpr const char* kAlreadyExists = "AlreadyExists";  // 409: the name is taken
inline constexpr const char* kConflict = "Conflict";            // 409: refused in the current state
inline constexpr const char* kInvalidArgument = "InvalidArgument";  // 400: bad input, message says where
inline constexpr const char* kInvalidGroupSpec = "InvalidGroupSpec";  // 400: a group file or body
inline constexpr const char* kInvalidRevision = "InvalidRevision";    // 422: a bundle without a valid AppSpec
// 422: a valid group this server cannot run (a provider it has not set up)
inline constexpr const char* kProviderNotConfigured = "ProviderNotConfigured";
inline constexpr const char* kForbidden = "Forbidden";          // 403
inline constexpr const char* kUnavailable = "Unavailable";      // 503: try again later
inline constexpr const char* kInternal = "Internal";            // 500

}  // namespace greenlight::codes
