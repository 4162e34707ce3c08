// The sample app's server (examples/sample-app/server/server.py) run directly on a free port, with
// its own copy of the page at a chosen version; SIGTERMed (then SIGKILLed) when the object dies.
#pragma once

#include <signal.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "support/load_generator.h"
#include "support/test_support.h"

namespace greenlight::testing {

class SampleServer {
 public:
  explicit SampleServer(const std::string& version) : port_(freePort()) {
    std::filesystem::copy(sourceDir() / "examples/sample-app/app", www(), std::filesystem::copy_options::recursive);
    writeFile(www() / "VERSION", version + "\n");
    std::string page = readFile(www() / "index.html");
    const std::string original = "<span id=\"version\">1</span>";
    page.replace(page.find(original), original.size(), "<span id=\"version\">" + version + "</span>");
    writeFile(www() / "index.html", page);
  }
  ~SampleServer() { stop(); }
  SampleServer(const SampleServer&) = delete;
  SampleServer& operator=(const SampleServer&) = delete;

  // Starts the server and waits until it answers; false (with the log in `log()`) when it does not.
  bool start() {
    CommandResult started = runCommand(
        "python3 '" + (sourceDir() / "examples/sample-app/server/server.py").string() + "' --port " +
        std::to_string(port_) + " --www '" + www().string() + "' --unhealthy-marker '" + marker().string() + "' > '" +
        (dir_ / "server.log").string() + "' 2>&1 & echo $!");
    pid_ = std::atoi(started.output.c_str());
    return pid_ > 0 && waitFor([&] { return sampleVersions(url("/VERSION"), 1).failures == 0 || !processAlive(pid_); },
                               std::chrono::seconds(20)) &&
           processAlive(pid_);
  }

  // SIGTERM, and true when the server exited within `deadline`; SIGKILL otherwise.
  bool stop(std::chrono::milliseconds deadline = std::chrono::seconds(10)) {
    if (pid_ <= 0) return true;
    ::kill(pid_, SIGTERM);
    bool exited = waitFor([&] { return !processAlive(pid_); }, deadline);
    if (!exited) ::kill(pid_, SIGKILL);
    pid_ = -1;
    return exited;
  }

  std::string url(const std::string& path = "/") const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  std::filesystem::path www() const { return dir_ / "www"; }
  std::filesystem::path marker() const { return dir_ / "unhealthy"; }
  std::string log() const { return readFile(dir_ / "server.log"); }
  int pid() const { return pid_; }

 private:
  TempDir dir_;
  int port_;
  int pid_ = -1;
};

}  // namespace greenlight::testing
