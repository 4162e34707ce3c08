// The stats socket protocol: "prompt\n" switches the connection to interactive mode, after which
// every reply ends with "\n> ". Connect, write and read are non-blocking with poll deadlines.
#include "providers/traffic/haproxy/runtime_session.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cassert>
#include <cerrno>
#include <cstring>

#include "common/error_codes.h"

namespace greenlight::providers::haproxy {
namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kPrompt = "\n> ";
constexpr const char* kOneShotEnd = "\n\n";

std::string socketAdvice(const std::filesystem::path& path) {
  return "check that HAProxy is running and that " + path.string() +
         " is its stats socket at level admin (greenlight supervises an embedded HAProxy and restarts it)";
}

Error sessionError(const std::filesystem::path& path, const std::string& what) {
  return Error{codes::kUnavailable, "HAProxy stats socket " + path.string() + ": " + what + "; " +
                                        socketAdvice(path)};
}

int remainingMs(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}

// Connects a non-blocking unix socket within `timeout`; returns the fd or an Error.
Result<int> connectUnix(const std::filesystem::path& path, std::chrono::milliseconds timeout) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  const std::string text = path.string();
  if (text.size() >= sizeof(address.sun_path)) {
    return Error{codes::kInvalidArgument, "HAProxy socket path " + text + " is longer than " +
                                              std::to_string(sizeof(address.sun_path) - 1) +
                                              " bytes; choose a shorter data folder"};
  }
  std::memcpy(address.sun_path, text.c_str(), text.size() + 1);
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return errnoError(codes::kInternal, "socket() for " + text, errno);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    if (errno != EINPROGRESS && errno != EAGAIN) {
      int saved = errno;
      ::close(fd);
      return sessionError(path, std::string("cannot connect (") + std::strerror(saved) + ")");
    }
    pollfd waiting{fd, POLLOUT, 0};
    int ready = ::poll(&waiting, 1, static_cast<int>(timeout.count()));
    int socketError = 0;
    socklen_t length = sizeof(socketError);
    if (ready <= 0 || ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &socketError, &length) != 0 || socketError != 0) {
      ::close(fd);
      return sessionError(path, ready <= 0 ? "no answer to connect within " + std::to_string(timeout.count()) + " ms"
                                           : std::string("cannot connect (") + std::strerror(socketError) + ")");
    }
  }
  return fd;
}

Status writeAll(int fd, const std::string& data, Clock::time_point deadline, const std::filesystem::path& path) {
  std::size_t written = 0;
  while (written < data.size()) {
    ssize_t n = ::send(fd, data.data() + written, data.size() - written, MSG_NOSIGNAL);
    if (n > 0) {
      written += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd waiting{fd, POLLOUT, 0};
      if (::poll(&waiting, 1, remainingMs(deadline)) <= 0) return sessionError(path, "timed out sending a command");
      continue;
    }
    return sessionError(path, std::string("connection lost while sending (") + std::strerror(errno) + ")");
  }
  return {};
}

// Reads until the reply ends with `terminator`; a one-shot reply ends with an empty line (the
// master CLI keeps the connection open) or at EOF (`reload` closes it).
Result<std::string> readReply(int fd, const std::string& terminator, Clock::time_point deadline,
                              const std::filesystem::path& path, bool initialPrompt = false) {
  std::string reply;
  char buffer[16384];
  for (;;) {
    if (reply.size() >= terminator.size() &&
        reply.compare(reply.size() - terminator.size(), terminator.size(), terminator) == 0) {
      return reply;
    }
    if (initialPrompt && reply == "> ") return reply;
    pollfd waiting{fd, POLLIN, 0};
    int ready = ::poll(&waiting, 1, remainingMs(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return sessionError(path, "no complete reply in time (HAProxy may be hung)");
    ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);
    if (n > 0) {
      reply.append(buffer, static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (terminator == kOneShotEnd) return reply;  // EOF also ends a one-shot reply
    return sessionError(path, n == 0 ? "HAProxy closed the connection"
                                     : std::string("connection lost (") + std::strerror(errno) + ")");
  }
}

// True when the peer has closed an idle connection (or sent something unexpected).
bool peerClosed(int fd) {
  pollfd waiting{fd, POLLIN, 0};
  return ::poll(&waiting, 1, 0) > 0;
}

}  // namespace

RuntimeSession::RuntimeSession(RuntimeSessionOptions options) : options_(std::move(options)) {}

RuntimeSession::~RuntimeSession() {
  std::lock_guard lock(mu_);
  closeLocked();
}

void RuntimeSession::disconnect() {
  std::lock_guard lock(mu_);
  closeLocked();
}

void RuntimeSession::closeLocked() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Status RuntimeSession::connectLocked() {
  closeLocked();
  auto fd = connectUnix(options_.socketPath, options_.connectTimeout);
  if (!fd.ok()) return fd.error();
  fd_ = *fd;
  auto deadline = Clock::now() + options_.replyTimeout;
  if (auto sent = writeAll(fd_, "prompt\n", deadline, options_.socketPath); !sent.ok()) {
    closeLocked();
    return sent;
  }
  auto greeting = readReply(fd_, kPrompt, deadline, options_.socketPath, /*initialPrompt=*/true);
  if (!greeting.ok()) {
    closeLocked();
    return greeting.error();
  }
  return {};
}

Result<std::string> RuntimeSession::roundTripLocked(const std::string& command) {
  auto deadline = Clock::now() + options_.replyTimeout;
  if (auto sent = writeAll(fd_, command + "\n", deadline, options_.socketPath); !sent.ok()) return sent.error();
  auto reply = readReply(fd_, kPrompt, deadline, options_.socketPath);
  if (!reply.ok()) return reply;
  std::string text = std::move(reply.value());
  text.resize(text.size() - 2);  // drop "> ", keep the newline that ends the reply
  while (text.size() >= 2 && text.compare(text.size() - 2, 2, "\n\n") == 0) text.pop_back();
  if (text == "\n") text.clear();
  return text;
}

Result<std::string> RuntimeSession::execute(const std::string& command) {
  assert(command.find('\n') == std::string::npos);
  std::lock_guard lock(mu_);
  if (fd_ >= 0 && peerClosed(fd_)) closeLocked();  // HAProxy closed it while idle (stats timeout, reload)
  bool reconnected = false;
  if (fd_ < 0) {
    if (auto connected = connectLocked(); !connected.ok()) return connected.error();
    reconnected = true;
  }
  auto reply = roundTripLocked(command);
  if (reply.ok()) return reply;
  closeLocked();
  if (reconnected || reply.error().message.find("no complete reply in time") != std::string::npos) {
    return reply;  // a fresh connection failed too, or HAProxy is hung: do not wait twice
  }
  if (auto connected = connectLocked(); !connected.ok()) return connected.error();
  auto retried = roundTripLocked(command);
  if (!retried.ok()) closeLocked();
  return retried;
}

Result<std::string> oneShotCommand(const std::filesystem::path& socketPath, const std::string& command,
                                   std::chrono::milliseconds timeout) {
  auto fd = connectUnix(socketPath, timeout);
  if (!fd.ok()) return fd.error();
  auto deadline = Clock::now() + timeout;
  auto sent = writeAll(*fd, command + "\n", deadline, socketPath);
  Result<std::string> reply = sent.ok() ? readReply(*fd, kOneShotEnd, deadline, socketPath) : Result<std::string>(sent.error());
  ::close(*fd);
  return reply;
}

}  // namespace greenlight::providers::haproxy
