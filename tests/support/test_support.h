// Helpers shared by every test binary: temporary folders, running the greenlight binary,
// writing files, waiting for a condition with a deadline (never a bare sleep).
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace greenlight::testing {

// A fresh folder under $TMPDIR removed (recursively) when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// Writes `content` to `path`, creating parent folders; `mode` e.g. 0755 for scripts.
void writeFile(const std::filesystem::path& path, const std::string& content, unsigned mode = 0644);
std::string readFile(const std::filesystem::path& path);

struct CommandResult {
  int exitCode = -1;
  std::string output;  // stdout and stderr together
};
// Runs a shell command line (through /bin/sh -c), capturing its output.
CommandResult runCommand(const std::string& commandLine);

// True when any of `lines` contains `needle` (for checking log lines and notes).
bool anyLineContains(const std::vector<std::string>& lines, const std::string& needle);

// Path of the built `greenlight` binary, the source tree and ../shared.
std::filesystem::path greenlightBinary();
std::filesystem::path sourceDir();
std::filesystem::path sharedDir();

// Polls `condition` every few milliseconds until it holds or `deadline` passes.
bool waitFor(const std::function<bool()>& condition,
             std::chrono::milliseconds deadline = std::chrono::seconds(30));

// A TCP port on 127.0.0.1 free at the time of the call.
int freePort();

// True when a process with this pid exists (and is not a zombie).
bool processAlive(int pid);

}  // namespace greenlight::testing
