// Shared by the fleet tests: a fake agent program (a shell script standing in for
// `greenlight agent`) that records how it was started and leaves a daemon behind the way a hook
// would, and reading what it recorded.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>

#include "support/test_support.h"

namespace greenlight::fleet {

// Writes the fake agent into `folder` and returns its path. Started in its instance folder, it
// writes args (one per line) and env there, starts a `sleep` daemon that double-forks into its
// own session (its pid in daemon.pid) and a `sleep` child of its own, writes started (so three
// processes carry the instance id from then on), then waits. With `ignoreTerm` it ignores
// SIGTERM, so only SIGKILL stops it.
inline std::filesystem::path writeFakeAgent(const std::filesystem::path& folder,
                                            bool ignoreTerm = false) {
  std::string script = "#!/bin/sh\n";
  if (ignoreTerm) script += "trap '' TERM\n";
  script +=
      "for argument in \"$@\"; do echo \"$argument\"; done > args\n"
      "env > env\n"
      "( setsid sh -c 'sleep 1000 & echo $! > daemon.pid' & )\n"
      "sleep 1000 &\n"
      "while [ ! -s daemon.pid ]; do sleep 0.01; done\n"
      "echo started > started\n"
      "while :; do wait; done\n";
  auto path = folder / (ignoreTerm ? "stubborn-agent.sh" : "fake-agent.sh");
  testing::writeFile(path, script, 0755);
  return path;
}

inline pid_t readPidFile(const std::filesystem::path& file) {
  std::string text = testing::readFile(file);
  return text.empty() ? 0 : static_cast<pid_t>(std::stoi(text));
}

}  // namespace greenlight::fleet
