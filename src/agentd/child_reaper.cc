// Subreaper and non-blocking reaping.
#include "agentd/child_reaper.h"

#include <sys/prctl.h>
#include <sys/wait.h>

#include <cerrno>

namespace greenlight::agentd {

bool becomeChildSubreaper() { return ::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0; }

int reapExitedChildren() {
  int reaped = 0;
  while (true) {
    int status = 0;
    pid_t pid = ::waitpid(-1, &status, WNOHANG);
    if (pid > 0) {
      ++reaped;
      continue;
    }
    if (pid < 0 && errno == EINTR) continue;
    return reaped;  // 0: children left, none exited; -1 ECHILD: none at all
  }
}

}  // namespace greenlight::agentd
