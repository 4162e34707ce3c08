// Writes an imported group as a block-style YAML document that reads back to the same values.
#include <cstdlib>
#include <sstream>

#include "importer/goployer_import.h"

namespace greenlight::importer {
namespace {

using nlohmann::ordered_json;

bool readsAsOtherThanText(const std::string& text) {
  static const char* const kWords[] = {"true", "false", "yes", "no", "on", "off", "null", "~",
                                       "True", "False", "Yes", "No", "On", "Off", "Null", "TRUE",
                                       "FALSE", "YES", "NO", "ON", "OFF", "NULL"};
  for (const char* word : kWords) {
    if (text == word) return true;
  }
  char* end = nullptr;
  std::strtod(text.c_str(), &end);
  return end != text.c_str() && *end == '\0';
}

// Plain when YAML reads it back as this very text; else double-quoted (JSON escapes are YAML's).
std::string scalarText(const std::string& text) {
  bool plain = !text.empty() && !readsAsOtherThanText(text) &&
               std::string("-?:,[]{}#&*!|>'\"%@` ").find(text.front()) == std::string::npos &&
               text.back() != ' ' && text.back() != ':' && text.find(": ") == std::string::npos &&
               text.find(" #") == std::string::npos;
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) plain = false;
  }
  return plain ? text : ordered_json(text).dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

std::string scalar(const ordered_json& value) {
  if (value.is_string()) return scalarText(value.get<std::string>());
  if (value.is_null()) return "null";
  return value.dump();
}

bool isInline(const ordered_json& value) {
  return !value.is_structured() || value.empty();
}

// A literal block reads back as this very text only when the text has lines YAML can hold as they
// are: no control character but newline and tab, a first line that does not start with white space
// (that would set the block's indentation), and at most one newline at its end (clip chomping).
bool fitsLiteralBlock(const std::string& text) {
  if (text.find('\n') == std::string::npos) return false;
  if (text.front() == ' ' || text.front() == '\t' || text.front() == '\n') return false;
  if (text.ends_with("\n\n")) return false;
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if ((byte < 0x20 && c != '\n' && c != '\t') || byte == 0x7f) return false;
  }
  return true;
}

void write(std::ostringstream& out, const ordered_json& value, int indent);

void writeEntry(std::ostringstream& out, const std::string& key, const ordered_json& value, int indent) {
  out << std::string(indent, ' ') << scalarText(key) << ":";
  if (value.is_string() && fitsLiteralBlock(value.get<std::string>())) {
    // A script: a literal block keeps it readable.
    std::string text = value.get<std::string>();
    bool endsWithNewline = !text.empty() && text.back() == '\n';
    out << (endsWithNewline ? " |\n" : " |-\n");
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
      out << (line.empty() ? "" : std::string(indent + 2, ' ') + line) << "\n";
    }
    return;
  }
  if (isInline(value)) {
    out << " " << (value.is_array() ? "[]" : value.is_object() ? "{}" : scalar(value)) << "\n";
    return;
  }
  out << "\n";
  write(out, value, indent + 2);
}

void write(std::ostringstream& out, const ordered_json& value, int indent) {
  if (value.is_object()) {
    for (const auto& [key, item] : value.items()) writeEntry(out, key, item, indent);
    return;
  }
  for (const auto& item : value) {
    if (isInline(item)) {
      out << std::string(indent, ' ') << "- " << (item.is_array() ? "[]" : item.is_object() ? "{}" : scalar(item)) << "\n";
      continue;
    }
    // "- " then the item's first line at the same indent as the rest.
    std::ostringstream nested;
    write(nested, item, indent + 2);
    std::string text = nested.str();
    out << std::string(indent, ' ') << "- " << text.substr(static_cast<std::size_t>(indent + 2));
  }
}

}  // namespace

std::string toYaml(const ordered_json& document, const std::string& headerComment) {
  std::ostringstream out;
  std::istringstream comment(headerComment);
  for (std::string line; std::getline(comment, line);) out << "# " << line << "\n";
  write(out, document, 0);
  return out.str();
}

}  // namespace greenlight::importer
