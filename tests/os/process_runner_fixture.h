// Shared set-up for the process runner tests: hook scripts written into a fresh folder, and
// cleanup of any daemon a test leaves behind on purpose.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/types.h>

#include <chrono>
#include <fstream>
#include <string>
#include <vector>

#include "os/process_runner.h"
#include "support/test_support.h"

namespace greenlight::os::testing {

class ProcessRunnerFixture : public ::testing::Test {
 protected:
  ~ProcessRunnerFixture() override {
    for (pid_t group : groupsToKill_) killProcessTree(group, std::chrono::milliseconds(0));
  }

  // A /bin/sh hook script with `body`, run from the test folder with a minimal environment.
  ProcessSpec scriptSpec(const std::string& body) {
    auto path = dir_ / ("hook" + std::to_string(++scripts_) + ".sh");
    greenlight::testing::writeFile(path, "#!/bin/sh\n" + body, 0755);
    ProcessSpec spec;
    spec.argv = {path.string()};
    spec.environment = {{"PATH", "/usr/local/bin:/usr/bin:/bin"}};
    spec.workingDirectory = dir_.path().string();
    spec.timeout = std::chrono::seconds(60);
    return spec;
  }

  // Runs `spec`; the hook's process group is killed when the test ends, whatever happened.
  ProcessResult run(const ProcessSpec& spec, const OutputCallback& onOutput = nullptr) {
    return runner_.run(spec, onOutput, [this](pid_t group) {
      startedGroup_ = group;
      groupsToKill_.push_back(group);
    });
  }

  std::vector<pid_t> readPids(const std::string& file) {
    std::vector<pid_t> pids;
    std::ifstream in(dir_ / file);
    for (long pid = 0; in >> pid;) pids.push_back(static_cast<pid_t>(pid));
    return pids;
  }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  greenlight::testing::TempDir dir_;
  PosixProcessRunner runner_;
  pid_t startedGroup_ = 0;

 private:
  std::vector<pid_t> groupsToKill_;
  int scripts_ = 0;
};

}  // namespace greenlight::os::testing
