// A webhook receiver for notification tests: a plain TCP server on an ephemeral port that reads
// each HTTP request whole and records its headers and exact body, then either answers the status
// it is told, or (holding) keeps the connection open without a word until the test releases it,
// like a receiver that hangs. One request per connection (greenlight's sender opens one per
// attempt). Header-only: test binaries are built from *_test.cc files.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace greenlight::testing {

class WebhookReceiver {
 public:
  struct Request {
    std::string method;
    std::string path;
    std::map<std::string, std::string> headers;  // names in lower case
    std::string body;                            // the bytes as sent
    std::string header(const std::string& name) const {
      auto found = headers.find(name);
      return found == headers.end() ? "" : found->second;
    }
  };

  explicit WebhookReceiver(bool hold = false) : hold_(hold) {
    listen_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int yes = 1;
    ::setsockopt(listen_, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    EXPECT_EQ(::bind(listen_, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    EXPECT_EQ(::listen(listen_, 64), 0);
    socklen_t length = sizeof address;
    ::getsockname(listen_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    EXPECT_EQ(::pipe2(wake_, O_CLOEXEC | O_NONBLOCK), 0);
    thread_ = std::thread([this] { run(); });
  }
  ~WebhookReceiver() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake();
    thread_.join();
    for (auto& connection : connections_) ::close(connection.fd);
    ::close(listen_);
    ::close(wake_[0]);
    ::close(wake_[1]);
  }
  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;

  std::string url(const std::string& path = "/hook") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  void answer(int status) {
    std::lock_guard lock(mutex_);
    status_ = status;
  }
  std::vector<Request> received() {
    std::lock_guard lock(mutex_);
    return received_;
  }
  // Requests read in full and not answered (holding).
  int held() {
    std::lock_guard lock(mutex_);
    return held_;
  }
  // Closes every held connection without answering; later requests are held too.
  void dropHeld() {
    {
      std::lock_guard lock(mutex_);
      dropRequested_ = true;
    }
    wake();
  }

 private:
  struct Connection {
    int fd = -1;
    std::string input;
    bool held = false;
  };

  void wake() {
    char byte = 1;
    (void)!::write(wake_[1], &byte, 1);
  }

  static std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
  }

  // A whole request in `input`, or false when more bytes are needed.
  static bool parse(const std::string& input, Request& request) {
    auto end = input.find("\r\n\r\n");
    if (end == std::string::npos) return false;
    std::string head = input.substr(0, end);
    std::size_t lineEnd = head.find("\r\n");
    std::string first = head.substr(0, lineEnd);
    auto space = first.find(' ');
    request.method = first.substr(0, space);
    request.path = first.substr(space + 1, first.find(' ', space + 1) - space - 1);
    std::size_t at = lineEnd == std::string::npos ? head.size() : lineEnd + 2;
    while (at < head.size()) {
      std::size_t next = head.find("\r\n", at);
      if (next == std::string::npos) next = head.size();
      std::string line = head.substr(at, next - at);
      auto colon = line.find(':');
      if (colon != std::string::npos) {
        std::string value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        request.headers[lower(line.substr(0, colon))] = value;
      }
      at = next + 2;
    }
    std::size_t length = std::stoul(request.headers.count("content-length") != 0
                                        ? request.headers["content-length"]
                                        : std::string("0"));
    if (input.size() < end + 4 + length) return false;
    request.body = input.substr(end + 4, length);
    return true;
  }

  void run() {
    while (true) {
      std::vector<pollfd> polled{{listen_, POLLIN, 0}, {wake_[0], POLLIN, 0}};
      for (const auto& connection : connections_) polled.push_back({connection.fd, POLLIN, 0});
      ::poll(polled.data(), polled.size(), -1);
      char drain[64];
      while (::read(wake_[0], drain, sizeof drain) > 0) {
      }
      {
        std::lock_guard lock(mutex_);
        if (stopping_) return;
        if (dropRequested_) {
          dropRequested_ = false;
          for (auto& connection : connections_) {
            if (!connection.held) continue;
            ::close(connection.fd);
            connection.fd = -1;
            --held_;
          }
        }
      }
      if ((polled[0].revents & POLLIN) != 0) {
        int fd = ::accept4(listen_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd >= 0) connections_.push_back({fd, "", false});
      }
      for (std::size_t i = 2; i < polled.size(); ++i) {
        if ((polled[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
        auto found = std::find_if(connections_.begin(), connections_.end(),
                                  [&](const Connection& c) { return c.fd == polled[i].fd; });
        if (found == connections_.end()) continue;
        read(*found);
      }
      connections_.erase(std::remove_if(connections_.begin(), connections_.end(),
                                        [](const Connection& c) { return c.fd < 0; }),
                         connections_.end());
    }
  }

  void read(Connection& connection) {
    char buffer[16384];
    ssize_t got = ::recv(connection.fd, buffer, sizeof buffer, 0);
    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
    if (got <= 0) {
      std::lock_guard lock(mutex_);
      if (connection.held) --held_;
      ::close(connection.fd);
      connection.fd = -1;
      return;
    }
    if (connection.held) return;  // nothing more is expected on a held connection
    connection.input.append(buffer, static_cast<std::size_t>(got));
    Request request;
    if (!parse(connection.input, request)) return;
    std::lock_guard lock(mutex_);
    received_.push_back(request);
    if (hold_) {
      connection.held = true;
      ++held_;
      return;
    }
    std::string reply = "HTTP/1.1 " + std::to_string(status_) +
                        " Answer\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
    (void)!::send(connection.fd, reply.data(), reply.size(), MSG_NOSIGNAL);
    ::close(connection.fd);
    connection.fd = -1;
  }

  const bool hold_;
  int listen_ = -1;
  int port_ = 0;
  int wake_[2] = {-1, -1};
  std::thread thread_;
  std::vector<Connection> connections_;  // the receiver's thread only

  std::mutex mutex_;
  int status_ = 200;                // GUARDED_BY(mutex_)
  std::vector<Request> received_;   // GUARDED_BY(mutex_)
  int held_ = 0;                    // GUARDED_BY(mutex_)
  bool dropRequested_ = false;      // GUARDED_BY(mutex_)
  bool stopping_ = false;           // GUARDED_BY(mutex_)
};

}  // namespace greenlight::testing
