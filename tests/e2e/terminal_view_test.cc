// The live terminal view as an operator sees it: `greenlight status --watch` under a real
// pseudo-terminal (tmux) against a real server deploying to local agents draws the tree in place;
// the same with stdout in a file writes plain timed lines; `greenlight rollback` with no revision
// asks on a terminal and takes the last good revision otherwise.
#include <iostream>
#include <regex>

#include "e2e/blue_green_fixture.h"

namespace greenlight::testing {
namespace {

// A tmux server of the test's own (its socket in the test's folder), its panes 120×40.
class Tmux {
 public:
  explicit Tmux(const fs::path& socket) : socket_(socket) {}
  ~Tmux() { runCommand(tmux() + " kill-server 2>/dev/null"); }

  // Runs `command` (a shell line) in a new window `name` with a UTF-8 locale; the window stays
  // after it ends, its exit code shown as "EXIT=<code>".
  void start(const std::string& name, const std::string& command) {
    std::string line = "export LANG=C.UTF-8; unset NO_COLOR; " + command + "; echo EXIT=$?; exec cat";
    std::string verb = started_ ? "new-window -d -n " + name : "new-session -d -x 120 -y 40 -s main -n " + name;
    CommandResult result = runCommand(tmux() + " " + verb + " " + shellQuote(line));
    ASSERT_EQ(result.exitCode, 0) << result.output;
    started_ = true;
  }

  // What window `name` shows now (with `history`, everything it printed, scrolled off or not).
  std::string capture(const std::string& name, bool history = false) const {
    return runCommand(tmux() + " capture-pane -p -J " + (history ? "-S - " : "") + "-t main:" + name).output;
  }

  // Waits until window `name` shows `text`; returns the screen.
  std::string waitForText(const std::string& name, const std::string& text,
                          std::chrono::seconds limit = std::chrono::seconds(120)) const {
    std::string screen;
    bool shown = waitFor(
        [&] {
          screen = capture(name);
          return screen.find(text) != std::string::npos;
        },
        limit);
    EXPECT_TRUE(shown) << "window " << name << " never showed '" << text << "'; it shows:\n" << screen;
    return screen;
  }

  void sendKeys(const std::string& name, const std::string& keys) {
    CommandResult result = runCommand(tmux() + " send-keys -t main:" + name + " " + keys);
    EXPECT_EQ(result.exitCode, 0) << result.output;
  }

 private:
  std::string tmux() const { return "tmux -f /dev/null -u -S " + shellQuote(socket_.string()); }

