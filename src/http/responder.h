// Handles through which a handler answers a request, at once or later, from any thread: a
// Responder for one response (long-poll parks it), an EventStream for server-sent events.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string_view>

#include "http/http_message.h"
#include "http/server_sent_events.h"

namespace greenlight::http {

namespace detail {
class Exchange;
}

// One live event stream. Copies share the stream. Thread-safe. Events sent from one thread arrive
// in the order sent. Holding an EventStream after its connection closed is harmless.
class EventStream {
 public:
  explicit EventStream(std::shared_ptr<detail::Exchange> exchange);

  // Queues the event; false when the stream has ended or the client has gone.
  bool send(const ServerSentEvent& event) const;
  bool sendComment(std::string_view text) const;
  // Ends the stream cleanly (the connection stays usable for the next request).
  void close() const;
  // True until close() or until the client disconnects.
  bool isOpen() const;
  // Runs `callback` once, on a server thread, when the client disconnects or the server stops
  // before close(). Returns false, and never runs it, if that has already happened.
  bool onClose(std::function<void()> callback) const;

 private:
  std::shared_ptr<detail::Exchange> exchange_;
};

// The right to answer one request. Copies share it; the first send() wins. Thread-safe; may be
// completed from any thread, long after the handler returned. Completing a Responder whose client
// has gone, or after the server stopped, does nothing.
class Responder {
 public:
  explicit Responder(std::shared_ptr<detail::Exchange> exchange);

  // Sends the response; false if one was already sent or the client has gone.
  bool send(HttpResponse response) const;
  // True while no response has been sent and the client is still connected.
  bool isOpen() const;
  // Runs `callback` once, on a server thread, if the client disconnects or the server stops
  // before a response was sent. Returns false, and never runs it, if that has already happened
  // (so a caller may register it while holding the lock the callback takes). Long-poll
  // registries use it to forget parked requests.
  bool onClose(std::function<void()> callback) const;
  // Sends `fallback` if nothing else has been sent within `timeout` (the long-poll timeout).
  void sendAfter(std::chrono::milliseconds timeout, HttpResponse fallback) const;
  // Answers with 200 text/event-stream and returns the stream to send events on. If a response
  // was already sent or the client has gone, the returned stream is closed.
  EventStream startEventStream() const;

 private:
  std::shared_ptr<detail::Exchange> exchange_;
};

}  // namespace greenlight::http
