// One accepted TCP connection: reads requests (keep-alive), authenticates and routes them, and
// writes the answers its exchanges post back, including event streams. Everything runs on the
// connection's strand. Internal to the http module.
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "http/exchange.h"
#include "http/server_core.h"

namespace greenlight::http::detail {

class HttpConnection : public std::enable_shared_from_this<HttpConnection> {
 public:
  HttpConnection(boost::asio::ip::tcp::socket socket, ServerCore& core);
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // Registers with the server and starts reading. REQUIRES: owned by a shared_ptr.
  void start();
  // Runs `work` on this connection's strand.
  void post(std::function<void()> work);
  // Closes from outside the strand (server stop).
  void closeFromServer();
  // Server stop, after its threads are joined: cut the current exchange loose for good.
  void detachExchange();

  // Called on the strand by Exchange.
  void deliver(const std::shared_ptr<Exchange>& exchange, HttpResponse response);
  void beginStream(const std::shared_ptr<Exchange>& exchange);
  void queueStreamBytes(const std::shared_ptr<Exchange>& exchange, std::string bytes);
  void endStream(const std::shared_ptr<Exchange>& exchange);
  void armTimeout(const std::shared_ptr<Exchange>& exchange, std::chrono::milliseconds timeout,
                  HttpResponse fallback);

 private:
  enum class State { Reading, Handling, Writing, Streaming, Closing, Closed };
  using Parser = boost::beast::http::request_parser<boost::beast::http::string_body>;

  void readHeader();
  void onHeader(boost::beast::error_code error);
  bool fillRequestFromHeader();
  // Routes, authenticates and checks the body limit; then reads the body or dispatches.
  void admit();
  void readBody();
  void onBody(boost::beast::error_code error);
  void dispatch();
  void watchForDisconnect();
  void onWatch(boost::beast::error_code error, size_t bytes);
  // Answers before the body was read: the connection cannot be reused if a body is pending.
  void respondEarly(HttpResponse response);
  // Tells HttpServerOptions::onAnswered about the current request.
  void reportAnswered(int status);
  void writeResponse(HttpResponse response, bool keepAlive, bool bodyPending);
  void onResponseWritten(boost::beast::error_code error, bool keepAlive, bool bodyPending);
  void readNextRequest();
  void writeStreamBacklog();
  void onStreamWritten(boost::beast::error_code error);
  void scheduleStreamKeepAlive();
  // Shuts down sending, reads and drops what the client still sends for a while, then closes.
  void lingeringClose();
  void drainThenClose(size_t drained);
  void close();

  ServerCore& core_;
  boost::beast::tcp_stream stream_;
  boost::asio::steady_timer exchangeTimer_;
  boost::asio::steady_timer streamKeepAliveTimer_;
  boost::beast::flat_buffer buffer_;
  std::optional<Parser> parser_;
  std::string remoteAddress_;

  State state_ = State::Reading;
  HttpRequest request_;
  const Route* route_ = nullptr;
  const Route* matchedRoute_ = nullptr;  // also when refused before dispatch (401, 413)
  std::chrono::steady_clock::time_point requestStarted_{};  // its headers were read
  bool keepAlive_ = true;
  std::shared_ptr<Exchange> exchange_;
  bool watching_ = false;            // a read is pending only to notice a disconnect
  bool readAfterWatchEnds_ = false;  // the next request is read once that read has returned

  std::unique_ptr<boost::beast::http::response<boost::beast::http::string_body>> response_;
  std::string interimResponse_;      // "100 Continue"
  std::deque<std::string> streamBacklog_;
  size_t streamBacklogBytes_ = 0;
  std::string streamWriting_;
  bool streamWriteInFlight_ = false;
  bool streamEnding_ = false;
};

}  // namespace greenlight::http::detail