  fs::path socket_;
  bool started_ = false;
};

std::size_t countOf(const std::string& text, const std::string& part) {
  std::size_t count = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++count;
  return count;
}

// Columns a line takes: one per UTF-8 character (what greenlight draws is one column wide each).
std::size_t displayColumns(const std::string& line) {
  std::size_t columns = 0;
  for (unsigned char c : line) columns += (c & 0xC0) != 0x80 ? 1 : 0;
  return columns;
}

std::vector<std::string> linesOf(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) lines.push_back(line);
  return lines;
}

class TerminalViewIntegration : public BlueGreenIntegration {
 protected:
  // `greenlight ARGS` as a shell line, with the server's address and token.
  std::string greenlight(const std::string& arguments) const {
    return "GREENLIGHT_ADDR=" + shellQuote(plane_.address()) + " GREENLIGHT_TOKEN=" + shellQuote(plane_.token()) + " " +
           shellQuote(greenlightBinary().string()) + " " + arguments;
  }
};

TEST_F(TerminalViewIntegration, WatchDrawsTheTreeOnATerminalAndTimedPlainLinesIntoAFile) {
  begin("canary-10", "{terminationWaitSeconds: 1}", false, "10,pause,100");
  std::string v2 = plane_.push("sample", plane_.sampleRevision("2"));
  std::string id = deploy(v2);
  ASSERT_FALSE(id.empty());
  Tmux tmux(plane_.dir() / "tmux.sock");
  tmux.start("tree", greenlight("status " + id + " --watch"));
  std::string screen = tmux.waitForText("tree", "step 2/3: pause, waiting for `greenlight continue " + id + "`");
  // The deployment, then the step it waits on, then each fleet with its share and its instances.
  EXPECT_NE(screen.find("\u27f3 " + id + "  sample/web  revision " + v2.substr(0, 12) + "  InProgress  "),
            std::string::npos)
      << screen;
  EXPECT_NE(screen.find("2/2 instances  blue/green (Shifting) canary-10"), std::string::npos) << screen;
  EXPECT_NE(screen.find("\u251c\u2500\u2500 \u2016 step 2/3: pause"), std::string::npos) << screen;
  std::regex oldFleet("\u251c\u2500\u2500 \u2714 sample-web-v001  revision " + v1_.substr(0, 12) +
                      "  90% \\S+  serving  2/2 healthy");
  std::regex newFleet("\u2514\u2500\u2500 \u27f3 sample-web-v002  revision " + v2.substr(0, 12) +
                      "  10% \\S+  new  2/2 healthy");
  EXPECT_TRUE(std::regex_search(screen, oldFleet)) << screen;
  EXPECT_TRUE(std::regex_search(screen, newFleet)) << screen;
  EXPECT_EQ(countOf(screen, "\u2502   \u251c\u2500\u2500 \u2714 i-") + countOf(screen, "\u2502   \u2514\u2500\u2500 \u2714 i-"), 2u)
      << "the previous fleet's two instances: " << screen;
  EXPECT_EQ(countOf(screen, "    \u251c\u2500\u2500 \u2714 i-") + countOf(screen, "    \u2514\u2500\u2500 \u2714 i-"), 2u)
      << "the new fleet's two instances, installed: " << screen;
  for (const auto& line : linesOf(screen)) EXPECT_LT(displayColumns(line), 120u) << line;
  std::cout << "the tree at the pause:\n" << screen << std::flush;

  // Meanwhile the same watch with stdout in a file (as in CI), from the pause to the end.
  fs::path plain = plane_.dir() / "plain.txt";
  tmux.start("plain", greenlight("status " + id + " --watch") + " > " + shellQuote(plain.string()) + " 2>&1");
  ASSERT_TRUE(waitFor([&] { return fs::exists(plain) && readFile(plain).find("Following deployment") != std::string::npos; }));
  CommandResult continued = plane_.cli("continue " + id);
  ASSERT_EQ(continued.exitCode, 0) << continued.output;

  screen = tmux.waitForText("tree", "EXIT=0", std::chrono::seconds(180));
  EXPECT_NE(screen.find("\u2714 " + id + "  sample/web"), std::string::npos) << screen;
  EXPECT_NE(screen.find("Deployment " + id + " Succeeded"), std::string::npos) << screen;
  // Redrawn in place: the tree is on the screen once, not once per answer of the watch.
  std::string everything = tmux.capture("tree", true);
  EXPECT_EQ(countOf(everything, " " + id + "  sample/web  revision"), 1u) << everything;
  EXPECT_EQ(countOf(everything, "sample-web-v002  revision"), 1u) << everything;

  ASSERT_TRUE(waitFor([&] { return readFile(plain).find("Deployment " + id + " Succeeded") != std::string::npos; },
                      std::chrono::seconds(60)))
      << readFile(plain);
  std::string text = readFile(plain);
  EXPECT_EQ(text.find('\033'), std::string::npos) << "no escape sequence in a file: " << text;
  std::regex timed("^[0-2][0-9]:[0-5][0-9]:[0-6][0-9] deployment " + id + ": .+$");
  std::set<std::string> seen;
  int changeLines = 0;
  for (const auto& line : linesOf(text)) {
    if (line.rfind("Following", 0) == 0 || line.rfind("Deployment ", 0) == 0 || line.find(" instance ") != std::string::npos) {
      continue;
    }
    EXPECT_TRUE(std::regex_match(line, timed)) << "a change line with its time: '" << line << "'\n" << text;
    EXPECT_TRUE(seen.insert(line.substr(9)).second) << "one line per change, not per answer: '" << line << "'\n" << text;
    ++changeLines;
  }
  // The watch answers with the latest state, so steps passed between two answers may not have a
  // line; the one it started at and the end always do.
  EXPECT_NE(text.find(" deployment " + id + ": step 2 of 3: 10% to sample-web-v002, waiting for greenlight continue\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(" deployment " + id + ": Succeeded\nDeployment " + id + " Succeeded in "), std::string::npos) << text;
  EXPECT_GE(changeLines, 4) << text;
}

// Revisions of a bundle whose hooks only print, each one different.
fs::path tinyRevision(const fs::path& folder, const std::string& version) {
  writeFile(folder / "appspec.yml",
            "version: 0.0\nos: linux\nhooks:\n  ValidateService:\n    - location: validate.sh\n");
  writeFile(folder / "validate.sh", "#!/bin/sh\necho version " + version + "\n", 0755);
  return folder;
}

TEST_F(TerminalViewIntegration, RollbackAsksOnATerminalAndTakesTheLastGoodOneOtherwise) {
  plane_.startServer();
  ASSERT_EQ(plane_.cli("app create tiny").exitCode, 0);
  plane_.createLocalGroup("tiny", "web", 1, "deploymentConfig: CodeDeployDefault.AllAtOnce\n");
  std::vector<std::string> revisions;
  for (const std::string version : {"1", "2", "3"}) {
    revisions.push_back(plane_.push("tiny", tinyRevision(plane_.dir() / ("tiny-" + version), version)));
    json done = plane_.cliJson("deploy tiny web --revision " + revisions.back() + " --wait");
    ASSERT_EQ(done.value("status", ""), "Succeeded") << done.dump(2);
  }
  auto newest = [&] { return plane_.cliJson("history tiny web --limit 1").at("deployments").at(0); };

  Tmux tmux(plane_.dir() / "tmux.sock");
  tmux.start("pick", greenlight("rollback tiny web --wait"));
  std::string screen = tmux.waitForText("pick", "Roll back to which one?");
  // Revision 3 is what the rollback undoes: 2 and 1 are offered, 2 first and the default.
  EXPECT_NE(screen.find("1)  " + revisions[1].substr(0, 12) + "  "), std::string::npos) << screen;
  EXPECT_NE(screen.find("(default: the last good one)"), std::string::npos) << screen;
  EXPECT_NE(screen.find("2)  " + revisions[0].substr(0, 12) + "  "), std::string::npos) << screen;
  EXPECT_EQ(screen.find(revisions[2].substr(0, 12)), std::string::npos) << screen;
  tmux.sendKeys("pick", "2 Enter");
  screen = tmux.waitForText("pick", "EXIT=0");
  EXPECT_NE(screen.find("Rolling back to revision " + revisions[0].substr(0, 12)), std::string::npos) << screen;
  // --wait drew the in-place tree: the deployment, then its instance.
  EXPECT_NE(screen.find("  revision " + revisions[0].substr(0, 12) + "  Succeeded  "), std::string::npos) << screen;
  EXPECT_NE(screen.find("1/1 instances  in-place CodeDeployDefault.AllAtOnce"), std::string::npos)
      << screen;
  EXPECT_NE(screen.find("\u2514\u2500\u2500 \u2714 i-"), std::string::npos) << screen;
  json picked = newest();
  EXPECT_EQ(picked.value("revision", ""), revisions[0]) << picked.dump(2);
  EXPECT_EQ(picked.value("creator", ""), "rollback") << picked.dump(2);
  EXPECT_EQ(picked.value("status", ""), "Succeeded") << picked.dump(2);

  // Not on a terminal: no question, the last good revision (3, before the rollback to 1), said.
  CommandResult piped = runCommand(greenlight("rollback tiny web --wait") + " < /dev/null");
  EXPECT_EQ(piped.exitCode, 0) << piped.output;
  EXPECT_NE(piped.output.find("Rolling back to the last good revision " + revisions[2].substr(0, 12)), std::string::npos)
      << piped.output;
  EXPECT_EQ(piped.output.find("which one"), std::string::npos) << piped.output;
  EXPECT_EQ(piped.output.find('\033'), std::string::npos) << piped.output;
  EXPECT_EQ(newest().value("revision", ""), revisions[2]);

  // --yes on a terminal: no question either; the last good one is now the rollback to 1.
  tmux.start("yes", greenlight("rollback tiny web --yes --wait"));
  screen = tmux.waitForText("yes", "EXIT=0");
  EXPECT_NE(screen.find("Rolling back to the last good revision " + revisions[0].substr(0, 12)), std::string::npos)
      << screen;
  EXPECT_EQ(screen.find("which one"), std::string::npos) << screen;
  EXPECT_EQ(newest().value("revision", ""), revisions[0]);

  // q on the question: nothing is deployed.
  std::string before = newest().value("id", "");
  tmux.start("cancel", greenlight("rollback tiny web"));
  tmux.waitForText("cancel", "Roll back to which one?");
  tmux.sendKeys("cancel", "q Enter");
  screen = tmux.waitForText("cancel", "EXIT=1");
  EXPECT_NE(screen.find("rollback cancelled: nothing was deployed"), std::string::npos) << screen;
  EXPECT_EQ(newest().value("id", ""), before);

  // --revision still picks outright, on a terminal too.
  tmux.start("named", greenlight("rollback tiny web --revision " + revisions[1].substr(0, 12)));
  screen = tmux.waitForText("named", "EXIT=0");
  EXPECT_EQ(screen.find("which one"), std::string::npos) << screen;
  EXPECT_EQ(newest().value("revision", ""), revisions[1]);
}

}  // namespace
}  // namespace greenlight::testing
