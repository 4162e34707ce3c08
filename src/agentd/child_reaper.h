// Keeps what hooks leave behind inside the agent's process tree: the agent becomes a child
// subreaper, so a daemon a hook started (even one that double-forked) is re-parented to the agent
// rather than to init, and stopping the instance finds it; its exit is then reaped here.
//
// Reaping uses waitpid(-1), which would also take the exit status of a hook the process runner
// waits for; so it is called only on the agent's main thread between commands, when no hook runs
// (the runner runs on that same thread).
#pragma once

namespace greenlight::agentd {

// prctl(PR_SET_CHILD_SUBREAPER); false when the kernel refuses (then orphans go to init).
bool becomeChildSubreaper();
// Reaps every child that has exited, without blocking. Returns how many.
int reapExitedChildren();

}  // namespace greenlight::agentd
