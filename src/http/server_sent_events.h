// Server-sent events (text/event-stream): formatting on the server, incremental parsing in the
// client. One event is a type, an optional id and a data payload that may span lines.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace greenlight::http {

struct ServerSentEvent {
  std::string type = "message";  // the "event:" field; "message" when absent
  std::string data;              // lines joined with '\n'
  std::string id;                // the "id:" field; empty when absent
};

// "event: progress\nid: 7\ndata: line 1\ndata: line 2\n\n"
std::string formatServerSentEvent(const ServerSentEvent& event);
// ": text\n\n" — ignored by readers, keeps proxies and NAT tables from closing an idle stream.
std::string formatServerSentComment(std::string_view text);

// Feeds bytes as they arrive (any split, CR, LF or CRLF line ends) and calls `onEvent` for each
// complete event. Not thread-safe; one parser per stream.
class ServerSentEventParser {
 public:
  // Returning false from onEvent stops the parsing of the rest of the current feed.
  using EventCallback = std::function<bool(const ServerSentEvent&)>;
  explicit ServerSentEventParser(EventCallback onEvent) : onEvent_(std::move(onEvent)) {}

  // Returns false once onEvent has asked to stop.
  bool feed(std::string_view bytes);

 private:
  bool takeLine(std::string_view line);

  EventCallback onEvent_;
  std::string partialLine_;
  bool previousEndedWithCarriageReturn_ = false;
  ServerSentEvent current_;
  bool hasData_ = false;
  bool stopped_ = false;
};

}  // namespace greenlight::http
