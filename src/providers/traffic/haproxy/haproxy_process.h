// The HAProxy master process of an embedded provider's folder: started detached so that it
// outlives greenlight, found again through its pid file and master socket, stopped on request.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>

#include "common/result.h"

namespace greenlight::providers::haproxy {

struct ProcessPaths {
  std::filesystem::path config;
  std::filesystem::path masterSocket;
  std::filesystem::path pidFile;
  std::filesystem::path logFile;
};

// Starts `binary -W -S <master>,level,admin -f <config> -p <pid>` as a grandchild in its own
// session (double fork + setsid), stdio to `logFile`; returns once the intermediate child is
// reaped, without waiting for HAProxy to be ready (the caller polls its sockets).
Status launchDetached(const std::string& binary, const ProcessPaths& paths);

// The master's pid from the pid file (HAProxy writes the master's with -W), or 0.
int readPidFile(const std::filesystem::path& pidFile);

// True when a process with this pid exists and is not a zombie.
bool processAlive(int pid);

// True when any process of this process group is left (the master leads its own group).
bool processGroupAlive(int processGroup);

// The last lines of the log, for messages.
std::string logTail(const std::filesystem::path& logFile, std::size_t maxBytes = 1500);

}  // namespace greenlight::providers::haproxy
