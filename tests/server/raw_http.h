// One HTTP/1.1 exchange over a plain socket, for the tests that need what HttpClient hides:
// response headers (Set-Cookie, ETag, Content-Security-Policy) and requests with a Cookie.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace greenlight::testing {

struct RawResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  std::optional<std::string> header(const std::string& name) const {
    for (const auto& [key, value] : headers) {
      if (key.size() != name.size()) continue;
      bool same = true;
      for (std::size_t i = 0; i < key.size() && same; ++i) {
        same = std::tolower(static_cast<unsigned char>(key[i])) ==
               std::tolower(static_cast<unsigned char>(name[i]));
      }
      if (same) return value;
    }
    return std::nullopt;
  }
};

// Sends `method path` with `headers` ("Name: value" each) and `body`, reads until the server
// closes (Connection: close). status 0 when nothing came back.
inline RawResponse rawHttp(std::uint16_t port, const std::string& method, const std::string& path,
                           const std::vector<std::string>& headers = {},
                           const std::string& body = "") {
  RawResponse response;
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return response;
  }
  std::string request = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  for (const std::string& header : headers) request += header + "\r\n";
  if (!body.empty() || method == "POST" || method == "DELETE") {
    request += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  request += "\r\n" + body;
  for (std::size_t sent = 0; sent < request.size();) {
    ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<std::size_t>(n);
  }
  std::string text;
  char buffer[16384];
  for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;) {
    text.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  std::size_t end = text.find("\r\n\r\n");
  if (end == std::string::npos || text.size() < 12) return response;
  response.status = std::stoi(text.substr(9, 3));
  std::size_t line = text.find("\r\n") + 2;
  while (line < end) {
    std::size_t next = text.find("\r\n", line);
    std::string field = text.substr(line, next - line);
    std::size_t colon = field.find(':');
    if (colon != std::string::npos) {
      std::size_t value = field.find_first_not_of(' ', colon + 1);
      response.headers.emplace_back(field.substr(0, colon),
                                    value == std::string::npos ? "" : field.substr(value));
    }
    line = next + 2;
  }
  response.body = text.substr(end + 4);
  return response;
}

}  // namespace greenlight::testing
