// Reading /proc/PID/stat, including command names that contain spaces and parentheses.
#include "os/process_table.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>

namespace greenlight::os {
namespace {

TEST(ProcessTable, ReadsOurOwnEntry) {
  auto self = readProcessEntry(::getpid());
  ASSERT_TRUE(self.has_value());
  EXPECT_EQ(self->parent, ::getppid());
  EXPECT_EQ(self->processGroup, ::getpgrp());
  EXPECT_FALSE(self->zombie());
}

TEST(ProcessTable, CommandNameWithParenthesesAndSpacesDoesNotShiftFields) {
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  pid_t child = ::fork();
  if (child == 0) {
    ::setpgid(0, 0);
    ::prctl(PR_SET_NAME, "a) (b c) d", 0, 0, 0);
    ssize_t ignored = ::write(ready[1], "x", 1);
    (void)ignored;
    ::pause();
    ::_exit(0);
  }
  char byte = 0;
  ASSERT_EQ(::read(ready[0], &byte, 1), 1);
  auto entry = readProcessEntry(child);
  auto members = liveProcessGroupMembers(child);
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  ::close(ready[0]);
  ::close(ready[1]);
  ASSERT_TRUE(entry.has_value());
  EXPECT_EQ(entry->parent, ::getpid());
  EXPECT_EQ(entry->processGroup, child);
  EXPECT_EQ(members, std::vector<pid_t>{child});
}

TEST(ProcessTable, ZombieIsListedButNotLive) {
  pid_t child = ::fork();
  if (child == 0) {
    ::setpgid(0, 0);
    ::_exit(0);
  }
  ::setpgid(child, child);
  // Wait for the exit without reaping, so the child stays a zombie while we look.
  siginfo_t info{};
  ASSERT_EQ(::waitid(P_PID, static_cast<id_t>(child), &info, WEXITED | WNOWAIT), 0);
  auto entry = readProcessEntry(child);
  auto members = liveProcessGroupMembers(child);
  ::waitpid(child, nullptr, 0);
  ASSERT_TRUE(entry.has_value());
  EXPECT_TRUE(entry->zombie());
  EXPECT_TRUE(members.empty());
}

TEST(ProcessTable, ListsUs) {
  auto all = listProcesses();
  EXPECT_TRUE(std::any_of(all.begin(), all.end(),
                          [](const ProcessEntry& e) { return e.pid == ::getpid(); }));
}

}  // namespace
}  // namespace greenlight::os
