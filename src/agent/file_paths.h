// Host paths for the Install event: checks that a path from an AppSpec or a cleanup list stays
// where it claims to be, and maps it under the install root ("/" on a real host).
#pragma once

#include <filesystem>
#include <string>

#include "common/result.h"

namespace greenlight::agent {

// True when `hostPath` is absolute and has no "." or ".." component, so that joining it under an
// install root can never leave that root.
bool isConfinedHostPath(const std::string& hostPath);

// "/var//www/" -> "/var/www". REQUIRES: isConfinedHostPath(hostPath) after dropping empty parts.
std::string normalizeHostPath(const std::string& hostPath);

// "/var/www" under "/tmp/i-1" -> "/tmp/i-1/var/www"; under "/" -> "/var/www".
std::filesystem::path onDisk(const std::filesystem::path& installRoot, const std::string& hostPath);

// "/var/www" + "a/b" -> "/var/www/a/b"; "/" + "a" -> "/a".
std::string joinHostPath(const std::string& parent, const std::string& relative);

// True when `path` is `ancestor` or lies below it ("/var/www" is below "/var", not "/va").
bool isAtOrBelow(const std::string& path, const std::string& ancestor);

// Writes all of `data`, retrying short writes. Returns 0 or the errno of the failed write.
int writeFully(int fd, const char* data, std::size_t size);

// "<what>: <strerror(errnum)>. <advice>" — errnoError with the operator's next step appended.
Error fileError(std::string code, const std::string& what, int errnum, const std::string& advice);

}  // namespace greenlight::agent
