// Terminal presentation shared by the subcommands: colours (only on a terminal), padding,
// human durations.
#pragma once

#include <string>

namespace greenlight::cli {

class Style {
 public:
  explicit Style(bool enabled) : enabled_(enabled) {}
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

}  // namespace greenlight::cli
