// Formatting and parsing of text/event-stream, per the WHATWG HTML "server-sent events" section.
#include "http/server_sent_events.h"

namespace greenlight::http {
namespace {

void appendField(std::string& out, std::string_view name, std::string_view value) {
  // A field cannot hold a line break; multi-line data becomes several data: fields.
  size_t start = 0;
  while (true) {
    size_t end = value.find('\n', start);
    out.append(name).append(": ").append(value.substr(start, end - start)).append("\n");
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
}

std::string withoutLineBreaks(std::string_view value) {
  std::string cleaned(value);
  for (char& c : cleaned) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return cleaned;
}

}  // namespace

std::string formatServerSentEvent(const ServerSentEvent& event) {
  std::string out;
  if (!event.type.empty() && event.type != "message") {
    appendField(out, "event", withoutLineBreaks(event.type));
  }
  if (!event.id.empty()) appendField(out, "id", withoutLineBreaks(event.id));
  std::string data = event.data;
  std::erase(data, '\r');
  appendField(out, "data", data);
  out += "\n";
  return out;
}

std::string formatServerSentComment(std::string_view text) {
  return ": " + withoutLineBreaks(text) + "\n\n";
}

bool ServerSentEventParser::feed(std::string_view bytes) {
  for (size_t i = 0; i < bytes.size() && !stopped_; ++i) {
    char c = bytes[i];
    if (c == '\n' && previousEndedWithCarriageReturn_) {
      previousEndedWithCarriageReturn_ = false;  // second half of a CRLF split across feeds
      continue;
    }
    previousEndedWithCarriageReturn_ = false;
    if (c == '\r' || c == '\n') {
      if (c == '\r') {
        if (i + 1 < bytes.size() && bytes[i + 1] == '\n') {
          ++i;
        } else if (i + 1 == bytes.size()) {
          previousEndedWithCarriageReturn_ = true;
        }
      }
      std::string line = std::move(partialLine_);
      partialLine_.clear();
      if (!takeLine(line)) stopped_ = true;
    } else {
      partialLine_ += c;
    }
  }
  return !stopped_;
}

bool ServerSentEventParser::takeLine(std::string_view line) {
  if (line.empty()) {
    if (!hasData_) {
      current_ = ServerSentEvent{};
      return true;
    }
    ServerSentEvent event = std::move(current_);
    current_ = ServerSentEvent{};
    hasData_ = false;
    return onEvent_(event);
  }
  if (line.front() == ':') return true;  // comment
  auto colon = line.find(':');
  std::string_view field = line.substr(0, colon);
  std::string_view value = colon == std::string_view::npos ? std::string_view{} : line.substr(colon + 1);
  if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  if (field == "event") {
    current_.type = value.empty() ? "message" : std::string(value);
  } else if (field == "data") {
    if (hasData_) current_.data += '\n';
    current_.data += value;
    hasData_ = true;
  } else if (field == "id") {
    current_.id = value;
  }
  return true;  // unknown fields (retry, ...) are ignored
}

}  // namespace greenlight::http
