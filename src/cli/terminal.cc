// Terminal presentation helpers.
#include "cli/terminal.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>

namespace greenlight::cli {

namespace {

// Length of the colour escape at `at` (ESC [ digits/; m), 0 when there is none.
std::size_t escapeLength(const std::string& text, std::size_t at) {
  if (text[at] != '\033' || at + 1 >= text.size() || text[at + 1] != '[') return 0;
  std::size_t end = at + 2;
  while (end < text.size() && (std::isdigit(static_cast<unsigned char>(text[end])) || text[end] == ';')) ++end;
  return end < text.size() ? end - at + 1 : 0;
}

// Bytes of the UTF-8 character starting with `lead`.
std::size_t characterLength(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0) return 2;
  if ((lead & 0xF0) == 0xE0) return 3;
  if ((lead & 0xF8) == 0xF0) return 4;
  return 1;
}

std::size_t numberFromEnvironment(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr) return 0;
  char* end = nullptr;
  long number = std::strtol(value, &end, 10);
  return end != value && number > 0 ? static_cast<std::size_t>(number) : 0;
}

}  // namespace

std::string padRight(const std::string& text, std::size_t width) {
  return text.size() >= width ? text + " " : text + std::string(width - text.size(), ' ');
}

std::string formatDuration(long long milliseconds) {
  char buffer[32];
  if (milliseconds < 60000) {
    std::snprintf(buffer, sizeof buffer, "%.3fs", static_cast<double>(milliseconds) / 1000.0);
  } else {
    std::snprintf(buffer, sizeof buffer, "%lldm%02llds", milliseconds / 60000, (milliseconds / 1000) % 60);
  }
  return buffer;
}

std::string roughDuration(long long milliseconds) {
  long long seconds = std::max(0LL, milliseconds) / 1000;
  char buffer[32];
  if (seconds < 60) {
    std::snprintf(buffer, sizeof buffer, "%llds", seconds);
  } else if (seconds < 3600) {
    std::snprintf(buffer, sizeof buffer, "%lldm%02llds", seconds / 60, seconds % 60);
  } else {
    std::snprintf(buffer, sizeof buffer, "%lldh%02lldm", seconds / 3600, (seconds / 60) % 60);
  }
  return buffer;
}

std::size_t displayWidth(const std::string& text) {
  std::size_t columns = 0;
  for (std::size_t at = 0; at < text.size();) {
    if (std::size_t escape = escapeLength(text, at)) {
      at += escape;
      continue;
    }
    at += characterLength(static_cast<unsigned char>(text[at]));
    ++columns;
  }
  return columns;
}

std::string fitToWidth(const std::string& text, std::size_t width, bool unicode) {
  if (displayWidth(text) <= width) return text;
  if (width == 0) return "";
  std::string out;
  std::size_t columns = 0;
  bool colourOpen = false;
  for (std::size_t at = 0; at < text.size();) {
    if (std::size_t escape = escapeLength(text, at)) {
      std::string code = text.substr(at, escape);
      colourOpen = code != "\033[0m";
      out += code;
      at += escape;
      continue;
    }
    if (columns + 1 == width) break;
    std::size_t length = std::min(characterLength(static_cast<unsigned char>(text[at])), text.size() - at);
    out += text.substr(at, length);
    at += length;
    ++columns;
  }
  out += unicode ? "\u2026" : "~";
  if (colourOpen) out += "\033[0m";
  return out;
}

TerminalSize stdoutTerminalSize() {
  TerminalSize size;
  winsize window{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &window) == 0 && window.ws_col > 0 && window.ws_row > 0) {
    size.columns = window.ws_col;
    size.rows = window.ws_row;
    return size;
  }
  if (std::size_t columns = numberFromEnvironment("COLUMNS")) size.columns = columns;
  if (std::size_t rows = numberFromEnvironment("LINES")) size.rows = rows;
  return size;
}

bool localeIsUtf8() {
  for (const char* name : {"LC_ALL", "LC_CTYPE", "LANG"}) {
    const char* value = std::getenv(name);
    if (value == nullptr || *value == '\0') continue;
    std::string locale;
    for (const char* c = value; *c; ++c) locale += static_cast<char>(std::tolower(static_cast<unsigned char>(*c)));
    return locale.find("utf-8") != std::string::npos || locale.find("utf8") != std::string::npos;
  }
  return false;
}

}  // namespace greenlight::cli
