// The drainer execs `cat` with the pipe as stdin and /dev/null as stdout: a separate small
// program rather than a forked copy of greenlight, which would pin a copy-on-write snapshot of the
// agent's memory for as long as the daemon lives. If cat cannot be run, the forked copy drains the
// pipe itself. Between fork and exec only async-signal-safe calls are made.
#include "os/output_drainer.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <utility>

namespace greenlight::os {
namespace {

const char* findCat() {
  for (const char* candidate : {"/bin/cat", "/usr/bin/cat"}) {
    if (::access(candidate, X_OK) == 0) return candidate;
  }
  return nullptr;
}

[[noreturn]] void becomeDrainer(int readEnd, int devNull, const char* catPath) {
  ::setsid();  // out of the hook's group and session: a later tree kill must not reach it
  sigset_t empty;
  ::sigemptyset(&empty);
  for (int signal = 1; signal < NSIG; ++signal) ::signal(signal, SIG_DFL);
  ::sigprocmask(SIG_SETMASK, &empty, nullptr);
  if (::dup2(readEnd, STDIN_FILENO) < 0) ::_exit(1);
  ::fcntl(STDIN_FILENO, F_SETFD, 0);
  if (devNull >= 0) {
    ::dup2(devNull, STDOUT_FILENO);
    ::dup2(devNull, STDERR_FILENO);
  }
  ::close_range(3, ~0U, 0);
  if (catPath != nullptr) {
    // argv[0] stays "cat": busybox-style multi-call binaries dispatch on it.
    char catName[] = "cat";
    char* argv[] = {catName, nullptr};
    char* envp[] = {nullptr};
    ::execve(catPath, argv, envp);
  }
  std::array<char, 4096> discard;
  for (;;) {
    ssize_t n = ::read(STDIN_FILENO, discard.data(), discard.size());
    if (n == 0 || (n < 0 && errno != EINTR)) ::_exit(0);
  }
}

}  // namespace

bool handOffToDrainer(UniqueFd readEnd) {
  readEnd = aboveStdio(std::move(readEnd));
  if (!readEnd.valid()) return false;
  // The read end is non-blocking for the runner's poll loop; the drainer wants blocking reads.
  // O_NONBLOCK lives on the open file description, shared with the drainer, so clear it here.
  int flags = ::fcntl(readEnd.get(), F_GETFL);
  if (flags >= 0) ::fcntl(readEnd.get(), F_SETFL, flags & ~O_NONBLOCK);
  const char* catPath = findCat();
  UniqueFd devNullFd = aboveStdio(UniqueFd(::open("/dev/null", O_RDWR | O_CLOEXEC)));
  int devNull = devNullFd.get();

  sigset_t all;
  sigset_t previous;
  ::sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &previous);  // no handler of ours runs in the fork
  pid_t intermediate = ::fork();
  if (intermediate == 0) {
    // Double fork: the drainer is reparented to init (or the nearest subreaper), not to us.
    pid_t drainer = ::fork();
    if (drainer == 0) becomeDrainer(readEnd.get(), devNull, catPath);
    ::_exit(drainer < 0 ? 1 : 0);
  }
  ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  if (intermediate < 0) return false;
  int status = 0;
  while (::waitpid(intermediate, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace greenlight::os
