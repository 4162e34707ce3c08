// The event-stream half of HttpConnection: a chunked text/event-stream response whose events
// are queued from any thread, written in batches, with keep-alive comments while idle.
#include <cstdio>

#include "http/http_connection.h"

namespace greenlight::http::detail {

namespace beast = boost::beast;
namespace net = boost::asio;

namespace {

// One HTTP/1.1 chunk: size in hex, the bytes, CRLF.
std::string chunk(std::string_view payload) {
  char size[20];
  std::snprintf(size, sizeof size, "%zx\r\n", payload.size());
  std::string framed(size);
  framed.append(payload).append("\r\n");
  return framed;
}

}  // namespace

void HttpConnection::beginStream(const std::shared_ptr<Exchange>& exchange) {
  if (state_ == State::Closed || exchange != exchange_) return;
  reportAnswered(200);
  state_ = State::Streaming;
  exchangeTimer_.cancel();
  std::string header =
      "HTTP/1.1 200 OK\r\n"
      "Content-Type: text/event-stream\r\n"
      "Cache-Control: no-cache\r\n"
      "X-Accel-Buffering: no\r\n"
      "Transfer-Encoding: chunked\r\n";
  header += keepAlive_ ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
  streamBacklogBytes_ += header.size();
  streamBacklog_.push_back(std::move(header));
  writeStreamBacklog();
  scheduleStreamKeepAlive();
}

void HttpConnection::queueStreamBytes(const std::shared_ptr<Exchange>& exchange,
                                      std::string bytes) {
  if (state_ != State::Streaming || streamEnding_ || exchange != exchange_) return;
  std::string framed = chunk(bytes);
  streamBacklogBytes_ += framed.size();
  if (streamBacklogBytes_ > core_.options.eventStreamBacklogLimit) {
    std::fprintf(stderr, "greenlight: closing the event stream to %s: the client reads too slowly "
                 "(%zu bytes queued)\n", remoteAddress_.c_str(), streamBacklogBytes_);
    return close();
  }
  streamBacklog_.push_back(std::move(framed));
  writeStreamBacklog();
}

void HttpConnection::endStream(const std::shared_ptr<Exchange>& exchange) {
  if (state_ != State::Streaming || streamEnding_ || exchange != exchange_) return;
  streamEnding_ = true;
  streamKeepAliveTimer_.cancel();
  streamBacklog_.emplace_back("0\r\n\r\n");
  writeStreamBacklog();
}

void HttpConnection::writeStreamBacklog() {
  if (streamWriteInFlight_ || streamBacklog_.empty() || state_ == State::Closed) return;
  streamWriting_.clear();
  for (auto& piece : streamBacklog_) streamWriting_ += piece;
  streamBacklog_.clear();
  streamWriteInFlight_ = true;
  stream_.expires_after(core_.options.writeTimeout);
  net::async_write(stream_, net::buffer(streamWriting_),
                   [self = shared_from_this()](beast::error_code error, size_t) {
                     self->onStreamWritten(error);
                   });
}

void HttpConnection::onStreamWritten(beast::error_code error) {
  streamWriteInFlight_ = false;
  streamBacklogBytes_ -= std::min(streamBacklogBytes_, streamWriting_.size());
  streamWriting_.clear();
  if (state_ == State::Closed) return;
  if (error) return close();
  if (!streamBacklog_.empty()) return writeStreamBacklog();
  if (streamEnding_) {
    streamEnding_ = false;
    streamBacklogBytes_ = 0;
    if (!keepAlive_) return close();
    readNextRequest();
  }
}

void HttpConnection::scheduleStreamKeepAlive() {
  streamKeepAliveTimer_.expires_after(core_.options.eventStreamKeepAlive);
  streamKeepAliveTimer_.async_wait([self = shared_from_this()](beast::error_code error) {
    if (error || self->state_ != State::Streaming || self->streamEnding_) return;
    if (!self->streamWriteInFlight_ && self->streamBacklog_.empty()) {
      self->queueStreamBytes(self->exchange_, formatServerSentComment("keep-alive"));
    }
    self->scheduleStreamKeepAlive();
  });
}

}  // namespace greenlight::http::detail
