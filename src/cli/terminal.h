// Terminal presentation shared by the subcommands: colours (only on a terminal), padding,
// human durations, fitting text to a width, and what this terminal is (size, UTF-8 or not).
#pragma once

#include <cstddef>
#include <string>

namespace greenlight::cli {

class Style {
 public:
  explicit Style(bool enabled) : enabled_(enabled) {}
  bool enabled() const { return enabled_; }
  std::string bold(const std::string& text) const { return wrap("1", text); }
  std::string dim(const std::string& text) const { return wrap("2", text); }
  std::string red(const std::string& text) const { return wrap("31", text); }
  std::string green(const std::string& text) const { return wrap("32", text); }
  std::string yellow(const std::string& text) const { return wrap("33", text); }
  std::string cyan(const std::string& text) const { return wrap("36", text); }

 private:
  std::string wrap(const char* code, const std::string& text) const {
    return enabled_ ? "\033[" + std::string(code) + "m" + text + "\033[0m" : text;
  }
  bool enabled_;
};

std::string padRight(const std::string& text, std::size_t width);
// 0.004s, 1.25s, 2m03s
std::string formatDuration(long long milliseconds);
// Whole units for durations that tick on screen: 5s, 2m05s, 1h02m.
std::string roughDuration(long long milliseconds);

// Columns `text` takes on a terminal: one per UTF-8 character, none for colour escapes
// (ESC [ ... m). The symbols greenlight draws are all one column wide.
std::size_t displayWidth(const std::string& text);
// `text` cut to at most `width` columns, its last column then "…" (or "~" when `unicode` is
// false); colour escapes are kept whole, and a colour left open by the cut is reset.
std::string fitToWidth(const std::string& text, std::size_t width, bool unicode);

struct TerminalSize {
  std::size_t columns = 80;
  std::size_t rows = 24;
};
// The size of the terminal on stdout; COLUMNS/LINES, else 80×24, when it cannot be read.
TerminalSize stdoutTerminalSize();
// The locale (LC_ALL, else LC_CTYPE, else LANG) names UTF-8, so box-drawing characters show.
bool localeIsUtf8();

}  // namespace greenlight::cli
